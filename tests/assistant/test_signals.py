"""Abstention signals (assistant/signals.py): the rarest question word absent from the cited text."""
from __future__ import annotations

from communique.assistant.signals import _rarest_absent
from communique.assistant.terms import Terms
from communique.assistant.text import stem
from communique.index.models import Release

ENGLISH = Release(id="en1", lang="en", text="Bed-and-breakfasts will be able to serve meals at any time of day.",
                  title="Cutting red tape for B&Bs")
FRENCH = Release(id="fr1", lang="fr", text="Les gîtes pourront servir des repas à toute heure.", title="Moins de paperasse")


def _terms(weights: dict[str, float], translations: dict[str, frozenset[str]] | None = None) -> Terms:
    return Terms(weights=weights, focus=frozenset(weights), translations=translations or {})


def test_a_word_with_no_known_equivalent_cannot_be_missed_in_the_other_language():
    weights = {stem("gites"): 2.0}
    assert _rarest_absent(weights, _terms(weights), [ENGLISH], "fr") == 0.0


def test_a_word_with_an_equivalent_is_looked_for_through_it():
    weights = {stem("repas"): 1.6, stem("piscine"): 2.0}
    translations = {stem("repas"): frozenset({stem("meals")}), stem("piscine"): frozenset({stem("pool")})}
    # "meals" is there; "pool" is not: the asked pool is missing
    assert _rarest_absent(weights, _terms(weights, translations), [ENGLISH], "fr") == 1.0
    del translations[stem("piscine")]
    assert _rarest_absent(weights, _terms(weights, translations), [ENGLISH], "fr") == 0.0


def test_in_the_askers_language_every_word_is_looked_for():
    weights = {stem("piscine"): 1.0}
    assert _rarest_absent(weights, _terms(weights), [FRENCH], "fr") == 0.5
    assert _rarest_absent({stem("gites"): 1.0}, _terms({stem("gites"): 1.0}), [FRENCH], "fr") == 0.0


def test_an_answer_quoted_from_the_askers_version_is_judged_on_that_version():
    from communique.assistant.extractive import Sentence
    from communique.assistant.followup import resolve
    from communique.assistant.question import analyse
    from communique.assistant.semantic import SentenceSimilarity
    from communique.assistant.signals import compute_signals
    from communique.assistant.terms import question_terms
    from communique.index.models import Hit

    en_text = "Ottawa, June 3, 2024. The fund will give $9 million to seven community organizations."
    fr_text = "Ottawa, le 3 juin 2024. Le fonds versera 9 millions de dollars à sept organismes communautaires."
    english = Release(id="r-en", lang="en", text=en_text, title="Fund for communities")
    french = Release(id="r-fr", lang="fr", text=fr_text, title="Fonds pour les communautés")
    start = en_text.index("The fund")
    hit = Hit(chunk_id="c", release_id="r-en", text=en_text, start=0, end=len(en_text), title=english.title,
              date=None, url="", lang="en", pair_id=None, dense_score=0.4, rank=1, translations=["r-fr"])
    best = Sentence(hit, start, len(en_text), en_text[start:], lead=True, score=0.6, cue=1.0)
    q = analyse("Combien le fonds versera-t-il aux organismes communautaires ?")
    terms = question_terms(resolve(q, None), lambda token: None)
    signals = compute_signals([best], terms, {"r-en": english, "r-fr": french}, q,
                              {"r-en": english, "r-fr": french}.get, SentenceSimilarity(q.text, None))
    assert signals.cross_language  # a translation's answer: judged by the cross-language model …
    assert signals.coverage > 0.5  # … on the French sentence the answer quotes: « fonds », « versera », « organismes »
    alone = compute_signals([best], terms, {"r-en": english}, q, {"r-en": english}.get, SentenceSimilarity(q.text, None))
    assert alone.cross_language and alone.coverage < signals.coverage  # no French version: the English words
