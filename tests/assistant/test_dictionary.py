"""The general FR ↔ EN dictionary (assistant/dictionary.py): dictd files read as data, noisy
senses left out, and its place after the glossary in `equivalents`."""
from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pytest

from communique.assistant import dictionary
from communique.assistant.extractive import Sentence, score
from communique.assistant.glossary import _table as glossary_table
from communique.assistant.glossary import equivalents
from communique.assistant.terms import Terms
from communique.assistant.text import fold, stem
from communique.index.models import Hit

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(n: int) -> str:
    out = ""
    while True:
        out = _B64[n % 64] + out
        n //= 64
        if n == 0:
            return out


def write_pair(directory: Path, pair: str, entries: list[tuple[str, str]], extra_index: str = "") -> None:
    """A dictd pair as FreeDict ships it: gzip'd entries, an index of base-64 offsets."""
    blob, index = b"00-database-info\nA test dictionary\n", ["00-database-info\tA\t" + _b64(36)]
    for head, body in entries:
        entry = f"{head} /ipa/ <n>\n{body}\n".encode()
        index.append(f"{head}\t{_b64(len(blob))}\t{_b64(len(entry))}")
        blob += entry
    (directory / f"freedict-{pair}.dict.dz").write_bytes(gzip.compress(blob))
    (directory / f"freedict-{pair}.index").write_text("\n".join(index) + "\n" + extra_index, encoding="utf-8")


@pytest.fixture()
def small_dictionary(tmp_path: Path) -> Path:
    write_pair(tmp_path, "fra-eng", [
        ("inondation", "flood"),
        ("écloserie", "1. hatchery\n2. fish farm"),
        ("abaisser", "lower, reduce, cut, drop, humble, abase"),  # six senses: too ambiguous
        ("mettre en œuvre", "implement"),  # a phrase: its words alone would match too much
    ])
    write_pair(tmp_path, "eng-fra", [("grant", "subvention")], extra_index="broken\t!!\tA\n")
    return tmp_path


def test_entries_are_read_from_the_dictd_files(small_dictionary: Path):
    entries = dict(dictionary.read_pair(small_dictionary, "fra-eng"))
    assert entries["inondation"] == ["flood"]
    assert entries["écloserie"] == ["hatchery", "fish farm"]


def test_the_table_goes_both_ways_and_leaves_out_phrases_and_many_senses(small_dictionary: Path):
    table = dictionary.table(str(small_dictionary))
    assert table[stem("inondation")] == {stem("flood")}
    assert stem("inondation") in table[stem("flood")]
    assert table[stem(fold("écloserie"))] == {stem("hatchery")}  # "fish farm" is a phrase
    assert stem("abaisser") not in table and stem("lower") not in table
    assert stem("implement") not in table
    assert table[stem("grant")] == {stem("subvention")}


def test_a_bad_index_line_is_named_and_skipped(small_dictionary: Path, caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.WARNING):
        entries = dict(dictionary.read_pair(small_dictionary, "eng-fra"))
    assert entries == {"grant": ["subvention"]}
    assert "freedict-eng-fra.index:3: bad offset" in caplog.text


def test_absent_or_disabled_dictionary_is_empty(tmp_path: Path):
    assert dictionary.table(str(tmp_path)) == {}
    assert dictionary.table("") == {}
    (tmp_path / "freedict-fra-eng.index").write_text("x\tA\tB\n", encoding="utf-8")
    (tmp_path / "freedict-fra-eng.dict.dz").write_bytes(b"not gzip")
    assert dictionary.read_pair(tmp_path, "fra-eng") == []


def test_a_damaged_data_file_is_named_and_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    """A gzip header followed by garbage: zlib's own error, which an answer must never meet."""
    write_pair(tmp_path, "fra-eng", [("inondation", "flood")])
    good = (tmp_path / "freedict-fra-eng.dict.dz").read_bytes()
    (tmp_path / "freedict-fra-eng.dict.dz").write_bytes(good[:10] + b"\xff" * 40)
    with caplog.at_level(logging.WARNING):
        assert dictionary.table(str(tmp_path)) == {}
    assert "freedict-fra-eng.dict.dz: dictionary not read" in caplog.text


def test_the_installed_freedict_files_are_read():
    """`make install` installs Debian's dict-freedict-fra-eng and dict-freedict-eng-fra."""
    table = dictionary.table()
    assert len(table) > 5000, f"FreeDict files missing or unread under {dictionary.DICTIONARY_DIR}"
    assert stem("flood") in table[stem("inondation")]
    assert stem("subsidy") in table[stem("subvention")]


def test_the_glossary_comes_first_and_the_dictionary_fills_its_gaps():
    # « printemps » has no glossary line: the dictionary gives "spring"
    assert stem("printemps") not in glossary_table()
    assert stem("spring") in equivalents(stem("printemps"))
    # « emplois » has one: only the glossary's senses count
    assert equivalents(stem("emplois")) == glossary_table()[stem("emplois")]


def _hit(release_id: str, lang: str) -> Hit:
    return Hit(chunk_id=f"{release_id}#0", release_id=release_id, text="", start=0, end=200, title="",
               date="2020-05-01", url="", lang=lang, pair_id=None, score=1.0, rank=1)


def test_a_french_question_matches_an_english_sentence_through_the_dictionary():
    weights = {stem("inondation"): 2.0, stem("printemps"): 1.5}
    terms = Terms(weights=weights, focus=frozenset(weights),
                  translations={s: equivalents(s) for s in weights})
    flood = Sentence(_hit("r1", "en"), 0, 60, "Albertans hit by the spring floods can apply for support.", lead=True)
    other = Sentence(_hit("r1", "en"), 61, 120, "Albertans can apply for support at any registry office.", lead=False)
    score([flood, other], terms, ("other",), "fr", {})
    assert flood.coverage == pytest.approx(1.0)
    assert other.coverage == 0.0
    assert flood.score > other.score
