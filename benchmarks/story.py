"""Story record build and update time on news_cluster: a full build of
stories of 2, 10, 50 and 200 articles, and the cost of adding one article to
a story of 10, 50 and 200.

What is timed is ``newsfuse.story_record.update_story_record`` inside its
transaction: reading what the record is built from, aligning claims (stored
with each article when it was processed: nothing is encoded), the facts'
statuses, the cited summary and the timeline, and writing the record.

- *full build*: ``redo=True``, the fold over all the story's articles;
- *add one (warm)*: the story's alignment of its first N-1 articles is in
  the in-memory cache, as it is during a long ingest; the N-th article joins;
- *add one (cold)*: the same from the stored record (a new process, or
  another writer's record): the N-1 articles' claims are read back first.

Not timed: the setup, which ingests the chosen articles with analysis and
claims but without records (``Options(story_records=False)``) into a fresh
store in a temporary directory. The stories are assigned directly in the
store (``save_story`` and ``set_article_story``), not left to the
clusterer, so each holds exactly the articles chosen:

- 2 and 10 articles: the first 2 or 10 articles of one real event (event
  70, the North Korean missile over Hokkaido, 19 articles from 10 outlets),
  each outlet's first report before any outlet's second, by publication
  date;
- 50 and 200 articles: the largest events taken whole, largest first, cut
  at the size. A story of several events has more distinct claims to align
  than a real story of as many reports of one event, so these figures are
  pessimistic.

Each figure is the median of ``--repeats`` runs (range in brackets). Other
CPU work on the machine distorts the figures: the load average at the
start is printed; compare sizes within one run.

Run: .venv/bin/python benchmarks/story.py [--sizes 2 10 50 200] [--repeats 3] [--json]
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
SIZES = (2, 10, 50, 200)
ADD_SIZES = (10, 50, 200)


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
        store.db.execute("UPDATE articles SET story_id = NULL WHERE story_id = ?", (story_id,))
        store.save_story(story_id, title=f"benchmark story of {len(article_ids)} articles", first_seen=None,
                         last_seen=None, n_articles=len(article_ids), state=None)
        for article_id in article_ids:
            store.set_article_story(article_id, story_id)


# -- measuring ---------------------------------------------------------------

def update_seconds(store, story_id: str, **options) -> float:
    from newsfuse.story_record import update_story_record

    tic = time.perf_counter()
    with store.transaction():
        update_story_record(store, story_id, **options)
    return time.perf_counter() - tic


def full_builds(store, size: int, ids: list[str], repeats: int) -> dict:
    story_id = f"bench-{size}"
    assign_story(store, story_id, ids)
    runs = [update_seconds(store, story_id, redo=True) for _ in range(repeats)]
    return {"size": size, **record_counts(store, story_id), **spread("build", runs)}


def add_one(store, size: int, ids: list[str], repeats: int) -> dict:
    """The N-th article joining a story of N-1, warm (cache) and cold (stored record)."""
    from newsfuse.story_record import AlignmentCache

    story_id = f"add-{size}"
    warm, cold = [], []
    for _ in range(repeats):
        for runs, cached in ((warm, True), (cold, False)):
            cache = AlignmentCache()
            assign_story(store, story_id, ids[:-1])
            update_seconds(store, story_id, cache=cache, redo=True)
            assign_story(store, story_id, ids)
            runs.append(update_seconds(store, story_id, cache=cache if cached else None))
    return {"size": size, **spread("warm", warm), **spread("cold", cold)}


def spread(name: str, runs: list[float]) -> dict:
    return {f"{name}_seconds": round(statistics.median(runs), 4),
            f"{name}_range": [round(min(runs), 4), round(max(runs), 4)]}


def record_counts(store, story_id: str) -> dict:
    data, facts = store.story_record(story_id)["data"], store.story_facts(story_id).values()
    members = {(m[0], m[1]) for fact in facts for m in fact["members"]}
    return {"claims": len(members), "facts": len(facts),
            "corroborated": data["claim_counts"]["corroborated"], "summary": len(data["summary"])}


def main(corpus: Path = CORPUS, sizes: tuple[int, ...] = SIZES, repeats: int = 3) -> dict:
    from newsfuse import Store
    from newsfuse.embed import MiniLMEmbedder

    by_event = events(corpus)
    chosen = {size: story_rows(by_event, size) for size in set(sizes) | set(ADD_SIZES)}
    wanted = {str(r["id"]) for rows in chosen.values() for r in rows}
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        setup_seconds, id_map = timed(lambda: ingest_rows(store, corpus, wanted, MiniLMEmbedder()))
        ordered = {size: ordered_ids(store, {id_map[str(r["id"])] for r in rows}) for size, rows in chosen.items()}
        builds = [full_builds(store, size, ordered[size], repeats) for size in sizes]
        adds = [add_one(store, size, ordered[size], repeats) for size in ADD_SIZES if size in ordered]
    return {"load_average_at_start": round(load_average, 2), "setup_articles": len(wanted),
            "setup_seconds": round(setup_seconds, 2), "repeats": repeats, "builds": builds, "adds": adds,
            "peak_rss_mb": peak_rss_mb()}


def ordered_ids(store, ids: set[str]) -> list[str]:
    """The articles in stored order (the order a record folds them in)."""
    rows = store.db.execute("SELECT id FROM articles ORDER BY seq")
    return [r[0] for r in rows if r[0] in ids]


def print_table(result: dict) -> None:
    print(f"load average at start {result['load_average_at_start']}; setup (ingest + analysis of "
          f"{result['setup_articles']} articles) {result['setup_seconds']} s; median of {result['repeats']}; "
          f"peak RSS {result['peak_rss_mb']:.0f} MB")
    print(f"{'articles':>8} {'claims':>7} {'facts':>6} {'corrob.':>7} {'full build s':>13} {'(min-max)':>15}")
    for s in result["builds"]:
        low, high = s["build_range"]
        print(f"{s['size']:>8} {s['claims']:>7} {s['facts']:>6} {s['corroborated']:>7} {s['build_seconds']:>13.3f} "
              f"{f'{low:.3f}-{high:.3f}':>15}")
    print(f"{'story':>8} {'add one, warm s':>16} {'(min-max)':>15} {'add one, cold s':>16} {'(min-max)':>15}")
    for s in result["adds"]:
        (wl, wh), (cl, ch) = s["warm_range"], s["cold_range"]
        print(f"{s['size']:>8} {s['warm_seconds']:>16.4f} {f'{wl:.4f}-{wh:.4f}':>15} {s['cold_seconds']:>16.4f} "
              f"{f'{cl:.4f}-{ch:.4f}':>15}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="articles per story")
    parser.add_argument("--repeats", type=int, default=3, help="timed builds per size (median reported)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"benchmark corpus not found: {CORPUS}")
    if args.repeats < 1 or min(args.sizes) < 1:
        sys.exit("--repeats and --sizes must be positive")
    output = main(sizes=tuple(args.sizes), repeats=args.repeats)
    if args.json:
        print(json.dumps(output, indent=2))
    else:
        print_table(output)
