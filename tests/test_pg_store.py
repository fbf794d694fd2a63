"""What is PostgreSQL's own: the migrations mirror SQLite's, read-only connections, the writer lock,
readers beside a writer, copying across backends, and concurrent ingest processes.
(The store, pipeline and read tests run on both backends: the ``new_db`` fixture in conftest.py.)"""

import multiprocessing
import sqlite3
import threading
import time

import pytest
from conftest import EXAMPLES, BagOfWordsEmbedder
from test_pipeline import BRIDGE, FLOOD, item

from newsfuse import Options, StoreError, get_story, ingest, iter_raw_items, list_stories, open_store
from newsfuse.store.copy import copy_database
from newsfuse.store.migrations import MIGRATIONS
from newsfuse.store.pg_migrations import PG_MIGRATIONS

psycopg = pytest.importorskip("psycopg")

# Each backend's own machinery, not the logical schema: SQLite's FTS5 tables (and their shadow tables),
# PostgreSQL's tsvector tables, its schema_version (PRAGMA user_version) and its stand-in for rowid.
_FTS = ("articles_fts", "facts_fts")
NO_ANALYSIS = Options(analyze=False)  # what these tests check is the store: no spaCy


def _sqlite_schema(db) -> dict[str, list[str]]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if not r[0].startswith(_FTS) and not r[0].startswith("sqlite_")]
    return {t: sorted(r[1] for r in db.execute(f"PRAGMA table_info({t})")) for t in tables}


def _pg_schema(conn) -> dict[str, list[str]]:
    rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns"
                        " WHERE table_schema = 'public'").fetchall()
    schema: dict[str, list[str]] = {}
    for table, column in rows:
        if table not in (*_FTS, "schema_version") and column != "rowid":
            schema.setdefault(table, []).append(column)
    return {t: sorted(c) for t, c in schema.items()}


def test_the_migrations_mirror_sqlites_one_for_one(pg_server):
    assert len(PG_MIGRATIONS) == len(MIGRATIONS)
    lite = sqlite3.connect(":memory:")
    with psycopg.connect(pg_server.create_db(), autocommit=True) as pg:
        for number, (script, pg_script) in enumerate(zip(MIGRATIONS, PG_MIGRATIONS), start=1):
            lite.executescript(script)
            pg.execute(pg_script)
            assert _pg_schema(pg) == _sqlite_schema(lite), f"after migration {number}"


def test_a_new_database_is_migrated_and_a_newer_one_refused(pg_server):
    url = pg_server.create_db()
    with open_store(url) as store:
        assert store.schema_version == len(PG_MIGRATIONS) and store.backend == "postgres"
        with store.transaction():
            store.db.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="newer than this newsfuse"):
        open_store(url)


def test_a_reader_neither_creates_nor_writes(pg_server):
    url = pg_server.create_db()
    with pytest.raises(StoreError, match="not a newsfuse database") as caught:
        open_store(url, readonly=True)
    assert caught.value.code == "NF205"
    open_store(url).close()
    with open_store(url, readonly=True) as reader:
        with pytest.raises(StoreError, match="reading only"):
            reader.transaction().__enter__()
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):  # the server itself refuses
            reader.db.execute("INSERT INTO meta VALUES ('k', 'v')")


def test_a_missing_database_or_server_is_a_clear_error(pg_server):
    with pytest.raises(StoreError, match="no database at") as caught:
        open_store(pg_server.url("nosuchdb"))
    assert caught.value.code == "NF202"
    with pytest.raises(StoreError, match="cannot connect") as caught:
        open_store("postgresql://nobody:secret@/x?host=/nonexistent")
    assert caught.value.code == "NF200" and "secret" not in str(caught.value)


def test_a_second_writer_waits_for_the_first_and_a_dropped_connection_frees_the_lock(pg_server):
    url = pg_server.create_db()
    first, second, third = open_store(url), open_store(url), open_store(url)
    got = threading.Event()

    def write():
        with second.one_writer():
            got.set()

    with first.one_writer():
        waiting = threading.Thread(target=write)
        waiting.start()
        assert not got.wait(0.5)  # waits while the first run writes
    assert got.wait(10)
    waiting.join()
    second.close()
    with third.one_writer():  # a run killed while holding the lock: its connection goes, and the lock with it
        first.db.conn.close()
        pass
    with open_store(url) as fourth, fourth.one_writer():
        third.close()


def test_readers_see_the_last_commit_without_waiting_for_a_writer(pg_server):
    url = pg_server.create_db()
    with open_store(url) as writer, open_store(url, readonly=True) as reader:
        with writer.transaction():
            writer.set_meta("k", "committed")
        with writer.transaction():
            writer.set_meta("k", "in flight")
            started = time.perf_counter()
            with reader.snapshot():
                assert reader.get_meta("k") == "committed"
            assert time.perf_counter() - started < 2
        assert reader.get_meta("k") == "in flight"


