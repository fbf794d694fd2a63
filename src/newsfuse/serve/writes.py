"""The server's one writer (POST /api/articles) and the models it loads once.

Items go through the same boundary and ingest as the CLI: each JSON object
becomes a RawItem or a Skipped by ``jsonl_record`` (as a line of a JSON Lines
file would), and ``ingest`` cleans, deduplicates, analyses and clusters them
on a writer store, one request at a time.
"""

from __future__ import annotations

import hmac
import json

from fastapi import FastAPI, Request

import newsfuse

BODY = "request body"


def check_token(request: Request) -> None:
    """401 without the right bearer token; 403 when the server takes no writes at all."""
    token = request.app.state.token
    if token is None:
        raise newsfuse.AuthError("this server takes no writes", code="NF602",
                                 hint="start it with --token-env NAME, NAME holding a secret token")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # compare_digest: the time taken says nothing about how much of the token was right
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise newsfuse.AuthError("missing or wrong token", hint="send the header Authorization: Bearer <token>")


async def read_body(request: Request) -> bytes:
    """The body, refused (413) as soon as it passes the limit: by its declared
    length first, then by counting what arrives (the length can be absent or false)."""
    limit = newsfuse.Options().max_file_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit, at_least=True)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int, at_least: bool = False) -> newsfuse.TooLargeError:
    return newsfuse.TooLargeError(BODY, f"{'over ' if at_least else ''}{size:,} bytes, more than the limit of "
                                        f"{limit:,}", hint="send the articles in several smaller requests")


def ingest_body(app: FastAPI, body: bytes) -> dict:
    """Ingest the request's articles (run in a worker thread: ingest blocks)."""
    options = newsfuse.Options()
    items = [newsfuse.jsonl_record(f"POST /api/articles #{i}", json.dumps(record).encode(), options)
             for i, record in enumerate(_records(body))]
    with app.state.write_lock, newsfuse.open_store(app.state.db) as store:
        ids = [_article_id(item, options) for item in items]
        stored_before = {i: store.has_article(i) for i in ids if isinstance(i, str)}
        embedder, body_embedder = embedders(app)
        report = newsfuse.ingest(items, store, options=options, embedder=embedder, body_embedder=body_embedder)
        return _result(store, items, ids, stored_before, report)


def _records(body: bytes) -> list:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise newsfuse.InputError(BODY, f"invalid JSON: {exc}", code="NF107",
                                  hint="send one article object or a list of them") from exc
    records = data if isinstance(data, list) else [data]
    if not records:
        raise newsfuse.InputError(BODY, "an empty list", code="NF108", hint="send at least one article")
    return records


def _article_id(item, options) -> str | newsfuse.Skipped:
    """The id the article will have (a hash of its cleaned text), or why it is skipped.
    Cleaning it here too is how each item's outcome is known: the run's report counts, it does not map."""
    if isinstance(item, newsfuse.Skipped):
        return item
    try:
        return newsfuse.to_article(item, options).id
    except newsfuse.InputError as exc:
        return newsfuse.Skipped(item.origin, exc.reason, exc.code)
    except Exception:  # a cleaning bug: the run reports it (NF190) and goes on, and so do we
        return newsfuse.Skipped(item.origin, "cleaning failed (a newsfuse bug)", "NF190")


def _result(store: newsfuse.Store, items: list, ids: list, stored_before: dict, report) -> dict:
    later = {s.origin: s for s in report.skipped}  # failed after cleaning (embedding, storing)
    new, seen, outcomes = set(report.article_ids), set(), []
    for index, (item, article_id) in enumerate(zip(items, ids)):
        skipped = article_id if isinstance(article_id, newsfuse.Skipped) else later.get(item.origin)
        if skipped is not None:
            outcomes.append({"index": index, "outcome": "skipped", "code": skipped.code, "reason": skipped.reason})
            continue
        duplicate = article_id in seen or stored_before.get(article_id) or article_id not in new
        seen.add(article_id)
        story_id = store.story_of_article(article_id)
        outcomes.append({"index": index, "outcome": "duplicate" if duplicate else "ingested",
                         "article_id": article_id, "story_id": story_id and store.resolve_story(story_id)})
    stories = sorted({o["story_id"] for o in outcomes if o["outcome"] == "ingested" and o["story_id"]})
    counts = {kind: sum(o["outcome"] == kind for o in outcomes) for kind in ("ingested", "duplicate", "skipped")}
    return {"items": outcomes, "stories": stories, "ingested": counts["ingested"], "duplicates": counts["duplicate"],
            "skipped": counts["skipped"]}


def embedders(app: FastAPI) -> tuple:
    """MiniLM for headlines and the static model for bodies, made once per app
    (each loads on first use, ~10 s): every later write reuses them."""
    with app.state.model_lock:
        if app.state.embedders is None:
            if app.state.static is None:
                app.state.static = newsfuse.StaticEmbedder()  # an ingest may distil it (and write its cache)
            app.state.embedders = (newsfuse.MiniLMEmbedder(batch_size=newsfuse.Options().embed_batch_size),
                                   app.state.static)
        return app.state.embedders


def static_model(app: FastAPI) -> newsfuse.StaticEmbedder:
    """The static model for encoding queries, read from its cache on the first
    semantic query; never distilled here (503 NF307 until an ingest has built it)."""
    with app.state.model_lock:
        if app.state.static is None:
            app.state.static = newsfuse.StaticEmbedder.from_cache()
        return app.state.static
