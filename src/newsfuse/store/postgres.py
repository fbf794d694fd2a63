"""PostgreSQL store: the same methods and results as the SQLite Store, through psycopg 3.

PgStore inherits Store's methods: their SQL runs on PostgreSQL through
``PgConnection``, which rewrites SQLite's dialect (store/dialect.py) and
returns rows that read like sqlite3.Row. It overrides what SQLite does its own
way: opening and migrating (a ``schema_version`` table for ``PRAGMA
user_version``; an advisory lock so two processes opening a new database do not
both migrate it), transactions and snapshots, the writer lock, full-text search
(tsvector tables and ``websearch_to_tsquery`` for FTS5), and the few queries
that lean on SQLite's leniency (bare columns in GROUP BY, LIKE ignoring case).

Concurrency: a run that writes holds a session-level advisory lock for its
whole length (``one_writer``): a second writer *waits* for it, because runs keep
the story index in memory between transactions and two at once would each miss
the other's stories. The lock belongs to the connection, so a killed run's lock
goes with its connection. Readers use read-only connections and REPEATABLE READ
snapshots (MVCC): they never wait for a writer, nor a writer for them.

Words are split by the database's LC_CTYPE: create it with a UTF-8 locale
(C.UTF-8, en_US.UTF-8); under the plain C locale PostgreSQL's parser takes every
non-ASCII character for a letter ("Samarkand’s" would be one word).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from ..errors import NotFoundError, StoreError
from .dialect import to_postgres
from .pg_migrations import PG_MIGRATIONS
from .sqlite import Store, _story_page_sql, now

log = logging.getLogger("newsfuse")

_WRITER_LOCK = 0x6E657773_77726974  # "newswrit": the advisory lock key of the one writer (per database)
_MIGRATE_LOCK = 0x6E657773_6D696772  # "newsmigr": held while a connection migrates the schema

_CONFIG = "'newsfuse'"  # the text search configuration of pg_migrations' migration 8
_ARTICLE_DOC = (f"setweight(to_tsvector({_CONFIG}, COALESCE(title, '')), 'A')"
                f" || setweight(to_tsvector({_CONFIG}, text), 'D')")
_RANK_WEIGHTS = "'{0.2, 0, 0, 1.0}'"  # {D, C, B, A}: a title word (A) weighs 5 body words (D), as bm25(5, 1)
# ts_headline's options: \x02 hit \x03 markers as FTS5's snippet() gives them
_MARKS = "'StartSel=' || chr(2) || ', StopSel=' || chr(3)"


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


class Row(tuple):
    """A row read by index or by column name, and ``dict(row)``, like sqlite3.Row."""

    def __new__(cls, values, index: dict[str, int]):
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key):
        return super().__getitem__(self._index[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self._index)


def _rows(cursor):
    index = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


class PgConnection:
    """The part of sqlite3.Connection that Store uses, over a psycopg connection in autocommit
    mode (Store issues BEGIN and COMMIT itself, as it does with SQLite)."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def execute(self, sql: str, params: Iterable = ()) -> psycopg.Cursor:
        params = list(params)
        cursor = self.conn.cursor(row_factory=_rows)
        cursor.execute(to_postgres(sql, bool(params)), params or None)
        return cursor

    def executemany(self, sql: str, seq: Iterable) -> None:
        seq = [list(params) for params in seq]
        if seq:  # psycopg sends them in one pipeline
            self.conn.cursor().executemany(to_postgres(sql), seq)

    @property
    def in_transaction(self) -> bool:
        return self.conn.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.conn.close()


def _store_error(url: str, exc: psycopg.Error, doing: str) -> StoreError | None:
    """The StoreError for PostgreSQL's failures of the database itself; None for a bug (bad SQL, a constraint)."""
    where = shown(url)
    if isinstance(exc, pg_errors.DiskFull):
        return StoreError(f"cannot {doing} {where}: the server's disk is full", code="NF204",
                          hint="free space on the database server and run again; everything committed is kept")
    if isinstance(exc, (pg_errors.ReadOnlySqlTransaction, pg_errors.InsufficientPrivilege)):
        return StoreError(f"cannot {doing} {where}: {exc}", code="NF203",
                          hint="connect as a user who may write this database")
    # at connect time psycopg has no SQLSTATE: the server's message says which database is missing
    if isinstance(exc, pg_errors.InvalidCatalogName) or re.search(r'database ".*" does not exist', str(exc)):
        return StoreError(f"no database at {where}", code="NF202",
                          hint="create it first (createdb NAME), then ingest into it")
    if isinstance(exc, psycopg.OperationalError):
        return StoreError(f"cannot {doing} {where}: {str(exc).strip()}", code="NF200",
                          hint="check the URL, that the server runs and that you may connect")
    return None


