"""Stable ids, idempotent re-ingest, replace, remove, atomic publication, clear errors."""
from __future__ import annotations

import pytest

from communique.index import generations
from communique.index.errors import EmbedderMismatch, IndexCorrupted, IndexNotFound, IndexWriteFailed
from communique.index.models import Chunk, Release
from communique.index.retriever import Retriever
from communique.index.writer import IndexWriter


def _release(rid: str, text: str, lang: str = "en", **kw) -> Release:
    return Release(id=rid, lang=lang, text=text, title=kw.pop("title", rid), date=kw.pop("date", "2024-06-01"), **kw)


def _chunks(release: Release) -> list[Chunk]:
    half = len(release.text) // 2
    cut = release.text.index(" ", half)
    spans = [(0, cut), (cut + 1, len(release.text))]
    return [Chunk(Chunk.make_id(release.id, s, e), release.id, s, e, release.text[s:e], release.lang) for s, e in spans]


HARBOUR = _release("r-harbour", "The federal government invests $70 million in the Cornwall harbour. Work starts in June and ends in 2026.")
FLAGS = _release("r-flags", "Les drapeaux seront mis en berne sur la Tour de la Paix. La cérémonie aura lieu à Ottawa.", lang="fr")


def _build(index_dir, *releases):
    with IndexWriter.open(index_dir, embedder_name="use") as writer:
        results = [writer.upsert(r, _chunks(r)) for r in releases]
        writer.commit(reopen=False)
    return results


def test_reupsert_is_unchanged_and_replace_drops_old_chunks(tmp_path):
    index_dir = tmp_path / "ix"
    assert [r.status for r in _build(index_dir, HARBOUR, FLAGS)] == ["added", "added"]
    first = Retriever.open(index_dir).stats()
    assert [r.status for r in _build(index_dir, HARBOUR, FLAGS)] == ["unchanged", "unchanged"]
    assert Retriever.open(index_dir).stats().chunks == first.chunks == 4

    changed = _release("r-harbour", "The federal government invests $90 million in the Cornwall harbour. Work starts in July and ends in 2027.")
    assert _build(index_dir, changed)[0].status == "updated"
    retriever = Retriever.open(index_dir)
    assert retriever.stats().chunks == 4
    assert "$90 million" in retriever.release("r-harbour").text
    texts = [h.text for h in retriever.search("Cornwall harbour funding", k=5, per_release=3)]
    assert not any("$70 million" in t for t in texts)
    assert any("$90 million" in t for t in texts)


def test_exact_duplicate_under_another_id_is_stored_once(tmp_path):
    index_dir = tmp_path / "ix"
    twin = _release("r-harbour-copy", HARBOUR.text)
    results = _build(index_dir, HARBOUR, twin)
    assert [r.status for r in results] == ["added", "duplicate"]
    assert results[1].duplicate_of == "r-harbour"
    assert Retriever.open(index_dir).stats().releases == 1


def test_remove_deletes_release_chunks_and_vectors(tmp_path):
    index_dir = tmp_path / "ix"
    _build(index_dir, HARBOUR, FLAGS)
    with IndexWriter.open(index_dir) as writer:
        assert writer.remove("r-harbour") is True
        assert writer.remove("nope") is False
        writer.commit(reopen=False)
    retriever = Retriever.open(index_dir)
    assert retriever.release("r-harbour") is None
    assert retriever.stats().chunks == 2
    assert all(h.release_id == "r-flags" for h in retriever.search("Cornwall harbour", k=5))


def test_crash_before_publication_leaves_previous_generation_loadable(tmp_path, monkeypatch):
    index_dir = tmp_path / "ix"
    _build(index_dir, HARBOUR)
    before = generations.current_name(index_dir)

    def crash(*args, **kwargs):
        raise OSError("simulated crash while publishing")

    monkeypatch.setattr(generations, "publish", crash)
    with pytest.raises(IndexWriteFailed, match="simulated crash.*last published generation is intact"):
        with IndexWriter.open(index_dir) as writer:
            writer.upsert(FLAGS, _chunks(FLAGS))
            writer.commit(reopen=False)
    monkeypatch.undo()
    assert generations.current_name(index_dir) == before
    retriever = Retriever.open(index_dir)
    assert retriever.stats().releases == 1 and retriever.release("r-flags") is None
    assert not [p for p in index_dir.iterdir() if p.name.endswith(".staging")]


def test_readers_keep_their_generation_until_reload(tmp_path):
    index_dir = tmp_path / "ix"
    _build(index_dir, HARBOUR)
    retriever = Retriever.open(index_dir, auto_reload=False)
    _build(index_dir, FLAGS)
    assert retriever.release("r-flags") is None
    assert retriever.reload_if_changed() is True
    assert retriever.release("r-flags") is not None
    assert retriever.reload_if_changed() is False


def test_opening_with_another_embedder_is_a_clear_error(tmp_path):
    index_dir = tmp_path / "ix"
    _build(index_dir, HARBOUR)
    with pytest.raises(EmbedderMismatch, match="built with embedder 'use'"):
        Retriever.open(index_dir, embedder="e5")
    with pytest.raises(EmbedderMismatch, match="--embedder use"):
        IndexWriter.open(index_dir, embedder_name="e5")


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexNotFound, match="communique ingest"):
        Retriever.open(tmp_path / "nothing")


@pytest.mark.parametrize("victim", ["vectors-en.faiss", "records.sqlite", "lexical.npz", "row-columns.npz",
                                    "manifest.json"])
def test_truncated_or_altered_files_are_reported_not_crashed_on(tmp_path, victim):
    index_dir = tmp_path / "ix"
    _build(index_dir, HARBOUR, FLAGS)
    path = generations.current_generation(index_dir) / victim
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupted, match=victim.split(".")[0]):
        Retriever.open(index_dir)
    # Same size, altered bytes: caught by the checksum.
    if victim != "manifest.json":
        altered = bytearray(data)
        altered[len(altered) // 2] ^= 0xFF
        path.write_bytes(bytes(altered))
        with pytest.raises(IndexCorrupted, match="checksum"):
            Retriever.open(index_dir)
