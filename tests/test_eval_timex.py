"""TempEval-3 style scoring of time expressions (newsfuse.eval.timex)."""

import json
from pathlib import Path

import pytest

from newsfuse.errors import EvalError
from newsfuse.eval.timex import evaluate_timex, load_docs, score_pairs, split_docs

TBAQ = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "timex" / "tbaq.jsonl"


def timex(start, end, value, type_="DATE"):
    return {"start": start, "end": end, "value": value, "type": type_, "mod": None}


def test_scores_on_a_synthetic_document():
    gold = [timex(0, 8, "2022-09-15"), timex(20, 30, "P7M", "DURATION"), timex(40, 44, "2020")]
    pred = [timex(0, 8, "2022-09-15"),              # strict match, value right
            timex(18, 30, "P6M", "DURATION"),       # relaxed only, value wrong
            timex(50, 55, "PRESENT_REF")]           # spurious
    s = score_pairs([(gold, pred)])
    assert (s["n_gold"], s["n_pred"], s["n_docs"]) == (3, 3, 1)
    assert s["strict_precision"] == pytest.approx(1 / 3)
    assert s["strict_recall"] == pytest.approx(1 / 3)
    assert s["relaxed_f1"] == pytest.approx(2 / 3)
    assert s["value_accuracy"] == pytest.approx(1 / 2)
    assert s["type_accuracy"] == pytest.approx(1.0)
    assert s["value_f1"] == pytest.approx(2 / 3 * 1 / 2)
    assert s["type_f1"] == pytest.approx(2 / 3)


def test_relaxed_matching_is_one_to_one():
    gold = [timex(0, 10, "X")]
    pred = [timex(0, 4, "X"), timex(5, 10, "X")]
    s = score_pairs([(gold, pred)])
    assert s["relaxed_recall"] == 1.0 and s["relaxed_precision"] == 0.5


def test_evaluate_on_a_tiny_file(tmp_path):
    text = "Xi arrived on Wednesday and will leave on Friday."
    gold = [{"start": text.index("Wednesday"), "end": text.index("Wednesday") + 9, "text": "Wednesday",
             "type": "DATE", "value": "2022-09-14", "mod": None},
            {"start": text.index("Friday"), "end": text.index("Friday") + 6, "text": "Friday",
             "type": "DATE", "value": "2022-09-16", "mod": None}]
    path = tmp_path / "tiny.jsonl"
    path.write_text(json.dumps({"id": "d1", "dct": "2022-09-15", "text": text, "timexes": gold}) + "\n")
    seen = []
    s = evaluate_timex(path, progress=lambda done, total: seen.append((done, total)))
    assert s["strict_f1"] == 1.0 and s["value_f1"] == 1.0
    assert seen == [(1, 1)]


def test_missing_or_malformed_file(tmp_path):
    with pytest.raises(EvalError):
        evaluate_timex(tmp_path / "absent.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json}\n")
    with pytest.raises(EvalError):
        load_docs(bad)


def test_split_docs_is_a_reproducible_partition():
    rows = [{"id": f"doc{i}"} for i in range(23)]
    folds = split_docs(rows, k=5, seed=0)
    assert len(folds) == 5
    ids = sorted(r["id"] for fold in folds for r in fold)
    assert ids == sorted(r["id"] for r in rows)
    assert [[r["id"] for r in f] for f in folds] == [[r["id"] for r in f] for f in split_docs(rows[::-1])]


def test_quality_floor_on_tbaq():
    if not TBAQ.is_file():
        pytest.skip(f"{TBAQ} not present")
    s = evaluate_timex(TBAQ)
    # measured: relaxed F1 0.938, value F1 0.807, type F1 0.904, strict F1 0.882
    assert s["n_docs"] == 256 and s["n_gold"] == 1822
    assert s["relaxed_f1"] >= 0.92
    assert s["strict_f1"] >= 0.86
    assert s["value_f1"] >= 0.78
    assert s["type_f1"] >= 0.88
    held_out = evaluate_timex(TBAQ, docs=split_docs(load_docs(TBAQ))[4])
    # fold 4 was never inspected while writing the rules; measured value F1 0.729
    assert held_out["value_f1"] >= 0.71
