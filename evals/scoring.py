"""Score one golden item from what the system returned, and summarise many.

Pure functions over records (`GoldenItem`, `Answer`, release ids): no model, no index.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

from communique.assistant.models import Answer
from communique.evals import metrics as m
from communique.evals.bootstrap import bootstrap_intervals
from communique.evals.golden import DEV, NO_CLASS, GoldenItem
from communique.evals.matching import facts_present

MAX_K = 10  # deepest cut-off any retrieval metric looks at


@dataclass
class ItemResult:
    """One question's outcome: one line of results.jsonl."""

    id: str
    question: str
    lang: str
    kind: str
    answerable: bool
    retrieved: list[str]  # release ids, rank order, each once
    answer: str | None  # None in retrieval-only runs
    abstained: bool | None
    citations: list[dict[str, Any]]
    missing_facts: list[Any]
    metrics: dict[str, float | None]
    latency_ms: float
    passed: bool | None  # see `passed()`; None when the run cannot judge it
    error: str | None = None
    question_class: str = NO_CLASS
    split: str = DEV
    batch: int = 1  # the golden item's writing round (`evals.splits`)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ItemResult":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def passed(item: GoldenItem, values: Mapping[str, float | None], abstained: bool | None) -> bool | None:
    """The per-question verdict used by `compare_runs`.

    Answerable: not abstained, at least one citation to a gold announcement, and every fact
    stated. Unanswerable: abstained. Retrieval-only runs (no answer): answerable passes when
    every gold announcement is in the top 5; unanswerable cannot be judged (None).
    """
    if abstained is None:
        if not item.answerable:
            return None
        return values.get("recall@5") == 1.0
    if not item.answerable:
        return abstained
    coverage = values.get("fact_coverage")
    return (
        not abstained
        and values.get("citation_recall") == 1.0
        and (coverage is None or coverage == 1.0)
    )


def failure_reasons(result: ItemResult) -> list[str]:
    """Why a result did not pass, in words for reports."""
    if result.error:
        return [f"error: {result.error}"]
    reasons: list[str] = []
    v = result.metrics
    if result.abstained is None:
        if result.answerable and v.get("recall@5") != 1.0:
            reasons.append(f"gold not all in top 5 (recall@5={_fmt(v.get('recall@5'))})")
        return reasons
    if not result.answerable:
        if not result.abstained:
            reasons.append("answered an unanswerable question")
        return reasons
    if result.abstained:
        reasons.append("abstained")
    if v.get("citation_recall") != 1.0:
        reasons.append("no citation to a gold source")
    if result.missing_facts:
        reasons.append(f"missing facts {result.missing_facts}")
    return reasons


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def dedupe(ids: Sequence[str]) -> list[str]:
    """Ids in first-seen order, each once (several chunks of one release → one entry)."""
    return list(dict.fromkeys(ids))


def score_item(
    item: GoldenItem,
    *,
    retrieved_ids: Sequence[str],
    equivalents: Mapping[str, str] | None,
    answer: Answer | None,
    latency_ms: float,
    error: str | None = None,
) -> ItemResult:
    """Every metric that applies to `item`; `answer=None` means a retrieval-only run."""
    values: dict[str, float | None] = {name: None for name in m.RETRIEVAL_METRICS + m.ANSWER_METRICS}
    missing: list[Any] = []
    if item.answerable:
        values["recall@1"] = m.recall_at_k(retrieved_ids, item.sources, 1, equivalents)
        values["recall@5"] = m.recall_at_k(retrieved_ids, item.sources, 5, equivalents)
        values["mrr@10"] = m.mrr_at_k(retrieved_ids, item.sources, MAX_K, equivalents)
        values["ndcg@10"] = m.ndcg_at_k(retrieved_ids, item.sources, MAX_K, equivalents)

    citations: list[dict[str, Any]] = []
    abstained: bool | None = None
    text: str | None = None
    if answer is not None:
        abstained = bool(answer.abstained)
        text = answer.text
        citations = [
            {"n": c.n, "release_id": c.release_id, "chunk_id": c.chunk_id, "quote": c.quote}
            for c in answer.citations
        ]
        cited = [c.release_id for c in answer.citations]
        if item.answerable:
            evidence = "\n".join([answer.text, *(c.quote for c in answer.citations)])
            values["fact_coverage"] = m.fact_coverage(item.facts, evidence)
            missing = [f for f, ok in zip(item.facts, facts_present(item.facts, evidence)) if not ok]
            values["citation_precision"] = m.citation_precision(cited, item.sources, equivalents)
            values["citation_recall"] = m.citation_recall(cited, item.sources, equivalents)
            values["false_abstention_rate"] = m.false_abstention(abstained)
        else:
            values["abstention_accuracy"] = m.abstention_accuracy(abstained)

    verdict = False if error else passed(item, values, abstained)
    return ItemResult(
        id=item.id,
        question=item.question,
        lang=item.lang,
        kind=item.kind,
        answerable=item.answerable,
        retrieved=dedupe(list(retrieved_ids)),
        answer=text,
        abstained=abstained,
        citations=citations,
        missing_facts=missing,
        metrics=values,
        latency_ms=round(float(latency_ms), 3),
        passed=verdict,
        error=error,
        question_class=item.question_class,
        split=item.split,
        batch=item.batch,
    )


