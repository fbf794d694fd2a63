"""Builds and runs the stages; the per-item error policy lives here.

The CLI, the HTTP server and the batch driver all call these functions.
Nothing here prints: progress goes to an optional callback
``progress(stage, done, total)``.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from itertools import chain
from dataclasses import dataclass, field, replace

from . import dedup
from .cluster import ArticleFeatures, ClusterOptions, StoryIndex, article_features
from .config import Options
from .embed import Embedder, MiniLMEmbedder
from .errors import ConfigError, InputError
from .ingest.article import to_article
from .records import Article, IngestReport, RawItem, Skipped
from .store import Store
from .store.story_index import open_story_index, save_batch_state, save_story_index
from .story_record import AlignmentCache

Progress = Callable[[str, int, int | None], None]
log = logging.getLogger("newsfuse")


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


def _one_writer(store_at: int):
    """A run that writes holds the store's writer lock throughout (the store
    is its ``store_at``-th positional argument)."""
    def wrap(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            with args[store_at].one_writer():
                return function(*args, **kwargs)
        return run
    return wrap


@dataclass
class _Pending:
    article: Article
    external_id: str | None
    extra_urls: list[str] = field(default_factory=list)  # the same content seen again in this run
    signature: object = None  # its MinHash signature when already computed (batch: in the executors)


# What cleaning one read item gives: the Article or a Skipped saying why, and the meta ingest keeps of it;
# batch adds a third element, the MinHash signature its task computed (None for a Skipped).
Cleaned = tuple  # (Article | Skipped, dict) or (Article | Skipped, dict, signature | None)
KEPT_META = ("id", "redirected_from")


def cleaned(item: RawItem | Skipped, options: Options = Options()) -> Cleaned:
    """One read item cleaned (the first stage of ingest and of each batch task)."""
    if isinstance(item, Skipped):
        return item, {}
    return cleaned_or_skipped(item, options), {k: item.meta[k] for k in KEPT_META if k in item.meta}


def cleaned_or_skipped(item: RawItem, options: Options = Options()) -> Article | Skipped:
    """The item as an Article, or a Skipped with the reason."""
    try:
        return to_article(item, options)
    except InputError as exc:
        return Skipped(item.origin, exc.reason, exc.code)
    except Exception as exc:  # a cleaning bug on one odd input must not stop the run
        return _failed(item.origin, "cleaning", exc)


def prepare(items: Iterable[RawItem | Skipped], store: Store, report: IngestReport,
            options: Options = Options(), progress: Progress = _no_progress,
            order: str = "time") -> Iterator[list[_Pending]]:
    """Clean items as they come; count exact duplicates; yield the new
    articles in windows of at most ``options.order_window``.

    ``order="time"`` sorts each window by publication date (undated ones
    last, in arrival order); ``order="arrival"`` keeps the order they came
    in. Only a window is held in memory, so any number of items streams
    through; ids seen earlier in the run are remembered (a few bytes each).
    """
    return prepare_cleaned((cleaned(item, options) for item in items), store, report, options, progress, order)


def prepare_cleaned(entries: Iterable[Cleaned], store: Store, report: IngestReport, options: Options = Options(),
                    progress: Progress = _no_progress, order: str = "time") -> Iterator[list[_Pending]]:
    """``prepare`` over items already cleaned (``cleaned``): batch cleans them in its tasks."""
    window: dict[str, _Pending] = {}
    seen: set[str] = set()  # articles of earlier windows, perhaps not stored yet
    for done, entry in enumerate(entries, start=1):
        progress("read", done, None)
        new = _new_article(entry, store, report, options, window, seen)
        if new is not None:
            window[new.article.id] = new
        if len(window) >= options.order_window:
            seen.update(window)
            yield _ordered(window, order)
            window = {}
    if window:
        yield _ordered(window, order)


def _new_article(entry: Cleaned, store: Store, report: IngestReport, options: Options,
                 window: dict[str, _Pending], seen: set[str]) -> _Pending | None:
    """The cleaned item as a new article to store, or None (skipped or a duplicate, in the report)."""
    article, meta = entry[0], entry[1]
    if isinstance(article, Skipped):
        report.skip(article)
        return None
    if meta.get("id") is not None:
        report.external_ids[str(meta["id"])] = article.id
    if article.id in window or article.id in seen or store.has_article(article.id):
        report.duplicates += 1
        _remember_url(store, window, seen, article)
        return None
    first_asked = meta.get("redirected_from")  # a fetched page: the URL asked for, before redirects
    signature = entry[2] if len(entry) > 2 else None
    return _Pending(article, _text_or_none(meta.get("id")), [first_asked] if first_asked else [], signature)


def _ordered(window: dict[str, _Pending], order: str) -> list[_Pending]:
    if order == "arrival":
        return list(window.values())
    return sorted(window.values(), key=lambda p: (p.article.published is None, p.article.published or ""))


def _failed(origin: str, stage: str, exc: Exception) -> Skipped:
    """An item lost to an unexpected error: said in the report, its traceback in the debug log."""
    log.debug("%s failed on %s", stage, origin, exc_info=exc)
    return Skipped(origin, f"{stage} failed: {type(exc).__name__}: {exc} (a newsfuse bug: please report it "
                           "with this input)", "NF190")


def _store_wide(exc: Exception) -> bool:
    """Errors of the database itself (disk full, locked, read-only): no item can be stored, stop the run."""
    import sqlite3
    import sys

    from .errors import StoreError

    if isinstance(exc, (StoreError, sqlite3.OperationalError, sqlite3.DatabaseError)) and \
            not isinstance(exc, (sqlite3.IntegrityError, sqlite3.DataError)):
        return True
    psycopg = sys.modules.get("psycopg")  # imported only when the store is PostgreSQL
    return psycopg is not None and isinstance(exc, psycopg.OperationalError)  # connection lost, disk full, ...


def _text_or_none(value) -> str | None:
    return None if value is None else str(value)


def _remember_url(store: Store, window: dict, seen: set[str], article: Article) -> None:
    if article.id in window:  # stored with the article when it is inserted
        if article.url:
            window[article.id].extra_urls.append(article.url)
    elif article.id not in seen:  # seen: perhaps not stored yet; the URL of a repeat that far apart is lost
        with store.transaction():
            store.add_url(article.id, article.url)


@_one_writer(store_at=1)
def ingest(items: Iterable[RawItem | Skipped], store: Store, *, options: Options = Options(),
           cluster_options: ClusterOptions = ClusterOptions(), embedder: Embedder | None = None,
           body_embedder: Embedder | None = None, progress: Progress = _no_progress,
           order: str = "time") -> IngestReport:
    """Clean, deduplicate, embed, analyse and cluster items into the store,
    and bring the records of the stories they join up to date.

    Bad items are skipped and listed in the report; everything else is
    ingested. Each batch of ``options.batch_size`` articles is one
    transaction; the analysis runs in ``options.processes`` worker processes
    (one long-lived pool for the run) while this process, the single writer,
    embeds, clusters and stores.

    Headlines are embedded by ``embedder`` (default: MiniLM) and bodies by
    ``body_embedder``; by default the static model (static_embed.py), or,
    when only ``embedder`` is given, that embedder over body windows.
    """
    if order not in ("time", "arrival"):
        raise ConfigError(f"unknown order {order!r}", hint="use 'time' or 'arrival'")
    report, started = IngestReport(), time.perf_counter()
    run_id = store.start_run()
    windows = prepare(items, store, report, options, progress, order)
    first = next(windows, None)  # read and cleaned before any model loads: nothing new, no model
    if first:
        if embedder is None:
            from .static_embed import StaticEmbedder
            from .workers import default_processes

            # with analysis workers on the other cores, a second torch thread here only contends
            workers = options.analyze and (options.processes or default_processes()) > 1
            embedder = MiniLMEmbedder(batch_size=options.embed_batch_size, threads=1 if workers else None)
            body_embedder = body_embedder or StaticEmbedder()
        embedders = (embedder, body_embedder)
        # the first window's size is the run's when it is the only one (it decides the worker count)
        n_hint = len(first) if len(first) < options.order_window else None
        _store_and_cluster(chain([first], windows), n_hint, store, report, options, cluster_options, embedders,
                           progress)
    if options.analyze and options.story_records:  # what an interrupted run left, when nothing new came
        build_pending(store, report=report, progress=progress)
    report.seconds["total"] = round(time.perf_counter() - started, 3)
    store.finish_run(run_id, report.as_dict())
    return report


def _store_and_cluster(windows, n_hint, store, report, options, cluster_options, embedders, progress) -> None:
    index = open_story_index(store, cluster_options, embedders[0].dim)
    seconds = {"embed": 0.0, "analyze": 0.0, "records": 0.0}
    analysed = _with_processed(batches_of(windows, options.batch_size), n_hint, options)
    cache, done = AlignmentCache(), 0
    loading = _load_in_background(embedders[0])  # while the analysis workers start and load theirs
    with closing(analysed):
        while (pair := _timed(seconds, "analyze", next, analysed, None)) is not None:
            done += _store_batch(*pair, store, index, report, options, embedders, seconds, cache, loading)
            progress("cluster", done, n_hint)
    save_story_index(store, index)
    report.seconds.update({key: round(value, 3) for key, value in seconds.items() if value})


def batches_of(windows: Iterable[list], size: int) -> Iterator[list]:
    """The windows cut into batches of at most ``size`` (a batch is one transaction)."""
    return (w[start:start + size] for w in windows for start in range(0, len(w), size))


def _with_processed(batches: Iterator[list[_Pending]], n_hint: int | None, options: Options):
    """(batch, its processed articles) in order; the analysis runs ahead in
    the workers, reading batches as it needs them. No analysis: (batch, [])."""
    if not options.analyze:
        yield from ((batch, []) for batch in batches)
        return
    sent: deque = deque()

    def articles():
        for batch in batches:
            sent.append(batch)
            yield [p.article for p in batch]
    processed = _processed_batches(articles(), n_hint or 1_000_000, options)
    with closing(processed):
        for result in processed:
            yield sent.popleft(), result


def _store_batch(batch, processed, store, index, report, options, embedders, seconds, cache, loading) -> int:
    """Embed, cluster and store one batch (one transaction); then update its stories' records."""
    loading.join()  # the model is loaded (or its error is ready to be raised by the encode below)
    features = _timed(seconds, "embed", batch_features, [p.article for p in batch], embedders, options, report)
    store_batch(batch, features, processed, store, index, report, options, embedders[0].name)
    if options.analyze and options.story_records:
        _timed(seconds, "records", build_pending, store, cache=cache, report=report)
    return len(batch)


