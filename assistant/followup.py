"""Resolve elliptical follow-up questions against the conversation, without an LLM.

"And how much funding?" or « Et où ? » say nothing about their subject: it is in the previous
user turn (and often in the names the last answer gave). A question is treated as a follow-up
from its *form* — it opens with a connector ("and", « et », "what about"), leans on a pronoun
while naming nothing itself, or has almost no topic words — never from a list of examples.
The retrieval query is then the question plus the subject words carried from the conversation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from communique.assistant.question import Question, analyse
from communique.assistant.text import QUESTION_WORDS, fold, tokenize
from communique.index.calendar import MONTH_NAMES, MONTH_NUMBERS
from communique.index.text import STOPWORDS

_CONNECTOR = re.compile(
    r"^(?:and|also|plus|but|or|then|so|now|what\s+about|how\s+about|and\s+what\s+about|same\s+(?:for|question)|"
    r"et|aussi|mais|ou|puis|ensuite|alors|donc|quid\s+de|et\s+pour|et\s+quant\s+a|quant\s+a|pareil\s+pour|"
    r"meme\s+question|et\s+pour\s+ce\s+qui\s+est\s+de)\b"
)
_PRONOUN = re.compile(
    r"\b(?:it|its|they|them|their|theirs|this|that|these|those|he|she|him|her|his|hers|there|"
    r"il|elle|ils|elles|lui|leur|leurs|cela|ca|celui|celle|ceux|celles|la-bas|ce\s+(?:programme|projet|fonds|"
    r"ministre|communique|evenement|financement)|cette\s+\w+|ces\s+\w+|cet\s+\w+)\b"
    r"|\bl'(?:a|ont|avait|aura)\b|\bles\s+(?:a|ont)\b|\by\s+(?:a-t-il\s+)?(?:aller|aura|sera|etait|participer|participe)\b"
)
_PERSONAL = re.compile(r"\b(?:he|she|him|her|his|hers|il|elle|lui)\b|-t-(?:il|elle)\b")
# Words that make a name look like a name but are not one when they open a sentence.
_COMMON_OPENERS = frozenset(
    "the a an this that these those it he she they we i in on at for and but or so what who where when how "
    "why which le la les un une des ce cette ces il elle ils elles nous en au aux et mais ou donc dans pour "
    "selon the cette".split()
)
# Calendar words that cannot be names even when capitalised: English months and days are always written
# with a capital; French ones are not, so a capitalised « Mars » or « Mai » mid-sentence is a name (the planet).
_FRENCH_ONLY = frozenset(fold(m) for m in MONTH_NAMES["fr"]) - frozenset(fold(m) for m in MONTH_NAMES["en"])
_CALENDAR = (frozenset(MONTH_NUMBERS) - _FRENCH_ONLY) | frozenset(
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_NAME = re.compile(
    r"(?:[A-ZÀ-ÖØ-Þ][\w’'\-]*|[A-Z]{2,})(?:\s+(?:(?:of|the|de|du|des|la|le|et|and|for|pour|d['’]|l['’])\s+)?"
    r"(?:[A-ZÀ-ÖØ-Þ][\w’'\-]*|[A-Z]{2,}|\d{4}))*"
)


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    text: str


@dataclass(frozen=True)
class Resolution:
    """How a question reads once the conversation is taken into account."""

    question: Question  # the analysed question (kind/dates possibly inherited)
    query: str  # text to retrieve with
    is_followup: bool
    focus_words: tuple[str, ...]  # topic words of the question itself
    carried_words: tuple[str, ...] = field(default=())  # topic words brought in from history
    names: tuple[str, ...] = field(default=())  # proper names the question is about (own + carried)


def normalise_history(history: Iterable[Any] | None) -> list[Turn]:
    """Accept chat messages ({"role", "content"}), (user, assistant) pairs, or Answer objects."""
    turns: list[Turn] = []
    for item in history or []:
        if isinstance(item, Turn):
            turns.append(item)
        elif isinstance(item, dict):
            role = str(item.get("role", "user"))
            turns.append(Turn("assistant" if role in ("assistant", "bot", "ai") else "user", _content(item.get("content"))))
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            user, bot = item
            if user:
                turns.append(Turn("user", _content(user)))
            if bot:
                turns.append(Turn("assistant", _content(bot)))
        elif hasattr(item, "text") and hasattr(item, "citations"):  # an Answer
            turns.append(Turn("assistant", str(item.text)))
        elif isinstance(item, str):
            turns.append(Turn("user", item))
    return [t for t in turns if t.text.strip()]


def _content(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("text") or value.get("content") or "")
    if isinstance(value, (list, tuple)):
        return " ".join(_content(v) for v in value)
    return str(value)


def names_in(text: str, limit: int = 4) -> list[str]:
    """Proper names and acronyms (capitalised runs), skipping capitalised sentence openers."""
    found: list[str] = []
    for match in _NAME.finditer(text):
        words = match.group().strip(" ’'-").split()
        at_start = match.start() == 0 or bool(
            re.search(r"[.!?«»:\"“\n]\s*$", text[max(0, match.start() - 3) : match.start()])
        )
        stripped = False
        while at_start and words and (fold(words[0]) in _COMMON_OPENERS or fold(words[0]) in QUESTION_WORDS
                                      or fold(words[0]) in STOPWORDS):
            words, stripped = words[1:], True
        while words and (words[0][0].islower() or words[0][0] in "’'"):
            words = words[1:]  # connectors left at the front ("pour Jasper")
        while words and words[-1][0].islower():
            words = words[:-1]
        if not words:
            continue
        name = " ".join(words)
        if all(fold(w).rstrip(".,") in _CALENDAR or w[:1].isdigit() for w in words):
            continue  # "July", "Monday": dates, not subjects
        if at_start and not stripped and len(words) == 1 and not name.isupper():
            continue  # a capitalised first word is usually just a sentence opener
        if len(name) < 2 or fold(name) in _COMMON_OPENERS or fold(name) in QUESTION_WORDS:
            continue
        if name not in found:
            found.append(name)
        if len(found) >= limit:
            break
    return found


def _topic_words(text: str) -> list[str]:
    words = [t for t in tokenize(text) if t not in QUESTION_WORDS]
    return list(dict.fromkeys(words))


def looks_like_followup(question: Question) -> bool:
    """From the form of the question alone: connector, bare pronoun, or (almost) no topic."""
    folded = fold(question.text).replace("’", "'").strip(" ¿¡\"'«»“”")
    own_names = names_in(question.text)
    topic = _topic_words(question.retrieval_text)
    if _CONNECTOR.match(folded) and len(topic) <= 4:
        return True
    if _PRONOUN.search(folded) and not own_names and len(topic) <= 4:
        return True
    if _PERSONAL.search(folded) and len(topic) <= 4:
        return True
    return len(topic) <= 1 and not own_names


def resolve(question: Question, history: Iterable[Any] | None) -> Resolution:
    """The retrieval query for `question` given the conversation so far."""
    turns = normalise_history(history)
    focus = tuple(_topic_words(question.retrieval_text))
    own_names = tuple(names_in(question.retrieval_text))
    if not any(t.role == "user" for t in turns) or not question.text or not looks_like_followup(question):
        return Resolution(question, question.retrieval_text, False, focus, names=own_names)

    prior = _resolve_last_user_turn(turns)
    last_answer = next((t.text for t in reversed(turns) if t.role == "assistant"), "")
    folded = fold(question.text).replace("’", "'")
    prior_name_words = {w for n in prior.names for w in tokenize(n)}
    if own_names and not _PERSONAL.search(folded):
        # "And what about Jasper?": new subject, same predicate — keep the previous non-name words.
        names: list[str] = []
        carried = [w for w in prior.focus_words + prior.carried_words if w not in prior_name_words]
    else:
        answer_text = _strip_citations(last_answer)
        answer_names = names_in(answer_text, limit=3)
        names = [n for n in dict.fromkeys(prior.names + tuple(answer_names)) if n not in question.text]
        # The last answer may have introduced the subject ("A new pedestrian bridge"): a few of its words.
        carried = list(prior.focus_words + prior.carried_words) + _topic_words(answer_text)[:6]
    name_words = {w for n in names for w in tokenize(n)}
    carried = [w for w in dict.fromkeys(carried) if w not in focus and w not in name_words][:12]
    query = " ".join(p for p in [question.retrieval_text, *names, " ".join(carried)] if p).strip()
    carried += [w for n in names for w in tokenize(n) if w not in carried]

    kind = question.kind
    if kind == "other" and _CONNECTOR.match(folded):
        kind = prior.question.kind  # "What about Jasper?" asks the same kind of thing
    dated = question.date_from or question.date_to
    resolved_q = Question(
        text=question.text,
        lang=question.lang,
        lang_confident=question.lang_confident,
        kind=kind,
        date_from=question.date_from if dated else prior.question.date_from,
        date_to=question.date_to if dated else prior.question.date_to,
        retrieval_text=query,
        content_words=tuple(dict.fromkeys(focus + tuple(carried))),
        problem=question.problem,
        dates_from_text=question.dates_from_text if dated else prior.question.dates_from_text,
        kinds=(kind,) + tuple(k for k in question.kinds if k != kind) if kind != question.kind else question.kinds,
        until=question.until,
        content_dates=question.content_dates or prior.question.content_dates,
        asks_year=question.asks_year,
    )
    return Resolution(resolved_q, query, True, focus, tuple(carried), own_names + tuple(names))


def _resolve_last_user_turn(turns: list[Turn]) -> Resolution:
    """Resolution of the latest user turn, itself resolved against the turns before it."""
    last = max(i for i, t in enumerate(turns) if t.role == "user")
    earlier = turns[max(0, last - 6) : last]  # a few exchanges back is enough context
    return resolve(analyse(turns[last].text), [{"role": t.role, "content": t.text} for t in earlier])


def _strip_citations(text: str) -> str:
    """Drop `[n]` markers and our own framing so that only the quoted content gives names."""
    text = re.sub(r"\[\d+\]", " ", text)
    return re.sub(r"^(?:The (?:French|English) release[^:]*:|Le communiqué en (?:anglais|français)[^:]*:)", " ", text)
