"""The CI gate: compare a summary with the floors in `evals/floors.json`.

Floors file: `{"comment": "...", "overall": {metric: value}, "by_lang": {lang: {metric: value}},
"by_kind": {kind: {metric: value}}}`. For metrics where higher is better the value is a
minimum; for `false_abstention_rate` and the latencies (lower is better) it is a maximum.
A misspelt metric or section is an error, not a silent pass.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from communique.evals.metrics import ALL_METRICS, LOWER_IS_BETTER
from communique.evals.scoring import EvalSummary

SECTIONS = ("overall", "by_lang", "by_kind")
DEFAULT_FLOORS = Path(__file__).with_name("floors.json")


class FloorsError(ValueError):
    """A floors file that cannot be used; the message names the file."""


def load_floors(path: str | Path = DEFAULT_FLOORS) -> dict[str, Any]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FloorsError(f"{path}: floors file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FloorsError(f"{path}: cannot read floors: {exc}") from None
    if not isinstance(data, dict):
        raise FloorsError(f"{path}: expected a JSON object")
    return data


def _check(where: str, values: Mapping[str, Any] | None, floors: Any, skip_unmeasured: bool) -> list[str]:
    if not isinstance(floors, Mapping):
        return [f"{where}: floors must be an object of metric: value"]
    problems: list[str] = []
    for metric, floor in floors.items():
        if metric not in ALL_METRICS:
            problems.append(f"{where}: unknown metric {metric!r} in floors")
            continue
        if not isinstance(floor, (int, float)) or isinstance(floor, bool):
            problems.append(f"{where}: floor for {metric} must be a number, got {floor!r}")
            continue
        if values is None:
            problems.append(f"{where}: no such group in the summary (floor on {metric})")
            continue
        value = values.get(metric)
        if value is None:
            if not skip_unmeasured:
                problems.append(f"{where}: {metric} was not measured (floor {floor})")
            continue
        if metric in LOWER_IS_BETTER:
            if value > floor:
                problems.append(f"{where}: {metric} = {value:.3f} is above the ceiling {floor}")
        elif value < floor:
            problems.append(f"{where}: {metric} = {value:.3f} is below the floor {floor}")
    return problems


def check_floors(
    summary: EvalSummary | Mapping[str, Any],
    floors: Mapping[str, Any],
    *,
    skip_unmeasured: bool = False,
) -> list[str]:
    """Every floor the summary breaks, as readable lines; [] when the gate passes.

    `skip_unmeasured` ignores floors on metrics the run did not measure (answer metrics in a
    retrieval-only run); otherwise an unmeasured metric under a floor fails the gate.
    """
    data = summary.to_dict() if isinstance(summary, EvalSummary) else dict(summary)
    problems: list[str] = []
    unknown = sorted(set(floors) - set(SECTIONS) - {"comment"})
    if unknown:
        problems.append(f"unknown section(s) in floors: {unknown} (allowed: {list(SECTIONS)}, 'comment')")
    if "overall" in floors:
        problems += _check("overall", data.get("overall") or {}, floors["overall"], skip_unmeasured)
    for section, label in (("by_lang", "lang"), ("by_kind", "kind")):
        groups = floors.get(section, {})
        if not isinstance(groups, Mapping):
            problems.append(f"{section}: must be an object of group: {{metric: value}}")
            continue
        measured = data.get(section) or {}
        for group, group_floors in groups.items():
            problems += _check(f"{label}={group}", measured.get(group), group_floors, skip_unmeasured)
    return problems
