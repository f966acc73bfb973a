"""Hybrid search over the bundled samples and the shared corpus: languages, pairs, filters."""
from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from communique.index.retriever import Retriever

SEED_FR = "gcnews-seed-b85775f088769eaa944d5d60c58d38fc-fr"


@pytest.fixture(scope="module")
def samples(samples_index) -> Retriever:
    return Retriever.open(samples_index)


def _ids(hits):
    return [h.release_id for h in hits]


def test_question_finds_the_release_in_its_own_language_with_translation_linked(samples):
    hits = samples.search("How much is the federal government investing in Nova Scotia small craft harbours?", k=5)
    assert hits[0].release_id == "smp-ns-harbours-en"
    assert hits[0].translations == ["smp-ns-harbours-fr"]
    assert "smp-ns-harbours-fr" not in _ids(hits)  # one result per announcement
    fr = samples.search("Combien le gouvernement investit-il dans les ports pour petits bateaux de la Nouvelle-Écosse ?", k=5)
    assert fr[0].release_id == "smp-ns-harbours-fr"
    hit = fr[0]
    assert samples.release(hit.release_id).text[hit.start : hit.end] == hit.text


def test_english_question_finds_french_only_release(samples):
    hits = samples.search("Which ministers attended the ALL IN artificial intelligence event in Montreal?", k=5)
    top = [samples.release(h.release_id) for h in hits[:3]]
    assert any(r.lang == "fr" and "ALL IN" in r.text for r in top)


def test_french_question_finds_english_only_release(samples):
    hits = samples.search("Quels organismes 2SLGBTQI+ de l'Atlantique reçoivent du financement ?", k=5)
    assert "smp-atlantic-2slgbtqi-en" in _ids(hits[:3])


def test_language_and_date_filters(samples):
    hits = samples.search("funding announcement", k=10, lang="fr")
    assert hits and all(h.lang == "fr" for h in hits)
    hits = samples.search("funding announcement", k=10, date_from="2024-07-01", date_to="2024-07-31")
    assert hits and all("2024-07-01" <= h.date <= "2024-07-31" for h in hits)
    assert samples.search("funding", k=5, date_from="1990-01-01", date_to="1990-12-31") == []


def test_modes_and_scores(samples):
    question = "Lobster Fishing Area 23 C closure"
    dense = samples.search(question, k=3, mode="dense")
    lexical = samples.search(question, k=3, mode="lexical")
    assert dense[0].dense_score is not None and lexical[0].lexical_score is not None
    assert dense[0].release_id.startswith("smp-lfa-23c") and lexical[0].release_id.startswith("smp-lfa-23c")
    with pytest.raises(ValueError):
        samples.search(question, mode="magic")
    assert samples.search("   ", k=3) == []


def test_langchain_adapter_returns_documents_with_metadata(samples):
    lc = samples.as_langchain(k=3)
    assert isinstance(lc, BaseRetriever)
    docs = lc.invoke("Canadarm3 contract MDA Space")
    assert docs and isinstance(docs[0], Document)
    meta = docs[0].metadata
    assert meta["release_id"].startswith("smp-canadarm3")
    assert {"chunk_id", "start", "end", "title", "date", "url", "lang", "pair_id", "score"} <= meta.keys()
    assert samples.release(meta["release_id"]).text[meta["start"] : meta["end"]] == docs[0].page_content


@pytest.mark.slow
def test_cross_language_on_the_shared_corpus(shared_index):
    retriever = Retriever.open(shared_index)
    hits = retriever.search("What task force did the AI minister announce at the ALL IN conference?", k=5)
    # both versions match: the one in the asker's language is returned, the French seed as its translation
    assert any(h.release_id == SEED_FR.replace("-fr", "-en") and SEED_FR in h.translations for h in hits)
    hits = retriever.search("Quand la nouvelle école de Camrose doit-elle ouvrir ses portes ?", k=5)
    assert "prov-alberta-3058ebc89eed" in _ids(hits)


def test_above_the_exact_limit_the_index_turns_ivf_and_answers_alike(samples, samples_index, tmp_path, monkeypatch):
    """The samples with the exact-search limit lowered: same releases found, updates still work."""
    import communique.index.vectors as vectors
    from communique.index.writer import IndexWriter
    from communique.ingest.pipeline import ingest_paths
    from tests.conftest import SAMPLES

    monkeypatch.setattr(vectors, "EXACT_MAX_VECTORS", 20)
    report = ingest_paths([SAMPLES], tmp_path / "ivf", progress=False)
    assert report.rejected == 0
    approximate = Retriever.open(tmp_path / "ivf")
    assert approximate._snapshot.vectors.kinds() == {"en": "ivf", "fr": "ivf", "other": "exact"}
    questions = [
        "How much is the federal government investing in Nova Scotia small craft harbours?",
        "Which ministers attended the ALL IN artificial intelligence event in Montreal?",
        "Quels organismes 2SLGBTQI+ de l'Atlantique reçoivent du financement ?",
        "Lobster Fishing Area 23 C closure",
    ]
    for question in questions:
        assert _ids(approximate.search(question, k=3, mode="dense"))[:1] == _ids(samples.search(question, k=3, mode="dense"))[:1]
        assert _ids(approximate.search(question, k=3)) == _ids(samples.search(question, k=3))
    with IndexWriter.open(tmp_path / "ivf") as writer:
        assert writer.remove("smp-ns-harbours-en")
        writer.commit()
    approximate.reload_if_changed()
    assert "smp-ns-harbours-en" not in _ids(approximate.search(questions[0], k=10))


def test_langchain_invoke_honours_k_and_search_options(samples):
    lc = samples.as_langchain(k=5)
    assert len(lc.invoke("funding announcement", k=1)) == 1
    assert len(lc.invoke("funding announcement")) == 5
    french = lc.invoke("funding announcement", k=3, lang="fr")
    assert len(french) == 3 and all(d.metadata["lang"] == "fr" for d in french)
    with pytest.raises(TypeError, match="unknown search option"):
        lc.invoke("funding", colour="blue")


def test_a_broken_new_generation_is_logged_and_the_old_one_keeps_answering(samples_index, tmp_path, caplog):
    import shutil

    import communique.index.snapshots as snapshots

    copy = tmp_path / "ix"
    shutil.copytree(samples_index, copy)
    retriever = Retriever.open(copy)
    before = _ids(retriever.search("Lobster Fishing Area 23 C closure", k=3))
    (copy / "CURRENT").write_text("gen-999999\n", encoding="utf-8")  # names a generation that is not there
    retriever._holder._last_check -= 2 * snapshots.CHECK_INTERVAL
    with caplog.at_level("WARNING", logger="communique.index.snapshots"):
        after = _ids(retriever.search("Lobster Fishing Area 23 C closure", k=3))
    assert after == before
    assert "gen-999999" in caplog.text and "still answering from gen-" in caplog.text
