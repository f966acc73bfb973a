import html
from html.parser import HTMLParser

from communique.assistant.models import Answer, Citation
from communique.index.models import Hit, Release
from communique.ui.markup import esc, safe_url
from communique.ui.render import render_answer, render_stats
from communique.ui.sources import passage_for, render_sources

PAYLOAD_TITLE = 'Budget <script>alert("t")</script> <img src=x onerror=alert(1)>'
TEXT = (
    "OTTAWA - Le ministre a annoncé 5 M$ pour le port. <img src=x onerror=alert(2)> Les travaux "
    "commenceront en mai 2025 à Halifax. La somme de $3 million and $$x$$ vient du fonds [1](javascript:alert(3))."
)


def _release() -> Release:
    return Release(id="r1", lang="fr", text=TEXT, title=PAYLOAD_TITLE, date="2025-03-01",
                   url="https://example.gc.ca/r1?a=1&b=2", source="Transports <b>Canada</b>")


def _hit(start: int, end: int, chunk_id: str = "c1", release_id: str = "r1", **kw) -> Hit:
    base = dict(chunk_id=chunk_id, release_id=release_id, text=TEXT[start:end], start=start, end=end,
                title=PAYLOAD_TITLE, date="2025-03-01", url="javascript:alert(4)", lang="fr", pair_id=None,
                source="Transports Canada")
    base.update(kw)
    return Hit(**base)


def _citation(quote: str, n: int = 1, chunk_id: str = "c1") -> Citation:
    start = TEXT.index(quote)
    return Citation(n=n, release_id="r1", chunk_id=chunk_id, title=PAYLOAD_TITLE, date="2025-03-01",
                    url="https://example.gc.ca/r1?a=1&b=2", lang="fr", quote=quote, start=start,
                    end=start + len(quote), source="Transports Canada")


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.extend((k, v or "") for k, v in attrs)


def _no_live_markup(fragment: str) -> None:
    """Parsed as a browser would: only our own tags, no event handlers, no script links."""
    parser = _Markup()
    parser.feed(fragment)
    assert parser.tags <= {"div", "span", "mark", "a", "br", "details", "summary"}, parser.tags
    assert not [k for k, _ in parser.attrs if k.startswith("on")]
    assert not [v for k, v in parser.attrs if k == "href" and not v.startswith("https://")]


def test_escape_turns_markup_into_text_and_newlines_into_breaks():
    assert esc('<b a="1">x</b>\ny') == "&lt;b a=&quot;1&quot;&gt;x&lt;/b&gt;<br>y"
    assert esc(None) == ""


def test_only_http_links_are_links():
    assert safe_url("https://x.ca/a?b=1") == "https://x.ca/a?b=1"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert safe_url('https://x.ca/" onmouseover="alert(1)') is None
    assert safe_url("") is None


def test_answer_markers_are_highlighted_and_text_escaped():
    quote = "Les travaux commenceront en mai 2025 à Halifax."
    answer = Answer(text="Les travaux <i>commenceront</i> en mai 2025 [1]. Voir [7].", language="fr",
                    abstained=False, citations=[_citation(quote)])
    out = render_answer(answer, "fr")
    assert '<span class="cq-cite" title="' in out and ">[1]</span>" in out
    assert "[7]" in out and ">[7]</span>" not in out  # a bracket that is not a citation stays text
    assert "&lt;i&gt;commenceront&lt;/i&gt;" in out
    _no_live_markup(out)
    assert "\n" not in out


def test_abstained_answer_says_not_found_and_lists_closest_releases_once():
    hits = [_hit(0, 50, "c1"), _hit(51, 120, "c2"), _hit(0, 50, "c3", release_id="r2", title="Autre")]
    answer = Answer(text="Les communiqués ne le disent pas.", language="fr", abstained=True, presented=hits)
    assert "Introuvable dans les communiqués" in render_answer(answer, "fr")
    # The badge speaks the answer's language, as the sentence under it does, whatever the interface's.
    assert "Introuvable dans les communiqués" in render_answer(answer, "en")
    english = Answer(text="The releases do not say.", language="en", abstained=True, presented=hits)
    assert "Not found in the announcements" in render_answer(english, "fr")
    title, body = render_sources(answer, "en")
    assert title == "Closest releases (2)"
    assert body.count('class="cq-src cq-secondary"') == 2
    _no_live_markup(body)


def test_sources_show_cited_passages_with_the_quote_marked_and_uncited_ones_secondary():
    quote = "Les travaux commenceront en mai 2025 à Halifax."
    start = TEXT.index("Les travaux")
    cited = _hit(start, len(TEXT), "c1")
    other = _hit(0, start - 1, "c2")
    answer = Answer(text=f"{quote} [1]", language="fr", abstained=False,
                    citations=[_citation(quote)], presented=[cited, other])
    title, body = render_sources(answer, "fr")
    assert title == "Sources (1)"
    primary, _, secondary = body.partition('<details class="cq-others">')
    assert f'<mark class="cq-quote">{html.escape(quote)}</mark>' in primary
    assert "2025-03-01" in primary and ">FR<" in primary
    assert 'href="https://example.gc.ca/r1?a=1&amp;b=2"' in primary
    assert 'rel="noopener noreferrer nofollow"' in primary
    assert "Autres passages consultés (1)" in secondary and "cq-secondary" in secondary
    assert "cq-secondary" not in primary
    # the payloads are there, as text
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in primary
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    assert "$$x$$" in body  # shown as is; the Chatbot has LaTeX off
    _no_live_markup(body)
    assert "\n" not in body


