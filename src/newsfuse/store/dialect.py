"""SQLite's SQL as PostgreSQL runs it: the few rewrites Store's statements need.

Store (sqlite.py) writes SQL both databases understand where it can; what
differs in every statement of one kind is rewritten here, once per distinct
statement (cached):

- ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``);
- ``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING``;
- ``INSERT OR REPLACE INTO t VALUES`` becomes an upsert on t's key, setting
  every other column (the tables it is used on are listed in ``_KEYS``);
- ``IN ()`` (an empty list of ids, which SQLite accepts) becomes ``IN (NULL)``.

Everything else that differs (full-text search, PRAGMAs, rowids, LIKE, bare
columns in GROUP BY) is in PgStore's own SQL.
"""

from __future__ import annotations

import re
from functools import lru_cache

# table -> (key columns, every column in order) of the tables Store writes with INSERT OR REPLACE
_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "minhash": (("article_id",), ("article_id", "signature")),
    "article_vectors": (("article_id",), ("article_id", "model", "vector")),
    "analyses": (("article_id",), ("article_id", "version", "data", "analyzed_at")),
    "article_claims": (("article_id",), ("article_id", "version", "claims", "vectors", "shingles")),
    "story_records": (("story_id",), ("story_id", "version", "source_key", "data", "built_at")),
    "story_facts": (("story_id", "fact_id"), ("story_id", "fact_id", "data")),
}

_REPLACE = re.compile(r"^\s*INSERT OR REPLACE INTO (\w+)", re.I)
_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO", re.I)
_EMPTY_IN = re.compile(r"\bIN \(\s*\)", re.I)


@lru_cache(maxsize=512)
def to_postgres(sql: str, with_params: bool = True) -> str:
    """The statement in PostgreSQL's dialect (``with_params``: psycopg will fill ``%s``)."""
    sql = _EMPTY_IN.sub("IN (NULL)", sql)
    if (found := _REPLACE.match(sql)) is not None:
        sql = _REPLACE.sub(r"INSERT INTO \1", sql, count=1) + _upsert(found.group(1))
    elif _IGNORE.match(sql):
        sql = _IGNORE.sub("INSERT INTO", sql, count=1) + " ON CONFLICT DO NOTHING"
    if with_params:
        sql = sql.replace("%", "%%").replace("?", "%s")
    return sql


def _upsert(table: str) -> str:
    if table not in _KEYS:
        raise ValueError(f"INSERT OR REPLACE INTO {table}: add its key to store/dialect.py _KEYS")
    keys, columns = _KEYS[table]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in keys)
    return f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
