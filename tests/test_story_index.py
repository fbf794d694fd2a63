"""The story vector index is persisted with the store and never trusted stale."""

from collections import Counter

import numpy as np
import pytest

from newsfuse import ClusterOptions, Store, ingest
from newsfuse.cluster import (
    ArticleFeatures,
    StoryIndex,
    StoryState,
    TermWeights,
    sparse_cosine,
)
from newsfuse.records import RawItem
from newsfuse.store.story_index import index_path, open_story_index
from newsfuse.vector_index import StoryVectors

TEXT = "The regional parliament in Kiel approved the new harbour budget after a long and heated debate. " * 4


def test_index_file_is_reused_when_current_and_rebuilt_when_dirty(tmp_path, bow):
    path = tmp_path / "n.db"
    with Store(path) as store:
        ingest([RawItem("a", "text", TEXT)], store, embedder=bow)
        assert index_path(store).exists()
        assert store.get_meta("story_index_token") not in (None, "dirty")
        index = open_story_index(store, ClusterOptions(), bow.dim)
        assert len(index.vectors) == 1
        assert store.get_meta("story_index_token") == "dirty"  # a run is now under way
    index_path_file = tmp_path / "n.db.stories.usearch"
    index_path_file.write_bytes(b"garbage")  # and the run died: the file is not trusted
    with Store(path) as store:
        index = open_story_index(store, ClusterOptions(), bow.dim)
        assert len(index.vectors) == 1  # rebuilt from the stored states


def test_state_round_trips_through_bytes():
    state = StoryState("s00000000001", np.ones(4, np.float32), np.arange(4, dtype=np.float32), {"kiel": 0.5}, 3,
                       10, 12, "Title", True)
    again = StoryState.from_bytes(state.to_bytes())
    assert again.id == state.id and again.terms == {"kiel": 0.5} and (again.first_day, again.last_day) == (10, 12)
    assert np.array_equal(again.body_sum, state.body_sum) and again.terms_norm == pytest.approx(0.5)


def test_streaming_idf_weighs_rare_terms_more():
    weights = TermWeights()
    for _ in range(9):
        weights.observe(Counter({"said": 1, "government": 1}))
    vector = weights.observe(Counter({"said": 1, "kiel": 1}))
    assert vector["kiel"] > vector["said"]
    assert sparse_cosine(vector, vector) == pytest.approx(1.0)


def test_candidates_outside_the_time_window_are_not_joined():
    options = ClusterOptions(window_days=30, time_weight=0.0, window_margin=None)
    index = StoryIndex(options, dim=4)
    vec = np.array([1, 0, 0, 0], np.float32)
    first = index.assign(ArticleFeatures("a" * 20, vec, vec, Counter({"kiel": 2}), day=1000))
    near = index.assign(ArticleFeatures("b" * 20, vec, vec, Counter({"kiel": 2}), day=1010))
    far = index.assign(ArticleFeatures("c" * 20, vec, vec, Counter({"kiel": 2}), day=1100))
    assert first.created and not near.created and near.story_id == first.story_id
    assert far.created


def test_beyond_the_window_a_margin_lets_only_a_close_match_join():
    options = ClusterOptions(window_days=30, time_weight=0.0, window_margin=0.5)
    vec, half = np.array([1, 0, 0, 0], np.float32), np.array([0.8, 0.6, 0, 0], np.float32)

    def joins(features: ArticleFeatures) -> bool:
        index = StoryIndex(options, dim=4)
        index.assign(ArticleFeatures("a" * 20, vec, vec, Counter({"kiel": 2}), day=1000, headline=True))
        return not index.assign(features).created

    # .55 * .8 = .44 clears the .33 threshold inside the window, not with the .5 margin beyond it
    assert joins(ArticleFeatures("b" * 20, half, half, Counter({"budget": 1}), day=1010, headline=True))
    assert not joins(ArticleFeatures("c" * 20, half, half, Counter({"budget": 1}), day=1100, headline=True))
    assert joins(ArticleFeatures("d" * 20, vec, vec, Counter({"kiel": 2}), day=1100, headline=True))  # 1.0 - .5


def test_vectors_upsert_and_nearest():
    vectors = StoryVectors(4)
    vectors.upsert("s00000000001", np.array([1, 0, 0, 0], np.float32))
    vectors.upsert("s00000000002", np.array([0, 1, 0, 0], np.float32))
    vectors.upsert("s00000000001", np.array([0, 0, 1, 0], np.float32))  # a story's centroid moved
    assert [sid for sid, _ in vectors.nearest(np.array([0, 0, 1, 0], np.float32), 3)] == \
        ["s00000000001", "s00000000002"]  # each story once, however many vectors it has
    vectors.remove("s00000000001")
    assert [sid for sid, _ in vectors.nearest(np.array([0, 0, 1, 0], np.float32), 3)] == ["s00000000002"]
