"""Equivalents learnt from translation pairs (index/pair_lexicon.py): what is learnt, what is not,
saved with a generation, the same from every backend."""
from __future__ import annotations

import json
import random

import pytest

from communique.index.errors import IndexCorrupted
from communique.index.pair_lexicon import MIN_CORPUS_PAIRS, PAIR_LEXICON, PairLexicon, build
from communique.index.retriever import Retriever
from communique.index.text import fold, stem
from communique.ingest.pipeline import ingest_paths

PLACES = ["Halifax", "Moncton", "Québec", "Ottawa", "Regina", "Victoria", "Iqaluit", "Whitehorse", "Sudbury", "Gaspé"]
# (French word, English word): each pair of releases is about two of these
TOPICS = [("grappes", "clusters"), ("écloserie", "hatchery"), ("garderies", "daycares"), ("ponts", "bridges"),
          ("aînés", "seniors"), ("pêcheurs", "fishers"), ("incendies", "wildfires"), ("logements", "homes")]


def synthetic_pairs(n: int, seed: int = 3) -> list[tuple[str, str, str]]:
    """(pair id, lang, opening) rows: every pair says "Canada announces" and names a place (and its
    number, so that no two releases are duplicates)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        (fr1, en1), (fr2, en2) = rng.sample(TOPICS, 2)
        place = rng.choice(PLACES)
        rows.append((f"p{i}", "fr", f"Le Canada annonce du financement pour les {fr1} et les {fr2} à {place} ({i})"))
        rows.append((f"p{i}", "en", f"Canada announces funding for {en1} and {en2} in {place} ({i})"))
    return rows


def test_words_that_translate_each_other_are_learnt_both_ways():
    lexicon = build(synthetic_pairs(300))
    assert lexicon.pairs == 300
    for french, english in TOPICS:
        assert lexicon.get(stem(fold(french)))[0] == stem(english)
        assert lexicon.get(stem(english))[0] == stem(fold(french))


def test_what_every_pair_says_and_the_words_that_match_themselves_learn_nothing():
    lexicon = build(synthetic_pairs(300))
    # « annonce » and "announces" are in every pair: no evidence either way (Dunning's test)
    assert lexicon.get(stem("annonce")) == () and lexicon.get(stem("announces")) == ()
    # "Canada" and the places are their own translation: nothing else becomes theirs
    assert lexicon.get(stem("canada")) == ()
    assert lexicon.get(stem("halifax")) == ()


def test_too_few_pairs_learn_nothing():
    lexicon = build(synthetic_pairs(MIN_CORPUS_PAIRS - 1))
    assert lexicon.equivalents == {} and lexicon.pairs == MIN_CORPUS_PAIRS - 1


def test_a_pair_needs_both_languages():
    rows = [r for r in synthetic_pairs(300) if not (r[1] == "en" and int(r[0][1:]) % 2)]
    assert build(rows).pairs == 150


def test_saved_and_loaded(tmp_path):
    lexicon = build(synthetic_pairs(200))
    assert lexicon.save(tmp_path) == [PAIR_LEXICON]
    assert PairLexicon.load(tmp_path) == lexicon


@pytest.mark.parametrize("content", ["{not json", json.dumps({"pairs": 3}), json.dumps({"equivalents": {"a": "b"}})])
def test_a_corrupt_file_is_named(tmp_path, content):
    (tmp_path / PAIR_LEXICON).write_text(content, encoding="utf-8")
    with pytest.raises(IndexCorrupted, match=PAIR_LEXICON):
        PairLexicon.load(tmp_path)


def _write_pairs_jsonl(path, n: int) -> None:
    rows = synthetic_pairs(n)
    with path.open("w", encoding="utf-8") as out:
        for pair_id, lang, text in rows:
            out.write(json.dumps({"id": f"{pair_id}-{lang}", "lang": lang, "pair_id": pair_id, "date": "2024-05-01",
                                  "title": text, "text": text + ". " + text + "."}, ensure_ascii=False) + "\n")


@pytest.fixture(scope="module")
def pairs_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("pairs") / "pairs.jsonl"
    _write_pairs_jsonl(path, 150)
    return path


def test_a_published_generation_carries_its_lexicon(pairs_file, tmp_path):
    index = tmp_path / "index"
    ingest_paths([pairs_file], index, progress=False)
    generation = sorted(index.glob("gen-*"))[-1]
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    assert PAIR_LEXICON in manifest["files"]
    saved = PairLexicon.load(generation)
    assert saved.pairs == 150 and saved.get(stem("grappes")) == (stem("clusters"),)
    assert Retriever.open(index).pair_lexicon() == saved


def test_an_older_generation_learns_it_from_its_records(pairs_file, tmp_path):
    index = tmp_path / "index"
    ingest_paths([pairs_file], index, progress=False)
    generation = sorted(index.glob("gen-*"))[-1]
    manifest_path = generation / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    expected = PairLexicon.load(generation)
    del manifest["files"][PAIR_LEXICON]  # as published before the lexicon existed
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    (generation / PAIR_LEXICON).unlink()
    assert Retriever.open(index).pair_lexicon() == expected


def test_postgres_learns_the_same_lexicon(pairs_file, tmp_path, pg_server):
    from tests.index.conftest import new_database

    uri = new_database(pg_server)
    ingest_paths([pairs_file], uri, progress=False)
    local = tmp_path / "index"
    ingest_paths([pairs_file], local, progress=False)
    assert Retriever.open(uri).pair_lexicon() == Retriever.open(local).pair_lexicon()
    assert Retriever.open(uri).pair_lexicon().get(stem("bridges")) == (stem("ponts"),)


def test_a_large_corpus_is_sampled_evenly(monkeypatch):
    from communique.index import pair_lexicon

    monkeypatch.setattr(pair_lexicon, "MAX_PAIRS", 150)
    lexicon = build(synthetic_pairs(400))
    assert lexicon.pairs == 150
    assert lexicon.get(stem("bridges")) == (stem("ponts"),)


def test_a_snapshots_lexicon_is_learnt_once_whichever_thread_asks():
    from concurrent.futures import ThreadPoolExecutor

    from communique.index.pair_lexicon import LexiconOnce

    calls = []

    def learn() -> PairLexicon:
        calls.append(1)
        return build(synthetic_pairs(120))

    once = LexiconOnce(learn)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: once.get(), range(8)))
    assert len(calls) == 1 and all(r is results[0] for r in results)
