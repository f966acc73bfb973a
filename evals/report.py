"""Write and read an eval run folder: results.jsonl, summary.json, report.md, metrics.png."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

from communique.evals.chart import write_chart
from communique.evals.metrics import ANSWER_METRICS, LATENCY_METRICS, RETRIEVAL_METRICS
from communique.evals.scoring import EvalSummary, ItemResult, failure_reasons
from communique.evals.splits import HELDOUT

RESULTS = "results.jsonl"
SUMMARY = "summary.json"
REPORT = "report.md"
CHART = "metrics.png"


class RunError(ValueError):
    """A run folder that cannot be read (missing or malformed files)."""


def fmt(value: float | None, metric: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if metric.endswith("_ms"):
        return f"{value:,.0f}"
    return f"{value:.3f}"


def fmt_ci(value: float | None, interval: Sequence[float] | None, metric: str = "") -> str:
    """`0.823 [0.781–0.862]`: the value and its 95 % bootstrap interval."""
    if interval is None or value is None:
        return fmt(value, metric)
    return f"{fmt(value, metric)} [{fmt(interval[0], metric)}–{fmt(interval[1], metric)}]"


def _table(rows: Mapping[str, Mapping[str, float | None]], counts: Mapping[str, Any], metrics: Sequence[str],
           intervals: Mapping[str, Mapping[str, Any]] | None = None) -> list[str]:
    header = "| group | n | passed | " + " | ".join(metrics) + " |"
    lines = [header, "|" + "---|" * (len(metrics) + 3)]
    for name, values in rows.items():
        c = counts.get(name, {})
        ci = (intervals or {}).get(name, {}) or {}
        passed = f"{c.get('passed', 0)}/{c.get('judged', 0)}" if c else "—"
        cells = " | ".join(fmt_ci(values.get(metric), ci.get(metric), metric) for metric in metrics)
        lines.append(f"| {name} | {c.get('n', '—')} | {passed} | {cells} |")
    return lines


def _rows(section: Mapping[str, Any], with_split: bool) -> tuple[dict, dict, dict]:
    """Table rows (values, counts, intervals) of a summary or of one split's breakdown."""
    ci = section.get("ci", {}) or {}
    counts = section.get("counts", {}) or {}
    rows = {"overall": section.get("overall", {})}
    row_counts = {"overall": counts.get("overall", {})}
    row_ci = {"overall": ci.get("overall", {})}
    groups = [("lang", "by_lang"), ("kind", "by_kind"), ("class", "by_class"), ("batch", "by_batch")]
    if with_split:
        groups.append(("split", "by_split"))
    for label, key in groups:
        for name, values in (section.get(key) or {}).items():
            rows[f"{label}={name}"] = values
            row_counts[f"{label}={name}"] = (counts.get(key) or {}).get(name, {})
            row_ci[f"{label}={name}"] = (ci.get(key) or {}).get(name, {})
    return rows, row_counts, row_ci


