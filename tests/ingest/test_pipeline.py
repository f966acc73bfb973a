"""The whole ingest: files to a published index, idempotent, reporting bad input without stopping."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from communique.index.retriever import Retriever
from communique.ingest.pipeline import EXIT_REJECTED, ingest_paths, remove_releases

SEED = Path(__file__).resolve().parents[2] / "samples" / "seed_release_fr.txt"


def _write_jsonl(path: Path, records: list[dict | str]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                    encoding="utf-8")
    return path


RECORDS = [
    {"id": "a-en", "lang": "en", "title": "Harbour funding", "date": "2024-06-01", "pair_id": "a",
     "department": "Fisheries and Oceans Canada",
     "text": "The Government of Canada is investing $12 million to repair the wharf in Digby, Nova Scotia. Work begins this summer."},
    {"id": "a-fr", "lang": "fr", "title": "Financement portuaire", "date": "2024-06-01", "pair_id": "a",
     "department": "Pêches et Océans Canada",
     "text": "Le gouvernement du Canada investit 12 millions de dollars pour réparer le quai de Digby, en Nouvelle-Écosse. Les travaux commencent cet été."},
]


def test_seed_release_is_ingested_as_one_clean_french_release(tmp_path):
    report = ingest_paths([SEED], tmp_path / "ix", progress=False)
    assert (report.added, report.rejected) == (1, 0)
    retriever = Retriever.open(tmp_path / "ix")
    (release_id,) = [r for r in retriever._snapshot.store.all_release_ids()]
    release = retriever.release(release_id)
    assert release.lang == "fr" and release.date == "2025-09-25"
    paragraphs = [p for p in release.text.split("\n\n") if len(p.split()) >= 8]
    assert len(paragraphs) == len(set(paragraphs))
    for chunk in retriever.chunks_of(release_id):
        assert release.text[chunk.start : chunk.end] == chunk.text


def test_reingest_changes_nothing_and_changed_release_replaces_chunks(tmp_path):
    source = _write_jsonl(tmp_path / "r.jsonl", RECORDS)
    first = ingest_paths([source], tmp_path / "ix", progress=False)
    assert (first.added, first.chunks) == (2, 2)
    generation = (tmp_path / "ix" / "CURRENT").read_text()
    again = ingest_paths([source], tmp_path / "ix", progress=False)
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 2, 0)
    assert (tmp_path / "ix" / "CURRENT").read_text() == generation  # nothing rewritten

    changed = [dict(RECORDS[0], text=RECORDS[0]["text"].replace("$12 million", "$15 million")), RECORDS[1]]
    third = ingest_paths([_write_jsonl(source, changed)], tmp_path / "ix", progress=False)
    assert (third.updated, third.unchanged) == (1, 1)
    retriever = Retriever.open(tmp_path / "ix")
    assert retriever.stats().chunks == 2
    assert "$15 million" in retriever.release("a-en").text


def test_bad_record_is_reported_with_its_line_and_the_rest_ingested(tmp_path):
    source = _write_jsonl(tmp_path / "r.jsonl", [RECORDS[0], "{not json", {"id": "x", "lang": "en"}, RECORDS[1]])
    report = ingest_paths([source, tmp_path / "missing.jsonl"], tmp_path / "ix", progress=False)
    assert report.added == 2 and report.rejected == 3 and report.exit_code == EXIT_REJECTED
    where = [f"{p.path}:{p.line}" for p in report.problems]
    assert f"{source}:2" in where and f"{source}:3" in where
    assert any("missing.jsonl" in p.path for p in report.problems)


def test_duplicate_under_another_id_is_stored_once_and_resolves(tmp_path):
    twin = dict(RECORDS[0], id="a-en-copy", pair_id=None)
    report = ingest_paths([_write_jsonl(tmp_path / "r.jsonl", RECORDS + [twin])], tmp_path / "ix", progress=False)
    assert (report.added, report.duplicates) == (2, 1)
    retriever = Retriever.open(tmp_path / "ix")
    assert retriever.stats().releases == 2
    assert retriever.release("a-en-copy").id == "a-en"


def test_translations_without_pair_id_are_paired_automatically(tmp_path):
    unpaired = [dict(r, id=r["id"] + "-np", pair_id=None) for r in RECORDS]
    other_day = dict(RECORDS[0], id="b-en", date="2024-06-01", pair_id=None,
                     text="Flags on federal buildings will fly at half-mast to honour a former senator from Manitoba.")
    report = ingest_paths([_write_jsonl(tmp_path / "r.jsonl", unpaired + [other_day])], tmp_path / "ix", progress=False)
    assert report.paired == 1
    retriever = Retriever.open(tmp_path / "ix")
    assert [r.id for r in retriever.translations("a-en-np")] == ["a-fr-np"]
    assert retriever.translations("b-en") == []


def test_remove(tmp_path):
    ingest_paths([_write_jsonl(tmp_path / "r.jsonl", RECORDS)], tmp_path / "ix", progress=False)
    removed, missing = remove_releases(tmp_path / "ix", ["a-fr", "zzz"])
    assert (removed, missing) == (["a-fr"], ["zzz"])
    retriever = Retriever.open(tmp_path / "ix")
    assert retriever.release("a-fr") is None and retriever.stats().chunks == 1


def test_searchable_metadata(tmp_path):
    ingest_paths([_write_jsonl(tmp_path / "r.jsonl", RECORDS)], tmp_path / "ix", progress=False)
    hits = Retriever.open(tmp_path / "ix").search("Fisheries and Oceans", k=2, mode="lexical")
    assert hits and hits[0].release_id == "a-en"
    assert hits[0].metadata["department"] == "Fisheries and Oceans Canada"


def test_threaded_embedding_builds_the_same_index(tmp_path):
    import numpy as np

    from communique.index.vectors import all_vectors

    samples = SEED.parent
    one = ingest_paths([samples], tmp_path / "one", progress=False, threads=1)
    two = ingest_paths([samples], tmp_path / "two", progress=False, threads=2)
    assert (one.added, one.chunks, one.paired) == (two.added, two.chunks, two.paired)
    a, b = Retriever.open(tmp_path / "one")._snapshot.vectors, Retriever.open(tmp_path / "two")._snapshot.vectors
    for group in ("en", "fr"):
        ids_a, vec_a = all_vectors(a.indexes[group])
        ids_b, vec_b = all_vectors(b.indexes[group])
        assert ids_a.tolist() == ids_b.tolist() and len(ids_a) > 20
        assert np.allclose(vec_a, vec_b, atol=1e-6)


def test_threads_setting_from_the_environment(monkeypatch):
    from communique.ingest.pipeline import default_ingest_threads

    monkeypatch.setenv("COMMUNIQUE_INGEST_THREADS", "3")
    assert default_ingest_threads() == 3
    monkeypatch.setenv("COMMUNIQUE_INGEST_THREADS", "lots")
    with pytest.raises(ValueError, match="COMMUNIQUE_INGEST_THREADS"):
        default_ingest_threads()
    monkeypatch.delenv("COMMUNIQUE_INGEST_THREADS")
    assert default_ingest_threads() >= 1
