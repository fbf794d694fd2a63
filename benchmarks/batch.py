"""newsfuse batch on Spark: local[1] against local[2], and against `newsfuse ingest`, on the same data.

Two inputs: news_cluster (../shared/data/stories/news_cluster.jsonl, one
1.6 MB JSON Lines file: 4 tasks) and the same articles as a generated set of
4 WARC files (gzipped request/response/metadata records, as benchmarks/warc.py
writes them). For each: `newsfuse ingest` (its default: 2 analysis workers),
then `newsfuse batch --master local[1]` and `local[2]`, back to back (the
machine is shared: compare ratios within a pair, not across runs). Each run is
a child process; the batch runner reports the job's seconds per stage, the
driver's assignment time per article, the Python driver's peak RSS and the
driver JVM's (VmHWM, sampled).

Run: PYTHONPATH=src .venv/bin/python benchmarks/batch.py [--only jsonl|warc] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "stories" / "news_cluster.jsonl"
CLI = [sys.executable, "-c", "from newsfuse.cli import main; main()"]
RUNNER = """
import json, os, resource, sys, threading, time
from newsfuse.batch import run_batch

peak = {"jvm_kb": 0}
def sample():
    while True:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                status = open(f"/proc/{pid}/status").read()
                if "\\nPPid:\\t%d\\n" % os.getpid() in status and "Name:\\tjava" in status:
                    hwm = int(status.split("VmHWM:")[1].split()[0])
                    peak["jvm_kb"] = max(peak["jvm_kb"], hwm)
            except (OSError, IndexError, ValueError):
                pass
        time.sleep(0.5)
threading.Thread(target=sample, daemon=True).start()
inputs, out, master = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
report = run_batch(inputs, out, master=master)
print(json.dumps({"ingested": report["ingested"], "seconds": report["seconds"], "tasks": report["tasks"],
                  "driver_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "jvm_rss_mb": round(peak["jvm_kb"] / 1024)}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["jsonl", "warc"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="newsfuse-batch-") as tmp:
        inputs = {"jsonl": [CORPUS], "warc": warc_set(Path(tmp) / "warc", 4)}
        for name, paths in inputs.items():
            if args.only in (None, name):
                results[name] = compare(paths, Path(tmp) / name)
    print(json.dumps(results, indent=1) if args.json else table(results))
    return 0


def warc_set(folder: Path, files: int) -> list[Path]:
    """news_cluster as ``files`` WARC files (article i in file i % files), records as benchmarks/warc.py writes."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from warc import _write_fetch, articles, page

    folder.mkdir(parents=True)
    paths = [folder / f"cc-news-{f}.warc.gz" for f in range(files)]
    corpus = articles()
    for f, path in enumerate(paths):
        with path.open("wb") as out:
            writer = WARCWriter(out, gzip=True, warc_version="1.0")
            for article in corpus[f::files]:
                _write_fetch(writer, article["url"], page(article), StatusAndHeaders)
    return paths


def compare(paths: list[Path], folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    result = {"ingest": ingest_run(paths, folder / "ingest.db")}
    for master in ("local[1]", "local[2]"):
        result[master] = batch_run(paths, folder / master.replace("[", "").replace("]", ""), master)
    result["ratio_wall_1_over_2"] = round(result["local[1]"]["wall_s"] / result["local[2]"]["wall_s"], 2)
    result["ratio_process_1_over_2"] = round(result["local[1]"]["seconds"]["process_wall"] /
                                             result["local[2]"]["seconds"]["process_wall"], 2)
    return result


def ingest_run(paths: list[Path], db: Path) -> dict:
    tic = time.perf_counter()
    done = subprocess.run([*CLI, "ingest", *map(str, paths), "--db", str(db), "--json"], capture_output=True,
                          text=True, check=True)
    wall = time.perf_counter() - tic
    report = json.loads(done.stdout)
    return {"ingested": report["ingested"], "wall_s": round(wall, 1), "articles_per_s": round(report["ingested"] / wall, 2)}


def batch_run(paths: list[Path], out: Path, master: str) -> dict:
    tic = time.perf_counter()
    env = {**os.environ, "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1")}
    done = subprocess.run([sys.executable, "-c", RUNNER, ",".join(map(str, paths)), str(out), master],
                          capture_output=True, text=True, check=True, env=env)
    wall = time.perf_counter() - tic
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(wall_s=round(wall, 1), articles_per_s=round(result["ingested"] / wall, 2),
                  assign_ms_per_article=round(1000 * result["seconds"]["assign"] / max(1, result["ingested"]), 2))
    return result


def table(results: dict) -> str:
    lines = []
    for name, result in results.items():
        lines.append(f"{name}: ingest {result['ingest']['wall_s']} s ({result['ingest']['articles_per_s']} art/s)")
        for master in ("local[1]", "local[2]"):
            r = result[master]
            stages = ", ".join(f"{k} {v:.1f}" for k, v in r["seconds"].items())
            lines.append(f"  batch {master}: {r['wall_s']} s ({r['articles_per_s']} art/s), assign "
                         f"{r['assign_ms_per_article']} ms/article, driver RSS {r['driver_rss_mb']} MB, "
                         f"JVM {r['jvm_rss_mb']} MB; seconds: {stages}")
        lines.append(f"  local[1]/local[2]: wall {result['ratio_wall_1_over_2']}x, "
                     f"process stage {result['ratio_process_1_over_2']}x")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
