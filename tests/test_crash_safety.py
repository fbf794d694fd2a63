"""No work forgotten: the records an interrupted run did not build are
stored as pending and built by the next run; windows stream any number of
items; one bad article never stops a run. (The kill -9 trials at random
moments are benchmarks/crash.py; one of them runs here.)"""

from dataclasses import replace

import pytest
from conftest import EXAMPLES
from test_pipeline import BRIDGE, FLOOD, item

from newsfuse import Store, ingest, iter_raw_items, list_stories
from newsfuse.store import open_store
from newsfuse.config import Options
from newsfuse.pipeline import build_pending, build_story_records
from newsfuse.story_record import record_state


def _states(store):
    return {s["id"]: record_state(store, s["id"])[0] for s in list_stories(store)}


def test_records_a_run_did_not_build_are_pending_and_built_by_the_next_run(new_db, bow, monkeypatch):
    import newsfuse.story_record as records

    real = records.update_story_record
    monkeypatch.setattr(records, "update_story_record", lambda *a, **k: (_ for _ in ()).throw(
        KeyboardInterrupt("killed while building")))
    with open_store(new_db("n.db")) as store:
        with pytest.raises(KeyboardInterrupt):
            ingest(iter_raw_items([EXAMPLES]), store, embedder=bow)
        assert store.count_articles() == 2 and store.count_pending() == 1  # stored with the batch
        assert set(_states(store).values()) == {"missing"}
        monkeypatch.setattr(records, "update_story_record", real)
        report = ingest(iter_raw_items([EXAMPLES]), store, embedder=bow)  # nothing new to read
        assert (report.ingested, report.duplicates) == (0, 2)
        assert store.count_pending() == 0 and set(_states(store).values()) == {"current"}


def test_build_clears_what_is_pending_and_a_failing_record_stays_pending(new_db, bow, monkeypatch):
    import newsfuse.story_record as records

    with open_store(new_db("n.db")) as store:
        ingest(iter_raw_items([EXAMPLES]), store, embedder=bow, options=replace(Options(), story_records=False))
        assert store.count_pending() == 1
        monkeypatch.setattr(records, "update_story_record", lambda *a, **k: 1 / 0)
        report = ingest([], store, embedder=bow)
        assert store.count_pending() == 1 and "ZeroDivisionError" in report.record_errors[0]["error"]
        monkeypatch.undo()
        assert build_story_records(store) == 1 and store.count_pending() == 0
        assert build_pending(store) == 0


def test_marks_of_merged_or_vanished_stories_are_followed_or_dropped(new_db, bow):
    with open_store(new_db("n.db")) as store:
        ingest(iter_raw_items([EXAMPLES]), store, embedder=bow)
        with store.transaction():
            store.mark_pending(["no-such-story"])
        assert build_pending(store) == 1 and store.count_pending() == 0


def test_small_windows_give_the_same_articles_and_count_repeats_across_windows(new_db, bow):
    texts = [f"Report {i} on the matter. " + (FLOOD if i % 2 else BRIDGE) + f" Detail {i}." * 30 for i in range(7)]
    items = [item(str(i), t, published=f"2024-01-0{1 + i % 3}") for i, t in enumerate(texts)]
    items.append(item("again", texts[0], url="https://example.org/again"))
    with open_store(new_db("w.db")) as small, open_store(new_db("a.db")) as whole:
        windowed = ingest(items, small, embedder=bow, options=replace(Options(), order_window=3, analyze=False))
        at_once = ingest(items, whole, embedder=bow, options=replace(Options(), analyze=False))
        assert (windowed.ingested, windowed.duplicates, windowed.skipped) == (7, 1, [])
        assert sorted(windowed.article_ids) == sorted(at_once.article_ids)


