"""HTML for the chat: answers with citation markers, the Sources box, errors, the index line.

Everything that comes from a release (title, passage, source, URL) or a user is untrusted:
it is passed through `html.escape` here, before it is put into markup, and the Chatbot is
configured with markdown and LaTeX off so nothing in the text is interpreted a second time.
Gradio's sanitizer stays on as a second wall, never the only one.

The Chatbot shows its messages with `white-space: pre-wrap`, so the markup below is built
without newlines of its own; newlines in the text become `<br>`.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable

from assistant.models import Answer, Citation
from index.models import Hit, Release
from ui.i18n import t

if TYPE_CHECKING:
    from index.retriever import IndexStats

PASSAGE_CONTEXT_CHARS = 240  # shown on each side of a quote when the chunk is not at hand
SECONDARY_PASSAGE_CHARS = 360  # uncited passages are cut to this length
MAX_SECONDARY = 8  # uncited passages listed under an answer (the best-ranked ones)
MAX_CLOSEST = 5  # releases offered under a "not found" answer
_MARKER = re.compile(r"\[(\d{1,3})\]")


def esc(text: object) -> str:
    """Escape for HTML text and attribute values; newlines become line breaks."""
    return html.escape("" if text is None else str(text), quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link, else None: no `javascript:` or `data:` links."""
    if not url:
        return None
    candidate = url.strip()
    if re.match(r"^https?://[^\s<>\"']+$", candidate, re.IGNORECASE):
        return candidate
    return None


def lang_label(lang: str | None) -> str:
    return (lang or "?").upper()


def render_user_message(question: str) -> str:
    return f'<div class="cq-question">{esc(question)}</div>'


def render_streaming(text: str, ui_lang: str) -> str:
    """The answer while it streams in: plain escaped text, or a waiting line before the first piece."""
    if not text:
        return f'<div class="cq-answer cq-pending">{esc(t(ui_lang, "thinking"))}</div>'
    return f'<div class="cq-answer cq-pending">{answer_markup(text, {})}</div>'


def render_answer(answer: Answer, ui_lang: str, filters: dict[str, str] | None = None) -> str:
    """The final answer: markers `[n]` made visible, a "not found" badge, the notice and filters if any."""
    titles = {c.n: c.title for c in answer.citations}
    parts = ['<div class="cq-answer">']
    if answer.abstained:  # in the answer's language, like the sentence under it
        parts.append(f'<div class="cq-badge cq-notfound">{esc(t(answer.language or ui_lang, "not_found"))}</div>')
    parts.append(f'<div class="cq-answer-text">{answer_markup(answer.text, titles)}</div>')
    if answer.notice:
        parts.append(f'<div class="cq-notice">{esc(answer.notice)}</div>')
    if filters:
        parts.append(f'<div class="cq-notice cq-filters-note">{esc(describe_filters(filters, ui_lang))}</div>')
    parts.append("</div>")
    return "".join(parts)


def describe_filters(filters: dict[str, str], ui_lang: str) -> str:
    """"Active filters: FR · 2024-01-01 → 2024-06-30 · Health Canada" — so a narrowed answer says so."""
    items = []
    if filters.get("source_lang"):
        items.append(t(ui_lang, f"lang_{filters['source_lang']}") if filters["source_lang"] in ("fr", "en")
                     else filters["source_lang"])
    if filters.get("date_from") or filters.get("date_to"):
        items.append(f"{filters.get('date_from') or '…'} → {filters.get('date_to') or '…'}")
    if filters.get("department"):
        items.append(filters["department"])
    return t(ui_lang, "filters_active", filters=" · ".join(items))


_BOLD = re.compile(r"\*\*([^*\n]{1,400}?)\*\*")  # bounded and single-line: linear on any text


