import pytest

from communique.ui.i18n import STRINGS, UI_LANGUAGES, pick_ui_language, t


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("en-US,en;q=0.9,fr;q=0.8", "en"),
        ("de-DE,de;q=0.9,fr;q=0.5,en;q=0.4", "fr"),
        ("en;q=0.3, fr;q=0.7", "fr"),  # order of q-values, not of appearance
        ("fr;q=0, en", "en"),  # q=0 means "not this one"
        ("de, es", "en"),
        ("", "en"),
        (None, "en"),
        ("fr;q=abc", "en"),
    ],
)
def test_browser_language_is_followed(header, expected):
    assert pick_ui_language(header) == expected


def test_every_string_exists_in_both_languages_with_the_same_placeholders():
    import string

    for key, entry in STRINGS.items():
        assert set(entry) == set(UI_LANGUAGES), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in UI_LANGUAGES]
        assert fields[0] == fields[1], key


def test_unknown_language_falls_back_to_english():
    assert t("de", "send") == "Send"
    assert t("fr", "send") == "Envoyer"
    assert t("fr", "sources_title", n=3) == "Sources (3)"
