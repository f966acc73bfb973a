import codecs

from communique.ingest.decoding import BINARY_MESSAGE, decode_bytes
from communique.ingest.problems import Problem

FRENCH = "Le ministre a annoncé un investissement à Québec : « élève », cœur, garçon, où, août."


def test_utf8_plain():
    assert decode_bytes(FRENCH.encode("utf-8"), "a.txt") == FRENCH


def test_utf8_bom_is_stripped():
    assert decode_bytes(codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "a.txt") == FRENCH


def test_utf16_with_bom():
    assert decode_bytes(FRENCH.encode("utf-16"), "a.txt") == FRENCH


def test_cp1252_french():
    text = FRENCH + " Coût : 5 € – “citation”."
    assert decode_bytes(text.encode("cp1252"), "a.txt") == text


def test_latin1_french():
    text = "Réunion à Montréal : les élèves de l'école Sainte-Thérèse ont reçu leur diplôme."
    assert decode_bytes(text.encode("latin-1"), "a.txt") == text


def test_binary_with_nul_bytes():
    result = decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "img.txt")
    assert isinstance(result, Problem)
    assert result.message == BINARY_MESSAGE
    assert result.path == "img.txt"


def test_control_heavy_bytes_are_binary():
    assert isinstance(decode_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 50, "x.txt"), Problem)


def test_empty_is_empty_text():
    assert decode_bytes(b"", "e.txt") == ""
