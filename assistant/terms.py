"""The question's terms: weighted stems of its own words and of the words a follow-up carries in.

IDF weights from the index; names and numbers count more and are kept as "specifics" — the groups of
words (one per name or number) an answer's release must contain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from communique.assistant.followup import Resolution, names_in
from communique.assistant.glossary import equivalents
from communique.assistant.text import QUESTION_WORDS, fold, stem, tokenize
from communique.index.text import STOPWORDS


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
    # stem -> the other language's stems for it (assistant/glossary.py): « emplois » also matches "jobs"
    # in a sentence of the other language.
    translations: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.weights.values()) or 1.0


def question_terms(resolution: Resolution, idf: Callable[[str], float | None],
                   learned: Callable[[str], tuple[str, ...]] | None = None) -> Terms:
    """Weighted stems of the question's own topic words and (at half weight) the carried ones;
    `learned` gives the index's own FR/EN equivalents of a stem (`index.pair_lexicon`)."""
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
    translations = {s: found for s in weights if (found := equivalents(s, learned))}
    focus_stems = frozenset(stem(t) for t in focus) | frozenset(phrases)
    return Terms(weights=weights, exact=frozen, focus=focus_stems, names=frozenset(name_stems),
                 specifics=tuple(groups), specific_names=tuple(group_names), subject_weights=subject,
                 phrases=phrases, translations=translations)
