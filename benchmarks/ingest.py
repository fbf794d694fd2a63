"""Ingest speed and memory on news_cluster (383 articles), end to end, beside
spaCy alone.

Two timings in one run, on the same texts and the same number of processes:

- *spaCy alone*: ``en_core_web_sm`` (all components) over the cleaned texts
  with ``nlp.pipe(batch_size=16, n_process=N)``, its model load included;
- *ingest*: ``newsfuse.ingest`` with the shipped defaults into a fresh store
  in a temporary directory: read and clean, near-duplicates, MiniLM headline
  vectors and static body vectors, analysis and claims in N worker
  processes, clustering, and the story records kept current after every
  batch. Every model load is included (MiniLM in this process, spaCy and
  the static model in each worker); only the Python imports are not.

Prints one JSON object: articles per second, the report's seconds per stage
(the stages overlap: the workers analyse ahead while this process embeds,
clusters and writes), the ratio ingest / spaCy alone, and peak memory of
this process and of the largest worker. The machines are shared and noisy:
the load average at the start is printed; compare ratios within one run.

Run: .venv/bin/python benchmarks/ingest.py [--processes N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "stories" / "news_cluster.jsonl"


def cleaned_texts(corpus: Path) -> list[str]:
    from newsfuse import iter_raw_items
    from newsfuse.config import Options
    from newsfuse.errors import InputError
    from newsfuse.ingest.article import to_article
    from newsfuse.records import RawItem

    texts = []
    for item in iter_raw_items([corpus]):
        try:
            if isinstance(item, RawItem):
                texts.append(to_article(item, Options()).text)
        except InputError:
            continue
    return texts


def spacy_alone(texts: list[str], processes: int) -> float:
    tic = time.perf_counter()
    from newsfuse.analyze.nlp import load_nlp

    for _ in load_nlp().pipe(texts, batch_size=16, n_process=processes):
        pass
    return time.perf_counter() - tic


def ingest_all(corpus: Path, processes: int) -> tuple[float, dict]:
    from dataclasses import replace

    from newsfuse import Store, ingest, iter_raw_items
    from newsfuse.config import Options

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        tic = time.perf_counter()
        report = ingest(iter_raw_items([corpus]), store, options=replace(Options(), processes=processes))
        seconds = time.perf_counter() - tic
        records = store.db.execute("SELECT COUNT(*) FROM story_records").fetchone()[0]
    return seconds, {**report.as_dict(), "records": records}


def main(corpus: Path, processes: int) -> dict:
    load_average = os.getloadavg()[0]
    texts = cleaned_texts(corpus)
    spacy_seconds = spacy_alone(texts, processes)
    ingest_seconds, report = ingest_all(corpus, processes)
    return {
        "load_average_at_start": round(load_average, 2),
        "processes": processes,
        "articles": report["ingested"],
        "skipped": len(report["skipped"]),
        "story_records": report["records"],
        "ingest_seconds": round(ingest_seconds, 2),
        "articles_per_second": round(report["ingested"] / ingest_seconds, 1),
        "spacy_alone_seconds": round(spacy_seconds, 2),
        "spacy_alone_articles_per_second": round(len(texts) / spacy_seconds, 1),
        "ingest_over_spacy": round(ingest_seconds / spacy_seconds, 2),
        "stage_seconds": report["seconds"],
        "analysis_errors": len(report["analysis_errors"]),
        "record_errors": len(report["record_errors"]),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_worker_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=None, help="worker processes (default: newsfuse's)")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"benchmark corpus not found: {CORPUS}")
    from newsfuse.workers import default_processes

    print(json.dumps(main(CORPUS, args.processes or default_processes()), indent=2))
