"""What a question asks: its language, the dates it names, its kind, and the text to retrieve with.

Questions are short, so language comes from function words, accents and elisions first and
from a statistical detector (py3langid, restricted to fr/en) only when those are silent.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from communique.assistant.dates import DateMention, date_filter, is_publication_date
from communique.assistant.text import QUESTION_WORDS, fold, tokenize
from communique.index.language import question_language as detect_language  # one detector for search and answers
from communique.index.limits import MAX_QUESTION_CHARS

_WHO_SAID = re.compile(
    r"\b(?:who|which\s+\w+|what\s+\w+)\s+(?:has\s+|had\s+|did\s+)?"
    r"(?:said|say|says|stated|state|declared|declare|quoted|remarked|commented|noted|told|wrote|"
    r"called|spoke|speaks|argued|insisted|warned|promised|added|emphasi[sz]ed|stressed)\b"
    r"|\bwho\s+is\s+quoted\b|\bwhose\s+(?:words|quote|statement)\b|\bquoted\s+as\s+saying\b"
    r"|\bqui\s+(?:a|ont|avait|aurait)\s+(?:dit|declare|affirme|souligne|cite|ecrit|prononce|"
    r"ajoute|indique|precise|rappele|rappelle|lance|promis|insiste|averti|estime|soutenu)\b"
    r"|\bqui\s+(?:dit|declare|affirme|souligne|estime)\b"
    # "Who, at Easter Seals Alberta, said …?", « Qui, chez Easter Seals Alberta, a souligné … ? »
    r"|\b(?:who|qui)\s*,[^,?]{2,60},\s*(?:has\s+|had\s+|did\s+|a\s+|ont\s+|avait\s+)?"
    r"(?:said|say|stated|declared|noted|stressed|dit|declare|affirme|souligne|ajoute|indique|precise|estime)\b"
    r"|\bquel(?:le)?s?\s+\w+\s+(?:a|ont)\s+(?:dit|declare|affirme|souligne|ajoute)\b"
    r"|\bde\s+qui\s+(?:est|vient|provient)\s+(?:la|cette)\s+(?:citation|declaration)\b"
    # "Who at the Smithers Art Gallery was quoted …?", « Qui … est cité pour avoir dit … ? »
    # (the question's own "who", at its start or after a comma: not a relative "the company who was quoted")
    r"|(?:^|[,;:]\s*)who\b[^?]{0,80}?\b(?:was|were|is|are|gets|got|been)\s+(?:quoted|cited)\b(?!\s+for\b)"
    r"|(?:^|[,;:]\s*)qui\b[^?]{0,80}?\b(?:est|sont|etait|a\s+ete|ont\s+ete)\s+cite(?:e|s|es)?\b(?!\s+pour\s+(?:sa|son|ses)\b)"
    # « Qui, au comté de Lac La Biche, s'est réjoui que … ? »: a reaction said in a quote
    r"|(?:^|[,;:]\s*)qui\b[^?]{0,80}?\bs'est\s+(?:rejoui|felicite|dit)(?:e|s|es)?\b"
    r"|\bqui\s+est\s+l'auteur\s+de\b"
    r"|\b(?:selon|d'apres)\s+qui\b|\baccording\s+to\s+(?:whom|who)\b"
)
# Interrogatives that also serve as relative pronouns ("the minister who…", « le lieu où… ») only
# count at the start of the question or after "tell me"-style openers.
_OPENER = (
    r"(?:^|[.?!;:,]\s*|\b(?:tell\s+me|do\s+you\s+know|dites-moi|dis-moi|savez-vous|sais-tu|je\s+cherche|and|et)\s+)"
    r"(?:(?:and|et|so|alors|but|mais|also|aussi|ok|then|puis|now|maintenant)\s*,?\s+)?"
)
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "duration",  # before "count": « combien de temps » asks for a length of time, not a number of things
        re.compile(
            # ("how long will the new lanes be?" asks for a length: a measure, below)
            r"\bhow\s+long\b(?!\s+(?:is|was|will\s+be)\s+the\s+(?:road|highway|trail|bridge|route|line|path|pipeline))"
            r"(?![^?]*\bbe\s*\??\s*$)"
            r"|\bhow\s+often\b|\bhow\s+frequently\b|\bfor\s+how\s+(?:long|many\s+(?:years|months|weeks|days|hours))\b"
            r"|\bcombien\s+de\s+temps\b|\bpendant\s+combien\s+(?:de|d')\b|\bsur\s+combien\s+(?:d'annees|de\s+mois|d'ans)\b"
            r"|\ba\s+quelle\s+frequence\b|\bquelle\s+(?:est\s+la\s+|sera\s+la\s+)?(?:duree|frequence)\b"
            r"|\bwhat\s+(?:is\s+|was\s+|will\s+be\s+)?the\s+(?:duration|frequency|length\s+of\s+(?:the\s+)?(?:term|mandate|program|contract|pilot|closure|sprints?))\b"
        ),
    ),
    (
        # Asked for by a company's or body's kind: "Which company is doing the work?", « Quelle entreprise … ? »
        "organisation",
        re.compile(
            r"\b(?:which|what)\s+(?!(?:do|does|did|can|could|will|would|are|is|was|were|should|must|have|has)\s)(?:\w+\s+)?(?:compan(?:y|ies)|firms?|contractors?|clinics?|societ(?:y|ies)|charit(?:y|ies)|"
            r"foundations?|associations?|non-profits?|nonprofits?|universit(?:y|ies)|colleges?|hospitals?|"
            r"institutions?|businesses|business|manufacturers?|suppliers?|operators?|partners?|groups?|bodies|body|"
            r"organi[sz]ations?)\b"
            r"|\bquel(?:le)?s?\s+(?:\w+\s+)?(?:entreprises?|societes?|firmes?|entrepreneurs?|cliniques?|fondations?|"
            r"associations?|organismes?|universites?|colleges?|hopitaux|hopital|"
            r"institutions?|fabricants?|fournisseurs?|exploitants?|partenaires?|groupes?|organisations?)\b"
        ),
    ),
    (
        # A measure is a number with its unit: "How high will the dam be?", « Sur quelle superficie … ? »
        "count",
        re.compile(
            r"\bhow\s+(?:high|tall|wide|deep|far|heavy|long\s+is\s+the\s+(?:road|highway|trail|bridge|route|line|path|pipeline))\b"
            r"|\bhow\s+long\b(?=[^?]*\bbe\s*\??\s*$)"
            r"|\bwhat\s+(?:is\s+|was\s+|will\s+be\s+)?(?:the\s+)?(?:area|height|size|length|width|depth|volume|capacity|"
            r"distance|surface|acreage)\b|\b(?:area|height|size|length|volume|capacity)\s+of\b"
            r"|\bquel(?:le)?s?\s+(?:est\s+|sera\s+|etait\s+)?(?:la\s+|le\s+)?(?:superficie|hauteur|taille|longueur|largeur|"
            r"profondeur|volume|capacite|distance|surface|etendue)\b|\bsur\s+quelle\s+(?:superficie|distance|longueur|surface)\b"
        ),
    ),
    (
        "count",
        re.compile(
            r"\bhow\s+many\b|\bcombien\s+(?!(?:de|d')\s*temps\b)(?:de|d')\s*(?!dollars?\b|argent\b|fonds\b|financement\b)"
            r"|\b(?:what|which)\s+number\s+of\b|\bnumber\s+of\b|\bquel\s+nombre\b|\ble\s+nombre\b"
        ),
    ),
    (
        "amount",
        re.compile(
            r"\bhow\s+(?:much|large|big)\b|\bwhat\s+(?:amount|sum|budget|percentage|share)\b"
            r"|\b(?:amount|sum)\s+of\b|\bcost\b(?!-)|\bcombien\b(?!\s+de\s+temps)|\bquel(?:le)?s?\s+(?:montant|somme|budget|nombre|"
            r"pourcentage|part|cout|enveloppe|investissement)\b|\ble\s+(?:montant|nombre|cout)\b"
        ),
    ),
    (
        "place",
        re.compile(
            _OPENER + r"(?:where|ou|d'ou)\b"
            r"|\b(?:in|from|at)\s+which\s+(?:\w+\s+)?(?:city|town|province|country|region|place|community|territory)\b"
            r"|\bwhat\s+(?:city|town|province|country|region|location|place|venue)\b"
            r"|\b(?:dans|en|a)\s+quel(?:le)?\s+(?:ville|province|pays|region|lieu|endroit|territoire|localite)\b"
            r"|\bquel(?:le)?\s+(?:ville|province|pays|region|lieu|endroit)\b"
            r"|\b(?:street|civic|mailing)\s+address\b|\bthe\s+address\s+of\b|\bl'adresse\s+(?:de|du|des)\b"
        ),
    ),
    (
        "date",
        re.compile(
            _OPENER + r"(?:when|quand|depuis\s+quand|jusqu'a\s+quand)\b"
            r"|\b(?:until|till|since|by)\s+when\b"
            r"|\b(?:during|over|for|in)\s+(?:what|which)\s+(?:period|time\s*frame|dates?|months?|weeks?)\b"
            r"|\b(?:pendant|durant|sur|pour|au\s+cours\s+de)\s+quel(?:le)?s?\s+(?:periode|dates?|mois|semaines?)\b"
            r"|\bwhat\s+(?:date|day|year|month|time)\b|\bwhich\s+(?:date|day|year|month)\b"
            r"|\bquel(?:le)?\s+(?:date|jour|annee|mois)\b|\ba\s+quel(?:le)?\s+(?:date|moment)\b"
            r"|\bquel(?:le)?\s+(?:est|sera|etait)\s+la\s+date\b|\bdeadline\b|\bdate\s+limite\b"
        ),
    ),
    (
        "person",
        re.compile(
            _OPENER + r"(?:(?:to|by|with|from)\s+)?(?:who|whom)\b"
            + r"|" + _OPENER + r"(?:(?:a|par|de|avec|pour|aupres\s+de)\s+)?qui\b(?!\s+(?:est-ce|sont|est\s+ce)\b)"
            r"|\bwhich\s+(?:(?:two|three|four|federal|provincial|cabinet|other)\s+){0,2}(?:ministers?|officials?|persons?|people|premiers?|mps?|members?|departments?|"
            r"personalit(?:y|ies)|dignitar(?:y|ies)|representatives?|mayors?|speakers?|leaders?|guests?)\b"
            r"|\bquel(?:le)?s?\s+(?:ministres?|personnes?|deputes?|premiers?\s+ministres?|ministeres?|responsables?|"
            r"personnalites?|membres?|elus?|elues?|intervenants?|dignitaires?|representants?|maires?|invites?)\b"
        ),
    ),
    ("reason", re.compile(r"\bwhy\b|\bfor\s+what\s+reason\b|\bpourquoi\b|\bpour\s+quelle\s+raison\b")),
    # Asked for by the noun rather than "how much": "what are the amounts", « quelle est la valeur ».
    # ("Which budget provides it?" asks for a named budget, "Budget 2024", not a sum.)
    (
        "amount",
        re.compile(
            r"\b(?:amounts?|sums?|value|worth|costs?(?!-)|(?<!which\s)budgets?|price|rate|percentage|montants?|sommes?|valeur|"
            r"couts?|(?<!which\s)budgets?|prix|taux|pourcentage|proportion|rents?|loyers?|fees?|frais|fines?|amendes?|salar(?:y|ies)|"
            r"salaires?|wages?|premiums?|tarifs?|plafond|ceiling|penalt(?:y|ies)|penalites?)\b"
        ),
    ),
]


# A second question joined to the first: "How much …, and how much has it raised since?", « Quel montant …,
# et quelle est la date limite ? »: the answer needs a second sentence, even one of the same kind.
_SECOND_ASK = re.compile(
    r"(?:,\s*|\s)(?:and|et)\s+(?:(?:by|for|in|to|from|a|pour|de|depuis|jusqu'a|sur|par)\s+)?"
    r"(?:how|what|when|where|who|whom|which|combien|quel(?:le)?s?|quand|ou|qui)\b"
)
_ASKS_YEAR = re.compile(r"\b(?:what|which)\s+year\b|\bby\s+when\b|\bquelle\s+annee\b|\bd'ici\s+quand\b|\bin\s+what\s+year\b")


@dataclass(frozen=True)
class Question:
    """The analysed question. `retrieval_text` has the date phrase cut out."""

    text: str  # as asked, cleaned and capped
    lang: str  # "fr" or "en"
    lang_confident: bool
    kind: str  # who_said, count, amount, place, date, person, organisation, duration, reason, other
    date_from: str | None
    date_to: str | None
    retrieval_text: str
    content_words: tuple[str, ...] = field(default=())
    problem: str | None = None  # "empty", "no_words", "truncated" — why the question is unusual
    dates_from_text: bool = False  # date_from/date_to were read from the question's words
    kinds: tuple[str, ...] = ()  # every kind asked for ("how much …, and when?"), `kind` first
    until: bool = False  # "until when", « jusqu'à quand »: the answer is an end date
    # Dates named as content ("the rate for 2025", "as of June 30"): matched in the text, never a filter.
    content_dates: tuple[DateMention, ...] = ()
    asks_year: bool = False  # "by what year?", « d'ici quelle année ? »: a year alone is a full answer
    second_clause: str = ""  # "…, and how much since it started?": that second question, as written

    @property
    def second_ask(self) -> bool:
        """Two things asked, so two sentences may answer."""
        return bool(self.second_clause)


def clean_question(raw: object) -> tuple[str, str | None]:
    """Printable, whitespace-collapsed text capped at MAX_QUESTION_CHARS; plus a problem tag."""
    text = "" if raw is None else str(raw)
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    problem = None
    if len(text) > MAX_QUESTION_CHARS:
        cut = text.rfind(" ", 0, MAX_QUESTION_CHARS)
        text = text[: cut if cut > MAX_QUESTION_CHARS // 2 else MAX_QUESTION_CHARS]
        problem = "truncated"
    if not text:
        return "", "empty"
    if not re.search(r"[^\W_]", text):
        return text, "no_words"
    return text, problem


def _clause_from(text: str, folded: str, start: int) -> str:
    """The question from `start` (an offset into its folded form) on, as written: « et où » must stay
    « où » (folded, it is « ou », "or"), whatever « œ » or « ß » before it folded into."""
    origin = [i for i, ch in enumerate(text) for _ in fold(ch).replace("’", "'")]
    if len(origin) != len(folded) or start >= len(origin):
        return folded[start:].strip(" ,?")  # (characters that fold together: no exact map)
    return text[origin[start]:].strip(" ,?")


def question_kinds(text: str) -> tuple[str, ...]:
    """Every kind asked for, in the order asked: "How much …, and over how many years?" → amount, amount;
    « Jusqu'à quand et où … ? » → date, place. The first is `question_kind`."""
    primary = question_kind(text)
    folded = fold(text).replace("’", "'")
    found: list[tuple[int, str]] = []
    for kind, pattern in _KINDS:
        for match in pattern.finditer(folded):
            if kind == "place" and match.group().rstrip().endswith("ou") and not re.search(r"\b(?:où|d'où|d’où)\b", text.casefold()):
                continue
            found.append((match.start(), kind))
    kinds = [primary] + [k for _, k in sorted(found) if k != primary]
    return tuple(dict.fromkeys(k for k in kinds if k != "other")) or ("other",)


