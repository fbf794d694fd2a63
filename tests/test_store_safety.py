"""Nothing crashes, nothing is lost: read-only stores, read-only files, a full disk, readers during an ingest."""

import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import BagOfWordsEmbedder

import newsfuse
from newsfuse import Options, Store, get_story, ingest, list_stories
from newsfuse.errors import StoreError
from newsfuse.records import RawItem
from newsfuse.store.migrations import MIGRATIONS

SRC = str(Path(newsfuse.__file__).resolve().parents[1])  # this newsfuse, for child processes
TESTS = str(Path(__file__).resolve().parent)
CHEAP = Options(analyze=False, batch_size=5)  # no spaCy, many small transactions


def article_text(n: int) -> str:
    """A distinct report (no near-duplicates): 120 words drawn by ``n``."""
    words = [f"w{(n * 7919 + i * i * 31 + i) % 3001}" for i in range(120)]
    return f"Report {n}. " + " ".join(words) + "."


def items(start: int, stop: int) -> list[RawItem]:
    return [RawItem(f"r{n}", "text", article_text(n), {"source": f"outlet {n % 5}"}) for n in range(start, stop)]


def ingested_db(path: Path, n: int = 12) -> Path:
    with Store(path) as store:
        ingest(items(0, n), store, options=CHEAP, embedder=BagOfWordsEmbedder())
    return path


def consistent(path: Path) -> None:
    """integrity_check is ok and every article sits in one live story whose counts match."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = db.execute("SELECT COUNT(*) FROM articles a LEFT JOIN stories s ON s.id = a.story_id"
                             " WHERE s.id IS NULL OR s.merged_into IS NOT NULL").fetchone()[0]
        assert orphans == 0
        mismatched = db.execute("SELECT COUNT(*) FROM stories s WHERE s.merged_into IS NULL AND s.n_articles !="
                                " (SELECT COUNT(*) FROM articles a WHERE a.story_id = s.id)").fetchone()[0]
        assert mismatched == 0
        assert db.execute("SELECT COUNT(*) FROM minhash").fetchone() == db.execute(
            "SELECT COUNT(*) FROM articles").fetchone()
    finally:
        db.close()


# ---- read-only stores ----------------------------------------------------------------------------


def test_a_reader_reads_stories_and_records_and_never_writes(tmp_path):
    path = ingested_db(tmp_path / "n.db")
    with Store(path, readonly=True) as store:
        rows = list_stories(store)
        assert sum(r["n_articles"] for r in rows) == 12
        record = get_story(store, rows[0]["id"][:8], with_text=True, with_analyses=True)
        assert record["id"] == rows[0]["id"] and record["record_state"] == "missing"
        with pytest.raises(StoreError, match="open for reading only"), store.transaction():
            pass
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("DELETE FROM articles")
    with Store(path, readonly=True) as store:
        assert store.count_articles() == 12


def test_reading_a_missing_file_creates_nothing(tmp_path):
    with pytest.raises(StoreError, match=r"\[NF202\] no database file at .*typo\.db"):
        Store(tmp_path / "typo.db", readonly=True)
    assert list(tmp_path.iterdir()) == []


def test_a_reader_never_migrates_and_says_what_to_run(tmp_path):
    old = tmp_path / "old.db"
    raw = sqlite3.connect(old)
    raw.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    raw.close()
    with pytest.raises(StoreError, match=r"\[NF205\].*older than this newsfuse.*newsfuse build"):
        Store(old, readonly=True)
    raw = sqlite3.connect(old)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1  # untouched
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(StoreError, match=r"\[NF201\].*newer than this newsfuse"):
        Store(old, readonly=True)
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(StoreError, match=r"\[NF205\].*not a newsfuse database"):
        Store(empty, readonly=True)


def test_a_file_that_is_not_a_database_is_named_so_and_not_called_anything_else(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    for readonly in (True, False):
        with pytest.raises(StoreError, match=r"\[NF206\].*not an SQLite database") as caught:
            Store(junk, readonly=readonly)
        assert isinstance(caught.value.__cause__, sqlite3.DatabaseError)


def test_a_reader_does_not_wait_for_a_writer_and_sees_only_commits(tmp_path):
    path = ingested_db(tmp_path / "n.db")
    with Store(path) as writer, Store(path, readonly=True) as reader:
        writer.db.execute("BEGIN IMMEDIATE")
        writer.db.execute("UPDATE stories SET title = 'half-way'")
        started = time.perf_counter()
        assert "half-way" not in {r["title"] for r in list_stories(reader)}
        assert time.perf_counter() - started < 1
        writer.db.execute("ROLLBACK")


def test_a_second_writer_waits_then_gets_a_clear_error(tmp_path, monkeypatch):
    from newsfuse.store import connection

    path = ingested_db(tmp_path / "n.db")
    monkeypatch.setattr(connection, "BUSY_SECONDS", 0.2)
    with Store(path) as first, Store(path) as second, first.transaction():
        with pytest.raises(StoreError, match=r"\[NF207\].*another newsfuse is writing"):
            second.start_run()


# ---- read-only files and folders ---------------------------------------------------------------

CHILD = """
import json, sys
from newsfuse import Store, get_story, list_stories
from newsfuse.errors import NewsfuseError
path, mode = sys.argv[1], sys.argv[2]
try:
    if mode == "read":
        with Store(path, readonly=True) as store:
            rows = list_stories(store)
            get_story(store, rows[0]["id"])
            print(json.dumps({"stories": len(rows), "articles": store.count_articles()}))
    else:
        with Store(path) as store:
            store.start_run()
        print(json.dumps({"wrote": True}))
