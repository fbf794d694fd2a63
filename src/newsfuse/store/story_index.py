"""The clustering state kept with the store: story states, vectors, term counts.

Story states live in the ``stories`` table and are read through a bounded
cache, so a store with a million stories does not load them all. The story
vector index is a usearch file beside the database (``<db>.stories.usearch``),
trusted only when its generation token matches the store's ``meta`` row; a
run marks the token dirty when it starts and writes a fresh one after saving
the file, so an interrupted run leads to a rebuild, never to a stale index.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from ..cluster import ClusterOptions, StoryIndex, StoryState, TermWeights
from ..errors import StoreError
from ..vector_index import StoryVectors
from .sqlite import Store

_TOKEN_KEY = "story_index_token"
_DOCS_KEY = "term_docs"


class StoredStates(MutableMapping):
    """Story id -> StoryState, read from the store through an LRU cache.

    Writes go to the cache only: the pipeline saves each changed story in the
    same transaction, so an evicted state is always in the database.
    """

    def __init__(self, store: Store, capacity: int = 20_000):
        self.store, self.capacity = store, capacity
        self.cache: OrderedDict[str, StoryState] = OrderedDict()

    def __getitem__(self, story_id: str) -> StoryState:
        if story_id in self.cache:
            self.cache.move_to_end(story_id)
            return self.cache[story_id]
        blob = self.store.story_state(story_id)
        if blob is None:
            raise KeyError(story_id)
        state = self.cache[story_id] = StoryState.from_bytes(blob)
        self._evict()
        return state

    def __setitem__(self, story_id: str, state: StoryState) -> None:
        self.cache[story_id] = state
        self.cache.move_to_end(story_id)
        self._evict()

    def __delitem__(self, story_id: str) -> None:
        self.cache.pop(story_id, None)

    def __iter__(self) -> Iterator[str]:
        return (story_id for story_id, _ in self.store.live_story_states())

    def __len__(self) -> int:
        return self.store.count_live_stories()

    def _evict(self) -> None:
        while len(self.cache) > self.capacity:
            self.cache.popitem(last=False)


def index_path(store: Store) -> Path | None:
    """The vector file beside an SQLite file. None in memory, and for a PostgreSQL database: there is no
    folder beside it, and the server may serve several machines, so each run rebuilds the vectors from the
    stored story states (one read of the live stories; the states are what the file would hold)."""
    if store.path == ":memory:" or store.backend != "sqlite":
        return None
    return Path(store.path + ".stories.usearch")


def open_story_index(store: Store, options: ClusterOptions, dim: int) -> StoryIndex:
    """The story index for this store: saved vectors if current, else rebuilt."""
    terms = TermWeights(store.term_df(), int(store.get_meta(_DOCS_KEY, "0")))
    vectors = _saved_vectors(store, dim)
    index = StoryIndex(options, dim=dim, states=StoredStates(store), vectors=vectors or StoryVectors(dim),
                       terms=terms)
    if vectors is None:
        _rebuild_vectors(store, index)
    with store.transaction():
        store.set_meta(_TOKEN_KEY, "dirty")
    return index


def _saved_vectors(store: Store, dim: int) -> StoryVectors | None:
    path = index_path(store)
    token = store.get_meta(_TOKEN_KEY)
    if path is None or token in (None, "dirty") or not path.exists():
        return None
    sidecar = path.with_suffix(".token")
    if not sidecar.exists() or sidecar.read_text().strip() != token:
        return None
    return StoryVectors.load(path, dim)


def _rebuild_vectors(store: Store, index: StoryIndex, chunk: int = 10_000) -> None:
    ids, keys = [], []
    for story_id, blob in store.live_story_states():
        ids.append(story_id)
        keys.append(StoryState.from_bytes(blob).key_vector)
        if len(ids) == chunk:
            index.vectors.upsert_many(ids, keys)
            ids, keys = [], []
    index.vectors.upsert_many(ids, keys)


def save_batch_state(store: Store, index: StoryIndex) -> None:
    """Inside the batch's transaction: changed stories' terms and doc count."""
    store.save_term_df(index.terms.df, index.terms.changed)
    store.set_meta(_DOCS_KEY, str(index.terms.n_docs))
    index.terms.changed.clear()


def save_story_index(store: Store, index: StoryIndex) -> None:
    """After the run: write the vector file, then mark it current."""
    path = index_path(store)
    if path is None:
        return
    token = uuid.uuid4().hex
    try:
        index.vectors.save(path)
        path.with_suffix(".token").write_text(token)
    except (OSError, RuntimeError) as exc:  # usearch raises RuntimeError; the token stays "dirty"
        raise StoreError(f"cannot write the story index {path}: {exc}", code="NF204",
                         hint="free space and run again; the database holds everything (the next run "
                              "rebuilds the index from it)") from exc
    with store.transaction():
        store.set_meta(_TOKEN_KEY, token)
