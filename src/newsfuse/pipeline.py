"""Builds and runs the stages; the per-item error policy lives here.

The CLI, the HTTP server and the batch driver all call these functions.
Nothing here prints: progress goes to an optional callback
``progress(stage, done, total)``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import closing
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


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


@dataclass
class _Pending:
    article: Article
    external_id: str | None
    extra_urls: list[str] = field(default_factory=list)  # the same content seen again in this run


def prepare(items: Iterable[RawItem | Skipped], store: Store, report: IngestReport,
            options: Options = Options(), progress: Progress = _no_progress, order: str = "time") -> list[_Pending]:
    """Clean every item; count exact duplicates; return the new articles.

    ``order="time"`` sorts them by publication date (undated ones last, in
    arrival order); ``order="arrival"`` keeps the order they came in.
    """
    pending: dict[str, _Pending] = {}
    for done, item in enumerate(items, start=1):
        progress("read", done, None)
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        try:
            article = to_article(item, options)
        except InputError as exc:
            report.skipped.append(Skipped(item.origin, exc.reason, exc.code))
            continue
        if item.meta.get("id") is not None:
            report.external_ids[str(item.meta["id"])] = article.id
        if article.id in pending or store.has_article(article.id):
            report.duplicates += 1
            _remember_url(store, pending, article)
            continue
        pending[article.id] = _Pending(article, _text_or_none(item.meta.get("id")))
    if order == "arrival":
        return list(pending.values())
    return sorted(pending.values(), key=lambda p: (p.article.published is None, p.article.published or ""))


def _text_or_none(value) -> str | None:
    return None if value is None else str(value)


def _remember_url(store: Store, pending: dict, article: Article) -> None:
    if article.id in pending:  # stored with the article when it is inserted
        if article.url:
            pending[article.id].extra_urls.append(article.url)
        return
    with store.transaction():
        store.add_url(article.id, article.url)


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
    pending = prepare(items, store, report, options, progress, order)
    report.seconds["read_clean"] = round(time.perf_counter() - started, 3)
    if pending:
        if embedder is None:
            from .static_embed import StaticEmbedder
            from .workers import default_processes

            # with analysis workers on the other cores, a second torch thread here only contends
            workers = options.analyze and (options.processes or default_processes()) > 1
            embedder = MiniLMEmbedder(batch_size=options.embed_batch_size, threads=1 if workers else None)
            body_embedder = body_embedder or StaticEmbedder()
        embedders = (embedder, body_embedder)
        _store_and_cluster(pending, store, report, options, cluster_options, embedders, progress)
    report.seconds["total"] = round(time.perf_counter() - started, 3)
    store.finish_run(run_id, report.as_dict())
    return report


def _store_and_cluster(pending, store, report, options, cluster_options, embedders, progress) -> None:
    index = open_story_index(store, cluster_options, embedders[0].dim)
    seconds, step = {"embed": 0.0, "analyze": 0.0, "records": 0.0}, options.batch_size
    batches = [pending[start:start + step] for start in range(0, len(pending), step)]
    analysed = _processed_batches([[p.article for p in b] for b in batches], len(pending), options)
    cache, done = AlignmentCache(), 0
    loading = _load_in_background(embedders[0])  # while the analysis workers start and load theirs
    with closing(analysed):
        for batch in batches:
            done += _store_batch(batch, analysed, store, index, report, options, embedders, seconds, cache,
                                 loading)
            progress("cluster", done, len(pending))
    save_story_index(store, index)
    report.seconds.update({key: round(value, 3) for key, value in seconds.items() if value})


def _store_batch(batch, analysed, store, index, report, options, embedders, seconds, cache, loading) -> int:
    """Embed, cluster and store one batch (one transaction); then update its stories' records."""
    articles = [p.article for p in batch]
    embedder, body_embedder = embedders
    processed = _timed(seconds, "analyze", next, analysed) if options.analyze else []
    loading.join()  # the model is loaded (or its error is ready to be raised by the encode below)
    features = _timed(seconds, "embed", article_features, articles, embedder, body_embedder=body_embedder,
                      window_words=options.embed_window_words, max_windows=options.embed_max_windows)
    with store.transaction():
        for item, feature in zip(batch, features):
            _add_article(item, feature, store, index, report, options, embedder.name)
        _put_processed(store, processed, report)
        save_batch_state(store, index)
    if options.analyze and options.story_records:
        stories = {store.story_of_article(a.id) for a in articles}
        _timed(seconds, "records", update_records, store, stories, cache=cache, report=report)
    return len(batch)


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
        if item.error is None:
            store.put_article_claims(item.article_id, CLAIMS_VERSION, item.claims, item.vectors, item.shingles)
        errors = (item.analysis.errors if item.analysis else []) + ([item.error] if item.error else [])
        if errors:
            report.analysis_errors.append({"article": item.article_id, "errors": errors})


