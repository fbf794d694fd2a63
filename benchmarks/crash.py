"""Crash safety: kill -9 an ingest at random moments, run it again, and
check the result equals an uninterrupted run.

An ingest of news_cluster articles (whole events, in file order, up to
``--articles``; real models, analysis and story records on, batches of
``--batch`` articles so that a run holds many transactions) runs once
uninterrupted for the reference. Then each trial starts the same ingest in
a fresh database, kills its whole process group (the writer and its
analysis workers, as a power cut would) with SIGKILL at a random moment:
after a random number of committed batches (0 to all), a random delay of up
to 1 s (so the kill lands in the next batch's analysis, its transaction,
or the record building after it; with 0 batches, in the start-up and first
analysis), notes what the killed run had stored (articles, records,
pending records: which stage it was in), runs
the same ingest again to completion and compares:

- the same articles and the same story partition as the reference;
- every live story's record current, equal to the reference's record
  (its data and its facts), and no record pending;
- every article with its story, analysis and claims; PRAGMA integrity_check ok.

Exit status 1 if any trial differs. The test suite runs one small trial
(tests/test_crash_safety.py).

Run: .venv/bin/python benchmarks/crash.py [--trials 20] [--articles 48] [--batch 8] [--seed 1] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "stories" / "news_cluster.jsonl"


def main() -> int:
    args = _arguments()
    if args.child:
        return _child(*args.child, args.batch)
    with tempfile.TemporaryDirectory(prefix="newsfuse-crash-") as tmp:
        results = run_trials(Path(tmp), args.trials, args.articles, args.batch, args.seed)
    print(json.dumps(results, indent=1) if args.json else _table(results))
    return 0 if results["failed"] == 0 else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--articles", type=int, default=48)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("INPUT", "DB"), help=argparse.SUPPRESS)
    return parser.parse_args()


def _child(input_path: str, db: str, batch: int) -> int:
    """The ingest that is killed: the library calls `newsfuse ingest` makes, with small batches."""
    from dataclasses import replace

    from newsfuse import Store, ingest, iter_raw_items
    from newsfuse.config import Options

    with Store(db) as store:
        ingest(iter_raw_items([input_path]), store, options=replace(Options(), batch_size=batch))
    return 0


def run_trials(workdir: Path, trials: int, articles: int, batch: int, seed: int) -> dict:
    source = _input(workdir, articles)
    tic = time.perf_counter()
    _run(source, workdir / "reference.db", batch)
    reference_seconds = time.perf_counter() - tic
    reference = snapshot(workdir / "reference.db")
    rng, rows, batches = random.Random(seed), [], -(-len(reference["articles"]) // batch)
    for number in range(trials):
        db = workdir / f"trial{number}.db"
        after = rng.randint(0, batches)  # committed batches before the kill
        delay = rng.uniform(0, 1.0) if after else rng.uniform(0, 0.5 * reference_seconds)
        rows.append(_trial(source, db, batch, (after * batch, delay), reference))
    return {"articles": articles, "batch": batch, "reference_seconds": round(reference_seconds, 1),
            "stories": len(reference["partition"]), "trials": rows,
            "failed": sum(1 for row in rows if row["differences"])}


def _input(workdir: Path, articles: int) -> Path:
    """Whole events of news_cluster, in file order, up to ``articles`` articles."""
    by_event: dict[str, list[str]] = {}
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        by_event.setdefault(json.loads(line)["event"], []).append(line)
    chosen: list[str] = []
    for lines in by_event.values():
        if len(chosen) + len(lines) <= articles:
            chosen += lines
    path = workdir / "input.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path


def _command(source: Path, db: Path, batch: int) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", str(source), str(db), "--batch", str(batch)]


def _run(source: Path, db: Path, batch: int) -> None:
    subprocess.run(_command(source, db, batch), check=True, stdout=subprocess.DEVNULL)


def _trial(source: Path, db: Path, batch: int, moment: tuple[int, float], reference: dict) -> dict:
    """``moment``: kill once this many articles are stored, that many seconds later."""
    child = subprocess.Popen(_command(source, db, batch), start_new_session=True, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    finished = _wait_for_articles(child, db, moment[0]) or _wait(child, moment[1])
    if not finished:
        os.killpg(child.pid, signal.SIGKILL)  # the writer and its analysis workers at once
        child.wait()
    at_kill = _counts(db)
    tic = time.perf_counter()
    _run(source, db, batch)
    after = snapshot(db)
    return {"kill_after_articles": moment[0], "then_s": round(moment[1], 2), "finished_before_kill": finished,
            "at_kill": at_kill,
            "rerun_seconds": round(time.perf_counter() - tic, 1), "differences": compare(after, reference)}


def _wait(child: subprocess.Popen, seconds: float) -> bool:
    try:
        child.wait(timeout=seconds)
        return True
    except subprocess.TimeoutExpired:
        return False


def _wait_for_articles(child: subprocess.Popen, db: Path, articles: int) -> bool:
    """Poll (read-only) until the run has stored ``articles``; True if it finished first."""
    while articles and _counts(db)["articles"] < articles:
        if child.poll() is not None:
            return True
        time.sleep(0.05)
    return False


def _counts(db: Path) -> dict:
    """What the killed run left: articles, built records, pending records."""
    if not db.exists():
        return {"articles": 0, "records": 0, "pending": 0}
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)) as connection:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        count = lambda table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] \
            if table in tables else 0  # noqa: E731
        return {"articles": count("articles"), "records": count("story_records"), "pending": count("pending_records")}


def snapshot(db: Path) -> dict:
    """What a finished run stored, in a form two runs can be compared by."""
    from newsfuse import Store
    from newsfuse.story_record import record_state

    with Store(db) as store:
        stories = [s["id"] for s in store.stories()]
        partition = sorted(sorted(a["id"] for a in store.story_articles(s)) for s in stories)
        records = {s: (store.story_record(s)["data"] if store.story_record(s) else None, store.story_facts(s))
                   for s in stories}
        return {
            "articles": sorted(store.article_story_map()),
            "partition": partition,
            "records": {_key(partition, store, s): records[s] for s in stories},
            "states": sorted({record_state(store, s)[0] for s in stories}),
            "pending": store.count_pending(),
            "integrity": store.db.execute("PRAGMA integrity_check").fetchone()[0],
            "orphans": _orphans(store.db),
        }


def _key(partition: list, store, story_id: str) -> str:
    """A story by its first article (story ids may differ between runs)."""
    return min(a["id"] for a in store.story_articles(story_id))


def _orphans(db) -> dict:
    queries = {
        "articles without a story": "SELECT COUNT(*) FROM articles WHERE story_id IS NULL",
        "articles without analysis": "SELECT COUNT(*) FROM articles a LEFT JOIN analyses n ON n.article_id = a.id"
                                     " WHERE n.article_id IS NULL",
        "articles without claims": "SELECT COUNT(*) FROM articles a LEFT JOIN article_claims c"
                                   " ON c.article_id = a.id WHERE c.article_id IS NULL",
        "unfinished runs": "SELECT COUNT(*) FROM ingest_runs WHERE finished_at IS NULL",
    }
    return {name: db.execute(sql).fetchone()[0] for name, sql in queries.items()}


def compare(after: dict, reference: dict) -> list[str]:
    """What differs from the reference or breaks an invariant (empty: none)."""
    problems = [f"{key} differ" for key in ("articles", "partition", "records") if after[key] != reference[key]]
    if after["states"] != ["current"]:
        problems.append(f"record states {after['states']}")
    if after["pending"] or after["integrity"] != "ok":
        problems.append(f"pending {after['pending']}, integrity {after['integrity']}")
    problems += [f"{n} {name}" for name, n in after["orphans"].items() if n and name != "unfinished runs"]
    return problems


def _table(results: dict) -> str:
    lines = [f"{results['articles']} articles, batches of {results['batch']}, {results['stories']} stories; "
             f"uninterrupted run {results['reference_seconds']} s",
             "kill: after N articles were stored and S more seconds; at kill: what was stored",
             f"{'trial':>5} {'N':>4} {'S':>5} {'articles':>8} {'records':>7} {'pending':>7} {'rerun s':>7}  result"]
    for number, row in enumerate(results["trials"]):
        at = row["at_kill"]
        result = "; ".join(row["differences"]) or ("same (finished before the kill)"
                                                    if row["finished_before_kill"] else "same")
        lines.append(f"{number:>5} {row['kill_after_articles']:>4} {row['then_s']:>5} {at['articles']:>8} "
                     f"{at['records']:>7} "
                     f"{at['pending']:>7} {row['rerun_seconds']:>7}  {result}")
    lines.append(f"{len(results['trials']) - results['failed']} of {len(results['trials'])} trials equal to the "
                 "uninterrupted run")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
