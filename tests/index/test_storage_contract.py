"""One contract, every backend: the local folder and PostgreSQL + pgvector pass the same tests.

Each backend gets the bundled samples ingested by the real pipeline with the real USE model;
the PostgreSQL one runs on a real PostgreSQL 18 + pgvector 0.8 server (tests/index/conftest.py).
"""
from __future__ import annotations

import json

import pytest

from communique.index.retriever import Retriever
from communique.index.storage.contract import Snapshot, Storage, Writer
from communique.ingest.pipeline import ingest_paths, remove_releases
from tests.conftest import SAMPLES

QUESTIONS = [
    "How much is the federal government investing in Nova Scotia small craft harbours?",
    "Combien le gouvernement investit-il dans les ports pour petits bateaux de la Nouvelle-Écosse ?",
    "Which ministers attended the ALL IN artificial intelligence event in Montreal?",
    "Quels organismes 2SLGBTQI+ de l'Atlantique reçoivent du financement ?",
    "Lobster Fishing Area 23 C closure",
    "funding announcement",
]
VARIANTS = [dict(), dict(mode="dense"), dict(mode="lexical"), dict(lang="fr"), dict(lang="en", k=8),
            dict(date_from="2024-07-01", date_to="2024-12-31"), dict(per_release=2), dict(collapse_pairs=False, k=8)]


def _ingest(location) -> None:
    report = ingest_paths([SAMPLES], location, progress=False)
    assert report.rejected == 0 and report.added > 30


@pytest.fixture(scope="module")
def local_location(tmp_path_factory):
    location = tmp_path_factory.mktemp("contract") / "index"
    _ingest(location)
    return location


@pytest.fixture(scope="module")
def pg_location(pg_server):
    from tests.index.conftest import new_database

    uri = new_database(pg_server)
    _ingest(uri)
    return uri


@pytest.fixture(params=["local", "postgresql"])
def location(request):
    return request.getfixturevalue(f"{'local' if request.param == 'local' else 'pg'}_location")


@pytest.fixture(params=["local", "postgresql"])
def fresh_location(request, tmp_path):
    """An empty index location of each backend, for tests that change it."""
    if request.param == "local":
        return tmp_path / "index"
    from tests.index.conftest import new_database

    return new_database(request.getfixturevalue("pg_server"))


def _signature(hits):
    return [(h.chunk_id, h.release_id, h.rank, round(h.score, 5), h.translations) for h in hits]


def test_both_backends_implement_the_protocols(location):
    from communique.index.writer import IndexWriter

    retriever = Retriever.open(location)
    assert isinstance(retriever.storage, Storage) and isinstance(retriever._snapshot, Snapshot)
    with IndexWriter.open(location) as writer:
        assert isinstance(writer, Writer) and writer.embedder.name == retriever.embedder.name


def test_queries_with_quotes_and_markup_are_plain_text(location):
    retriever = Retriever.open(location)
    for query in ["l'Agence d'O'Brien \\ ' ; DROP TABLE releases; --", "<b>ports</b> & | ! :* (", "'' \"\" \\'"]:
        for mode in ("hybrid", "lexical"):
            hits = retriever.search(query, k=3, mode=mode)
            assert all(h.text for h in hits)
    assert retriever.stats().releases > 30  # nothing was dropped


def test_same_hits_and_scores_as_the_local_folder(local_location, pg_location):
    local, pg = Retriever.open(local_location), Retriever.open(pg_location)
    compared = 0
    for question in QUESTIONS:
        for variant in VARIANTS:
            expected = _signature(local.search(question, **variant))
            assert expected, (question, variant)
            assert _signature(pg.search(question, **variant)) == expected, (question, variant)
            compared += 1
    assert compared == len(QUESTIONS) * len(VARIANTS)
    assert pg.idf("harbours") == pytest.approx(local.idf("harbours")) and local.idf("harbours") > 1.0


def test_records_translations_and_offsets(location):
    retriever = Retriever.open(location)
    hit = retriever.search(QUESTIONS[0], k=3)[0]
    assert hit.release_id == "smp-ns-harbours-en" and hit.translations == ["smp-ns-harbours-fr"]
    release = retriever.release(hit.release_id)
    assert release.text[hit.start : hit.end] == hit.text
    assert [r.id for r in retriever.translations(hit.release_id)] == ["smp-ns-harbours-fr"]
    chunks = retriever.chunks_of(hit.release_id)
    assert chunks and [c.start for c in chunks] == sorted(c.start for c in chunks)
    assert all(release.text[c.start : c.end] == c.text for c in chunks)
    assert set(retriever.releases([hit.release_id, "nope"])) == {hit.release_id}
    assert retriever.release("nope") is None


def test_stats_agree(local_location, pg_location):
    a, b = Retriever.open(local_location).stats(), Retriever.open(pg_location).stats()
    for key in ("embedder", "dim", "releases", "chunks", "releases_by_lang", "chunks_by_lang", "departments"):
        assert getattr(a, key) == getattr(b, key), key
    assert b.generation == "gen-000001" and b.size_bytes > 0


def test_publish_is_atomic_and_pinned_readers_keep_their_generation(fresh_location, tmp_path):
    records = [json.loads(line) for line in (SAMPLES / "releases.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(json.dumps(r) for r in records[:6]), encoding="utf-8")
    ingest_paths([first], fresh_location, progress=False)
    retriever = Retriever.open(fresh_location, auto_reload=False)
    pinned = retriever.pinned()
    before = pinned.stats()
    assert before.releases == 6

    second = tmp_path / "second.jsonl"
    second.write_text("\n".join(json.dumps(r) for r in records[6:10]), encoding="utf-8")
    again = ingest_paths([first, second], fresh_location, progress=False)
    assert (again.added, again.unchanged) == (4, 6)  # re-ingest is idempotent
    assert pinned.stats().releases == 6 and pinned.release(records[7]["id"]) is None  # still the old generation
    assert retriever.reload_if_changed() and retriever.stats().releases == 10
    assert retriever.release(records[7]["id"]) is not None
    assert pinned.release(records[0]["id"]).text == retriever.release(records[0]["id"]).text

    removed, missing = remove_releases(fresh_location, [records[7]["id"], "no-such-release"])
    assert (removed, missing) == ([records[7]["id"]], ["no-such-release"])
    assert retriever.reload_if_changed() and retriever.release(records[7]["id"]) is None
    assert retriever.stats().releases == 9
    assert all(h.release_id != records[7]["id"] for h in retriever.search(records[7]["title"], k=10))
