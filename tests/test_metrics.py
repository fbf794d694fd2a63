import pytest

from newsfuse.eval.metrics import bcubed, clustering_scores, pairwise


def test_perfect_and_all_in_one():
    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    p, r, f = bcubed({k: 0 for k in gold}, gold)
    assert (p, r) == (0.5, 1.0) and f == pytest.approx(2 / 3)


def test_known_bcubed_and_pairwise_values():
    gold = {"a": 1, "b": 1, "c": 1, "d": 2}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    p, r, _ = bcubed(pred, gold)
    assert p == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert r == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    pp, pr, pf = pairwise(pred, gold)
    assert (pp, pr) == (0.5, pytest.approx(1 / 3))
    scores = clustering_scores(pred, gold)
    assert (scores["n_pred"], scores["n_gold"]) == (2, 2)