def store_batch(batch: list[_Pending], features: list, processed: list, store: Store, index: StoryIndex,
                report: IngestReport, options: Options, model: str) -> None:
    """Deduplicate, cluster and store one batch with its features and processed
    articles, in one transaction; its stories are marked for their records."""
    with store.transaction():
        stored = {item.article.id for item, feature in zip(batch, features)
                  if feature is not None and _add_isolated(item, feature, store, index, report, options, model)}
        _put_processed(store, [p for p in processed if p.article_id in stored], report)
        save_batch_state(store, index)
        store.mark_pending({store.story_of_article(p.article.id) for p in batch})


def batch_features(articles: list[Article], embedders, options: Options, report: IngestReport) -> list:
    """Each article's features, None for one that could not be encoded (skipped, in the report)."""
    from .errors import ModelError

    def encode(articles):
        return article_features(articles, embedders[0], body_embedder=embedders[1],
                                window_words=options.embed_window_words, max_windows=options.embed_max_windows)
    try:
        return encode(articles)
    except ModelError:  # no model: no article can be encoded
        raise
    except Exception:  # find the article it failed on, encode the others
        return [_one_feature(a, encode, report) for a in articles]


def _one_feature(article: Article, encode, report: IngestReport):
    try:
        return encode([article])[0]
    except Exception as exc:
        report.skip(_failed(article.origin, "embedding", exc))
        return None


