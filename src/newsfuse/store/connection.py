"""Opening SQLite connections, and SQLite's errors as newsfuse's.

A writer opens (and creates) the file in WAL mode. A reader opens an existing
file with ``mode=ro``: it cannot create, migrate or write it, and under WAL it
reads the last committed state without waiting for a writer.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import StoreError

BUSY_SECONDS = 30  # how long a writer waits for another writer, or a reader for a lock (rare under WAL)

DISK_HINT = "free space and run again; the database holds everything committed before"

# sqlite3 error name prefixes (exc.sqlite_errorname) -> (code, what went wrong, hint). Anything else is
# a constraint or SQL error: a bug, which keeps its own type in a transaction.
_KNOWN = (
    ("SQLITE_FULL", "NF204", "disk full", DISK_HINT),
    # EFBIG (a file-size limit) and a failing disk both show as an I/O error; so can a full disk
    ("SQLITE_IOERR", "NF204", "disk I/O error: the disk is full, the file at a size limit, or the disk failing",
     DISK_HINT),
    ("SQLITE_READONLY", "NF203", "the file or its folder is read-only",
     "check its permissions; `newsfuse stories` and `newsfuse story` read read-only files"),
    ("SQLITE_PERM", "NF203", "permission denied", "check the file's and its folder's permissions"),
    ("SQLITE_CANTOPEN", "NF200", "cannot open the file",
     "check that its folder exists and that you may read it (and write it, to ingest)"),
    ("SQLITE_CORRUPT", "NF206", "the file is damaged", "move it away and ingest again"),
    ("SQLITE_NOTADB", "NF206", "not an SQLite database", "check --db, or move the file away and ingest again"),
    ("SQLITE_BUSY", "NF207", "another process holds the lock",
     "another newsfuse is writing it (one writer at a time): run again when it has finished"),
    ("SQLITE_LOCKED", "NF207", "locked", "run again when the other command has finished"),
)


def store_error(path: str, exc: sqlite3.Error, doing: str, *, known_only: bool = False) -> StoreError | None:
    """The StoreError for an SQLite error while ``doing`` (e.g. "write") on ``path``.

    Hints are only those the error supports ("damaged" only for a corrupt
    file). Unknown errors: a generic StoreError, or None with ``known_only``.
    """
    name = getattr(exc, "sqlite_errorname", "") or ""  # Python 3.11+: the (extended) SQLite result code
    for prefix, code, reason, hint in _KNOWN:
        if name.startswith(prefix):
            return StoreError(f"cannot {doing} {path}: {reason} [{name}]", hint=hint, code=code)
    if known_only:
        return None
    return StoreError(f"cannot {doing} {path}: {exc}", hint="check the path")


def open_writer(path: str) -> sqlite3.Connection:
    """A read-write connection in WAL mode; creates the file if missing."""
    db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        db.close()
        raise
    return db


def open_reader(path: str) -> sqlite3.Connection:
    """A read-only connection to an existing database file (never created)."""
    file = Path(path)
    if not file.is_file():  # a plain connect would create an empty database at a mistyped path
        raise StoreError(f"no database file at {path}",
                         hint="check --db (reading never creates one), or ingest articles to create it", code="NF202")
    uri = file.resolve().as_uri()
    try:
        return _opened(f"{uri}?mode=ro")
    except sqlite3.OperationalError as exc:
        if not _needs_immutable(file, exc):
            raise
    # immutable=1: SQLite skips locks and the -wal file and trusts the file not to change. That is
    # true here: nobody who cannot create files in this folder can write the database (a WAL writer
    # needs its -wal and -shm beside it), and the -wal holds nothing, so the file is all there is.
    return _opened(f"{uri}?mode=ro&immutable=1")


def _opened(uri: str) -> sqlite3.Connection:
    # check_same_thread=False: the server opens a reader in one worker thread and may use and close it in
    # another (one request at a time, never concurrently); SQLite itself is built thread-safe (serialized).
    db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_SECONDS, check_same_thread=False)
    try:
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # connect is lazy: open the file now
    except BaseException:
        db.close()
        raise
    return db


def _needs_immutable(file: Path, exc: sqlite3.OperationalError) -> bool:
    """mode=ro failed only because the WAL index (-shm) cannot be made in a read-only folder.

    Then the file can be read as immutable, unless its -wal holds committed
    changes: immutable reads would not see them, so that is an error.
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    if not name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or os.access(file.parent, os.W_OK):
        return False
    wal = file.with_name(file.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(f"cannot read {file}: its folder is read-only and {wal.name} holds changes not yet "
                         "in the database file",
                         hint="open it once where it can be written (an ingest or `newsfuse build`), or copy "
                              "the database and its -wal file to a writable folder", code="NF203") from exc
    return True
