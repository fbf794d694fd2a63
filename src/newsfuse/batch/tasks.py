"""What a batch job's executors run: plain functions over one task, no Spark here.

``run_task`` reads its part of one input file, cleans each item, computes
the dedup keys (the id, a hash of the normalised text; the MinHash
signature), analyses (spaCy, claims, claim vectors, shingles) and encodes
(headline and body vectors), with the same stage functions as ``newsfuse
ingest``. The models load once per executor process (``_MODELS``, kept
while Spark reuses its Python worker) and each with one thread: Spark runs
one task per core.

``build_records`` builds story records, one story at a time, from what the
driver read for them (story_record.story_inputs).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Options
from ..records import Article, IngestReport, Skipped

_MODELS: dict = {}


@dataclass
class TaskResult:
    """One task's output: its items in reading order and, per new article, what the driver stores."""

    file_index: int
    entries: list = field(default_factory=list)  # (item index, Article | Skipped, kept meta)
    computed: dict = field(default_factory=dict)  # article id -> (Processed, ArticleFeatures | None, signature)
    skipped: list = field(default_factory=list)  # Skipped of later stages (an article that could not be encoded)
    seconds: dict = field(default_factory=dict)  # per stage, in this task


def task_items(path: str, part: int, parts: int, options: Options):
    """(index, item) of the items of ``path`` this part takes: every ``parts``-th, from ``part``."""
    from ..ingest.sources import read_file

    for index, item in enumerate(read_file(Path(path), options)):
        if index % parts == part:
            yield index, item


def run_task(task, options: Options) -> TaskResult:
    """Read, clean, key, analyse and encode one task's items."""
    result, tic, cpu = TaskResult(task.file_index), time.perf_counter(), time.process_time()
    result.entries = _cleaned_entries(task, options)
    _lap(result, "read_clean", tic)
    articles = _new_articles(result.entries)
    tic = time.perf_counter()
    processed = _processed(articles, options)
    _lap(result, "analyze", tic)
    tic = time.perf_counter()
    features = _features(articles, options, result)
    _lap(result, "embed", tic)
    tic = time.perf_counter()
    signatures = _signatures(articles, options)
    _lap(result, "dedup_keys", tic)
    result.computed = {a.id: triple for a, triple in zip(articles, zip(processed, features, signatures))}
    result.seconds["task_cpu"] = time.process_time() - cpu  # CPU, not wall: what a busy machine does not inflate
    return result


def _lap(result: TaskResult, stage: str, tic: float) -> None:
    result.seconds[stage] = result.seconds.get(stage, 0.0) + time.perf_counter() - tic


def _cleaned_entries(task, options: Options) -> list:
    from ..pipeline import cleaned

    return [(index, *cleaned(item, options)) for index, item in task_items(task.path, task.part, task.parts, options)]


def _new_articles(entries: list) -> list[Article]:
    """The task's articles, each content once (a copy in the same part is only counted, by the driver)."""
    seen: dict[str, Article] = {}
    for _, article, _ in entries:
        if isinstance(article, Article) and article.id not in seen:
            seen[article.id] = article
    return list(seen.values())


def _processed(articles: list[Article], options: Options) -> list:
    from ..process import load_models, process_batch

    if "process" not in _MODELS:
        load_models(options.nlp_batch_size, options.shingle_words, worker=True)
        _MODELS["process"] = True
    size = options.nlp_batch_size
    return [p for start in range(0, len(articles), size) for p in process_batch(articles[start:start + size])]


def _features(articles: list[Article], options: Options, result: TaskResult) -> list:
    from ..pipeline import batch_features

    report = IngestReport()
    features = batch_features(articles, _embedders(options), options, report) if articles else []
    result.skipped.extend(report.skipped)
    return features


def _embedders(options: Options):
    """The headline model (MiniLM) and the body model (static), as ingest uses them, loaded once."""
    if "embedders" not in _MODELS:
        from ..embed import MiniLMEmbedder
        from ..static_embed import StaticEmbedder

        # one thread: Spark already runs a task on every core
        _MODELS["embedders"] = (MiniLMEmbedder(batch_size=options.embed_batch_size, threads=1), StaticEmbedder())
    return _MODELS["embedders"]


def _signatures(articles: list[Article], options: Options) -> list:
    from .. import dedup

    return [dedup.signature(a.text, options) for a in articles]


def build_records(stories) -> list:
    """(story id, BuiltRecord, None) per (story id, keys, article claims); (story id, None, error) on a failure."""
    from ..story_record import built_record

    out = []
    for story_id, keys, articles in stories:
        try:
            out.append((story_id, built_record(keys, articles), None))
        except Exception as exc:  # a bug on one story must not stop the others (the story stays pending)
            out.append((story_id, None, f"{type(exc).__name__}: {exc}"))
    return out


def skipped_task(task, exc: Exception) -> TaskResult:
    """A task that failed as a whole (a newsfuse bug on this file): its file reported, the job goes on."""
    from ..ingest.sources import origin_of

    reason = f"batch task failed: {type(exc).__name__}: {exc} (a newsfuse bug: please report it with this input)"
    return TaskResult(task.file_index, entries=[(0, Skipped(origin_of(task.path), reason, "NF190"), {})])


def commit_tasks(pairs, options: Options, parts_dir: str):
    """Run each (task, key) and commit its result to the manifest; yields (key, seconds per stage).

    A task that fails as a whole is committed as one skip of its file; a
    missing model (ModelError) stops the job, as it stops ingest."""
    import pickle

    from ..errors import ModelError
    from .manifest import write_atomic

    for task, key in pairs:
        try:
            result = run_task(task, options)
        except ModelError:
            raise
        except Exception as exc:
            result = skipped_task(task, exc)
        write_atomic(Path(parts_dir) / f"{key}.pkl", pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        yield key, result.seconds
