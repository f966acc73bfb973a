"""Rows of the PostgreSQL index as the product's records: the columns read and their conversion, and the
generation filter every statement carries (a row is visible in generation g when gen_from <= g < gen_to)."""
from __future__ import annotations

from communique.index.models import Chunk, Release
from communique.index.storage.contract import ReleaseMeta

RELEASE_COLS = "id, lang, title, date, url, source, pair_id, metadata"
CHUNK_COLS = 'vid, chunk_id, release_id, start, "end", text, lang'


def visible(table: str) -> str:
    return f"{table}.gen_from <= %(g)s AND %(g)s < {table}.gen_to"


def meta_of(row: tuple) -> ReleaseMeta:
    return ReleaseMeta(id=row[0], lang=row[1], title=row[2], date=row[3], url=row[4], source=row[5],
                       pair_id=row[6], metadata=dict(row[7] or {}))


def release_of(row: tuple) -> Release:
    return Release(id=row[0], lang=row[1], title=row[2], date=row[3], url=row[4], source=row[5],
                   pair_id=row[6], metadata=dict(row[7] or {}), text=row[8])


def chunk_of(row: tuple) -> Chunk:
    return Chunk(row[1], row[2], row[3], row[4], row[5], row[6])
