"""Which language a text is in: one detector for ingest, search and the assistant.

Two questions, one set of word lists and one py3langid loader, so that the library and the
assistant never disagree on the language of the same query:

- `question_language` — a short query: French/English function words, accents and elisions
  first (statistical detectors are unreliable on five words), py3langid only when they tie.
- `detect_language` — a document: py3langid (bundled model, loaded without pickle) restricted
  to languages plausible in Canadian government communications, which removes most of its
  exotic mistakes; short or uncertain samples fall back to the same word counts.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from communique.index.text import fold

# Official languages first, then the most common other languages of Canadian communications.
CANDIDATE_LANGUAGES = (
    "fr", "en", "es", "pt", "it", "de", "nl", "pl", "ru", "uk", "zh", "ja", "ko", "vi", "ar",
    "fa", "hi", "pa", "ur", "tl", "ta", "el", "tr", "ro",
)
UNKNOWN_LABELS = frozenset({"", "mixed", "mul", "und", "xx", "zxx", "unknown", "none", "null"})
_ALIASES = {"fra": "fr", "fre": "fr", "french": "fr", "français": "fr", "francais": "fr",
            "eng": "en", "english": "en", "anglais": "en"}
_CODE = re.compile(r"[a-z]{2,3}")  # ISO 639-1 or 639-3

# Function words common in one language and rare in the other (folded: no accents, lower case).
# "a", "on", "en" and the like exist in both: they are in neither set.
FR_WORDS = frozenset(
    """
    le la les un une des du de et est sont en au aux pour par dans sur avec qui que quoi quel quelle
    quels quelles combien comment quand pourquoi ou ce cette ces son sa ses leur leurs il elle ils
    elles nous vous je a-t-il a-t-elle est-ce ont etait sera pas ne plus lors selon apres avant
    depuis aussi y-a-t-il annonce ministre gouvernement financement cela ca ete etre
    """.split()
)
EN_WORDS = frozenset(
    """
    the of and to in is are was were for on with what which who whom whose how when where why did
    does do much many about this that these those it its they their from by be been has have had
    will would can could should said say announce announced minister government funding there any
    at our we you not
    """.split()
)
_QUERY_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_FR_LETTERS = re.compile(r"[àâçéèêëîïôûùüÿœ«»]")
_FR_ELISION = re.compile(r"\b(?:l|d|qu|n|j|s|c|jusqu)['’][a-zàâçéèêëîïôûùüÿœ]")
_EN_CONTRACTION = re.compile(r"\b\w+['’](?:s|t|re|ve|ll|d)\b")

_SHORT = 40
_WINDOW = 500
_DOC_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_FR_ACCENTS = re.compile(r"[éèêàùçôîûœ]")


@lru_cache(maxsize=4)
def identifier(languages: tuple[str, ...] = CANDIDATE_LANGUAGES) -> Any:
    """py3langid restricted to `languages`, loaded once per set (its model file is not a pickle)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(languages))
    return ident


def normalize_code(label: str | None) -> str:
    """`"FR"`, `"fr-CA"`, `"fra"`, `"French"` -> `"fr"`; unknown labels -> `""`."""
    text = (label or "").strip().lower().replace("_", "-")
    text = _ALIASES.get(text, text)
    if text in UNKNOWN_LABELS:
        return ""
    base = text.split("-")[0]
    base = _ALIASES.get(base, base)
    return base if _CODE.fullmatch(base) else ""  # "klingon", "n/a", "2": not a language code


def question_language(text: str) -> tuple[str, bool]:
    """('fr'|'en', confident) for a short question or search query."""
    words = _QUERY_WORD.findall(fold(text))
    fr: float = sum(w in FR_WORDS for w in words)
    en: float = sum(w in EN_WORDS for w in words)
    lowered = text.casefold()
    if _FR_LETTERS.search(lowered):
        fr += 1.5
    if _FR_ELISION.search(lowered):
        fr += 1
    if _EN_CONTRACTION.search(lowered):
        en += 1
    if fr != en:
        return ("fr" if fr > en else "en"), abs(fr - en) >= 1
    if not re.search(r"[^\W\d_]", text):
        return "en", False
    lang, _ = identifier(("fr", "en")).classify(text)
    return (lang if lang in ("fr", "en") else "en"), False


def guess_language(text: str) -> str:
    """'fr' or 'en' for a search query (what `Retriever.search` prefers when no language is given)."""
    return question_language(text)[0]


def heuristic_language(text: str) -> tuple[str, float]:
    """French or English by function words and accents; ("", 0.0) when there is nothing to go on."""
    words = [fold(w) for w in _DOC_WORD.findall(text[:5000])]
    fr: float = sum(1 for w in words if w in FR_WORDS or w.startswith(("l'", "d'", "l’", "d’", "qu'", "qu’")))
    en: float = sum(1 for w in words if w in EN_WORDS)
    fr += len(_FR_ACCENTS.findall(text[:5000])) * 0.5
    if fr == en:
        return "", 0.0
    lang = "fr" if fr > en else "en"
    return lang, max(fr, en) / (fr + en)


def _windows(text: str) -> list[str]:
    """Up to three ~500-character samples (start, middle, end), cut at spaces.

    langid's cost grows with the text; three samples are plenty for one language and also
    reveal releases that are English then French (the bilingual "mixed" records).
    """
    if len(text) <= 3 * _WINDOW:
        return [" ".join(text.split())]
    out = []
    for start in (0, (len(text) - _WINDOW) // 2, len(text) - _WINDOW):
        piece = text[start:start + _WINDOW]
        if start:
            piece = piece.split(" ", 1)[-1]
        out.append(" ".join(piece.rsplit(" ", 1)[0].split()))
    return out


def _classify(sample: str) -> tuple[str, float]:
    if not _DOC_WORD.search(sample):
        return "", 0.0
    lang, prob = identifier().classify(sample)
    prob = float(prob)
    if len(sample) < _SHORT or (prob < 0.8 and lang not in ("fr", "en")):
        h_lang, h_conf = heuristic_language(sample)
        if h_lang and (len(sample) < _SHORT or h_conf >= 0.75):
            return h_lang, min(h_conf, 0.9)
        if len(sample) < _SHORT and prob < 0.5:
            return "", 0.0  # a name or a code: no language to speak of
    return lang, prob


def language_shares(text: str) -> dict[str, float]:
    """Share of the sampled text in each detected language, largest first."""
    votes: dict[str, float] = {}
    windows = [w for w in _windows(text) if w]
    total = sum(len(w) for w in windows) or 1
    for window in windows:
        lang, _ = _classify(window)
        if lang:
            votes[lang] = votes.get(lang, 0.0) + len(window) / total
    return dict(sorted(votes.items(), key=lambda kv: -kv[1]))


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, confidence 0..1) of a document; ("", 0.0) when the text has no letters.

    The confidence is the detector's probability times the share of samples that agree, so a
    bilingual text never gets a high confidence for either language.
    """
    results = [_classify(w) for w in _windows(text) if w]
    results = [(lang, prob) for lang, prob in results if lang]
    if not results:
        return "", 0.0
    counts: dict[str, list[float]] = {}
    for lang, prob in results:
        counts.setdefault(lang, []).append(prob)
    best = max(counts, key=lambda k: (len(counts[k]), sum(counts[k])))
    probs = counts[best]
    return best, sum(probs) / len(probs) * len(probs) / len(results)
