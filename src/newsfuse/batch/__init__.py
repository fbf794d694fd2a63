"""newsfuse on Apache Spark: ``run_batch(inputs, out, master=...)``.

The job, in stages (each resumable, see manifest.py):

1. process (executors, in parallel): one task per input file, or per part
   of a large JSON Lines or WARC file (every n-th item); a task reads,
   cleans, computes the dedup keys, analyses and encodes (tasks.py) with
   ingest's own stage functions, and commits its result to the manifest.
2. assign (driver, sequential): the articles in ingest's order (input order,
   each window sorted by publication date) go through ingest's own
   ``prepare_cleaned`` and ``store_batch``: exact and near-duplicates,
   story assignment and storing, into a work SQLite store ``OUT/_batch/work.db``.
   Assignment depends on order, so it is the same sequential pass as ingest's,
   over features computed in stage 1: a few milliseconds per article.
3. records (executors, in parallel): story records built per story from
   ``story_record.story_inputs`` with ``built_record``, saved by the driver.
4. output: Parquet tables (export_tables.py: the schema of ``newsfuse
   export``) in ``OUT``; with ``db``, the work store copied into that
   database (SQLite or PostgreSQL, empty) so ``newsfuse serve --db`` shows it.

Bad input is skipped and counted per file (the report), never fails the job.
pyspark is an optional extra: ``pip install 'newsfuse[spark]'``.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import asdict
from functools import partial
from pathlib import Path

from ..cluster import ClusterOptions
from ..config import Options
from ..errors import BatchError, ModelError
from ..records import Article, IngestReport, Skipped, origin_file
from .manifest import Manifest, Task, fingerprint, job_key, task_key

__all__ = ["run_batch", "plan_tasks", "spark_session"]

# A JSON Lines or WARC file over this size is read by several tasks (each
# takes every n-th item): news_cluster (1.6 MB) gives 4 tasks, enough for a
# few cores, while a task still amortises its per-task overhead (~0.1 s).
TASK_BYTES = 512 * 1024
_SPLITTABLE = ("jsonl", "warc")


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


def plan_tasks(inputs: list[str], task_bytes: int = TASK_BYTES) -> tuple[list[Task], list[Skipped]]:
    """The tasks for these files and folders (in ingest's reading order), and the inputs that cannot be listed."""
    from ..ingest.sources import expand_paths, kind_of

    tasks, skipped = [], []
    for index, entry in enumerate(expand_paths(inputs)):
        if isinstance(entry, Skipped):
            skipped.append(entry)
            continue
        parts = _parts(entry, kind_of(entry), task_bytes)
        tasks.extend(Task(index, str(entry), part, parts) for part in range(parts))
    return tasks, skipped


def _parts(path: Path, kind: str | None, task_bytes: int) -> int:
    if kind not in _SPLITTABLE:
        return 1
    try:
        return max(1, math.ceil(path.stat().st_size / task_bytes))
    except OSError:  # the task reads it and reports why not
        return 1


def run_batch(inputs: list[str], out: str | Path, *, master: str | None = None, db: str | None = None,
              options: Options = Options(), cluster_options: ClusterOptions = ClusterOptions(),
              progress=_no_progress, task_bytes: int = TASK_BYTES) -> dict:
    """Run the batch job over ``inputs`` (files, folders) into ``out``; the report (a dict).

    ``master``: a Spark master URL (local[2], spark://host:7077, yarn); None
    takes spark-submit's, or local[2] outside spark-submit. Run again with
    the same arguments after an interruption, it skips committed work."""
    from dataclasses import replace

    options = replace(options, analyze=True, story_records=True)
    manifest, started = Manifest(out), time.perf_counter()
    tasks, unlisted = plan_tasks(inputs, task_bytes)
    keys = [task_key(t, fingerprint(asdict(options))) for t in tasks]
    job = _Job(manifest, job_key(keys), master, progress)
    try:
        seconds = _process(job, tasks, keys, options)
        results = TaskResults(manifest, tasks, keys)
        report = _assign_and_build(job, results, unlisted, options, cluster_options, seconds)
        _output(job, out, db, seconds)
    finally:
        job.stop()
    seconds["total"] = time.perf_counter() - started
    return _summary(report, results, tasks, seconds, job)


class _Job:
    """The job's manifest, key, progress and Spark session (started only when a stage needs it)."""

    def __init__(self, manifest: Manifest, key: str, master: str | None, progress):
        self.manifest, self.key, self.master, self.progress = manifest, key, master, progress
        self.spark, self.reused, self.sigint = None, 0, None
        self.work_db = manifest.root / "work.db"

    def session(self):
        if self.spark is None:
            self.sigint = signal.getsignal(signal.SIGINT)  # SparkContext installs its own: given back in stop()
            self.spark = spark_session(self.master)
        return self.spark

    def stop(self) -> None:
        if self.spark is not None:
            self.spark.stop()
            self.spark = None
            if threading.current_thread() is threading.main_thread() and self.sigint is not None:
                signal.signal(signal.SIGINT, self.sigint)


def spark_session(master: str | None = None):
    """A Spark session for newsfuse: UI off, few shuffle partitions, Python workers reused (the models stay loaded)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise BatchError("pyspark is not installed", code="NF701",
                         hint="install newsfuse[spark]: pip install 'newsfuse[spark]' (pyspark 4; Java 17)") from exc
    builder = SparkSession.builder.appName("newsfuse batch")
    master = master or (None if "PYSPARK_GATEWAY_PORT" in os.environ else "local[2]")  # spark-submit gives one
    if master and master.startswith("local"):  # the Python workers are this Python (pyspark reads it from here)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in _spark_conf(master).items():
        builder = builder.config(key, value)
    try:
        spark = (builder.master(master) if master else builder).getOrCreate()
    except Exception as exc:  # the JVM does not start: Java missing, a bad master URL, ...
        raise BatchError(f"Spark did not start (master {master or 'from spark-submit'}): {exc}", code="NF702",
                         hint="Java 17 must be on PATH (or JAVA_HOME set); check the --master URL") from exc
    spark.sparkContext.setLogLevel("WARN")
    return spark


def _spark_conf(master: str | None) -> dict[str, str]:
    conf = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": "4",  # a few tables of thousands of rows: no need for 200
            "spark.python.worker.reuse": "true"}
    if master and master.startswith("local"):  # executors are this machine's: this Python and this package
        package_root = str(Path(__file__).resolve().parents[2])
        paths = [package_root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        conf["spark.executorEnv.PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in paths)
    return conf


# ---- stage 1: process --------------------------------------------------------------

def _process(job: _Job, tasks: list[Task], keys: list[str], options: Options) -> dict:
    """Run the tasks not yet committed, in parallel; seconds per stage, summed over tasks."""
    from . import tasks as task_module

    todo = [(t, k) for t, k in zip(tasks, keys) if k not in job.manifest.committed([k])]
    job.reused = len(tasks) - len(todo)
    seconds: dict = {}
    if not todo:
        return seconds
    tic = time.perf_counter()
    sc = job.session().sparkContext
    rdd = sc.parallelize(todo, len(todo)).mapPartitions(
        partial(task_module.commit_tasks, options=options, parts_dir=str(job.manifest.parts)))
    for _, task_seconds in _collect_watching(rdd, job, keys):
        for stage, value in task_seconds.items():
            seconds[stage] = seconds.get(stage, 0.0) + value
    seconds["process_wall"] = time.perf_counter() - tic
    return seconds


def _collect_watching(rdd, job: _Job, keys: list[str]) -> list:
    """``rdd.collect()`` on a thread while progress counts the committed tasks."""
    outcome: dict = {}

    def collect():
        try:
            outcome["rows"] = rdd.collect()
        except Exception as exc:
            outcome["error"] = exc
    thread = threading.Thread(target=collect, daemon=True)
    thread.start()
    while thread.is_alive():
        job.progress("process", len(job.manifest.committed(keys)), len(keys))
        thread.join(0.5)
    if "error" in outcome:
        raise _job_error(outcome["error"])
    job.progress("process", len(keys), len(keys))
    return outcome["rows"]


def _job_error(exc: Exception) -> Exception:
    text = str(exc)
    if "ModelError" in text or "NF3" in text:
        error = ModelError(f"a batch task could not load a model: {_last_line(text)}",
                           hint="install the models on every executor (see README)")
    else:
        error = BatchError(f"the Spark job failed: {_last_line(text)}", code="NF703",
                           hint="committed tasks are kept: run the same command again to resume")
    error.__cause__ = exc
    return error


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line]
    return (errors[-1] if errors else lines[-1] if lines else "unknown error")[:500]


# ---- stages 2 and 3: assign (driver) and records (executors) ----------------------------

def _assign_and_build(job: _Job, results: list, unlisted: list[Skipped], options: Options,
                      cluster_options: ClusterOptions, seconds: dict) -> IngestReport:
    from ..store import Store

    report = IngestReport()
    for skipped in unlisted:
        report.skip(skipped)
    if not job.manifest.stage_done("assign", job.key):
        _remove_work_db(job)
    with Store(job.work_db) as store, store.one_writer():
        if job.manifest.stage_done("assign", job.key):
            _report_of_assigned(store, results, report)
        else:
            _timed(seconds, "assign", _assign, store, results, report, options, cluster_options, job.progress)
            job.manifest.finish_stage("assign", job.key)
        _timed(seconds, "records", _records, job, store, report)
    return report


def _remove_work_db(job: _Job) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{job.work_db}{suffix}").unlink(missing_ok=True)
    for stage in ("export", "db"):
        job.manifest.forget_stage(stage)


def _timed(seconds: dict, key: str, function, *args):
    tic = time.perf_counter()
    result = function(*args)
    seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - tic
    return result


class TaskResults:
    """The committed task results, read from the manifest as the driver needs
    them, so that its memory holds a window of articles and a few tasks'
    results, not the job's (about 100 KB an article: analyses, vectors)."""

    def __init__(self, manifest: Manifest, tasks: list[Task], keys: list[str], cached: int = 64):
        self.manifest, self.cached = manifest, cached
        self.by_file: dict[int, list[str]] = {}
        for task, key in zip(tasks, keys):
            self.by_file.setdefault(task.file_index, []).append(key)
        self.where: dict[str, str] = {}  # article id -> key of the first task that computed it
        self.loaded: OrderedDict = OrderedDict()
        self.items: dict[str, int] = {}  # items read per file

    def entries(self, report: IngestReport):
        """Every item in ingest's reading order (by file, then by place in its file), with its signature."""
        for index in sorted(self.by_file):
            results = [self._load(k) for k in self.by_file[index]]
            for key, result in zip(self.by_file[index], results):
                for article_id in result.computed:
                    self.where.setdefault(article_id, key)
                for skipped in result.skipped:
                    report.skip(skipped)
            for _, item, meta in ordered_entries(results):
                self.items[origin_file(item.origin)] = self.items.get(origin_file(item.origin), 0) + 1
                yield item, meta, self.computed(item.id)[2] if isinstance(item, Article) else None

    def computed(self, article_id: str) -> tuple:
        """(Processed, ArticleFeatures, signature) of an article its entries have been read for."""
        return self._load(self.where[article_id]).computed[article_id]

    def _load(self, key: str):
        if key not in self.loaded:
            self.loaded[key] = self.manifest.load(key)
            while len(self.loaded) > self.cached:
                self.loaded.popitem(last=False)
        self.loaded.move_to_end(key)
        return self.loaded[key]


def ordered_entries(results: list) -> list:
    """Every item of every task in ingest's reading order: by file, then by place in its file."""
    by_file: dict[int, list] = {}
    for result in results:
        by_file.setdefault(result.file_index, []).extend(result.entries)
    return [entry for index in sorted(by_file) for entry in sorted(by_file[index], key=lambda e: e[0])]


def _assign(store, results: TaskResults, report: IngestReport, options: Options, cluster_options: ClusterOptions,
            progress) -> None:
    """Ingest's dedup, assignment and storing, in ingest's order, over the computed features."""
    from ..embed import MiniLMEmbedder
    from ..pipeline import batches_of, prepare_cleaned, store_batch
    from ..store.story_index import open_story_index, save_story_index

    entries = results.entries(report)  # the same text in two tasks: the first one's results
    run_id, index, done = store.start_run(), open_story_index(store, cluster_options, MiniLMEmbedder.dim), 0
    for batch in batches_of(prepare_cleaned(entries, store, report, options), options.batch_size):
        features = [results.computed(p.article.id)[1] for p in batch]
        processed = [results.computed(p.article.id)[0] for p in batch]
        store_batch(batch, features, processed, store, index, report, options, MiniLMEmbedder.name)
        done += len(batch)
        progress("assign", done, None)
    save_story_index(store, index)
    store.finish_run(run_id, report.as_dict())


def _report_of_assigned(store, results: TaskResults, report: IngestReport) -> None:
    """The report of an assign stage finished by an earlier run of the job (the counts its run stored)."""
    for article, _, _ in results.entries(report):
        if isinstance(article, Skipped):
            report.skip(article)
    runs = store.db.execute("SELECT report FROM ingest_runs ORDER BY id DESC LIMIT 1").fetchone()
    if runs and runs[0]:
        import json

        stored = json.loads(runs[0])
        for key in ("ingested", "duplicates", "near_duplicates", "new_stories"):
            setattr(report, key, stored.get(key, 0))


def _records(job: _Job, store, report: IngestReport, chunk: int = 1000) -> None:
    """Build the records of the pending stories in parallel tasks; the driver saves them, a chunk at a time."""
    from ..pipeline import _live_id

    asked: dict = {}
    for story_id in store.pending_stories():
        asked.setdefault(_live_id(store, story_id), []).append(story_id)
    if None in asked:  # marks of stories merged away
        with store.transaction():
            store.clear_pending(asked.pop(None))
    stories, done = sorted(asked), 0
    for start in range(0, len(stories), chunk):
        part = stories[start:start + chunk]
        _save_records(store, _built(job, store, part), asked, report)
        done += len(part)
        job.progress("records", done, len(stories))


def _built(job: _Job, store, story_ids: list[str]) -> list:
    from ..story_record import story_inputs
    from .tasks import build_records

    inputs = [(s, *story_inputs(store, s)) for s in story_ids]
    sc = job.session().sparkContext
    slices = max(1, min(len(inputs), 4 * sc.defaultParallelism))  # stories differ in size: more slices balance
    return sc.parallelize(inputs, slices).mapPartitions(lambda stories: build_records(list(stories))).collect()


def _save_records(store, built: list, asked: dict, report: IngestReport) -> None:
    from ..story_record import save_built_record

    with store.transaction():
        for story_id, record, error in built:
            if record is None:
                report.record_errors.append({"story": story_id, "error": error})
                continue
            save_built_record(store, story_id, record)
            store.clear_pending({story_id, *asked[story_id]})


# ---- stage 4: output ----------------------------------------------------------------

def _output(job: _Job, out: str | Path, db: str | None, seconds: dict) -> None:
    from ..export_tables import export_tables
    from ..store import Store, open_store
    from ..store.copy import copy_database

    with Store(job.work_db, readonly=True) as work:
        if not job.manifest.stage_done("export", job.key):
            _timed(seconds, "export", export_tables, work, out)
            job.manifest.finish_stage("export", job.key)
        if db and not job.manifest.stage_done("db", f"{job.key} {db}"):
            with open_store(db) as target:
                _timed(seconds, "copy_db", copy_database, work, target)
            job.manifest.finish_stage("db", f"{job.key} {db}")


def _summary(report: IngestReport, results: TaskResults, tasks: list[Task], seconds: dict, job: _Job) -> dict:
    """The ingest report's fields, with the seconds per stage, the task counts and the items and skips per file."""
    summary = report.as_dict()
    summary.update(seconds={k: round(v, 3) for k, v in seconds.items()}, tasks=len(tasks), tasks_reused=job.reused,
                   files=_per_file(results, tasks, report))
    return summary


def _per_file(results: TaskResults, tasks: list[Task], report: IngestReport) -> dict:
    from ..ingest.sources import origin_of

    files = {origin_of(t.path): {"items": 0, "skipped": 0} for t in tasks}
    for file, count in results.items.items():
        files.setdefault(file, {"items": 0, "skipped": 0})["items"] = count
    for file, count in report.skipped_by_file.items():
        files.setdefault(file, {"items": 0, "skipped": 0})["skipped"] = count
    return files
