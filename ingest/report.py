"""What an ingest did: counts, rejections (`Problem`s) and warnings, ready to print one per line."""
from __future__ import annotations

from dataclasses import dataclass, field

from communique.ingest.problems import Problem, printable

EXIT_OK = 0
EXIT_REJECTED = 3  # some input was rejected; usage errors exit 2


@dataclass
class IngestReport:
    index_dir: str
    embedder: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    chunks: int = 0
    paired: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def reject(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.rejected += 1

    def warn(self, where: str, line: int | None, message: str) -> None:
        """A warning line; file names and messages escaped so that none can forge another line."""
        located = f"{where}:{line}" if line is not None else where
        self.warnings.append(printable(f"{located}: {message}"))

    @property
    def exit_code(self) -> int:
        return EXIT_REJECTED if self.rejected else EXIT_OK

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        pairs = "translation" if self.paired == 1 else "translations"
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.duplicates} duplicates, {self.rejected} rejected; {self.chunks} chunks embedded, "
            f"{self.paired} {pairs} paired, {self.seconds:.1f} s ({self.chunks_per_second:.0f} chunks/s)"
        )
