"""WARC input: ingest speed and memory, and flat memory of reading a big WARC.

1. Builds a CC-NEWS-like WARC (gzip per record, written by warcio) of the
   news_cluster articles (../shared/data/stories/news_cluster.jsonl): for
   each, a request record, a response record holding a minimal HTML page
   (title, publication date in a meta tag, the text as paragraphs) and a
   metadata record; and runs `newsfuse ingest FILE.warc.gz --db X` (with
   analysis, the default) under ``/usr/bin/time -v``: articles/s and peak RSS.
2. Generates WARCs of about ``--sizes-mb`` MB on disk (default 100 and 1000)
   by repeating those records under new URLs, and reads each through the
   reader alone (``iter_raw_items``, no ingest) in a child process under
   ``/usr/bin/time -v``: peak RSS should not grow with the file.

`newsfuse` is run as ``python -c 'from newsfuse.cli import main; main()'``
with this interpreter, so PYTHONPATH picks the tree under test.

Run: .venv/bin/python benchmarks/warc.py [--sizes-mb 100 1000] [--skip-ingest] [--json]

Measured 2026-11-26 on the shared 2-core machine (busy; wall times vary 2x
with its load): ingest of the 1.1 MB news_cluster WARC (383 pages, 767 other
records) with analysis: 380 articles in 108 s, 3.5 articles/s, peak RSS
1,024 MB (the same articles as JSON Lines: 99 s, 3.8/s, 986 MB; 3 pages
under 20 words skipped both ways). Reader alone: 100 MB (34,334 pages) in
13 s and 1,000 MB (342,854 pages) in 145 s, peak RSS 31 MB both; half of
the reading time is clean_body's junk check, shared with every input.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "stories" / "news_cluster.jsonl"
CLI = [sys.executable, "-c", "from newsfuse.cli import main; main()"]
READER = """
import sys, time
from newsfuse import iter_raw_items
from newsfuse.records import RawItem
started, items, skips = time.perf_counter(), 0, 0
for item in iter_raw_items([sys.argv[1]]):
    if isinstance(item, RawItem):
        items += 1
    else:
        skips += 1
print(items, skips, round(time.perf_counter() - started, 1))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsfuse-warc-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        result = {"ingest": None if args.skip_ingest else ingest_run(folder), "read": []}
        for size in args.sizes_mb:
            path = write_warc(folder / f"big{size}.warc.gz", size * 1_000_000)
            result["read"].append({"size_mb": round(path.stat().st_size / 1e6), **read_run(path)})
    print(json.dumps(result, indent=1) if args.json else _table(result))
    return 0


def articles() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def page(article: dict) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n") if p.strip())
    published = f'<meta property="article:published_time" content="{article["published"]}">' \
        if article.get("published") else ""
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(article['title'] or '')}"
            f"</title>{published}</head><body><article><h1>{html.escape(article['title'] or '')}</h1>"
            f"{paragraphs}</article></body></html>").encode("utf-8")


def write_warc(path: Path, size: int | None = None) -> Path:
    """news_cluster as request/response/metadata records; repeated under new URLs up to ``size`` bytes."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    corpus = [(a, page(a)) for a in articles()]
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsfuse benchmarks/warc.py"}))
        number = 0
        while number < len(corpus) or (size and out.tell() < size):
            article, body = corpus[number % len(corpus)]
            url = article["url"] if number < len(corpus) else f"{article['url']}?copy={number}"
            _write_fetch(writer, url, body, StatusAndHeaders)
            number += 1
    return path


def _write_fetch(writer, url: str, body: bytes, headers) -> None:
    request = headers("GET / HTTP/1.1", [("Host", re.sub(r"^\w+://([^/]+).*", r"\1", url))], is_http_request=True)
    writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request))
    response = headers("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                       protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=response))
    writer.write_record(writer.create_warc_record(url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
                                                  warc_content_type="application/warc-fields"))


def ingest_run(folder: Path) -> dict:
    path = write_warc(folder / "news_cluster.warc.gz")
    done = _timed([*CLI, "ingest", str(path), "--db", str(folder / "warc.db"), "--json"])
    report = json.loads(done.stdout)
    return {"file_mb": round(path.stat().st_size / 1e6, 1), "ingested": report["ingested"],
            "duplicates": report["duplicates"], "skipped": report["skipped_by_code"],
            "articles_per_s": round(report["ingested"] / _seconds(done.stderr), 2), **_time_v(done.stderr)}


def read_run(path: Path) -> dict:
    done = _timed([sys.executable, "-c", READER, str(path)])
    items, skips, seconds = done.stdout.split()
    return {"items": int(items), "skips": int(skips), "read_s": float(seconds),
            "mb_per_s": round(path.stat().st_size / 1e6 / float(seconds), 1), **_time_v(done.stderr)}


def _timed(command: list[str]) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[:4])} failed after {time.perf_counter() - started:.0f} s:\n"
                         f"{done.stderr[-3000:]}")
    return done


def _time_v(stderr: str) -> dict:
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr).group(1))
    return {"peak_rss_mb": round(peak_kb / 1024), "wall_s": round(_seconds(stderr), 1)}


def _seconds(stderr: str) -> float:
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", stderr).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def _table(result: dict) -> str:
    lines = []
    if result["ingest"]:
        r = result["ingest"]
        lines.append(f"ingest {r['file_mb']} MB WARC: {r['ingested']} articles in {r['wall_s']} s "
                     f"({r['articles_per_s']}/s), peak RSS {r['peak_rss_mb']} MB, skipped {r['skipped']}")
    lines.append(f"{'WARC MB':>8} {'pages':>8} {'skips':>6} {'read s':>8} {'MB/s':>6} {'peak RSS MB':>11}")
    for r in result["read"]:
        lines.append(f"{r['size_mb']:>8} {r['items']:>8} {r['skips']:>6} {r['read_s']:>8} {r['mb_per_s']:>6} "
                     f"{r['peak_rss_mb']:>11}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
