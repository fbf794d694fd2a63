"""Span scores of quote attribution (newsfuse.eval.quotes)."""

import json

import pytest
from conftest import shared_file

from newsfuse.errors import EvalError
from newsfuse.eval.quotes import (
    evaluate_quotes,
    load_docs,
    normalise,
    score_attributions,
)

TEXT = '"We will win," Smith said, "and soon." Jones told reporters the plan failed.'


def at(text, *parts):
    """A span dict covering the given substrings of TEXT."""
    if not parts or parts == (None,):
        return None
    spans = [[TEXT.index(p), TEXT.index(p) + len(p)] for p in parts]
    return {"spans": spans}


def attribution(source, cue, content):
    return {"source": at(TEXT, *source), "cue": at(TEXT, *cue), "content": at(TEXT, *content)}


GOLD = [attribution(["Smith"], ["said"], ['"We will win,"', '"and soon."']),
        attribution(["Jones"], ["told reporters"], ["the plan failed"])]


def test_normalise_trims_punctuation_and_merges_across_non_words():
    assert normalise(TEXT, [[0, 14]]) == ((1, 12),)
    assert normalise(TEXT, [[27, 38], [0, 14]]) == ((1, 12), (28, 36))
    assert normalise("a, b", [[0, 1], [3, 4]]) == ((0, 4),)
    assert normalise(TEXT, [[0, 1]]) == ()


def test_perfect_prediction_scores_one():
    s = score_attributions([(TEXT, GOLD, GOLD)])
    assert s["all_exact_f1"] == 1.0 and s["all_overlap_f1"] == 1.0
    assert (s["source_n_gold"], s["cue_n_gold"], s["content_n_gold"], s["all_n_gold"]) == (2, 2, 2, 6)


def test_exact_and_overlap_on_a_synthetic_article():
    pred = [attribution(["Smith"], ["said"], ["We will win"]),          # content misses its 2nd part
            attribution(["Jones told"], ["told"], ["the plan failed."]),  # source too long, cue too short
            attribution([None], ["win"], ["soon"])]                     # spurious; no source
    s = score_attributions([(TEXT, GOLD, pred)])
    assert (s["source_n_pred"], s["cue_n_pred"], s["content_n_pred"]) == (2, 3, 3)
    assert s["source_exact_precision"] == 0.5 and s["source_exact_recall"] == 0.5
    assert s["source_overlap_f1"] == 1.0
    assert s["cue_exact_recall"] == 0.5 and s["cue_exact_precision"] == pytest.approx(1 / 3)
    assert s["cue_overlap_recall"] == 1.0 and s["cue_overlap_precision"] == pytest.approx(2 / 3)
    assert s["content_exact_recall"] == 0.5  # "the plan failed." equals after trimming
    # overlap is one-to-one: "We will win" and "soon" both touch gold content 1, only one counts
    assert s["content_overlap_recall"] == 1.0 and s["content_overlap_precision"] == pytest.approx(2 / 3)
    assert s["all_overlap_recall"] == 1.0 and s["all_n_pred"] == 8


def test_gold_with_null_source_has_no_source_span():
    gold = [attribution([None], ["said"], ["the plan failed"])]
    s = score_attributions([(TEXT, gold, [])])
    assert s["source_n_gold"] == 0 and s["all_n_gold"] == 2 and s["all_overlap_recall"] == 0.0


def test_missing_or_malformed_file(tmp_path):
    with pytest.raises(EvalError, match="not found"):
        load_docs(tmp_path / "absent.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "x", "attributions": [{"source": None, "cue": None}]}) + "\n")
    with pytest.raises(EvalError, match="bad.jsonl:1"):
        load_docs(bad)


def test_evaluate_on_a_tiny_file(tmp_path):
    path = tmp_path / "tiny.jsonl"
    path.write_text(json.dumps({"id": "d1", "text": TEXT, "attributions": GOLD}) + "\n")
    seen = []
    s = evaluate_quotes(path, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 1)]
    assert s["source_exact_recall"] == 1.0 and s["cue_overlap_recall"] == 1.0


@pytest.mark.slow
def test_quality_floor_on_polnear_dev():
    # measured: source exact F1 0.720, cue exact 0.676, content overlap 0.759, all overlap 0.765
    s = evaluate_quotes(shared_file("data", "quotes", "polnear_dev.jsonl"))
    assert s["source_exact_f1"] >= 0.70
    assert s["cue_exact_f1"] >= 0.65
    assert s["content_overlap_f1"] >= 0.73
    assert s["all_overlap_f1"] >= 0.745
