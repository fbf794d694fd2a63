"""Cross-validation folds made of a group field (ECB+ topics): never split."""

from collections import Counter

import numpy as np

from newsfuse.cluster import ArticleFeatures
from newsfuse.eval.cv import Labelled, default_grid, event_folds, with_params
from newsfuse.cluster import ClusterOptions


def _item(n, event, topic):
    vec = np.zeros(4, dtype=np.float32)
    return Labelled(ArticleFeatures(f"{n:020x}", vec, vec, Counter()), event, None, topic)


def test_folds_by_topic_keep_both_events_of_a_topic_together():
    data = [_item(n, f"{t}_{kind}", t) for n, (t, kind) in enumerate((t, k) for t in range(9) for k in ("ecb", "plus"))]
    folds = event_folds(data, 3, seed=0)
    assert sorted(len(f) for f in folds) == [3, 3, 3]
    for item in data:
        assert sum(item.fold_key in f for f in folds) == 1
    by_event = [_item(0, "a", None), _item(1, "b", None)]
    assert {k for f in event_folds(by_event, 2, seed=0) for k in f} == {"a", "b"}  # no group: the label


def test_the_names_grid_is_searched_only_when_some_article_has_no_headline():
    assert len(default_grid()) == 216 and len(default_grid(names=True)) == 424
    options = with_params(ClusterOptions(), default_grid()[0])
    assert (options.lead_names_weight, options.lead_conflict_weight, options.lead_threshold) == (0.0, 0.0, None)
