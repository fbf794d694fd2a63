"""Analysis speed and memory on news_cluster (383 articles), beside spaCy alone.

The floor is spaCy's en_core_web_sm parsing the same texts with nlp.pipe
(every extractor reads that one parse); the analysis adds entities, places,
time expressions, quotes and events on top. Prints one JSON object.

Run: .venv/bin/python benchmarks/analyze.py [--processes 2]
(shared, noisy machines: compare the ratios within one run, not absolute times).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "stories" / "news_cluster.jsonl"


def load_articles(corpus: Path) -> list:
    from newsfuse import iter_raw_items
    from newsfuse.config import Options
    from newsfuse.errors import InputError
    from newsfuse.ingest.article import to_article
    from newsfuse.records import RawItem

    articles = []
    for item in iter_raw_items([corpus]):
        try:
            if isinstance(item, RawItem):
                articles.append(to_article(item, Options()))
        except InputError:
            continue
    return articles


def timed(function) -> tuple[float, object]:
    tic = time.perf_counter()
    result = function()
    return time.perf_counter() - tic, result


def main(corpus: Path = CORPUS, processes: int = 1, batch_size: int = 16) -> dict:
    from newsfuse.analyze.article import analyze_articles
    from newsfuse.analyze.nlp import load_nlp

    articles = load_articles(corpus)
    words = sum(len(a.text.split()) for a in articles)
    load_seconds, nlp = timed(load_nlp)
    nlp("warm up")
    texts = [a.text for a in articles]
    spacy_seconds, _ = timed(lambda: list(nlp.pipe(texts, batch_size=batch_size, n_process=processes)))
    ner_seconds, _ = timed(lambda: list(load_nlp(("parser", "lemmatizer")).pipe(texts, batch_size=batch_size,
                                                                                 n_process=processes)))
    analysis_seconds, analyses = timed(lambda: list(analyze_articles(articles, batch_size=batch_size,
                                                                     n_process=processes)))
    return {
        "articles": len(articles),
        "words": words,
        "processes": processes,
        "model_load_seconds": round(load_seconds, 2),
        "spacy_seconds": round(spacy_seconds, 2),
        "spacy_articles_per_second": round(len(articles) / spacy_seconds, 1),
        "spacy_words_per_second": round(words / spacy_seconds),
        "spacy_without_parser_seconds": round(ner_seconds, 2),
        "analysis_seconds": round(analysis_seconds, 2),
        "analysis_articles_per_second": round(len(articles) / analysis_seconds, 1),
        "analysis_over_spacy": round(analysis_seconds / spacy_seconds, 2),
        "found": _counts(analyses),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _counts(analyses: list) -> dict:
    return {kind: sum(len(getattr(a, kind)) for a in analyses)
            for kind in ("entities", "mentions", "timexes", "quotes", "events")}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"benchmark corpus not found: {CORPUS}")
    print(json.dumps(main(processes=args.processes, batch_size=args.batch_size), indent=2))
