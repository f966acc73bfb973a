"""Write and read an eval run folder: results.jsonl, summary.json, report.md, metrics.png."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

from evals.metrics import ANSWER_METRICS, LATENCY_METRICS, RETRIEVAL_METRICS
from evals.scoring import EvalSummary, ItemResult, failure_reasons

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


def _table(rows: Mapping[str, Mapping[str, float | None]], counts: Mapping[str, Any], metrics: Sequence[str]) -> list[str]:
    header = "| group | n | passed | " + " | ".join(metrics) + " |"
    lines = [header, "|" + "---|" * (len(metrics) + 3)]
    for name, values in rows.items():
        c = counts.get(name, {})
        passed = f"{c.get('passed', 0)}/{c.get('judged', 0)}" if c else "—"
        cells = " | ".join(fmt(values.get(metric), metric) for metric in metrics)
        lines.append(f"| {name} | {c.get('n', '—')} | {passed} | {cells} |")
    return lines


def render_report(summary: EvalSummary, results: Sequence[ItemResult], *, chart: str | None = CHART) -> str:
    """report.md: configuration, metric tables (overall, by language, by kind), failures."""
    cfg = summary.config
    retrieval_only = bool(cfg.get("retrieval_only"))
    metric_sets = [("Retrieval (answerable questions, announcement level)", RETRIEVAL_METRICS)]
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
               "unanswerable → abstained" + (" (retrieval-only: all gold in top 5)." if retrieval_only else "."))
    out.append("")
    if chart:
        out += [f"![metrics by language and kind]({chart})", ""]

    for title, metrics in metric_sets:
        out += [f"## {title}", ""]
        rows = {"overall": summary.overall}
        counts = {"overall": summary.counts["overall"]}
        rows.update({f"lang={k}": v for k, v in summary.by_lang.items()})
        counts.update({f"lang={k}": v for k, v in summary.counts["by_lang"].items()})
        rows.update({f"kind={k}": v for k, v in summary.by_kind.items()})
        counts.update({f"kind={k}": v for k, v in summary.counts["by_kind"].items()})
        out += _table(rows, counts, metrics)
        out.append("")

    failed = [r for r in results if r.passed is False]
    out += [f"## Failed questions ({len(failed)})", ""]
    if failed:
        out += ["| id | lang | kind | question | why |", "|---|---|---|---|---|"]
        for r in failed:
            question = r.question.replace("|", "\\|").replace("\n", " ")
            why = "; ".join(failure_reasons(r)).replace("|", "\\|")
            out.append(f"| {r.id} | {r.lang} | {r.kind} | {question} | {why} |")
    else:
        out.append("None.")
    out.append("")
    return "\n".join(out)


def write_chart(summary: EvalSummary, path: Path) -> Path | None:
    """Bar charts of the 0-1 metrics by language and by kind; None if matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    metrics = [
        name for name in RETRIEVAL_METRICS + ANSWER_METRICS
        if summary.overall.get(name) is not None
    ]
    if not metrics:
        return None
    panels = [("by language", {"overall": summary.overall, **summary.by_lang}),
              ("by kind", {"overall": summary.overall, **summary.by_kind})]
    fig, axes = plt.subplots(len(panels), 1, figsize=(max(9, 1.1 * len(metrics) + 4), 8), squeeze=False)
    for ax, (title, groups) in zip(axes[:, 0], panels):
        width = 0.8 / max(1, len(groups))
        for g, (name, values) in enumerate(groups.items()):
            # A metric that does not apply to a group gets no bar (not a misleading 0).
            points = [(i + (g - (len(groups) - 1) / 2) * width, values.get(metric))
                      for i, metric in enumerate(metrics)]
            points = [(x, y) for x, y in points if y is not None]
            ax.bar([x for x, _ in points], [y for _, y in points], width, label=name)
        ax.set_xticks(range(len(metrics)))
        ax.set_xticklabels(metrics, rotation=20, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_title(f"Metrics {title}")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_run(out_dir: str | Path, summary: EvalSummary, results: Sequence[ItemResult]) -> Path:
    """Write every output file of a run into `out_dir` (created if needed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with (out / RESULTS).open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    (out / SUMMARY).write_text(
        json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    chart = write_chart(summary, out / CHART)
    (out / REPORT).write_text(
        render_report(summary, results, chart=CHART if chart else None), encoding="utf-8"
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

