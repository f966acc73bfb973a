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


def _hit(release_id: str, pair_id: str | None, rank: int):
    from communique.index.models import Hit

    return Hit(chunk_id=f"{release_id}-c", release_id=release_id, text="", start=0, end=0, title="", date=None,
               url="", lang=release_id[-2:], pair_id=pair_id, rank=rank)


def test_an_announcement_and_its_translation_share_one_retrieval_rank():
    from communique.assistant.signals import announcement_ranks

    hits = [_hit("a-fr", "a", 1), _hit("a-en", "a", 2), _hit("b-en", None, 3), _hit("c-fr", "c", 4), _hit("a-en", "a", 5)]
    assert announcement_ranks(hits) == {"a-fr": 1, "a-en": 1, "b-en": 2, "c-fr": 3}


def test_the_first_announcement_weighs_for_an_answer():
    from dataclasses import replace

    from communique.assistant.abstain import Signals, confidence

    middling = Signals(coverage=0.4, context_coverage=0.6, specifics=1.0, n_specifics=1, dense=0.45, cue=1.0,
                       cross_language=False, semantic=0.4, hit_rank=1)
    assert confidence(middling) > confidence(replace(middling, hit_rank=4)) > confidence(replace(middling, hit_rank=0))