class PgStore(Store):
    """One PostgreSQL database, by URL (``postgresql://user@host/dbname``).

    ``readonly=True`` connects with ``default_transaction_read_only``: it never
    creates or migrates the schema and refuses a schema other than this newsfuse's.
    The story vector index is not kept beside the database (there is no file):
    each run rebuilds it from the stored story states (story_index.py)."""

    backend = "postgres"
    # snapshot(): one committed state for several reads, no waiting (MVCC)
    SNAPSHOT_BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ"

    _FTS_ADD_ARTICLE = f"INSERT INTO articles_fts SELECT id, {_ARTICLE_DOC} FROM articles WHERE id = ?"
    _FTS_DROP_FACTS = None  # facts_fts rows go with their fact_texts rows (ON DELETE CASCADE)
    _FTS_ADD_FACT = (f"INSERT INTO facts_fts SELECT id, to_tsvector({_CONFIG}, text) FROM fact_texts"
                     " WHERE story_id = ? AND fact_id = ?")
    _SQL_FRAGMENTS = {
        "match": "s.id IN (SELECT a.story_id FROM articles_fts f JOIN articles a ON a.id = f.article_id"
                 f" WHERE f.doc @@ websearch_to_tsquery({_CONFIG}, ?))",
        "name_nocase": "lower(name) = lower(?)",
    }

    def __init__(self, url: str, *, readonly: bool = False):  # not Store.__init__: that one opens a file
        # path: the URL as messages show it (Store's methods name it in errors), without a password
        self.url, self.path, self.readonly = url, shown(url), readonly
        try:
            self.db = PgConnection(psycopg.connect(url, autocommit=True))
        except psycopg.Error as exc:
            raise _store_error(url, exc, "connect to") or StoreError(f"cannot connect to {shown(url)}: {exc}") \
                from exc
        try:
            if readonly:
                self.db.execute("SET default_transaction_read_only = on")
                self._check_schema()
            else:
                self._migrate()
        except BaseException:
            self.db.close()
            raise

    @property
    def schema_version(self) -> int:
        exists = self.db.execute("SELECT to_regclass('schema_version')").fetchone()[0]
        if exists is None:
            return 0
        row = self.db.execute("SELECT version FROM schema_version").fetchone()
        return row[0] if row else 0

    def _migrate(self) -> None:
        """Each migration in its own transaction, with its new version; the advisory lock makes a second
        process opening the same new database wait, then find the work done."""
        with self.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATE_LOCK,))
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
        while True:
            with self.transaction():
                self.db.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATE_LOCK,))
                version = self.schema_version
                if version > len(PG_MIGRATIONS):
                    raise StoreError(f"database {self.path} has schema version {version}, newer than this"
                                     f" newsfuse ({len(PG_MIGRATIONS)})", hint="upgrade newsfuse", code="NF201")
                if version == len(PG_MIGRATIONS):
                    return
                self.db.conn.execute(PG_MIGRATIONS[version])  # one script: psycopg sends it as is
                self.db.execute("DELETE FROM schema_version")
                self.db.execute("INSERT INTO schema_version VALUES (?)", (version + 1,))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self.readonly:
            raise StoreError(f"{self.path} is open for reading only", hint="open it with open_store(url)")
        with self._errors_named("write"):
            self.db.execute("BEGIN")
            try:
                yield
                self.db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    @contextmanager
    def _errors_named(self, doing: str) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as exc:
            mapped = _store_error(self.url, exc, doing)
            if mapped is None:
                raise
            raise mapped from exc

    def _rollback(self) -> None:
        if self.db.in_transaction and not self.db.conn.closed:
            try:
                self.db.execute("ROLLBACK")
            except psycopg.Error:
                pass

    @contextmanager
    def one_writer(self) -> Iterator[None]:
        """Hold the database's writer lock for a run: a session-level advisory lock. A second writer
        waits until the first finishes (or its connection drops: a killed run frees it)."""
        with self._errors_named("lock"):
            if not self.db.execute("SELECT pg_try_advisory_lock(?)", (_WRITER_LOCK,)).fetchone()[0]:
                log.info("another newsfuse run is writing to %s: waiting for it to finish", self.path)
                self.db.execute("SELECT pg_advisory_lock(?)", (_WRITER_LOCK,))
        try:
            yield
        finally:
            if not self.db.conn.closed:
                self._rollback()  # an error may have left a transaction open; the unlock needs none
                self.db.execute("SELECT pg_advisory_unlock(?)", (_WRITER_LOCK,))

    # -- what SQLite writes its own way ----------------------------------------

    def start_run(self) -> int:
        with self.transaction():
            self.db.execute("UPDATE ingest_runs SET finished_at = ?, report = ? WHERE finished_at IS NULL",
                            (now(), json.dumps({"interrupted": True})))
            row = self.db.execute("INSERT INTO ingest_runs (started_at) VALUES (?) RETURNING id", (now(),))
            return row.fetchone()[0]

    def find_story_id(self, prefix: str) -> str:
        # SQLite's LIKE ignores ASCII case and has no escape character: ILIKE with none, the same
        rows = self.db.execute("SELECT id FROM stories WHERE id ILIKE ? ESCAPE '' ORDER BY id LIMIT 2",
                               (prefix.replace("%", "") + "%",)).fetchall()
        if len(rows) != 1:
            reason = "matches several stories" if rows else "matches no story"
            raise NotFoundError(f"story id {prefix!r} {reason} in {self.path}",
                                hint="list stories with `newsfuse stories`")
        return rows[0][0]

    # -- reads where SQLite takes a bare column of a group: the same row's values, chosen as SQLite may --

    def story_entities(self, story_id: str, limit: int) -> list[dict]:
        rows = self.db.execute(
            "SELECT e.entity_key AS key, MIN(e.name) AS name, MIN(e.type) AS type, COUNT(*) AS n_articles,"
            " SUM(e.mentions) AS mentions FROM articles a JOIN article_entities e ON e.article_id = a.id"
            " WHERE a.story_id = ? GROUP BY e.entity_key ORDER BY n_articles DESC, mentions DESC, e.entity_key"
            " LIMIT ?", (story_id, limit))
        return [dict(r) for r in rows]

    def story_place(self, story_id: str) -> dict | None:
        row = self.db.execute(
            "SELECT p.place_key AS key, (SELECT e.name FROM article_entities e WHERE e.entity_key = p.place_key"
            " AND e.article_id = MIN(p.article_id)) AS name FROM articles a JOIN article_places p"
            " ON p.article_id = a.id WHERE a.story_id = ? GROUP BY p.place_key ORDER BY COUNT(*) DESC, p.place_key"
            " LIMIT 1", (story_id,)).fetchone()
        return dict(row) if row else None

    def find_entities(self, pattern: str | None, limit: int) -> list[dict]:
        rows = self.db.execute(
            "SELECT e.entity_key AS key, MIN(e.name) AS name, MIN(e.type) AS type, COUNT(*) AS n_articles,"
            " COUNT(DISTINCT a.story_id) AS n_stories, SUM(e.mentions) AS mentions"
            " FROM article_entities e JOIN articles a ON a.id = e.article_id"
            " WHERE CAST(? AS text) IS NULL OR e.name ILIKE ? ESCAPE '' OR e.entity_key IN (SELECT entity_key"
            " FROM entity_aliases WHERE alias ILIKE ? ESCAPE '') GROUP BY e.entity_key"
            " ORDER BY mentions DESC, n_articles DESC, e.entity_key LIMIT ?", (pattern, pattern, pattern, limit))
        return [dict(r) for r in rows]

    def explain_story_page(self, sort: str, after: tuple | None = None, **filters) -> list[str]:
        """PostgreSQL's plan (EXPLAIN) of ``story_page``."""
        sql, params = _story_page_sql(self._SQL_FRAGMENTS, sort, after, 20, **filters)
        return [r[0] for r in self.db.execute("EXPLAIN " + sql, params)]

    # -- full-text search: tsvector tables, websearch_to_tsquery, ts_rank and ts_headline ------------

    def search_articles(self, match: str, limit: int) -> list[dict]:
        """As Store.search_articles: rank is lower-is-better (minus ts_rank, title words weighing 5),
        snippet and title_parts carry \x02 hit \x03 markers (ts_headline)."""
        rows = self.db.execute(
            "SELECT a.id, a.story_id, a.title, a.published, s.title AS story_title,"
            f" -ts_rank({_RANK_WEIGHTS}, f.doc, q) AS rank,"
            f" ts_headline({_CONFIG}, a.text, q, {_MARKS} || ', MaxWords=16, MinWords=6, MaxFragments=1') AS snippet,"
            f" ts_headline({_CONFIG}, a.title, q, {_MARKS} || ', HighlightAll=true') AS title_parts"
            f" FROM articles_fts f CROSS JOIN websearch_to_tsquery({_CONFIG}, ?) q"
            " JOIN articles a ON a.id = f.article_id LEFT JOIN stories s ON s.id = a.story_id"
            " WHERE f.doc @@ q ORDER BY rank, a.seq LIMIT ?", (match, limit))
        return [dict(r) for r in rows]

    def search_facts(self, match: str, limit: int) -> list[dict]:
        rows = self.db.execute(
            "SELECT t.story_id, t.fact_id, s.title AS story_title, s.last_seen, -ts_rank(f.doc, q) AS rank,"
            f" ts_headline({_CONFIG}, t.text, q, {_MARKS} || ', MaxWords=24, MinWords=8, MaxFragments=1')"
            f" AS snippet FROM facts_fts f CROSS JOIN websearch_to_tsquery({_CONFIG}, ?) q"
            " JOIN fact_texts t ON t.id = f.id JOIN stories s ON s.id = t.story_id"
            " WHERE f.doc @@ q AND s.merged_into IS NULL ORDER BY rank, t.id LIMIT ?", (match, limit))
        return [dict(r) for r in rows]
