"""Choose the one to three sentences of the retrieved releases that best answer a question.

Cheap on purpose (the whole `ask` has a ~150 ms budget): sentences are scored by weighted
lexical overlap with the question (IDF weights from the index, stems that also catch FR/EN
cognates), by whether they hold the kind of thing asked for (an amount, a place, a date, a
quote and its speaker), and by the retrieval rank and dense score of the passage they come
from. No sentence is embedded. Offsets are into the release text, so each quote can be
checked verbatim.
"""
from __future__ import annotations

import math
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

from assistant.cues import ATTRIBUTION, CONTACT, QUOTE, SPEECH, cue_strength
from assistant.followup import Resolution, names_in
from assistant.text import QUESTION_WORDS, Span, fold, split_sentences, stem, tokenize
from assistant.values import find_value
from index.models import Chunk, Hit, Release
from index.text import STOPWORDS

WINDOW = 400  # characters looked at around a chunk so its edge sentences are whole
WHOLE_RELEASES = int(os.environ.get("COMMUNIQUE_WHOLE_RELEASES", "1"))  # read whole, beyond their chunks
WHOLE_CHARS = 12_000  # … when no longer than this
WHOLE_SENTENCES = 80
MAX_SENTENCES = 3
STEM_ONLY = 0.75  # weight of a match on the stem alone, relative to the exact word


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

    @property
    def release_id(self) -> str:
        return self.hit.release_id

    @property
    def lang(self) -> str:
        return self.hit.lang


@dataclass
class Terms:
    """Question terms as stems with weights (IDF; names and numbers count more)."""

    weights: dict[str, float] = field(default_factory=dict)
    exact: dict[str, frozenset[str]] = field(default_factory=dict)  # stem -> the question's own spellings
    focus: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # stems of proper names and numbers
    # The question's own specifics, one group of stems per name or number ("New Brunswick" is one).
    specifics: tuple[frozenset[str], ...] = ()
    specific_names: tuple[str, ...] = ()  # the words of each group as asked ("New Brunswick", "2025")
    subject_weights: dict[str, float] = field(default_factory=dict)  # for release-level coverage
    # Names written in capitals whose words are all function words ("ALL IN"): matched as written.
    phrases: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.weights.values()) or 1.0


def question_terms(resolution: Resolution, idf: Callable[[str], float | None]) -> Terms:
    """Weighted stems of the question's own topic words and (at half weight) the carried ones."""
    weights: dict[str, float] = {}
    exact: dict[str, set[str]] = {}
    subject: dict[str, float] = {}
    name_stems: set[str] = set()
    q = resolution.question
    focus = list(resolution.focus_words)
    own_names = [n for n in names_in(q.text) if set(tokenize(n)) & set(focus)]
    number_tokens = [t for t in focus if t.isdigit()]
    name_tokens = {t for n in resolution.names for t in tokenize(n)} | {t for n in own_names for t in tokenize(n)}
    name_tokens |= set(number_tokens)
    carried = [t for t in resolution.carried_words if t not in focus]
    for tokens, factor in ((focus, 1.0), (carried, 0.5)):
        for token in tokens:
            if token in QUESTION_WORDS:
                continue
            s = stem(token)
            value = idf(token)
            w = 1.0 if value is None else max(0.25, min(value, 8.0) / 4.0)
            if token in name_tokens:
                w *= 1.5
                name_stems.add(s)
            weights[s] = max(weights.get(s, 0.0), w * factor)
            exact.setdefault(s, set()).add(token)
            subject[s] = max(subject.get(s, 0.0), w)  # carried words are the subject: full weight here
    groups: list[frozenset[str]] = []
    group_names: list[str] = []
    for name in own_names:
        group = frozenset(stem(t) for t in tokenize(name) if t not in QUESTION_WORDS)
        if group and group not in groups:
            groups.append(group)
            group_names.append(name)
    for token in number_tokens:
        group = frozenset([token])
        if not any(group <= g for g in groups):
            groups.append(group)
            group_names.append(token)
    phrases: dict[str, re.Pattern[str]] = {}
    for name in re.findall(r"\b[A-ZÀ-ÖØ-Þ]{2,}(?:\s+[A-ZÀ-ÖØ-Þ]{2,})+\b", q.text):
        if all(fold(w) in STOPWORDS for w in name.split()):  # "ALL IN": every word a function word
            key = fold(name)
            for word in name.split():  # the words alone would match any "in" of any sentence
                weights.pop(stem(fold(word)), None)
                subject.pop(stem(fold(word)), None)
            phrases[key] = re.compile(r"\b" + r"\s+".join(map(re.escape, name.split())) + r"\b")
            weights[key] = subject[key] = 2.0
            exact[key] = {key}
            name_stems.add(key)
            groups.append(frozenset([key]))
            group_names.append(name)
    frozen = {s: frozenset(v) for s, v in exact.items()}
    focus_stems = frozenset(stem(t) for t in focus) | frozenset(phrases)
    return Terms(weights=weights, exact=frozen, focus=focus_stems, names=frozenset(name_stems),
                 specifics=tuple(groups), specific_names=tuple(group_names), subject_weights=subject,
                 phrases=phrases)


