"""Start-up: time of `newsfuse --help` and `newsfuse stories` on a 10k-article database.

The database is synthetic and built without the models: articles of about
600 words of made-up text (so rows are as long as real ones and spill into
SQLite overflow pages like real ones), from 60 outlets over one year, are
written through the project's own ``Store`` (``insert_article``,
``save_story``, ``set_article_story``) into stories whose sizes follow a
long tail (most stories have one or two articles, the largest 188 by
default), and one article in ten of a multi-article story is a
near-duplicate of its story's first article. No analyses, vectors or story
records are stored: `newsfuse stories` reads none of them.

`newsfuse stories` lists the 50 largest stories (piped: as tab-separated
lines); ``--json`` and ``--limit 0`` list all of them.

Each command runs as a fresh process: what the ``newsfuse`` console script
runs (``newsfuse.cli:main``), with this checkout's ``src`` first on
``PYTHONPATH``, its output read through a pipe and discarded. Each runs once
untimed (warm-up: file cache, bytecode), then ``--repeats`` times; the table
gives the median and range of the wall times and the median CPU time (user
+ system) of the process. A bare ``python -c pass`` is timed too: no command
can start faster. Other work on the machine stretches wall time more than
CPU time (with two other busy processes on 2 cores, runs of about 0.4 s CPU
took up to 0.65 s wall): compare CPU times across runs, wall times within one.

Run: .venv/bin/python benchmarks/startup.py [--articles 10000] [--stories 3000] [--repeats 5] [--db FILE] [--json]
(building the database takes about a minute on 2 cores; ``--db FILE``
keeps it, and reuses it if it exists.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # this checkout, not an installed newsfuse

OUTLETS = [f"outlet{n:02d}.example" for n in range(60)]
WORDS_PER_ARTICLE = (400, 800)
STORIES_PER_TRANSACTION = 200


# -- the synthetic database ---------------------------------------------------

def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgk"
    return ["".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(size)]


def story_sizes(rng: random.Random, n_articles: int, n_stories: int) -> list[int]:
    """Every story gets one article; the rest go to stories with a long-tailed preference."""
    weights = [1 / (rank + 1) ** 0.7 for rank in range(n_stories)]
    sizes = [1] * n_stories
    for story in rng.choices(range(n_stories), weights=weights, k=n_articles - n_stories):
        sizes[story] += 1
    return sizes


def article_text(rng: random.Random, words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """About 600 words in sentences of 8 to 30 words, with their (start, end) offsets."""
    sentences, offsets, start = [], [], 0
    n_words = rng.randint(*WORDS_PER_ARTICLE)
    while n_words > 0:
        n_words -= (length := rng.randint(8, 30))
        sentence = " ".join(rng.choices(words, k=length)).capitalize() + "."
        sentences.append(sentence)
        offsets.append((start, start + len(sentence)))
        start += len(sentence) + 1
    return " ".join(sentences), offsets


def build_database(path: Path, n_articles: int, n_stories: int, seed: int = 0) -> None:
    from newsfuse.store import Store

    rng = random.Random(seed)
    words = vocabulary(rng)
    sizes = story_sizes(rng, n_articles, n_stories)
    with Store(path) as store:
        serial = 0
        for first in range(0, n_stories, STORIES_PER_TRANSACTION):
            with store.transaction():
                for size in sizes[first:first + STORIES_PER_TRANSACTION]:
                    serial = add_story(store, rng, words, size, serial)


def add_story(store, rng: random.Random, words: list[str], size: int, serial: int) -> int:
    """One story of ``size`` articles, published within a week; returns the last serial number used."""
    from newsfuse.records import Article

    first_day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365))
    dates = sorted((first_day + dt.timedelta(days=rng.randrange(7))).isoformat() for _ in range(size))
    story_id, first_id = None, None
    for published in dates:
        serial += 1
        text, sentences = article_text(rng, words)
        article_id = hashlib.sha256(str(serial).encode()).hexdigest()[:20]  # shaped like clean.content_id
        article = Article(id=article_id, text=text, origin=f"synthetic/{serial}.txt",
                          url=f"https://example.com/{serial}", source=rng.choice(OUTLETS),
                          title=" ".join(rng.choices(words, k=8)).capitalize(), published=published,
                          published_from="metadata", language="en", sentences=sentences)
        copy_of = first_id if first_id and rng.random() < 0.1 else None
        store.insert_article(article, external_id=str(serial), near_dup_of=copy_of)
        first_id = first_id or article_id
        story_id = story_id or "s" + article_id[:11]  # as cluster.story_id_for
        store.set_article_story(article_id, story_id)
    store.save_story(story_id, title=article.title, first_seen=dates[0], last_seen=dates[-1],
                     n_articles=size, state=None)
    return serial


# -- timing ---------------------------------------------------------------------

def run_times(argv: list[str], repeats: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of ``repeats`` runs, after one untimed run. CPU is the
    child's user + system time: on a busy machine it moves less than wall time."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                                    os.environ.get("PYTHONPATH")]))}
    times = []
    for attempt in range(repeats + 1):
        cpu_before, tic = child_cpu(), time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall, cpu = time.perf_counter() - tic, child_cpu() - cpu_before
        if done.returncode != 0:
            sys.exit(f"{' '.join(argv)} failed:\n{done.stderr.decode(errors='replace')}")
        if attempt:  # the first run warms the file cache and writes bytecode
            times.append((wall, cpu))
    return times


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def commands(db: Path) -> dict[str, list[str]]:
    # What the `newsfuse` console script runs (newsfuse.cli:main), from this checkout.
    newsfuse = [sys.executable, "-c", "import sys; from newsfuse.cli import main; sys.argv[0] = 'newsfuse'; main()"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "newsfuse --help": [*newsfuse, "--help"],
        "newsfuse stories": [*newsfuse, "stories", "--db", str(db)],
        "newsfuse stories --json": [*newsfuse, "stories", "--db", str(db), "--json"],
        "newsfuse stories --limit 0": [*newsfuse, "stories", "--db", str(db), "--limit", "0"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--stories", type=int, default=3_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--db", type=Path, help="keep the database here (reused if it exists)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "startup.db"
        if not db.exists():
            tic = time.perf_counter()
            build_database(db, args.articles, args.stories)
            print(f"built {db} ({args.articles} articles, {args.stories} stories) in "
                  f"{time.perf_counter() - tic:.1f} s", file=sys.stderr)
        results = {name: run_times(argv, args.repeats) for name, argv in commands(db).items()}
    report(results, args)


def report(results: dict[str, list[tuple[float, float]]], args) -> None:
    rows = {}
    for name, runs in results.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        rows[name] = {"median_s": round(statistics.median(wall), 3), "min_s": round(min(wall), 3),
                      "max_s": round(max(wall), 3), "cpu_median_s": round(statistics.median(cpu), 3)}
    load = os.getloadavg()[0]
    if args.json:
        print(json.dumps({"articles": args.articles, "stories": args.stories, "repeats": args.repeats,
                          "load_average": load, "commands": rows}))
        return
    print(f"{args.articles} articles, {args.stories} stories; median of {args.repeats} runs "
          f"(load average {load:.2f} at the end)")
    print(f"{'command':<26}{'wall s':>8}{'range s':>16}{'CPU s':>8}")
    for name, row in rows.items():
        wall_range = f"{row['min_s']:.3f}–{row['max_s']:.3f}"
        print(f"{name:<26}{row['median_s']:>8.3f}{wall_range:>16}{row['cpu_median_s']:>8.3f}")


if __name__ == "__main__":
    main()
