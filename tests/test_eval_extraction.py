"""The extraction metric, and a quality floor on the scrapinghub benchmark."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsfuse.errors import EvalError
from newsfuse.eval.extraction import evaluate_extraction, metrics, shingle_match

SCRAPINGHUB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction" / "scrapinghub"

# Measured on this set with extract_html and trafilatura 2.3.1 / htmldate 1.11.0:
# P 0.943, R 0.978, F1 0.960. The floor leaves room for small library drift.
F1_FLOOR = 0.95

BODY = ("The harbour authority said on Monday that the new container terminal would open "
        "in the spring, two years later than planned, after a dispute over dredging permits.")


def _page(body: str) -> str:
    return (f"<!DOCTYPE html><html><head><title>Harbour terminal delayed</title></head>"
            f"<body><nav><a href='/'>Home</a></nav><article><p>{body}</p></article></body></html>")


def _folder(tmp_path: Path, pages: dict[str, tuple[str, str]]) -> Path:
    """pages: id -> (gold body, html)."""
    (tmp_path / "html").mkdir()
    with (tmp_path / "ground_truth.jsonl").open("w", encoding="utf-8") as out:
        for page_id, (body, html) in pages.items():
            (tmp_path / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
            out.write(json.dumps({"id": page_id, "body": body, "html": f"html/{page_id}.html.gz"}) + "\n")
    return tmp_path


def test_perfect_prediction_scores_one(tmp_path):
    result = evaluate_extraction(_folder(tmp_path, {"a": (BODY, _page(BODY))}))
    assert result == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "n_pages": 1, "n_failed": 0}


def test_failed_extraction_is_an_empty_prediction(tmp_path):
    folder = _folder(tmp_path, {"a": (BODY, "<html><body></body></html>")})
    result = evaluate_extraction(folder)
    assert result["recall"] == 0.0 and result["f1"] == 0.0
    assert result["n_failed"] == 1


def test_progress_is_reported(tmp_path):
    calls = []
    evaluate_extraction(_folder(tmp_path, {"a": (BODY, _page(BODY)), "b": (BODY, _page(BODY))}),
                        progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]


def test_shingles_are_a_normalised_multiset():
    assert shingle_match("a b c d", "a b c d") == (1.0, 0.0, 0.0)
    assert shingle_match("a b c d", "") == (0.0, 0.0, 1.0)
    # "a b c d a b c d" has 5 shingles, "a b c d" one of them: TP 1, FN 4
    assert shingle_match("a b c d a b c d", "a b c d") == pytest.approx((0.2, 0.0, 0.8))
    # fewer than four tokens make one shorter shingle
    assert shingle_match("a b", "a b") == (1.0, 0.0, 0.0)


def test_pages_weigh_equally_and_empty_predictions_skip_precision():
    short_half = shingle_match("a b c d e", "a b c d x")  # TP 1, FP 1, FN 1
    empty = shingle_match("a b c d", "")
    scores = metrics([short_half, empty])
    assert scores["precision"] == pytest.approx(0.5)  # the empty page has no precision
    assert scores["recall"] == pytest.approx(0.25)  # mean of 0.5 and 0


@pytest.mark.parametrize("damage", ["no folder", "no ground truth", "missing html", "bad line"])
def test_broken_corpus_raises_eval_error(tmp_path, damage):
    folder = tmp_path / "corpus"
    if damage != "no folder":
        folder.mkdir()
        _folder(folder, {"a": (BODY, _page(BODY))})
    if damage == "no ground truth":
        (folder / "ground_truth.jsonl").unlink()
    elif damage == "missing html":
        (folder / "html" / "a.html.gz").unlink()
    elif damage == "bad line":
        (folder / "ground_truth.jsonl").write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(EvalError) as caught:
        evaluate_extraction(folder)
    assert caught.value.code.startswith("NF5")


def test_quality_floor_on_scrapinghub():
    if not (SCRAPINGHUB / "ground_truth.jsonl").is_file():
        pytest.skip(f"benchmark not present at {SCRAPINGHUB}")
    result = evaluate_extraction(SCRAPINGHUB)
    assert result["n_pages"] == 181
    assert result["n_failed"] <= 2
    assert result["f1"] >= F1_FLOOR, result
