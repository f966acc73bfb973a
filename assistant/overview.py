"""Overview answers: "What did the government announce in July 2024?", « Quels avis ont été publiés en 2025 ? ».

Such a question asks for the releases of a period, not for one sentence: the answer is one line per
release, by date — its date, its title in the asker's language, the key figure of its opening sentence —
each line cited to that opening sentence.
"""
from __future__ import annotations

import re

from communique.assistant.convert import localize
from communique.assistant.models import Answer, Citation, Draft, Lead, Source
from communique.assistant.render import format_date
from communique.assistant.shape import defuse
from communique.assistant.text import QUESTION_WORDS, split_sentences, tokenize
from communique.assistant.values import find_value
from communique.assistant.wordindex import release_coverage
from communique.index.models import Release

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
    chosen = releases_of_period(source, draft)
    lines: list[str] = []
    citations: list[Citation] = []
    items: list[Lead] = []
    for release in chosen[:MAX_LINES]:
        citation = _opening_citation(source, release, len(citations) + 1)
        if citation is None:
            continue
        citations.append(citation)
        figure = find_value("amount", citation.quote, citation.start)
        shown = localize(figure.shown, "amount", release.lang, q.lang) if figure else ""
        title = defuse(release.title or citation.quote[:120])
        when = format_date(release.date, q.lang)
        lines.append(f"- **{when}** — {title}" + (f" ({defuse(shown)})" if shown and shown not in title else "")
                     + f" [{citation.n}]")
        items.append(Lead(kind="release", shown=release.title, n=citation.n, release_id=release.id, start=None,
                          end=None, original=release.title))
    if not lines:
        return None
    if len(chosen) > MAX_LINES:
        lines.append(f"- … (+{len(chosen) - MAX_LINES})")
    return Answer(text="\n".join(lines), language=q.lang, abstained=False, citations=citations,
                  presented=list(draft.hits), notice=notice, question=q.text, resolved_question=draft.resolution.query,
                  items=items, form="overview")


def releases_of_period(source: Source, draft: Draft) -> list[Release]:
    """The releases retrieved for the period, one per announcement (in the asker's language when a
    translation exists), about the question's topic words if it has any, by date."""
    q = draft.question
    topics = _stems({t: 1.0 for t in topic_words(draft)})
    chosen: list[Release] = []
    seen: set[str] = set()
    for hit in draft.hits:
        release = draft.releases.get(hit.release_id)
        if release is None or (release.pair_id or release.id) in seen:
            continue
        if release.lang != q.lang:
            release = next((r for r in (draft.releases.get(t) or source.release(t) for t in hit.translations)
                            if r is not None and r.lang == q.lang), release)
        if topics and release_coverage(release, topics) < 0.5:
            continue
        seen.add(release.pair_id or release.id)
        chosen.append(release)
    return sorted(chosen, key=lambda r: (r.date or "", r.title))


def _opening_citation(source: Source, release: Release, n: int) -> Citation | None:
    span = _opening_sentence(release)
    if span is None:
        return None
    a, b, quote = span
    chunk_id = next((c.id for c in source.chunks_of(release.id) if c.start <= a < c.end), None)
    if chunk_id is None:
        return None
    return Citation(n=n, release_id=release.id, chunk_id=chunk_id, title=release.title, date=release.date,
                    url=release.url, lang=release.lang, quote=quote, start=a, end=b, source=release.source)


def _stems(words: dict[str, float]) -> dict[str, float]:
    from communique.assistant.text import stem

    return {stem(w): v for w, v in words.items()}


def _opening_sentence(release: Release) -> tuple[int, int, str] | None:
    """The first real sentence of the release (the title repeated as its first line is skipped)."""
    for span in split_sentences(release.text, 0, min(len(release.text), 3000)):
        if len(span.text) < 40 or span.text.strip() == release.title.strip() or re.fullmatch(r"[\d\s]+", span.text):
            continue
        return span.start, span.end, span.text
    return None
