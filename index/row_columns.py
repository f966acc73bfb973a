"""Each passage row's vector id, language and date: what the language and date filters read.

Row i here is row i of the BM25 index (`index.lexical`): both are built in one pass over the
record store in vid order. The vids live in both tables, on purpose: BM25 names its matches by
vid without these columns, and a date filter turns allowed rows into FAISS ids without the BM25
index, so each file loads and is checked alone; it costs 8 bytes a row, and the local backend
refuses a generation whose two vid columns disagree.

Generations written before this table had its own file keep the same three columns in the BM25
arrays file: `load_legacy` reads them there.
"""
from __future__ import annotations

import zipfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from communique.index.calendar import parse_iso_date
from communique.index.errors import IndexCorrupted
from communique.index.layout import LEXICAL_ARRAYS, ROW_COLUMNS
from communique.index.storage.contract import Filters

LANG_CODES = {"en": 0, "fr": 1}
OTHER_LANG = 2
NO_DATE = -1
_GROUP_OF_CODE = ("en", "fr", "other")  # by code: the vector group of each language code
_DTYPES = {"vids": np.dtype(np.int64), "langs": np.dtype(np.uint8), "dates": np.dtype(np.int32)}
_NO_UPPER_BOUND = 10**9


def lang_code(lang: str) -> int:
    return LANG_CODES.get(lang, OTHER_LANG)


def date_ordinal(date: str | None) -> int:
    """Days since 0001-01-01 for an ISO date, NO_DATE when absent or malformed."""
    if not date:
        return NO_DATE
    try:
        return parse_iso_date(date[:10]).toordinal()
    except ValueError:
        return NO_DATE


class ColumnsBuilder:
    """Collects rows in flat typed arrays (the writer adds one per chunk while BM25 is built)."""

    def __init__(self) -> None:
        self._vids, self._langs, self._dates = array("q"), array("B"), array("i")

    def add(self, vid: int, lang: str, date: str | None) -> None:
        self._vids.append(vid)
        self._langs.append(lang_code(lang))
        self._dates.append(date_ordinal(date))

    def finish(self) -> "RowColumns":
        return RowColumns(vids=np.asarray(self._vids, dtype=np.int64), langs=np.asarray(self._langs, dtype=np.uint8),
                          dates=np.asarray(self._dates, dtype=np.int32))


@dataclass(frozen=True, eq=False)
class RowColumns:
    """Read-only columns, one entry per row (arrays are made unwritable: snapshots share them)."""

    vids: np.ndarray  # int64 FAISS id of each row (ascending)
    langs: np.ndarray  # uint8 language code of each row (LANG_CODES, else OTHER_LANG)
    dates: np.ndarray  # int32 date ordinal of each row, NO_DATE when the release has none

    def __post_init__(self) -> None:
        for column in (self.vids, self.langs, self.dates):
            column.setflags(write=False)

    @property
    def size(self) -> int:
        return int(self.vids.shape[0])

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, str | None]]) -> "RowColumns":
        """Columns of (vid, language, ISO date or None) rows, in row order."""
        builder = ColumnsBuilder()
        for vid, lang, date in rows:
            builder.add(vid, lang, date)
        return builder.finish()

    # -- filters --------------------------------------------------------------------------
    def rows_allowed(self, filters: Filters) -> np.ndarray | None:
        """Boolean mask of the rows the language and date filters allow, None when nothing is filtered.

        A date filter drops undated rows; a malformed bound is NO_DATE (a malformed `date_from`
        bounds nothing, a malformed `date_to` allows nothing), as the PostgreSQL backend does."""
        mask = None
        if filters.lang:
            mask = self.langs == lang_code(filters.lang)
        if filters.by_date:
            lo = date_ordinal(filters.date_from) if filters.date_from else 0
            hi = date_ordinal(filters.date_to) if filters.date_to else _NO_UPPER_BOUND
            dates = self.dates
            dmask = (dates >= lo) & (dates <= hi) & (dates >= 0)
            mask = dmask if mask is None else (mask & dmask)
        return mask

    def ids_allowed(self, group: str, filters: Filters) -> np.ndarray | None:
        """FAISS ids of `group`'s rows the filters allow, or None to search the whole group.

        Only a date filter restricts a group: without one, the language filter is applied by
        which groups are searched, and FAISS runs without an id selector (the fast path)."""
        if not filters.by_date:
            return None
        mask = self.langs == lang_code(group)
        allowed = self.rows_allowed(filters)
        if allowed is not None:
            mask &= allowed
        return self.vids[mask]

    def group_of_row(self, row: int) -> str:
        """The vector group ("en", "fr", "other") of a row."""
        return _GROUP_OF_CODE[int(self.langs[row])]

    # -- files ----------------------------------------------------------------------------
    def save(self, folder: Path) -> list[str]:
        with open(folder / ROW_COLUMNS, "wb") as handle:
            np.savez(handle, vids=self.vids, langs=self.langs, dates=self.dates)
        return [ROW_COLUMNS]

    @classmethod
    def load(cls, folder: Path) -> "RowColumns":
        return cls._read(folder / ROW_COLUMNS)

    @classmethod
    def load_legacy(cls, folder: Path) -> "RowColumns":
        """The columns of a generation written before they had their own file (in the BM25 arrays)."""
        return cls._read(folder / LEXICAL_ARRAYS)

    @classmethod
    def _read(cls, path: Path) -> "RowColumns":
        try:
            with np.load(path, allow_pickle=False) as arrays:
                missing = [k for k in _DTYPES if k not in arrays.files]
                data = {k: arrays[k] for k in _DTYPES if k not in missing}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise IndexCorrupted(f"{path}: row columns unreadable ({exc})") from exc
        if missing:
            raise IndexCorrupted(f"{path}: no row columns ({', '.join(missing)} missing)")
        problem = _shape_problem(data)
        if problem:
            raise IndexCorrupted(f"{path}: inconsistent row columns ({problem})")
        return cls(**data)


def _shape_problem(data: dict[str, np.ndarray]) -> str | None:
    """Why the arrays cannot be the row columns (a filter would fail or lie), or None."""
    if any(a.ndim != 1 for a in data.values()):
        return "arrays must be one-dimensional"
    wrong = [f"{k} is {a.dtype}, not {_DTYPES[k]}" for k, a in data.items() if a.dtype != _DTYPES[k]]
    if wrong:
        return "; ".join(wrong)
    if len({len(a) for a in data.values()}) > 1:
        return "vids, langs and dates differ in length"
    if len(data["langs"]) and int(data["langs"].max()) > OTHER_LANG:
        return "a language code outside the known ones"
    return None
