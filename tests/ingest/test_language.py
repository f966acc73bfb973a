import pytest

from communique.ingest.language import detect_language, normalize_code, resolve_language

FR = ("Le gouvernement du Canada a annoncé aujourd'hui un investissement de cinq millions de dollars pour "
      "soutenir les entreprises de la région et créer des emplois de qualité pour les familles.") * 2
EN = ("The Government of Canada announced today an investment of five million dollars to support businesses "
      "in the region and create good jobs for families.") * 2


def test_detects_french_and_english_with_confidence():
    assert detect_language(FR)[0] == "fr" and detect_language(FR)[1] > 0.95
    assert detect_language(EN)[0] == "en" and detect_language(EN)[1] > 0.95


def test_detects_other_languages():
    lang, conf = detect_language("El gobierno de Canadá anunció hoy una inversión de cinco millones de dólares "
                                 "para apoyar a las empresas de la región.")
    assert lang == "es" and conf > 0.9


@pytest.mark.parametrize(("text", "lang"), [("Le ministre a annoncé", "fr"), ("The minister announced today", "en"),
                                            ("Mise à jour", "fr")])
def test_short_text_falls_back_to_stop_words(text, lang):
    assert detect_language(text)[0] == lang


def test_no_letters_no_language():
    assert detect_language("2025-09-25 — 42 %") == ("", 0.0)
    assert detect_language("") == ("", 0.0)


@pytest.mark.parametrize(("label", "code"), [("FR", "fr"), ("fr-CA", "fr"), ("en_US", "en"), ("fra", "fr"),
                                             ("English", "en"), ("mixed", ""), ("und", ""), ("xx", ""), (None, ""),
                                             ("klingon", ""), ("n/a", ""), ("2", "")])
def test_normalize_code(label, code):
    assert normalize_code(label) == code


def test_declared_language_is_trusted_when_consistent():
    assert resolve_language("fr", FR) == ("fr", None)
    assert resolve_language("en-CA", EN) == ("en", None)


def test_plainly_wrong_declared_language_is_corrected_with_a_warning():
    lang, warning = resolve_language("fr", EN)
    assert lang == "en"
    assert warning and "'fr'" in warning and "'en'" in warning


def test_short_text_does_not_override_declared_language():
    assert resolve_language("fr", "Ottawa, Canada. Media advisory.") == ("fr", None)


@pytest.mark.parametrize("declared", ["mixed", "und", "xx"])
def test_unknown_declared_language_is_detected_with_a_warning(declared):
    lang, warning = resolve_language(declared, FR)
    assert lang == "fr" and warning and declared in warning


def test_missing_declared_language_is_detected_silently():
    assert resolve_language("", EN) == ("en", None)
    assert resolve_language(None, FR) == ("fr", None)


def test_undetectable_without_declared_language():
    lang, warning = resolve_language("", "12345 67890")
    assert lang == "und" and warning


def test_bilingual_text_is_flagged_as_mixed():
    text = EN * 4 + "\n\n" + FR * 4
    lang, confidence = detect_language(text)
    assert lang in ("en", "fr") and confidence < 0.9  # neither language can be claimed with certainty
    resolved, warning = resolve_language("mixed", text)
    assert resolved == lang and "mixes languages" in warning and "en " in warning and "fr " in warning
    assert resolve_language("fr", text) == ("fr", None)  # a declared language is not overridden by a mix


def test_long_text_is_sampled_not_read_whole():
    import time

    text = FR * 2000  # ~380 kB
    started = time.perf_counter()
    assert detect_language(text)[0] == "fr"
    assert time.perf_counter() - started < 1.0
