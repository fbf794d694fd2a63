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


# ---- PostgreSQL: a throwaway server per test session, a fresh database per test ----------------------

import os
import sys
import warnings

PG_BIN = Path(os.environ.get("NEWSFUSE_PG_BIN", "/usr/lib/postgresql/15/bin"))
HAVE_PG = (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()
BACKENDS = ["sqlite", "postgres"]
NO_PG = (f"PostgreSQL binaries not found in {PG_BIN} (apt-get install postgresql-15, or set NEWSFUSE_PG_BIN): "
         "the postgres half of the store tests is SKIPPED")


def pytest_report_header(config):
    return f"postgresql: {PG_BIN} (store tests run on sqlite and postgres)" if HAVE_PG else f"postgresql: {NO_PG}"


sys.path.insert(0, str(ROOT / "scripts"))
from pg_local import PgServer  # noqa: E402  (scripts/: also `make pg-up`)


@pytest.fixture(scope="session")
def pg_server():
    if not HAVE_PG:
        warnings.warn(NO_PG)
        pytest.skip(NO_PG)
    server = PgServer()
    server.start()
    yield server
    server.stop()


def db_maker(backend: str, folder: Path, request):
    """name -> a fresh database on ``backend`` (a file in ``folder``, or a new PostgreSQL database);
    the same name gives the same database again."""
    made: dict[str, str] = {}

    def make(name: str = "n.db") -> str:
        if name not in made:
            made[name] = str(folder / name) if backend == "sqlite" else \
                request.getfixturevalue("pg_server").create_db()
        return made[name]
    return make


@pytest.fixture(params=BACKENDS)
def new_db(request, tmp_path):
    """Parametrizes a test over both backends: ``new_db(name)`` is a database location for open_store."""
    return db_maker(request.param, tmp_path, request)