def answer_markup(text: str, titles: dict[int, str]) -> str:
    """The assistant's answer text as HTML: escaped, `[n]` marked, its `**value**` bold, `- item` lines a list.

    Those two marks are the assistant's own: it turns any `**` inside quoted release text into
    `∗∗` and any bracketed number into `［n］`, so only what it wrote itself is shaped here.
    """
    html_lines: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            html_lines.append('<ul class="cq-items">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for line in (text or "").replace("\r\n", "\n").split("\n"):
        shaped = _mark_citations(_BOLD.sub(r"<strong>\1</strong>", esc(line)), titles)  # bold first: titles go in attributes
        if line.startswith("- "):
            items.append(shaped[2:])
            continue
        flush()
        html_lines.append(shaped)
    flush()
    out = ""
    for i, chunk in enumerate(html_lines):
        if i and not chunk.startswith("<ul") and not html_lines[i - 1].startswith("<ul"):
            out += "<br>"
        out += chunk
    return out


def _mark_citations(escaped_text: str, titles: dict[int, str]) -> str:
    """Wrap `[n]` in a span; runs on already-escaped text, where brackets and digits are unchanged."""

    def wrap(match: re.Match[str]) -> str:
        n = int(match.group(1))
        title = titles.get(n)
        if titles and title is None:
            return match.group(0)
        tip = f' title="{esc(title)}"' if title else ""
        return f'<span class="cq-cite"{tip}>[{n}]</span>'

    return _MARKER.sub(wrap, escaped_text)


@dataclass(frozen=True)
class Passage:
    """A window of release text with the quoted span inside it (offsets relative to `text`)."""

    text: str
    quote_start: int
    quote_end: int
    cut_before: bool
    cut_after: bool


def passage_for(citation: Citation, hits: Iterable[Hit], release: Release | None) -> Passage:
    """The passage to show for a citation: its chunk if that holds the quote, else a window of the release."""
    for hit in hits:
        if hit.chunk_id == citation.chunk_id and hit.start <= citation.start and citation.end <= hit.end:
            offset = citation.start - hit.start
            if hit.text[offset : offset + len(citation.quote)] == citation.quote:
                return Passage(hit.text, offset, offset + len(citation.quote), hit.start > 0, False)
    if release is not None and release.text[citation.start : citation.end] == citation.quote:
        begin = _word_boundary(release.text, max(0, citation.start - PASSAGE_CONTEXT_CHARS), backwards=True)
        end = _word_boundary(release.text, min(len(release.text), citation.end + PASSAGE_CONTEXT_CHARS))
        return Passage(
            release.text[begin:end],
            citation.start - begin,
            citation.end - begin,
            begin > 0,
            end < len(release.text),
        )
    return Passage(citation.quote, 0, len(citation.quote), True, True)


def _word_boundary(text: str, position: int, *, backwards: bool = False) -> int:
    """Move `position` to the nearest whitespace so a window does not cut a word (at most 30 chars)."""
    step = -1 if backwards else 1
    limit = 30
    while 0 < position < len(text) and not text[position].isspace() and limit:
        position += step
        limit -= 1
    return position


def render_passage(passage: Passage) -> str:
    before = passage.text[: passage.quote_start]
    quote = passage.text[passage.quote_start : passage.quote_end]
    after = passage.text[passage.quote_end :]
    return (
        '<div class="cq-passage">'
        + ("… " if passage.cut_before else "")
        + esc(before)
        + f'<mark class="cq-quote">{esc(quote)}</mark>'
        + esc(after)
        + (" …" if passage.cut_after else "")
        + "</div>"
    )


SOURCE_CHARS = 90  # a long free-text source (an attribution note) is cut in the meta line


def origin_of(source: str, metadata: dict[str, Any] | None) -> str:
    """Who issued the release: the department when the record names one, else its source."""
    meta = metadata or {}
    for key in ("department", "ministere", "organization", "dcterms.creator"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    source = (source or "").strip()
    return source if len(source) <= SOURCE_CHARS else source[: SOURCE_CHARS - 1] + "…"


def _meta_line(*, date: str | None, source: str, lang: str, url: str | None, ui_lang: str) -> str:
    items = [esc(date) if date else esc(t(ui_lang, "no_date"))]
    if source:
        items.append(f'<span class="cq-source">{esc(source)}</span>')
    items.append(f'<span class="cq-lang">{esc(lang_label(lang))}</span>')
    link = safe_url(url)
    if link:
        items.append(
            f'<a class="cq-link" href="{html.escape(link, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer nofollow">{esc(t(ui_lang, "open_original"))} ↗</a>'
        )
    elif url:
        items.append(f'<span class="cq-url">{esc(url)}</span>')
    return '<div class="cq-meta">' + " · ".join(items) + "</div>"


def render_citation(citation: Citation, passage: Passage, ui_lang: str, origin: str | None = None) -> str:
    source = origin if origin is not None else origin_of(citation.source, None)
    return (
        f'<div class="cq-src" data-release="{esc(citation.release_id)}">'
        f'<div class="cq-src-head"><span class="cq-cite">[{citation.n}]</span> '
        f'<span class="cq-title">{esc(citation.title or citation.release_id)}</span></div>'
        + _meta_line(date=citation.date, source=source, lang=citation.lang, url=citation.url, ui_lang=ui_lang)
        + render_passage(passage)
        + "</div>"
    )


TranslationsOf = Callable[[str], list[Release]]


def render_translations(hit: Hit, ui_lang: str, translations_of: TranslationsOf | None) -> str:
    """"also in: <title> (FR)" — each translation's own title, a link when its URL is a plain web link."""
    if not hit.translations:
        return ""
    releases = translations_of(hit.release_id) if translations_of is not None else []
    items = []
    for release in releases:
        label = f"{esc(release.title or release.id)} ({esc(lang_label(release.lang))})"
        link = safe_url(release.url)
        if link:
            items.append(f'<a class="cq-translation" href="{html.escape(link, quote=True)}" target="_blank" '
                         f'rel="noopener noreferrer nofollow" lang="{esc(release.lang)}">{label}</a>')
        else:
            items.append(f'<span class="cq-translation" lang="{esc(release.lang)}">{label}</span>')
    if not items:  # the index could not say which: nothing rather than raw ids
        return ""
    prefix, _, suffix = t(ui_lang, "translation_of", langs="\x00").partition("\x00")
    return f'<div class="cq-meta cq-also">{esc(prefix)}{", ".join(items)}{esc(suffix)}</div>'


def render_hit(hit: Hit, ui_lang: str, translations_of: TranslationsOf | None = None) -> str:
    """An uncited passage: same facts, smaller and greyed (see `.cq-secondary` in the CSS)."""
    text = hit.text
    cut = len(text) > SECONDARY_PASSAGE_CHARS
    if cut:
        text = text[: _word_boundary(text, SECONDARY_PASSAGE_CHARS, backwards=True)]
    extra = render_translations(hit, ui_lang, translations_of)
    return (
        f'<div class="cq-src cq-secondary" data-release="{esc(hit.release_id)}">'
        f'<div class="cq-src-head"><span class="cq-title">{esc(hit.title or hit.release_id)}</span></div>'
        + _meta_line(date=hit.date, source=origin_of(hit.source, hit.metadata), lang=hit.lang, url=hit.url,
                     ui_lang=ui_lang)
        + f'<div class="cq-passage">{esc(text)}{" …" if cut else ""}</div>'
        + extra
        + "</div>"
    )


def render_sources(
    answer: Answer, ui_lang: str, release_of: Callable[[str], Release | None] | None = None,
    translations_of: TranslationsOf | None = None,
) -> tuple[str, str] | None:
    """(box title, HTML) for the Sources box under an answer, or None when there is nothing to show.

    Cited releases come first with their highlighted passage; passages that were retrieved
    but not cited follow in a closed, greyed section. For a "not found" answer the closest
    releases are the content of the box, each shown once.
    """
    cited_chunks = {c.chunk_id for c in answer.citations}
    uncited = [h for h in answer.presented if h.chunk_id not in cited_chunks]
    others = uncited[:MAX_SECONDARY]
    if answer.abstained or not answer.citations:
        closest: list[Hit] = []
        seen: set[str] = set()
        for hit in uncited:
            if len(closest) == MAX_CLOSEST:
                break
            if hit.release_id not in seen:
                seen.add(hit.release_id)
                closest.append(hit)
        if not closest:
            return None
        body = "".join(render_hit(h, ui_lang, translations_of) for h in closest)
        return t(ui_lang, "closest_title", n=len(closest)), f'<div class="cq-sources cq-closest">{body}</div>'
    parts = ['<div class="cq-sources">']
    for citation in sorted(answer.citations, key=lambda c: c.n):
        release = None
        same_release = [h for h in answer.presented if h.release_id == citation.release_id]
        if release_of is not None and not any(
            h.chunk_id == citation.chunk_id and h.start <= citation.start and citation.end <= h.end
            for h in same_release
        ):
            release = release_of(citation.release_id)
        if same_release:
            origin = origin_of(citation.source, same_release[0].metadata)
        else:
            origin = origin_of(citation.source, release.metadata if release is not None else None)
        passage = passage_for(citation, answer.presented, release)
        parts.append(render_citation(citation, passage, ui_lang, origin))
    if others:
        parts.append(
            f'<details class="cq-others"><summary>{esc(t(ui_lang, "other_passages", n=len(others)))}</summary>'
            + "".join(render_hit(h, ui_lang, translations_of) for h in others)
            + "</details>"
        )
    parts.append("</div>")
    return t(ui_lang, "sources_title", n=len(answer.citations)), "".join(parts)


def render_error(message: str) -> str:
    return f'<div class="cq-error" role="alert">⚠ {esc(message)}</div>'


def _by_lang(counts: dict[str, int] | None) -> str:
    if not counts:
        return "–"
    return ", ".join(f"{lang_label(k)} {v}" for k, v in sorted(counts.items()))


def render_stats(stats: IndexStats, ui_lang: str) -> str:
    """The header line about the index: counts by language, embedder, last ingest."""
    last = stats.last_ingest or t(ui_lang, "never")
    line = t(
        ui_lang,
        "stats",
        releases=stats.releases,
        releases_by_lang=_by_lang(stats.releases_by_lang),
        chunks=stats.chunks,
        chunks_by_lang=_by_lang(stats.chunks_by_lang),
        embedder=stats.embedder,
        last_ingest=str(last)[:19].replace("T", " "),
    )
    return f'<div class="cq-stats">{esc(line)}</div>'


def render_status(message: str, *, problem: bool) -> str:
    css = "cq-stats cq-stats-problem" if problem else "cq-stats"
    return f'<div class="{css}">{esc(message)}</div>'
