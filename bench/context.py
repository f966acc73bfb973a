"""What the sections of `communique bench` share, and what each one gives back.

`BenchConfig` is the run's settings; `BenchContext` what the sections share (the corpus, the
golden questions, the indexes built once and reused, a temporary folder); `SectionResult` is
what a section returns: its table rows and its entries of `latest.json`'s `details`. The
sections themselves live beside the code they measure (`bench.versus.versus_section`,
`bench.queries.latency_section`, …: a change to a worker's result and to the rows that read it
is one file), and `bench.run` runs the chosen ones in order and merges what they return.
"""
from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from communique.bench.corpus import PROVINCIAL_FILE, SHARED_GOLDEN, full_sources, load_queries
from communique.bench.report import BenchReport, Figure

if TYPE_CHECKING:
    from communique.bench.corpus import Query
    from communique.bench.indexes import BuildInfo

REPO_ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("versus", "throughput", "latency", "search-modes", "coldstart", "threads", "profile", "scale", "pgvector",
            "postgres")
SHARED_PROVINCIAL = 1000
TARGETS = {"overhead": 0.10, "ingest_rate": 100.0, "search_ms": 20.0, "ask_ms": 150.0, "search_1m_ms": 50.0,
           "cold_s": 3.0, "rss_mb": 1024.0, "hybrid_dense_ratio": 1.0}


@dataclass
class BenchConfig:
    out_dir: Path = REPO_ROOT / "bench-output"
    quick: bool = False
    corpus: Path | None = None
    golden: Path = SHARED_GOLDEN
    sections: tuple[str, ...] = SECTIONS
    runs: int = 0  # repeated builds (ingest, throughput); 0: 1 when quick, else 3
    passes: int = 0  # passes over the questions for latencies; 0: 1 when quick, else 3
    throughput_sample: tuple[int, int] = (0, 0)  # (teasers, provincial releases); (0, 0): by `quick`
    e5_sample: tuple[int, int] = (60, 6)
    scale: dict[str, Any] = field(default_factory=dict)  # overrides of bench.scale.DEFAULTS
    pgvector: dict[str, Any] = field(default_factory=dict)  # overrides of bench.pgvector.PgVectorSpec (size, …)
    log: Callable[[str], None] = field(default=lambda msg: print(msg, file=sys.stderr, flush=True))

    def __post_init__(self) -> None:
        unknown = set(self.sections) - set(SECTIONS)
        if unknown:
            raise ValueError(f"unknown bench section(s) {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
        if not self.runs:
            self.runs = 1 if self.quick else 3
        if not self.passes:
            self.passes = 1 if self.quick else 3
        if self.throughput_sample == (0, 0):
            self.throughput_sample = (300, 30) if self.quick else (1000, 100)

    def to_dict(self) -> dict[str, Any]:
        out = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items() if k != "log"}
        out["sections"] = list(self.sections)
        return out


@dataclass
class SectionResult:
    """A section's rows of the table, and its entries of the report's `details` (top-level keys)."""

    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)


class SectionFailed(Exception):
    """A section that failed part-way, with what it had measured before (`partial`)."""

    def __init__(self, partial: SectionResult, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.partial = partial
        self.cause = cause


@contextmanager
def keeping(result: SectionResult) -> Iterator[SectionResult]:
    """Raise a failure inside the block as `SectionFailed(result)`: the rows a section added
    before it failed (the ~10k-chunk index measured, then the full corpus failing) are kept."""
    try:
        yield result
    except Exception as exc:  # noqa: BLE001 - re-raised with what was measured
        raise SectionFailed(result, exc) from exc


def pct(ratio: float) -> float:
    return ratio * 100.0


class BenchContext:
    """What the sections of one run share: settings, corpus, questions, indexes built once."""

    def __init__(self, config: BenchConfig, corpus: Path, queries: list[Query] | None = None) -> None:
        self.config = config
        self.corpus = corpus
        self.out = Path(config.out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.queries = load_queries(config.golden) if queries is None else queries
        self.shared_index = self.out / "shared-index"
        self.full_index = self.out / "full-index"
        self.builds: dict[str, BuildInfo] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="communique-bench-"))

    def log(self, msg: str) -> None:
        self.config.log(f"[bench] {msg}")

    def worker_queries(self, limit: int | None = None) -> list[dict[str, Any]]:
        qs = self.queries[:limit] if limit else self.queries
        return [{"search": q.search_text, "question": q.question, "history": list(q.history)} for q in qs]

    def shared_sources(self) -> list[Path]:
        from communique.evals.shared_corpus import GC_FILES

        return [self.corpus / name for name in (*GC_FILES, PROVINCIAL_FILE)]

    def ensure_shared(self) -> BuildInfo:
        from communique.bench.indexes import ensure_index

        if "shared" not in self.builds:
            self.builds["shared"] = ensure_index(self.shared_index, self.shared_sources(), embedder="use",
                                                 provincial_limit=SHARED_PROVINCIAL, log=self.log)
        return self.builds["shared"]

    def ensure_full(self) -> BuildInfo:
        from communique.bench.indexes import ensure_index

        if "full" not in self.builds:
            self.log("full corpus index (all GC files + all provincial releases, use): built once, then reused")
            self.builds["full"] = ensure_index(self.full_index, full_sources(self.corpus), embedder="use", log=self.log)
        return self.builds["full"]

    def main_index(self) -> Path:
        """The index the single-index sections use: the full corpus, or ~10k chunks when quick."""
        if self.config.quick:
            self.ensure_shared()
            return self.shared_index
        self.ensure_full()
        return self.full_index

    def indexes(self) -> list[tuple[str, Path]]:
        out = [("~10k chunks", self.shared_index)]
        if not self.config.quick:
            out.append(("full corpus", self.full_index))
        return out

    def ensure(self, index_dir: Path) -> BuildInfo:
        """The build of one of `indexes()`, building it when it is not current."""
        return self.ensure_shared() if index_dir == self.shared_index else self.ensure_full()

    def reporting(self, result: SectionResult) -> "ReportingView":
        """This context as a section written against the old run object sees it: one whose
        `report` collects into `result` (the PostgreSQL sections, `bench.pg_report`)."""
        return ReportingView(self, result)


class ReportingView:
    """The context with a `report` of the section's own, for sections that add rows to
    `run.report` and set `run.report.details[...]` (`bench.pg_report.run_pgvector`)."""

    def __init__(self, ctx: BenchContext, result: SectionResult) -> None:
        self._ctx = ctx
        self.report = BenchReport(machine={}, config={}, figures=result.figures, details=result.details)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)
