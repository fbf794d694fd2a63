"""The application: routers, the error handlers, security headers, shared state."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import NewsfuseError

# No inline script anywhere (pages and API): a text that slips past escaping still cannot run.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
# Codes of the errors FastAPI itself raises (unknown URL, wrong method, bad parameters).
HTTP_CODES = {404: ("NF604", "check the URL: the API is described at /docs"),
              405: ("NF605", "check the method: the API is described at /docs")}
VALIDATION_CODE = "NF401"
STATIC = Path(__file__).parent / "static"


def create_app(db: str | Path, *, token: str | None = None) -> FastAPI:
    """The newsfuse web application over the database ``db``; ``token``
    (default: none) enables ``POST /api/articles`` for requests that carry it."""
    from . import api, docs, pages

    # docs_url=None: FastAPI's Swagger page needs a CDN and an inline script; docs.py serves /docs instead.
    app = FastAPI(title="newsfuse", summary="Stories built from many news reports, with sources for every fact.",
                  docs_url=None, redoc_url=None)
    app.state.db, app.state.token = str(db), token
    # Models are loaded once per app, on first need (a read never loads one): see api.py.
    app.state.embedders, app.state.static = None, None
    app.state.model_lock = threading.Lock()  # one load at a time, from the threads routes run in
    app.state.write_lock = threading.Lock()  # one writer at a time (the store's own lock refuses other processes)
    app.include_router(api.router)
    app.include_router(api.root)
    app.include_router(docs.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")  # the pages' one stylesheet
    _add_error_handlers(app)
    app.add_middleware(SecurityHeaders)
    return app


def error_response(status: int, code: str, message: str, hint: str | None = None) -> JSONResponse:
    """The one error shape: {"error": {"code", "message", "hint"}}."""
    return JSONResponse({"error": {"code": code, "message": message, "hint": hint}}, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NewsfuseError)
    async def newsfuse_error(request: Request, exc: NewsfuseError) -> JSONResponse:
        response = error_response(exc.http_status, exc.code, exc.message, exc.hint)
        if exc.http_status == 401:  # says which credentials the client should send (RFC 9110)
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, VALIDATION_CODE, _validation_message(exc.errors()),
                              "check the parameters against /docs")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, hint = HTTP_CODES.get(exc.status_code, ("NF600", None))
        response = error_response(exc.status_code, code, str(exc.detail), hint)
        response.headers.update(exc.headers or {})  # e.g. Allow on 405
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Runs outside the middleware (Starlette's outermost layer), so the headers are added here.
        response = error_response(500, "NF000", f"unexpected error: {type(exc).__name__}",
                                  "a newsfuse bug: please report it with the request that caused it")
        response.headers.update({name.decode(): value.decode() for name, value in SECURITY_HEADERS})
        return response


def _validation_message(errors) -> str:
    """"query parameter 'mode': Input should be 'text', 'semantic' or 'hybrid'; ..." """
    parts = []
    for error in errors:
        where, *path = error.get("loc", ()) or ("request",)
        name = ".".join(str(p) for p in path)
        parts.append(f"{where} parameter {name!r}: {error.get('msg')}" if name else f"{where}: {error.get('msg')}")
    return "; ".join(parts) or "invalid request"


class SecurityHeaders:
    """Adds the security headers to every response (plain ASGI: streaming
    responses pass through untouched). A route may set its own CSP first."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)