except NewsfuseError as exc:
    print(json.dumps({"error": str(exc), "code": exc.code}))
"""


@pytest.fixture
def shared_dir():
    """A folder other users can enter (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="newsfuse-ro-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder, *folder.iterdir()):
        path.chmod(0o755)
    shutil.rmtree(folder)


def without_rights(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run Python with ``args`` where permissions bind: as ``nobody`` when this is root (root ignores them)."""
    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot drop the rights that ignore permissions")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    return subprocess.run([*prefix, sys.executable, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PYTHONPATH": SRC}, cwd=cwd, timeout=120)


def as_reader_without_rights(path: Path, mode: str) -> dict:
    done = without_rights("-c", CHILD, str(path), mode, cwd=path.parent)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def read_only(folder: Path) -> None:
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)


def test_a_read_only_database_in_a_read_only_folder_can_be_read_not_written(shared_dir):
    path = ingested_db(shared_dir / "n.db")
    with Store(path, readonly=True) as store:
        n_stories = len(list_stories(store))
    read_only(shared_dir)
    assert as_reader_without_rights(path, "read") == {"stories": n_stories, "articles": 12}
    cli = ("-c", "from newsfuse.cli import main; main()")
    listed = without_rights(*cli, "stories", "--db", str(path), "--json", cwd=shared_dir)
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == n_stories, listed.stderr
    shown = without_rights(*cli, "story", "--largest", "--db", str(path), "--json", cwd=shared_dir)
    assert shown.returncode == 0 and json.loads(shown.stdout)["record_state"] == "missing", shown.stderr
    refused = without_rights(*cli, "ingest", "-", "--db", str(path), cwd=shared_dir)
    assert refused.returncode == 1 and "[NF203]" in refused.stderr and "damaged" not in refused.stderr
    wrote = as_reader_without_rights(path, "write")
    assert wrote["code"] == "NF203" and "read-only" in wrote["error"] and "damaged" not in wrote["error"]
    assert str(path) in wrote["error"]
    consistent(path)


def test_a_read_only_file_in_a_writable_folder_can_be_read_not_written(shared_dir):
    path = ingested_db(shared_dir / "n.db")
    if os.geteuid() == 0:  # the folder and file belong to the unprivileged reader, but the file is read-only
        os.chown(shared_dir, 65534, 65534)
        os.chown(path, 65534, 65534)
    path.chmod(0o444)
    assert as_reader_without_rights(path, "read")["articles"] == 12
    wrote = as_reader_without_rights(path, "write")
    assert wrote["code"] == "NF203" and "read-only" in wrote["error"]
    consistent(path)


def test_changes_left_in_a_wal_that_a_read_only_folder_hides_are_an_error_not_a_stale_read(shared_dir):
    path = ingested_db(shared_dir / "n.db")
    crash = ("import os, sys; from newsfuse import Store\n"
             "s = Store(sys.argv[1]); s.db.execute(\"UPDATE stories SET title = 'late'\"); os._exit(0)")
    subprocess.run([sys.executable, "-c", crash, str(path)], check=True, env={**os.environ, "PYTHONPATH": SRC})
    assert Path(f"{path}-wal").stat().st_size > 0
    Path(f"{path}-shm").unlink()  # what a copy of the files without the index would leave
    read_only(shared_dir)
    read = as_reader_without_rights(path, "read")
    assert read["code"] == "NF203" and "-wal holds changes" in read["error"]


# ---- a full disk --------------------------------------------------------------------------------

FULL_DISK = """
import json, os, resource, signal, sys
sys.path.insert(0, sys.argv[2])
from conftest import BagOfWordsEmbedder
from test_store_safety import CHEAP, items
from newsfuse import Store, ingest
from newsfuse.errors import StoreError

path, bow = sys.argv[1], BagOfWordsEmbedder()
with Store(path) as store:
    ingest(items(0, 20), store, options=CHEAP, embedder=bow)
size = os.path.getsize(path)
# Files may grow to 150 KB past the database's size; a write beyond fails with EFBIG (the signal
# ignored), as on a full disk.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 150_000, resource.RLIM_INFINITY))
done, store = [], Store(path)
try:
    ingest(items(20, 400), store, options=CHEAP, embedder=bow,
           progress=lambda stage, n, total: done.append(n) if stage == "cluster" else None)
    print(json.dumps({"finished": True}))
except StoreError as exc:
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    store.start_run()  # space again: the same connection writes, the failed transaction is gone
    print(json.dumps({"error": str(exc), "code": exc.code, "committed": 20 + max(done, default=0),
                      "cause": type(exc.__cause__).__name__}))
store.close()
"""


def test_a_full_disk_is_a_clear_error_and_keeps_every_committed_batch(tmp_path):
    path = tmp_path / "n.db"
    done = subprocess.run([sys.executable, "-c", FULL_DISK, str(path), TESTS], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": SRC}, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["code"] == "NF204", result
    assert str(path) in result["error"] and "free space and run again" in result["error"]
    assert "everything committed before" in result["error"] and result["cause"] == "OperationalError"
    assert 20 < result["committed"] < 400
    consistent(path)
    with Store(path, readonly=True) as store:
        assert store.count_articles() == result["committed"]
    with Store(path) as store:  # space again: the same ingest skips what is stored and adds the rest
        report = ingest(items(0, 400), store, options=CHEAP, embedder=BagOfWordsEmbedder())
        assert (report.duplicates, report.ingested) == (result["committed"], 400 - result["committed"])
    consistent(path)


def test_a_full_disk_at_the_story_index_file_is_a_clear_error_and_the_next_run_rebuilds_it(tmp_path, monkeypatch):
    import errno

    from newsfuse.vector_index import StoryVectors

    def disk_full(self, path):
        raise OSError(errno.ENOSPC, "No space left on device")

    path, bow = tmp_path / "n.db", BagOfWordsEmbedder()
    save = StoryVectors.save
    monkeypatch.setattr(StoryVectors, "save", disk_full)
    with Store(path) as store, pytest.raises(StoreError, match=r"\[NF204\] cannot write the story index"):
        ingest(items(0, 12), store, options=CHEAP, embedder=bow)
    consistent(path)
    monkeypatch.setattr(StoryVectors, "save", save)
    with Store(path) as store:
        assert store.get_meta("story_index_token") == "dirty"  # so the next run rebuilds the index
        report = ingest(items(0, 20), store, options=CHEAP, embedder=bow)
        assert (report.duplicates, report.ingested, store.count_articles()) == (12, 8, 20)
    consistent(path)


# ---- readers during an ingest -------------------------------------------------------------------


def read_repeatedly(path: str, stop, results) -> None:
    """A reader process: snapshots of list_stories + count + get_story until told to stop."""
    reads, errors, last_count, counts = 0, [], 0, set()
    try:
        with Store(path, readonly=True) as store:
            while not stop.is_set():
                with store.snapshot():
                    rows = list_stories(store)
                    count = store.count_articles()
                    record = get_story(store, rows[reads % len(rows)]["id"])
                if sum(r["n_articles"] for r in rows) != count or count < last_count:
                    errors.append(f"counts: stories sum {sum(r['n_articles'] for r in rows)}, articles {count},"
                                  f" before {last_count}")
                if record["n_articles"] != len(record["articles"]):
                    errors.append(f"story {record['id']}: {record['n_articles']} != {len(record['articles'])}")
                reads, last_count = reads + 1, count
                counts.add(count)
    except Exception as exc:  # every failure is a finding, reported to the test
        errors.append(f"{type(exc).__name__}: {exc}")
    results.put((reads, errors, last_count, len(counts)))


def test_readers_during_an_ingest_see_consistent_snapshots_and_never_fail(tmp_path):
    path = ingested_db(tmp_path / "n.db", n=10)
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    readers = [context.Process(target=read_repeatedly, args=(str(path), stop, results)) for _ in range(4)]
    for reader in readers:
        reader.start()
    with Store(path) as store:
        report = ingest(items(10, 250), store, options=CHEAP, embedder=BagOfWordsEmbedder())
    time.sleep(0.5)  # the last snapshots see the finished ingest
    stop.set()
    outcomes = [results.get(timeout=60) for _ in readers]
    for reader in readers:
        reader.join(timeout=60)
    assert report.ingested == 240
    assert [errors for _, errors, _, _ in outcomes] == [[], [], [], []]
    assert {last for _, _, last, _ in outcomes} == {250}
    # each reader read all along the ingest: it saw many of the 48 batches' states, not only the end
    assert all(reads > 20 and states > 5 for reads, _, _, states in outcomes), outcomes
    print(f"concurrent reads: {sum(o[0] for o in outcomes)} by 4 readers, 0 errors, "
          f"{[o[3] for o in outcomes]} distinct article counts seen")
