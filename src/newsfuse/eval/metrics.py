"""Metrics shared by the evaluations: precision/recall/F1, one-to-one span
matching, and the clustering scores (B-cubed, pairwise)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable


def f1_score(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(hits: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``hits`` among ``n_pred`` predictions and ``n_gold`` gold items (0 when empty)."""
    precision = hits / n_pred if n_pred else 0.0
    recall = hits / n_gold if n_gold else 0.0
    return precision, recall, f1_score(precision, recall)


def match_one_to_one(n_gold: int, n_pred: int, overlap: Callable[[int, int], int]) -> list[tuple[int, int]]:
    """(gold index, predicted index) pairs with ``overlap(i, j) > 0``, each
    item used once, largest overlap first."""
    candidates = sorted((-size, i, j) for i in range(n_gold) for j in range(n_pred) if (size := overlap(i, j)) > 0)
    used_gold, used_pred, pairs = set(), set(), []
    for _, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return pairs


def bcubed(pred: dict, gold: dict) -> tuple[float, float, float]:
    """Item-averaged B-cubed over the items both labelings share."""
    items = [i for i in gold if i in pred]
    pairs = Counter((pred[i], gold[i]) for i in items)
    pred_size, gold_size = Counter(pred[i] for i in items), Counter(gold[i] for i in items)
    precision = sum(n * n / pred_size[p] for (p, g), n in pairs.items()) / len(items)
    recall = sum(n * n / gold_size[g] for (p, g), n in pairs.items()) / len(items)
    return precision, recall, f1_score(precision, recall)


def pairwise(pred: dict, gold: dict) -> tuple[float, float, float]:
    """Precision/recall/F1 over all same-cluster item pairs."""
    items = [i for i in gold if i in pred]
    def same_pairs(labels: dict) -> int:
        sizes = Counter(labels[i] for i in items)
        return sum(n * (n - 1) // 2 for n in sizes.values())
    both = Counter((pred[i], gold[i]) for i in items)
    tp = sum(n * (n - 1) // 2 for n in both.values())
    predicted, actual = same_pairs(pred), same_pairs(gold)
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    return precision, recall, f1_score(precision, recall)


def clustering_scores(pred: dict, gold: dict) -> dict:
    bp, br, bf = bcubed(pred, gold)
    pp, pr, pf = pairwise(pred, gold)
    items = [i for i in gold if i in pred]
    return {
        "bcubed_precision": round(bp, 4), "bcubed_recall": round(br, 4), "bcubed_f1": round(bf, 4),
        "pairwise_precision": round(pp, 4), "pairwise_recall": round(pr, 4), "pairwise_f1": round(pf, 4),
        "n_pred": len({pred[i] for i in items}), "n_gold": len({gold[i] for i in items}), "n_items": len(items),
    }


def group_by(labels: dict) -> dict:
    groups = defaultdict(list)
    for item, label in labels.items():
        groups[label].append(item)
    return groups
