"""Main-text extraction quality on a folder shaped like the scrapinghub
article-extraction-benchmark (``html/<id>.html.gz`` + ``ground_truth.jsonl``).

Scoring follows the benchmark's own ``evaluate.py``
(scrapinghub/article-extraction-benchmark): texts are split into ``\\w+``
tokens (case kept), every page becomes a multiset of word 4-gram shingles,
per-page TP/FP/FN are normalised to sum to 1 so long pages do not dominate,
precision is the mean of per-page precision over pages with TP+FP > 0,
recall the mean of per-page recall over pages with TP+FN > 0, and F1 the
harmonic mean of those two means. A page whose extraction fails is scored as
an empty prediction (recall 0, and it drops out of the precision mean, exactly
as an empty ``articleBody`` does in the benchmark).
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..errors import EvalError, InputError
from ..ingest.article import to_article
from ..ingest.sources import bytes_to_item
from ..records import Skipped

_TOKEN = re.compile(r"\w+")
_NGRAM = 4  # the benchmark's shingle size

Scores = tuple[float, float, float]


def evaluate_extraction(folder: Path, *, progress: Callable[[int, int], None] | None = None) -> dict:
    """Precision, recall and F1 of ingested article text against the gold bodies."""
    folder = Path(folder)
    pages = _load_ground_truth(folder)
    scores: list[Scores] = []
    failed = 0
    for done, page in enumerate(pages, start=1):
        predicted = _predict(folder, page)
        failed += predicted is None
        scores.append(shingle_match(page["body"], predicted or ""))
        if progress is not None:
            progress(done, len(pages))
    return {**metrics(scores), "n_pages": len(pages), "n_failed": failed}


def shingle_match(true: str, pred: str, n: int = _NGRAM) -> Scores:
    """Normalised (TP, FP, FN) over the two texts' shingle multisets."""
    gold, guess = _shingles(true, n), _shingles(pred, n)
    tp = sum((gold & guess).values())
    fp = sum((guess - gold).values())
    fn = sum((gold - guess).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def metrics(scores: list[Scores]) -> dict:
    """Benchmark aggregation: means of per-page precision and recall."""
    precisions = [_ratio(tp, fp, fn) for tp, fp, fn in scores if tp + fp > 0]
    recalls = [_ratio(tp, fn, fp) for tp, fp, fn in scores if tp + fn > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    both = precision + recall
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / both if both else 0.0}


def _ratio(tp: float, wrong: float, other: float) -> float:
    """tp / (tp + wrong), with the benchmark's conventions for empty cases."""
    if wrong == other == 0:
        return 1.0
    return tp / (tp + wrong) if tp + wrong else 0.0


def _shingles(text: str, n: int) -> Counter:
    """Word n-grams; a text shorter than n words is one shorter shingle."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def _predict(folder: Path, page: dict) -> str | None:
    """The article text ingest would store: extraction, then chrome and headline removal."""
    try:
        html = gzip.decompress((folder / page["html"]).read_bytes())
        item = bytes_to_item(page["id"], "html", html, {"url": page.get("url")})
        return None if isinstance(item, Skipped) else to_article(item).text
    except (InputError, OSError, EOFError):  # scored as an empty prediction
        return None


def _load_ground_truth(folder: Path) -> list[dict]:
    truth = folder / "ground_truth.jsonl"
    if not truth.is_file():
        raise EvalError(f"no ground truth at {truth}",
                        hint="point to a folder holding ground_truth.jsonl and html/<id>.html.gz",
                        code="NF501")
    pages = [_page(truth, number, line) for number, line in _lines(truth)]
    if not pages:
        raise EvalError(f"{truth} holds no pages", code="NF502")
    missing = [page["html"] for page in pages if not (folder / page["html"]).is_file()]
    if missing:
        raise EvalError(f"{len(missing)} HTML file(s) listed in {truth} are missing, e.g. {missing[0]}",
                        hint="copy the html/ folder next to ground_truth.jsonl", code="NF503")
    return pages


def _lines(path: Path):
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def _page(truth: Path, number: int, line: str) -> dict:
    try:
        page = json.loads(line)
        page.setdefault("html", f"html/{page['id']}.html.gz")
        if not isinstance(page.get("body"), str):
            raise KeyError("body")
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise EvalError(f"{truth}:{number}: not a page record with 'id' and 'body' ({exc})",
                        code="NF504") from exc
    return page
