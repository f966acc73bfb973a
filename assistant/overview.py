"""Overview answers: "What did the government announce in July 2024?", « Quels avis ont été publiés en 2025 ? ».

Such a question asks for the releases of a period, not for one sentence: the answer is one line per
release, by date — its date, its title in the asker's language, the key figure of its opening sentence —
each line cited to that opening sentence.
"""
from __future__ import annotations

import re

from assistant.convert import localize
from assistant.extractive import release_coverage
from assistant.models import Answer, Citation, Draft, Lead, Source
from assistant.render import format_date
from assistant.shape import defuse
from assistant.text import QUESTION_WORDS, split_sentences, tokenize
from assistant.values import find_value
from index.models import Release

MAX_LINES = 10
# Words that name no topic in an overview question ("what did the government announce …").
_GENERIC = frozenset(
    """
    government gouvernement canada federal federale announce announced announcement announcements annonce annonces
    annoncer annonce annoncees annonces publie publies publiees publier published publish release releases released
    news nouvelles communique communiques notice notices avis statement statements declaration declarations
    minister ministre ministers ministres department ministere issued emis new nouveau nouvelles all tous toutes
    """.split()
)


def topic_words(draft: Draft) -> list[str]:
    return [t for t in tokenize(draft.question.retrieval_text) if t not in QUESTION_WORDS and t not in _GENERIC]


def wants_overview(draft: Draft) -> bool:
    """A period named as publication date, and no particular thing asked ("what", not "how much")."""
    q = draft.question
    return bool(q.dates_from_text and (q.date_from or q.date_to) and q.kind == "other" and len(topic_words(draft)) <= 3
                and not draft.widened)


def overview_answer(source: Source, draft: Draft, notice: str | None) -> Answer | None:
    """One cited line per release of the period (both language versions count once), by date."""
    q = draft.question
    topics = {t: 1.0 for t in topic_words(draft)}
    chosen: list[Release] = []
    seen: set[str] = set()
    for hit in draft.hits:
        release = draft.releases.get(hit.release_id)
        if release is None:
            continue
        key = release.pair_id or release.id
        if key in seen:
            continue
        if release.lang != q.lang:
            for tid in hit.translations:
                other = draft.releases.get(tid) or source.release(tid)
                if other is not None and other.lang == q.lang:
                    release = other
                    break
        if topics and release_coverage(release, _stems(topics)) < 0.5:
            continue
        seen.add(key)
        chosen.append(release)
    if not chosen:
        return None
    chosen.sort(key=lambda r: (r.date or "", r.title))
    lines: list[str] = []
    citations: list[Citation] = []
    items: list[Lead] = []
    for release in chosen[:MAX_LINES]:
        span = _opening_sentence(release)
        if span is None:
            continue
        a, b, quote = span
        chunk_id = next((c.id for c in source.chunks_of(release.id) if c.start <= a < c.end), None)
        if chunk_id is None:
            continue
        n = len(citations) + 1
        citations.append(Citation(n=n, release_id=release.id, chunk_id=chunk_id, title=release.title,
                                  date=release.date, url=release.url, lang=release.lang, quote=quote, start=a, end=b,
                                  source=release.source))
        figure = find_value("amount", quote, a)
        shown = localize(figure.shown, "amount", release.lang, q.lang) if figure else ""
        title = defuse(release.title or quote[:120])
        when = format_date(release.date, q.lang)
        lines.append(f"- **{when}** — {title}" + (f" ({defuse(shown)})" if shown and shown not in title else "")
                     + f" [{n}]")
        items.append(Lead(kind="release", shown=release.title, n=n, release_id=release.id, start=None, end=None,
                          original=release.title))
    if not lines:
        return None
    more = len(chosen) - MAX_LINES
    if more > 0:
        lines.append(f"- … (+{more})")
    return Answer(text="\n".join(lines), language=q.lang, abstained=False, citations=citations,
                  presented=list(draft.hits), notice=notice, question=q.text, resolved_question=draft.resolution.query,
                  items=items, form="overview")


def _stems(words: dict[str, float]) -> dict[str, float]:
    from assistant.text import stem

    return {stem(w): v for w, v in words.items()}


def _opening_sentence(release: Release) -> tuple[int, int, str] | None:
    """The first real sentence of the release (the title repeated as its first line is skipped)."""
    for span in split_sentences(release.text, 0, min(len(release.text), 3000)):
        if len(span.text) < 40 or span.text.strip() == release.title.strip() or re.fullmatch(r"[\d\s]+", span.text):
            continue
        return span.start, span.end, span.text
    return None
