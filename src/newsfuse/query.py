"""Read-side functions: stories and articles as plain data for any front end."""

from __future__ import annotations

from .store import Store

_EXCERPT_CHARS = 280


def list_stories(store: Store) -> list[dict]:
    """Live stories, largest first: id, title, dates, article and outlet counts."""
    with store.snapshot():
        return store.stories()


def records_pending(store: Store) -> int:
    """How many stories wait for their record to be (re)built (``newsfuse build`` builds them)."""
    return store.count_pending()


def get_story(store: Store, story_id: str, *, with_text: bool = False, with_analyses: bool = False) -> dict:
    """One story's record: header, articles, analysis, claims, summary, timeline.

    ``story_id`` may be a unique prefix or the id of a story merged into
    another; the answer is the story it lives on in, with ``requested_id``
    saying what was asked. Only reads: the claims, summary and timeline are
    the stored ones, and ``record_state`` says whether they are current,
    stale (the story has changed since) or missing, with ``record_hint``
    saying how to build them. ``with_text`` adds each article's cleaned text,
    ``with_analyses`` each article's full analysis. All of it is read in one
    snapshot, so an ingest running meanwhile never shows half-way.
    """
    with store.snapshot():
        return _story(store, story_id, with_text, with_analyses)


def _story(store: Store, story_id: str, with_text: bool, with_analyses: bool) -> dict:
    from .story_record import stored_sections

    resolved = store.resolve_story(store.find_story_id(story_id))
    rows = store.story_articles(resolved)
    record = story_header(store, resolved, rows)
    record["analysis"] = story_analysis(store, rows)
    record.update(stored_sections(store, resolved, rows))
    record["requested_id"] = story_id
    record["merge_history"] = _merge_history(store, resolved)
    if with_text or with_analyses:
        _add_article_details(store, record, with_text, with_analyses)
    return record


def story_analysis(store: Store, rows: list[dict]) -> dict | None:
    """Story-level who / where / when / events / quotes from the stored analyses (None if none)."""
    from .analyze.story import combine  # no spaCy: works on stored analyses
    from .records import Analysis

    stored = store.analyses(r["id"] for r in rows)
    if not stored:
        return None
    combined = combine([Analysis.from_dict(stored[r["id"]]) for r in rows if r["id"] in stored])
    combined["analysed_articles"] = len(stored)
    combined["unanalysed_articles"] = len(rows) - len(stored)
    return combined


def story_header(store: Store, story_id: str, rows: list[dict]) -> dict:
    """Title, dates, counts, outlets and articles of a live story (``rows``: its stored articles)."""
    row = store.story_row(story_id)
    articles = [_article_view(a) for a in rows]
    (counts,) = store.stories(story_id)
    return {
        "id": story_id,
        "title": row["title"],
        "first_seen": row["first_seen"],
        "last_seen": row["last_seen"],
        "n_articles": counts["n_articles"],
        "n_sources": counts["n_sources"],
        "n_independent": counts["n_independent"],
        "outlets": sorted({a["source"] or "(unknown outlet)" for a in articles}),
        "articles": articles,
    }


def _add_article_details(store: Store, record: dict, with_text: bool, with_analyses: bool) -> None:
    ids = [a["id"] for a in record["articles"]]
    analyses = store.analyses(ids) if with_analyses else {}
    for article in record["articles"]:
        if with_text:
            article["text"] = store.article(article["id"])["text"]
        if with_analyses:
            article["analysis"] = analyses.get(article["id"])


def _merge_history(store: Store, story_id: str) -> list[dict]:
    """Every id merged into this story, directly or through earlier merges."""
    history, frontier = [], [story_id]
    while frontier:
        into = frontier.pop()
        for merge in store.merges_into(into):
            history.append({"from": merge["from_id"], "into": merge["into_id"], "at": merge["merged_at"],
                            "reason": merge["reason"]})
            frontier.append(merge["from_id"])
    return sorted(history, key=lambda m: m["at"])


