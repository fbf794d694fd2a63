"""The JSON API under /api: typed responses, library calls only.

Errors are not caught here: every NewsfuseError goes to the one handler in
app.py, which answers with its ``http_status`` and the one error shape.
Read routes are plain functions (FastAPI runs them in its thread pool: SQLite
reads block) over a read-only store per request.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

import newsfuse

from . import writes
from .deps import reader
from .models import (ArticleIn, ArticleRecord, EntityItem, EntityRecord, ErrorResponse, Health, IngestResult,
                     SearchHit, StoryPage, StoryRecord, TimelineItem)

ERRORS = {status: {"model": ErrorResponse} for status in (400, 404, 422, 503)}
router = APIRouter(prefix="/api", responses=ERRORS)
root = APIRouter()  # outside /api: the health check

# The exported page carries its own <style> and no script: let it style itself, run nothing.
EXPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")
EXPORTS = {"md": ("text/markdown; charset=utf-8", "story_markdown"),
           "html": ("text/html; charset=utf-8", "story_html")}
ISO_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"  # YYYY, YYYY-MM or YYYY-MM-DD


@router.get("/stories", response_model=StoryPage, summary="Stories, filtered and paged")
def stories(q: str | None = Query(None, description="Words in the stories' articles (full text)"),
            entity: str | None = Query(None, description="An entity key named in the story"),
            place: str | None = Query(None, description="A place key or name: where the story happened"),
            date_from: str | None = Query(None, alias="from", pattern=ISO_DATE,
                                          description="Stories still running on or after this date"),
            date_to: str | None = Query(None, alias="to", pattern=ISO_DATE,
                                        description="Stories begun on or before this date"),
            sort: Literal["latest", "largest", "outlets"] = "latest",
            limit: int = Query(20, ge=1, le=100),
            cursor: str | None = Query(None, description="next_cursor of the previous page"),
            store: newsfuse.Store = Depends(reader)):
    return newsfuse.find_stories(store, q=q, entity=entity, place=place, date_from=date_from, date_to=date_to,
                                 sort=sort, limit=limit, cursor=cursor)


@router.get("/stories/{story_id}", name="api_story", response_model=StoryRecord, summary="One story's record, or its export",
            responses={200: {"content": {"text/markdown": {}, "text/html": {}}},
                       307: {"description": "A prefix of the id: the story's own URL"},
                       308: {"description": "A story merged into another: the surviving story's URL"}})
def story(story_id: str, request: Request, format: Literal["json", "md", "html"] = "json",
          sentences: int = Query(5, ge=1, le=20, description="Summary length of the md/html export"),
          store: newsfuse.Store = Depends(reader)):
    record = newsfuse.get_story(store, story_id)
    if record["id"] != story_id:  # one URL per story: a prefix or a merged id leads there
        return _to_story(request, record["id"], permanent=not record["id"].startswith(story_id))
    if format == "json":
        return record
    media_type, render = EXPORTS[format]
    headers = {"Content-Security-Policy": EXPORT_CSP} if format == "html" else {}
    return Response(getattr(newsfuse, render)(record, summary_sentences=sentences), media_type=media_type,
                    headers=headers)


def _to_story(request: Request, story_id: str, *, permanent: bool) -> RedirectResponse:
    """Merges are for good (308); a prefix may become ambiguous as stories arrive (307)."""
    path = request.app.url_path_for("api_story", story_id=story_id)  # relative: right behind any proxy
    query = request.url.query
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=308 if permanent else 307)


@router.get("/articles/{article_id}", response_model=ArticleRecord, summary="One article with its analysis spans")
def article(article_id: str, store: newsfuse.Store = Depends(reader)):
    return newsfuse.get_article(store, article_id)


@router.get("/entities", response_model=list[EntityItem], summary="Entities, most mentioned first")
def entities(q: str | None = Query(None, description="Part of a name or alias"), limit: int = Query(20, ge=1, le=200),
             store: newsfuse.Store = Depends(reader)):
    return newsfuse.find_entities(store, q, limit=limit)


@router.get("/entities/{key:path}", response_model=EntityRecord, summary="One entity: stories, quotes, events")
def entity(key: str, store: newsfuse.Store = Depends(reader)):
    return newsfuse.get_entity(store, key)  # keys hold ':' and spaces: URL-encode them


@router.get("/search", response_model=list[SearchHit], summary="Articles and facts matching a query")
def search(request: Request, q: str = Query(..., min_length=1, max_length=500),
           mode: Literal["text", "semantic", "hybrid"] = "text", limit: int = Query(20, ge=1, le=100),
           store: newsfuse.Store = Depends(reader)):
    vector = None if mode == "text" else writes.static_model(request.app).encode([q])[0]
    return newsfuse.search(store, q, mode=mode, limit=limit, query_vector=vector)


@router.get("/timeline", response_model=list[TimelineItem], summary="Dated events and facts across stories")
def timeline(entity: str | None = None, place: str | None = None,
             date_from: str | None = Query(None, alias="from", pattern=ISO_DATE),
             date_to: str | None = Query(None, alias="to", pattern=ISO_DATE),
             limit: int = Query(200, ge=1, le=1000), store: newsfuse.Store = Depends(reader)):
    return newsfuse.timeline(store, entity=entity, place=place, date_from=date_from, date_to=date_to, limit=limit)


@router.post("/articles", response_model=IngestResult, summary="Ingest one article or a list (needs the token)",
             responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse},
                        413: {"model": ErrorResponse}},
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "anyOf": [ArticleIn.model_json_schema(), {"type": "array", "items": ArticleIn.model_json_schema()}]
             }}}}})
async def post_articles(request: Request):
    writes.check_token(request)  # before reading a byte of the body
    body = await writes.read_body(request)
    return await run_in_threadpool(writes.ingest_body, request.app, body)


@root.get("/healthz", response_model=Health, summary="Database readable: schema version and counts",
          responses={503: {"model": ErrorResponse}})
def healthz(request: Request, store: newsfuse.Store = Depends(reader)):
    with store.snapshot():
        return {"status": "ok", "schema_version": store.schema_version, "articles": store.count_articles(),
                "stories": store.count_live_stories(), "records_pending": store.count_pending(),
                "writes": request.app.state.token is not None}