# Breakdowns written to summary.json: section name → ItemResult attribute.
GROUPINGS = (("by_lang", "lang"), ("by_kind", "kind"), ("by_class", "question_class"), ("by_batch", "batch"))


@dataclass
class EvalSummary:
    """summary.json: metric values overall and per language / kind / class / split, their 95 %
    bootstrap intervals (`ci`, same shape), the held-out and dev splits on their own
    (`splits`), plus run facts."""

    n: int
    overall: dict[str, float | None]
    by_lang: dict[str, dict[str, float | None]]
    by_kind: dict[str, dict[str, float | None]]
    counts: dict[str, Any]
    config: dict[str, Any] = field(default_factory=dict)
    errors: int = 0
    golden_problems: list[str] = field(default_factory=list)
    by_class: dict[str, dict[str, float | None]] = field(default_factory=dict)
    by_split: dict[str, dict[str, float | None]] = field(default_factory=dict)
    ci: dict[str, Any] = field(default_factory=dict)
    splits: dict[str, Any] = field(default_factory=dict)
    by_batch: dict[str, dict[str, float | None]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "EvalSummary":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def _counts(results: Sequence[ItemResult]) -> dict[str, int]:
    return {
        "n": len(results),
        "answerable": sum(r.answerable for r in results),
        "unanswerable": sum(not r.answerable for r in results),
        "passed": sum(r.passed is True for r in results),
        "judged": sum(r.passed is not None for r in results),
        "errors": sum(r.error is not None for r in results),
    }


def _group(results: Sequence[ItemResult], key: str) -> dict[str, list[ItemResult]]:
    groups: dict[str, list[ItemResult]] = {}
    for r in results:
        groups.setdefault(str(getattr(r, key)), []).append(r)  # (batches are numbers: keys as JSON has them)
    return dict(sorted(groups.items()))


def _aggregate(results: Sequence[ItemResult]) -> dict[str, float | None]:
    return m.aggregate([r.metrics for r in results], [r.latency_ms for r in results if r.error is None])


def _intervals(results: Sequence[ItemResult], label: str) -> dict[str, list[float] | None]:
    found = bootstrap_intervals([r.metrics for r in results],
                                [None if r.error else r.latency_ms for r in results], label=label)
    return {k: (list(v) if v is not None else None) for k, v in found.items()}


def _breakdown(results: Sequence[ItemResult], prefix: str = "") -> dict[str, Any]:
    """overall + by_lang/by_kind/by_class/by_batch values, intervals and counts for one set of results."""
    out: dict[str, Any] = {"n": len(results), "overall": _aggregate(results)}
    ci: dict[str, Any] = {"overall": _intervals(results, f"{prefix}overall")}
    counts: dict[str, Any] = {"overall": _counts(results)}
    for section, attr in GROUPINGS:
        groups = _group(results, attr)
        out[section] = {k: _aggregate(v) for k, v in groups.items()}
        ci[section] = {k: _intervals(v, f"{prefix}{section}={k}") for k, v in groups.items()}
        counts[section] = {k: _counts(v) for k, v in groups.items()}
    out["ci"] = ci
    out["counts"] = counts
    return out


def summarize(
    results: Sequence[ItemResult],
    *,
    config: Mapping[str, Any] | None = None,
    golden_problems: Sequence[str] = (),
) -> EvalSummary:
    """Aggregate per-item values overall, by `lang`, `kind`, `class` and `split` (each over
    the items a metric applies to), with bootstrap intervals; each split also on its own."""
    whole = _breakdown(results)
    by_split = _group(results, "split")
    ci = dict(whole["ci"])
    ci["by_split"] = {k: _intervals(v, f"by_split={k}") for k, v in by_split.items()}
    counts = dict(whole["counts"])
    counts["by_split"] = {k: _counts(v) for k, v in by_split.items()}
    return EvalSummary(
        n=len(results),
        overall=whole["overall"],
        by_lang=whole["by_lang"],
        by_kind=whole["by_kind"],
        counts=counts,
        config=dict(config or {}),
        errors=sum(r.error is not None for r in results),
        golden_problems=list(golden_problems),
        by_class=whole["by_class"],
        by_split={k: _aggregate(v) for k, v in by_split.items()},
        ci=ci,
        splits={k: _breakdown(v, prefix=f"{k}/") for k, v in by_split.items()},
        by_batch=whole["by_batch"],
    )