def test_runs_are_numbered_and_an_unfinished_one_is_closed_as_interrupted(pg_server):
    with open_store(pg_server.create_db()) as store:
        killed = store.start_run()
        again = store.start_run()
        assert again == killed + 1
        row = store.db.execute("SELECT finished_at, report FROM ingest_runs WHERE id = ?", (killed,)).fetchone()
        assert row["finished_at"] and '"interrupted": true' in row["report"]


def test_a_story_index_is_rebuilt_from_the_stored_states_each_run(pg_server, bow):
    with open_store(pg_server.create_db()) as store:
        first = ingest([item("a", BRIDGE * 2, published="2024-03-01")], store, embedder=bow, options=NO_ANALYSIS)
        shuffled = " ".join(reversed(BRIDGE.split())) * 2  # the same story, not a near-duplicate
        later = ingest([item("b", shuffled, published="2024-03-02")], store, embedder=bow, options=NO_ANALYSIS)
        assert later.new_stories == 0
        assert store.story_of_article(later.article_ids[0]) == store.story_of_article(first.article_ids[0])


def _story_view(store):
    stories = list_stories(store)
    return stories, [get_story(store, s["id"], with_text=True) for s in stories]


def test_copy_moves_a_database_across_and_back_and_refuses_a_full_target(pg_server, tmp_path, bow):
    lite, back = str(tmp_path / "n.db"), str(tmp_path / "back.db")
    with open_store(lite) as store:
        ingest(iter_raw_items([EXAMPLES]), store, embedder=bow)
        ingest([item("flood", FLOOD * 2, url="https://example.org/flood")], store, embedder=bow)
    url = pg_server.create_db()
    with open_store(lite, readonly=True) as source, open_store(url) as target:
        copied = copy_database(source, target, batch=2)
        assert copied["articles"] == 3 and copied["stories"] == 2
        assert _story_view(target) == _story_view(source)
        with pytest.raises(StoreError, match="not empty") as caught:
            copy_database(source, target)
        assert caught.value.code == "NF211"
        run = target.start_run()  # the identity counter follows the copied run ids
        assert run == max(r[0] for r in source.db.execute("SELECT id FROM ingest_runs")) + 1
    with open_store(url, readonly=True) as source, open_store(back) as target:
        copy_database(source, target)
        assert _story_view(target) == _story_view(source)


def _ingest_half(url: str, texts: list[str], results) -> None:
    with open_store(url) as store:
        report = ingest([item(f"i{n}", t) for n, t in texts], store, embedder=BagOfWordsEmbedder(),
                        options=NO_ANALYSIS)
    results.put((report.ingested, report.duplicates))


def test_two_ingest_processes_into_one_database_lose_and_duplicate_nothing(pg_server):
    topics = [BRIDGE, FLOOD, "alpha beta gamma delta epsilon zeta eta theta " * 12]
    texts = [(n, f"Report {n} on the matter. " + topics[n % 3] + f" Detail {n}." * 20) for n in range(24)]
    halves = [texts[:16], texts[8:]]  # 8 articles in both halves
    url = pg_server.create_db()
    open_store(url).close()
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    workers = [spawn.Process(target=_ingest_half, args=(url, half, results)) for half in halves]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    reports = [results.get(timeout=5) for _ in workers]
    assert sum(i for i, _ in reports) == 24 and sum(d for _, d in reports) == 8
    with open_store(url, readonly=True) as store:
        assert store.count_articles() == 24
        rows = store.db.execute("SELECT COUNT(*), COUNT(DISTINCT seq), COUNT(story_id) FROM articles").fetchone()
        assert tuple(rows) == (24, 24, 24)  # every article once, in one story
        assert sum(s["n_articles"] for s in list_stories(store)) == 24


def test_the_cli_copies_to_a_url_and_reads_it_through_newsfuse_db(pg_server, tmp_path, monkeypatch):
    from test_cli import runner, stories_db

    from newsfuse.cli import app

    lite, url = stories_db(str(tmp_path / "n.db"), 3), pg_server.create_db()
    copied = runner.invoke(app, ["copy", "--from", lite, "--to", url])
    assert copied.exit_code == 0, copied.output
    assert "copied 6 articles, 3 stories" in copied.stdout
    again = runner.invoke(app, ["copy", "--from", lite, "--to", url])
    assert again.exit_code == 1 and "NF211" in again.output
    listed = runner.invoke(app, ["stories", "--db", lite])
    monkeypatch.setenv("NEWSFUSE_DB", url)  # no --db: the environment names the database
    assert runner.invoke(app, ["stories"]).stdout == listed.stdout
