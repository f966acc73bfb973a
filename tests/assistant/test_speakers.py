"""Who said a quote: the speaker of a quotation that goes on after its attribution
(“…,” said A. “The quoted sentence.”) is A, not the next speaker of the release."""
from __future__ import annotations

import json

import pytest

from communique.assistant.assistant import Assistant
from communique.ingest.pipeline import ingest_paths


@pytest.fixture(scope="module")
def speakers_assistant(tmp_path_factory) -> Assistant:
    folder = tmp_path_factory.mktemp("speakers")
    text = (
        "VICTORIA — The Forest Society has allocated $3 million in new grants to support jobs in forestry. "
        "“This new funding is part of our recovery plan for the whole province,” said Mara Quill, Minister of "
        "Forests. “The grants will support local jobs and help make better use of wood debris left after "
        "harvesting.” The latest round supports 15 projects in different regions. "
        "“One of the aims of our plan is to build stronger communities,” said Tobin Ashe, Minister of Jobs.\n\n"
        "“We were very pleased to receive this funding for fibre projects,” said Jo Brandt, board chair."
    )
    record = {"id": "spk-grants-en", "lang": "en", "title": "New grants for forest fibre", "date": "2021-01-20",
              "text": text}
    source = folder / "releases.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    ingest_paths([source], folder / "index", progress=False)
    return Assistant.open(folder / "index")


def test_a_quote_that_goes_on_after_its_attribution_is_the_first_speakers(speakers_assistant):
    answer = speakers_assistant.ask("Who said the grants will help make better use of wood debris left after harvesting?")
    assert answer.lead is not None and answer.lead.shown == "Mara Quill"


def test_a_quote_followed_by_its_attribution_is_that_speakers(speakers_assistant):
    answer = speakers_assistant.ask("Who said one of the aims of the plan is to build stronger communities?")
    assert answer.lead is not None and answer.lead.shown == "Tobin Ashe"
