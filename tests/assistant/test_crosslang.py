"""Finding the translated sentence in the other-language version of a release (real sample pairs)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from communique.assistant.crosslang import counterpart
from communique.assistant.text import Span, split_sentences

RELEASES = Path(__file__).resolve().parents[2] / "samples" / "releases.jsonl"


@pytest.fixture(scope="module")
def pair():
    if not RELEASES.exists():
        pytest.skip(f"{RELEASES} is missing")
    rows = {r["id"]: r for r in (json.loads(line) for line in RELEASES.read_text(encoding="utf-8").splitlines() if line.strip())}
    en, fr = rows.get("smp-alberta-wildfire-equipment-en"), rows.get("smp-alberta-wildfire-equipment-fr")
    if not en or not fr:
        pytest.skip("the Alberta wildfire pair is not in samples/releases.jsonl any more")
    return en["text"], fr["text"]


def _span(text: str, startswith: str) -> Span:
    return next(s for s in split_sentences(text) if s.text.startswith(startswith))


@pytest.mark.parametrize(
    "en_start, fr_start",
    [
        ("- Combined federal", "Contribution combinée"),
        ('"This funding is already helping', "« Ce financement aide déjà"),
        ("August 1, 2024", "Le 1er août 2024"),
        ("Purchases made so far", "Parmi les achats"),
    ],
)
def test_counterpart_both_ways(pair, en_start, fr_start):
    en, fr = pair
    en_span = _span(en, en_start.lstrip("- "))
    match = counterpart(en, en_span, fr)
    assert match is not None and match.span.text.startswith(fr_start.lstrip("- "))
    assert fr[match.span.start : match.span.end] == match.span.text
    back = counterpart(fr, match.span, en)
    assert back is not None and back.span.text == en_span.text


def test_no_counterpart_in_a_one_line_teaser(pair):
    en, _ = pair
    teaser = "Le Canada et l'Alberta investissent dans la lutte contre les feux de forêt."
    assert counterpart(en, _span(en, "Purchases made so far"), teaser) is None
    assert counterpart(en, _span(en, "Purchases made so far"), "") is None
