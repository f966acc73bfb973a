"""`run_eval`: every golden question through the real assistant (or retriever) over an index.

It ingests nothing: the index must exist. Output files are described in `evals.report`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from communique.evals.compare import compare_runs
from communique.evals.floors import check_floors, load_floors
from communique.evals.golden import GoldenError, GoldenItem, check_golden, load_golden
from communique.evals.report import write_run
from communique.evals.scoring import MAX_K, EvalSummary, ItemResult, score_item, summarize

__all__ = ["run_eval", "compare_runs", "check_floors", "load_floors", "EvalSummary", "Equivalents"]


class Equivalents(dict):
    """release id → announcement key (`pair:<pair_id>`, else `id:<release id>`), filled lazily.

    Keys come from the hits themselves (their `pair_id` and `translations`) and, for ids never
    seen in a hit (gold sources, citations), from the index's release store.
    """

    def __init__(self, retriever: Any) -> None:
        super().__init__()
        self._retriever = retriever

    @staticmethod
    def key(release_id: str, pair_id: str | None) -> str:
        return f"pair:{pair_id}" if pair_id else f"id:{release_id}"

    def add_hits(self, hits: Iterable[Any]) -> None:
        for hit in hits:
            key = self.key(hit.release_id, hit.pair_id)
            self.setdefault(hit.release_id, key)
            for other in getattr(hit, "translations", None) or []:
                self.setdefault(other, key)

    def ensure(self, ids: Iterable[str]) -> None:
        missing = [i for i in dict.fromkeys(ids) if i not in self]
        if not missing:
            return
        found = self._retriever.releases(missing) if self._retriever is not None else {}
        for release_id in missing:
            release = found.get(release_id)
            self[release_id] = self.key(release_id, release.pair_id if release else None)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _git_commit(cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def _index_info(retriever: Any) -> dict[str, Any]:
    try:
        stats = _jsonable(retriever.stats())
    except Exception as exc:  # noqa: BLE001 - stats are informative only
        return {"stats_error": str(exc)}
    return stats if isinstance(stats, dict) else {"stats": stats}


def _embedder_label(info: Mapping[str, Any]) -> str | None:
    for key in ("embedder", "embedder_name", "model"):
        if info.get(key):
            return str(info[key])
    return None


def _open_retriever(index_dir: str | Path) -> Any:
    from communique.index import Retriever

    return Retriever.open(index_dir)


def _ask(assistant: Any, item: GoldenItem) -> Any:
    return assistant.ask(item.question, history=item.history or None)


def _items(golden_path: Path, split: str | None, limit: int | None) -> list[GoldenItem]:
    items = load_golden(golden_path)
    if split is not None:
        items = [item for item in items if item.split == split]
        if not items:
            raise GoldenError(f"{golden_path}: no questions in split {split!r}")
    return items[:limit] if limit is not None else items


def _warn_golden_problems(golden_path: Path, items: list[GoldenItem], retriever: Any) -> list[str]:
    source_ids = sorted({s for item in items for s in item.sources})
    problems = check_golden(items, retriever.releases(source_ids))
    if problems:
        print(f"warning: {len(problems)} problem(s) in {golden_path}:", file=sys.stderr)
        for line in problems[:10]:
            print(f"  {line}", file=sys.stderr)
    return problems


def run_eval(
    golden_path: str | Path,
    index_dir: str | Path,
    out_dir: str | Path,
    *,
    assistant: Any = None,
    retriever: Any = None,
    retrieval_only: bool = False,
    mode: str | None = None,
    limit: int | None = None,
    split: str | None = None,
    warmup: bool = True,
    progress: bool = True,
) -> EvalSummary:
    """Run the golden set, write the run folder, return the summary.

    Full runs call `assistant.ask(question, history=...)` (opened with `Assistant.open(index_dir)`
    unless given) and score `answer.presented` for retrieval. `retrieval_only` calls
    `retriever.search(question, k=10, mode=mode)` instead: no answer metrics, and follow-up
    questions are searched without their history. `split` keeps only the questions of that
    split ("dev" while tuning, so held-out outcomes are not even computed). `warmup` sends the first question once,
    untimed, so model loading does not land in the latency figures. Raises `GoldenError` for
    a bad golden file and whatever `Assistant.open` / `Retriever.open` raise for a bad index.
    """
    golden_path = Path(golden_path)
    location: str | Path = index_dir if isinstance(index_dir, str) and "://" in index_dir else Path(index_dir)
    items = _items(golden_path, split, limit)
    if not retrieval_only and assistant is None:
        from communique.assistant import Assistant

        assistant = Assistant.open(location)
    if retriever is None:
        retriever = getattr(assistant, "retriever", None) if assistant is not None else None
    if retriever is None:
        retriever = _open_retriever(location)
    golden_problems = _warn_golden_problems(golden_path, items, retriever)

    search_kwargs: dict[str, Any] = {"mode": mode} if mode else {}

    def ask(item: GoldenItem) -> tuple[Any, list[Any]]:
        if retrieval_only:
            return None, list(retriever.search(item.question, k=MAX_K, **search_kwargs))
        answer = _ask(assistant, item)
        return answer, list(answer.presented)

    if warmup and items:
        try:
            ask(items[0])
        except Exception:  # noqa: BLE001 - the timed call below records the error
            pass

    from tqdm import tqdm

    equivalents = Equivalents(retriever)
    started = datetime.now(timezone.utc)
    results: list[ItemResult] = []
    for item in tqdm(items, desc="eval", unit="q", file=sys.stderr, disable=not progress):
        answer: Any = None
        hits: list[Any] = []
        error: str | None = None
        t0 = time.perf_counter()
        try:
            answer, hits = ask(item)
        except Exception as exc:  # noqa: BLE001 - one failing question must not lose the run
            error = f"{type(exc).__name__}: {exc}"
        latency_ms = (time.perf_counter() - t0) * 1000.0
        equivalents.add_hits(hits)
        cited = [c.release_id for c in answer.citations] if answer is not None else []
        equivalents.ensure([*item.sources, *cited, *(h.release_id for h in hits)])
        results.append(score_item(item, retrieved_ids=[h.release_id for h in hits], equivalents=equivalents,
                                  answer=answer, latency_ms=latency_ms, error=error))
    duration = (datetime.now(timezone.utc) - started).total_seconds()

    info = _index_info(retriever)
    label = "retrieval-only" + (f" ({mode})" if mode else " (default mode)") if retrieval_only else "assistant"
    config = {
        "golden": str(golden_path),
        "golden_name": golden_path.name,
        "golden_sha256": hashlib.sha256(golden_path.read_bytes()).hexdigest()[:16],
        "index_dir": str(location),
        "retrieval_only": retrieval_only,
        "mode": mode,
        "mode_label": label,
        "k": MAX_K,
        "limit": limit,
        "split": split,
        "embedder": _embedder_label(info),
        "index": info,
        "assistant_config": _jsonable(getattr(assistant, "config", None)) if assistant is not None else None,
        "started_at": started.isoformat(timespec="seconds"),
        "duration_s": round(duration, 2),
        "git_commit": _git_commit(Path(__file__).resolve().parent),
        "python": sys.version.split()[0],
    }
    summary = summarize(results, config=config, golden_problems=golden_problems)
    write_run(out_dir, summary, results)
    return summary
