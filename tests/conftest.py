import re
import zlib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples" / "samarkand"


class BagOfWordsEmbedder:
    """A deterministic stand-in for MiniLM in tests of store and pipeline logic
    (not of clustering quality): hashed word counts, unit length."""

    name = "test-bag-of-words"
    dim = 512

    def encode(self, texts):
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                rows[i, zlib.crc32(word.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.maximum(norms, 1e-9)


@pytest.fixture
def bow():
    return BagOfWordsEmbedder()


@pytest.fixture(scope="session")
def minilm():
    from newsfuse.embed import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def static():
    from newsfuse.static_embed import StaticEmbedder

    return StaticEmbedder()


def shared_file(*parts) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared benchmark data not found at {path}")
    return path
