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
    leads = {r["id"]: r["sentences"][0][1] for r in rows if r["sentences"]}
    combined = combine([Analysis.from_dict(stored[r["id"]]) for r in rows if r["id"] in stored], leads)
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
        **_story_title(row, articles),
        "first_seen": row["first_seen"],
        "last_seen": row["last_seen"],
        "n_articles": counts["n_articles"],
        "n_sources": counts["n_sources"],
        "n_independent": counts["n_independent"],
        "outlets": sorted({a["source"] or "(unknown outlet)" for a in articles}),
        "articles": articles,
        "not_analysed": not_analysed(articles),
    }


def not_analysed(articles: list[dict]) -> dict:
    """Articles left unanalysed because the English models cannot read their
    language, counted by language ("unknown" when none was told)."""
    from collections import Counter

    from .clean import readable

    return dict(Counter(a["language"] or "unknown" for a in articles if not readable(a["language"])))


def headline(article: dict) -> dict:
    """``title`` and ``title_derived``: the outlet's headline, or (marked
    derived) one made from the lead when the article came without one."""
    if article["title"]:
        return {"title": article["title"], "title_derived": False}
    from .clean import lead_headline

    return {"title": lead_headline(article["text"], article["sentences"]), "title_derived": True}


def _story_title(row: dict, articles: list[dict]) -> dict:
    """The story's title, marked derived when no article has a headline of its own."""
    derived = not any(not a["title_derived"] for a in articles)
    if derived and articles:
        return {"title": articles[0]["title"], "title_derived": True}
    return {"title": row["title"], "title_derived": False}


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
    view.update(headline(article))
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
    view.update(headline(article))
    view["analysis"] = _analysis_view(analysis) if analysis else None
    if analysis:
        view["analysis"]["who"] = _article_who(analysis, article)
    return view


def _article_who(analysis: dict, article: dict) -> list[dict]:
    """One article's people and organisations, the most central first (as a story's)."""
    from .analyze.story import combine
    from .records import Analysis

    leads = {article["id"]: article["sentences"][0][1]} if article["sentences"] else {}
    return combine([Analysis.from_dict(analysis)], leads)["who"]


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
    the model: a read loads none), hybrid (reciprocal-rank fusion of both).
    ``score``: text: -bm25 (higher is better); semantic: the cosine; hybrid:
    the fused reciprocal ranks."""
    if mode not in SEARCH_MODES:
        raise ConfigError(f"unknown search mode {mode!r}", hint=f"use one of {', '.join(SEARCH_MODES)}")
    if mode != "text" and query_vector is None:
        raise ConfigError(f"{mode} search needs the query's vector (query_vector)",
                          hint="encode the query with the model of the stored vectors and pass it, or use mode=text")
    limit = max(1, limit)
    with store.snapshot():
        texts = _text_hits(store, q, limit * (2 if mode == "hybrid" else 1)) if mode != "semantic" else []
        near = _semantic_hits(store, query_vector, limit * 2) if mode != "text" else []
    if mode == "hybrid":
        return _fused(texts, near, limit)
    return (texts or near)[:limit]


def _text_hits(store: Store, q: str, limit: int) -> list[dict]:
    match = _match_query(q or "")
    if not match:
        return []
    hits = [_article_hit(r) for r in store.search_articles(match, limit)]
    hits += [_fact_hit(r) for r in store.search_facts(match, limit)]
    # bm25 of two indexes are on similar scales (same words, same weighting), good enough to interleave
    return sorted(hits, key=lambda h: -h["score"])[:limit]


def _article_hit(row: dict) -> dict:
    return {"kind": "article", "id": row["id"], "story_id": row["story_id"], "story_title": row["story_title"],
            "title": row["title"], "snippet": _parts(row["snippet"]), "score": -row["rank"],
            "published": row["published"], "title_parts": _parts(row["title_parts"] or "")}


def _fact_hit(row: dict, snippet: str | None = None, score: float | None = None) -> dict:
    return {"kind": "fact", "id": f"{row['story_id']}:{row['fact_id']}", "story_id": row["story_id"],
            "story_title": row["story_title"], "title": row["story_title"],
            "snippet": _parts(snippet if snippet is not None else row["snippet"]),
            "score": score if score is not None else -row["rank"], "published": row["last_seen"]}


_MARK = re.compile("\x02(.*?)\x03", re.S)


def _parts(marked: str) -> list[dict]:
    """FTS5's snippet with \x02 hit \x03 markers as [{text, hit}] parts (no markup reaches a page)."""
    parts, at = [], 0
    for found in _MARK.finditer(marked):
        if found.start() > at:
            parts.append({"text": marked[at:found.start()], "hit": False})
        parts.append({"text": found.group(1), "hit": True})
        at = found.end()
    if at < len(marked):
        parts.append({"text": marked[at:].replace("\x02", "").replace("\x03", ""), "hit": False})
    return parts


