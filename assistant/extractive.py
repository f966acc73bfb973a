"""Choose the one to three sentences of the retrieved releases that best answer a question.

Cheap on purpose (the whole `ask` has a ~150 ms budget): sentences are scored by weighted
lexical overlap with the question (IDF weights from the index, stems that also catch FR/EN
cognates), by whether they hold the kind of thing asked for (an amount, a place, a date, a
quote and its speaker), and by the retrieval rank and dense score of the passage they come
from. No sentence is embedded. Offsets are into the release text, so each quote can be
checked verbatim.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping, Protocol

from communique.assistant.attribution import naming_sentence, speaker_of
from communique.assistant.cues import ATTRIBUTION, CONTACT, SPEECH, cue_strength, field_label
from communique.assistant.followup import names_in
from communique.assistant.terms import Terms
from communique.assistant.text import fold, stem, tokenize, words_key
from communique.assistant.values import find_value, people_in
from communique.assistant.wordindex import release_coverage
from communique.index.models import Hit, Release
from communique.index.searcher import Searcher

MAX_SENTENCES = 3
STEM_ONLY = 0.75  # weight of a match on the stem alone, relative to the exact word
TRANSLATED = float(os.environ.get("COMMUNIQUE_TRANSLATED", "1.0"))  # a glossary equivalent in the other language


@dataclass
class Sentence:
    """A candidate quote: `text == release.text[start:end]`."""

    hit: Hit
    start: int
    end: int
    text: str
    lead: bool  # among the first sentences of its release
    stems: frozenset[str] = frozenset()
    coverage: float = 0.0  # weighted share of the question's terms found here
    focus_coverage: float = 0.0  # same, counting only the question's own words (not carried ones)
    context_coverage: float = 0.0  # with the release title added
    release_coverage: float = 0.0  # the question's subject found anywhere in the release
    cue: float = 0.0
    cues: dict[str, float] = field(default_factory=dict)  # per kind asked for
    score: float = 0.0
    matched: frozenset[str] = frozenset()
    semantic: float = 0.0  # what the cross-language cosine added to the score (assistant/semantic.py)

    @property
    def release_id(self) -> str:
        return self.hit.release_id

    @property
    def lang(self) -> str:
        return self.hit.lang


FIELD_BONUS = float(os.environ.get("COMMUNIQUE_FIELD_BONUS", "0.3"))  # a notice's field labelled with the kind asked
_LABEL = re.compile(r"^\s*[^\W\d_][\w’' ]{1,30}\s?:\s")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_UNTIL = re.compile(r"\buntil\b|\btill\b|\bjusqu", re.IGNORECASE)


def score(sentences: list[Sentence], terms: Terms, kinds: tuple[str, ...], qlang: str,
          releases: Mapping[str, Release], *, until: bool = False, keep: int = 30,
          count_noun: str | None = None, years: tuple[str, ...] = (), year_asked: bool = False,
          measure: str | None = None) -> None:
    """Fill each sentence's coverage, cue and final score (higher is better).

    Coverage is computed for all; the (costlier) cue patterns only for the `keep` most
    promising sentences — the others keep a score that cannot win.
    """
    kind = kinds[0] if kinds else "other"
    total = terms.total
    focus_total = sum(w for s, w in terms.weights.items() if s in terms.focus) or 1.0
    title_stems: dict[str, frozenset[str]] = {}
    rel_cov: dict[str, float] = {}
    max_dense = best_dense(sentences)
    for sent in sentences:
        if sent.release_id not in rel_cov:
            release = releases.get(sent.release_id)
            translations = terms.translations if release is not None and release.lang != qlang else None
            rel_cov[sent.release_id] = release_coverage(release, terms.subject_weights, translations) if release else 0.0
        sent.release_coverage = rel_cov[sent.release_id]
        tokens = set(tokenize(sent.text, keep_stopwords=True))
        found_phrases = {k for k, pattern in terms.phrases.items() if pattern.search(sent.text)}
        tokens |= found_phrases
        sent.stems = frozenset(stem(t) for t in tokens) | found_phrases
        matched = frozenset(s for s in terms.weights if s in sent.stems)
        # A stem-only match ("employés" for « employeurs ») counts less than the question's own word.
        got = {s: terms.weights[s] * (1.0 if terms.exact.get(s, frozenset()) & tokens else STEM_ONLY) for s in matched}
        if sent.lang != qlang and terms.translations:  # « emplois » is matched by "jobs" (assistant/glossary.py)
            translated = frozenset(s for s, alt in terms.translations.items() if s not in matched and alt & sent.stems)
            got.update({s: terms.weights[s] * TRANSLATED for s in translated})
            matched |= translated
        sent.matched = matched
        sent.coverage = sum(got.values()) / total
        sent.focus_coverage = sum(w for s, w in got.items() if s in terms.focus) / focus_total
        titles = title_stems.get(sent.release_id)
        if titles is None:
            titles = frozenset(stem(t) for t in tokenize(sent.hit.title, keep_stopwords=True))
            title_stems[sent.release_id] = titles
        context = sum(got.values()) + sum(terms.weights[s] * STEM_ONLY for s in terms.weights if s in titles and s not in got)
        sent.context_coverage = context / total
    _carry_over_anaphora(sentences, terms)
    for sent in sentences:
        sent.score = _base(sent, max_dense, qlang)
    ranked = sorted(sentences, key=lambda s: -s.score)
    asked_people = frozenset(fold(w) for name in terms.specific_names for w in name.split()) if "person" in kinds else frozenset()
    for i, sent in enumerate(ranked):
        if i >= keep:
            sent.score *= 0.5
            continue
        sent.cues = _cues(sent.text, kinds, count_noun, years, asked_people, year_asked, measure)
        sent.cue = max([sent.cues.get(kind, 1.0)] + [0.8 * c for k, c in sent.cues.items() if k != kind])
        if until and kind == "date" and _UNTIL.search(sent.text):
            sent.cue += 0.2  # "until when?" is answered by "until …", « jusqu'au … »
        sent.score = _with_cue(sent, kind, qlang)


def _cues(text: str, kinds: tuple[str, ...], count_noun: str | None, years: tuple[str, ...],
          asked_people: frozenset[str], year_asked: bool = False, measure: str | None = None) -> dict[str, float]:
    """How well `text` holds each kind asked; a pattern's match that cannot be the answer counts half."""
    cues = {k: cue_strength(k, text) for k in kinds}
    if year_asked and cues.get("date", 1.0) < 1.0 and _YEAR.search(text):
        cues["date"] = 1.0  # "by what year?": "by 2027" answers it
    for k in cues:
        if field_label(k, text):
            cues[k] += FIELD_BONUS  # "Masting period: From April 22 until sunset on April 26, 2025"
    if cues.get("amount", 0.0) >= 1.0 and find_value("amount", text, 0, years=years, measure=measure) is None:
        # only a rate's unit ("every $100"): no amount to answer with; or, for "the rate for 2025",
        # only 2024's amounts here; or only a share when money is asked ("what amount?": not "37 per cent")
        cues["amount"] = 0.5
    if count_noun and cues.get("count", 0.0) >= 1.0 and find_value("count", text, 0, noun=count_noun) is None:
        cues["count"] = 0.5  # "how many jobs?": "Highway 3" holds a number, not a count of jobs
    if asked_people and cues.get("person", 0.0) >= 1.0 and _only_asked_people(text, asked_people):
        cues["person"] = 0.5  # "Who will join Minister Wells?": Wells is not the answer
    return cues


