"""The web pages: server-rendered HTML (Jinja2, autoescaped), no scripts needed.

Pages read through the public API only (``newsfuse.get_story`` and the other
read functions), looked up when a request comes, so this module imports
before the read layer is complete and never loads a model itself.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

import newsfuse

from . import writes
from .deps import reader
from .markup import article_marks, entity_href, highlight, safe_url

router = APIRouter(include_in_schema=False)  # HTML for people; the API documents /api

STATUSES = ("conflicting", "updated", "corroborated", "single-source")
MODES = ("text", "semantic", "hybrid")
_HOME_LIST = 10
_PAGE_SIZE = 20
_MAX_QUERY = 500  # characters of a search, as the API allows

# Autoescape on for every template whatever its file name: all article-derived
# text is escaped; only Markup built in markup.py passes through as HTML.
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True)
templates = Jinja2Templates(env=_env)


def evidence_href(article_id: str, start: int | None = None, end: int | None = None) -> str:
    """The article page scrolled to the sentence at ``start``, the cited span marked."""
    href = "/articles/" + quote(article_id, safe="")
    if start is None:
        return href
    return f"{href}?{urlencode({'start': start, 'end': end if end is not None else start})}#s-{start}"


def story_href(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


_env.globals.update(evidence_href=evidence_href, story_href=story_href, entity_href=entity_href, safe_url=safe_url,
                    STATUSES=STATUSES)


def _page(request: Request, name: str, code: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=code)


def _error(request: Request, error: newsfuse.NewsfuseError) -> HTMLResponse:
    """A library error as a page with its status (404 for an unknown id, 400 for a bad filter)."""
    return _page(request, "error.html", code=error.http_status, error=error)


def _blank(value: str | None) -> str | None:
    """An empty form field means no filter."""
    value = (value or "").strip()
    return value or None


# ---- home -----------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def home(request: Request, q: str | None = None, date_from: str | None = None, date_to: str | None = None,
         place: str | None = None, entity: str | None = None, cursor: str | None = None,
         store=Depends(reader)):
    filters = {"q": _blank(q), "date_from": _blank(date_from), "date_to": _blank(date_to),
               "place": _blank(place), "entity": _blank(entity)}
    try:
        found = _filtered(store, filters, _blank(cursor)) if any(filters.values()) else None
        latest = newsfuse.find_stories(store, sort="latest", limit=_HOME_LIST)["items"]
        largest = newsfuse.find_stories(store, sort="largest", limit=_HOME_LIST)["items"]
    except newsfuse.NewsfuseError as error:
        return _error(request, error)
    return _page(request, "home.html", filters=filters, found=found, latest=latest, largest=largest,
                 q=filters["q"] or "")


def _filtered(store, filters: dict, cursor: str | None) -> dict:
    """Stories matching the form, with the link to the next page when there is one."""
    wanted = dict(filters, entity=_entity_key(store, filters["entity"]))
    page = newsfuse.find_stories(store, **wanted, sort="latest", limit=_PAGE_SIZE, cursor=cursor)
    given = {k: v for k, v in filters.items() if v}
    page["next_href"] = "/?" + urlencode({**given, "cursor": page["next_cursor"]}) if page["next_cursor"] else None
    return page


def _entity_key(store, entity: str | None) -> str | None:
    """A typed name ("Xi Jinping") stands for the most-mentioned entity of that
    name; a key ("person:xi jinping") is used as it is."""
    if not entity or ":" in entity:
        return entity
    found = newsfuse.find_entities(store, entity, limit=1)
    return found[0]["key"] if found else entity


# ---- a story ----------------------------------------------------------------------

@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: str, status: str | None = None, store=Depends(reader)):
    try:
        record = newsfuse.get_story(store, story_id)
    except newsfuse.NewsfuseError as error:
        return _error(request, error)
    if record["id"] != story_id:  # a merged id (moved for good) or an id prefix
        merged = any(m["from"] == story_id for m in record["merge_history"])
        target = story_href(record["id"]) + (f"?{urlencode({'status': status})}" if status else "")
        return RedirectResponse(target, status_code=301 if merged else 302)
    status = status if status in STATUSES else None
    claims = record["claims"] or []
    shown = [_claim_view(c) for c in claims if status is None or c["status"] == status]
    return _page(request, "story.html", record=record, numbers=_source_numbers(record), status=status,
                 claims=shown, outlets=_outlets(record), analysis=record["analysis"] or {})


def _source_numbers(record: dict) -> dict[str, int]:
    """Articles numbered in record order: the [n] of every citation."""
    return {a["id"]: n for n, a in enumerate(record["articles"], 1)}


def _claim_view(claim: dict) -> dict:
    """A claim with the two (or more) sides of a disagreement grouped by value."""
    sides: dict[str, list[dict]] = {}
    for value in claim.get("values", []):
        sides.setdefault(str(value["value"]), []).append(value)
    return {**claim, "sides": list(sides.items())}


def _outlets(record: dict) -> list[tuple[str, list[dict]]]:
    """Articles grouped by outlet, outlets in order of their first article."""
    groups: dict[str, list[dict]] = {}
    for article in record["articles"]:
        groups.setdefault(article["source"] or "(unknown outlet)", []).append(article)
    return list(groups.items())


# ---- an article ---------------------------------------------------------------------

@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: str, start: str | None = None, end: str | None = None,
            store=Depends(reader)):
    try:
        found = newsfuse.get_article(store, article_id)
    except newsfuse.NewsfuseError as error:
        return _error(request, error)
    anchors = {s for s, _ in found.get("sentences") or []}
    cited = _cited(start, end)
    if cited:  # a citation: its span marked, and an anchor even mid-sentence
        anchors.add(cited[0])
    body = highlight(found["text"], article_marks(found.get("analysis")), anchors, cited)
    return _page(request, "article.html", article=found, body=body, cited=cited,
                 analysis=found.get("analysis") or {})


def _cited(start: str | None, end: str | None) -> tuple[int, int] | None:
    """The cited span from the query; a hand-edited, non-numeric one is ignored
    (the page still shows) rather than answered with a validation error."""
    if not (start or "").isdigit():
        return None
    first = int(start)
    last = int(end) if (end or "").isdigit() and int(end) >= first else first
    return first, last


# ---- an entity ----------------------------------------------------------------------

@router.get("/entities/{key:path}", response_class=HTMLResponse)
def entity(request: Request, key: str, store=Depends(reader)):
    try:
        found = newsfuse.get_entity(store, key)
    except newsfuse.NewsfuseError as error:
        return _error(request, error)
    return _page(request, "entity.html", entity=found)


# ---- search -------------------------------------------------------------------------

@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = "", mode: str = "text", store=Depends(reader)):
    q, mode = q.strip()[:_MAX_QUERY], mode if mode in MODES else "text"
    note, results = None, []
    if q:
        vector = _query_vector(request, q) if mode != "text" else None
        if mode != "text" and vector is None:
            note, mode = f"{mode.capitalize()} search needs the query model, which this server has not loaded: " \
                         "these are text results.", "text"
        try:
            results = newsfuse.search(store, q, mode=mode, limit=_PAGE_SIZE, query_vector=vector)
        except newsfuse.NewsfuseError as error:
            return _error(request, error)
    return _page(request, "search.html", q=q, mode=mode, note=note, results=results)


def _query_vector(request: Request, q: str):
    """The query encoded by the static model the app holds (writes.static_model
    loads it once, from its cache); None when there is none yet (NF307)."""
    try:
        return writes.static_model(request.app).encode([q])[0]
    except newsfuse.ModelError:
        return None
