"""Story record build time for stories of 2, 10 and 50 articles (news_cluster).

What is timed is ``newsfuse.story_record.build_story_record``: reading a
story's stored articles and analyses, extracting its claims, aligning them
across outlets with all-MiniLM-L6-v2, the cited summary and the timeline.
Separately, and not part of that figure:

- the one-off MiniLM model load (the model is loaded before any timing);
- the setup: ingesting the articles with analysis (spaCy and the extractors)
  and without records (``Options(story_records=False)``) into a fresh store
  in a temporary directory;
- ``align``: ``story_facts`` alone (claim extraction and alignment, on
  analyses already read from the store), the bulk of the build.

Articles the pipeline skips (3 of news_cluster's 383, too short after
cleaning) are left out before choosing. The stories are assigned directly in
the store (``save_story`` and ``set_article_story`` after the ingest), not
left to the clusterer, so each holds exactly the articles chosen:

- 2 and 10 articles: the first 2 or 10 articles of one real event (event
  70, the North Korean missile over Hokkaido, 19 articles from 10 outlets),
  each outlet's first report before any outlet's second, by publication
  date: a story covered by as many outlets as it has articles (in date
  order alone, the first two are both the New York Times');
- 50 articles: the largest events taken whole, largest first, cut at 50
  (events 70, 65 and 35, 45 articles, then 5 of event 72, chosen as
  above). A story of several events has more distinct claims to align than
  a real story of 50 reports of one event, so this figure is pessimistic.

The stories share articles, so they are built one after the other, each
assignment replacing the previous one. Each size is built once untimed
(warm-up), then ``--repeats`` times; the table gives the median (and the
range). Peak RSS is the process peak so far (``getrusage``), so it only grows
down the table. Claims are the distinct claims cited as evidence in the
record, facts its aligned facts (a claim can stand in several facts, so there
can be more facts than claims).

Other CPU work on the machine distorts the figures far beyond noise: with
a test suite running beside it, a 2-article build that takes 1.6 s on idle
cores took 19 s (MiniLM's torch threads starve). The load average at the
start is printed; run on an idle machine (``--threads`` sets torch's
thread count).

Run: .venv/bin/python benchmarks/story.py [--sizes 2 10 50] [--repeats 3] [--threads N] [--json]
(about 4 minutes on 2 idle cores; compare sizes within one run, not
absolute times across machines).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "stories" / "news_cluster.jsonl"
REAL_EVENT = 70  # north_Korea_hokkaido_missile, the largest event (19 articles)
SIZES = (2, 10, 50)


def timed(function) -> tuple[float, object]:
    tic = time.perf_counter()
    result = function()
    return time.perf_counter() - tic, result


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# -- choosing the articles ---------------------------------------------------

def ingestible_ids(corpus: Path) -> set[str]:
    """Ids of the corpus rows the pipeline keeps (it skips, e.g., texts too short after cleaning)."""
    from newsfuse import iter_raw_items
    from newsfuse.config import Options
    from newsfuse.errors import InputError
    from newsfuse.ingest.article import to_article
    from newsfuse.records import RawItem

    kept = set()
    for item in iter_raw_items([corpus]):
        try:
            if isinstance(item, RawItem):
                to_article(item, Options())
                kept.add(str(item.meta.get("id")))
        except InputError:
            continue
    return kept


def events(corpus: Path) -> dict[int, list[dict]]:
    """The ingestible corpus rows by event, each event's rows outlets first (``outlets_first``)."""
    kept = ingestible_ids(corpus)
    by_event: dict[int, list[dict]] = defaultdict(list)
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if str(row["id"]) in kept:
                by_event[row["event_id"]].append(row)
    return {event: outlets_first(rows) for event, rows in by_event.items()}


def outlets_first(rows: list[dict]) -> list[dict]:
    """Each outlet's first report (by publication date), then each one's second, and so on."""
    by_date = sorted(rows, key=lambda r: (r["published"] is None, r["published"] or "", r["id"]))
    seen: Counter = Counter()
    ranked = []
    for row in by_date:
        ranked.append((seen[row["source"]], row))
        seen[row["source"]] += 1
    return [row for _, row in sorted(ranked, key=lambda pair: pair[0])]  # stable: dates within a rank


def story_rows(by_event: dict[int, list[dict]], size: int) -> list[dict]:
    """One real event's first ``size`` articles if it has that many; else the
    largest events taken whole, largest first, cut at ``size``."""
    real = by_event[REAL_EVENT]
    if size <= len(real):
        return real[:size]
    largest = sorted(by_event.items(), key=lambda item: (-len(item[1]), item[0]))
    pooled = [row for _, rows in largest for row in rows]
    if size > len(pooled):
        sys.exit(f"the corpus has only {len(pooled)} articles")
    return pooled[:size]


# -- setup: ingest, then assign stories --------------------------------------

def ingest_rows(store, corpus: Path, external_ids: set[str], embedder) -> dict[str, str]:
    """Ingest (with analysis, without records) the corpus rows with these ids;
    returns external id -> article id."""
    from newsfuse import ingest, iter_raw_items
    from newsfuse.config import Options
    from newsfuse.records import RawItem

    items = (item for item in iter_raw_items([corpus])
             if isinstance(item, RawItem) and str(item.meta.get("id")) in external_ids)
    report = ingest(items, store, options=Options(story_records=False), embedder=embedder)
    if report.skipped or report.analysis_errors:
        sys.exit(f"setup failed: skipped {report.skipped}, analysis errors {report.analysis_errors}")
    return report.external_ids


