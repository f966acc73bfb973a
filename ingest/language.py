"""Language of a release: detect it, and check a declared `lang` against the text.

py3langid (bundled model, loaded without pickle) is restricted to languages plausible in
Canadian government communications, which removes most of its exotic mistakes on short text.
For very short or uncertain text a French/English stop-word count decides instead.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Official languages first, then the most common other languages of Canadian communications.
CANDIDATE_LANGUAGES = (
    "fr", "en", "es", "pt", "it", "de", "nl", "pl", "ru", "uk", "zh", "ja", "ko", "vi", "ar",
    "fa", "hi", "pa", "ur", "tl", "ta", "el", "tr", "ro",
)
UNKNOWN_LABELS = frozenset({"", "mixed", "mul", "und", "xx", "zxx", "unknown", "none", "null"})
_ALIASES = {"fra": "fr", "fre": "fr", "french": "fr", "français": "fr", "francais": "fr",
            "eng": "en", "english": "en", "anglais": "en"}

MIN_CHARS_TO_OVERRIDE = 200
MIN_CONFIDENCE_TO_OVERRIDE = 0.95
_SHORT = 40
_WINDOW = 500

_FR_WORDS = frozenset(
    "le la les des du de un une et est sont au aux pour par sur dans avec que qui ne pas plus "
    "ce cette ces son sa ses leur leurs nous vous il elle ils elles été être a ont où".split()
)
_EN_WORDS = frozenset(
    "the and of to in for on with is are was were be been by this that these from at as an "
    "it its their our we you will has have not which".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_FR_ACCENTS = re.compile(r"[éèêàùçôîûœ]")
_CODE = re.compile(r"[a-z]{2,3}")  # ISO 639-1 or 639-3


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(CANDIDATE_LANGUAGES))
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


def heuristic_language(text: str) -> tuple[str, float]:
    """French or English by stop words and accents; ("", 0.0) when there is nothing to go on."""
    words = [w.lower() for w in _WORD.findall(text[:5000])]
    fr = sum(1 for w in words if w in _FR_WORDS or w.startswith(("l'", "d'", "l’", "d’", "qu'", "qu’")))
    en = sum(1 for w in words if w in _EN_WORDS)
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
    if not _WORD.search(sample):
        return "", 0.0
    lang, prob = _identifier().classify(sample)
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
    """(ISO 639-1 code, confidence 0..1); ("", 0.0) when the text has no letters.

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


def resolve_language(declared: str | None, text: str) -> tuple[str, str | None]:
    """Language to index the text under, and a warning when the declared one was unusable or wrong.

    A declared language is trusted unless the text is long enough and the detector is nearly
    certain of another one (some "French" records of the corpus are in fact English).
    """
    code = normalize_code(declared)
    detected, confidence = detect_language(text)
    if not code:
        if not detected:
            return "und", "language unknown and not detectable from the text"
        shares = language_shares(text)
        mixed = len(shares) > 1
        if not (declared or "").strip() and not mixed:
            return detected, None  # nothing declared: detection is the normal path
        what = f"language {declared!r} is not a language" if (declared or "").strip() else "no language given"
        if mixed:
            parts = ", ".join(f"{lang} {share:.0%}" for lang, share in shares.items())
            return detected, f"{what}; the text mixes languages ({parts}); using {detected!r}"
        return detected, f"{what}; detected {detected!r} (confidence {confidence:.2f})"
    if (
        detected
        and detected != code
        and len(text) >= MIN_CHARS_TO_OVERRIDE
        and confidence >= MIN_CONFIDENCE_TO_OVERRIDE
    ):
        return detected, f"declared language {code!r} but the text is {detected!r} (confidence {confidence:.2f}); using {detected!r}"
    return code, None
