"""The speaker of a quotation, read on the release text: named after it, introducing it, or signing it."""
from __future__ import annotations

import pytest

from communique.assistant.attribution import naming_sentence, quotation_around, speaker_of


def _speaker(text: str, needle: str) -> str | None:
    at = text.index(needle)
    who = speaker_of(text, at, at + len(needle))
    if who is not None:
        assert text[who.start:who.end] == who.name  # offsets into the release, like every quoted value
    return None if who is None else who.name


INTRODUCED = ("The new courthouse opened in 2021.Quotes:Chief Ann Lee, Matsqui First Nation – “We welcome this "
              "facility. It is a step forward for our two communities.”Rob Dale, Chief Justice – “The courthouse "
              "remains an important place.”")


@pytest.mark.parametrize("needle, expected", [
    ("It is a step forward", "Ann Lee"),  # in the middle of a quote introduced by "Name, title –"
    ("We welcome this facility.", "Ann Lee"),
    ("remains an important place", "Rob Dale"),
])
def test_a_quote_introduced_by_its_speakers_line(needle, expected):
    assert _speaker(INTRODUCED, needle) == expected


AFTER = ("“This facility is the first entirely new courthouse in almost 20 years,” Eby said. The Province "
         "funded it. “Parks are among our treasures. They matter to everyone,” said George Heyman, Minister "
         "of Environment. “We will keep investing in them.” The Minister said the work starts in May.")


@pytest.mark.parametrize("needle, expected", [
    ("first entirely new courthouse", "Eby"),  # a surname alone before the verb
    ("They matter to everyone", "George Heyman"),  # the quote's last sentence, the verb after it
    ("We will keep investing", "George Heyman"),  # the quote goes on after its attribution
    ("The Province funded it.", None),  # between two quotations: nobody is quoted
    ("The Minister said the work", None),  # reported speech, no quotation marks
])
def test_a_quote_named_after_it(needle, expected):
    assert _speaker(AFTER, needle) == expected


SIGNED = ("« Cet argent pourra aider à éliminer cette crainte. » Stacy Shaikin, directrice du Camp BB Riback\n"
          "« Easter Seals Alberta sert les Albertains depuis plus de 50 ans. Certains de nos campeurs viennent "
          "depuis plus de 40 ans! » Paula Telfer, directrice générale, Easter Seals Alberta Le programme sera "
          "un nouveau volet. « Ce financement arrive à point », a déclaré le ministre Jason Luan.")


@pytest.mark.parametrize("needle, expected", [
    ("Certains de nos campeurs", "Paula Telfer"),  # signed after the closing mark, no speech verb
    ("Cet argent pourra aider", "Stacy Shaikin"),  # the line after a quote signs it, not the next one
    ("Ce financement arrive", "Jason Luan"),
    ("Le programme sera", None),
])
def test_a_french_quote_signed_or_attributed(needle, expected):
    assert _speaker(SIGNED, needle) == expected


def test_a_narrative_sentence_after_a_quote_is_no_attribution():
    text = "“We are ready.” In British Columbia, the season opens in May. “Come and see,” said Ana Ruiz."
    assert _speaker(text, "We are ready.") is None


def test_a_quote_after_a_narrative_sentence_does_not_go_on_from_the_previous_speaker():
    text = "“We are ready,” Eby said. The Province funded it. “Nobody signs this one.”"
    assert _speaker(text, "We are ready") == "Eby"
    assert _speaker(text, "Nobody signs") is None
    text = "“We are ready,” said Dr. Bonnie Henry. “The season opens in May.”"
    assert _speaker(text, "The season opens") == "Bonnie Henry"


def test_a_quote_signed_on_the_next_line_after_a_dash():
    text = "“Our walls can finally move. Artists love the new space.”\n— Nicole Chernish\n\nThe gallery got $11,850."
    assert _speaker(text, "Artists love") == "Nicole Chernish"
    assert _speaker(text, "The gallery got") is None
    text = ("« Le Canada investit dans l'IA. »\n\n- La ministre de l'Industrie, l'honorable Mélanie Joly\n\n"
            "« Le Canada doit poursuivre ses efforts. »\n\n- Le ministre de l'Innovation, l'honorable Evan Solomon")
    assert _speaker(text, "Le Canada investit") == "Mélanie Joly"
    assert _speaker(text, "poursuivre ses efforts") == "Evan Solomon"


def test_straight_quotation_marks_open_after_a_space_or_a_dash():
    text = 'Mia Chen, director –"Our walls can move. Artists love it." The gallery got $11,850.'
    at = text.index("Artists love it")
    assert quotation_around(text, at, at + 15) == (text.index('"'), text.rindex('"'))
    assert _speaker(text, "Artists love it") == "Mia Chen"
    assert quotation_around(text, text.index("The gallery"), len(text)) is None


def test_the_naming_sentence_holds_the_name():
    at = INTRODUCED.index("It is a step")
    who = speaker_of(INTRODUCED, at, at + 10)
    assert who is not None
    span = naming_sentence(INTRODUCED, who)
    assert span is not None and span.start <= who.start < who.end <= span.end
    assert INTRODUCED[span.start:span.end] == span.text and "Ann Lee" in span.text


@pytest.mark.parametrize("text, needle", [
    ("“We are proud. It works,” said Premier David\u00a0Eby.", "It works"),  # offsets would not hold the name
    ("“It is kind-hearted.” \tAcross Canada, approximately 80 per cent agree.", "It is kind"),  # a place
    ("“We help families.”\nHealth Canada, which regulates drugs, agrees.", "We help"),  # a body
])
def test_no_speaker_rather_than_a_wrong_one(text, needle):
    at = text.index(needle)
    who = speaker_of(text, at, at + len(needle))
    assert who is None or text[who.start:who.end] == who.name and who.name not in ("Across Canada", "Health Canada")


def test_a_signing_line_without_a_comma_stops_before_the_title():
    text = "“The ferry will run all winter.” Goronwy Price Chair, Newfoundland Ferry Board"
    assert _speaker(text, "The ferry will run") == "Goronwy Price"


def test_an_introducing_line_after_a_paragraph_break():
    text = ("Premier David Eby announced the funding today.\nJane Doe, executive director, Food Bank –\n"
            "“We are thrilled. This will help.”")
    assert _speaker(text, "This will help") == "Jane Doe"


def test_the_naming_sentence_may_open_the_release():
    text = "“We are pleased,” said Jane Doe, CEO. More text follows here."
    who = speaker_of(text, 0, 17)
    assert who is not None and who.name == "Jane Doe"
    span = naming_sentence(text, who)
    assert span is not None and span.start == 0
