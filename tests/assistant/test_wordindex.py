"""A release's words for presence checks (`wordindex.py`): title, date, issuer and speaker count."""
from __future__ import annotations

from communique.assistant.text import stem
from communique.assistant.wordindex import word_index
from communique.index.models import Release

ADVISORY = Release(id="adv-en", lang="en", title="Temporary closure of a hill road",
                   text="The hill road will be closed on August 8, 2024 from 9 a.m. to 3 p.m.", date="2024-08-07",
                   metadata={"department": "The Riverside Parks Commission", "speaker": "Dana Okafor",
                             "location": "Canada, Quebec", "minister": ""})


def test_the_issuer_and_speaker_fields_are_words_of_the_release():
    # "…, according to the Riverside Parks Commission?": the department is the record's, not its text's
    words = word_index(ADVISORY)
    assert words.has(stem("riverside")) and words.has(stem("commission")) and words.has(stem("okafor"))
    assert words.has("2024") and words.has(stem("closed"))


def test_other_record_fields_are_not():
    assert not word_index(ADVISORY).has(stem("quebec"))  # the location field was tried and changed nothing