def _only_asked_people(text: str, asked_words: frozenset[str]) -> bool:
    """Every person named in `text` is one the question names already (by their last name)."""
    people = people_in(text)
    return bool(people) and all(fold(name.split()[-1]) in asked_words for _, _, name in people)


# A sentence that opens with a pronoun continues the one before it ("… Minister Wilkinson will announce
# funding. He will be joined by Dr. Hedy Fry …"): the question's words are in the first, the fact in the second.
_ANAPHORA = re.compile(r"^\W*(?:he|she|they|it|this|these|his|her|their|il|elle|ils|elles|ce|cette|ces|cela|"
                       r"celui-ci|celle-ci|son|sa|ses|leur|leurs)\b", re.IGNORECASE)
CARRY = float(os.environ.get("COMMUNIQUE_CARRY", "0.6"))


def _carry_over_anaphora(sentences: list[Sentence], terms: Terms) -> None:
    """Give a sentence opening with a pronoun the question's words of the sentence it continues
    (weighted by CARRY), when that sentence ends within a few characters before it."""
    if CARRY <= 0:
        return
    by_end = {(s.release_id, s.end): s for s in sentences}
    total = terms.total
    for sent in sentences:
        if not _ANAPHORA.match(sent.text):
            continue
        previous = next((by_end[(sent.release_id, end)] for end in range(sent.start, max(-1, sent.start - 4), -1)
                         if (sent.release_id, end) in by_end), None)
        if previous is None or previous is sent:
            continue
        carried = sum(terms.weights[s] for s in previous.matched - sent.matched) / total
        sent.coverage = min(1.0, sent.coverage + CARRY * carried)
        sent.focus_coverage = min(1.0, sent.focus_coverage + CARRY * carried)
        sent.context_coverage = min(1.0, sent.context_coverage + CARRY * carried)


