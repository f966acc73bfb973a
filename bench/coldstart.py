"""Cold start: wall seconds from spawning `communique ask "…" --index DIR` to its exit (the
first answer printed), and `python -X importtime` to see which imports that time goes to.

`coldstart_section` is the `coldstart` section of `communique bench` (with the `stages` task:
where a cold process spends its first seconds).
"""
from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.bench.context import TARGETS, SectionResult
from communique.bench.report import Figure
from communique.bench.stats import Stat
from communique.bench.subprocess_task import REPO_ROOT, bench_env

if TYPE_CHECKING:
    from communique.bench.context import BenchContext

PROJECT_PACKAGES = ("communique",)  # ours: every module by name; third-party: whole packages


@dataclass
class ColdStart:
    command: str
    seconds: Stat | None
    error: str | None = None
    imports: list[dict[str, Any]] = field(default_factory=list)  # top-level imports by cumulative ms
    import_total_ms: float | None = None
    help_seconds: float | None = None  # `communique --help`: the command line's own start-up

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["seconds"] = self.seconds.to_dict() if self.seconds else None
        return out


def cli_command() -> list[str]:
    """`communique` as a user runs it: the installed console script, else `python -m communique.ui.cli`."""
    script = Path(sys.executable).with_name("communique")
    return [sys.executable, str(script)] if script.exists() else [sys.executable, "-m", "communique.ui.cli"]


def ask_command(index_dir: Path, question: str) -> tuple[list[str], str]:
    """The command a cold start is timed on, and its label."""
    cli = cli_command()
    label = "communique ask" if cli[-1] != "communique.ui.cli" else "python -m communique.ui.cli ask"
    return [*cli, "ask", question, "--index", str(index_dir)], label


def parse_importtime(stderr: str, top: int = 12) -> tuple[list[dict[str, Any]], float]:
    """Heaviest packages (cumulative ms of each top-level package's own import) and the total
    import time (sum of the outermost imports), from `python -X importtime` output."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line[len("import time:"):].split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        name = parts[2].rstrip()
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append((depth, name.strip(), int(parts[1]) / 1000.0))
    if not rows:
        return [], 0.0
    shallow = min(depth for depth, *_ in rows)
    total = sum(ms for depth, _, ms in rows if depth == shallow)
    packages: dict[str, float] = {}
    for _, name, ms in rows:
        if "." not in name or name.split(".")[0] in PROJECT_PACKAGES:  # third-party: whole packages
            packages[name] = max(ms, packages.get(name, 0.0))
    heaviest = sorted(packages.items(), key=lambda kv: -kv[1])[:top]
    return [{"module": n, "cumulative_ms": ms} for n, ms in heaviest], total


def measure_cold_start(index_dir: Path, question: str, *, runs: int, timeout: float = 120.0) -> ColdStart:
    cmd, label = ask_command(index_dir, question)
    env = bench_env()
    seconds = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(REPO_ROOT), timeout=timeout)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            tail = " ".join(proc.stderr.strip().splitlines()[-3:])
            return ColdStart(command=label, seconds=None, error=f"exit {proc.returncode}: {tail[:400]}")
        seconds.append(elapsed)
    proc = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True, env=env,
                          cwd=str(REPO_ROOT), timeout=timeout)
    imports, total = parse_importtime(proc.stderr)
    t0 = time.perf_counter()
    subprocess.run([*cli_command(), "--help"], capture_output=True, env=env, cwd=str(REPO_ROOT), timeout=timeout, check=True)
    help_seconds = time.perf_counter() - t0
    return ColdStart(command=label, seconds=Stat.of(seconds, "s"), imports=imports, import_total_ms=total,
                     help_seconds=help_seconds)


def coldstart_section(ctx: BenchContext) -> SectionResult:
    """Process start to first answer, its stages and its imports, on the main index."""
    from communique.bench.subprocess_task import run_task

    index_dir = ctx.main_index()
    question = ctx.queries[0].question
    ctx.log("cold start…")
    cold = measure_cold_start(index_dir, question, runs=2 if ctx.config.quick else 5)
    stages = run_task("stages", {"index": str(index_dir), "question": question})
    out = SectionResult(details={"cold_start": {**cold.to_dict(), "stages": stages}})
    if cold.seconds is None:
        out.add(Figure("cold start", "process start → first answer", "error", note=cold.error or ""))
        return out
    marks = stages.get("marks", {})
    steps = ", ".join(f"{k} {v:.2f}" for k, v in marks.items() if v is not None)
    out.add(Figure.of("cold start", "process start → first answer", cold.seconds, target="< 3 s",
                      met=cold.seconds.median < TARGETS["cold_s"], note=f"{cold.command}"))
    out.add(Figure("cold start", "stages (s since start)", steps[:200]))
    if cold.help_seconds is not None:
        out.add(Figure("cold start", "communique --help", cold.help_seconds, "s",
                       note="the command line's own start-up"))
    return out