class WordIndex:
    """A release's folded text, for "does a word start with this stem?".

    Folded once per release (and cached a little); each look-up is then one C-level regex scan.
    Tokenising whole releases into sets was slower than scanning for the few question terms.
    """

    __slots__ = ("folded", "joined", "_memo", "_letters")

    def __init__(self, text: str) -> None:
        self.folded = fold(text)
        self.joined: str | None = None  # digit groups joined ("600 000" -> "600000"), made on demand
        self._memo: dict[str, bool] = {}
        self._letters: str | None = None

    @property
    def letters(self) -> str:
        """The folded text with every non-letter a space, for whole-phrase look-ups ("nova scotia")."""
        if self._letters is None:
            self._letters = re.sub(r"[^a-z]+", " ", self.folded)
        return self._letters

    def has(self, stem_: str) -> bool:
        found = self._memo.get(stem_)
        if found is None:
            if stem_.isdigit():
                if self.joined is None:
                    # "600 000" and "600,000" → "600000"; "9.8" and « 9,8 » → "98", as the tokenizer writes them
                    self.joined = _DECIMAL_MARK.sub("", _DIGIT_GROUPS.sub("", self.folded))
                found = re.search(rf"(?<![\d.,]){stem_}(?![\d])", self.joined) is not None
            else:
                found = re.search(rf"\b{re.escape(stem_)}", self.folded) is not None
            self._memo[stem_] = found
        return found


_DIGIT_GROUPS = re.compile(r"(?<=\d)[\s\u00a0\u202f,](?=\d{3}\b)")
_DECIMAL_MARK = re.compile(r"(?<=\d)[.,](?=\d)")
_WORD_INDEXES: "OrderedDict[tuple[str, int, int], WordIndex]" = OrderedDict()
_WORD_INDEX_LOCK = threading.Lock()


def word_index(release: Release) -> WordIndex:
    """The WordIndex of a release's title and text (first 100,000 characters), from a small LRU cache."""
    # the release's own date counts as its text: "in September 2024" is answered by a release of that date
    text = release.title + "\n" + (release.date or "").replace("-", " ") + "\n" + release.text[:100_000]
    key = (release.id, len(text), hash(text))
    with _WORD_INDEX_LOCK:
        cached = _WORD_INDEXES.get(key)
        if cached is not None:
            _WORD_INDEXES.move_to_end(key)
            return cached
    built = WordIndex(text)
    with _WORD_INDEX_LOCK:
        _WORD_INDEXES[key] = built
        while len(_WORD_INDEXES) > 256:
            _WORD_INDEXES.popitem(last=False)
    return built


def release_coverage(release: Release, weights: Mapping[str, float]) -> float:
    """Weighted share of the terms found anywhere in the release (title and text)."""
    total = sum(weights.values())
    if not total:
        return 0.0
    words = word_index(release)
    return sum(w for s, w in weights.items() if words.has(s)) / total


