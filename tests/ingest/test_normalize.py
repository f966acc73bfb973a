import re

from communique.index.models import Release
from communique.ingest.normalize import normalize_release
from communique.ingest.problems import Problem
from communique.ingest.readers import LINE_KEY, TEXT_FORMAT_KEY, read_file


def _release(**kw) -> Release:
    base = dict(id="r1", lang="en", text="The minister announced new funding for schools in the region today.",
                title="  Funding\u00a0announced ", date="2024-05-18", metadata={})
    base.update(kw)
    return Release(**base)


def test_cleans_and_keeps_id():
    out = normalize_release(_release(text="  <p>The minister\u00a0announced new funding for schools today.</p> "))
    assert isinstance(out, Release)
    assert out.id == "r1" and out.title == "Funding announced"
    assert out.text == "The minister announced new funding for schools today."
    assert out.date == "2024-05-18" and out.lang == "en"
    assert "warnings" not in out.metadata


def test_datetime_is_reduced_to_a_date():
    assert normalize_release(_release(date="2024-05-18 17:00:16")).date == "2024-05-18"


def test_bad_date_is_a_warning_not_a_rejection():
    out = normalize_release(_release(date="Ongoing"))
    assert isinstance(out, Release) and out.date is None
    assert out.metadata["warnings"] == ["date 'Ongoing' is not a date; left empty"]


def test_wrong_language_is_corrected_with_a_warning():
    text = ("The Government of Canada announced today an investment of five million dollars to support businesses "
            "in the region and create good jobs for families across the country. The funding will flow over three years.")
    out = normalize_release(_release(lang="fr", text=text, metadata={"warnings": ["earlier"]}))
    assert out.lang == "en"
    assert out.metadata["warnings"][0] == "earlier" and "'fr'" in out.metadata["warnings"][1]


def test_empty_text_after_cleaning_is_a_problem_naming_file_and_line():
    out = normalize_release(_release(text="<div> </div>\n-30-\n"), path="data/x.jsonl", line=7)
    assert isinstance(out, Problem)
    assert (out.path, out.line) == ("data/x.jsonl", 7) and "r1" in out.message


def test_markdown_format_hint_is_used_and_removed():
    out = normalize_release(_release(text="## Heading\n\nSome **bold** text here for the reader.",
                                     metadata={TEXT_FORMAT_KEY: "markdown", LINE_KEY: 4, "department": "X"}))
    assert out.text == "Heading\n\nSome bold text here for the reader."
    assert out.metadata == {"department": "X"}


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _repeated_runs(words: list[str], n: int) -> set[str]:
    grams = [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    return {g for g in grams if grams.count(g) > 1}


def test_seed_release(seed_path):
    (raw,) = list(read_file(seed_path))
    out = normalize_release(raw, path=str(seed_path), line=None)
    assert isinstance(out, Release)
    assert out.id == raw.id
    assert out.date == "2025-09-25" and out.lang == "fr"
    text = out.text
    assert "date 2025-09-25" not in text

    # Every paragraph appears exactly once ...
    paragraphs = _paragraphs(text)
    assert len(paragraphs) == len(set(paragraphs)) == 19
    # ... and no run of 16 words occurs twice (the seed repeats runs of 30+ words; a quote restates
    # 11 words of a paragraph, legitimately). The attribution lines after the quotes legitimately
    # repeat the ministers' titles from the lead: left out.
    words = _words(text)
    prose = "\n".join(p for p in paragraphs if not p.startswith("- "))
    assert _repeated_runs(_words(raw.text), 16), "the raw seed should have repeats"
    assert not _repeated_runs(_words(prose), 16)
    # ... while no sentence of the source is lost: each source sentence (split on ". ") of 8+ words
    # that is not a glued copy is in the clean text.
    for fact in [
        "Ils ont pu échanger avec des acteurs de premier plan en IA",
        "ALL IN est l'événement voué à l'intelligence artificielle (IA) le plus important au Canada.",
        "L'édition de 2025 était la plus ambitieuse à ce jour",
        "Le programme des grappes d'innovation mondiales soutient les investissements",
        "les grappes avaient annoncé 627 projets estimés à plus de 3,07 milliards de dollars",
        "Au 30 juin 2025, les grappes avaient annoncé 47 projets estimés à plus de 188,9 millions de dollars.",
        "Amii (à Edmonton), Mila (à Montréal) et l'Institut Vecteur (à Toronto)",
        "en décembre 2024 et lui a octroyé un financement de plus de 2 milliards de dollars",
        "Dans le budget de 2024, le gouvernement a alloué 39,2 millions de dollars à CodeCan",
        "- La ministre de l'Industrie et ministre responsable de Développement économique Canada pour les régions du Québec, l'honorable Mélanie Joly",
        "- Le ministre de l'Intelligence artificielle et de l'Innovation numérique",
        "46 signataires ont adhéré au Code",
        "« Tous les regards sur le Canada : bâtir l'avenir mondial de l'IA »",
    ]:
        assert text.count(fact) == 1, fact
    # The copies with dropped words are gone.
    assert "(à )" not in text and "en décembre lui a octroyé" not in text
    assert not any(p.startswith((".", ")", "des écosystèmes", "a lancé")) for p in paragraphs)
    # Nothing beyond the copies was removed: all the source's distinct words are still there.
    assert set(_words(raw.text)) - set(words) == set()


def test_line_from_the_reader_names_the_problem():
    out = normalize_release(_release(text="<p></p>", metadata={LINE_KEY: 9}), path="f.jsonl")
    assert isinstance(out, Problem) and (out.path, out.line) == ("f.jsonl", 9)


def test_third_language_is_kept_with_a_warning():
    text = ("El gobierno federal anunció hoy una inversión de diez millones de dólares para ampliar el puerto de "
            "Vancouver y crear doscientos empleos en la región.")
    out = normalize_release(_release(lang="es", text=text))
    assert out.lang == "es" and "neither French nor English" in out.metadata["warnings"][0]
