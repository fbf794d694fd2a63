"""Approximate nearest-neighbour index over story vectors (usearch HNSW).

Candidate stories for an article come from here, not from a scan of all
stories. usearch was picked over faiss, hnswlib and sqlite-vec because it
allows several vectors per key (a story's centroid moves as it grows: its
newer centroid is added beside the older ones, 0.3 ms, where removing and
re-adding costs 2.3 ms at 100k stories), stores quantised vectors and saves
to one file; exact search
(faiss flat) costs about 0.75 ms a query at 100k and grows linearly (see
benchmarks/cluster_scale.py for our figures).

The store is the source of truth; the index file beside the database is a
cache. It is trusted only when its generation token matches the store's;
otherwise it is rebuilt from the stored story states.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from usearch.index import Index

# HNSW graph degree and beam widths (usearch defaults: 16/128/64), with
# vectors stored as int8: candidates are rescored exactly afterwards, so the
# index only has to rank, and int8 halves memory against half floats and
# makes each distance cheaper, which pays for the wider beams. With
# 64/128 every synthetic "another report of a known story" found its story
# at 100k stories; with 32/64 in half floats 3.6% did not.
CONNECTIVITY = 16
EXPANSION_ADD = 64
EXPANSION_SEARCH = 128
# Below this many stories an exact scan is as fast as the graph (a few
# tens of microseconds) and has no recall loss and no dependence on the
# order vectors were added in, so results are reproducible.
EXACT_BELOW = 2_000


def story_key(story_id: str) -> int:
    """Story ids are "s" + 11 hex digits: the hex is the index key."""
    return int(story_id[1:], 16)


def key_story(key: int) -> str:
    return f"s{int(key):011x}"


class StoryVectors:
    """Story id -> unit vector, searchable by cosine similarity."""

    def __init__(self, dim: int):
        self.dim = dim
        self.index = Index(ndim=dim, metric="cos", dtype="i8", connectivity=CONNECTIVITY,
                           expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH, multi=True)

    def __len__(self) -> int:
        """Vectors held (a story may have several)."""
        return len(self.index)

    def upsert(self, story_id: str, vector: np.ndarray) -> None:
        """Index the story's current vector beside its earlier ones."""
        self.index.add(story_key(story_id), np.asarray(vector, dtype=np.float32))

    def upsert_many(self, story_ids: list[str], vectors) -> None:
        """Add many stories at once (all new to the index)."""
        if story_ids:
            self.index.add(np.array([story_key(s) for s in story_ids], dtype=np.uint64),
                           np.asarray(vectors, dtype=np.float32))

    def remove(self, story_id: str) -> None:
        key = story_key(story_id)
        if key in self.index:
            self.index.remove(key)

    def nearest(self, vector: np.ndarray, count: int) -> list[tuple[str, float]]:
        """Up to ``count`` distinct (story id, cosine similarity), most similar first."""
        if len(self.index) == 0:
            return []
        matches = self.index.search(np.asarray(vector, dtype=np.float32), count,
                                    exact=len(self.index) < EXACT_BELOW)
        best: dict[str, float] = {}
        for key, distance in zip(matches.keys, matches.distances):
            best.setdefault(key_story(key), 1.0 - float(distance))
        return list(best.items())

    def save(self, path: Path) -> None:
        self.index.save(str(path))

    @classmethod
    def load(cls, path: Path, dim: int) -> StoryVectors | None:
        vectors = cls(dim)
        try:
            vectors.index.load(str(path))
        except (OSError, RuntimeError, ValueError):
            return None
        return vectors
