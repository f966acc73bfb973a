"""Benchmark figures, their table, and the machine they were measured on."""
from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from communique.bench.stats import Stat, fmt_number


@dataclass
class Figure:
    """One row of the table: a median (with its spread) against its target, if any."""

    section: str
    name: str
    value: float | str | None
    unit: str = ""
    spread: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""

    @classmethod
    def of(cls, section: str, name: str, stat: Stat, *, target: str = "", met: bool | None = None,
           note: str = "") -> "Figure":
        return cls(section, name, stat.median, stat.unit, stat.spread(), target, met, note)

    @property
    def status(self) -> str:
        return {True: "met", False: "MISSED", None: ""}[self.met]

    def value_text(self) -> str:
        if isinstance(self.value, str) or self.value is None:
            return self.value or "–"
        return f"{fmt_number(self.value)} {self.unit}".strip()


def machine_info() -> dict[str, Any]:
    """What the figures depend on: CPU, cores, memory, load, versions, commit."""
    info: dict[str, Any] = {"date": _dt.datetime.now().isoformat(timespec="seconds"), "platform": platform.platform(),
                            "python": platform.python_version(), "cores": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info["load_average_start"] = list(os.getloadavg())
    for module in ("numpy", "faiss"):
        try:
            info[module] = __import__(module).__version__
        except Exception:  # noqa: BLE001 - a version is informative only
            pass
    try:
        root = Path(__file__).resolve().parents[1]
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                                        text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        info["commit"] = None
    return info


@dataclass
class BenchReport:
    machine: dict[str, Any]
    config: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)

    def to_dict(self) -> dict[str, Any]:
        return {"machine": self.machine, "config": self.config, "figures": [asdict(f) for f in self.figures],
                "details": self.details, "skipped": self.skipped, "errors": self.errors}


def render_table(report: BenchReport) -> str:
    """Markdown table (it reads as plain text in a terminal too)."""
    m = report.machine
    load = m.get("load_average_start")
    head = (f"Communiqué benchmarks — {m.get('date', '')} on {m.get('cpu', '?')}, {m.get('cores', '?')} cores, "
            f"{m.get('memory_gb', '?')} GB; load average at start {load[0]:.1f}" if load else "")
    if m.get("complete") is False:
        head += " — PARTIAL: the run stopped before its last section"
    lines = [head, "", "| section | figure | median | spread | target | status | note |",
             "|---|---|---|---|---|---|---|"]
    for f in report.figures:
        lines.append(f"| {f.section} | {f.name} | {f.value_text()} | {f.spread} | {f.target} | {f.status} | {f.note} |")
    profile = report.details.get("profile")
    if profile and profile.get("by_self"):
        lines += ["", f"Profile of warm `{profile['target']}` ({profile['total_ms_per_call']:.0f} ms per call "
                      f"under cProfile), top functions by own time:"]
        for row in profile["by_self"][:10]:
            lines.append(f"  {row['self_ms']:7.2f} ms  {row['function']}  ({row['calls_per_ask']:.0f} calls)")
    cold = report.details.get("cold_start")
    if cold and cold.get("imports"):
        lines += ["", f"Cold start imports ({cold['import_total_ms']:.0f} ms in all), heaviest:"]
        lines += [f"  {row['cumulative_ms']:7.0f} ms  {row['module']}" for row in cold["imports"][:10]]
    for what in report.skipped:
        lines.append(f"skipped: {what}")
    for what in report.errors:
        lines.append(f"error: {what}")
    return "\n".join(lines)
