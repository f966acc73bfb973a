"""The first words of an answer: the value asked for, a Yes/No, or a list — taken from the cited quotes.

Staff ask "how much", "where", "who", "which ministers": the answer opens with that value in bold
("**$1.64 for every $100 of insurable earnings** — …"), then the supporting quotes with their `[n]`.
The value is found inside a cited sentence (its offsets kept in `Lead`), written in the asker's
conventions when the source is in the other language; when no cited sentence holds it, the answer
opens with the quotes as before — never with a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from communique.assistant.convert import format_day, localize
from communique.assistant.models import Citation, Lead
from communique.assistant.organisations import organisations_in
from communique.assistant.quantities import asked_measure, asked_noun, years_in
from communique.assistant.text import fold, stem, tokenize
from communique.assistant.titles import asked_title
from communique.assistant.values import find_value, full_name, people_in
from communique.index.models import Release

VALUE_KINDS = ("amount", "count", "date", "place", "person", "duration", "who_said", "organisation")
_ANNOUNCED = re.compile(r"\b(?:announc\w*|annonc\w*|unveil\w*|dévoil\w*|released|publi\w*)\b", re.IGNORECASE)
_TODAY = re.compile(r"\b(?:today|aujourd['’]hui|this\s+week|cette\s+semaine)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Cited:
    """A citation with what shaping needs: the release it quotes and how well it scored."""

    citation: Citation
    release: Release
    score: float


def anchors(text: str, stems: frozenset[str]) -> tuple[int, ...]:
    """Positions in `text` of the words whose stems the question holds."""
    return tuple(m.start() for m in re.finditer(r"[^\W_][\w'’\-]*", text) if stem(fold(m.group())) in stems)


def lead_value(kind: str, question: str, cited: list[Cited], qlang: str, stems: frozenset[str]) -> Lead | None:
    """The value of `kind` in the best-scoring cited sentence that holds one."""
    if kind not in VALUE_KINDS:
        return None
    value_kind = "person" if kind == "who_said" else kind
    if kind == "duration" or re.search(r"\bhow\s+long\b|\bcombien\s+de\s+temps\b|\bpendant\s+combien\b", fold(question)):
        value_kind = "duration"
    noun = asked_noun(question) if value_kind == "count" else None
    if value_kind == "person" and _ORGANISATION.search(fold(question)):
        return None  # "which organizations …?": a person's name would be the wrong kind of answer
    if kind == "who_said":
        return speaker_lead(cited, fold(question))
    if kind in ("person", "organisation") and _DEPARTMENT.search(fold(question)):
        return _department(cited)
    in_question = fold(question)
    years = years_in(question)
    titles = asked_title(question) if value_kind == "person" else ()
    measure = asked_measure(question) if value_kind == "amount" else None
    ordered = sorted(cited, key=lambda c: -c.score)
    if value_kind == "organisation" and ordered:
        # a body named in another release is no answer: "which company got the contract?" is asked of one
        top = ordered[0].release
        ordered = [c for c in ordered if c.release.id == top.id or (top.pair_id and c.release.pair_id == top.pair_id)]
    for item in ordered:
        c = item.citation
        if value_kind == "date" and _ANNOUNCED.search(question) and item.release.date and (
            _TODAY.search(c.quote) or not find_value("date", c.quote, c.start)
        ):
            y, m, d = (int(x) for x in item.release.date.split("-"))
            shown = format_day(y, m, d, qlang)
            return Lead(kind="date", shown=shown, n=c.n, release_id=c.release_id, start=None, end=None, original=shown)
        lead_sentence = c.start <= 200
        value = find_value(value_kind, c.quote, c.start, anchors=anchors(c.quote, stems), lead=lead_sentence,
                           noun=noun, exclude=in_question, years=years, titles=titles, measure=measure)
        if value is None and value_kind == "duration" and _LENGTH.search(c.quote):
            # "how long will the lanes be?" asks for a length: "4.5 kilometres"
            value = find_value("count", c.quote, c.start, anchors=anchors(c.quote, stems), years=years)
        if value is None:
            continue
        shown = localize(value.shown, value_kind, c.lang, qlang)
        if value_kind == "person":
            shown = full_name(shown, item.release.text)
        return Lead(kind=value_kind, shown=shown, n=c.n, release_id=c.release_id, start=value.start, end=value.end,
                    original=value.text)
    return None


_LENGTH = re.compile(r"\d\s*(?:km|kilom[eè]tres?|kilometers?|m[eè]tres?|meters?|miles?)\b", re.IGNORECASE)

_ORGANISATION = re.compile(
    r"\b(?:organi[sz]ations?|compan(?:y|ies)|groups?|partners?|firms?|businesses|institutions?|organismes?|entreprises?|"
    r"societes?|groupes?|partenaires?|firmes?|institutions?)\b"
)

_DEPARTMENT = re.compile(r"\b(?:which|what|quel(?:le)?)\s+(?:federal\s+)?(?:department|ministry|agency|ministere|agence|organisme\s+federal)\b")


def _department(cited: list[Cited]) -> Lead | None:
    """"Which department announced …?": the record's own department field, from the best citation."""
    for item in sorted(cited, key=lambda c: -c.score):
        department = item.release.metadata.get("department") if isinstance(item.release.metadata, dict) else None
        if isinstance(department, str) and 2 <= len(department.strip()) <= 200:
            return Lead(kind="organisation", shown=department.strip(), n=item.citation.n,
                        release_id=item.citation.release_id, start=None, end=None, original=department.strip())
    return None


