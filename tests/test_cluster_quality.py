"""Clustering quality on news_cluster (../shared), measured honestly.

The floor is on held-out folds: weights and threshold are tuned on the other
folds' events, never on the articles scored.
"""

import pytest
from conftest import shared_file

from newsfuse.eval.clustering import evaluate_clustering
from newsfuse.eval.cv import cross_validate, labelled_features

pytestmark = pytest.mark.slow

# Measured 2026-12-05 (see docs/MEASUREMENTS.md): held-out B-cubed F1 0.963 by
# time (0.942 before the window margin); 0.937 on the whole corpus with the
# shipped defaults on 2026-11-23. Floors sit a little below, so noise does not
# fail CI but a real regression does.
HELD_OUT_FLOOR = 0.95
WHOLE_CORPUS_FLOOR = 0.915


@pytest.fixture(scope="module")
def corpus():
    return shared_file("data", "stories", "news_cluster.jsonl")


def test_held_out_bcubed_f1_by_event_folds(corpus, minilm, static):
    data = labelled_features(corpus, "event_id", minilm, body_embedder=static)
    result = cross_validate(data, folds=5, seed=0, order="time")
    assert len(result["folds"]) == 5
    assert result["mean"]["bcubed_f1"] >= HELD_OUT_FLOOR, result["mean"]


def test_whole_corpus_through_the_ingest_pipeline(corpus, minilm, static):
    # The shipped defaults were chosen by the cross-validation above on this
    # same corpus, so this figure is not held-out: it guards the pipeline path
    # (near-duplicates, store, vector index), the held-out test guards quality.
    scores = evaluate_clustering(corpus, "event_id", embedder=minilm, body_embedder=static)
    assert scores["n_items"] == 383 and scores["n_skipped"] == 3
    assert scores["bcubed_f1"] >= WHOLE_CORPUS_FLOOR, scores


# ECB+ (ecbplus_dev: two events of one kind per topic, text only). The eval
# command's figure is 6 folds by topic over the whole grid (docs/MEASUREMENTS.md:
# .945 with the window margin and the finer role stage); to keep this test lean
# it runs 3 folds over the names grid only (208 points with the role weights,
# then the 60-point second stage), measured .936 on 2026-12-05 (.899 before the
# second stage chose the window margin and role weight). Floor a little below.
ECB_HELD_OUT_FLOOR = 0.92


def test_ecbplus_held_out_by_topic_folds_separates_events_of_one_kind(minilm, static):
    from newsfuse.eval.cv import names_grid

    corpus = shared_file("data", "stories", "ecbplus_dev.jsonl")
    data = labelled_features(corpus, "subtopic", minilm, body_embedder=static, group="topic")
    result = cross_validate(data, grid=names_grid(), folds=3, seed=0, order="time")
    assert len(result["folds"]) == 3
    assert result["mean"]["bcubed_f1"] >= ECB_HELD_OUT_FLOOR, result["mean"]