def test_a_flood_of_skips_is_counted_not_listed_without_end(tmp_path, bow):
    from newsfuse.records import SKIPS_LISTED

    items = [item(f"short{i}", "Too short.") for i in range(SKIPS_LISTED + 50)]
    with Store(tmp_path / "n.db") as store:
        report = ingest(items, store, embedder=bow)
    stored = report.as_dict()
    assert len(stored["skipped"]) == SKIPS_LISTED and stored["skipped_count"] == SKIPS_LISTED + 50
    assert stored["skipped_by_code"] == {"NF110": SKIPS_LISTED + 50}


def test_split_text_pieces_join_to_the_text():
    from newsfuse.analyze.article import split_text

    text = "word " * 50 + "x" * 40 + "\nend"
    pieces = split_text(text, 32)
    assert "".join(pieces) == text and all(len(p) <= 32 for p in pieces)
    assert split_text("", 5) == [""]


@pytest.mark.slow
def test_a_text_longer_than_the_parser_takes_is_analysed_in_pieces(monkeypatch):
    import newsfuse.analyze.article as stage
    from newsfuse.analyze.article import analyze_articles
    from newsfuse.clean import split_sentences
    from newsfuse.records import Article

    monkeypatch.setattr(stage, "PIECE_CHARS", 2_000)  # the real piece is 100,000 characters
    monkeypatch.setattr(stage, "MAX_ANALYSED_CHARS", 8_000)
    text = ((EXAMPLES / "samarkand_a.txt").read_text() + "\n\n") * 3
    article = Article("x", text, "long.txt", published="2022-09-15", sentences=split_sentences(text))
    (analysis,) = analyze_articles([article])
    assert all(text[m.start:m.end] == m.text for m in analysis.mentions)
    assert max(m.end for m in analysis.mentions) > 4_000  # found beyond the first pieces
    assert "only the first 8,000" in analysis.errors[-1]


def test_a_second_writer_is_refused_while_a_run_writes_and_a_killed_run_is_closed(tmp_path, bow):
    from newsfuse import StoreError

    path = tmp_path / "n.db"
    with Store(path) as store, Store(path) as other:
        killed = store.start_run()  # a run that never finished
        with store.one_writer(), pytest.raises(StoreError, match="another newsfuse run is writing") as caught:
            ingest([], other, embedder=bow)
        assert caught.value.code == "NF209"
        ingest([], other, embedder=bow)  # the lock is free again
        row = store.db.execute("SELECT finished_at, report FROM ingest_runs WHERE id = ?", (killed,)).fetchone()
        assert row[0] is not None and '"interrupted": true' in row[1]


@pytest.mark.slow
def test_an_ingest_killed_at_a_random_moment_and_rerun_equals_an_uninterrupted_run():
    """One trial of benchmarks/crash.py (SIGKILL to the writer and its workers; the benchmark runs twenty)."""
    import os
    import subprocess
    import sys

    from conftest import ROOT, shared_file

    shared_file("data", "stories", "news_cluster.jsonl")
    seed = int.from_bytes(os.urandom(2), "big")  # a different moment each run: the seed says which
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "crash.py"), "--trials", "1", "--articles", "12",
                           "--batch", "4", "--seed", str(seed)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"seed {seed}:\n{done.stdout}\n{done.stderr}"


def test_one_broken_file_does_not_hide_the_reasons_of_the_others():
    from newsfuse.records import SKIPS_LISTED_PER_FILE, IngestReport, Skipped

    report = IngestReport()
    for line in range(1, 5000):
        report.skip(Skipped(f"bomb.jsonl.gz:{line}", "no text", "NF108"))
    report.skip(Skipped("bomb.jsonl.gz:5000", "too many bad lines", "NF115"))
    report.skip(Skipped("pipe.txt", "not a regular file", "NF116"))
    listed = [s.origin for s in report.skipped]
    assert len(listed) == SKIPS_LISTED_PER_FILE + 2 and listed[-2:] == ["bomb.jsonl.gz:5000", "pipe.txt"]
    assert report.as_dict()["skipped_by_file"] == {"bomb.jsonl.gz": 5000}
