"""File names inside one published generation folder of a local index (one place for them).

    gen-000007/manifest.json        what the generation holds, with a checksum per file
    gen-000007/records.sqlite       releases, chunks, aliases (index.store)
    gen-000007/lexical.npz          BM25 postings (index.lexical)
    gen-000007/lexical-vocab.json   the BM25 vocabulary
    gen-000007/row-columns.npz      vid, language and date of each row: the filters (index.row_columns)
    gen-000007/vectors-{en,fr,other}.faiss   one FAISS index per language group (index.vectors)

The writer writes these names, the reader checks the manifest vouches for each of them.
"""
from __future__ import annotations

MANIFEST_NAME = "manifest.json"
RECORDS = "records.sqlite"
LEXICAL_ARRAYS = "lexical.npz"
LEXICAL_VOCAB = "lexical-vocab.json"
ROW_COLUMNS = "row-columns.npz"
GROUPS = ("en", "fr", "other")  # language groups: one vector index each


def vector_file(group: str) -> str:
    return f"vectors-{group}.faiss"


GENERATION_FILES = (RECORDS, LEXICAL_ARRAYS, LEXICAL_VOCAB, ROW_COLUMNS, *(vector_file(g) for g in GROUPS))
# Written today but absent from older generations, which stay readable: their row columns are in LEXICAL_ARRAYS.
NOT_IN_OLDER_GENERATIONS = (ROW_COLUMNS,)
REQUIRED_FILES = tuple(name for name in GENERATION_FILES if name not in NOT_IN_OLDER_GENERATIONS)
