"""The evidence an answer rests on, measured so that the abstention policy can weigh it.

Topic overlap alone cannot tell a near miss from an answer: "How many family doctors will Ontario
hire in 2025?" finds a release about doctors. So besides coverage and similarity, the signals check
the question's *specifics* — names, places, numbers, years — in the cited sentences themselves (not
only somewhere in the release), and whether those sentences hold the kind of value asked for.
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from communique.assistant.abstain import Signals
from communique.assistant.attribution import speaker_of
from communique.assistant.dates import mentions_range
from communique.assistant.extractive import Sentence
from communique.assistant.glossary import equivalents
from communique.assistant.places import aliases, mentions, other_province
from communique.assistant.quantities import asked_measure
from communique.assistant.question import Question
from communique.assistant.semantic import SentenceSimilarity
from communique.assistant.shape import is_yes_no
from communique.assistant.terms import Terms
from communique.assistant.text import fold, stem, tokenize
from communique.assistant.values import find_value
from communique.assistant.wordindex import word_index
from communique.index.models import Hit, Release
from communique.index.text import STOPWORDS

VALUE_KINDS = ("amount", "count", "date", "place", "person")

_TITLE_CACHE: dict[str, frozenset[str]] = {}


def _specifics_present(chosen: list[Sentence], terms: Terms, cited: list[Release],
                       cross: bool) -> tuple[float, float, float, float]:
    """Shares of the question's specifics (names, numbers) in the cited releases and in the cited
    sentences, whether every number is in the releases, and whether every province or territory named
    is: (found, in_sentences, numbers_present, places_present)."""
    if not terms.specifics:
        return 1.0, 1.0, 1.0, 1.0
    indexes = [word_index(r) for r in cited]
    # A name counts as present when most of its words are ("Nouveau-Brunswick" for "New Brunswick");
    # across languages, where a translated name keeps only some words, when any of them is.
    need = (lambda group: 1) if cross else (lambda group: max(1, len(group) / 2))
    names = terms.specific_names if len(terms.specific_names) == len(terms.specifics) else ("",) * len(terms.specifics)

    def present(group: frozenset[str], name: str) -> bool:
        place = [mentions(ix.letters, name) for ix in indexes] if name else [None]
        if place[0] is not None:  # a province: any of its French, English or short names
            return any(place)
        if name.isupper() and len(name) >= 4 and any(fold(name) in ix.folded for ix in indexes):
            return True  # an acronym inside a longer one: "SLGBTQI" in "2SLGBTQI+"
        if sum(any(ix.has(s) or (cross and any(ix.has(a) for a in terms.translations.get(s) or equivalents(s))) for ix in indexes)
               for s in group) < need(group):
            return False  # across languages a word's glossary equivalent counts: « Corée » / "Korea"
        words = tokenize(name)
        if not cross and len(words) >= 2 and words[-1] not in STOPWORDS:
            # "David Onley", "New Brunswick": the last word is the specific one ("David Kilgour" is
            # not David Onley); across languages names are rewritten, so only the rule above holds
            return any(ix.has(stem(words[-1])) for ix in indexes)
        return True

    found = sum(1 for g, name in zip(terms.specifics, names) if present(g, name)) / len(terms.specifics)
    # "the most popular baby names in British Columbia" answered from Alberta's list: another province
    # (only when they name another one: a PEI release may say only "Islanders", its province in a field)
    asked_places = [name for name in names if name and aliases(name)]
    places_present = float(all(any(mentions(ix.letters, name) for ix in indexes) for name in asked_places)
                           or not any(other_province(ix.letters, asked_places) for ix in indexes))
    numbers = [next(iter(g)) for g in terms.specifics if len(g) == 1 and next(iter(g)).isdigit()]
    numbers_present = float(all(any(ix.has(n) for ix in indexes) for n in numbers))
    stems = frozenset().union(*(s.stems for s in chosen))
    if cross:
        stems = stems | {s for s in terms.weights if terms.translations.get(s, frozenset()) & stems}
    in_sentences = sum(1 for g in terms.specifics if len(g & stems) >= need(g)) / len(terms.specifics)
    return found, in_sentences, numbers_present, places_present


def compute_signals(chosen: list[Sentence], terms: Terms, releases: dict[str, Release], q: Question,
                    release_of: Callable[[str], Release | None],
                    similarity: SentenceSimilarity, ranks: Mapping[str, int] | None = None) -> Signals:
    """`ranks`: release id → retrieval rank of its announcement (both language versions count as one)."""
    best = max(chosen, key=lambda s: s.score)
    cross = best.lang != q.lang
    focus_weights = {s: w for s, w in terms.weights.items() if s in terms.focus}
    focus_total = sum(focus_weights.values()) or 1.0
    context: set[str] = set()
    for sent in chosen:
        context |= sent.matched
        context |= {s for s in terms.weights if s in _title_stems(sent.hit.title)}
    context_coverage = sum(w for s, w in focus_weights.items() if s in context) / focus_total
    cited = _cited_releases(chosen, releases, release_of)  # with their translations, read once
    found, in_sentences, numbers_present, places_present = _specifics_present(chosen, terms, cited, cross)
    coverage = best.focus_coverage
    followup = bool(set(terms.subject_weights) - set(terms.focus))
    if followup:
        # A follow-up's own words are few ("When does he start?"): its subject is carried in.
        coverage = 0.5 * best.focus_coverage + 0.5 * best.release_coverage
    semantic = similarity.cosine(best)
    kind_value = 1.0
    if q.kind in VALUE_KINDS:
        question_folded = fold(q.text)
        measure = asked_measure(q.text) if q.kind == "amount" else None
        kind_value = 1.0 if any(find_value(q.kind, s.text, s.start, exclude=question_folded, measure=measure)
                                for s in chosen) else 0.0
    dates_present = 1.0
    for mention in q.content_dates:
        # "as of June 30, 2024": said in a cited sentence, or the release is of that date; a whole year
        # ("the rate for 2025") may be stated anywhere in the cited release.
        whole_year = mention.date_from[5:] == "01-01" and mention.date_to[5:] == "12-31"
        if not any(mentions_range(s.text, mention.date_from, mention.date_to)
                   or _dated(releases.get(s.release_id), mention.date_from, mention.date_to) for s in chosen) and not (
                whole_year and any(word_index(r).has(mention.date_from[:4]) for r in cited)):
            dates_present = 0.0
    return Signals(
        rarest_absent=_rarest_absent(focus_weights, terms, cited, q.lang),
        dates_present=dates_present,
        coverage=round(coverage, 4),
        context_coverage=round(context_coverage, 4),
        specifics=round(found, 4),
        n_specifics=len(terms.specifics),
        dense=round(float(best.hit.dense_score or 0.0), 4),
        cue=_kind_cue(chosen, q.kind, releases),
        cross_language=cross,
        semantic=None if semantic is None else round(semantic, 4),
        followup=followup,
        sentence_specifics=round(in_sentences, 4),
        kind_value=kind_value,
        amount_asked=q.kind == "amount" and asked_measure(q.text) is not None and not is_yes_no(q.text),
        hit_rank=(ranks or {}).get(best.release_id, best.hit.rank),
        numbers_present=numbers_present,
        places_present=places_present,
    )


# A capitalised run may be a body without a telling word ("Technical Safety BC", "Flying Squirrel
# Trampoline Park"): it weighs half to choose a sentence by (cues.py), and is no sign of a miss.
_PLAUSIBLE = {"organisation": 0.5}


def _kind_cue(chosen: list[Sentence], kind: str, releases: dict[str, Release]) -> float:
    """How clearly the cited sentences hold the kind asked (1.0 when none is asked). "Who said …?" is
    answered by a sentence inside a quotation whose speaker is named, though it names nobody itself."""
    if kind == "other":
        return 1.0
    if kind == "who_said" and any((r := releases.get(s.release_id)) is not None and speaker_of(r.text, s.start, s.end)
                                  for s in chosen):
        return 1.0
    cue = min(1.0, max(s.cue for s in chosen))
    return 1.0 if cue >= _PLAUSIBLE.get(kind, 2.0) else cue


# The words that frame a question rather than name its subject ("where was it *held*", « dans quelle
# *ville* », "how much did it *get*"): an answer rarely repeats them, so their absence says nothing.
# Also the reporting and modal verbs and time adverbs of a question ("does it *mention*", « *peut*-elle »,
# « *désormais* ») and the nouns that name the measure asked ("*distance*", « *hauteur* »: "33 metres high").
_FRAME_STEMS = frozenset(stem(w) for w in """
    held hold take took place located location city town venue date day year time amount total number
    much money cost worth value get got gets receive received go went put give given provide provided say said
    announce announced name named start starts begin begins end ends last long
    tenu tenue tenait tenaient tient deroule deroulait deroulee lieu situe situee ville endroit date jour
    annee montant argent total nombre cout coute couter valeur obtenu recu recoit donne verse accorde fourni
    annonce annonces nomme commence debut fin dure duree
    mention mentions mentioned state states stated refer refers describe described mean means cite cited
    can could may might now currently still new
    mentionne mentionnent evoque indique precise cite retient retenu peut peuvent pourra pourront desormais
    actuellement toujours nouveau nouvel nouvelle trouve trouvent
    distance height high tall area size length long wide volume capacity duration frequency often period status
    hauteur haut superficie taille longueur largeur capacite frequence periode statut
