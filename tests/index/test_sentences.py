"""The one sentence splitter (chunks and quotes): the cases the issue lists, offsets exact."""
from __future__ import annotations

import pytest

from communique.index.sentences import split_sentences


def sentences(text: str, **options) -> list[str]:
    spans = split_sentences(text, **options)
    for a, b in spans:
        assert 0 <= a < b <= len(text) and text[a:b] == text[a:b].strip()
    return [text[a:b] for a, b in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M. Joly a parlé. Mme Anand aussi.", ["M. Joly a parlé.", "Mme Anand aussi."]),
        ("On utilise p. ex. des outils. Fin.", ["On utilise p. ex. des outils.", "Fin."]),
        ("Remarks by the Hon. Mary Ng. She spoke.", ["Remarks by the Hon. Mary Ng.", "She spoke."]),
        ("It starts Jan. 1, 2026 in Ottawa. More later.", ["It starts Jan. 1, 2026 in Ottawa.", "More later."]),
        ("Elle a dit : « Nous y arriverons. » Puis elle est partie.",
         ["Elle a dit : « Nous y arriverons. »", "Puis elle est partie."]),
        ("« Avez-vous trouvé ce que vous cherchiez? ». Les gens répondent.",
         ["« Avez-vous trouvé ce que vous cherchiez? ».", "Les gens répondent."]),
        ("Gas costs $1.64 a litre. Il y a 1,5 million de personnes. Fin.",
         ["Gas costs $1.64 a litre.", "Il y a 1,5 million de personnes.", "Fin."]),
        ("Funding goes to Acme Technologies Inc. (Acme) in Vancouver. It starts now.",
         ["Funding goes to Acme Technologies Inc. (Acme) in Vancouver.", "It starts now."]),
        ("The committee on Poisonings—Dr. Theresa Tam spoke. Then others.",
         ["The committee on Poisonings—Dr. Theresa Tam spoke.", "Then others."]),
        ("Brendan Hanley, Ph. D., a parlé. Ensuite, non.", ["Brendan Hanley, Ph. D., a parlé.", "Ensuite, non."]),
        ("RECOGNIZING ST. ANTHONY TODAY", ["RECOGNIZING ST. ANTHONY TODAY"]),
        ("Sentences open with accents. À partir de demain. Être là. Écrivez-nous.",
         ["Sentences open with accents.", "À partir de demain.", "Être là.", "Écrivez-nous."]),
        ("People are monitored.Located in East Vancouver, it opened.“Currently, it is.",
         ["People are monitored.", "Located in East Vancouver, it opened.", "“Currently, it is."]),
        ("Write to Neil.Charbonneau@tbs-sct.gc.ca today.", ["Write to Neil.Charbonneau@tbs-sct.gc.ca today."]),
        ("The last one opened in 2002.Quotes:Chief Ann Lee – “Welcome.”", ["The last one opened in 2002.",
                                                                          "Quotes:Chief Ann Lee – “Welcome.”"]),
        ("Version 2.0.1 ships. The rate is 12.5MB a day.", ["Version 2.0.1 ships.", "The rate is 12.5MB a day."]),
        ("Steps:\n1. Keep it short.\n2. Test it.", ["Steps:", "1. Keep it short.", "2. Test it."]),
    ],
)
def test_boundaries(text, expected):
    assert sentences(text) == expected


def test_a_wrapped_line_goes_on_unless_every_line_is_a_unit():
    text = "A wrapped\nline goes on. Next one."
    assert sentences(text) == ["A wrapped\nline goes on.", "Next one."]
    assert sentences(text, every_line_break=True) == ["A wrapped", "line goes on.", "Next one."]


def test_bullets_stripped_and_windows_keep_offsets_into_the_whole_text():
    text = "Intro line\n- Le ministre Evan Solomon\n\n. L'édition de 2025 a réuni 6 000 leaders. Fin."
    assert sentences(text, every_line_break=True, strip_bullets=True) == [
        "Intro line", "Le ministre Evan Solomon", "L'édition de 2025 a réuni 6 000 leaders.", "Fin."]
    lo = text.index("L'édition")
    (a, b), *_ = split_sentences(text, lo, lo + 60)
    assert a == lo and text[a:b].startswith("L'édition")


def test_over_long_units_are_cut_verbatim():
    text = "word, " * 400 + "end."
    spans = split_sentences(text, max_chars=600)
    assert len(spans) > 1 and all(b - a <= 600 for a, b in spans)
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")
