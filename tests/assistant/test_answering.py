"""Writing the extractive answer (assistant/answering.py): the sentence the value was read from is
quoted first, renumbered with everything that points at it."""
from __future__ import annotations

from communique.assistant.answering import Quotes
from communique.assistant.models import Citation, Lead
from communique.assistant.shape import Cited
from communique.index.models import Release

TEXT = "The rate falls by two cents. For 2025, employees pay $1.64 per $100. Employers pay $2.30."


def _cite(release: Release, start: int, end: int) -> Cited:
    return Cited(Citation(n=0, release_id=release.id, chunk_id="c", title=release.title, date=None, url="",
                          lang=release.lang, quote=release.text[start:end], start=start, end=end), release, 0.5)


def _quotes(*items: Cited) -> Quotes:
    quotes = Quotes()
    for item in items:
        quotes.add(item)
    return quotes


def test_the_values_sentence_moves_to_the_front_and_everything_is_renumbered():
    release = Release(id="r1", lang="en", text=TEXT, title="EI")
    first, value, third = _cite(release, 0, 28), _cite(release, 29, 68), _cite(release, 69, len(TEXT))
    quotes = _quotes(first, value, third)
    lead = Lead("amount", "$1.64 per $100", 2, "r1", 53, 67, "$1.64 per $100")
    moved = quotes.lead_first(lead)
    assert moved.n == 1
    assert [c.n for c in quotes.citations] == [1, 2, 3]
    assert [c.start for c in quotes.citations] == [29, 0, 69]
    assert [(p.n, p.text) for p in quotes.pieces] == [(1, value.citation.quote), (2, first.citation.quote),
                                                      (3, third.citation.quote)]
    assert [c.citation.start for c in quotes.cited] == [29, 0, 69]
    for c in quotes.citations:
        assert release.text[c.start:c.end] == c.quote


def test_a_value_already_first_or_behind_another_release_stays_where_it_is():
    one = Release(id="r1", lang="en", text=TEXT, title="EI")
    two = Release(id="r2", lang="en", text=TEXT, title="EI again")
    quotes = _quotes(_cite(one, 29, 68), _cite(one, 0, 28))
    lead = Lead("amount", "$1.64 per $100", 1, "r1", 53, 67)
    assert quotes.lead_first(lead) == lead and [c.start for c in quotes.citations] == [29, 0]
    quotes = _quotes(_cite(one, 0, 28), _cite(two, 29, 68))
    lead = Lead("amount", "$1.64 per $100", 2, "r2", 53, 67)
    assert quotes.lead_first(lead) == lead and [c.release_id for c in quotes.citations] == ["r1", "r2"]
