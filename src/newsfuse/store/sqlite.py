"""SQLite store: WAL, versioned schema, one writer, batches in transactions.

An interrupted run loses only the batch it was writing; everything committed
stays, and running the same ingest again skips what is already stored.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NotFoundError, StoreError
from .connection import open_reader, open_writer, store_error
from .migrations import MIGRATIONS

if TYPE_CHECKING:  # an annotation only: `newsfuse stories` need not build the record classes
    from ..records import Article


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Store:
    """One SQLite database. Use as a context manager or call close().

    The methods' SQL is written so that PostgreSQL runs it too (through
    postgres.PgStore's connection, which translates placeholders and
    INSERT OR IGNORE/REPLACE); what differs is in the class attributes below
    (full-text search) or in PgStore's overrides.

    ``readonly=True`` opens an existing database for reading only: it never
    creates, migrates or writes the file (so it works on read-only files and
    alongside a running ingest) and refuses a schema other than this
    newsfuse's. Read several queries inside ``snapshot()`` to see one state.
    """

    backend = "sqlite"
    # snapshot(): a deferred BEGIN (under WAL the first read fixes the snapshot)
    SNAPSHOT_BEGIN = "BEGIN"

    # full-text search: FTS5 external-content tables (PgStore: tsvector tables)
    _FTS_ADD_ARTICLE = ("INSERT INTO articles_fts (rowid, title, text) SELECT rowid, title, text FROM articles"
                        " WHERE id = ?")
    # an external-content FTS5 row is deleted by giving back the values it indexed
    _FTS_DROP_FACTS = ("INSERT INTO facts_fts (facts_fts, rowid, text, story_id, fact_id) SELECT 'delete', id,"
                       " text, story_id, fact_id FROM fact_texts WHERE {where}")
    _FTS_ADD_FACT = ("INSERT INTO facts_fts (rowid, text, story_id, fact_id) SELECT id, text, story_id, fact_id"
                     " FROM fact_texts WHERE story_id = ? AND fact_id = ?")
    # story_page's filters: stories with an article matching, and a place name in any case
    _SQL_FRAGMENTS = {
        "match": "s.id IN (SELECT a.story_id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
                 " WHERE articles_fts MATCH ?)",
        "name_nocase": "name = ? COLLATE NOCASE",
    }

    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path, self.readonly = str(path), readonly
        try:
            self.db = open_reader(self.path) if readonly else open_writer(self.path)
        except sqlite3.Error as exc:
            raise store_error(self.path, exc, "open database") from exc
        try:
            self.db.row_factory = sqlite3.Row
            if readonly:
                self._check_schema()
            else:
                self._migrate()
        except sqlite3.Error as exc:
            self.db.close()
            raise store_error(self.path, exc, "open database") from exc
        except BaseException:  # the caller's `with` never gets this store to close
            self.db.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise StoreError(f"database {self.path} has schema version {version}, newer than this newsfuse "
                             f"({len(MIGRATIONS)})", hint="upgrade newsfuse", code="NF201")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in script.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

    def _check_schema(self) -> None:
        """A reader cannot migrate: it takes this newsfuse's schema or says what to run."""
        version, latest = self.schema_version, len(MIGRATIONS)
        if version == latest:
            return
        if version > latest:
            raise StoreError(f"database {self.path} has schema version {version}, newer than this newsfuse "
                             f"({latest})", hint="upgrade newsfuse", code="NF201")
        if version == 0:
            raise StoreError(f"{self.path} is not a newsfuse database (it holds no newsfuse tables)",
                             hint="check --db, or ingest articles into it first", code="NF205")
        raise StoreError(f"database {self.path} has schema version {version}, older than this newsfuse "
                         f"({latest}); reading does not upgrade it",
                         hint=f"run `newsfuse build --db {self.path}` or an ingest once to upgrade it", code="NF205")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT; ROLLBACK on any error.

        The one place writes are committed, so the one place SQLite's write
        failures (disk full, read-only file, locked) become StoreErrors; the
        rollback leaves the database as the last committed transaction left it.
        """
        if self.readonly:
            raise StoreError(f"{self.path} is open for reading only", hint="open it with Store(path) to write")
        with self._errors_named("write"):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.db.execute("COMMIT")  # inside the try: a COMMIT that fails (disk full) is rolled back too
            except BaseException:
                self._rollback()
                raise

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Several reads that see one committed state of the database.

        A deferred BEGIN: under WAL the first read fixes the snapshot, and a
        writer committing meanwhile is not seen (nor waited for). Inside a
        transaction already (a writer reading back), that one is the snapshot.
        """
        if self.db.in_transaction:
            yield
            return
        with self._errors_named("read"):
            self.db.execute(self.SNAPSHOT_BEGIN)
            try:
                yield
            except BaseException:
                self._rollback()
                raise
            self.db.execute("COMMIT")

    @contextmanager
    def _errors_named(self, doing: str) -> Iterator[None]:
        """SQLite's failures (disk, permissions, locks, damage) as StoreErrors naming this file;
        any other sqlite3 error (a constraint, bad SQL) is a bug and keeps its own type."""
        try:
            yield
        except sqlite3.Error as exc:
            mapped = store_error(self.path, exc, doing, known_only=True)
            if mapped is None:
                raise
            raise mapped from exc

    def _rollback(self) -> None:
        # SQLite may have rolled back already (it does on some disk-full and
        # I/O errors); a ROLLBACK that fails itself leaves the database as
        # committed too (WAL frames without a commit are ignored), so the
        # error worth raising is the first one.
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested part of a transaction, undone alone on any error."""
        self.db.execute("SAVEPOINT item")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK TO item")
            self.db.execute("RELEASE item")
            raise
        self.db.execute("RELEASE item")

    @contextmanager
    def one_writer(self) -> Iterator[None]:
        """Hold the database's writer lock for a run (ingest, analyze, build).

        Runs keep state in memory between transactions (the story index), so
        two at once would each miss the other's stories: the second is
        refused. The lock is an flock on ``<database>.lock`` (a separate file:
        a descriptor of the database file itself, once closed, would drop
        SQLite's own locks); the system releases it when its process dies,
        so a killed run never leaves it held."""
        import fcntl

        if self.path == ":memory:":
            yield
            return
        with self._lock_file() as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                raise StoreError(f"another newsfuse run is writing to {self.path}", code="NF209",
                                 hint="wait for it to finish, then run this again (reads work meanwhile)") from exc
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _lock_file(self):
        try:
            return open(self.path + ".lock", "a+")
        except OSError as exc:
            raise StoreError(f"cannot write {self.path}: cannot create its lock file ({exc.strerror})",
                             code="NF203", hint="check the folder's permissions, or read with `newsfuse stories`"
                                                " / `story`, which need none") from exc

    # -- articles ---------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_url(self, article_id: str, url: str | None) -> None:
        if url:
            self.db.execute("INSERT OR IGNORE INTO article_urls VALUES (?, ?, ?)", (article_id, url, now()))

    def insert_article(self, article: Article, *, external_id: str | None, near_dup_of: str | None) -> None:
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0]
        self.db.execute(
            "INSERT INTO articles (id, seq, external_id, origin, url, source, title, published, published_from,"
            " language, text, sentences, removed, near_dup_of, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, seq, external_id, article.origin, article.url, article.source, article.title,
             article.published, article.published_from, article.language, article.text,
             json.dumps(article.sentences), json.dumps(article.removed), near_dup_of, now()),
        )
        # articles_fts is an external-content index: it holds the words, the text stays in articles
        self.db.execute(self._FTS_ADD_ARTICLE, (article.id,))
        self.add_url(article.id, article.url)

    def set_article_story(self, article_id: str, story_id: str) -> None:
        self.db.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))

    def article(self, article_id: str) -> dict:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article {article_id!r} in {self.path}")
        return _article_dict(row, self._urls(article_id))

    def _urls(self, article_id: str) -> list[str]:
        rows = self.db.execute("SELECT url FROM article_urls WHERE article_id = ? ORDER BY seen_at, url",
                               (article_id,))
        return [r[0] for r in rows]

    def story_of_article(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def article_story_map(self) -> dict[str, str]:
        """external id (or article id) -> current story id, for evaluation."""
        rows = self.db.execute("SELECT id, external_id, story_id FROM articles")
        return {r["external_id"] or r["id"]: r["story_id"] for r in rows}

    def count_articles(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    # -- near-duplicates --------------------------------------------------

    def put_minhash(self, article_id: str, signature: bytes, buckets: Iterable[int]) -> None:
        self.db.execute("INSERT OR REPLACE INTO minhash VALUES (?, ?)", (article_id, signature))
        self.db.executemany("INSERT INTO minhash_bands VALUES (?, ?, ?)",
                            [(band, bucket, article_id) for band, bucket in enumerate(buckets)])

    def minhash_candidates(self, buckets: Iterable[int]) -> dict[str, bytes]:
        """Articles sharing at least one LSH bucket, with their signatures."""
        ids: set[str] = set()
        for band, bucket in enumerate(buckets):
            rows = self.db.execute("SELECT article_id FROM minhash_bands WHERE band = ? AND bucket = ?",
                                   (band, bucket))
            ids.update(r[0] for r in rows)
        return {i: self.db.execute("SELECT signature FROM minhash WHERE article_id = ?", (i,)).fetchone()[0]
                for i in sorted(ids)}

    # -- vectors ----------------------------------------------------------

    def put_vector(self, article_id: str, model: str, vector: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO article_vectors VALUES (?, ?, ?)", (article_id, model, vector))

    # -- stories ----------------------------------------------------------

    def save_story(self, story_id: str, *, title: str | None, first_seen: str | None, last_seen: str | None,
                   n_articles: int, state: bytes | None) -> None:
        stamp = now()
        self.db.execute(
            "INSERT INTO stories (id, title, first_seen, last_seen, n_articles, state, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
            " first_seen = excluded.first_seen, last_seen = excluded.last_seen,"
            " n_articles = excluded.n_articles, state = excluded.state, updated_at = excluded.updated_at",
            (story_id, title, first_seen, last_seen, n_articles, state, stamp, stamp),
        )

    def record_merge(self, from_id: str, into_id: str, reason: str) -> None:
        self.db.execute("UPDATE stories SET merged_into = ?, state = NULL, updated_at = ? WHERE id = ?",
                        (into_id, now(), from_id))
        self.db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (into_id, from_id))
        self.db.execute("INSERT INTO story_merges VALUES (?, ?, ?, ?)", (from_id, into_id, now(), reason))

    def live_story_states(self) -> Iterator[tuple[str, bytes]]:
        rows = self.db.execute("SELECT id, state FROM stories WHERE merged_into IS NULL AND state IS NOT NULL"
                               " ORDER BY rowid")  # creation order
        for row in rows:
            yield row["id"], row["state"]

    def resolve_story(self, story_id: str) -> str:
        """Follow merges: the id a story lives on under now."""
        seen = set()
        while True:
            row = self.db.execute("SELECT merged_into FROM stories WHERE id = ?", (story_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no story {story_id!r} in {self.path}",
                                    hint="list stories with `newsfuse stories`")
            if row[0] is None or story_id in seen:
                return story_id
            seen.add(story_id)
            story_id = row[0]

    def find_story_id(self, prefix: str) -> str:
        """A story id from a unique prefix (as users copy short ids)."""
        rows = self.db.execute("SELECT id FROM stories WHERE id LIKE ? ORDER BY id LIMIT 2",
                               (prefix.replace("%", "") + "%",)).fetchall()
        if len(rows) != 1:
            reason = "matches several stories" if rows else "matches no story"
            raise NotFoundError(f"story id {prefix!r} {reason} in {self.path}",
                                hint="list stories with `newsfuse stories`")
        return rows[0][0]

    def stories(self, story_id: str | None = None) -> list[dict]:
        """Live stories with their counts (just ``story_id`` when given).

        n_sources counts distinct outlets (an article without one counts
        alone); n_independent counts a syndicated copy as its original's outlet.
        """
        rows = self.db.execute(
            "SELECT s.id, s.title, s.first_seen, s.last_seen, COUNT(a.id) AS n_articles,"
            " COUNT(DISTINCT COALESCE(a.source, a.id)) AS n_sources,"
            " COUNT(DISTINCT COALESCE(o.source, o.id, a.source, a.id)) AS n_independent"
            " FROM stories s JOIN articles a ON a.story_id = s.id LEFT JOIN articles o ON o.id = a.near_dup_of"
            " WHERE s.merged_into IS NULL AND (CAST(? AS TEXT) IS NULL OR s.id = ?)"
            " GROUP BY s.id ORDER BY n_articles DESC, s.last_seen DESC, s.id", (story_id, story_id))
        return [dict(r) for r in rows]

    def story_row(self, story_id: str) -> dict:
        row = self.db.execute("SELECT id, title, first_seen, last_seen, merged_into, created_at FROM stories"
                              " WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no story {story_id!r} in {self.path}")
        return dict(row)

    def story_articles(self, story_id: str) -> list[dict]:
        rows = self.db.execute("SELECT * FROM articles WHERE story_id = ? ORDER BY published IS NULL,"
                               " published, seq", (story_id,)).fetchall()
        return [_article_dict(r, self._urls(r["id"])) for r in rows]

    def merges_into(self, story_id: str) -> list[dict]:
        rows = self.db.execute("SELECT * FROM story_merges WHERE into_id = ? ORDER BY merged_at", (story_id,))
        return [dict(r) for r in rows]

    def story_state(self, story_id: str) -> bytes | None:
        row = self.db.execute("SELECT state FROM stories WHERE id = ? AND merged_into IS NULL",
                              (story_id,)).fetchone()
        return row[0] if row else None

    def count_live_stories(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM stories WHERE merged_into IS NULL").fetchone()[0]

    # -- analyses -------------------------------------------------------------

    def put_analysis(self, article_id: str, version: int, data: dict) -> None:
        """Replace the article's analysis and its entity index rows."""
        self.db.execute("INSERT OR REPLACE INTO analyses VALUES (?, ?, ?, ?)",
                        (article_id, version, json.dumps(data, ensure_ascii=False), now()))
        self.db.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
        self.db.executemany("INSERT INTO article_entities VALUES (?, ?, ?, ?, ?)",
                            [(article_id, e["key"], e["name"], e["type"], e["mentions"])
                             for e in data.get("entities", [])])
        self.db.execute("DELETE FROM entity_aliases WHERE article_id = ?", (article_id,))
        self.db.executemany("INSERT OR IGNORE INTO entity_aliases VALUES (?, ?, ?)",
                            [(article_id, e["key"], alias) for e in data.get("entities", [])
                             for alias in e.get("aliases", [])])
        self.db.execute("DELETE FROM article_places WHERE article_id = ?", (article_id,))
        if data.get("location"):
            self.db.execute("INSERT INTO article_places VALUES (?, ?)", (article_id, data["location"]))

    def analyses(self, article_ids: Iterable[str]) -> dict[str, dict]:
        """Stored analyses (decoded JSON) of these articles, by article id."""
        ids = list(article_ids)
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT article_id, data FROM analyses WHERE article_id IN ({marks})", ids)
        return {r[0]: json.loads(r[1]) for r in rows}

    def articles_to_analyze(self, version: int, redo: bool = False) -> list[str]:
        """Ids of articles without an analysis (or, with ``redo``, an older one)."""
        rows = self.db.execute("SELECT a.id FROM articles a LEFT JOIN analyses n ON n.article_id = a.id"
                               " WHERE n.article_id IS NULL OR (? = 1 AND n.version < ?) ORDER BY a.seq",
                               (int(redo), version))
        return [r[0] for r in rows]

    # -- claims -------------------------------------------------------------

    def put_article_claims(self, article_id: str, version: int, claims: list[dict], vectors: bytes,
                           shingles: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO article_claims VALUES (?, ?, ?, ?, ?)",
                        (article_id, version, json.dumps(claims, ensure_ascii=False), vectors, shingles))

    def article_claims(self, article_ids: Iterable[str]) -> dict[str, dict]:
        """Stored claims rows (claims decoded; vectors and shingles as bytes), by article id."""
        ids = list(article_ids)
        rows = self.db.execute(f"SELECT * FROM article_claims WHERE article_id IN ({','.join('?' * len(ids))})", ids)
        return {r["article_id"]: {**dict(r), "claims": json.loads(r["claims"])} for r in rows}

    def articles_without_claims(self, version: int) -> list[str]:
        """Analysed articles whose claims are missing or from another version, in stored order."""
        rows = self.db.execute("SELECT a.id FROM articles a JOIN analyses n ON n.article_id = a.id"
                               " LEFT JOIN article_claims c ON c.article_id = a.id"
                               " WHERE c.article_id IS NULL OR c.version != ? ORDER BY a.seq", (version,))
        return [r[0] for r in rows]

    def story_article_keys(self, story_id: str) -> list[dict]:
        """What a story's record is built from, one row per article in stored order: id, outlet,
        date, ingest's copy link, analysis and claims versions."""
        rows = self.db.execute(
            "SELECT a.id, COALESCE(a.source, a.id) AS outlet, a.published, a.near_dup_of,"
            " n.version AS analysis, c.version AS claims FROM articles a"
            " LEFT JOIN analyses n ON n.article_id = a.id LEFT JOIN article_claims c ON c.article_id = a.id"
            " WHERE a.story_id = ? ORDER BY a.seq", (story_id,))
        return [dict(r) for r in rows]

    # -- story records --------------------------------------------------------

    def put_story_record_json(self, story_id: str, version: int, source_key: str, data: str) -> None:
        """The record already encoded as JSON text."""
        self.db.execute("INSERT OR REPLACE INTO story_records VALUES (?, ?, ?, ?, ?)",
                        (story_id, version, source_key, data, now()))

    def put_story_facts(self, story_id: str, facts: dict[int, str], gone: Iterable[int] = (),
                        replace_all: bool = False) -> None:
        """Write a record's changed facts (JSON text by fact id) and drop the
        facts merged away; ``replace_all``: these are all of its facts."""
        if replace_all:
            self.db.execute("DELETE FROM story_facts WHERE story_id = ?", (story_id,))
            self._unindex_facts("story_id = ?", [(story_id,)])
        dropped = [(story_id, fact_id) for fact_id in (*gone, *facts)]
        self.db.executemany("DELETE FROM story_facts WHERE story_id = ? AND fact_id = ?", dropped[:len(gone)])
        self._unindex_facts("story_id = ? AND fact_id = ?", dropped)
        self.db.executemany("INSERT OR REPLACE INTO story_facts VALUES (?, ?, ?)",
                            [(story_id, fact_id, data) for fact_id, data in facts.items()])
        self._index_facts(story_id, facts)

    def _unindex_facts(self, where: str, params: list[tuple]) -> None:
        if self._FTS_DROP_FACTS:
            self.db.executemany(self._FTS_DROP_FACTS.format(where=where), params)
        self.db.executemany(f"DELETE FROM fact_texts WHERE {where}", params)

    def _index_facts(self, story_id: str, facts: dict[int, str]) -> None:
        """Index the words of each fact's claims (its members' spans, each distinct text once)."""
        members = {fact_id: json.loads(data)["members"] for fact_id, data in facts.items()}
        texts = self._texts({m[0] for ms in members.values() for m in ms})
        rows = [(story_id, fact_id, "\n".join(dict.fromkeys(texts.get(aid, "")[start:end]
                                                            for aid, _, start, end, _ in ms)))
                for fact_id, ms in members.items()]
        self.db.executemany("INSERT INTO fact_texts (story_id, fact_id, text) VALUES (?, ?, ?)", rows)
        self.db.executemany(self._FTS_ADD_FACT, [row[:2] for row in rows])

    def _texts(self, article_ids: Iterable[str]) -> dict[str, str]:
        ids = list(article_ids)
        rows = self.db.execute(f"SELECT id, text FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids)
        return dict(rows.fetchall())

    def story_facts(self, story_id: str) -> dict[int, dict]:
        """A record's facts (decoded JSON) by fact id, in id order."""
        rows = self.db.execute("SELECT fact_id, data FROM story_facts WHERE story_id = ? ORDER BY fact_id",
                               (story_id,))
        return {r[0]: json.loads(r[1]) for r in rows}

    def story_record_key(self, story_id: str) -> tuple[int, str] | None:
        """(version, source_key) of the stored record, without reading the record itself."""
        row = self.db.execute("SELECT version, source_key FROM story_records WHERE story_id = ?", (story_id,))
        found = row.fetchone()
        return (found[0], found[1]) if found else None

    def story_record(self, story_id: str) -> dict | None:
        """The stored record with its ``version``, ``source_key`` and ``built_at``; None if never built."""
        row = self.db.execute("SELECT version, source_key, data, built_at FROM story_records WHERE story_id = ?",
                              (story_id,)).fetchone()
        if row is None:
            return None
        return {"version": row[0], "source_key": row[1], "data": json.loads(row[2]), "built_at": row[3]}

    def mark_pending(self, story_ids: Iterable[str | None]) -> None:
        """Note stories whose record must be (re)built (inside the transaction that made them stale)."""
        self.db.executemany("INSERT OR IGNORE INTO pending_records VALUES (?)", [(s,) for s in story_ids if s])

    def pending_stories(self) -> list[str]:
        """Stories noted by ``mark_pending`` and not yet cleared (as noted: follow merges to read them)."""
        return [r[0] for r in self.db.execute("SELECT story_id FROM pending_records ORDER BY story_id")]

    def clear_pending(self, story_ids: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM pending_records WHERE story_id = ?", [(s,) for s in story_ids])

    def count_pending(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM pending_records").fetchone()[0]

    # -- reads for query.py ------------------------------------------------------

    def story_page(self, sort: str, after: tuple | None, limit: int, **filters) -> list[dict]:
        """One page of live stories, ``sort`` key descending then id descending,
        strictly after ``after`` ((key, id) of the previous page's last story).
        Filters: match (FTS5 query), entity, place, date_from, date_to. Each
        row: id, title, first_seen, last_seen and ``sort_key``."""
        sql, params = _story_page_sql(self._SQL_FRAGMENTS, sort, after, limit, **filters)
        return [dict(r) for r in self.db.execute(sql, params)]

    def explain_story_page(self, sort: str, after: tuple | None = None, **filters) -> list[str]:
        """SQLite's query plan of ``story_page`` (benchmarks and tests check that it uses indexes)."""
        sql, params = _story_page_sql(self._SQL_FRAGMENTS, sort, after, 20, **filters)
        return [r[3] for r in self.db.execute("EXPLAIN QUERY PLAN " + sql, params)]

    def story_counts(self, story_ids: list[str]) -> dict[str, dict]:
        """n_articles, n_sources and n_independent of these stories (as ``stories`` counts them), by id."""
        rows = self.db.execute(
            "SELECT a.story_id, COUNT(a.id) AS n_articles, COUNT(DISTINCT COALESCE(a.source, a.id)) AS n_sources,"
            " COUNT(DISTINCT COALESCE(o.source, o.id, a.source, a.id)) AS n_independent"
            " FROM articles a LEFT JOIN articles o ON o.id = a.near_dup_of"
            f" WHERE a.story_id IN ({_marks(story_ids)}) GROUP BY a.story_id", story_ids)
        return {r[0]: dict(r) for r in rows}

    def story_entities(self, story_id: str, limit: int) -> list[dict]:
        """The entities most of a story's articles name: key, name, type, n_articles, mentions."""
        rows = self.db.execute(
            "SELECT e.entity_key AS key, e.name, e.type, COUNT(*) AS n_articles, SUM(e.mentions) AS mentions"
            " FROM articles a JOIN article_entities e ON e.article_id = a.id WHERE a.story_id = ?"
            " GROUP BY e.entity_key ORDER BY n_articles DESC, mentions DESC, e.entity_key LIMIT ?",
            (story_id, limit))
        return [dict(r) for r in rows]

    def story_place(self, story_id: str) -> dict | None:
        """The place most of a story's articles are located at ({key, name}), None if none is."""
        row = self.db.execute(
            "SELECT p.place_key AS key, (SELECT name FROM article_entities e WHERE e.entity_key = p.place_key"
            " AND e.article_id = p.article_id) AS name FROM articles a JOIN article_places p ON p.article_id = a.id"
            " WHERE a.story_id = ? GROUP BY p.place_key ORDER BY COUNT(*) DESC, p.place_key LIMIT 1",
            (story_id,)).fetchone()
        return dict(row) if row else None

    def story_records_data(self, story_ids: list[str]) -> dict[str, dict]:
        """Stored records (version, source_key, decoded data) of these stories, by id."""
        rows = self.db.execute(f"SELECT story_id, version, source_key, data FROM story_records"
                               f" WHERE story_id IN ({_marks(story_ids)})", story_ids)
        return {r[0]: {"version": r[1], "source_key": r[2], "data": json.loads(r[3])} for r in rows}

    def story_titles(self, story_ids: Iterable[str]) -> dict[str, dict]:
        """id, title, first_seen, last_seen of these stories, by id."""
        ids = list(set(story_ids))
        rows = self.db.execute(f"SELECT id, title, first_seen, last_seen FROM stories WHERE id IN ({_marks(ids)})",
                               ids)
        return {r[0]: dict(r) for r in rows}

    def find_entities(self, pattern: str | None, limit: int) -> list[dict]:
        """Entities whose name or an alias is LIKE ``pattern`` (all when None), most mentioned first."""
        rows = self.db.execute(
            "SELECT e.entity_key AS key, e.name, e.type, COUNT(*) AS n_articles,"
            " COUNT(DISTINCT a.story_id) AS n_stories, SUM(e.mentions) AS mentions"
            " FROM article_entities e JOIN articles a ON a.id = e.article_id"
            " WHERE ? IS NULL OR e.name LIKE ? OR e.entity_key IN (SELECT entity_key FROM entity_aliases"
            " WHERE alias LIKE ?) GROUP BY e.entity_key ORDER BY mentions DESC, n_articles DESC, e.entity_key"
            " LIMIT ?", (pattern, pattern, pattern, limit))
        return [dict(r) for r in rows]

    def entity_articles(self, key: str) -> list[dict]:
        """The articles naming an entity, by date: id, story_id, source, title, published, name, type, mentions."""
        rows = self.db.execute(
            "SELECT a.id, a.story_id, a.source, a.title, a.published, e.name, e.type, e.mentions"
            " FROM article_entities e JOIN articles a ON a.id = e.article_id WHERE e.entity_key = ?"
            " ORDER BY a.published IS NULL, a.published, a.seq", (key,))
        return [dict(r) for r in rows]

    def entity_aliases(self, key: str) -> list[str]:
        rows = self.db.execute("SELECT alias FROM entity_aliases WHERE entity_key = ? GROUP BY alias"
                               " ORDER BY COUNT(*) DESC, alias", (key,))
        return [r[0] for r in rows]

    def search_articles(self, match: str, limit: int) -> list[dict]:
        """Articles matching an FTS5 query, best first: id, story_id, title, published, story_title,
        rank (bm25: lower is better; a title hit weighs 5 body hits), snippet (\x02 hit \x03 markers)."""
        rows = self.db.execute(
            "SELECT a.id, a.story_id, a.title, a.published, s.title AS story_title,"
            " bm25(articles_fts, 5.0, 1.0) AS rank,"
            " snippet(articles_fts, 1, char(2), char(3), '…', 16) AS snippet,"
            " highlight(articles_fts, 0, char(2), char(3)) AS title_parts"
            " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            " LEFT JOIN stories s ON s.id = a.story_id"
            " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?", (match, limit))
        return [dict(r) for r in rows]

    def search_facts(self, match: str, limit: int) -> list[dict]:
        """Facts matching an FTS5 query, best first: story_id, fact_id, story_title, last_seen, rank, snippet."""
        rows = self.db.execute(
            "SELECT t.story_id, t.fact_id, s.title AS story_title, s.last_seen, bm25(facts_fts) AS rank,"
            " snippet(facts_fts, 0, char(2), char(3), '…', 24) AS snippet"
            " FROM facts_fts JOIN fact_texts t ON t.id = facts_fts.rowid JOIN stories s ON s.id = t.story_id"
            " WHERE facts_fts MATCH ? AND s.merged_into IS NULL ORDER BY rank LIMIT ?", (match, limit))
        return [dict(r) for r in rows]

    def fact_texts(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The indexed words of these facts, by (story_id, fact_id)."""
        found = {}
        for story_id, fact_id in keys:
            row = self.db.execute("SELECT text FROM fact_texts WHERE story_id = ? AND fact_id = ?",
                                  (story_id, fact_id)).fetchone()
            if row:
                found[(story_id, fact_id)] = row[0]
        return found

    def article_vectors(self) -> Iterator[tuple[str, str, bytes]]:
        """(article id, model, float32 vector bytes) of every article with a body vector."""
        yield from self.db.execute("SELECT article_id, model, vector FROM article_vectors ORDER BY article_id")

    def claim_vector_blobs(self) -> Iterator[tuple[str, str, bytes]]:
        """(article id, its story id, its ClaimVectors bytes) of every article with stored claims."""
        yield from self.db.execute("SELECT c.article_id, a.story_id, c.vectors FROM article_claims c"
                                   " JOIN articles a ON a.id = c.article_id ORDER BY c.article_id")

    def articles_page(self, after_seq: int, limit: int) -> list[dict]:
        """The next ``limit`` articles in ingest order after ``seq`` ``after_seq``, each with its urls
        (``seq`` included: the next page's ``after_seq``). export_tables.py streams every article so."""
        rows = self.db.execute("SELECT * FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                               (after_seq, limit)).fetchall()
        return [_article_dict(r, self._urls(r["id"])) for r in rows]

    def article_briefs(self, article_ids: Iterable[str]) -> dict[str, dict]:
        """id, story_id, title, source, published and the first 300 characters of these articles, by id."""
        ids = list(set(article_ids))
        rows = self.db.execute(f"SELECT a.id, a.story_id, a.title, a.source, a.published, substr(a.text, 1, 300)"
                               f" AS opening, s.title AS story_title FROM articles a LEFT JOIN stories s"
                               f" ON s.id = a.story_id WHERE a.id IN ({_marks(ids)})", ids)
        return {r[0]: dict(r) for r in rows}

    def timeline_stories(self, *, entity: str | None, place: str | None, date_from: str | None,
                         date_to: str | None) -> list[dict]:
        """Live stories passing the filters, earliest first: id, title, first_seen, last_seen."""
        where, params = _story_filters(self._SQL_FRAGMENTS, None, entity, place, date_from, date_to)
        rows = self.db.execute(
            "SELECT s.id, s.title, s.first_seen, s.last_seen FROM stories s WHERE s.merged_into IS NULL"
            f" AND {' AND '.join(where or ['TRUE'])} ORDER BY s.first_seen IS NULL, s.first_seen, s.id", params)
        return [dict(r) for r in rows]

    # -- term statistics and metadata ---------------------------------------

    def term_df(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT term, df FROM term_df"))

    def save_term_df(self, df: dict[str, int], terms: Iterable[str]) -> None:
        self.db.executemany("INSERT INTO term_df VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = excluded.df",
                            [(t, df[t]) for t in terms])

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, value))

    # -- runs -------------------------------------------------------------

    def start_run(self) -> int:
        """A new run's row; rows of runs that never finished (killed: the
        caller holds ``one_writer``, so none is still running) are closed as
        interrupted."""
        with self.transaction():
            self.db.execute("UPDATE ingest_runs SET finished_at = ?, report = ? WHERE finished_at IS NULL",
                            (now(), json.dumps({"interrupted": True})))
            cursor = self.db.execute("INSERT INTO ingest_runs (started_at) VALUES (?)", (now(),))
        return cursor.lastrowid

    def finish_run(self, run_id: int, report: dict) -> None:
        with self.transaction():
            self.db.execute("UPDATE ingest_runs SET finished_at = ?, report = ? WHERE id = ?",
                            (now(), json.dumps(report), run_id))


def _article_dict(row: sqlite3.Row, urls: list[str]) -> dict:
    article = dict(row)
    article["sentences"] = json.loads(article["sentences"])
    article["removed"] = json.loads(article["removed"])
    article["urls"] = urls
    return article


# story_page's sort keys (the expressions of the partial indexes stories_latest and stories_largest, so
# SQLite walks the index instead of sorting) and the independent-outlet counts the "outlets" sort needs
_SORT_KEYS = {"latest": "COALESCE(s.last_seen, s.first_seen, '')", "largest": "s.n_articles",
              "outlets": "i.n_independent"}
_INDEPENDENT_CTE = (
    "WITH independent AS (SELECT a.story_id, COUNT(DISTINCT COALESCE(o.source, o.id, a.source, a.id))"
    " AS n_independent FROM articles a LEFT JOIN articles o ON o.id = a.near_dup_of"
    " WHERE a.story_id IS NOT NULL GROUP BY a.story_id) ")


def _story_page_sql(fragments: dict, sort: str, after: tuple | None, limit: int, *, match: str | None = None,
                     entity: str | None = None, place: str | None = None, date_from: str | None = None,
                     date_to: str | None = None) -> tuple[str, list]:
    where, params = _story_filters(fragments, match, entity, place, date_from, date_to)
    if after is not None:
        where.append(f"({_SORT_KEYS[sort]}, s.id) < (?, ?)")
        params += list(after)
    counts, joins = ("", "") if sort != "outlets" else (_INDEPENDENT_CTE, " JOIN independent i ON i.story_id = s.id")
    sql = (f"{counts}SELECT s.id, s.title, s.first_seen, s.last_seen, {_SORT_KEYS[sort]} AS sort_key"
           f" FROM stories s{joins} WHERE s.merged_into IS NULL AND {' AND '.join(where or ['TRUE'])}"
           f" ORDER BY {_SORT_KEYS[sort]} DESC, s.id DESC LIMIT ?")
    return sql, [*params, limit]


def _story_filters(fragments: dict, match: str | None, entity: str | None, place: str | None, date_from: str | None,
                   date_to: str | None) -> tuple[list[str], list]:
    """SQL conditions on stories ``s`` for the listing filters, and their parameters."""
    where, params = [], []
    if match is not None:
        where.append(fragments["match"])
        params.append(match)
    if entity is not None:
        where.append("s.id IN (SELECT a.story_id FROM article_entities e JOIN articles a ON a.id = e.article_id"
                     " WHERE e.entity_key = ?)")
        params.append(entity)
    if place is not None:  # a key, or the name of a place some article is located at
        where.append("s.id IN (SELECT a.story_id FROM article_places p JOIN articles a ON a.id = p.article_id"
                     " WHERE p.place_key = ? OR p.place_key IN (SELECT entity_key FROM article_entities"
                     f" WHERE {fragments['name_nocase']}))")
        params += [place, place]
    if date_from is not None:  # overlap: the story ends on or after date_from ...
        where.append("substr(COALESCE(s.last_seen, s.first_seen), 1, 10) >= ?")
        params.append(date_from[:10])
    if date_to is not None:  # ... and starts on or before date_to
        where.append("substr(COALESCE(s.first_seen, s.last_seen), 1, 10) <= ?")
        params.append(date_to[:10])
    return where, params


def _marks(values: list) -> str:
    return ",".join("?" * len(values))