def collect(hits: list[Hit], releases: Mapping[str, Release],
            chunks_of: Callable[[str], list[Chunk]] | None = None, lede_releases: int = 4) -> list[Sentence]:
    """Whole sentences around each retrieved chunk, deduplicated, in retrieval order; plus the
    opening paragraph (the lede) of the best `lede_releases` releases when `chunks_of` is given.

    Chunks of one release overlap, so their windows are merged and each release text is
    split once. The lede is added because a release states its news there ("B.C. is investing
    $10 million in the new FireSmart Economic Recovery Fund…") while the retrieved chunk is often
    the quotes or the backgrounder further down (dev split: the fact-bearing sentence was outside
    every retrieved chunk in most cross-language misses).
    """
    by_release: dict[str, list[Hit]] = {}
    for hit in hits:
        release = releases.get(hit.release_id)
        if release is None or release.text[hit.start : hit.end] != hit.text:
            continue  # index out of step with its store: never quote what we cannot verify
        by_release.setdefault(hit.release_id, []).append(hit)
    spans_by_release: dict[str, list[Span]] = {}
    for rid, rhits in by_release.items():
        text = releases[rid].text
        windows = sorted((max(0, h.start - WINDOW), min(len(text), h.end + WINDOW)) for h in rhits)
        merged: list[list[int]] = []
        for lo, hi in windows:
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        spans_by_release[rid] = [span for lo, hi in merged for span in split_sentences(text, lo, hi)]

    out: list[Sentence] = []
    taken: dict[str, set[int]] = {}
    keys: dict[str, list[str]] = {}
    for hit in hits:
        spans = spans_by_release.get(hit.release_id)
        if not spans:
            continue
        first_para_end = _first_paragraph_end(releases[hit.release_id].text)
        starts = taken.setdefault(hit.release_id, set())
        seen = keys.setdefault(hit.release_id, [])
        for span in spans:
            if span.start in starts or span.end <= hit.start or span.start >= hit.end:
                continue
            inside = min(span.end, hit.end) - max(span.start, hit.start)
            if inside < 0.5 * (span.end - span.start) and inside < 0.5 * (hit.end - hit.start):
                continue  # mostly outside this chunk: it belongs to a neighbour
            starts.add(span.start)
            key = _NON_WORD.sub(" ", fold(span.text)).strip()
            if len(key) < 3 or any(key in k for k in seen):
                continue  # scraped releases repeat fragments of their own paragraphs
            seen.append(key)
            out.append(Sentence(hit, span.start, span.end, span.text, lead=span.start <= first_para_end))
    if chunks_of is not None:
        out += _ledes(hits, releases, chunks_of, taken, keys, lede_releases)
    return out


def _ledes(hits: list[Hit], releases: Mapping[str, Release], chunks_of: Callable[[str], list[Chunk]],
           taken: dict[str, set[int]], keys: dict[str, list[str]], limit: int) -> list[Sentence]:
    out: list[Sentence] = []
    firsts: dict[str, Hit] = {}
    for hit in hits:
        if hit.release_id in releases and hit.release_id not in firsts:
            firsts[hit.release_id] = hit
    for i, (rid, best) in enumerate(list(firsts.items())[:limit]):
        release = releases[rid]
        end = _first_paragraph_end(release.text)
        if i < WHOLE_RELEASES and len(release.text) <= WHOLE_CHARS:
            end = len(release.text)  # the best releases are read whole (sentence-window at release level)
        spans = [sp for sp in split_sentences(release.text, 0, min(len(release.text), end + 400))
                 if sp.start <= end and sp.text.strip() != release.title.strip()]
        spans = spans[:3] if end < len(release.text) else spans[:WHOLE_SENTENCES]
        if not spans:
            continue
        chunks = chunks_of(rid)
        for span in spans:
            if span.start in taken.setdefault(rid, set()):
                continue
            key = _NON_WORD.sub(" ", fold(span.text)).strip()
            seen = keys.setdefault(rid, [])
            if len(key) < 3 or any(key in k for k in seen):
                continue
            chunk = next((c for c in chunks if c.start <= span.start and span.end <= c.end), None)
            if chunk is None or release.text[chunk.start : chunk.end] != chunk.text:
                continue
            seen.append(key)
            taken[rid].add(span.start)
            hit = replace(best, chunk_id=chunk.id, start=chunk.start, end=chunk.end, text=chunk.text)
            out.append(Sentence(hit, span.start, span.end, span.text, lead=True))
    return out


