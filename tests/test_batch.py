"""newsfuse batch on Apache Spark: the manifest, the tasks without Spark, the CLI's errors (fast);
local[2] jobs on the bundled example, on WARC files, on news_cluster against ingest, and a killed job
resumed (slow; the news_cluster job is shared by the module)."""

import gzip
import html
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import EXAMPLES, shared_file
from typer.testing import CliRunner

from newsfuse.batch import ordered_entries, plan_tasks
from newsfuse.batch.manifest import Manifest, Task, fingerprint, job_key, task_key, write_atomic
from newsfuse.batch.tasks import TaskResult, _cleaned_entries, _new_articles, task_items
from newsfuse.config import Options
from newsfuse.errors import BatchError
from newsfuse.records import Article, Skipped

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
SRC = Path(__file__).resolve().parents[1] / "src"
TABLES = ["articles", "stories", "claims", "events", "quotes", "entities"]


def jsonl(path: Path, n: int) -> Path:
    rows = [{"id": f"x{i}", "title": f"Report {i}", "published": f"2024-03-{i % 28 + 1:02d}",
             "text": f"Report number {i} says the council met on Monday to discuss the bridge. " * 3}
            for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


# ---- fast: the manifest ------------------------------------------------------------------

def test_a_committed_task_is_found_again_and_a_changed_input_is_not(tmp_path):
    data = jsonl(tmp_path / "a.jsonl", 3)
    manifest, key = Manifest(tmp_path / "out"), task_key(Task(0, str(data)), "f")
    assert manifest.committed([key]) == set()
    manifest.commit(key, {"rows": 3})
    assert manifest.committed([key]) == {key} and manifest.load(key) == {"rows": 3}
    assert task_key(Task(0, str(data), 1, 2), "f") != key and task_key(Task(0, str(data)), "g") != key
    data.write_text(data.read_text() + "\n")  # the file changed: its old result is not used
    assert task_key(Task(0, str(data)), "f") != key


def test_a_write_is_all_or_nothing_and_leaves_no_temporary_file(tmp_path):
    write_atomic(tmp_path / "x", b"one")
    write_atomic(tmp_path / "x", b"two")
    assert (tmp_path / "x").read_bytes() == b"two" and [p.name for p in tmp_path.iterdir()] == ["x"]


def test_a_stage_marker_holds_only_for_the_same_job(tmp_path):
    manifest = Manifest(tmp_path)
    manifest.finish_stage("assign", job_key(["a", "b"]))
    assert manifest.stage_done("assign", job_key(["a", "b"]))
    assert not manifest.stage_done("assign", job_key(["a", "c"])) and not manifest.stage_done("export", "k")


def test_options_change_the_fingerprint():
    from dataclasses import asdict, replace

    assert fingerprint(asdict(Options())) != fingerprint(asdict(replace(Options(), batch_size=7)))


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(BatchError) as error:
        Manifest(tmp_path / "file")
    assert error.value.code == "NF704"


# ---- fast: tasks without Spark -------------------------------------------------------------

def test_a_large_file_is_split_and_its_parts_take_every_item_once(tmp_path):
    data = jsonl(tmp_path / "big.jsonl", 40)
    tasks, skipped = plan_tasks([str(tmp_path)], task_bytes=data.stat().st_size // 3)
    assert skipped == [] and [t.part for t in tasks] == [0, 1, 2, 3] and {t.parts for t in tasks} == {4}
    taken = sorted(i for t in tasks for i, _ in task_items(t.path, t.part, t.parts, Options()))
    assert taken == list(range(40))


def test_files_keep_ingest_order_and_a_missing_input_is_reported(tmp_path):
    jsonl(tmp_path / "b.jsonl", 2), jsonl(tmp_path / "a.jsonl", 2)
    tasks, skipped = plan_tasks([str(tmp_path), str(tmp_path / "gone.jsonl")])
    assert [Path(t.path).name for t in tasks] == ["a.jsonl", "b.jsonl"] and [t.file_index for t in tasks] == [0, 1]
    assert len(skipped) == 1 and "gone.jsonl" in skipped[0].origin


def test_cleaning_in_a_task_keeps_bad_lines_as_skips_and_copies_once(tmp_path):
    data = jsonl(tmp_path / "a.jsonl", 3)
    data.write_text(data.read_text() + "{not json\n" + data.read_text().splitlines()[0] + "\n")
    entries = _cleaned_entries(Task(0, str(data)), Options())
    assert [type(a).__name__ for _, a, _ in entries] == ["Article"] * 3 + ["Skipped", "Article"]
    assert entries[0][2] == {"id": "x0"} and len(_new_articles(entries)) == 3


def test_entries_come_back_in_reading_order_whatever_the_parts():
    a, b = Skipped("f:1", "r"), Skipped("g:1", "r")
    results = [TaskResult(1, entries=[(0, b, {})]), TaskResult(0, entries=[(3, a, {})]),
               TaskResult(0, entries=[(1, a, {}), (2, b, {})])]
    assert [(e[0], e[1].origin) for e in ordered_entries(results)] == [(1, "f:1"), (2, "g:1"), (3, "f:1"), (0, "g:1")]


def test_a_task_reads_cleans_analyses_and_encodes_like_ingest(tmp_path):
    from newsfuse.batch.tasks import run_task

    [task] = plan_tasks([str(EXAMPLES)])[0][:1]
    result = run_task(task, Options())
    [(_, article, _)] = result.entries
    processed, features, signature = result.computed[article.id]
    assert isinstance(article, Article) and processed.article_id == article.id and processed.claims
    assert features.article_id == article.id and features.title_vec.shape == (384,) and len(signature) > 0
    assert set(result.seconds) == {"read_clean", "analyze", "embed", "dedup_keys", "task_cpu"}


# ---- fast: the CLI's errors ------------------------------------------------------------------

def test_without_pyspark_the_cli_says_which_extra_to_install(tmp_path, monkeypatch):
    from newsfuse.cli import app

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    result = CliRunner().invoke(app, ["batch", str(jsonl(tmp_path / "a.jsonl", 2)), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "NF701" in result.output and "newsfuse[spark]" in result.output


def test_an_output_folder_that_is_a_file_is_refused(tmp_path):
    from newsfuse.cli import app

    (tmp_path / "o").write_text("")
    result = CliRunner().invoke(app, ["batch", str(jsonl(tmp_path / "a.jsonl", 2)), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "NF704" in result.output


# ---- slow: Spark local[2] ------------------------------------------------------------------------

def run(inputs, out, **kwargs) -> dict:
    from newsfuse.batch import run_batch

    pytest.importorskip("pyspark")
    return run_batch([str(i) for i in inputs], out, master="local[2]", **kwargs)


def tables(out: Path) -> dict:
    import pyarrow.parquet as pq

    return {t: pq.read_table(out / f"{t}.parquet") for t in TABLES}


def stories_of(articles) -> set[frozenset]:
    groups = defaultdict(set)
    for row in articles.select(["id", "story_id"]).to_pylist():
        groups[row["story_id"]].add(row["id"])
    return {frozenset(ids) for ids in groups.values()}


@pytest.mark.slow
def test_the_bundled_example_gives_parquet_and_a_store_the_server_shows(tmp_path):
    from fastapi.testclient import TestClient

    from newsfuse.export_tables import arrow_schema
    from newsfuse.serve.app import create_app

    import signal

    report = run([EXAMPLES], tmp_path / "out", db=str(tmp_path / "b.db"))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Spark's Ctrl-C handler given back
    assert report["ingested"] == 2 and report["skipped_count"] == 0 and report["tasks"] == 2
    found = tables(tmp_path / "out")
    assert all(found[t].schema.equals(arrow_schema(t)) for t in TABLES)
    assert found["articles"].num_rows == 2 and found["stories"].num_rows == 1 and found["claims"].num_rows > 10
    assert found["stories"].column("record_state").to_pylist() == ["current"]
    stories = TestClient(create_app(str(tmp_path / "b.db"))).get("/api/stories").json()
    assert [s["n_articles"] for s in stories["items"]] == [2]


def news_page(article: dict) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n") if p.strip())
    return (f"<html><head><title>{html.escape(article['title'] or '')}</title>"
            f"<meta property=\"article:published_time\" content=\"{article['published']}\"></head>"
            f"<body><article>{paragraphs}</article></body></html>").encode()


def warc_files(folder: Path, rows: list[dict], files: int) -> list[Path]:
    """``rows`` as gzipped response records over ``files`` WARCs; the first file's second record is broken."""
    from test_warc import response

    paths = []
    for f in range(files):
        records = [gzip.compress(response(r["url"], news_page(r))) for r in rows[f::files]]
        if f == 0:
            records[1] = records[1][:len(records[1]) // 2]  # a gzip member cut in half
        (folder / f"crawl-{f}.warc.gz").write_bytes(b"".join(records))
        paths.append(folder / f"crawl-{f}.warc.gz")
    return paths


@pytest.mark.slow
def test_warc_files_in_parallel_and_a_broken_record_is_reported_with_its_offset(tmp_path):
    rows = [json.loads(line) for line in shared_file("data", "stories", "news_cluster.jsonl").open()][:12]
    paths = warc_files(tmp_path, rows, 2)
    report = run(paths, tmp_path / "out")
    first = report["files"][str(paths[0])]
    assert first["skipped"] >= 1 and report["files"][str(paths[1])]["skipped"] == 0
    broken = [s for s in report["skipped"] if s["origin"].startswith(str(paths[0]) + ":")]
    offset = len(gzip.compress(__import__("test_warc").response(rows[0]["url"], news_page(rows[0]))))
    assert any(s["origin"] == f"{paths[0]}:{offset}" for s in broken)
    assert report["ingested"] + report["duplicates"] == 11 and tables(tmp_path / "out")["articles"].num_rows == 11


@pytest.fixture(scope="module")
def news_cluster_job(tmp_path_factory):
    """news_cluster through `newsfuse batch` with local[2], once for the module."""
    out = tmp_path_factory.mktemp("batch") / "out"
    report = run([shared_file("data", "stories", "news_cluster.jsonl")], out)
    return out, report


def ingested_partition(tmp_path) -> set[frozenset]:
    from newsfuse import Store, ingest, iter_raw_items

    with Store(tmp_path / "ingest.db") as store:
        ingest(iter_raw_items([shared_file("data", "stories", "news_cluster.jsonl")]), store)
        rows = store.articles_page(0, 10**6)
    groups = defaultdict(set)
    for row in rows:
        groups[row["story_id"]].add(row["id"])
    return {frozenset(ids) for ids in groups.values()}


def b_cubed_f1(a: set[frozenset], b: set[frozenset]) -> float:
    from newsfuse.eval.metrics import bcubed

    label = lambda part: {item: i for i, group in enumerate(part) for item in group}  # noqa: E731
    return bcubed(label(a), label(b))[2]


@pytest.mark.slow
def test_batch_and_ingest_give_the_same_stories_on_news_cluster(news_cluster_job, tmp_path):
    out, report = news_cluster_job
    batch = stories_of(tables(out)["articles"])
    ingest = ingested_partition(tmp_path)
    assert report["tasks"] == 4 and report["ingested"] == sum(len(s) for s in ingest) > 300
    assert b_cubed_f1(batch, ingest) >= 0.99


@pytest.mark.slow
def test_a_killed_job_run_again_ends_with_the_output_of_an_uninterrupted_one(news_cluster_job, tmp_path):
    whole, _ = news_cluster_job
    out, data = tmp_path / "out", shared_file("data", "stories", "news_cluster.jsonl")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    job = subprocess.Popen([sys.executable, "-m", "newsfuse.batch", str(data), "--out", str(out),
                            "--master", "local[2]"], env=env, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_parts(out / "_batch" / "parts", job)
    finally:
        os.killpg(job.pid, signal.SIGKILL)  # the driver, its JVM and the Python workers
        job.wait()
    report = run([data], out)
    assert 1 <= report["tasks_reused"] < report["tasks"]
    for name, table in tables(out).items():
        expected = tables(whole)[name]
        if name == "articles":  # when each was stored differs; nothing else may
            table, expected = table.drop(["ingested_at"]), expected.drop(["ingested_at"])
        assert table.equals(expected), name


def _wait_for_parts(parts: Path, job, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert job.poll() is None, "the job ended before it could be killed"
        if parts.exists() and any(p.suffix == ".pkl" for p in parts.iterdir()):
            return
        time.sleep(0.2)
    pytest.fail("no task was committed in time")
