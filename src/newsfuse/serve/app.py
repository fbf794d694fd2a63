"""The application: routers, static files, the one error handler, headers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def create_app(db: str | Path, *, token: str | None = None) -> FastAPI:
    """The newsfuse web application over the database ``db``; ``token``
    (default: none) enables ``POST /api/articles`` for requests that carry it."""
    from . import api, pages

    app = FastAPI(title="newsfuse", summary="Stories built from many news reports, with sources for every fact.")
    app.state.db, app.state.token = str(db), token
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")  # the pages' one stylesheet
    return app