_NON_WORD = re.compile(r"\W+")
_VALUE_KINDS = frozenset({"amount", "count", "date", "place", "person"})
_LABEL = re.compile(r"^\s*[^\W\d_][\w’' ]{1,30}\s?:\s")
_UNTIL = re.compile(r"\buntil\b|\btill\b|\bjusqu", re.IGNORECASE)


def _first_paragraph_end(text: str) -> int:
    head_start = len(text) - len(text.lstrip())
    cut = text.find("\n\n", head_start + 40, head_start + 600)
    return cut if cut >= 0 else min(len(text), head_start + 400)


def score(sentences: list[Sentence], terms: Terms, kinds: tuple[str, ...], qlang: str,
          releases: Mapping[str, Release], *, until: bool = False, keep: int = 30) -> None:
    """Fill each sentence's coverage, cue and final score (higher is better).

    Coverage is computed for all; the (costlier) cue patterns only for the `keep` most
    promising sentences — the others keep a score that cannot win.
    """
    kind = kinds[0] if kinds else "other"
    total = terms.total
    focus_total = sum(w for s, w in terms.weights.items() if s in terms.focus) or 1.0
    title_stems: dict[str, frozenset[str]] = {}
    rel_cov: dict[str, float] = {}
    max_dense = max([s.hit.dense_score or 0.0 for s in sentences] + [0.1])
    for sent in sentences:
        if sent.release_id not in rel_cov:
            release = releases.get(sent.release_id)
            rel_cov[sent.release_id] = release_coverage(release, terms.subject_weights) if release else 0.0
        sent.release_coverage = rel_cov[sent.release_id]
        tokens = set(tokenize(sent.text, keep_stopwords=True))
        found_phrases = {k for k, pattern in terms.phrases.items() if pattern.search(sent.text)}
        tokens |= found_phrases
        sent.stems = frozenset(stem(t) for t in tokens) | found_phrases
        matched = frozenset(s for s in terms.weights if s in sent.stems)
        sent.matched = matched
        # A stem-only match ("employés" for « employeurs ») counts less than the question's own word.
        got = {s: terms.weights[s] * (1.0 if terms.exact.get(s, frozenset()) & tokens else STEM_ONLY) for s in matched}
        sent.coverage = sum(got.values()) / total
        sent.focus_coverage = sum(w for s, w in got.items() if s in terms.focus) / focus_total
        titles = title_stems.get(sent.release_id)
        if titles is None:
            titles = frozenset(stem(t) for t in tokenize(sent.hit.title, keep_stopwords=True))
            title_stems[sent.release_id] = titles
        context = sum(got.values()) + sum(terms.weights[s] * STEM_ONLY for s in terms.weights if s in titles and s not in got)
        sent.context_coverage = context / total
        sent.score = _base(sent, max_dense, qlang)
    ranked = sorted(sentences, key=lambda s: -s.score)
    for i, sent in enumerate(ranked):
        if i >= keep:
            sent.score *= 0.5
            continue
        sent.cues = {k: cue_strength(k, sent.text) for k in kinds}
        if sent.cues.get("amount", 0.0) >= 1.0 and find_value("amount", sent.text, 0) is None:
            sent.cues["amount"] = 0.5  # only a rate's unit ("every $100"): no amount to answer with
        sent.cue = max([sent.cues.get(kind, 1.0)] + [0.8 * c for k, c in sent.cues.items() if k != kind])
        if until and kind == "date" and _UNTIL.search(sent.text):
            sent.cue += 0.2  # "until when?" is answered by "until …", « jusqu'au … »
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
        if kind == "other" and n < 120 and _LABEL.match(sent.text):
            value *= 0.7  # "Announced by: …", "Contacts: …": a label line, not the news
        sent.score = value


def _base(sent: Sentence, max_dense: float, qlang: str) -> float:
    """Evidence before the cue: words of the question here, in the title, in the release; rank; dense.

    Across languages the words rarely match (only names, numbers and cognates do), so the
    dense similarity of the passage — relative to the best passage found — carries more.
    """
    prior = 1.0 / (1.0 + 0.35 * (max(sent.hit.rank, 1) - 1))
    dense = sent.hit.dense_score
    dense_rel = 0.0 if dense is None or max_dense <= 0 else max(0.0, dense / max_dense) ** 2
    if sent.lang == qlang:
        return (0.40 * sent.coverage + 0.10 * sent.context_coverage + 0.15 * sent.release_coverage + 0.10 * prior
                + 0.10 * dense_rel)
    return (0.25 * sent.coverage + 0.05 * sent.context_coverage + 0.10 * sent.release_coverage + 0.10 * prior
            + 0.35 * dense_rel)


