"""Row columns: language and date filters, persistence without pickle, damage, generations written before them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from communique.index import generations
from communique.index.errors import IndexCorrupted
from communique.index.manifest import file_digest
from communique.index.models import Chunk, Release
from communique.index.retriever import Retriever
from communique.index.row_columns import NO_DATE, RowColumns, date_ordinal, lang_code
from communique.index.storage.contract import Filters
from communique.index.storage.local import LocalStorage
from communique.index.writer import IndexWriter

ROWS = [
    (10, "en", "2024-01-01"),
    (11, "fr", "2024-02-01"),
    (12, "en", None),
    (13, "de", "2024-03-15"),
    (14, "fr", "2024-03-31T09:00:00"),
    (15, "en", "not a date"),
]


def _columns() -> RowColumns:
    return RowColumns.build(ROWS)


def test_build_codes_languages_and_dates_and_round_trips(tmp_path):
    columns = _columns()
    assert columns.size == 6
    assert columns.langs.tolist() == [0, 1, 0, 2, 1, 0]
    assert columns.dates.tolist()[2] == columns.dates.tolist()[5] == NO_DATE
    assert columns.dates.tolist()[4] == date_ordinal("2024-03-31")
    assert [columns.group_of_row(r) for r in range(6)] == ["en", "fr", "en", "other", "fr", "en"]
    assert lang_code("es") == lang_code("de") == 2
    assert columns.save(tmp_path) == ["row-columns.npz"]
    loaded = RowColumns.load(tmp_path)
    for name in ("vids", "langs", "dates"):
        assert np.array_equal(getattr(loaded, name), getattr(columns, name))
        assert getattr(loaded, name).dtype == getattr(columns, name).dtype
    with pytest.raises(ValueError):  # snapshots share the arrays: nobody writes into them
        loaded.langs[0] = 1


def test_no_filter_is_no_mask():
    columns = _columns()
    assert columns.rows_allowed(Filters()) is None
    assert columns.ids_allowed("en", Filters()) is None


def test_language_filter():
    columns = _columns()
    assert columns.rows_allowed(Filters(lang="fr")).tolist() == [False, True, False, False, True, False]
    assert columns.rows_allowed(Filters(lang="es")).tolist() == [False, False, False, True, False, False]
    # without a date the language is applied by the groups searched: FAISS gets no id selector
    assert columns.ids_allowed("en", Filters(lang="fr")) is None


def test_date_range_is_inclusive_and_drops_undated_rows():
    columns = _columns()
    between = columns.rows_allowed(Filters(date_from="2024-02-01", date_to="2024-03-31"))
    assert between.tolist() == [False, True, False, True, True, False]
    since = columns.rows_allowed(Filters(date_from="2024-03-01"))
    assert since.tolist() == [False, False, False, True, True, False]
    until = columns.rows_allowed(Filters(date_to="2024-01-31"))
    assert until.tolist() == [True, False, False, False, False, False]
    both = columns.rows_allowed(Filters(lang="en", date_to="2024-12-31"))
    assert both.tolist() == [True, False, False, False, False, False]  # undated and malformed dates are out


def test_ids_allowed_are_the_groups_dated_ids():
    columns = _columns()
    dated = Filters(date_from="2024-01-01", date_to="2024-12-31")
    assert columns.ids_allowed("en", dated).tolist() == [10]
    assert columns.ids_allowed("fr", dated).tolist() == [11, 14]
    assert columns.ids_allowed("other", dated).tolist() == [13]
    assert columns.ids_allowed("en", Filters(lang="fr", date_from="2024-01-01")).tolist() == []
    assert columns.ids_allowed("fr", Filters(date_from="2025-01-01")).tolist() == []


def _write(path: Path, **arrays) -> None:
    good = {"vids": np.arange(3, dtype=np.int64), "langs": np.zeros(3, np.uint8), "dates": np.zeros(3, np.int32)}
    good.update(arrays)
    with open(path, "wb") as handle:
        np.savez(handle, **{k: v for k, v in good.items() if v is not None})


DAMAGE = {
    "not a zip": lambda p: p.write_bytes(b"PK\x03\x04" + bytes(200)),
    "empty": lambda p: p.write_bytes(b""),
    "a column missing": lambda p: _write(p, dates=None),
    "2-d": lambda p: _write(p, vids=np.zeros((3, 1), np.int64)),
    "wrong dtype": lambda p: _write(p, langs=np.zeros(3, np.float64)),
    "lengths differ": lambda p: _write(p, dates=np.zeros(2, np.int32)),
    "unknown language code": lambda p: _write(p, langs=np.array([0, 1, 7], np.uint8)),
    "pickled objects": lambda p: _write(p, vids=np.array([1, "x", None], dtype=object)),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_file_is_index_corrupted_naming_it(tmp_path, damage):
    _columns().save(tmp_path)
    DAMAGE[damage](tmp_path / "row-columns.npz")
    with pytest.raises(IndexCorrupted, match="row-columns.npz"):
        RowColumns.load(tmp_path)


# -- generations ----------------------------------------------------------------------------
def _release(rid: str, text: str, lang: str, date: str | None) -> Release:
    return Release(id=rid, lang=lang, text=text, title=rid, date=date)


def _chunks(release: Release) -> list[Chunk]:
    cut = release.text.index(" ", len(release.text) // 2)
    spans = [(0, cut), (cut + 1, len(release.text))]
    return [Chunk(Chunk.make_id(release.id, s, e), release.id, s, e, release.text[s:e], release.lang) for s, e in spans]


RELEASES = [
    _release("r-harbour", "The federal government invests $70 million in the Cornwall harbour. Work starts in June.",
             "en", "2024-06-01"),
    _release("r-port", "Le gouvernement fédéral investit 70 millions dans le port de Cornwall. Les travaux commencent.",
             "fr", "2024-06-02"),
    _release("r-mourning", "A statement on the national day of mourning for the victims of the Cornwall fire.", "en", None),
    _release("r-bridge", "Ottawa funds a new bridge over the Cornwall canal, with work from March to October.",
             "en", "2025-03-10"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("columns") / "ix"
    with IndexWriter.open(index_dir, embedder_name="use") as writer:
        for release in RELEASES:
            writer.upsert(release, _chunks(release))
        writer.commit(reopen=False)
    return index_dir


def _resign(gen: Path, drop: str | None = None) -> None:
    manifest = json.loads((gen / "manifest.json").read_text())
    manifest["files"] = {name: file_digest(gen / name) for name in manifest["files"] if name != drop}
    (gen / "manifest.json").write_text(json.dumps(manifest))


def _as_legacy(index_dir: Path) -> Path:
    """Rewrite the published generation as the writer wrote it before row columns had their own file."""
    gen = generations.current_generation(index_dir)
    with np.load(gen / "lexical.npz", allow_pickle=False) as lexical, \
            np.load(gen / "row-columns.npz", allow_pickle=False) as columns:
        arrays = {k: lexical[k] for k in lexical.files} | {k: columns[k] for k in ("langs", "dates")}
    with open(gen / "lexical.npz", "wb") as handle:
        np.savez(handle, **arrays)
    (gen / "row-columns.npz").unlink()
    _resign(gen, drop="row-columns.npz")
    return gen


def _copy(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built, tmp_path / "ix")
    return tmp_path / "ix"


def test_the_writer_lists_the_columns_in_the_manifest(built):
    gen = generations.current_generation(built)
    manifest = json.loads((gen / "manifest.json").read_text())
    assert "row-columns.npz" in manifest["files"]
    with np.load(gen / "lexical.npz", allow_pickle=False) as lexical:
        assert sorted(lexical.files) == ["indptr", "rows", "vids", "weights"]


FILTERS = [Filters(), Filters(lang="fr"), Filters(date_from="2024-06-01", date_to="2024-06-30"),
           Filters(lang="en", date_from="2024-01-01"), Filters(date_to="2024-06-01"), Filters(date_from="2030-01-01")]


def test_a_generation_written_before_the_columns_file_opens_and_searches_the_same(built, tmp_path):
    legacy_dir = _copy(built, tmp_path)
    gen = _as_legacy(legacy_dir)
    assert not (gen / "row-columns.npz").exists()
    new = LocalStorage(built).open_snapshot(verify=True)
    old = LocalStorage(legacy_dir).open_snapshot(verify=True)  # not reported corrupted
    try:
        for name in ("vids", "langs", "dates"):
            assert np.array_equal(getattr(old.columns, name), getattr(new.columns, name))
        query = new.vectors.reconstruct("en", int(new.columns.vids[new.columns.langs == 0][0]))
        for filters in FILTERS:
            terms = ["cornwall", "harbour", "port"]
            assert old.lexical_search(terms, 10, filters) == new.lexical_search(terms, 10, filters)
            assert old.dense_search(["en", "fr"], query, 10, filters) == new.dense_search(["en", "fr"], query, 10, filters)
        june = Filters(date_from="2024-06-01", date_to="2024-06-30")
        assert len(new.dense_search(["en"], query, 10, june)["en"]) == 2 < len(new.dense_search(["en"], query, 10, Filters())["en"])
        assert {m.group for m in new.lexical_search(["cornwall"], 10, june)} == {"en", "fr"}
    finally:
        new.close()
        old.close()
    hits = Retriever.open(legacy_dir).search("Cornwall harbour", k=5, date_from="2024-06-01", date_to="2024-06-30")
    assert hits and {h.release_id for h in hits} <= {"r-harbour", "r-port"}


def test_the_next_commit_on_an_older_generation_writes_the_columns_file(built, tmp_path):
    legacy_dir = _copy(built, tmp_path)
    _as_legacy(legacy_dir)
    with IndexWriter.open(legacy_dir) as writer:
        writer.remove("r-bridge")
        writer.commit(reopen=False)
    gen = generations.current_generation(legacy_dir)
    assert "row-columns.npz" in json.loads((gen / "manifest.json").read_text())["files"]
    assert Retriever.open(legacy_dir).stats().chunks == 6


def test_columns_missing_from_the_manifest_and_the_bm25_arrays_is_corrupted(built, tmp_path):
    index_dir = _copy(built, tmp_path)
    _resign(generations.current_generation(index_dir), drop="row-columns.npz")
    with pytest.raises(IndexCorrupted, match=r"lexical\.npz: no row columns"):
        LocalStorage(index_dir).open_snapshot(verify=True)


def test_columns_whose_rows_are_not_the_bm25_rows_are_corrupted(built, tmp_path):
    index_dir = _copy(built, tmp_path)
    gen = generations.current_generation(index_dir)
    columns = RowColumns.load(gen)
    RowColumns(vids=columns.vids[::-1].copy(), langs=columns.langs.copy(), dates=columns.dates.copy()).save(gen)
    _resign(gen)
    with pytest.raises(IndexCorrupted, match="row-columns.npz"):
        LocalStorage(index_dir).open_snapshot(verify=True)


def test_a_damaged_columns_file_with_a_valid_checksum_is_corrupted(built, tmp_path):
    index_dir = _copy(built, tmp_path)
    gen = generations.current_generation(index_dir)
    _write(gen / "row-columns.npz", langs=np.zeros(3, np.float32))
    _resign(gen)
    with pytest.raises(IndexCorrupted, match="row-columns.npz"):
        Retriever.open(index_dir)
