"""Copy a whole newsfuse database to another one, across backends (SQLite <-> PostgreSQL).

Every table of the logical schema is read in one snapshot of the source and
written in batches inside *one* transaction on the target: a copy that fails
(a full disk, a lost connection, an interrupt) leaves the target as empty as it
was, so running it again is always right. A target that already holds anything
is refused: merging two databases is not copying (story ids and article
sequence numbers would collide). Full-text indexes are not copied but built
in the target's own form (FTS5 or tsvector) from the copied rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..errors import StoreError
from .sqlite import Store

# The logical tables, parents before children (foreign keys), each with the order its rows are read in:
# articles by seq (an original before its copies), stories by creation (the target keeps that order),
# ids of runs and fact texts kept as they are.
TABLES: list[tuple[str, str]] = [
    ("articles", "seq"), ("article_urls", ""), ("minhash", ""), ("minhash_bands", ""), ("article_vectors", ""),
    ("stories", "rowid"), ("story_merges", ""), ("ingest_runs", "id"), ("term_df", ""), ("meta", ""),
    ("analyses", ""), ("article_entities", ""), ("story_records", ""), ("article_claims", ""),
    ("story_facts", ""), ("pending_records", ""), ("fact_texts", "id"), ("article_places", ""),
    ("entity_aliases", ""),
]
# columns pointing into their own table: copied as NULL, then set once every row is there
_SELF_REFS = {"articles": ("near_dup_of", "id"), "stories": ("merged_into", "id")}
_NOT_COPIED = {"rowid"}  # PostgreSQL's stand-in for SQLite's hidden rowid: the target numbers its own rows
_IDENTITY = {"ingest_runs": "id", "fact_texts": "id"}  # ids copied as they are: PostgreSQL's counters follow

Progress = Callable[[str, int, int | None], None]


def copy_database(source: Store, target: Store, *, batch: int = 1000,
                  progress: Progress = lambda stage, done, total: None) -> dict[str, int]:
    """Copy every row of ``source`` (open read-only) into the empty ``target``; rows copied, by table."""
    copied: dict[str, int] = {}
    with target.one_writer(), source.snapshot():
        _refuse_non_empty(target)
        with target.transaction():
            for table, order in TABLES:
                total = source.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                copied[table] = _copy_table(source, target, table, order, batch,
                                            lambda done, t=table, n=total: progress(t, done, n))
            _index_text(target, batch)
            _follow_identities(target)
    return copied


def _refuse_non_empty(target: Store) -> None:
    full = [table for table, _ in TABLES if target.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()]
    if full:
        raise StoreError(f"cannot copy into {target.path}: it is not empty ({', '.join(full)} hold rows)",
                         code="NF211", hint="copy into a new, empty database (an empty PostgreSQL database:"
                                            " createdb NAME; or a new file)")


def _copy_table(source: Store, target: Store, table: str, order: str, batch: int,
                progress: Callable[[int], None]) -> int:
    columns = [c for c in _columns(source, table) if c not in _NOT_COPIED]
    self_ref = _SELF_REFS.get(table)
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    sql = f"SELECT {', '.join(columns)} FROM {table}" + (f" ORDER BY {order}" if order else "")
    done, links = 0, []
    for rows in _chunks(source, sql, batch):
        if self_ref:
            at, key = columns.index(self_ref[0]), columns.index(self_ref[1])
            links += [(row[at], row[key]) for row in rows if row[at] is not None]
            rows = [(*row[:at], None, *row[at + 1:]) for row in rows]
        target.db.executemany(insert, rows)
        done += len(rows)
        progress(done)
    if self_ref:
        target.db.executemany(f"UPDATE {table} SET {self_ref[0]} = ? WHERE {self_ref[1]} = ?", links)
    return done


def _columns(store: Store, table: str) -> list[str]:
    cursor = store.db.execute(f"SELECT * FROM {table} LIMIT 0")
    return [d[0] for d in cursor.description]


def _chunks(store: Store, sql: str, size: int) -> Iterator[list[tuple]]:
    """The rows in lists of ``size``, without holding a table in memory: SQLite's cursor reads lazily;
    psycopg's client cursor would fetch everything, so PostgreSQL reads through a server-side cursor."""
    if store.backend == "postgres":
        cursor = store.db.conn.cursor(name="newsfuse_copy")
        cursor.itersize = size
        cursor.execute(sql)
    else:
        cursor = store.db.execute(sql)
    try:
        while rows := cursor.fetchmany(size):
            yield [tuple(r) for r in rows]
    finally:
        cursor.close()


def _index_text(target: Store, batch: int) -> None:
    """The target's own full-text rows for every copied article and fact."""
    ids = [r[0] for r in target.db.execute("SELECT id FROM articles ORDER BY seq")]
    for start in range(0, len(ids), batch):
        target.db.executemany(target._FTS_ADD_ARTICLE, [(i,) for i in ids[start:start + batch]])
    keys = [tuple(r) for r in target.db.execute("SELECT story_id, fact_id FROM fact_texts ORDER BY id")]
    for start in range(0, len(keys), batch):
        target.db.executemany(target._FTS_ADD_FACT, keys[start:start + batch])


def _follow_identities(target: Store) -> None:
    """PostgreSQL's identity counters past the copied ids (SQLite takes the largest id + 1 by itself)."""
    if target.backend != "postgres":
        return
    for table, column in _IDENTITY.items():
        target.db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                          f" COALESCE(MAX({column}), 0) + 1, false) FROM {table}")