def analyze_stored(store: Store, *, options: Options = Options(), redo: bool = False,
                   progress: Progress = _no_progress) -> int:
    """Analyse stored articles that have no analysis (``redo``: or an older
    one) and compute their claims, in worker processes; one transaction per
    batch; then bring the records of their stories up to date
    (``options.story_records``). Returns how many articles were analysed."""
    from .analyze.article import ANALYSIS_VERSION

    ids = store.articles_to_analyze(ANALYSIS_VERSION, redo)
    _process_stored(store, ids, options, progress, "analyze")
    if ids and options.story_records:
        update_records(store, {store.story_of_article(i) for i in ids}, progress=progress)
    return len(ids)


def _process_stored(store: Store, ids: list[str], options: Options, progress: Progress, stage: str) -> None:
    step = options.batch_size
    batches = ([stored_article(store.article(i)) for i in ids[start:start + step]]
               for start in range(0, len(ids), step))  # read as the workers need them
    report, done = IngestReport(), 0
    for processed in _processed_batches(batches, len(ids), options):
        with store.transaction():
            _put_processed(store, processed, report)
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
    update_records(store, stale, redo=redo, progress=progress)
    return len(stale)


def update_records(store: Store, story_ids: Iterable[str | None], *, redo: bool = False, cache=None,
                   report: IngestReport | None = None, progress: Progress = _no_progress) -> None:
    """Update the records of these stories (each id followed through merges),
    one transaction per story. A story whose record fails stays stale and is
    reported; the others go on."""
    from .story_record import update_story_record

    wanted = sorted({store.resolve_story(s) for s in story_ids if s})
    for done, story_id in enumerate(wanted, start=1):
        try:
            with store.transaction():
                update_story_record(store, story_id, cache=cache, redo=redo)
        except Exception as exc:  # a bug on one story must not stop the run
            if report is None:
                raise
            report.record_errors.append({"story": story_id, "error": f"{type(exc).__name__}: {exc}"})
        progress("records", done, len(wanted))


def stored_article(row: dict) -> Article:
    """The Article record of a stored article row."""
    fields = ("id", "text", "origin", "url", "source", "title", "published", "published_from", "language")
    return Article(**{key: row[key] for key in fields}, sentences=[tuple(s) for s in row["sentences"]],
                   removed=row["removed"])


def _add_article(item: _Pending, feature: ArticleFeatures, store: Store, index: StoryIndex,
                 report: IngestReport, options: Options, model: str) -> None:
    article = item.article
    sig = dedup.signature(article.text, options)
    buckets = dedup.band_buckets(sig, options)
    original = dedup.best_near_duplicate(sig, store.minhash_candidates(buckets), options)
    store.insert_article(article, external_id=item.external_id, near_dup_of=original)
    for url in item.extra_urls:
        store.add_url(article.id, url)
    store.put_minhash(article.id, sig.tobytes(), buckets)
    store.put_vector(article.id, model, feature.body_vec.tobytes())
    if original is not None:
        report.near_duplicates += 1
        assignment = index.join(feature, store.story_of_article(original))
    else:
        assignment = index.assign(feature)
    _save_assignment(article.id, assignment, store, index)
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
