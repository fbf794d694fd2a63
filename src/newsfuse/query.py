"""Read-side functions: stories and articles as plain data for any front end."""

from __future__ import annotations

import base64
import json
import re
from collections import Counter

from .errors import ConfigError, NotFoundError
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

    Pages are cut by (sort key, id), not by offset: a story added between two
    pages neither shifts nor repeats the others (a story whose own sort key
    changes meanwhile moves, as it would in a new listing).
    """
    if sort not in STORY_SORTS:
        raise ConfigError(f"unknown sort {sort!r}", hint=f"use one of {', '.join(STORY_SORTS)}")
    match = _match_query(q) if q is not None else None
    if match == "":
        return {"items": [], "next_cursor": None}
    after, limit = _decode_cursor(cursor, sort), max(1, limit)
    with store.snapshot():
        rows = store.story_page(sort, after, limit + 1, match=match, entity=entity, place=place,
                                date_from=date_from, date_to=date_to)
        items = _story_items(store, rows[:limit])
    more = len(rows) > limit
    return {"items": items, "next_cursor": _encode_cursor(sort, rows[limit - 1]) if more else None}


_CLAIM_COUNT_NAMES = {"corroborated": "corroborated", "single-source": "single_source",
                      "conflicting": "conflicting", "updated": "updated"}


def _story_items(store: Store, rows: list[dict]) -> list[dict]:
    ids = [r["id"] for r in rows]
    counts, records = store.story_counts(ids), store.story_records_data(ids)
    return [_story_item(store, row, counts.get(row["id"], {}), records.get(row["id"])) for row in rows]


def _story_item(store: Store, row: dict, counts: dict, record: dict | None) -> dict:
    item = {key: row[key] for key in ("id", "title", "first_seen", "last_seen")}
    item["place"] = store.story_place(row["id"])
    item["entities"] = [{k: e[k] for k in ("key", "name", "type")} for e in store.story_entities(row["id"], 5)]
    item.update({key: counts.get(key, 0) for key in ("n_articles", "n_sources", "n_independent")})
    item["record_state"] = _record_state(store, row["id"], record)
    stored = (record or {}).get("data", {}).get("claim_counts", {}) if item["record_state"] != "missing" else {}
    item["claim_counts"] = {name: stored.get(status, 0) for status, name in _CLAIM_COUNT_NAMES.items()}
    return item


def _record_state(store: Store, story_id: str, record: dict | None) -> str:
    from .story_record import RECORD_VERSION, source_key

    if record is None or record["version"] != RECORD_VERSION:
        return "missing"
    return "current" if record["source_key"] == source_key(store.story_article_keys(story_id)) else "stale"


def _encode_cursor(sort: str, row: dict) -> str:
    raw = json.dumps([sort, row["sort_key"], row["id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str | None, sort: str) -> tuple | None:
    """(sort key, id) of the last story of the previous page; the cursor must come from this sort."""
    if not cursor:
        return None
    try:
        cursor_sort, key, story_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"cursor {cursor[:40]!r} is not one this listing gave",
                          hint="start again without a cursor") from exc
    if cursor_sort != sort:
        raise ConfigError(f"the cursor is from a listing sorted by {cursor_sort!r}, not {sort!r}",
                          hint="start again without a cursor")
    return key, story_id


def _match_query(q: str) -> str:
    """An FTS5 query matching all the words of ``q``, each quoted so that
    nothing a user types is FTS5 syntax ("" when it holds no words)."""
    return " ".join(f'"{word}"' for word in re.findall(r"\w+", q))


def get_article(store: Store, article_id: str) -> dict:
    """One article: id, title, text, url, urls, source, published,
    published_from, language, origin, story_id, near_dup_of, removed (the
    chrome lines taken out), sentences ([start, end]), and ``analysis``
    (None if not analysed): entities ({key, name, type, aliases}), mentions,
    timexes, quotes, events, each with character spans into ``text``.
    NotFoundError if there is no such article."""
    with store.snapshot():
        article = store.article(article_id)
        analysis = store.analyses([article_id]).get(article_id)
    view = {key: article[key] for key in ("id", "title", "text", "url", "urls", "source", "published",
                                          "published_from", "language", "origin", "story_id", "near_dup_of",
                                          "removed", "sentences", "external_id", "ingested_at")}
    view["analysis"] = _analysis_view(analysis) if analysis else None
    return view


def _analysis_view(analysis: dict) -> dict:
    # entities keep country / lat / lon / mentions too: a page can map places without another read
    return {key: analysis.get(key, default) for key, default in
            (("entities", []), ("mentions", []), ("timexes", []), ("quotes", []), ("events", []),
             ("places", {}), ("location", None), ("errors", []))}


def find_entities(store: Store, q: str | None = None, *, limit: int = 20) -> list[dict]:
    """Entities whose name or alias contains ``q`` (all when None), most
    mentioned first: {key, name, type, n_articles, n_stories} (and
    ``mentions``, the count they are ranked by)."""
    pattern = None if q is None else "%" + q.replace("\\", "").replace("%", "").replace("_", "") + "%"
    with store.snapshot():
        return store.find_entities(pattern, max(1, limit))


def get_entity(store: Store, key: str) -> dict:
    """One entity: key, name, aliases, type, country, lat, lon (None when not
    a known place), n_articles; ``stories`` it appears in, by date ({id,
    title, first_seen, last_seen, n_articles_naming}); ``quotes`` it said
    ({text, article_id, story_id, start, end, published, source}); ``events``
    it took part in ({type, date, place, role, article_id, story_id,
    sentence}). NotFoundError if unknown."""
    with store.snapshot():
        rows = store.entity_articles(key)
        if not rows:
            raise NotFoundError(f"no entity {key!r} in {store.path}",
                                hint="find entities by name with find_entities (e.g. GET /entities?q=...)")
        analyses = store.analyses(r["id"] for r in rows)
        stories = store.story_titles(r["story_id"] for r in rows if r["story_id"])
        aliases = store.entity_aliases(key)
    return _entity_page(key, rows, analyses, stories, aliases)


def _entity_page(key: str, rows: list[dict], analyses: dict, stories: dict, aliases: list[str]) -> dict:
    entity = _entity_record(key, analyses)
    names = Counter(r["name"] for r in rows)
    page = {"key": key, "name": names.most_common(1)[0][0], "aliases": aliases, "type": rows[0]["type"],
            "country": entity.get("country"), "lat": entity.get("lat"), "lon": entity.get("lon"),
            "n_articles": len(rows)}
    page["stories"] = _entity_stories(rows, stories)
    page["quotes"] = [q for r in rows for q in _quotes_of(key, r, analyses.get(r["id"]))]
    said = {page["name"], *aliases, *names}  # events name their actors, they do not key them
    page["events"] = [e for r in rows for e in _events_of(said, r, analyses.get(r["id"]))]
    return page


def _entity_record(key: str, analyses: dict) -> dict:
    """The entity as one analysis stored it (places: the one with coordinates, if any has them)."""
    found = [e for a in analyses.values() for e in a.get("entities", []) if e["key"] == key]
    return max(found, key=lambda e: (e.get("lat") is not None, e.get("country") is not None), default={})


def _entity_stories(rows: list[dict], stories: dict) -> list[dict]:
    naming = Counter(r["story_id"] for r in rows if r["story_id"] in stories)
    listed = [{**stories[sid], "n_articles_naming": n} for sid, n in naming.items()]
    return sorted(listed, key=lambda s: (s["first_seen"] is None, s["first_seen"] or "", s["id"]))


def _quotes_of(key: str, row: dict, analysis: dict | None) -> list[dict]:
    from .analyze.story import is_speech
    from .records import Analysis

    if not analysis:
        return []
    quotes = Analysis.from_dict(analysis).quotes
    return [{"text": q.content.text, "article_id": row["id"], "story_id": row["story_id"], "start": q.content.start,
             "end": q.content.end, "published": row["published"], "source": row["source"], "kind": q.kind,
             "cue": q.cue.text if q.cue else None, "speech": is_speech(q)}
            for q in quotes if q.speaker_entity == key and is_speech(q)]


def _events_of(names: set[str], row: dict, analysis: dict | None) -> list[dict]:
    events = []
    for event in (analysis or {}).get("events", []):
        role = "source" if names & set(event["source_names"]) else \
            "target" if names & set(event["target_names"]) else None
        if role:
            events.append({"type": event["type"], "date": event["date"], "place": event["place"], "role": role,
                           "article_id": row["id"], "story_id": row["story_id"], "sentence": event["sentence"]["text"],
                           "start": event["sentence"]["start"], "end": event["sentence"]["end"],
                           "mode": event["mode"]})
    return events


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
