"""Latency of `newsfuse serve` on a 10,000-article database, and reads while
an ingest writes.

The database (built once, kept at ``--db``): news_cluster ingested whole
with analysis and story records, then varied copies of its articles (a new
id, a line of its own added to the text and the headline) ingested without
analysis up to ``--articles``: each copy is a near-duplicate that joins its
original's story, so stories grow to hundreds of articles, as big stories
do. The server runs as `newsfuse serve` in its own process on 127.0.0.1.

Measured, with 1 and with 8 concurrent clients (threads, each its own
connection), each client making ``--requests`` requests: p50 and p95
latency of the story page (`/stories/{id}`), the story API
(`/api/stories/{id}`) and search (`/api/search?q=`, text mode), the story
and the query drawn at random from the stories and their titles' words.
Then the same clients read while `newsfuse ingest` adds ``--write``
more copies: every response must be 200 (errors counted and shown).

Run: .venv/bin/python benchmarks/serve.py [--db /tmp/newsfuse-serve-10k.db] [--articles 10000]
     [--requests 100] [--write 500] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "stories" / "news_cluster.jsonl"
NEWSFUSE = Path(sys.executable).with_name("newsfuse")


def main() -> int:
    args = _arguments()
    db = Path(args.db)
    if not db.exists():
        build(db, args.articles)
    stories, words = _targets(db)
    with _server(db) as base:
        rows = [measure(base, clients, args.requests, stories, words) for clients in (1, 8)]
        during = reads_while_writing(base, db, args.write, stories, words)
    results = {"db": str(db), "articles": _count(db), "latency": rows, "during_ingest": during}
    print(json.dumps(results, indent=1) if args.json else _table(results))
    return 0 if during["errors"] == 0 else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "newsfuse-serve-10k.db"))
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100, help="per client and kind of request")
    parser.add_argument("--write", type=int, default=500, help="articles ingested while the clients read")
    parser.add_argument("--json", action="store_true")
    return parser.parse_args()


def build(db: Path, articles: int) -> None:
    """news_cluster with analysis, then varied copies without, up to ``articles``."""
    _ingest(CORPUS, db, analyze=True)
    with tempfile.TemporaryDirectory() as tmp:
        copies = Path(tmp) / "copies.jsonl"
        _write_copies(copies, articles - _count(db), start=0)
        _ingest(copies, db, analyze=False)


def _ingest(path: Path, db: Path, *, analyze: bool) -> None:
    flags = [] if analyze else ["--no-analyze"]
    subprocess.run([str(NEWSFUSE), "ingest", str(path), "--db", str(db), "--json", *flags], check=True,
                   stdout=subprocess.DEVNULL)


def _write_copies(path: Path, n: int, *, start: int) -> None:
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as handle:
        for number in range(start, start + n):
            record = dict(records[number % len(records)], id=f"copy{number}")
            record["text"] += f"\nThis copy, number {number}, was reprinted with an editor's note."
            record["title"] = f"{record.get('title') or ''} (copy {number})"
            handle.write(json.dumps(record) + "\n")


def _count(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def _targets(db: Path) -> tuple[list[str], list[str]]:
    """Story ids to show and title words to search for."""
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT id, title FROM stories WHERE merged_into IS NULL").fetchall()
    words = sorted({w for _, title in rows for w in (title or "").split() if w.isalpha() and len(w) > 4})
    return [r[0] for r in rows], words


class _server:
    """`newsfuse serve` on a free port for the duration of a with block."""

    def __init__(self, db: Path):
        self.db, self.port = db, _free_port()

    def __enter__(self) -> str:
        self.process = subprocess.Popen([str(NEWSFUSE), "serve", "--db", str(self.db), "--port", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{self.port}"
        _wait_until_up(base)
        return base

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {base} did not answer /healthz within {seconds} s")


def _paths(kind: str, rng: random.Random, stories: list[str], words: list[str]) -> str:
    if kind == "story page":
        return f"/stories/{rng.choice(stories)}"
    if kind == "story API":
        return f"/api/stories/{rng.choice(stories)}"
    return f"/api/search?q={rng.choice(words)}"


def _client(base: str, kind: str, requests: int, seed: int, stories, words, stop=None) -> dict:
    """One client's bounded loop: latencies (s) of successful requests, and errors."""
    rng, times, errors = random.Random(seed), [], []
    with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as http:
        for _ in range(requests):
            if stop is not None and stop.is_set():
                break
            tic = time.perf_counter()
            try:
                response = http.get(_paths(kind, rng, stories, words))
                ok = response.status_code == 200
            except httpx.HTTPError as exc:
                ok, response = False, exc
            (times.append(time.perf_counter() - tic) if ok else
             errors.append(str(getattr(response, "status_code", response))))
    return {"times": times, "errors": errors}


def measure(base: str, clients: int, requests: int, stories: list[str], words: list[str]) -> dict:
    row = {"clients": clients}
    for kind in ("story page", "story API", "search"):
        with ThreadPoolExecutor(clients) as pool:
            done = list(pool.map(lambda n: _client(base, kind, requests, n, stories, words), range(clients)))
        times = sorted(t for d in done for t in d["times"])
        row[kind] = {"p50_ms": _ms(statistics.median(times)), "p95_ms": _ms(times[int(0.95 * (len(times) - 1))]),
                     "n": len(times), "errors": sum(len(d["errors"]) for d in done)}
    return row


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 1)


def reads_while_writing(base: str, db: Path, write: int, stories: list[str], words: list[str]) -> dict:
    """Four clients read (all three kinds) for as long as an ingest of ``write`` copies runs."""
    stop, results = threading.Event(), []
    with tempfile.TemporaryDirectory() as tmp:
        copies = Path(tmp) / "more.jsonl"
        _write_copies(copies, write, start=1_000_000)
        writer = subprocess.Popen([str(NEWSFUSE), "ingest", str(copies), "--db", str(db), "--no-analyze", "--json"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        kinds = ["story page", "story API", "search", "story page"]
        with ThreadPoolExecutor(len(kinds)) as pool:
            futures = [pool.submit(_client, base, kind, 10**9, n, stories, words, stop)
                       for n, kind in enumerate(kinds)]
            writer.wait()
            stop.set()
            results = [f.result() for f in futures]
    errors = [e for r in results for e in r["errors"]]
    return {"written": write, "writer_status": writer.returncode, "reads": sum(len(r["times"]) for r in results),
            "errors": len(errors), "error_kinds": sorted(set(errors))}


def _table(results: dict) -> str:
    lines = [f"{results['articles']:,} articles in {results['db']}",
             f"{'clients':>7}  {'kind':<11} {'p50 ms':>8} {'p95 ms':>8} {'n':>5} {'errors':>6}"]
    for row in results["latency"]:
        for kind in ("story page", "story API", "search"):
            r = row[kind]
            lines.append(f"{row['clients']:>7}  {kind:<11} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['n']:>5} "
                         f"{r['errors']:>6}")
    during = results["during_ingest"]
    lines.append(f"while an ingest wrote {during['written']} articles (exit {during['writer_status']}): "
                 f"{during['reads']} reads, {during['errors']} errors {during['error_kinds'] or ''}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
