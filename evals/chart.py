"""metrics.png: the 0-1 metrics by language, kind, class and split, with values on the bars.

One colour means one metric in every panel (the legend is drawn once), the groups are on
the x axis, and each bar carries its value and its 95 % bootstrap interval as an error bar,
so a reader can tell a real gap from noise without opening summary.json.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from communique.evals.metrics import ANSWER_METRICS, LOWER_IS_BETTER, RETRIEVAL_METRICS

# Fixed per metric, so a colour keeps its meaning across panels and across runs.
METRIC_COLOURS = {
    "recall@1": "#9ecae1", "recall@5": "#3182bd", "mrr@10": "#08519c", "ndcg@10": "#6baed6",
    "fact_coverage": "#31a354", "citation_precision": "#756bb1", "citation_recall": "#bcbddc",
    "abstention_accuracy": "#e6550d", "false_abstention_rate": "#a63603",
}
CHARTED = ("recall@5", "fact_coverage", "citation_precision", "citation_recall",
           "abstention_accuracy", "false_abstention_rate")
RETRIEVAL_ONLY_CHARTED = ("recall@1", "recall@5", "mrr@10", "ndcg@10")


def _panels(summary: Any) -> list[tuple[str, dict[str, Mapping], dict[str, Mapping]]]:
    ci = summary.ci or {}
    overall = {"overall": summary.overall}
    overall_ci = {"overall": ci.get("overall") or {}}
    panels = []
    for title, key in (("by language", "by_lang"), ("by kind", "by_kind"), ("by class", "by_class"),
                       ("by split", "by_split")):
        groups = getattr(summary, key, None) or {}
        if not groups:
            continue
        panels.append((title, {**overall, **groups}, {**overall_ci, **(ci.get(key) or {})}))
    return panels


def write_chart(summary: Any, path: Path) -> Path | None:
    """Draw the chart; None if matplotlib is missing or no 0-1 metric was measured."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    wanted = RETRIEVAL_ONLY_CHARTED if summary.config.get("retrieval_only") else CHARTED
    metrics = [name for name in wanted if name in RETRIEVAL_METRICS + ANSWER_METRICS
               and summary.overall.get(name) is not None]
    panels = _panels(summary)
    if not metrics or not panels:
        return None
    widest = max(len(groups) for _, groups, _ in panels)
    fig, axes = plt.subplots(len(panels), 1, figsize=(max(10, 0.9 * widest * len(metrics) / 3 + 3), 4.2 * len(panels)),
                             squeeze=False)
    width = 0.8 / len(metrics)
    for ax, (title, groups, intervals) in zip(axes[:, 0], panels):
        names = list(groups)
        for j, metric in enumerate(metrics):
            xs: list[float] = []
            ys: list[float] = []
            errs: list[list[float]] = [[], []]
            for i, name in enumerate(names):
                value = groups[name].get(metric)
                if value is None:  # does not apply to this group: no bar, not a misleading 0
                    continue
                xs.append(i + (j - (len(metrics) - 1) / 2) * width)
                ys.append(value)
                low, high = (intervals.get(name) or {}).get(metric) or (value, value)
                errs[0].append(max(0.0, value - low))
                errs[1].append(max(0.0, high - value))
            label = f"{metric} (lower is better)" if metric in LOWER_IS_BETTER else metric
            bars = ax.bar(xs, ys, width, color=METRIC_COLOURS.get(metric), label=label,
                          yerr=errs, error_kw={"elinewidth": 0.8, "capsize": 1.5, "ecolor": "#444444"})
            ax.bar_label(bars, labels=[f"{y:.2f}" for y in ys], fontsize=7, rotation=90, padding=3)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=15, ha="right", fontsize=8)
        ax.set_ylim(0, 1.18)
        ax.set_title(f"Metrics {title} (error bars: 95 % bootstrap interval)", fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(metrics), fontsize="small", frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
