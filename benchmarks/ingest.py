"""Ingest speed and memory on news_cluster (383 articles).

Prints one JSON object: articles per second end to end and per part, with
the model-free part (read, clean, dedup, cluster, store) separated from
model loading, embedding and analysis (spaCy and the extractors). Run: .venv/bin/python benchmarks/ingest.py
(the machines are shared and noisy: compare ratios within one run).
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "stories" / "news_cluster.jsonl"


def main(corpus: Path = CORPUS) -> dict:
    tic = time.perf_counter()
    from newsfuse import Store, ingest, iter_raw_items
    from newsfuse.embed import MiniLMEmbedder
    import_seconds = time.perf_counter() - tic

    embedder = MiniLMEmbedder()
    tic = time.perf_counter()
    embedder.encode(["warm up"])
    load_seconds = time.perf_counter() - tic

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        tic = time.perf_counter()
        report = ingest(iter_raw_items([corpus]), store, embedder=embedder)
        total = time.perf_counter() - tic
    model_free = total - report.seconds.get("embed", 0.0) - report.seconds.get("analyze", 0.0)
    return {
        "articles": report.ingested,
        "skipped": len(report.skipped),
        "import_seconds": round(import_seconds, 2),
        "model_load_seconds": round(load_seconds, 2),
        "ingest_seconds": round(total, 2),
        "articles_per_second": round(report.ingested / total, 1),
        "embed_seconds": report.seconds.get("embed"),
        "embed_articles_per_second": round(report.ingested / report.seconds["embed"], 1),
        "analyze_seconds": report.seconds.get("analyze"),
        "analyze_articles_per_second": round(report.ingested / report.seconds["analyze"], 1),
        "model_free_seconds": round(model_free, 2),
        "model_free_articles_per_second": round(report.ingested / model_free, 1),
        "read_clean_seconds": report.seconds.get("read_clean"),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "note": "model-free = everything but embedding and analysis (spaCy + extractors)",
    }


if __name__ == "__main__":
    if not CORPUS.exists():
        sys.exit(f"benchmark corpus not found: {CORPUS}")
    print(json.dumps(main(), indent=2))
