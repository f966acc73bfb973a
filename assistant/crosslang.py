"""Find, in the other-language version of a release, the sentence that translates a given one.

Translations keep numbers, names and many cognates, and keep the order of the text; so a
sentence is matched by shared numbers, shared stems (names, « ministre »/"minister") and
similar relative position, plus how well it answers the question in its own language. When
nothing matches clearly (the other version is a one-line teaser, say) there is no counterpart
and the original is quoted with a framing sentence instead — as it is when the counterpart
drops what the original states (`loses_information`: versions are not always full translations).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from communique.assistant.convert import NUMBER_WORDS
from communique.assistant.glossary import equivalents
from communique.assistant.places import mentions
from communique.assistant.text import Span, fold, split_sentences, stem, tokenize
from communique.assistant.values import find_value

MAX_TARGET_CHARS = 60_000  # beyond this, look only near the relative position
ACCEPT = 0.42


@dataclass(frozen=True)
class Match:
    span: Span
    score: float


def _profile(text: str) -> tuple[set[str], set[str]]:
    tokens = tokenize(text)
    numbers = {t for t in tokens if t.isdigit()}
    stems = {stem(t) for t in tokens if not t.isdigit() and len(t) > 3}
    return numbers, stems


def counterpart(
    source_text: str,
    span: Span,
    target_text: str,
    question_stems: frozenset[str] = frozenset(),
) -> Match | None:
    """The sentence of `target_text` that best corresponds to `span` of `source_text`, if clear."""
    if not target_text.strip() or not source_text:
        return None
    rel = span.start / max(1, len(source_text))
    lo, hi = 0, len(target_text)
    if len(target_text) > MAX_TARGET_CHARS:
        centre = int(rel * len(target_text))
        lo, hi = max(0, centre - MAX_TARGET_CHARS // 2), min(len(target_text), centre + MAX_TARGET_CHARS // 2)
    numbers, stems = _profile(span.text)
    best: Match | None = None
    second = 0.0
    for cand in split_sentences(target_text, lo, hi):
        c_numbers, c_stems = _profile(cand.text)
        num = _overlap(numbers, c_numbers) if numbers or c_numbers else None
        lex = _overlap(stems, c_stems)
        pos = 1.0 - min(1.0, abs(cand.start / max(1, len(target_text)) - rel) * 2.5)
        ratio = min(len(cand.text), len(span.text)) / max(len(cand.text), len(span.text), 1)
        q = len(question_stems & c_stems) / len(question_stems) if question_stems else 0.0
        if num is None:
            value = 0.45 * lex + 0.25 * pos + 0.15 * ratio + 0.15 * q
        else:
            value = 0.35 * num + 0.30 * lex + 0.15 * pos + 0.10 * ratio + 0.10 * q
        if numbers and c_numbers and not numbers & c_numbers:
            value *= 0.5  # different figures: not the same sentence
        if best is None or value > best.score:
            second = best.score if best else 0.0
            best = Match(cand, value)
        elif value > second:
            second = value
    if best is None or best.score < ACCEPT or best.score - second < 0.03:
        return None
    return best


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b)) * (0.5 + 0.5 * min(len(a), len(b)) / max(len(a), len(b)))


def loses_information(original: str, translated: str, kind: str, question: str, *, opens: bool = False) -> bool:
    """Whether quoting `translated` instead of `original` would drop what the question asks.

    Versions of one release are not always full translations: a French teaser may name the minister
    its English partner leaves out. The translated sentence must keep the original's figures, the
    surnames of the people it names, and, for a "where" question, the place it names (`opens`: the
    original opens its release, so its dateline names a place)."""
    asked = set(tokenize(question))
    if _figures(original) - asked - _figures(translated):
        return True  # (a figure the question itself gives is not news to the asker)
    other = _Version.of(translated, asked)
    if any(other.lacks_person(original, found) for found in _PERSON.finditer(original)):
        return True
    if kind != "place":
        return False
    # a place the original names and the translation does not (a dateline "OTTAWA" only one version has);
    # other kinds are not compared: « Jour des funérailles » is no date to the French reader, "the day
    # of the funeral" is one to the English one, and figures were compared above
    place = find_value(kind, original, 0, exclude=fold(question), lead=opens)
    return place is not None and any(other.lacks_place(part) for part in place.text.split(","))


# The kinds whose answer is a figure: the other version's sentence adds one ("by 2027", « article 11 »).
_FIGURE_KINDS = frozenset({"amount", "count", "date", "duration", "other"})


def adds_information(fuller: str, quoted: str, kind: str, question: str, *, opens: bool = False) -> bool:
    """Whether the other version's sentence `fuller` states what the question asks and the quoted one
    leaves out: a partial translation drops the minister on whose behalf, the year, the city ("Lahore"
    where the English notice says "Pakistan"). Only what the kind asked can be (a figure, a person's
    surname, a place): a name spelt differently or a body's name rewritten is no news to the asker."""
    asked = set(tokenize(question))
    if kind in _FIGURE_KINDS:
        return bool(_figures(fuller) - asked - _figures(quoted))
    if kind in ("person", "who_said"):
        short = _Version.of(quoted, asked)
        return any(short.lacks_person(fuller, found) for found in _PERSON.finditer(fuller))
    if kind == "place":
        place = find_value(kind, fuller, 0, exclude=fold(question), lead=opens)
        return place is not None and any(_Version.of(quoted, asked).lacks_place(part) for part in place.text.split(","))
    return False


