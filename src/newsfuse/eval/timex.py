"""Time-expression quality on TimeML files shaped like ``tbaq.jsonl``.

Each line is one document: ``id``, ``dct`` (document creation time, used as
the anchor), ``text`` and gold ``timexes`` (``start``, ``end``, ``type``,
``value``, ``mod``). Scoring follows TempEval-3 (UzZaman et al. 2013):

- strict match: a predicted span equals a gold span exactly;
- relaxed match: a predicted span overlaps a gold span (pairs are matched
  one-to-one, largest overlap first);
- attribute F1 (value, type): relaxed F1 × the attribute's accuracy over the
  relaxed matches. This equals the F1 of "matched and attribute equal"
  counted against all predictions (precision) and all gold (recall).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from ..analyze.timex import find_timexes
from .corpus import load_jsonl
from .metrics import match_one_to_one, prf

Span = tuple[int, int]


def load_docs(path) -> list[dict]:
    """Rows of a tbaq-shaped JSONL file; EvalError if missing or malformed."""
    return load_jsonl(path, lambda row: (row["text"], row["timexes"]), what="timex document",
                      example="shared/data/timex/tbaq.jsonl", needs="'text' and 'timexes'")


def split_docs(rows: list[dict], k: int = 5, seed: int = 0) -> list[list[dict]]:
    """``k`` disjoint folds of whole documents, shuffled reproducibly by ``seed``."""
    order = sorted(rows, key=lambda row: str(row.get("id", "")))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def evaluate_timex(path, *, docs: Iterable[dict] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> dict:
    """TempEval-3 scores of ``find_timexes`` on ``docs`` (default: every row of ``path``)."""
    rows = list(docs) if docs is not None else load_docs(path)
    pairs = []
    for done, row in enumerate(rows, start=1):
        predicted = find_timexes(row["text"], row.get("dct"))
        pairs.append((row["timexes"], [vars(ref) for ref in predicted]))
        if progress is not None:
            progress(done, len(rows))
    return score_pairs(pairs)


def score_pairs(pairs: list[tuple[list[dict], list[dict]]]) -> dict:
    """Scores over (gold, predicted) timex lists, one pair per document."""
    n_gold = n_pred = strict = relaxed = value_ok = type_ok = 0
    for gold, pred in pairs:
        n_gold += len(gold)
        n_pred += len(pred)
        strict += len({_span(g) for g in gold} & {_span(p) for p in pred})
        for g, p in match_relaxed(gold, pred):
            relaxed += 1
            value_ok += g["value"] == p["value"]
            type_ok += g["type"] == p["type"]
    strict_p, strict_r, strict_f = prf(strict, n_pred, n_gold)
    relaxed_p, relaxed_r, relaxed_f = prf(relaxed, n_pred, n_gold)
    value_acc = value_ok / relaxed if relaxed else 0.0
    type_acc = type_ok / relaxed if relaxed else 0.0
    return {
        "strict_precision": strict_p, "strict_recall": strict_r, "strict_f1": strict_f,
        "relaxed_precision": relaxed_p, "relaxed_recall": relaxed_r, "relaxed_f1": relaxed_f,
        "value_f1": relaxed_f * value_acc, "type_f1": relaxed_f * type_acc,
        "value_accuracy": value_acc, "type_accuracy": type_acc,
        "n_docs": len(pairs), "n_gold": n_gold, "n_pred": n_pred,
    }


def match_relaxed(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs of overlapping spans, largest overlap first."""
    def overlap(i: int, j: int) -> int:
        return min(gold[i]["end"], pred[j]["end"]) - max(gold[i]["start"], pred[j]["start"])
    return [(gold[i], pred[j]) for i, j in match_one_to_one(len(gold), len(pred), overlap)]


def _span(timex: dict) -> Span:
    return (timex["start"], timex["end"])