def assign_story(store, story_id: str, article_ids: list[str]) -> None:
    """Make these articles (and only these) the story ``story_id``."""
    with store.transaction():
        store.save_story(story_id, title=f"benchmark story of {len(article_ids)} articles", first_seen=None,
                         last_seen=None, n_articles=len(article_ids), state=None)
        for article_id in article_ids:
            store.set_article_story(article_id, story_id)


# -- measuring ---------------------------------------------------------------

def build_times(store, story_id: str, embedder, repeats: int) -> tuple[list[float], dict]:
    from newsfuse.story_record import build_story_record

    build_story_record(store, story_id, embedder)  # warm-up
    runs = [timed(lambda: build_story_record(store, story_id, embedder)) for _ in range(repeats)]
    return [seconds for seconds, _ in runs], runs[-1][1]


def align_times(store, story_id: str, embedder, repeats: int) -> list[float]:
    """``story_facts`` alone, on the story's analyses already read from the store."""
    from newsfuse.pipeline import stored_article
    from newsfuse.records import Analysis
    from newsfuse.story_record import story_facts

    rows = store.story_articles(story_id)
    stored = store.analyses(r["id"] for r in rows)
    analysed = [(stored_article(r), Analysis.from_dict(stored[r["id"]])) for r in rows if r["id"] in stored]
    return [timed(lambda: story_facts(analysed, rows, embedder))[0] for _ in range(repeats)]


def record_counts(record: dict) -> dict:
    facts = record["claims"] or []
    claims = {(e["article"], e["start"], e["end"]) for fact in facts for e in fact["evidence"]}
    return {"articles": record["n_articles"], "outlets": len(record["outlets"]), "claims": len(claims),
            "facts": len(facts), "summary_sentences": len(record["summary"]),
            "timeline_entries": len(record["timeline"])}


def measure(store, size: int, rows: list[dict], id_map: dict[str, str], embedder, repeats: int) -> dict:
    story_id = f"bench-{size}"
    assign_story(store, story_id, sorted({id_map[str(r["id"])] for r in rows}))
    builds, record = build_times(store, story_id, embedder, repeats)
    aligns = align_times(store, story_id, embedder, repeats)
    return {"size": size, "events": len({r["event_id"] for r in rows}), **record_counts(record),
            "build_seconds": round(statistics.median(builds), 3),
            "build_seconds_range": [round(min(builds), 3), round(max(builds), 3)],
            "align_seconds": round(statistics.median(aligns), 3),
            "peak_rss_mb": peak_rss_mb()}


def main(corpus: Path = CORPUS, sizes: tuple[int, ...] = SIZES, repeats: int = 3,
         threads: int | None = None) -> dict:
    from newsfuse import Store
    from newsfuse.embed import MiniLMEmbedder

    by_event = events(corpus)
    chosen = {size: story_rows(by_event, size) for size in sizes}
    wanted = {str(r["id"]) for rows in chosen.values() for r in rows}

    load_average = os.getloadavg()[0]
    embedder = MiniLMEmbedder(threads=threads)
    load_seconds, _ = timed(lambda: embedder.encode(["warm up"]))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        setup_seconds, id_map = timed(lambda: ingest_rows(store, corpus, wanted, embedder))
        results = [measure(store, size, chosen[size], id_map, embedder, repeats) for size in sizes]
    return {
        "load_average_at_start": round(load_average, 2),
        "torch_threads": _torch_threads(),
        "model_load_seconds": round(load_seconds, 2),
        "setup_articles": len(wanted),
        "setup_seconds": round(setup_seconds, 2),
        "repeats": repeats,
        "stories": results,
        "note": "build = build_story_record (median of repeats, after one warm-up); "
                "align = story_facts alone; setup = ingest with analysis, not records",
    }


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def print_table(result: dict) -> None:
    print(f"load average at start {result['load_average_at_start']}, torch threads {result['torch_threads']}")
    print(f"model load {result['model_load_seconds']} s; setup (ingest + analysis of "
          f"{result['setup_articles']} articles) {result['setup_seconds']} s; "
          f"median of {result['repeats']} builds after one warm-up")
    header = ("articles", "outlets", "events", "claims", "facts", "build s", "(min-max)", "align s", "peak RSS MB")
    print("{:>8} {:>7} {:>6} {:>6} {:>6} {:>8} {:>13} {:>8} {:>11}".format(*header))
    for s in result["stories"]:
        low, high = s["build_seconds_range"]
        print(f"{s['articles']:>8} {s['outlets']:>7} {s['events']:>6} {s['claims']:>6} {s['facts']:>6} "
              f"{s['build_seconds']:>8.2f} {f'{low:.2f}-{high:.2f}':>13} {s['align_seconds']:>8.2f} "
              f"{s['peak_rss_mb']:>11.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="articles per story")
    parser.add_argument("--repeats", type=int, default=3, help="timed builds per size (median reported)")
    parser.add_argument("--threads", type=int, help="torch threads for MiniLM (default: torch's own)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"benchmark corpus not found: {CORPUS}")
    if args.repeats < 1 or min(args.sizes) < 1:
        sys.exit("--repeats and --sizes must be positive")
    output = main(sizes=tuple(args.sizes), repeats=args.repeats, threads=args.threads)
    if args.json:
        print(json.dumps(output, indent=2))
    else:
        print_table(output)