def _semantic_hits(store: Store, query_vector, limit: int) -> list[dict]:
    """Articles (body vectors) and facts (their claims' vectors) nearest the query by cosine."""
    import numpy as np

    query = np.asarray(query_vector, dtype=np.float32).ravel()
    query = query / (np.linalg.norm(query) or 1.0)
    articles, article_dims = _article_scores(store, query)
    facts, claim_dims = _fact_scores(store, query, limit)
    if not article_dims | claim_dims:
        return []  # nothing stored to compare with
    if query.size not in article_dims | claim_dims:
        raise ConfigError(f"the query vector has {query.size} dimensions; the stored vectors have "
                          f"{', '.join(map(str, sorted(article_dims | claim_dims))) or 'none'}",
                          hint="encode the query with the model that encoded the stored articles and claims")
    hits = _semantic_articles(store, articles[:limit]) + _semantic_facts(store, facts[:limit])
    return sorted(hits, key=lambda h: -h["score"])[:limit]


def _article_scores(store: Store, query) -> tuple[list[tuple[float, str]], set[int]]:
    import numpy as np

    rows = list(store.article_vectors())
    dims = {len(blob) // 4 for _, _, blob in rows}
    same = [(aid, blob) for aid, _, blob in rows if len(blob) == 4 * query.size]
    if not same:
        return [], dims
    matrix = np.frombuffer(b"".join(blob for _, blob in same), dtype=np.float32).reshape(len(same), -1)
    scores = matrix @ query / np.maximum(np.linalg.norm(matrix, axis=1), 1e-9)
    order = np.argsort(-scores)
    return [(float(scores[i]), same[i][0]) for i in order], dims


def _fact_scores(store: Store, query, limit: int) -> tuple[list[tuple[float, str, str, int]], set[int]]:
    """(cosine, article id, story id, claim index) of the best claims (whole-claim vectors)."""
    import numpy as np

    from .claim_vectors import ClaimVectors

    best, dims = [], set()
    for article_id, story_id, blob in store.claim_vector_blobs():
        vectors = ClaimVectors.from_bytes(blob).whole
        dims.add(vectors.shape[1])
        if vectors.shape[1] == query.size and len(vectors):
            scores = vectors @ query
            best += [(float(scores[i]), article_id, story_id, int(i)) for i in np.argsort(-scores)[:limit]]
    return sorted(best, reverse=True)[:limit * 3], dims


def _semantic_articles(store: Store, scored: list[tuple[float, str]]) -> list[dict]:
    briefs = store.article_briefs(aid for _, aid in scored)
    return [{"kind": "article", "id": aid, "story_id": briefs[aid]["story_id"],
             "story_title": briefs[aid]["story_title"], "title": briefs[aid]["title"],
             "snippet": [{"text": briefs[aid]["opening"], "hit": False}], "score": score,
             "published": briefs[aid]["published"]} for score, aid in scored]


def _semantic_facts(store: Store, scored: list) -> list[dict]:
    """The facts holding the best claims (a fact once, at its best claim's score)."""
    owners, hits = {}, {}
    for score, article_id, story_id, claim in scored:
        if story_id not in owners:
            owners[story_id] = {(m[0], m[1]): fact_id for fact_id, fact in store.story_facts(story_id).items()
                                for m in fact["members"]}
        fact_id = owners[story_id].get((article_id, claim))
        if fact_id is not None and (story_id, fact_id) not in hits:
            hits[(story_id, fact_id)] = score
    texts, stories = store.fact_texts(list(hits)), store.story_titles(s for s, _ in hits)
    return [_fact_hit({"story_id": sid, "fact_id": fid, "story_title": stories.get(sid, {}).get("title"),
                       "last_seen": stories.get(sid, {}).get("last_seen")}, texts.get((sid, fid), ""), score)
            for (sid, fid), score in hits.items()]


_RRF_K = 60  # the usual constant of reciprocal-rank fusion: top ranks count, no list dominates


def _fused(texts: list[dict], near: list[dict], limit: int) -> list[dict]:
    fused: dict[tuple, dict] = {}
    for hits in (texts, near):
        for rank, hit in enumerate(hits):
            key = (hit["kind"], hit["id"])
            entry = fused.setdefault(key, {**hit, "score": 0.0})  # the text hit first: it has the hit parts
            entry["score"] += 1.0 / (_RRF_K + rank + 1)
    return sorted(fused.values(), key=lambda h: -h["score"])[:limit]


def timeline(store: Store, *, entity: str | None = None, place: str | None = None, date_from: str | None = None,
             date_to: str | None = None, limit: int = 200) -> list[dict]:
    """Dated events and facts across stories, in date order: {date, kind
    ("event" | "fact"), text, type (event type or fact status), story_id,
    story_title, evidence ([{article_id, source, start, end}])}.

    Events come from the stories' stored analyses (merged as ``get_story``
    merges them), facts from their records' stored timelines. ``entity``:
    stories naming it, and of those the events it takes part in and facts
    naming it; ``place``: stories located there. Stories are read earliest
    first, and reading stops once ``limit`` entries are found and the next
    story starts after the last of them."""
    entries: list[dict] = []
    with store.snapshot():
        names = _entity_names(store, entity)
        for story in store.timeline_stories(entity=entity, place=place, date_from=date_from, date_to=date_to):
            if len(entries) >= limit and (story["first_seen"] or "") > entries[limit - 1]["date"]:
                break
            entries += _story_entries(store, story, names, date_from, date_to)
            entries.sort(key=lambda e: (e["date"], e["kind"], e["story_id"]))
    return entries[:max(0, limit)]


def _entity_names(store: Store, entity: str | None) -> set[str] | None:
    if entity is None:
        return None
    return {r["name"] for r in store.entity_articles(entity)} | set(store.entity_aliases(entity))


_DATED = re.compile(r"^\d{4}(-\d{2}){0,2}$")  # a calendar date, month or year (not a week, season, duration)


def _story_entries(store: Store, story: dict, names: set[str] | None, date_from: str | None,
                   date_to: str | None) -> list[dict]:
    rows = store.story_articles(story["id"])
    outlets = {r["id"]: r["source"] for r in rows}
    entries = _event_entries(store, story, rows, names, outlets) + _fact_entries(store, story, names, outlets)
    return [e for e in entries if _DATED.match(e["date"] or "") and _in_range(e["date"], date_from, date_to)]


def _in_range(date: str, date_from: str | None, date_to: str | None) -> bool:
    # a month or year is in range when it overlaps it
    return (date_from is None or date >= date_from[:len(date)]) and (date_to is None or date <= date_to[:len(date)])


def _event_entries(store: Store, story: dict, rows: list[dict], names: set[str] | None, outlets: dict) -> list:
    analysis = story_analysis(store, rows) or {"events": []}
    return [{"date": e["date"], "kind": "event", "text": e["evidence"][0]["text"].strip(), "type": e["type"],
             "story_id": story["id"], "story_title": story["title"], "place": e["place"],
             "evidence": [_evidence(v["article"], v["start"], v["end"], outlets) for v in e["evidence"]]}
            for e in analysis["events"] if names is None or names & {*e["sources"], *e["targets"]}]


def _fact_entries(store: Store, story: dict, names: set[str] | None, outlets: dict) -> list[dict]:
    record = store.story_records_data([story["id"]]).get(story["id"])
    dated = record["data"].get("timeline", []) if record else []
    return [{"date": f["date"], "kind": "fact", "text": f["text"], "type": f["status"], "story_id": story["id"],
             "story_title": story["title"],
             "evidence": [_evidence(c["article"], c["start"], c["end"], outlets) for c in f["citations"]]}
            for f in dated if names is None or _names_in(names, f["text"])]


def _names_in(names: set[str], text: str) -> bool:
    return any(re.search(rf"\b{re.escape(name)}\b", text) for name in names)


def _evidence(article_id: str, start: int, end: int, outlets: dict) -> dict:
    return {"article_id": article_id, "source": outlets.get(article_id), "start": start, "end": end}
