"""Per-record isolation: a failure in any stage for one record rejects that record only.

Each test makes one stage raise for the middle record of a three-record batch (the real
stage function is replaced by a wrapper that raises for that record and calls the real one
otherwise), ingests the batch with the real embedder and index, and checks that the record is
rejected naming its file, line, stage and error while the two others are stored.
"""
from __future__ import annotations

import json

import pytest

import communique.ingest.normalize as normalize
import communique.ingest.pipeline as pipeline
import communique.ingest.readers.jsonl as jsonl_reader
import communique.ingest.readers.records as records_reader
from communique.index.embedders import get_embedder
from communique.index.retriever import Retriever
from communique.index.writer import IndexWriter
from communique.ingest.guard import STAGES, attempt
from communique.ingest.pipeline import ingest_paths
from communique.ingest.problems import Problem

RECORDS = [
    {"id": "first", "lang": "en", "title": "Digby wharf", "date": "2024-06-01",
     "text": "The Government of Canada is investing $12 million to repair the wharf in Digby, Nova Scotia."},
    {"id": "target", "lang": "en", "title": "Regina bridge", "date": "2024-06-02",
     "text": "TARGET The minister announced $4 million for the Regina bridge repairs, finished in 2025."},
    {"id": "last", "lang": "fr", "title": "Pont de Moncton", "date": "2024-06-03",
     "text": "La ministre a annoncé 3 millions de dollars pour réparer le pont de Moncton d'ici 2026."},
]
TARGET_LINE = 2


class Injected(RuntimeError):
    pass


def _failing(real, is_target):
    def wrapper(*args, **kwargs):
        if is_target(*args, **kwargs):
            raise Injected("injected failure")
        return real(*args, **kwargs)
    return wrapper


def _has_target(value) -> bool:
    """True when the argument is (or holds) the target record, in whatever form the stage sees it."""
    if isinstance(value, bytes):
        return b"TARGET" in value
    if isinstance(value, str):
        return "TARGET" in value
    if isinstance(value, dict):
        return value.get("id") == "target"
    if isinstance(value, (list, tuple)):
        return any(_has_target(v) for v in value)
    return getattr(value, "id", None) == "target"


def _inject(monkeypatch, stage: str) -> None:
    """Replace the function that implements `stage` with one that raises for the target record."""
    any_arg = lambda *a, **k: any(_has_target(v) for v in (*a, *k.values()))  # noqa: E731
    if stage == "decode":
        monkeypatch.setattr(jsonl_reader, "decode_record", _failing(jsonl_reader.decode_record, any_arg))
    elif stage == "read":
        monkeypatch.setattr(records_reader, "record_to_release",
                            _failing(records_reader.record_to_release, any_arg))
    elif stage == "normalise":
        monkeypatch.setattr(pipeline, "normalize_release", _failing(pipeline.normalize_release, any_arg))
    elif stage == "clean":
        monkeypatch.setattr(normalize, "clean_text", _failing(normalize.clean_text, any_arg))
    elif stage == "detect":
        monkeypatch.setattr(normalize, "resolve_language", _failing(normalize.resolve_language, any_arg))
    elif stage == "chunk":
        monkeypatch.setattr(pipeline, "chunk_release", _failing(pipeline.chunk_release, any_arg))
    elif stage == "decide":
        monkeypatch.setattr(IndexWriter, "status_of", _failing(IndexWriter.status_of, any_arg))
    elif stage == "embed":
        cls = type(get_embedder())
        monkeypatch.setattr(cls, "encode_documents_threaded", _failing(cls.encode_documents_threaded, any_arg))
    else:  # pragma: no cover - a stage without an injection would leave a hole in this test
        raise AssertionError(f"no injection for stage {stage!r}")


@pytest.mark.parametrize("stage", STAGES)
def test_a_failure_in_any_stage_rejects_only_that_record(tmp_path, monkeypatch, stage):
    source = tmp_path / "batch.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    _inject(monkeypatch, stage)

    report = ingest_paths([source], tmp_path / "ix", progress=False, auto_pair=False)

    assert [str(p) for p in report.problems] == [
        f"{source}:{TARGET_LINE}: {stage} failed: Injected: injected failure"]
    assert (report.added, report.rejected) == (2, 1)
    store = Retriever.open(tmp_path / "ix", auto_reload=False)._snapshot.store
    assert sorted(store.all_release_ids()) == ["first", "last"]


def test_attempt_turns_any_exception_into_a_located_problem():
    def deep(n):
        return deep(n + 1)

    problem = attempt("chunk", "a/b.jsonl", 7, deep, 0)
    assert isinstance(problem, Problem)
    assert str(problem).startswith("a/b.jsonl:7: chunk failed: RecursionError: maximum recursion depth")
    assert attempt("read", "x", None, lambda a, b=0: a + b, 1, b=2) == 3


def test_attempt_lets_interrupts_through():
    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        attempt("read", "x", None, interrupted)
