"""Story assignment latency and memory with 10k, 100k and 1M stories.

Synthetic data (said plainly): story vectors are random unit vectors
scattered around 5,000 topic centres, each story has 40 random terms from a 200k
vocabulary and a date within three years; query articles are noisy copies of
existing stories (should join) or fresh vectors (should start a story).
States live in a real SQLite store read through the pipeline's cache, and
candidates come from the usearch index, exactly as in ``newsfuse ingest``.

Run: .venv/bin/python benchmarks/cluster_scale.py [SIZES...]   (default 10000 100000 1000000)
Prints one JSON line per size: build seconds, median and p99 ms per
assignment, index and process memory.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from newsfuse.cluster import (
    ArticleFeatures,
    ClusterOptions,
    StoryIndex,
    StoryState,
    TermWeights,
)
from newsfuse.store import Store
from newsfuse.store.story_index import StoredStates
from newsfuse.vector_index import StoryVectors

DIM, TOPICS, VOCAB, TERMS, QUERIES, CHUNK = 384, 5000, 200_000, 40, 2000, 20_000
# Noise around a topic centre: 0.8 puts a story at cosine ~0.8 from its
# topic and ~0.6 from its topic's other stories, as same-topic news
# embeddings are (purely random vectors are a needlessly hard case for HNSW).
SPREAD = 0.8
DAY0 = 738000  # an ordinal day in 2021


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def synthetic_states(rng, start: int, count: int, centres: np.ndarray):
    topics = rng.integers(0, TOPICS, count)
    title = unit_rows(centres[topics] + SPREAD * rng.standard_normal((count, DIM)) / np.sqrt(DIM))
    body = unit_rows(centres[topics] + SPREAD * rng.standard_normal((count, DIM)) / np.sqrt(DIM))
    days = DAY0 + rng.integers(0, 3 * 365, count)
    for i in range(count):
        terms = {f"t{t}": 0.15 for t in rng.integers(0, VOCAB, TERMS)}
        yield StoryState(f"s{start + i:011x}", title[i], body[i], terms, 1, int(days[i]), int(days[i]),
                         f"story {start + i}", True, float(np.sqrt(len(terms)) * 0.15))


def build(store: Store, size: int, rng) -> tuple[StoryVectors, float]:
    centres = unit_rows(rng.standard_normal((TOPICS, DIM)))
    vectors, tic = StoryVectors(DIM), time.perf_counter()
    for start in range(0, size, CHUNK):
        states = list(synthetic_states(rng, start, min(CHUNK, size - start), centres))
        with store.transaction():
            for s in states:
                store.save_story(s.id, title=s.title, first_seen=None, last_seen=None, n_articles=1,
                                 state=s.to_bytes())
        vectors.upsert_many([s.id for s in states], np.vstack([s.key_vector for s in states]))
    return vectors, time.perf_counter() - tic


def queries(store: Store, size: int, rng) -> list[ArticleFeatures]:
    out = []
    for q in range(QUERIES):
        if q % 2:  # a new event: fresh vectors and terms
            v = unit_rows(rng.standard_normal((2, DIM)))
            terms = Counter(f"t{t}" for t in rng.integers(0, VOCAB, 60))
            day = DAY0 + int(rng.integers(0, 3 * 365))
        else:  # another report of an existing story
            s = StoryState.from_bytes(store.story_state(f"s{int(rng.integers(0, size)):011x}"))
            v = unit_rows(np.vstack([s.title_sum, s.body_sum]) + 0.02 * rng.standard_normal((2, DIM)))
            terms, day = Counter(list(s.terms)[:30]), s.first_day + 1
        out.append(ArticleFeatures(f"{size + q:016x}", v[0], v[1], terms, day, f"query {q}", True))
    return out


def run(size: int) -> dict:
    rng = np.random.default_rng(size)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "scale.db") as store:
        vectors, build_seconds = build(store, size, rng)
        index = StoryIndex(ClusterOptions(), dim=DIM, states=StoredStates(store), vectors=vectors,
                           terms=TermWeights({f"t{t}": 50 for t in range(VOCAB)}, n_docs=size))
        articles = queries(store, size, rng)
        latencies, created = [], 0
        with store.transaction():
            for article in articles:
                tic = time.perf_counter()
                created += index.assign(article).created
                latencies.append((time.perf_counter() - tic) * 1000)
        ms = np.array(latencies)
        return {"stories": size, "build_seconds": round(build_seconds, 1),
                "median_ms": round(float(np.median(ms)), 3), "p99_ms": round(float(np.percentile(ms, 99)), 3),
                "new_stories_from_fresh_queries": f"{created}/{QUERIES // 2}",
                "index_mb": round(vectors.index.memory_usage / 2**20, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]:
        print(json.dumps(run(size)), flush=True)
