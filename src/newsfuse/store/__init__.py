"""Persistence. SQLite is the default store; PostgreSQL by URL (store/postgres.py).

``open_store(target)`` chooses by the target: a ``postgresql://`` (or
``postgres://``) URL is a PostgreSQL database, anything else a SQLite file.
``Store(path)`` stays the SQLite store.
"""

from __future__ import annotations

import os
from pathlib import Path

from .sqlite import Store

__all__ = ["Store", "open_store", "default_db"]


def is_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def open_store(target: str | Path, *, readonly: bool = False) -> Store:
    """The store at ``target``: PgStore for a PostgreSQL URL (psycopg is imported only then), else Store."""
    if is_url(target):
        from .postgres import PgStore

        return PgStore(str(target), readonly=readonly)
    return Store(target, readonly=readonly)


def default_db() -> str:
    """Where the CLI stores when --db is not given: ``NEWSFUSE_DB`` (a path or URL), else newsfuse.db."""
    return os.environ.get("NEWSFUSE_DB") or "newsfuse.db"
