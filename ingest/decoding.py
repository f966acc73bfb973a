"""Bytes -> text for files of unknown encoding (French accents must survive cp1252/latin-1)."""
from __future__ import annotations

import codecs
from pathlib import Path

from communique.ingest.problems import Problem

BINARY_MESSAGE = "binary file, not text"
_SAMPLE = 64 * 1024
# Longest first: the UTF-32-LE BOM begins with the UTF-16-LE one.
UNICODE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def bom_encoding(data: bytes) -> str | None:
    """The codec named by a leading byte-order mark (it also removes the mark), else None."""
    return next((codec for bom, codec in UNICODE_BOMS if data.startswith(bom)), None)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or a large share of control characters mean this is not a text file."""
    sample = data[:_SAMPLE]
    if not sample:
        return False
    if b"\x00" in sample:
        # UTF-16/32 text has NULs too, but only with a BOM do we accept it.
        return bom_encoding(sample) in (None, "utf-8-sig")
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(sample) > 0.05


def decode_bytes(data: bytes, path: str | Path) -> str | Problem:
    """Decode `data`: UTF-8 (BOM stripped), UTF-16/UTF-32 with BOM, else the best legacy guess.

    Legacy files here are almost always Windows-1252 (a superset of latin-1 for printable text),
    so cp1252 is the fallback when charset-normalizer is unsure; cp1252 cannot decode five byte
    values, for which latin-1 is used.
    """
    if looks_binary(data):
        return Problem(str(path), None, BINARY_MESSAGE)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif (codec := bom_encoding(data)) is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            return Problem(str(path), None, f"invalid {codec.upper()} text: {exc.reason}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = _guess_legacy_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode("latin-1")  # never fails: every byte is a character


def _guess_legacy_encoding(data: bytes) -> str:
    """charset-normalizer's guess among Western encodings, cp1252 when it has no clear answer."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - declared dependency
        return "cp1252"
    best = from_bytes(data[: 256 * 1024], cp_isolation=["cp1252", "latin_1", "iso8859_15", "mac_roman"]).best()
    if best is None:
        return "cp1252"
    enc = best.encoding.lower().replace("-", "_")
    # latin-1 and cp1252 agree on accented letters; cp1252 also gets curly quotes and the euro sign.
    if enc in {"latin_1", "iso8859_1", "ascii"}:
        return "cp1252"
    return enc