def _with_cue(sent: Sentence, kind: str, qlang: str) -> float:
    """The score once the kind asked for is weighed in, and the shapes that are rarely answers."""
    value = sent.score + (0.20 * sent.cue if kind != "other" else 0.08)
    if kind == "other" and sent.lead:
        value += 0.03  # a release's opening sentence usually states the news itself
    if sent.lang != qlang:
        value -= 0.02  # equal evidence: quote the asker's language
    n = len(sent.text)
    if n < 25 and not ATTRIBUTION.search(sent.text):
        value *= 0.6  # headings and fragments ("Quick facts")
    elif n > 450:
        value *= 0.9
    if kind != "other" and CONTACT.search(sent.text):
        value *= 0.6
    if kind in ("other", "reason") and n < 120 and _LABEL.match(sent.text):
        value *= 0.7  # "Announced by: …", "Contacts: …": a label line, not the news
    return value


def best_dense(sentences: list[Sentence]) -> float:
    """The highest passage cosine among the candidates (at least 0.1, so a ratio to it stays bounded)."""
    return max([s.hit.dense_score or 0.0 for s in sentences] + [0.1])


def relative_dense(sent: Sentence, best: float) -> float:
    """The passage cosine relative to the best one, squared: near the best counts, far below hardly."""
    dense = sent.hit.dense_score
    return 0.0 if dense is None or best <= 0 else max(0.0, dense / best) ** 2


def _base(sent: Sentence, max_dense: float, qlang: str) -> float:
    """Evidence before the cue: words of the question here, in the title, in the release; rank; dense.

    Across languages the words rarely match (only names, numbers and cognates do), so the
    dense similarity of the passage — relative to the best passage found — carries more.
    """
    prior = 1.0 / (1.0 + 0.35 * (max(sent.hit.rank, 1) - 1))
    dense_rel = relative_dense(sent, max_dense)
    if sent.lang == qlang:
        return (0.40 * sent.coverage + 0.10 * sent.context_coverage + 0.15 * sent.release_coverage + 0.10 * prior
                + 0.10 * dense_rel)
    return (0.25 * sent.coverage + 0.05 * sent.context_coverage + 0.10 * sent.release_coverage + 0.10 * prior
            + 0.35 * dense_rel)


