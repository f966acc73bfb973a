"""The Sources box under an answer: each cited passage with its quote highlighted, then the
passages retrieved but not cited, folded; for a "not found" answer, the closest releases.

All text goes through `ui.markup.esc`; links only through `safe_url`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from communique.assistant.context import word_boundary
from communique.assistant.models import Answer, Citation, TranslationRef
from communique.index.models import Hit, Release
from communique.ui.i18n import t
from communique.ui.markup import esc, lang_label, safe_url

PASSAGE_CONTEXT_CHARS = 240  # shown on each side of a quote when the chunk is not at hand
SECONDARY_PASSAGE_CHARS = 360  # uncited passages are cut to this length
MAX_SECONDARY = 8  # uncited passages listed under an answer (the best-ranked ones)
MAX_CLOSEST = 5  # releases offered under a "not found" answer


@dataclass(frozen=True)
class Passage:
    """A window of release text with the quoted span inside it (offsets relative to `text`)."""

    text: str
    quote_start: int
    quote_end: int
    cut_before: bool
    cut_after: bool


def passage_for(citation: Citation, hits: Iterable[Hit], release: Release | None = None) -> Passage:
    """The passage to show for a citation: its chunk if that holds the quote, else the context the answer
    carries (read from the generation the answer was made from), else a window of `release`."""
    offset = citation.start - citation.context_start
    if citation.context and citation.context[offset : offset + len(citation.quote)] == citation.quote:
        return Passage(citation.context, offset, offset + len(citation.quote), citation.context_start > 0,
                       offset + len(citation.quote) < len(citation.context))
    for hit in hits:
        if hit.chunk_id == citation.chunk_id and hit.start <= citation.start and citation.end <= hit.end:
            offset = citation.start - hit.start
            if hit.text[offset : offset + len(citation.quote)] == citation.quote:
                return Passage(hit.text, offset, offset + len(citation.quote), hit.start > 0, False)
    if release is not None and release.text[citation.start : citation.end] == citation.quote:
        begin = word_boundary(release.text, max(0, citation.start - PASSAGE_CONTEXT_CHARS), backwards=True)
        end = word_boundary(release.text, min(len(release.text), citation.end + PASSAGE_CONTEXT_CHARS))
        return Passage(
            release.text[begin:end],
            citation.start - begin,
            citation.end - begin,
            begin > 0,
            end < len(release.text),
        )
    return Passage(citation.quote, 0, len(citation.quote), True, True)


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


def render_translations(hit: Hit, ui_lang: str, translations_of: TranslationsOf | None,
                        carried: dict[str, list[TranslationRef]] | None = None) -> str:
    """"also in: <title> (FR)" — each translation's own title, a link when its URL is a plain web link.
    The answer's own `translations` are used first; `translations_of` asks the index."""
    if not hit.translations:
        return ""
    refs = (carried or {}).get(hit.release_id)
    releases: list[Any] = list(refs) if refs else (translations_of(hit.release_id) if translations_of is not None else [])
    items = []
    for release in releases:
        label = f"{esc(release.title or _ref_id(release))} ({esc(lang_label(release.lang))})"
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


def _ref_id(release: Any) -> str:
    return str(getattr(release, "release_id", None) or getattr(release, "id", ""))


def render_hit(hit: Hit, ui_lang: str, translations_of: TranslationsOf | None = None,
               carried: dict[str, list[TranslationRef]] | None = None) -> str:
    """An uncited passage: same facts, smaller and greyed (see `.cq-secondary` in the CSS)."""
    text = hit.text
    cut = len(text) > SECONDARY_PASSAGE_CHARS
    if cut:
        text = text[: word_boundary(text, SECONDARY_PASSAGE_CHARS, backwards=True)]
    extra = render_translations(hit, ui_lang, translations_of, carried)
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
        body = "".join(render_hit(h, ui_lang, translations_of, answer.translations) for h in closest)
        return t(ui_lang, "closest_title", n=len(closest)), f'<div class="cq-sources cq-closest">{body}</div>'
    parts = ['<div class="cq-sources">']
    for citation in sorted(answer.citations, key=lambda c: c.n):
        release = None
        same_release = [h for h in answer.presented if h.release_id == citation.release_id]
        if release_of is not None and not citation.context and not any(
            h.chunk_id == citation.chunk_id and h.start <= citation.start and citation.end <= h.end
            for h in same_release
        ):
            release = release_of(citation.release_id)
        if citation.origin:
            origin = citation.origin
        elif same_release:
            origin = origin_of(citation.source, same_release[0].metadata)
        else:
            origin = origin_of(citation.source, release.metadata if release is not None else None)
        passage = passage_for(citation, answer.presented, release)
        parts.append(render_citation(citation, passage, ui_lang, origin))
    if others:
        parts.append(
            f'<details class="cq-others"><summary>{esc(t(ui_lang, "other_passages", n=len(others)))}</summary>'
            + "".join(render_hit(h, ui_lang, translations_of, answer.translations) for h in others)
            + "</details>"
        )
    parts.append("</div>")
    return t(ui_lang, "sources_title", n=len(answer.citations)), "".join(parts)
