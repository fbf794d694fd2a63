"""Builds and runs the stages; the per-item error policy lives here.

The CLI, the HTTP server and the batch driver all call these functions.
Nothing here prints: progress goes to an optional callback
``progress(stage, done, total)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import dedup
from .cluster import ArticleFeatures, ClusterOptions, StoryIndex, article_features
from .config import Options
from .embed import Embedder, MiniLMEmbedder
from .errors import ConfigError, InputError
from .ingest.article import to_article
from .records import Article, IngestReport, RawItem, Skipped
from .store import Store
from .store.story_index import open_story_index, save_batch_state, save_story_index

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
           progress: Progress = _no_progress, order: str = "time") -> IngestReport:
    """Clean, deduplicate, embed and cluster items into the store.

    Bad items are skipped and listed in the report; everything else is
    ingested. Each batch of ``options.batch_size`` articles is one
    transaction.
    """
    if order not in ("time", "arrival"):
        raise ConfigError(f"unknown order {order!r}", hint="use 'time' or 'arrival'")
    report, started = IngestReport(), time.perf_counter()
    run_id = store.start_run()
    pending = prepare(items, store, report, options, progress, order)
    report.seconds["read_clean"] = round(time.perf_counter() - started, 3)
    if pending:
        embedder = embedder or MiniLMEmbedder(batch_size=options.embed_batch_size)
        _store_and_cluster(pending, store, report, options, cluster_options, embedder, progress)
        if options.analyze and options.story_records:
            stories = {store.story_of_article(a) for a in report.article_ids}
            seconds = {"records": 0.0}
            _timed(seconds, "records", build_story_records, store, stories, embedder=embedder, progress=progress)
            report.seconds["records"] = round(seconds["records"], 3)
    report.seconds["total"] = round(time.perf_counter() - started, 3)
    store.finish_run(run_id, report.as_dict())
    return report


def _store_and_cluster(pending, store, report, options, cluster_options, embedder, progress) -> None:
    index = open_story_index(store, cluster_options, embedder.dim)
    seconds, step = {"embed": 0.0, "analyze": 0.0}, options.batch_size
    for start in range(0, len(pending), step):
        articles = [p.article for p in pending[start:start + step]]
        features = _timed(seconds, "embed", article_features, articles, embedder,
                          window_words=options.embed_window_words, max_windows=options.embed_max_windows)
        analyses = _timed(seconds, "analyze", _analyze, articles, options) if options.analyze else []
        with store.transaction():
            for item, feature in zip(pending[start:start + step], features):
                _add_article(item, feature, store, index, report, options, embedder.name)
            _put_analyses(store, analyses)
            save_batch_state(store, index)
        report.analysis_errors += [{"article": a.article_id, "errors": a.errors} for a in analyses if a.errors]
        progress("cluster", start + len(articles), len(pending))
    save_story_index(store, index)
    report.seconds.update({key: round(value, 3) for key, value in seconds.items() if value})


def _timed(seconds: dict, key: str, function, *args, **kwargs):
    tic = time.perf_counter()
    result = function(*args, **kwargs)
    seconds[key] += time.perf_counter() - tic
    return result


def _analyze(articles: list[Article], options: Options) -> list:
    from .analyze.article import analyze_articles  # spaCy loads only when analysis runs

    return list(analyze_articles(articles, batch_size=options.nlp_batch_size, n_process=options.nlp_processes))


def _put_analyses(store: Store, analyses: list) -> None:
    from .analyze.article import ANALYSIS_VERSION

    for analysis in analyses:
        store.put_analysis(analysis.article_id, ANALYSIS_VERSION, analysis.as_dict())


def analyze_stored(store: Store, *, options: Options = Options(), redo: bool = False,
                   embedder: Embedder | None = None, progress: Progress = _no_progress) -> int:
    """Analyse stored articles that have no analysis (``redo``: or an older
    one), streaming through one spaCy pipe; one transaction per batch; then
    rebuild the records of their stories (``options.story_records``).
    Returns how many articles were analysed."""
    from .analyze.article import ANALYSIS_VERSION, analyze_articles

    ids = store.articles_to_analyze(ANALYSIS_VERSION, redo)
    articles = (stored_article(store.article(i)) for i in ids)
    analyses = analyze_articles(articles, batch_size=options.nlp_batch_size, n_process=options.nlp_processes)
    batch: list = []
    for done, analysis in enumerate(analyses, start=1):
        batch.append(analysis)
        if len(batch) == options.batch_size or done == len(ids):
            with store.transaction():
                _put_analyses(store, batch)
            batch = []
            progress("analyze", done, len(ids))
    if ids and options.story_records:
        build_story_records(store, {store.story_of_article(i) for i in ids}, embedder=embedder, progress=progress)
    return len(ids)


def build_story_records(store: Store, story_ids: Iterable[str] | None = None, *, redo: bool = False,
                        embedder: Embedder | None = None, progress: Progress = _no_progress) -> int:
    """Build the record (claims, summary, timeline ...) of every given live
    story whose stored record is missing or stale (``redo``: every one; all
    live stories when ``story_ids`` is None); one transaction per story.
    Returns how many were built."""
    from .query import rebuild_record
    from .story_record import stored_if_current

    live = {s["id"] for s in store.stories()}
    wanted = sorted(live if story_ids is None else {store.resolve_story(s) for s in story_ids if s} & live)
    stale = [s for s in wanted if redo or stored_if_current(store, s) is None]
    embedder = embedder or MiniLMEmbedder()  # loads only when a story has claims to align
    for done, story_id in enumerate(stale, start=1):
        rebuild_record(store, story_id, embedder)
        progress("records", done, len(stale))
    return len(stale)


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
