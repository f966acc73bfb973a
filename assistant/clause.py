"""The second question joined to the first ("…, and who will run it?", « …, et combien de personnes
a-t-il employées ? »): what it asks and by which words, so that `extractive.select` can add the sentence
that answers it when the sentences chosen for the first do not."""
from __future__ import annotations

from dataclasses import dataclass

from communique.assistant.extractive import Sentence
from communique.assistant.quantities import asked_noun
from communique.assistant.question import Question, question_kind
from communique.assistant.terms import Terms
from communique.assistant.text import stem, tokenize
from communique.assistant.values import find_value


@dataclass(frozen=True)
class Clause:
    """The second question joined to the first ("…, and who will run it?"): the kind it asks and the
    stems of its own words among the question's terms."""

    kind: str
    stems: frozenset[str]
    noun: str | None = None  # "and how many people …?": a count of people

    def overlap(self, sent: Sentence, terms: Terms) -> float:
        return sum(terms.weights.get(s, 0.0) for s in sent.matched & self.stems)

    def holds(self, sent: Sentence, terms: Terms, *, loosely: bool = False) -> bool:
        """The sentence states a value of the kind asked: a count of its noun (`loosely`: or any count
        beside the clause's own words — "how many people did it employ?", "employment to 180 crew
        members"), a person or (for "who will run it?") a body; any sentence for "what …?"."""
        if self.kind in _CLAUSE_VALUES:
            if find_value(self.kind, sent.text, 0, noun=self.noun) is not None:
                return True
            if loosely and self.kind == "count" and self.noun and self.overlap(sent, terms) > 0:
                return find_value("count", sent.text, 0) is not None
            return self.kind == "person" and find_value("organisation", sent.text, 0) is not None
        return self.kind in ("other", "reason") or sent.cues.get(self.kind, 0.0) >= 0.99

    def could_answer(self, sent: Sentence, terms: Terms) -> bool:
        """Worth adding for it: holds a value of the kind asked (loosely), or, when the kind has no
        value ("and what will the clinics offer?"), shares its words."""
        if not self.holds(sent, terms, loosely=True):
            return False
        return self.kind in _CLAUSE_VALUES or not self.stems or self.overlap(sent, terms) > 0

    def answered_by(self, sent: Sentence, terms: Terms) -> bool:
        """It holds the kind asked and some of the clause's own words (or the clause has none)."""
        return self.holds(sent, terms) and (not self.stems or self.overlap(sent, terms) > 0)


_CLAUSE_VALUES = ("amount", "count", "date", "person", "place", "organisation", "duration")


def second_clause(q: Question, terms: Terms) -> Clause | None:
    """The second question of "…, and who will run it?" as `select` weighs it: its kind, its own words."""
    if not q.second_clause:
        return None
    stems = frozenset(stem(t) for t in tokenize(q.second_clause)) & frozenset(terms.weights)
    kind = question_kind(q.second_clause)
    return Clause(kind, stems, asked_noun(q.second_clause) if kind == "count" else None)
