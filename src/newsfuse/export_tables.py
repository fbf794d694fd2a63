"""Tables out of the store: one file per table, Parquet or JSON Lines, streamed.

``export_tables(store, out_dir, fmt="parquet" | "jsonl", tables=...)`` writes
``out_dir/<table>.parquet`` or ``.jsonl`` and returns the rows per table. It
only reads (a read-only Store works), inside one snapshot, so a table never
shows half an ingest; rows go out in chunks of ``chunk`` (articles, stories),
so memory does not grow with the database. Files are written under a
``.part`` name and renamed when complete. Parquet needs pyarrow (the
``parquet`` extra); without it, ConfigError NF402.

Exported articles are JSON Lines newsfuse ingests again (``text``, ``title``,
``url``, ``source``, ``published``; ``id`` becomes the external id), in the
order they were first ingested: the same articles give the same stories.

Schemas (list = a JSON array / a Parquet list; every column may be null
unless it is an id or a count):

articles — one row per article, in ingest order
    id              string        article id (hash of the normalised text)
    url             string        the URL it was ingested with
    urls            list<string>  every URL it was seen at (copies ingested again)
    source          string        outlet
    title           string        headline
    published       string        publication date, YYYY-MM-DD
    published_from  string        where the date came from: metadata, html, dateline
    language        string        ISO 639-1 code
    text            string        cleaned text (page chrome removed)
    story_id        string        the live story it belongs to
    near_dup_of     string        the article it is a syndicated copy of
    external_id     string        the id its input gave (JSON Lines ``id``)
    origin          string        file (and line or byte offset) it was read from
    ingested_at     string        when it was stored (ISO 8601, UTC)

stories — one row per live story, latest first
    id              string        story id (stable; merged stories' ids resolve to it)
    title           string        story title
    first_seen      string        earliest publication date of its articles
    last_seen       string        latest publication date
    n_articles      int64         articles
    n_outlets       int64         distinct outlets
    n_independent   int64         independent outlets (a syndicated copy counts as its original's)
    outlets         list<string>  outlet names
    article_ids     list<string>  its articles, by publication date
    record_state    string        current, stale or missing: whether claims are up to date
    n_corroborated, n_single_source, n_conflicting, n_updated
                    int64         claims by status (null when the record is missing)

claims — one row per fact of a story's stored record
    story_id        string        story
    fact_id         int64         the fact's id within its story (stable as the story grows)
    status          string        corroborated, single-source, conflicting, updated
    text            string        the fact as indexed for search (its first evidence sentence if none)
    independent_sources int64     independent outlets reporting it
    outlets         list<string>  outlets reporting it
    article_ids     list<string>  articles with evidence for it
    attributed      bool          reported as someone's statement, not as fact
    speakers        list<string>  who is quoted saying it
    slot            string        for a disagreement: what differs (a number, a date, ...)

events — one row per event read in an article (stored analyses)
    article_id      string        article
    story_id        string        its story
    type            string        PLOVER event type
    mode            string        PLOVER mode, if any
    trigger         string        the word(s) naming the event
    sentence        string        evidence sentence
    sentence_start  int64         its character offsets in the article's text
    sentence_end    int64
    sources         list<string>  acting actors (canonical names where resolved)
    targets         list<string>  actors acted upon
    place           string        entity key of where it happened
    date            string        TIMEX3 value of when
    background      bool          a past event the article recalls, not its news

quotes — one row per quote read in an article
    article_id      string        article
    story_id        string        its story
    speaker         string        who (canonical name where resolved)
    speaker_entity  string        the speaker's entity key
    kind            string        direct, indirect, mixed
    content         string        what was said
    content_start   int64         its character offsets in the article's text
    content_end     int64
    cue             string        the reporting verb ("said")

entities — one row per entity, most mentioned first
    key             string        entity key (person:vladimir putin, country:RU, ...)
    name            string        canonical name
    type            string        person, org, group, country, place
    n_articles      int64         articles naming it
    n_stories       int64         stories naming it
    mentions        int64         mentions in all articles
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import ConfigError
from .store import Store

FORMATS = ("parquet", "jsonl")
STR, INT, BOOL, STRS = "string", "int64", "bool", "list<string>"
SCHEMAS: dict[str, dict[str, str]] = {
    "articles": {"id": STR, "url": STR, "urls": STRS, "source": STR, "title": STR, "published": STR,
                 "published_from": STR, "language": STR, "text": STR, "story_id": STR, "near_dup_of": STR,
                 "external_id": STR, "origin": STR, "ingested_at": STR},
    "stories": {"id": STR, "title": STR, "first_seen": STR, "last_seen": STR, "n_articles": INT, "n_outlets": INT,
                "n_independent": INT, "outlets": STRS, "article_ids": STRS, "record_state": STR,
                "n_corroborated": INT, "n_single_source": INT, "n_conflicting": INT, "n_updated": INT},
    "claims": {"story_id": STR, "fact_id": INT, "status": STR, "text": STR, "independent_sources": INT,
               "outlets": STRS, "article_ids": STRS, "attributed": BOOL, "speakers": STRS, "slot": STR},
    "events": {"article_id": STR, "story_id": STR, "type": STR, "mode": STR, "trigger": STR, "sentence": STR,
               "sentence_start": INT, "sentence_end": INT, "sources": STRS, "targets": STRS, "place": STR,
               "date": STR, "background": BOOL},
    "quotes": {"article_id": STR, "story_id": STR, "speaker": STR, "speaker_entity": STR, "kind": STR,
               "content": STR, "content_start": INT, "content_end": INT, "cue": STR},
    "entities": {"key": STR, "name": STR, "type": STR, "n_articles": INT, "n_stories": INT, "mentions": INT},
}
TABLES = tuple(SCHEMAS)
_STATUS_COLUMNS = {"corroborated": "n_corroborated", "single-source": "n_single_source",
                   "conflicting": "n_conflicting", "updated": "n_updated"}
_ALL_ENTITIES = 1 << 62  # find_entities takes a limit; an export wants every one


def export_tables(store: Store, out_dir: str | Path, *, fmt: str = "parquet", tables: Iterable[str] = TABLES,
                  chunk: int = 500) -> dict[str, int]:
    """Write each table to ``out_dir/<table>.<fmt>``; rows written per table."""
    tables = _check(fmt, list(tables))
    out = Path(out_dir)
    _make_dir(out)
    with store.snapshot():
        return {name: _write(out / f"{name}.{fmt}", fmt, name, _in_order(name, _ROWS[name](store, chunk)))
                for name in tables}


def _check(fmt: str, tables: list[str]) -> list[str]:
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}", hint="use parquet or jsonl", code="NF401")
    unknown = [t for t in tables if t not in SCHEMAS]
    if unknown or not tables:
        raise ConfigError(f"unknown table(s) {', '.join(unknown) or '(none)'}",
                          hint=f"choose from {', '.join(TABLES)}", code="NF401")
    return list(dict.fromkeys(tables))


def _make_dir(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {out}: {exc.strerror}", hint="choose a writable folder") from exc


def _in_order(table: str, chunks: Iterator[list[dict]]) -> Iterator[list[dict]]:
    """Rows with exactly the schema's columns, in its order (JSON Lines keeps key order)."""
    columns = SCHEMAS[table]
    for rows in chunks:
        yield [{column: row.get(column) for column in columns} for row in rows]