def question_kind(text: str) -> str:
    """The main kind asked for: a quote's speaker first, else the kind asked earliest in the question."""
    folded = fold(text).replace("’", "'")
    if _WHO_SAID.search(folded):
        return "who_said"
    best: tuple[int, int, str] | None = None
    for priority, (kind, pattern) in enumerate(_KINDS):
        for match in pattern.finditer(folded):
            # folding merges « où » (where) with « ou » (or): only the accented one asks for a place
            if kind == "place" and match.group().rstrip().endswith("ou") and not re.search(
                r"\b(?:où|d'où|d’où)\b", text.casefold()
            ):
                continue
            candidate = (match.start(), priority, kind)
            if best is None or candidate < best:
                best = candidate
            break
    return best[2] if best else "other"


_RANGE_JOIN = re.compile(r"^\s*(?:and|et|to|au|à|a|-|–|until|till|jusqu'?(?:à|au|en)?)\s*$", re.IGNORECASE)
_DANGLING = re.compile(
    r"\b(?:between|and|from|to|in|on|of|entre|et|du|au|de|en|le|depuis|since)\s*(?=[?!.,;:]|$)", re.IGNORECASE
)


def _tidy(text: str) -> str:
    """Remove what cutting a date phrase leaves behind ("between and?", a leading comma)."""
    text = re.sub(r"\s+", " ", text)
    for _ in range(3):
        text = _DANGLING.sub("", text)
        text = re.sub(r"\s+([?!.,;:])", r"\1", text).strip()
        text = re.sub(r"^[,;:.\s]+", "", text)
        text = re.sub(r"([,;:])\s*(?=[?!.]|$)", "", text).strip()
    return text


