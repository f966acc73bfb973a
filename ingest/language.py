"""Language of a release: check a declared `lang` against the text.

Detection itself is `index.language` (one detector for ingest, search and the assistant);
this module decides what to do when the declared language and the text disagree.
"""
from __future__ import annotations

from communique.index.language import (  # noqa: F401 - re-exported: ingest's callers and tests use these names
    CANDIDATE_LANGUAGES,
    UNKNOWN_LABELS,
    detect_language,
    heuristic_language,
    language_shares,
    normalize_code,
)

MIN_CHARS_TO_OVERRIDE = 200
MIN_CONFIDENCE_TO_OVERRIDE = 0.95


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
