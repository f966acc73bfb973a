"""HTML for the chat's messages: the question, the answer (streaming, then final), errors, the index line.

The Sources box is `ui.sources`; escaping and the answer's marks are `ui.markup`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from communique.assistant.models import Answer
from communique.ui.i18n import t
from communique.ui.markup import answer_markup, esc, lang_label
from communique.ui.sources import render_sources

if TYPE_CHECKING:
    from communique.index.retriever import IndexStats

__all__ = ["render_answer", "render_error", "render_sources", "render_stats", "render_status", "render_streaming",
           "render_user_message", "describe_filters"]


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