def _article_view(article: dict) -> dict:
    view = {key: article[key] for key in ("id", "external_id", "source", "title", "url", "published",
                                          "published_from", "language", "near_dup_of", "origin")}
    view["urls"] = article["urls"]
    view["n_words"] = len(article["text"].split())
    view["removed_chrome"] = article["removed"]
    view["excerpt"] = article["text"][:_EXCERPT_CHARS] + ("…" if len(article["text"]) > _EXCERPT_CHARS else "")
    return view


# -- read functions for the server (issue 13): signatures and shapes agreed;
# bodies being written. Every function only reads (a read-only store works).

STORY_SORTS = ("latest", "largest", "outlets")
SEARCH_MODES = ("text", "semantic", "hybrid")


def find_stories(store: Store, *, q: str | None = None, entity: str | None = None, place: str | None = None,
                 date_from: str | None = None, date_to: str | None = None, sort: str = "latest",
                 limit: int = 20, cursor: str | None = None) -> dict:
    """Live stories, filtered and paged: ``{"items": [...], "next_cursor": str | None}``.

    Filters: ``q`` words in a story's articles' titles or text (full-text);
    ``entity`` an entity key named in it; ``place`` a place key or name (the
    story's place); ``date_from``/``date_to`` ISO dates overlapping the story's
    first..last dates. ``sort``: latest (last_seen desc), largest (articles),
    outlets (independent outlets). ``cursor``: opaque, from the previous page.
    Each item: id, title, first_seen, last_seen, place ({key, name} or None),
    entities (top 5: {key, name, type}), n_articles, n_sources, n_independent,
    claim_counts ({corroborated, single_source, conflicting, updated}: 0 when
    the record is missing), record_state.
    """
    raise NotImplementedError


def get_article(store: Store, article_id: str) -> dict:
    """One article: id, title, text, url, urls, source, published,
    published_from, language, origin, story_id, near_dup_of, removed (the
    chrome lines taken out), sentences ([start, end]), and ``analysis``
    (None if not analysed): entities ({key, name, type, aliases}), mentions,
    timexes, quotes, events, each with character spans into ``text``.
    NotFoundError if there is no such article."""
    raise NotImplementedError


def find_entities(store: Store, q: str | None = None, *, limit: int = 20) -> list[dict]:
    """Entities whose name or alias contains ``q`` (all when None), most
    mentioned first: {key, name, type, n_articles, n_stories}."""
    raise NotImplementedError


def get_entity(store: Store, key: str) -> dict:
    """One entity: key, name, aliases, type, country, lat, lon (None when not
    a known place), n_articles; ``stories`` it appears in, by date ({id,
    title, first_seen, last_seen, n_articles_naming}); ``quotes`` it said
    ({text, article_id, story_id, start, end, published, source}); ``events``
    it took part in ({type, date, place, role, article_id, story_id,
    sentence}). NotFoundError if unknown."""
    raise NotImplementedError


def search(store: Store, q: str, *, mode: str = "text", limit: int = 20, query_vector=None) -> list[dict]:
    """Articles and facts matching ``q``, best first: {kind ("article" |
    "fact"), id (article id, or "story_id:fact_id"), story_id, story_title,
    title, snippet, score, published}. ``snippet`` is a list of {text, hit}
    parts (hit: a matched term), never markup, so any front end escapes it.
    ``mode``: text (SQLite FTS5, bm25), semantic (cosine to the stored
    vectors; ``query_vector`` is the query encoded by the caller, who holds
    the model: a read loads none), hybrid (reciprocal-rank fusion of both)."""
    raise NotImplementedError


def timeline(store: Store, *, entity: str | None = None, place: str | None = None, date_from: str | None = None,
             date_to: str | None = None, limit: int = 200) -> list[dict]:
    """Dated events and facts across stories, in date order: {date, kind
    ("event" | "fact"), text, type (event type or fact status), story_id,
    story_title, evidence ([{article_id, source, start, end}])}."""
    raise NotImplementedError