""".split())


def _rarest_absent(focus_weights: dict[str, float], terms: Terms, cited: list[Release], qlang: str) -> float:
    """The weight (0..1) of the rarest of the question's own words that no cited release holds, not
    even translated: "How much for the new *arena*?" answered from a release without an arena.

    Only words whose absence can be seen count: when every cited release is in the other language, a
    word with no known equivalent (glossary, dictionary) and not a name or number cannot be looked for
    (« gîtes » in an English release) — counting it made nearly every cross-language answer look like a
    near miss on words nobody wrote an entry for (dev split with the glossary off)."""
    indexes = [word_index(r) for r in cited]
    same_language = any(r.lang == qlang for r in cited)

    def checkable(s: str) -> bool:
        return same_language or s in terms.names or bool(terms.translations.get(s)) or s.isdigit()

    absent = [w for s, w in focus_weights.items() if s not in _FRAME_STEMS and checkable(s)
              and not any(ix.has(s) or any(ix.has(a) for a in terms.translations.get(s, ())) for ix in indexes)]
    return round(min(1.0, max(absent, default=0.0) / 2.0), 4)


def _title_stems(title: str) -> frozenset[str]:
    cached = _TITLE_CACHE.get(title)
    if cached is None:
        cached = frozenset(stem(t) for t in tokenize(title, keep_stopwords=True))
        if len(_TITLE_CACHE) > 4096:
            _TITLE_CACHE.clear()
        _TITLE_CACHE[title] = cached
    return cached


def announcement_ranks(hits: Sequence[Hit]) -> dict[str, int]:
    """Release id → the rank of its announcement among the hits, a release and its translation being
    one announcement (the hits keep both versions apart: the English version of the first announcement
    is often the second hit)."""
    order: dict[str, int] = {}
    ranks: dict[str, int] = {}
    for hit in hits:
        key = hit.pair_id or hit.release_id
        order.setdefault(key, len(order) + 1)
        ranks.setdefault(hit.release_id, order[key])
    return ranks


def _cited_releases(chosen: list[Sentence], releases: dict[str, Release],
                    release_of: Callable[[str], Release | None]) -> list[Release]:
    ids = {s.release_id for s in chosen} | {t for s in chosen for t in s.hit.translations}
    out = [releases.get(i) or release_of(i) for i in ids]
    return [r for r in out if r is not None]


def _dated(release: Release | None, date_from: str, date_to: str) -> bool:
    return bool(release and release.date and date_from <= release.date <= date_to)