def test_passage_comes_from_the_release_when_no_presented_chunk_holds_the_quote():
    quote = "La somme de $3 million"
    citation = _citation(quote, chunk_id="elsewhere")
    passage = passage_for(citation, [], _release())
    assert passage.text == TEXT and not passage.cut_before and not passage.cut_after  # short: all of it
    assert passage.text[passage.quote_start:passage.quote_end] == quote
    long = _release()
    long.text = "Mot " * 400 + TEXT + " fin" * 400
    citation.start, citation.end = citation.start + 1600, citation.end + 1600
    passage = passage_for(citation, [], long)
    assert passage.text[passage.quote_start:passage.quote_end] == quote
    assert passage.cut_before and passage.cut_after and len(passage.text) < 600
    fetched = []
    answer = Answer(text="x [1]", language="fr", abstained=False, citations=[citation])
    _, body = render_sources(answer, "en", lambda rid: fetched.append(rid) or _release())
    assert fetched == ["r1"]
    assert f'<mark class="cq-quote">{html.escape(quote)}</mark>' in body


def test_a_quote_that_does_not_match_the_release_is_shown_alone():
    citation = _citation("Les travaux commenceront")
    citation.quote = "something else"
    passage = passage_for(citation, [], _release())
    assert passage.text == "something else"


def test_stats_line_lists_counts_by_language_and_is_escaped():
    class Stats:
        releases, chunks = 12, 40
        releases_by_lang = {"fr": 6, "en": 6}
        chunks_by_lang = {"fr": 21, "en": 19}
        embedder = "use<script>"
        last_ingest = "2025-11-27T21:40:00+00:00"

    out = render_stats(Stats(), "en")
    assert "12 releases (EN 6, FR 6)" in out and "40 passages (EN 19, FR 21)" in out
    assert "2025-11-27 21:40:00" in out and "use&lt;script&gt;" in out
    assert "12 communiqués" in render_stats(Stats(), "fr")


def test_meta_line_names_the_department_when_known_else_a_short_source():
    from communique.ui.sources import origin_of

    assert origin_of("releases.jsonl", {"department": "Health Canada"}) == "Health Canada"
    assert origin_of("releases.jsonl", {}) == "releases.jsonl"
    long = "samples (written by Communiqué from the facts of https://www.canada.ca/" + "x" * 200 + ")"
    assert len(origin_of(long, None)) == 90 and origin_of(long, None).endswith("…")
    quote = "Les travaux commenceront en mai 2025 à Halifax."
    start = TEXT.index("Les travaux")
    hit = _hit(start, len(TEXT), "c1", metadata={"department": "Transports <i>Canada</i>"})
    answer = Answer(text=f"{quote} [1]", language="fr", abstained=False, citations=[_citation(quote)], presented=[hit])
    _, body = render_sources(answer, "en")
    assert '<span class="cq-source">Transports &lt;i&gt;Canada&lt;/i&gt;</span>' in body


def test_the_assistants_value_and_list_marks_are_shaped_and_nothing_else():
    from communique.ui.markup import answer_markup

    text = "**$74 million** — The harbours get it [1].\n\n- **Halifax** [1]\n- **Digby** [2]\n<b>not markup</b> **"
    html = answer_markup(text, {1: "Harbours **bold title**", 2: "Two"})
    assert html.startswith("<strong>$74 million</strong> — The harbours")
    assert '<ul class="cq-items"><li><strong>Halifax</strong> <span class="cq-cite" title="Harbours **bold title**">[1]</span></li>' in html
    assert "&lt;b&gt;not markup&lt;/b&gt; **" in html and "<b>" not in html
    assert html.count("<strong>") == 3


def test_sources_come_from_the_answer_itself_not_a_later_index_read():
    """The passage around a quote and the translations' titles travel with the answer (the generation
    it was made from): rendering needs no index."""
    from communique.assistant.models import TranslationRef

    quote = "La somme de $3 million"
    citation = _citation(quote, chunk_id="elsewhere")
    citation.context, citation.context_start, citation.origin = TEXT, 0, "Ministère des Tests"
    hit = Hit(chunk_id="h2", release_id="r2", text="Autre passage", start=0, end=13, title="Autre", date=None,
              url="", lang="fr", pair_id="p2", translations=["r2-en"])
    answer = Answer(text="x [1]", language="fr", abstained=False, citations=[citation], presented=[hit],
                    translations={"r2": [TranslationRef("r2-en", "en", "Other release", "https://example.org/r2")]})
    _, body = render_sources(answer, "en")
    assert f'<mark class="cq-quote">{html.escape(quote)}</mark>' in body
    assert "Ministère des Tests" in body and "Other release (EN)" in body
