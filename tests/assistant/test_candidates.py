"""Candidate sentences (assistant/candidates.py): the lede of a release whose first paragraph is a
subtitle runs on to the dateline paragraph, whose place and date answer "where" and "when"."""
from __future__ import annotations

from communique.assistant.candidates import SUBTITLE, _first_paragraph_end, collect
from communique.index.models import Chunk, Hit, Release

SUBTITLE_LINE = "They met leading AI figures to advance Canada's priorities in the digital sector"
DATELINE = ("MONTRÉAL, Sept. 25, 2025 /CNW/ - This week, the Minister of Industry took part in ALL IN, "
            "where she met leaders of the AI community.")
BODY = "ALL IN is organized by Scale AI. " * 400  # longer than a release read whole


def _release(text: str) -> Release:
    return Release(id="r1", lang="en", text=text, title="Ministers at ALL IN", date="2025-09-25")


def test_a_subtitle_paragraph_does_not_end_the_lede():
    text = f"{SUBTITLE_LINE}\n\n{DATELINE}\n\n{BODY}"
    assert len(SUBTITLE_LINE) < SUBTITLE
    assert _first_paragraph_end(text) == text.index("\n\n", len(SUBTITLE_LINE) + 2)


def test_a_real_first_paragraph_is_the_lede():
    text = f"{DATELINE} {DATELINE}\n\n{BODY}"
    assert _first_paragraph_end(text) == text.index("\n\n")


def test_the_dateline_after_a_subtitle_is_a_candidate():
    text = f"{SUBTITLE_LINE}\n\n{DATELINE}\n\n{BODY}\n\nMore about the event at the end."
    release = _release(text)
    tail = text.index("More about")
    hit = Hit(chunk_id="c2", release_id="r1", text=text[tail:], start=tail, end=len(text), title=release.title,
              date=release.date, url="", lang="en", pair_id=None, rank=1)
    chunks = [Chunk(id="c1", release_id="r1", text=text[:tail], start=0, end=tail, lang="en"),
              Chunk(id="c2", release_id="r1", text=text[tail:], start=tail, end=len(text), lang="en")]
    # too long to be read whole: only the lede brings the dateline in
    sentences = collect([hit], {"r1": release}, chunks_of=lambda rid: chunks, lede_releases=1)
    assert any(s.text.startswith("MONTRÉAL, Sept. 25, 2025") for s in sentences)
