"""What routes receive: a read-only store per request, the app's settings."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request

from .. import Store, open_store


def reader(request: Request) -> Iterator[Store]:
    """A read-only store for one request (closed after it): reads never write."""
    with open_store(request.app.state.db, readonly=True) as store:
        yield store
