"""Peak memory of `newsfuse ingest` as its input grows: flat, or not.

Generates JSON Lines files of the given sizes (default 100 MB and 1 GB) in
a temporary folder, each line a news_cluster article under a new ``id``,
and runs `newsfuse ingest FILE --no-analyze` on each in a fresh database
under ``/usr/bin/time -v``, reporting the peak resident memory, the time
and the ingest report's counts.

``--unique K`` makes the first K lines distinct articles (a counter in the
text); the other lines repeat news_cluster's articles as they are: each new
the first time it is seen, an exact duplicate after that. So a fixed number
of articles (K plus news_cluster's distinct ones) goes all the way through
embedding, clustering and storing, and the rest of the file is read,
cleaned and found to be duplicates. Reading, cleaning and
the duplicate check are what a big file costs in every run; the stories
and their index in memory grow with the number of *new* articles, which is
why it is fixed here rather than growing with the file.

Run: .venv/bin/python benchmarks/memory.py [--sizes-mb 100 1000] [--unique 2000] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "stories" / "news_cluster.jsonl"
NEWSFUSE = Path(sys.executable).with_name("newsfuse")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--unique", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="newsfuse-memory-") as tmp:
        for size in args.sizes_mb:
            path = generate(Path(tmp) / f"input{size}.jsonl", size * 1_000_000, args.unique)
            rows.append({"size_mb": size, **run(path, Path(tmp) / f"n{size}.db")})
    print(json.dumps(rows, indent=1) if args.json else _table(rows))
    return 0


def generate(path: Path, size: int, unique: int) -> Path:
    """``size`` bytes of JSON Lines; the first ``unique`` lines distinct articles."""
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    written, number = 0, 0
    with path.open("w", encoding="utf-8") as handle:
        while written < size:
            record = dict(records[number % len(records)], id=f"line{number}")
            if number < unique:
                record["text"] += f"\nCorrection number {number} appended to this report."
            line = json.dumps(record) + "\n"
            handle.write(line)
            written, number = written + len(line.encode()), number + 1
    return path


def run(path: Path, db: Path) -> dict:
    done = subprocess.run(["/usr/bin/time", "-v", str(NEWSFUSE), "ingest", str(path), "--db", str(db), "--no-analyze",
                           "--json"], capture_output=True, text=True, check=True)
    report = json.loads(done.stdout)
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", done.stderr).group(1)
    return {"lines": report["ingested"] + report["duplicates"] + report["skipped_count"],
            "ingested": report["ingested"], "duplicates": report["duplicates"],
            "skipped": report["skipped_count"], "peak_rss_mb": round(peak_kb / 1024), "wall": wall}


def _table(rows: list[dict]) -> str:
    lines = [f"{'input MB':>8} {'lines':>8} {'new':>6} {'dups':>8} {'skipped':>7} {'peak RSS MB':>11} {'wall':>9}"]
    for r in rows:
        lines.append(f"{r['size_mb']:>8} {r['lines']:>8} {r['ingested']:>6} {r['duplicates']:>8} {r['skipped']:>7} "
                     f"{r['peak_rss_mb']:>11} {r['wall']:>9}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