def render_report(summary: EvalSummary, results: Sequence[ItemResult], *, chart: str | None = CHART) -> str:
    """report.md: configuration, metric tables with 95 % intervals (all questions, then the
    held-out split alone), and the failed dev questions (held-out ones are only counted)."""
    cfg = summary.config
    retrieval_only = bool(cfg.get("retrieval_only"))
    metric_sets: list[tuple[str, tuple[str, ...]]] = [("Retrieval (answerable questions, announcement level)",
                                                      RETRIEVAL_METRICS)]
    if not retrieval_only:
        metric_sets.append(("Answers", ANSWER_METRICS))
    metric_sets.append(("Latency per question (ms)", LATENCY_METRICS))

    out = [f"# Eval report: {cfg.get('golden_name', 'golden set')}", ""]
    out.append(f"- questions: {summary.n} "
               f"({summary.counts['overall']['answerable']} answerable, "
               f"{summary.counts['overall']['unanswerable']} unanswerable)")
    for key in ("mode_label", "index_dir", "golden", "golden_sha256", "embedder", "started_at", "duration_s", "git_commit"):
        if cfg.get(key) not in (None, ""):
            out.append(f"- {key}: {cfg[key]}")
    if summary.errors:
        out.append(f"- **errors: {summary.errors} question(s) raised** (counted as failed)")
    if summary.golden_problems:
        out.append(f"- **golden set problems: {len(summary.golden_problems)}** (see summary.json)")
    out.append("")
    out.append("Averages skip items a metric does not apply to: retrieval and answer metrics "
               "cover answerable questions, abstention accuracy unanswerable ones. "
               "`passed`: answerable → answered, cited a gold source and stated every fact; "
               "unanswerable → abstained" + (" (retrieval-only: all gold in top 5)." if retrieval_only else ".")
               + " Brackets: 95 % bootstrap interval over the group's questions (1,000 resamples, seeded).")
    out.append("")
    if chart:
        out += [f"![metrics by language, kind, class and split]({chart})", ""]

    summary_section = {"overall": summary.overall, "by_lang": summary.by_lang, "by_kind": summary.by_kind,
                       "by_class": summary.by_class, "by_split": summary.by_split, "by_batch": summary.by_batch,
                       "ci": summary.ci, "counts": summary.counts}
    parts = [("All questions", summary_section, True)]
    heldout = (summary.splits or {}).get(HELDOUT)
    if heldout:
        parts.append((f"Held-out split ({heldout.get('n', 0)} questions)", heldout, False))
    for part_title, section, with_split in parts:
        out += [f"## {part_title}", ""]
        rows, counts, intervals = _rows(section, with_split)
        for title, metrics in metric_sets:
            out += [f"### {title}", ""]
            out += _table(rows, counts, metrics, intervals)
            out.append("")

    out += _failed_section(results)
    return "\n".join(out)


def _failed_section(results: Sequence[ItemResult]) -> list[str]:
    """The failed dev questions; held-out failures are only counted (tuning must not look at them)."""
    failed = [r for r in results if r.passed is False]
    shown = [r for r in failed if r.split != HELDOUT]
    hidden = len(failed) - len(shown)
    out = [f"## Failed questions ({len(failed)})", ""]
    if hidden:
        out += [f"{hidden} held-out question(s) failed; they are counted above but not listed here, so that "
                "tuning does not look at them (their lines are in results.jsonl).", ""]
    if shown:
        out += ["| id | lang | kind | class | question | why |", "|---|---|---|---|---|---|"]
        for r in shown:
            question = r.question.replace("|", "\\|").replace("\n", " ")
            why = "; ".join(failure_reasons(r)).replace("|", "\\|")
            out.append(f"| {r.id} | {r.lang} | {r.kind} | {r.question_class} | {question} | {why} |")
    elif not hidden:
        out.append("None.")
    out.append("")
    return out


def write_run(out_dir: str | Path, summary: EvalSummary, results: Sequence[ItemResult], *,
              chart: bool = True) -> Path:
    """Write every output file of a run into `out_dir` (created if needed); `chart=False` skips metrics.png."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with (out / RESULTS).open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    (out / SUMMARY).write_text(
        json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    drawn = write_chart(summary, out / CHART) if chart else None
    (out / REPORT).write_text(
        render_report(summary, results, chart=CHART if drawn else None), encoding="utf-8"
    )
    return out


def load_run(run: str | Path) -> tuple[EvalSummary, list[ItemResult]]:
    """Read a run folder (or its summary.json) back; `RunError` names the bad file."""
    run = Path(run)
    folder = run.parent if run.name == SUMMARY else run
    summary_path = folder / SUMMARY
    results_path = folder / RESULTS
    if not summary_path.is_file():
        raise RunError(f"{summary_path}: not found (is {folder} an eval output folder?)")
    try:
        summary = EvalSummary.from_dict(json.loads(summary_path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, TypeError, UnicodeDecodeError) as exc:
        raise RunError(f"{summary_path}: not a valid summary: {exc}") from None
    results: list[ItemResult] = []
    if results_path.is_file():
        for lineno, line in enumerate(results_path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                results.append(ItemResult.from_dict(json.loads(line)))
            except (json.JSONDecodeError, TypeError) as exc:
                raise RunError(f"{results_path}:{lineno}: not a valid result: {exc}") from None
    return summary, results

