import pytest

from communique.ingest.cleaning import clean_text, clean_title


def test_unicode_spaces_become_plain_spaces_and_nfc():
    raw = "Le\u00a0ministre\u202fa dit\u2009: «\u00a0oui\u00a0». Cafe\u0301\u200b ouvert\u00ad."
    assert clean_text(raw) == "Le ministre a dit : « oui ». Café ouvert."


def test_superscripts_and_ligatures():
    assert clean_text("10 km² de su\ufb03xes \ufb01n") == "10 km² de suffixes fin"  # NFC keeps ², ligatures split


def test_whitespace_runs_and_paragraphs():
    raw = "  First\tline   here.  \r\nSecond line.\n\n\n\n   Next   paragraph.  "
    assert clean_text(raw) == "First line here.\nSecond line.\n\nNext paragraph."


def test_space_before_punctuation_left_by_dropped_words():
    assert clean_text("au Canada . Amii (à Edmonton ), et ( Toronto ) ou 0 .5") == "au Canada. Amii (à Edmonton), et (Toronto) ou 0 .5"


def test_html_tags_and_entities_in_text():
    raw = '<div class="well panel"><p>Premier&nbsp;paragraphe &laquo;cité&raquo;.</p><p>Second <b>gras</b>.</p></div>'
    assert clean_text(raw) == "Premier paragraphe «cité».\n\nSecond gras."


def test_script_style_and_comments_removed():
    raw = "Avant<script>alert('x')</script><style>.a{}</style><!-- note --> après."
    assert clean_text(raw) == "Avant après."


def test_template_tags_removed():
    raw = ('Intro text.\n\n{% include components/gc-simple-img.html\n\t alt="A picture"\n\t file="x.png" %}\n\n'
           "Email us at {{ site.emails.dto }} today. {: .class}")
    assert clean_text(raw, markdown=True) == "Intro text.\n\nEmail us at today."


def test_markdown_images_links_and_syntax():
    raw = (
        "## Usability testing\n\n"
        "Read the [Canada.ca home page](https://www.canada.ca/en.html) and the [guide][ref].\n"
        "It was **very** useful and *clear* with `code`.\n\n"
        "![en-img.jpeg](https://cdn.example/x.jpeg)\n\n"
        "* first item\n* second item\n\n"
        "> quoted text\n\n"
        "---\n\n"
        "[ref]: https://example.org/guide\n"
    )
    assert clean_text(raw, markdown=True) == (
        "Usability testing\n\n"
        "Read the Canada.ca home page and the guide. It was very useful and clear with code.\n\n"
        "- first item\n- second item\n\n"
        "quoted text"
    )


def test_plain_text_keeps_line_structure_and_asterisks():
    raw = "Masting period: today.\nMasting location(s): Ottawa.\n2 * 3 = 6"
    assert clean_text(raw) == raw


def test_links_and_images_are_cleaned_in_plain_text_too():
    assert clean_text("See [the page](https://x.ca/a_(b)) now ![pic](p.png).") == "See the page now."


@pytest.mark.parametrize(
    "noise",
    [
        "Some parts of this page will not display.JavaScript is not available in this browser or may be turned off.",
        "Share this page:Email this page to a friend",
        "Skip to main content",
        "Passer au contenu principal",
        "Date modified: 2024-05-01",
        "Date de modification : 2024-05-01",
        "Report a problem or mistake on this page",
        "Signaler un problème ou une erreur sur cette page",
        "Partager cette page",
        "-30-",
        "- 30 -",
    ],
)
def test_boilerplate_removed(noise):
    text = f"{noise}\n\nThe minister announced new funding today.\n\n{noise}"
    assert clean_text(text) == "The minister announced new funding today."


def test_boilerplate_glued_in_collapsed_text():
    raw = ("   Some parts of this page will not display.JavaScript is not available in this browser or may be "
           "turned off.     The new school will open in 2022.  Students are happy.   -30-")
    assert clean_text(raw) == "The new school will open in 2022. Students are happy."


def test_boilerplate_words_inside_sentences_are_kept():
    text = ("Visitors can share this page with friends. Print copies are available. Menu items include soup. "
            'Users could not find "Skip to main content" with a screen reader.')
    assert clean_text(text) == text


def test_collapsed_text_gets_line_breaks_back():
    raw = ("The new school, expected to open in September 2022, will replace the current facility. " * 3
           + "   Jason Kenney, Premier   Alberta's government has worked with partners to plan the school. " * 2)
    cleaned = clean_text(raw)
    assert "\nJason Kenney, Premier\nAlberta's government" in cleaned


def test_cnw_marker_kept():
    assert clean_text("MONTRÉAL, le 25 sept. 2025 /CNW/ - Texte.") == "MONTRÉAL, le 25 sept. 2025 /CNW/ - Texte."


def test_stray_punctuation_lines_dropped():
    assert clean_text("Texte.\n\n.\n\n)\n\nSuite.") == "Texte.\n\nSuite."


def test_clean_title():
    assert clean_title("  <b>Les ministres</b>\u00a0Joly &amp; Solomon\n misent sur l’IA ") == "Les ministres Joly & Solomon misent sur l’IA"
    assert clean_title("# **Budget** 2025") == "Budget 2025"
    assert clean_title("") == ""


def test_repeated_tail_glued_to_next_paragraph_is_removed():
    first = "Le programme soutient les entreprises. Il a créé des emplois de grande qualité partout au pays."
    second = "des emplois de grande qualité partout au pays. Au 30 juin 2025, 627 projets étaient annoncés."
    assert clean_text(f"{first}\n\n{second}") == f"{first}\n\nAu 30 juin 2025, 627 projets étaient annoncés."


def test_clean_text_is_idempotent(seed_path):
    once = clean_text(seed_path.read_text(encoding="utf-8"))
    assert clean_text(once) == once