def analyse(
    raw: object,
    *,
    lang: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    default_lang: str | None = None,
) -> Question:
    """Everything the assistant needs to know about one question, never raising."""
    text, problem = clean_question(raw)
    if lang in ("fr", "en"):
        detected, confident = lang, True
    elif problem in ("empty", "no_words"):
        detected, confident = (default_lang or "en"), False
    else:
        detected, confident = detect_language(text)
        if not confident and default_lang in ("fr", "en"):
            detected = default_lang
    _, _, mentions = date_filter(text)
    # Only wording about publication ("announced in July 2024", « publiés en 2025 ») restricts by
    # release date (softly: the assistant widens when nothing answers). Any other date names an event
    # or the content and stays in the words searched for.
    published = [m for m in mentions if is_publication_date(text, m)]
    for before, after in zip(mentions, mentions[1:]):  # "announced between May 2024 and July 2024"
        if before in published and after not in published and _RANGE_JOIN.match(text[before.end : after.start]):
            published.append(after)
    content = tuple(m for m in mentions if m not in published)
    # "releases from June 2024" means released in June 2024, not since then
    phrases = [re.sub(r"(?i)^from\s+", "", text[m.start : m.end]) for m in published]
    q_from, q_to, _ = date_filter(" ".join(phrases)) if published else (None, None, [])
    retrieval = text
    for mention in reversed(published):
        retrieval = retrieval[: mention.start] + " " + retrieval[mention.end :]
    retrieval = _tidy(retrieval)
    if not tokenize(retrieval):  # the date was all there was: keep it to search with
        retrieval = text
    words = tuple(t for t in tokenize(retrieval) if t not in QUESTION_WORDS)
    return Question(
        text=text,
        lang=detected,
        lang_confident=confident,
        kind=question_kind(text) if text else "other",
        date_from=date_from if date_from or date_to else q_from,
        date_to=date_to if date_from or date_to else q_to,
        retrieval_text=retrieval,
        content_words=words,
        problem=problem,
        dates_from_text=bool(published) and not (date_from or date_to),
        kinds=question_kinds(text) if text else ("other",),
        until=bool(re.search(r"\buntil\b|\btill\b|\bjusqu", fold(text))),
        asks_year=bool(_ASKS_YEAR.search(fold(text))),
        second_clause=_clause_from(text, folded, second.start())
        if (second := _SECOND_ASK.search(folded := fold(text).replace("’", "'"))) else "",
        content_dates=content,
    )