def select(sentences: list[Sentence], terms: Terms, kinds: tuple[str, ...], releases: Mapping[str, Release],
           *, second_ask: bool = False, second: SecondQuestion | None = None) -> list[Sentence]:
    """The best sentence, plus up to two that add what it lacks: another term of the question,
    another kind of thing asked for ("how much …, and when?"), or the speaker of a quote; when a
    second question is joined to the first ("…, and how much since it started?"), one more sentence
    of its release holding a value of a kind asked, though it adds no new word — and, when none of
    those answers the second question by its own words (`second`: "…, and how many people did it
    employ?"), the sentence of the same announcement that does."""
    if not sentences:
        return []
    kind = kinds[0] if kinds else "other"
    ranked = sorted(sentences, key=lambda s: -s.score)
    best = ranked[0]
    chosen = [best]
    texts = {words_key(best.text)}
    if kind == "who_said":
        speaker = _attribution(best, releases.get(best.release_id), sentences)
        if speaker is not None:
            chosen.append(speaker)
    covered = set(best.matched)
    missing_kinds = [k for k in kinds if k != "other" and best.cues.get(k, 0.0) < 0.99]
    numbers = [g for g in terms.specifics if len(g) == 1 and next(iter(g)).isdigit()]
    if missing_kinds and numbers:
        # "the rate for 2025": of the sentences holding the kind asked, those that also state the
        # question's numbers come first ("$1.64 in 2025" before "$1.66 in 2024").
        ranked = [best] + sorted(ranked[1:], key=lambda c: (
            not all(g <= c.stems for g in numbers) or not any(c.cues.get(k, 0.0) >= 0.99 for k in missing_kinds),
            -c.score))
    room = MAX_SENTENCES
    for cand in ranked[1:]:
        if len(chosen) >= room or cand.score < 0.5 * best.score:
            break
        key = words_key(cand.text)
        if key in texts:
            continue  # the same words published twice (a release and its backgrounder)
        same_release = cand.release_id == best.release_id
        fills = [k for k in missing_kinds if cand.cues.get(k, 0.0) >= 0.99]
        new_terms = {s for s in cand.matched - covered if terms.weights.get(s, 0) >= 0.5}
        if fills and (same_release or cand.score >= 0.75 * best.score):
            missing_kinds = [k for k in missing_kinds if k not in fills]
        elif second_ask and same_release and cand.score >= 0.75 * best.score and any(
                cand.cues.get(k, 0.0) >= 0.99 for k in kinds if k != "other"):
            second_ask, room = False, room + 1  # the second question's value: once, beside the others
        elif not (cand.score >= 0.75 * best.score and new_terms and (same_release or cand.score >= 0.9 * best.score)):
            continue
        chosen.append(cand)
        texts.add(key)
        covered |= cand.matched
    if second is not None:
        chosen += _answering_second(second, chosen, ranked, terms, texts)
    # Read in document order within a release, releases in the order of their best sentence.
    order = {s.release_id: i for i, s in reversed(list(enumerate(chosen)))}
    return sorted(chosen, key=lambda s: (order[s.release_id], s.start))


def _answering_second(second: SecondQuestion, chosen: list[Sentence], ranked: list[Sentence], terms: Terms,
                      texts: set[str]) -> list[Sentence]:
    """The sentence of the best one's announcement that answers the second question, when no chosen
    sentence does: it states the value asked, best by the second question's own words."""
    if any(second.answered_by(c, terms) for c in chosen):
        return []
    best = ranked[0]
    pick = max((c for c in ranked[1:] if c not in chosen and _same_announcement(c, best)
                and c.score >= 0.5 * best.score and second.could_answer(c, terms)),
               key=lambda c: (second.overlap(c, terms), c.score), default=None)
    return [] if pick is None or words_key(pick.text) in texts else [pick]


class SecondQuestion(Protocol):
    """What `select` asks of a question's second part (`clause.Clause`)."""

    def overlap(self, sent: Sentence, terms: Terms) -> float: ...

    def could_answer(self, sent: Sentence, terms: Terms) -> bool: ...

    def answered_by(self, sent: Sentence, terms: Terms) -> bool: ...


def _same_announcement(a: Sentence, b: Sentence) -> bool:
    return a.release_id == b.release_id or a.release_id in b.hit.translations or b.release_id in a.hit.translations


def _attribution(best: Sentence, release: Release | None, pool: list[Sentence]) -> Sentence | None:
    """The sentence naming the speaker of the quotation `best` is part of, when `best` does not name
    them itself (`attribution.speaker_of`: named after the quote, introducing it, or signing it)."""
    if release is None or (SPEECH.search(best.text) and names_in(best.text)):
        return None  # the sentence names its speaker already ("…," said Minister Wilkinson.)
    who = speaker_of(release.text, best.start, best.end)
    if who is None or best.start <= who.start < best.end:
        return None
    span = naming_sentence(release.text, who)
    if span is None:
        return None
    for cand in pool:
        if cand.release_id == best.release_id and cand.start == span.start:
            return cand
    return Sentence(best.hit, span.start, span.end, span.text, lead=False, score=best.score * 0.9)


def idf_lookup(retriever: Searcher) -> Callable[[str], float | None]:
    """IDF of a folded token from the index's lexical statistics (read per call: the generation changes)."""
    return retriever.idf