@dataclass(frozen=True)
class _Version:
    """The translated sentence, as the checks read it: folded letters and stems (the question's too)."""

    letters: str
    stems: frozenset[str]

    @classmethod
    def of(cls, text: str, asked: set[str]) -> "_Version":
        tokens = tokenize(_numbers_as_digits(text), keep_stopwords=True)
        return cls(re.sub(r"[^a-z]+", " ", fold(text)), frozenset(stem(t) for t in [*tokens, *asked]))

    def keeps(self, word: str) -> bool:
        s = stem(word)
        return s in self.stems or bool(equivalents(s) & self.stems)

    def lacks_person(self, original: str, found: re.Match[str]) -> bool:
        words = found.group().split()
        titles = [i for i, w in enumerate(words[:-1]) if fold(w).lower().rstrip(".") in _TITLES]
        if titles:
            words = words[titles[-1] + 1:]  # "Minister Sean Fraser", "Island Premier Dennis King": the name
        # "In Nova Scotia", "Quebec City": a province in the run is there as « Nouvelle-Écosse », « Québec »
        provinces = [mentions(self.letters, " ".join(words[i:j]))
                     for i in range(len(words)) for j in range(i + 1, len(words) + 1)]
        if any(p is not None for p in provinces):
            return not any(provinces)
        last = tokenize(words[-1])
        if not last or self.keeps(last[-1]):
            return False
        if not equivalents(stem(last[-1])):
            return True  # a surname has no translation: it must be there
        # A surname that is also a word ("Mark *Holland*", "Sean *Fraser*") only where the run reads as a
        # person: after a title, before ", Minister…", or after a given name that is no word; not in a
        # body's name ("Veterans *Affairs*", "Chief Public Health *Officer*").
        before = fold(original[max(0, found.start() - 25):found.start()]).lower()
        after = fold(original[found.end():found.end() + 25]).lower()
        titled = len(words) < len(found.group().split()) or bool(_TITLE_BEFORE.search(before)) or bool(
            _TITLE_AFTER.match(after))
        first = tokenize(words[-2]) if len(words) >= 2 else []  # "… Édouard Dennis King": the last two
        return bool(first) and (titled or not equivalents(stem(first[0])))

    def lacks_place(self, part: str) -> bool:
        """"Halifax, Nova Scotia" is read part by part, each by its own words."""
        words = [w for w in tokenize(part) if not w.isdigit()]
        return bool(words) and not mentions(self.letters, part) and not any(self.keeps(w) for w in words)


def _figures(text: str) -> set[str]:
    """The numbers a sentence states, without clock times ("10:45 p.m." is « 22 h 45 » in French) and
    with a fiscal year's short end ("2024-25") written out ("2024-2025")."""
    text = _FISCAL.sub(lambda m: f"{m.group(1)}-{m.group(1)[:2]}{m.group(2)}", _CLOCK.sub(" ", text))
    text = re.sub(r"(?<=\d)-(?=[^\W\d])", " ", _numbers_as_digits(text))  # "two-day" → "2 day"
    return {t for t in tokenize(text) if t.isdigit()}


def _numbers_as_digits(text: str) -> str:
    return _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[fold(m.group()).lower()], text)


# Small numbers spelt out ("two days", « deux jours »): two to ten as `convert` writes them, then to twenty;
# not "one"/« un », « une » (articles, pronouns) nor « neuf » ("new").
_NUMBER_WORDS = {w: str(i) for words in NUMBER_WORDS.values() for i, w in enumerate(words) if i >= 2 and w != "neuf"} | {
    w: str(i) for i, ws in enumerate([("eleven", "onze"), ("twelve", "douze"), ("thirteen", "treize"),
                                       ("fourteen", "quatorze"), ("fifteen", "quinze"), ("sixteen", "seize"),
                                       ("seventeen",), ("eighteen",), ("nineteen",), ("twenty", "vingt")], start=11)
    for w in ws}
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_FISCAL = re.compile(r"\b(20\d\d)-(\d\d)\b")
# Titles that stand before a name and are not part of it ("Minister Sean Fraser"); not "Chief", which
# opens titles too ("Chief Public Health Officer").
_TITLES = frozenset("""minister ministre honourable honorable premier premiere mayor mairesse maire mr mrs ms
    dr m mme monsieur madame senator senateur senatrice president presidente""".split())
# Words that say the name beside them is a person's (before it: "Chief Alice McKay"; after it: ", MLA").
_TITLE_WORDS = "|".join(sorted((_TITLES - {"m"}) | {"chief", "chef", "mp", "mla", "depute", "deputee", "ceo"}))
_TITLE_BEFORE = re.compile(r"\b(?:" + _TITLE_WORDS + r")\.?\s*$")
_TITLE_AFTER = re.compile(r"\s*,\s*(?:the\s+|la\s+|le\s+)?(?:" + _TITLE_WORDS + r"|parliamentary|secretary|secretaire|"
                          r"director|directeur|directrice|executive)\b")
_CLOCK = re.compile(r"\b\d{1,2}(?:\s?[:h]\s?\d{2})?\s?(?:[ap]\.?\s?m\b\.?|h\b|heures?\b)|\b\d{1,2}\s?[:h]\s?\d{2}\b", re.I)
# A person's name: two to four capitalised words ("Bill Blair", "Arthur J. LeBlanc"), which translations
# keep as they are; names of bodies and programs are translated, and are not checked this way.
_PERSON = re.compile(r"\b[A-ZÀ-Ö][a-zà-ÿ'’\-]+(?:\s+(?:[A-Z]\.|[A-ZÀ-Ö][a-zà-ÿ'’\-]*[a-zà-ÿ][A-Za-zà-ÿ'’\-]*)){1,3}\b")