# Row sources: each yields lists of rows (one list per chunk).

def _article_chunks(store: Store, chunk: int) -> Iterator[list[dict]]:
    after = 0
    while rows := store.articles_page(after, chunk):
        after = rows[-1]["seq"]
        yield rows


def _articles(store: Store, chunk: int) -> Iterator[list[dict]]:
    return _article_chunks(store, chunk)  # the store's rows: _in_order keeps the schema's columns


def _analysed(store: Store, chunk: int, rows_of: Callable[[dict, dict], list[dict]]) -> Iterator[list[dict]]:
    """Rows read from each article's stored analysis (events, quotes)."""
    for rows in _article_chunks(store, chunk):
        analyses = store.analyses(r["id"] for r in rows)
        yield [out for r in rows if r["id"] in analyses for out in rows_of(r, analyses[r["id"]])]


def _event_rows(article: dict, analysis: dict) -> list[dict]:
    return [{"article_id": article["id"], "story_id": article["story_id"], "type": e["type"], "mode": e.get("mode"),
             "trigger": _span_text(e.get("trigger")), "sentence": _span_text(e.get("sentence")),
             "sentence_start": _span_at(e.get("sentence"), "start"), "sentence_end": _span_at(e.get("sentence"), "end"),
             "sources": _names(e.get("source_names"), e.get("sources")),
             "targets": _names(e.get("target_names"), e.get("targets")), "place": e.get("place"), "date": e.get("date"),
             "background": e.get("background", False)}
            for e in analysis.get("events", [])]


def _quote_rows(article: dict, analysis: dict) -> list[dict]:
    return [{"article_id": article["id"], "story_id": article["story_id"], "speaker": q.get("speaker"),
             "speaker_entity": q.get("speaker_entity"), "kind": q.get("kind"),
             "content": _span_text(q.get("content")), "content_start": _span_at(q.get("content"), "start"),
             "content_end": _span_at(q.get("content"), "end"), "cue": _span_text(q.get("cue"))}
            for q in analysis.get("quotes", [])]


def _span_text(span: dict | None) -> str | None:
    return span.get("text") if span else None