def _add_isolated(item: _Pending, feature, store: Store, index: StoryIndex, report: IngestReport,
                  options: Options, model: str) -> bool:
    """Store and cluster one article in its own savepoint: an error on it
    skips it (reported) and keeps the rest of the batch. Errors of the
    database itself stop the run."""
    try:
        with store.savepoint():
            _add_article(item, feature, store, index, report, options, model)
        return True
    except Exception as exc:
        if _store_wide(exc):
            raise
        report.skip(_failed(item.article.origin, "storing", exc))
        return False


def _load_in_background(embedder):
    """Start loading the embedding model (an embedder with a ``load`` method)
    on a thread; a failure there shows again, with its error, at the first
    encode."""
    import threading

    def warm() -> None:
        try:
            getattr(embedder, "load", lambda: None)()
        except Exception:  # reported by the first real encode
            pass
    thread = threading.Thread(target=warm, daemon=True)
    thread.start()
    return thread


def _processed_batches(batches: Iterable[list[Article]], n_articles: int, options: Options):
    """Per batch, the processed articles (analysis, claims, vectors), computed
    ahead in worker processes while the caller stores earlier batches.
    ``batches`` is read as the workers need it, so a long run does not hold
    every article in memory."""
    from .process import load_models, process_batch
    from .workers import default_processes, ordered_map

    size = options.nlp_batch_size
    # a worker costs a model load: no more workers than there are parts to parse
    processes = min(options.processes or default_processes(), -(-n_articles // size))
    sent: deque = deque()  # (articles, whether its batch ends with them) of each part sent, in order

    def parts():
        for batch in batches:
            for start in range(0, len(batch), size):
                sent.append((batch[start:start + size], start + size >= len(batch)))
                yield batch[start:start + size]
    results = ordered_map(process_batch, parts(), processes=processes, initializer=load_models,
                          initargs=(size, options.shingle_words, processes > 1), chunk=1)
    done: list = []
    with closing(results):  # the pool stops with the run, also when the run fails
        for result in results:
            articles, last = sent.popleft()
            done.extend(_or_failures(result, articles))
            if last:
                yield done
                done = []


def _or_failures(result, articles: list[Article]) -> list:
    """A worker's results, or a failure for each article when the worker itself failed."""
    from .process import Processed
    from .workers import WorkerFailure

    if isinstance(result, WorkerFailure):
        return [Processed.failed(a.id, f"{result.error_type}: {result.message}") for a in articles]
    return result


def _timed(seconds: dict, key: str, function, *args, **kwargs):
    tic = time.perf_counter()
    result = function(*args, **kwargs)
    seconds[key] += time.perf_counter() - tic
    return result


def _put_processed(store: Store, processed: list, report: IngestReport) -> None:
    """Store each article's analysis and claims (inside the batch's transaction)."""
    from .analyze.article import ANALYSIS_VERSION
    from .story_record import CLAIMS_VERSION

    for item in processed:
        if item.analysis is not None:
            store.put_analysis(item.article_id, ANALYSIS_VERSION, item.analysis.as_dict())
        if item.error is None and item.vectors:  # no vectors at all: not read (another language), no claims
            store.put_article_claims(item.article_id, CLAIMS_VERSION, item.claims, item.vectors, item.shingles)
        errors = (item.analysis.errors if item.analysis else []) + ([item.error] if item.error else [])
        if errors:
            report.analysis_errors.append({"article": item.article_id, "errors": errors})


@_one_writer(store_at=0)
def analyze_stored(store: Store, *, options: Options = Options(), redo: bool = False,
                   progress: Progress = _no_progress) -> int:
    """Analyse stored articles that have no analysis (``redo``: or an older
    one) and compute their claims, in worker processes; one transaction per
    batch; then bring the records of their stories up to date
    (``options.story_records``). Returns how many articles were analysed."""
    from .analyze.article import ANALYSIS_VERSION
    from .clean import readable

    ids = [i for i in store.articles_to_analyze(ANALYSIS_VERSION, redo)
           if readable(store.article(i)["language"])]  # the others are never analysed (story: not_analysed)
    _process_stored(store, ids, options, progress, "analyze")
    if options.story_records:  # also what an interrupted run left
        build_pending(store, progress=progress)
    return len(ids)


def _process_stored(store: Store, ids: list[str], options: Options, progress: Progress, stage: str) -> None:
    step = options.batch_size
    batches = ([stored_article(store.article(i)) for i in ids[start:start + step]]
               for start in range(0, len(ids), step))  # read as the workers need them
    report, done = IngestReport(), 0
    for processed in _processed_batches(batches, len(ids), options):
        with store.transaction():
            _put_processed(store, processed, report)
            store.mark_pending({store.story_of_article(p.article_id) for p in processed})
        done += len(processed)
        progress(stage, done, len(ids))


def _claims_of_stored(store: Store, ids: list[str], options: Options, progress: Progress) -> None:
    """Claims, vectors and shingles of analysed articles that lack them (a
    database from an older newsfuse), from their stored analyses: no parse."""
    from .process import processed
    from .records import Analysis

    for start in range(0, len(ids), options.batch_size):
        batch = ids[start:start + options.batch_size]
        analyses = store.analyses(batch)
        # analysis=None: the stored analysis stays as it is, with its own version
        done = [replace(processed(stored_article(store.article(i)), Analysis.from_dict(analyses[i])), analysis=None)
                for i in batch]
        with store.transaction():
            _put_processed(store, done, IngestReport())
        progress("claims", start + len(batch), len(ids))


@_one_writer(store_at=0)
def build_story_records(store: Store, story_ids: Iterable[str] | None = None, *, redo: bool = False,
                        options: Options = Options(), progress: Progress = _no_progress) -> int:
    """Bring the record (claims, summary, timeline) of every given live story
    up to date (all live stories when ``story_ids`` is None); ``redo``:
    rebuild each from scratch. Claims missing for analysed articles (a
    database from an older newsfuse) are computed first. Returns how many
    records were built."""
    from .story_record import CLAIMS_VERSION, record_state

    _claims_of_stored(store, store.articles_without_claims(CLAIMS_VERSION), options, progress)
    live = {s["id"] for s in store.stories()}
    wanted = sorted(live if story_ids is None else {store.resolve_story(s) for s in story_ids if s} & live)
    stale = [s for s in wanted if redo or record_state(store, s)[0] != "current"]
    update_records(store, stale + _noted(store, wanted), redo=redo, progress=progress)
    return len(stale)


def _noted(store: Store, wanted: list[str]) -> list[str]:
    """The pending marks of the wanted stories (cleared when their records are built)."""
    keep = set(wanted)
    return [s for s in store.pending_stories() if _live_id(store, s) in keep]


def build_pending(store: Store, *, cache=None, report: IngestReport | None = None,
                  progress: Progress = _no_progress) -> int:
    """Build the records of every story marked pending (by this run's batches
    or by an interrupted run before it), except those whose record already
    failed in this run (``report.record_errors``: they stay pending)."""
    failed = {e["story"] for e in report.record_errors} if report else set()
    noted = [s for s in store.pending_stories() if _live_id(store, s) not in failed]
    update_records(store, noted, cache=cache, report=report, progress=progress)
    return len(noted)


def _live_id(store: Store, story_id: str) -> str | None:
    from .errors import NotFoundError

    try:
        return store.resolve_story(story_id)
    except NotFoundError:
        return None


def update_records(store: Store, story_ids: Iterable[str | None], *, redo: bool = False, cache=None,
                   report: IngestReport | None = None, progress: Progress = _no_progress) -> None:
    """Update the records of these stories (each id followed through merges),
    one transaction per story, which also clears the story's pending marks.
    A story whose record fails stays stale and pending, and is reported; the
    others go on."""
    from .story_record import update_story_record

    asked: dict[str, list[str]] = {}  # live id -> the ids asked for that lead to it
    for story_id in filter(None, story_ids):
        asked.setdefault(_live_id(store, story_id), []).append(story_id)
    if None in asked:  # marks of stories that no longer exist
        with store.transaction():
            store.clear_pending(asked.pop(None))
    for done, story_id in enumerate(sorted(asked), start=1):
        try:
            with store.transaction():
                update_story_record(store, story_id, cache=cache, redo=redo)
                store.clear_pending({story_id, *asked[story_id]})
        except Exception as exc:  # a bug on one story must not stop the run
            if report is None or _store_wide(exc):
                raise
            report.record_errors.append({"story": story_id, "error": f"{type(exc).__name__}: {exc}"})
        progress("records", done, len(asked))


def stored_article(row: dict) -> Article:
    """The Article record of a stored article row."""
    fields = ("id", "text", "origin", "url", "source", "title", "published", "published_from", "language")
    return Article(**{key: row[key] for key in fields}, sentences=[tuple(s) for s in row["sentences"]],
                   removed=row["removed"])


def _add_article(item: _Pending, feature: ArticleFeatures, store: Store, index: StoryIndex,
                 report: IngestReport, options: Options, model: str) -> None:
    article = item.article
    sig = item.signature if item.signature is not None else dedup.signature(article.text, options)
    buckets = dedup.band_buckets(sig, options)
    original = dedup.best_near_duplicate(sig, store.minhash_candidates(buckets), options)
    store.insert_article(article, external_id=item.external_id, near_dup_of=original)
    for url in item.extra_urls:
        store.add_url(article.id, url)
    store.put_minhash(article.id, sig.tobytes(), buckets)
    store.put_vector(article.id, model, feature.body_vec.tobytes())
    if original is not None:
        assignment = index.join(feature, store.story_of_article(original))
    else:
        assignment = index.assign(feature)
    _save_assignment(article.id, assignment, store, index)
    report.near_duplicates += original is not None
    report.ingested += 1
    report.new_stories += int(assignment.created)
    report.article_ids.append(article.id)


def _save_assignment(article_id: str, assignment, store: Store, index: StoryIndex) -> None:
    story = index.stories[assignment.story_id]
    first, last = _iso(story.first_day), _iso(story.last_day)
    store.save_story(story.id, title=story.title, first_seen=first, last_seen=last, n_articles=story.n,
                     state=story.to_bytes())
    store.set_article_story(article_id, story.id)
    for merged_id in assignment.merged:
        store.record_merge(merged_id, story.id, reason=f"bridged by article {article_id}")


def _iso(day: int | None) -> str | None:
    import datetime as dt

    return dt.date.fromordinal(day).isoformat() if day is not None else None
