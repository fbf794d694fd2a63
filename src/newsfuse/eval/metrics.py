"""Clustering metrics: B-cubed and pairwise precision/recall/F1."""

from __future__ import annotations

from collections import Counter, defaultdict


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(pred: dict, gold: dict) -> tuple[float, float, float]:
    """Item-averaged B-cubed over the items both labelings share."""
    items = [i for i in gold if i in pred]
    pairs = Counter((pred[i], gold[i]) for i in items)
    pred_size, gold_size = Counter(pred[i] for i in items), Counter(gold[i] for i in items)
    precision = sum(n * n / pred_size[p] for (p, g), n in pairs.items()) / len(items)
    recall = sum(n * n / gold_size[g] for (p, g), n in pairs.items()) / len(items)
    return precision, recall, _f1(precision, recall)


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
    return precision, recall, _f1(precision, recall)


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