def _span_at(span: dict | None, key: str) -> int | None:
    return span.get(key) if span else None


def _names(names: list[str] | None, spans: list[dict] | None) -> list[str]:
    """Canonical names where resolved, else the actors' words in the text."""
    return list(names) if names else [s["text"] for s in spans or []]


def _story_chunks(store: Store, chunk: int) -> Iterator[list[dict]]:
    """Live stories, latest first, a page at a time (story_page's keyset cursor)."""
    after = None
    while page := store.story_page("latest", after, chunk):
        after = (page[-1]["sort_key"], page[-1]["id"])
        yield page


def _stories(store: Store, chunk: int) -> Iterator[list[dict]]:
    from .query import get_story

    for page in _story_chunks(store, chunk):
        yield [_story_row(get_story(store, row["id"])) for row in page]


def _story_row(record: dict) -> dict:
    row = {key: record[key] for key in ("id", "title", "first_seen", "last_seen", "n_articles", "n_independent",
                                        "outlets", "record_state")}
    row["n_outlets"] = record["n_sources"]
    row["article_ids"] = [a["id"] for a in record["articles"]]
    counts = record.get("claim_counts") or {}
    row.update({column: counts.get(status) if record.get("claims") is not None else None
                for status, column in _STATUS_COLUMNS.items()})
    return row


def _claims(store: Store, chunk: int) -> Iterator[list[dict]]:
    for page in _story_chunks(store, chunk):
        yield [row for story in page for row in _claim_rows(store, story["id"])]


def _claim_rows(store: Store, story_id: str) -> list[dict]:
    from .story_record import fact_view

    facts = store.story_facts(story_id)
    if not facts:
        return []
    articles = {a["id"]: a for a in store.story_articles(story_id)}
    texts = store.fact_texts([(story_id, fact_id) for fact_id in facts])
    return [_claim_row(story_id, fact_id, fact_view(fact, articles), texts.get((story_id, fact_id)))
            for fact_id, fact in facts.items()]


def _claim_row(story_id: str, fact_id: int, view: dict, text: str | None) -> dict:
    evidence = view["evidence"]
    return {"story_id": story_id, "fact_id": fact_id, "status": view["status"],
            "text": text or (evidence[0]["text"] if evidence else None),
            "independent_sources": view["independent_sources"], "outlets": list(view["outlets"] or []),
            "article_ids": list(dict.fromkeys(e["article"] for e in evidence)),
            "attributed": bool(view.get("attributed")), "speakers": [s for s in view.get("speakers") or [] if s],
            "slot": view.get("slot")}


def _entities(store: Store, chunk: int) -> Iterator[list[dict]]:
    """Every entity (one aggregate query: a row per entity, not per mention)."""
    from .query import find_entities

    rows = find_entities(store, None, limit=_ALL_ENTITIES)
    for start in range(0, len(rows), chunk):
        yield rows[start:start + chunk]


_ROWS: dict[str, Callable[[Store, int], Iterator[list[dict]]]] = {
    "articles": _articles, "stories": _stories, "claims": _claims, "entities": _entities,
    "events": lambda store, chunk: _analysed(store, chunk, _event_rows),
    "quotes": lambda store, chunk: _analysed(store, chunk, _quote_rows),
}


# Writers: rows in, one file out, renamed into place when complete.

def _write(path: Path, fmt: str, table: str, chunks: Iterator[list[dict]]) -> int:
    part = path.with_name(path.name + ".part")
    try:
        written = (_write_parquet if fmt == "parquet" else _write_jsonl)(part, table, chunks)
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}", hint="check the folder is writable") from exc
    return written


def _write_jsonl(path: Path, table: str, chunks: Iterator[list[dict]]) -> int:
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for rows in chunks:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
            written += len(rows)
    return written


def _write_parquet(path: Path, table: str, chunks: Iterator[list[dict]]) -> int:
    pa, pq = _pyarrow()
    schema = arrow_schema(table)
    written = 0
    with pq.ParquetWriter(path, schema) as writer:
        for rows in chunks:
            if rows:  # each chunk one row group: memory holds a chunk, not the table
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                written += len(rows)
    return written


def arrow_schema(table: str):
    """The pyarrow schema of a table (SCHEMAS's types)."""
    pa, _ = _pyarrow()
    types = {STR: pa.string(), INT: pa.int64(), BOOL: pa.bool_(), STRS: pa.list_(pa.string())}
    return pa.schema([(column, types[kind]) for column, kind in SCHEMAS[table].items()])


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ConfigError("Parquet export needs pyarrow, which is not installed",
                          hint="pip install 'newsfuse[parquet]' (or pyarrow), or use --format jsonl",
                          code="NF402") from None
    return pyarrow, pyarrow.parquet