_SPEECH_VERB = re.compile(
    r"\b(?:said|says|stated|added|noted|explained|a\s+déclaré|a\s+dit|a\s+affirmé|a\s+souligné|a\s+ajouté|"
    r"a\s+indiqué|déclare|affirme|souligne|ajoute|indique|selon)\b", re.IGNORECASE)
QUOTE_OR_SPEECH = re.compile(_SPEECH_VERB.pattern + r"|[«“\"]", re.IGNORECASE)  # a sentence where someone speaks


def speaker_lead(cited: list[Cited], question_folded: str) -> Lead | None:
    """Who said the best-matching quote: a name beside the speech verb in the quote's own sentence
    ("…,” said Ravi Kahlon"), else the attribution line that follows it in the same release, else the
    record's `speaker` field. Never just any name in a cited sentence."""
    ordered = sorted(cited, key=lambda c: -c.score)
    if not ordered:
        return None
    best = ordered[0]
    following = sorted((c for c in cited if c.citation.release_id == best.citation.release_id
                        and c.citation.start > best.citation.start), key=lambda c: c.citation.start)
    def people(item: Cited) -> list[tuple[int, int, str]]:
        return [p for p in people_in(item.citation.quote) if fold(p[2]) not in question_folded]

    def lead(item: Cited, person: tuple[int, int, str]) -> Lead:
        c = item.citation
        a, b, name = person
        return Lead(kind="person", shown=full_name(name, item.release.text), n=c.n, release_id=c.release_id,
                    start=c.start + a, end=c.start + b, original=name)

    named = people(best)
    verb = _SPEECH_VERB.search(best.citation.quote)
    if named and verb:  # "…,” said Ravi Kahlon: the name nearest the verb
        return lead(best, min(named, key=lambda p: min(abs(p[0] - verb.start()), abs(p[1] - verb.end()))))
    if not named:  # a bare quote: “…,” said A, just before it, goes on in A's words
        before = _attribution_before(best, cited)
        if before is not None and people(before[0]):
            return lead(before[0], min(people(before[0]), key=lambda p: abs(p[0] - before[1])))
    if not named:  # … else its attribution line follows it
        for item in following[:1]:
            if people(item):
                return lead(item, people(item)[0])
    if named:
        return lead(best, named[0])
    speaker = _speaker(best)
    if speaker:
        return Lead(kind="person", shown=speaker, n=best.citation.n, release_id=best.citation.release_id, start=None,
                    end=None, original=speaker)
    return None


def _attribution_before(best: Cited, cited: list[Cited]) -> tuple[Cited, int] | None:
    """The cited sentence ending right where `best` starts that holds a speech verb, with the
    verb's end in it: “…,” said A. “<best>”."""
    for item in cited:
        c = item.citation
        if c.release_id != best.citation.release_id or c.end > best.citation.start:
            continue
        said = _SPEECH_VERB.search(c.quote)
        if said and not item.release.text[c.end:best.citation.start].strip() and best.citation.start - c.end <= 3:
            return item, said.end()
    return None


def _speaker(item: Cited) -> str | None:
    """The record's own `speaker` field, when the cited sentence is a quote (the corpus carries it)."""
    speaker = item.release.metadata.get("speaker") if isinstance(item.release.metadata, dict) else None
    if not isinstance(speaker, str) or not speaker.strip() or len(speaker) > 120:
        return None
    quote = item.citation.quote
    if not re.search(r"[«“\"]", quote) and not re.search(r"[«“\"]", item.release.text[max(0, item.citation.start - 300):item.citation.start]):
        return None
    return speaker.strip()


_QUOTED = re.compile(r"\b(?:quoted|cited|speak|spoke|said|cit[ée]s?|cit[ée]es|parl[ée]|dit)\b")


def quoted_list(question: str) -> bool:
    """"Which ministers are quoted in …?", « Quelles personnalités sont citées … ? »."""
    return bool(_QUOTED.search(fold(question)))


def speakers(cited: list[Cited], pool: list[Cited]) -> list[Lead]:
    """The people who speak in the best release: each attribution ("…,” said X" / "X, Minister of …, said")
    once, in the release's order, each cited to its own sentence."""
    if not cited:
        return []
    release_id = max(cited, key=lambda c: c.score).citation.release_id
    candidates = sorted((c for c in pool if c.citation.release_id == release_id), key=lambda c: c.citation.start)
    items: list[Lead] = []
    for item in candidates:
        quote = item.citation.quote
        if not (_SPEECH_VERB.search(quote) or re.search(r"[«“\"]", quote)):
            continue
        for a, b, name in people_in(quote)[:1]:
            if any(name in i.shown or i.shown in name for i in items):
                continue
            items.append(Lead(kind="person", shown=full_name(name, item.release.text), n=item.citation.n,
                              release_id=release_id, start=item.citation.start + a, end=item.citation.start + b,
                              original=name))
    return items if len(items) >= 2 else []


