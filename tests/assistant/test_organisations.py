"""Bodies named in a sentence: the value for "which company/organization …?" (issue 11)."""
from __future__ import annotations

import pytest

from communique.assistant.organisations import organisation_cue, organisations_in


@pytest.mark.parametrize(
    "sentence, names",
    [
        ("The contract was awarded to Hazelwood Construction from Nanaimo.", ["Hazelwood Construction"]),
        ("Quick facts GI Medical Research Associates will receive the grant funding.", ["GI Medical Research Associates"]),
        ("Chris Francey, business director, West Coast General Hospital Foundation – “Expanding …",
         ["West Coast General Hospital Foundation"]),
        ("The University of British Columbia and Simon Fraser University", ["University of British Columbia", "Simon Fraser University"]),
        ("grâce à la Fondation de l’Hôpital général de Montréal.", ["Fondation de l’Hôpital général de Montréal"]),
        ("SPAC a confié à Priestly Demolition Inc., une entreprise établie à King", ["Priestly Demolition Inc."]),
        # said of a body that has no telling word in its name
        ("announced today that MDA Space, a company based in Brampton, will receive", ["MDA Space"]),
        ("ALL IN, qui est organisé par Scale AI, l'une des cinq grappes", ["Scale AI"]),
        ("The event is organized by Scale AI.", ["Scale AI"]),
    ],
)
def test_bodies_named_in_a_sentence(sentence, names):
    found = organisations_in(sentence)
    assert [name for _, _, name in found] == names
    assert all(sentence[a:b] == name for a, b, name in found)  # offsets into the sentence


@pytest.mark.parametrize("sentence", ["Today, the Minister of Health announced new funding.",
                                      "The Government of Canada is investing $5 million.",
                                      "Today, the Minister said, a company will be chosen.",
                                      "the Minister of Indigenous Services announced",  # a title, not a body
                                      "The event was led by Premier David Eby.",
                                      "Ottawa, the company said, will host it.",
                                      "Quick Facts Construction will begin in May."])
def test_no_body_where_none_is_named(sentence):
    assert organisations_in(sentence) == [] and organisation_cue(sentence) == 0.0


def test_long_runs_of_capitalised_or_spaced_words_stay_fast():
    import time

    started = time.perf_counter()
    for text in ["-".join(["Ab"] * 2000) + " x", "Ab" + (" " * 20 + "Ab") * 200 + " x", "Ab, " * 2000]:
        organisations_in(text)
    assert time.perf_counter() - started < 2.0  # exponential backtracking took seconds on 100 characters
