"""The retrieval library: hybrid (dense + BM25) search across French and English.

How a query is answered (each step measured on the golden sets, see evals/README.md):
1. Dense search in each source-language group separately, and BM25 over all passages
   (`Snapshot.dense_search` / `Snapshot.lexical_search`, on the local folder or on PostgreSQL).
2. Cross-language cosines are shifted up by a measured offset: a multilingual embedder
   otherwise ranks mediocre same-language passages above the right passage in the other
   language, so both languages keep places near the top (`index.fusion`).
3. One score per passage: calibrated cosine + alpha * BM25 / (the query's best BM25).
4. Passages of one announcement are collapsed (both language versions count as one), and
   the version in the asker's language is preferred; the other is in `Hit.translations`
   (`index.collapse`).
"""
from __future__ import annotations

import datetime as _dt
import math
import os
from dataclasses import asdict, dataclass
from typing import Any

from communique.index.calendar import parse_iso_date
from communique.index.collapse import HitOptions, collect_hits
from communique.index.embedders import BaseEmbedder, embedder_for_index, get_embedder
from communique.index.errors import EmbedderMismatch
from communique.index.fusion import SearchSettings, dense_pool, fuse, merge
from communique.index.language import guess_language
from communique.index.models import Chunk, Hit, Release
from communique.index.pair_lexicon import PairLexicon
from communique.index.scrub import scrub_surrogates
from communique.index.snapshots import SnapshotHolder
from communique.index.storage import open_storage
from communique.index.storage.contract import Filters, Snapshot, SnapshotInfo, Storage
from communique.index.text import tokenize
from communique.index.vectors import group_of

__all__ = ["Retriever", "SearchSettings", "IndexStats"]

MODES = ("hybrid", "dense", "lexical")


@dataclass
class IndexStats(SnapshotInfo):
    """A generation's figures (`SnapshotInfo`) and where the index lives."""

    index_dir: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _to_date(value: str | _dt.date | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.date):
        return value.isoformat()
    return parse_iso_date(str(value)[:10]).isoformat()  # ValueError naming a bad date


def _check_embedder(location: str, snapshot: Snapshot, embedder: BaseEmbedder | str | None) -> BaseEmbedder:
    built_with = snapshot.embedder
    if embedder is None:
        try:
            embedder = embedder_for_index(built_with)  # a model folder only if the user names it
        except (ValueError, OSError) as exc:  # unknown name, or a local model that is gone or broken
            raise EmbedderMismatch(
                f"{location}: built with embedder {built_with!r}, which cannot be loaded here ({exc}); "
                "rebuild with `communique ingest`"
            ) from exc
    elif isinstance(embedder, str):
        embedder = get_embedder(embedder)
    if embedder.name != built_with or embedder.dim != snapshot.dim:
        raise EmbedderMismatch(
            f"{location}: built with embedder {built_with!r} ({snapshot.dim}-d), "
            f"opened with {embedder.name!r} ({embedder.dim}-d)"
        )
    return embedder