def list_items(question: str, cited: list[Cited], kind: str = "person") -> list[Lead]:
    """Every person (or body, for "which organizations …?") named in the best cited sentences."""
    items: list[Lead] = []
    seen: set[str] = set()
    for item in sorted(cited, key=lambda c: -c.score)[:2]:
        c = item.citation
        for a, b, name in (organisations_in(c.quote) if kind == "organisation" else people_in(c.quote)):
            if any(name in s or s in name for s in seen):
                continue
            seen.add(name)
            items.append(Lead(kind=kind, shown=name, n=c.n, release_id=c.release_id, start=c.start + a,
                              end=c.start + b, original=name))
    return items if len(items) >= 2 else []


_LIST_QUESTION = re.compile(
    r"\b(?:which|what|name\s+the|list\s+the|who\s+are\s+the)\s+(?:\w+\s+)?(?:ministers|officials|people|persons|mps|"
    r"members|premiers|speakers|leaders|organi[sz]ations|companies|groups|partners|communities|projects|"
    r"personalities|dignitaries|representatives|mayors|guests)\b"
    r"|\bquel(?:le)?s\s+(?:\w+\s+)?(?:ministres|personnes|personnalites|deputes|elus|elues|membres|organismes|organisations|"
    r"entreprises|partenaires|communautes|projets|intervenants|dignitaires|representants|maires|invites)\b"
    r"|\b(?:nommez|enumerez|citez)\b",
)


def wants_list(question: str) -> bool:
    return bool(_LIST_QUESTION.search(fold(question)))


# Yes/no questions open with an auxiliary ("Is …?", "Did …?", « Est-ce que … ? », « … baisse-t-il ? »).
_YES_NO = re.compile(
    r"^(?:(?:and|so|but|et|alors|mais)\s+)?(?:is|are|was|were|does|do|did|has|have|had|will|would|can|could|should|"
    r"est-ce\s+qu|est-ce\s+que)\b|^[^?]*\b\w+-t-(?:il|elle|ils|elles|on)\b|^[^?]*\b(?:a|ont|est|sont|va|vont)-(?:il|elle|ils|elles|on)\b"
)
_WH = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how|quel\w*|qui|quand|ou|pourquoi|comment|combien)\b")
_DOWN = ("down", "lower", "decrease", "reduc", "fall", "drop", "cut", "less", "baiss", "diminu", "inferieur", "moins", "recul")
_UP = ("up", "higher", "increase", "rise", "raise", "grow", "more", "hausse", "augment", "superieur", "plus", "accru")
_NEGATION = re.compile(r"\b(?:not|no|never|n't|none|ne|n['’]|pas|jamais|aucun\w*|non)\b", re.IGNORECASE)


def is_yes_no(question: str) -> bool:
    folded = fold(question).replace("’", "'").strip()
    return bool(_YES_NO.search(folded)) and not _WH.search(folded.split(",")[0][:40])


def yes_no(question: str, cited: list[Cited], qlang: str) -> Lead | None:
    """Yes/No when a cited sentence settles it: the direction asked (down/up) stated or contradicted,
    or the question's own words all present without a negation. Otherwise None (no Yes/No)."""
    words = [w for w in tokenize(question, keep_stopwords=True)]
    asked_down = any(w.startswith(_DOWN) for w in words)
    asked_up = any(w.startswith(_UP) for w in words) and not asked_down
    for item in sorted(cited, key=lambda c: -c.score):
        said = [w for w in tokenize(item.citation.quote, keep_stopwords=True)]
        says_down = any(w.startswith(_DOWN) for w in said if w not in ("more", "plus"))
        says_up = any(w.startswith(_UP) for w in said if w not in ("more", "plus", "up"))
        negated = bool(_NEGATION.search(item.citation.quote))
        answer: bool | None = None
        if asked_down or asked_up:
            if says_down != says_up:
                answer = (says_down == asked_down) != negated
        if answer is None:
            continue
        word = ("Oui" if answer else "Non") if qlang == "fr" else ("Yes" if answer else "No")
        return Lead(kind="yes" if answer else "no", shown=word, n=item.citation.n, release_id=item.citation.release_id,
                    start=None, end=None, original="")
    return None


_FORGED = re.compile(r"\[(\s*\d{1,4}\s*)\]")


def defuse(quote: str) -> str:
    """A quote as it may appear in an answer: its own "[2]" can never pass for a citation marker,
    nor its "**" for emphasis (the verbatim quote stays in `Citation.quote`)."""
    return _FORGED.sub("［\\1］", quote).replace("**", "∗∗")
