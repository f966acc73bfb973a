"""`compare_runs`: what changed between two eval runs, metric by metric and question by question."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from evals.metrics import ALL_METRICS, LOWER_IS_BETTER
from evals.report import fmt, load_run
from evals.scoring import EvalSummary, ItemResult, failure_reasons

# Differences smaller than this are noise from float formatting, not a change.
_EPS = 1e-9
# Latency moves with machine load: a change under this share of A is not called better/worse.
_LATENCY_TOLERANCE = 0.10


def _verdict(metric: str, a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return "" if a is None and b is None else ("new" if a is None else "gone")
    delta = b - a
    if abs(delta) <= _EPS:
        return ""
    if metric.endswith("_ms") and abs(delta) <= _LATENCY_TOLERANCE * abs(a):
        return ""
    better = delta < 0 if metric in LOWER_IS_BETTER else delta > 0
    return "better" if better else "WORSE"


def _delta(a: float | None, b: float | None, metric: str) -> str:
    if a is None or b is None:
        return "—"
    d = b - a
    return f"{d:+,.0f}" if metric.endswith("_ms") else f"{d:+.3f}"


def _metric_table(title: str, a: Mapping[str, float | None], b: Mapping[str, float | None]) -> list[str]:
    lines = [f"{title}", f"  {'metric':<24}{'A':>10}{'B':>10}{'delta':>10}  "]
    for metric in ALL_METRICS:
        va, vb = a.get(metric), b.get(metric)
        if va is None and vb is None:
            continue
        lines.append(
            f"  {metric:<24}{fmt(va, metric):>10}{fmt(vb, metric):>10}"
            f"{_delta(va, vb, metric):>10}  {_verdict(metric, va, vb)}".rstrip()
        )
    return lines


def _groups(label: str, a: Mapping[str, Mapping], b: Mapping[str, Mapping]) -> list[str]:
    lines: list[str] = []
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            lines.append(f"{label}={name}: only in {'B' if name not in a else 'A'}")
            continue
        lines += _metric_table(f"{label}={name}", a[name], b[name])
    return lines


def _question_line(r: ItemResult, why: Sequence[str] = ()) -> str:
    question = " ".join(r.question.split())
    if len(question) > 90:
        question = question[:87] + "..."
    suffix = f" — {'; '.join(why)}" if why else ""
    return f"  {r.id} [{r.lang}/{r.kind}] {question}{suffix}"


def compare_summaries(
    a: EvalSummary, ra: Sequence[ItemResult], b: EvalSummary, rb: Sequence[ItemResult],
    *, name_a: str = "A", name_b: str = "B",
) -> str:
    """The comparison text for two loaded runs (see `compare_runs`)."""
    out = [f"A: {name_a} (n={a.n})", f"B: {name_b} (n={b.n})"]
    for key in ("golden_sha256", "retrieval_only", "mode_label", "embedder"):
        va, vb = a.config.get(key), b.config.get(key)
        if va != vb:
            out.append(f"note: {key} differs: A={va!r} B={vb!r}")
    out.append("")
    out += _metric_table("overall", a.overall, b.overall)
    out.append("")
    out += _groups("lang", a.by_lang, b.by_lang)
    out.append("")
    out += _groups("kind", a.by_kind, b.by_kind)
    out.append("")

    by_id_a = {r.id: r for r in ra}
    by_id_b = {r.id: r for r in rb}
    common = [i for i in by_id_b if i in by_id_a]
    newly_failed = [by_id_b[i] for i in common if by_id_a[i].passed is True and by_id_b[i].passed is False]
    newly_passed = [by_id_b[i] for i in common if by_id_a[i].passed is False and by_id_b[i].passed is True]
    passed_a = sum(by_id_a[i].passed is True for i in common)
    passed_b = sum(by_id_b[i].passed is True for i in common)
    out.append(
        f"questions: {len(common)} in both; passed A {passed_a} → B {passed_b} "
        "(passed: answerable → answered, cited a gold source, stated every fact; "
        "unanswerable → abstained; retrieval-only → all gold in top 5)"
    )
    out.append(f"newly failed ({len(newly_failed)}):")
    out += [_question_line(r, failure_reasons(r)) for r in newly_failed] or ["  none"]
    out.append(f"newly passed ({len(newly_passed)}):")
    out += [_question_line(r) for r in newly_passed] or ["  none"]
    only_a = [i for i in by_id_a if i not in by_id_b]
    only_b = [i for i in by_id_b if i not in by_id_a]
    if only_a:
        out.append(f"only in A ({len(only_a)}): {', '.join(only_a)}")
    if only_b:
        out.append(f"only in B ({len(only_b)}): {', '.join(only_b)}")
    return "\n".join(out) + "\n"


def compare_runs(run_a: str | Path, run_b: str | Path) -> str:
    """Text report of what changed from run A (before) to run B (after); raises `RunError`."""
    a, ra = load_run(run_a)
    b, rb = load_run(run_b)
    return compare_summaries(a, ra, b, rb, name_a=str(run_a), name_b=str(run_b))
