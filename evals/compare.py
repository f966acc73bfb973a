"""`compare_runs`: what changed between two eval runs, metric by metric and question by question.

A change is marked `*` when B's value lies outside A's 95 % bootstrap interval (see
`evals.bootstrap`): smaller moves are within what re-asking the same kind of questions
would give, and are shown but not starred. Held-out questions are compared by the numbers
only; their per-question changes are not listed, so tuning cannot look at them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from communique.evals.bootstrap import outside
from communique.evals.metrics import ALL_METRICS, LOWER_IS_BETTER
from communique.evals.report import fmt, load_run
from communique.evals.scoring import EvalSummary, ItemResult, failure_reasons
from communique.evals.splits import HELDOUT

MARK = "*"

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


def _interval_text(interval, metric: str) -> str:
    return f"[{fmt(interval[0], metric)}, {fmt(interval[1], metric)}]" if interval else "—"


def _metric_table(title: str, a: Mapping[str, float | None], b: Mapping[str, float | None],
                  ci_a: Mapping[str, Sequence[float] | None] | None = None) -> list[str]:
    lines = [f"{title}", f"  {'metric':<24}{'A':>10}{'B':>10}{'delta':>10}  {'A 95% CI':<18}"]
    for metric in ALL_METRICS:
        va, vb = a.get(metric), b.get(metric)
        if va is None and vb is None:
            continue
        interval = (ci_a or {}).get(metric)
        verdict = _verdict(metric, va, vb)
        if verdict in ("better", "WORSE") and outside(vb, interval):
            verdict += f" {MARK}"
        lines.append(
            f"  {metric:<24}{fmt(va, metric):>10}{fmt(vb, metric):>10}"
            f"{_delta(va, vb, metric):>10}  {_interval_text(interval, metric):<18}{verdict}".rstrip()
        )
    return lines


def _groups(label: str, a: Mapping[str, Mapping], b: Mapping[str, Mapping],
            ci_a: Mapping[str, Mapping] | None = None) -> list[str]:
    lines: list[str] = []
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            lines.append(f"{label}={name}: only in {'B' if name not in a else 'A'}")
            continue
        lines += _metric_table(f"{label}={name}", a[name], b[name], (ci_a or {}).get(name))
    return lines


def _breakdown_tables(a: Mapping, b: Mapping, prefix: str = "") -> list[str]:
    """overall + lang/kind/class (+ split) tables for two summaries or two splits of them."""
    ci_a = a.get("ci") or {}
    out = _metric_table(f"{prefix}overall", a.get("overall") or {}, b.get("overall") or {}, ci_a.get("overall"))
    out.append("")
    for label, key in (("lang", "by_lang"), ("kind", "by_kind"), ("class", "by_class"), ("split", "by_split")):
        if a.get(key) or b.get(key):
            out += _groups(f"{prefix}{label}", a.get(key) or {}, b.get(key) or {}, ci_a.get(key))
            out.append("")
    return out


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
    out.append(f"{MARK} = B lies outside A's 95 % bootstrap interval (a change beyond re-sampling noise)")
    out.append("")
    out += _breakdown_tables(_as_section(a), _as_section(b))
    heldout_a, heldout_b = (a.splits or {}).get(HELDOUT), (b.splits or {}).get(HELDOUT)
    if heldout_a and heldout_b:
        out += [f"held-out split (A n={heldout_a.get('n')}, B n={heldout_b.get('n')})", ""]
        out += _breakdown_tables(heldout_a, heldout_b, prefix="heldout ")

    by_id_a = {r.id: r for r in ra}
    by_id_b = {r.id: r for r in rb}
    common = [i for i in by_id_b if i in by_id_a]
    heldout_ids = {i for i in common if HELDOUT in (by_id_a[i].split, by_id_b[i].split)}
    newly_failed_all = [i for i in common if by_id_a[i].passed is True and by_id_b[i].passed is False]
    newly_passed_all = [i for i in common if by_id_a[i].passed is False and by_id_b[i].passed is True]
    common_dev = [i for i in common if i not in heldout_ids]
    newly_failed = [by_id_b[i] for i in common_dev if i in newly_failed_all]
    newly_passed = [by_id_b[i] for i in common_dev if i in newly_passed_all]
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
    if heldout_ids:
        out.append(f"held-out questions (not listed): {sum(i in heldout_ids for i in newly_failed_all)} newly failed, "
                   f"{sum(i in heldout_ids for i in newly_passed_all)} newly passed")
    only_a = [i for i in by_id_a if i not in by_id_b]
    only_b = [i for i in by_id_b if i not in by_id_a]
    if only_a:
        out.append(f"only in A ({len(only_a)}): {', '.join(only_a)}")
    if only_b:
        out.append(f"only in B ({len(only_b)}): {', '.join(only_b)}")
    return "\n".join(out) + "\n"


def _as_section(summary: EvalSummary) -> dict:
    return {"overall": summary.overall, "by_lang": summary.by_lang, "by_kind": summary.by_kind,
            "by_class": summary.by_class, "by_split": summary.by_split, "ci": summary.ci}


def compare_runs(run_a: str | Path, run_b: str | Path) -> str:
    """Text report of what changed from run A (before) to run B (after); raises `RunError`."""
    a, ra = load_run(run_a)
    b, rb = load_run(run_b)
    return compare_summaries(a, ra, b, rb, name_a=str(run_a), name_b=str(run_b))