def select(sentences: list[Sentence], terms: Terms, kinds: tuple[str, ...], releases: Mapping[str, Release]) -> list[Sentence]:
    """The best sentence, plus up to two that add what it lacks: another term of the question,
    another kind of thing asked for ("how much …, and when?"), or the speaker of a quote."""
    if not sentences:
        return []
    kind = kinds[0] if kinds else "other"
    ranked = sorted(sentences, key=lambda s: -s.score)
    best = ranked[0]
    chosen = [best]
    texts = {_NON_WORD.sub(" ", fold(best.text)).strip()}
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
    for cand in ranked[1:]:
        if len(chosen) >= MAX_SENTENCES or cand.score < 0.5 * best.score:
            break
        key = _NON_WORD.sub(" ", fold(cand.text)).strip()
        if key in texts:
            continue  # the same words published twice (a release and its backgrounder)
        same_release = cand.release_id == best.release_id
        fills = [k for k in missing_kinds if cand.cues.get(k, 0.0) >= 0.99]
        new_terms = {s for s in cand.matched - covered if terms.weights.get(s, 0) >= 0.5}
        if fills and (same_release or cand.score >= 0.75 * best.score):
            missing_kinds = [k for k in missing_kinds if k not in fills]
        elif not (cand.score >= 0.75 * best.score and new_terms and (same_release or cand.score >= 0.9 * best.score)):
            continue
        chosen.append(cand)
        texts.add(key)
        covered |= cand.matched
    # Read in document order within a release, releases in the order of their best sentence.
    order = {s.release_id: i for i, s in reversed(list(enumerate(chosen)))}
    return sorted(chosen, key=lambda s: (order[s.release_id], s.start))


def _attribution(best: Sentence, release: Release | None, pool: list[Sentence]) -> Sentence | None:
    """The speaker of a quoted sentence: an attribution line after the quote, or a 'said X' sentence."""
    if release is None or (SPEECH.search(best.text) and names_in(best.text)):
        return None  # the sentence names its speaker already ("…," said Minister Wilkinson.)
    text = release.text
    if not (QUOTE.search(best.text) or _inside_quote(text, best.start)):
        return None
    close = _quote_end(text, best.end)
    for span in split_sentences(text, close, min(len(text), close + 400))[:2]:
        if ATTRIBUTION.search(span.text) or (SPEECH.search(span.text) and names_in(span.text)):
            for cand in pool:
                if cand.release_id == best.release_id and cand.start == span.start:
                    return cand
            return Sentence(best.hit, span.start, span.end, span.text, lead=False, score=best.score * 0.9)
    return None


def _inside_quote(text: str, pos: int) -> bool:
    para_start = text.rfind("\n", 0, pos) + 1
    before = text[para_start:pos]
    return before.count("«") > before.count("»") or before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _quote_end(text: str, pos: int) -> int:
    match = re.compile(r"[»”\"]").search(text, pos, min(len(text), pos + 3000))
    end = match.end() if match else pos
    nl = text.find("\n", end)
    return end if nl < 0 else min(nl, end + 200) if text[end:nl].strip() else nl


def idf_lookup(retriever: object) -> Callable[[str], float | None]:
    """IDF of a folded token from the index's lexical statistics, or None when unavailable."""
    public = getattr(retriever, "idf", None)
    if callable(public):
        return lambda token: public(token)  # type: ignore[misc]
    if not hasattr(retriever, "_snapshot"):
        return lambda token: None

    def idf(token: str) -> float | None:
        # Fallback while the Retriever exposes no document frequencies (read per call: the
        # snapshot changes when a new index generation is published).
        try:
            lexical = retriever._snapshot.lexical  # type: ignore[attr-defined]
            n_docs = max(1, int(lexical.size))
            df = lexical.document_frequency(token)
        except AttributeError:
            return None
        return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))

    return idf


def span_of(sentence: Sentence) -> Span:
    return Span(sentence.start, sentence.end, sentence.text)