class Retriever:
    """Search and record access over one index; `pinned()` gives one generation per question."""

    def __init__(self, storage: Storage, embedder: BaseEmbedder, holder: SnapshotHolder, *,
                 settings: SearchSettings) -> None:
        self.storage = storage
        self.index_dir = storage.location
        self.embedder = embedder
        self.settings = settings
        self._holder = holder

    @classmethod
    def open(cls, index_dir: str | os.PathLike, *, embedder: BaseEmbedder | str | None = None,
             settings: SearchSettings | None = None, verify: bool = True, auto_reload: bool = True) -> "Retriever":
        """Open a published index: a folder, or a `postgresql://` URI.

        Raises IndexNotFound / IndexCorrupted / EmbedderMismatch (and IndexUnavailable for a database
        that cannot be reached)."""
        storage = open_storage(index_dir)
        snapshot = storage.open_snapshot(verify=verify)
        embedder = _check_embedder(storage.location, snapshot, embedder)
        holder = SnapshotHolder(storage, snapshot, embedder=embedder.name, verify=verify, auto_reload=auto_reload)
        return cls(storage, embedder, holder, settings=settings or SearchSettings())

    @property
    def _snapshot(self) -> Snapshot:
        return self._holder.snapshot

    # -- generations --------------------------------------------------------------------
    def pinned(self) -> "Retriever":
        """This retriever fixed on the generation loaded now (after an auto-reload check).

        A search and the reads that follow it (release texts to quote, chunks, translations)
        must come from one generation: with a shared retriever another thread's search may
        switch generations in between, and an updated release's offsets would no longer match.
        Take a pinned view per question; it costs one object, no loading.
        """
        self._holder.maybe_reload()
        fixed = SnapshotHolder(self.storage, self._holder.snapshot, embedder=self.embedder.name,
                               verify=False, auto_reload=False)
        return Retriever(self.storage, self.embedder, fixed, settings=self.settings)

    def reload_if_changed(self) -> bool:
        """Switch to a newly published generation; searches in flight keep the old one."""
        return self._holder.reload_if_changed()

    # -- records --------------------------------------------------------------------------
    def release(self, release_id: str) -> Release | None:
        return self._snapshot.release(release_id)

    def releases(self, ids: list[str]) -> dict[str, Release]:
        return self._snapshot.releases(ids)

    def translations(self, release_id: str) -> list[Release]:
        snap = self._snapshot
        release = snap.release(release_id)
        if release is None or not release.pair_id:
            return []
        others = [i for i in snap.pair_members(release.pair_id) if i != release_id]
        return list(snap.releases(others).values())

    def idf(self, term: str) -> float:
        """BM25 inverse document frequency of a folded token (see `index.text.tokenize`) in this index."""
        snap = self._snapshot
        n_docs = max(1, snap.passages)
        df = snap.document_frequency(term)
        return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))

    def chunks_of(self, release_id: str) -> list[Chunk]:
        return self._snapshot.chunks_of(release_id)

    def pair_lexicon(self) -> PairLexicon:
        """French ↔ English equivalents learnt from this index's translation pairs (`index.pair_lexicon`)."""
        return self._snapshot.pair_lexicon()

    def stats(self) -> IndexStats:
        info = self._snapshot.info()
        return IndexStats(**asdict(info), index_dir=self.index_dir)

    # -- search ---------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, lang: str | None = None, date_from: str | _dt.date | None = None,
               date_to: str | _dt.date | None = None, *, query_lang: str | None = None, mode: str = "hybrid",
               collapse_pairs: bool = True, per_release: int = 1, department: str | None = None) -> list[Hit]:
        """Ranked hits for `query`. `lang` filters the source language; dates are inclusive ISO dates."""
        if mode not in MODES:
            raise ValueError(f"mode must be hybrid, dense or lexical, not {mode!r}")
        self._holder.maybe_reload()
        snap = self._snapshot
        query = scrub_surrogates(query or "").strip()  # JSON clients can send them; no model takes them
        if not query or k <= 0:
            return []
        qlang = query_lang or guess_language(query)
        filters = Filters(lang=lang or None, date_from=_to_date(date_from), date_to=_to_date(date_to))
        groups = [group_of(lang)] if lang else snap.groups()
        n = max(self.settings.candidates, k * 4)
        qgroup = group_of(qlang)

        qvec = self.embedder.encode_query(query) if mode != "lexical" else None
        dense = []
        if qvec is not None:
            per_group = snap.dense_search(groups, qvec, n, filters)
            dense = dense_pool(per_group, qgroup, n * 2, self.settings)
        terms = tokenize(query) if mode != "dense" else []
        lexical = snap.lexical_search(terms, n * 2, filters) if terms else []
        ranked = fuse(merge(dense, lexical), qgroup, self.settings)
        opts = HitOptions(k=k, query_lang=qlang, collapse_pairs=collapse_pairs, per_release=per_release,
                          department=department, lang_filter=lang)
        return collect_hits(snap, ranked, opts, qvec)

    # -- LangChain ------------------------------------------------------------------------
    def as_langchain(self, k: int = 5, **filters: Any):
        from communique.index.langchain_adapter import CommuniqueRetriever

        return CommuniqueRetriever(retriever=self, k=k, filters=filters)

    def as_llama_index(self, k: int = 5, **filters: Any):
        """A LlamaIndex `BaseRetriever` (needs the `llama` extra: `pip install -e '.[llama]'`)."""
        from communique.index.llama_index_adapter import CommuniqueLlamaRetriever

        return CommuniqueLlamaRetriever(self, k=k, **filters)
