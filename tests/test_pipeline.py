import sqlite3

import pytest

from newsfuse import ClusterOptions, Options, Store, get_story, ingest, list_stories
from newsfuse.store import open_store
from newsfuse.errors import StoreError
from newsfuse.records import RawItem
from newsfuse.store.migrations import MIGRATIONS

BRIDGE = ("The city council of Duisburg voted on Monday to close the old Rhine bridge for urgent repairs after "
          "engineers found deep cracks in two of its steel supports. The mayor said traffic would be diverted "
          "through the northern ring road for at least three months while the work goes on. ")
FLOOD = ("Heavy rain flooded dozens of homes in the coastal town of Brixham on Saturday as a storm moved across "
         "southern England, and the fire service rescued several residents from cars trapped in rising water. ")


def item(origin, text, **meta):
    return RawItem(origin, "text", text, meta)


def test_same_content_twice_is_one_article_with_both_urls(new_db, bow):
    with open_store(new_db("n.db")) as store:
        first = ingest([item("a", BRIDGE, url="http://one.example/a")], store, embedder=bow)
        again = ingest([item("b", BRIDGE.replace("  ", " ").upper().lower(), url="http://two.example/b")],
                       store, embedder=bow)
        assert (first.ingested, again.ingested, again.duplicates) == (1, 0, 1)
        article = store.article(first.article_ids[0])
        assert article["urls"] == ["http://one.example/a", "http://two.example/b"]
        same_run = ingest([item("c", FLOOD * 2, url="http://three.example/c"),
                           item("d", FLOOD * 2, url="http://four.example/d")], store, embedder=bow)
        assert (same_run.ingested, same_run.duplicates) == (1, 1)
        assert store.article(same_run.article_ids[0])["urls"] == ["http://four.example/d", "http://three.example/c"]


def test_syndicated_copy_is_a_near_duplicate_in_the_same_story(new_db, bow):
    reprint = "Bridge to close for repairs\nBy Staff Writer\n" + BRIDGE + "Copyright Wire Agency."
    with open_store(new_db("n.db")) as store:
        report = ingest([item("wire", BRIDGE * 2, source="wire"), item("copy", reprint + BRIDGE, source="paper"),
                         item("other", FLOOD * 2, source="paper")], store, embedder=bow)
        assert report.near_duplicates == 1
        wire, copy, other = report.article_ids
        assert store.article(copy)["near_dup_of"] == wire
        assert store.story_of_article(copy) == store.story_of_article(wire) != store.story_of_article(other)
        story = get_story(store, store.story_of_article(wire))
        assert (story["n_articles"], story["n_sources"], story["n_independent"]) == (2, 2, 1)
        listed = next(s for s in list_stories(store) if s["id"] == story["id"])
        assert (listed["n_sources"], listed["n_independent"]) == (2, 1)


def test_late_arrival_is_placed_by_its_publication_date(new_db, bow):
    options = ClusterOptions(window_days=5, window_margin=None)  # the hard window: a year later is new
    with open_store(new_db("n.db")) as store:
        first = ingest([item("a", BRIDGE * 2, published="2024-03-01"), item("b", FLOOD * 2, published="2024-03-20")],
                       store, embedder=bow, cluster_options=options)
        shuffled = " ".join(reversed(BRIDGE.split())) * 2  # same words, not a near-duplicate
        late = ingest([item("late", shuffled, published="2024-03-02")], store,
                      embedder=bow, cluster_options=options)
        assert late.near_duplicates == 0
        assert store.story_of_article(late.article_ids[0]) == store.story_of_article(first.article_ids[0])
        resorted = " ".join(sorted(BRIDGE.split())) * 2
        much_later = ingest([item("later", resorted, published="2025-03-02")], store,
                            embedder=bow, cluster_options=options)
        assert much_later.new_stories == 1


def test_bad_item_is_skipped_and_the_rest_ingested(new_db, bow):
    items = [item("short", "Too short."), item("bad-date", BRIDGE, published="next week"), item("ok", FLOOD * 2)]
    with open_store(new_db("n.db")) as store:
        report = ingest(items, store, embedder=bow)
    assert report.ingested == 1
    reasons = {s.origin: s.reason for s in report.skipped}
    assert "only 2 words" in reasons["short"]
    assert "'next week' is not a date" in reasons["bad-date"]


def test_interrupted_run_keeps_committed_batches_and_can_be_rerun(new_db, bow):
    texts = [f"Report number {i} on a separate matter. " + (FLOOD if i % 2 else BRIDGE) + f" Detail {i}." * 30
             for i in range(6)]

    class Failing:
        name, dim, calls = bow.name, bow.dim, 0

        def encode(self, batch):
            Failing.calls += 1
            if Failing.calls == 2:
                raise KeyboardInterrupt("power cut")  # not an error of one item: the run stops
            return bow.encode(batch)

    options = Options(batch_size=2)
    path = new_db("n.db")
    with open_store(path) as store, pytest.raises(KeyboardInterrupt):
        ingest([item(str(i), t) for i, t in enumerate(texts)], store, options=options, embedder=Failing())
    with open_store(path) as store:
        assert store.count_articles() == 2
        report = ingest([item(str(i), t) for i, t in enumerate(texts)], store, options=options, embedder=bow)
        assert (report.duplicates, report.ingested, store.count_articles()) == (2, 4, 6)


def test_an_article_the_embedder_fails_on_is_skipped_and_the_batch_kept(new_db, bow):
    texts = [f"Report number {i} on a separate matter. " + FLOOD + f" Detail {i}." * 30 for i in range(4)]

    class Picky:
        name, dim = bow.name, bow.dim

        def encode(self, batch):
            if any("number 2 " in text for text in batch):
                raise ValueError("cannot encode this one")
            return bow.encode(batch)

    with open_store(new_db("n.db")) as store:
        report = ingest([item(str(i), t) for i, t in enumerate(texts)], store, options=Options(batch_size=4),
                        embedder=Picky())
        assert (report.ingested, store.count_articles()) == (3, 3)
    (skip,) = report.skipped
    assert (skip.origin, skip.code) == ("2", "NF190") and "embedding failed: ValueError" in skip.reason


def test_story_ids_are_stable_across_fresh_runs(new_db, bow):
    items = lambda: [item("a", BRIDGE * 2, published="2024-01-02"), item("b", FLOOD * 2, published="2024-01-01"),
                     item("c", BRIDGE * 2 + " More detail.", published="2024-01-03")]
    ids = []
    for name in ("one.db", "two.db"):
        with open_store(new_db(name)) as store:
            ingest(items(), store, embedder=bow)
            ids.append(sorted((s["id"], s["n_articles"]) for s in list_stories(store)))
    assert ids[0] == ids[1] and sorted(n for _, n in ids[0]) == [1, 2]


def test_bridging_article_merges_stories_and_keeps_history(new_db, bow):
    # English (an unknown language is clustered on words within itself and never merged: tests/test_languages.py)
    left = "engineers inspected cracked steel bridge supports near duisburg harbour and " * 6
    right = "firefighters rescued stranded drivers from flooded roads around brixham and " * 6
    options = ClusterOptions(threshold=0.3, merge_threshold=0.3, time_weight=0, lead_weights=(0.3, 0.1, 0.6),
                             lead_names_weight=0.0, lead_threshold=None)  # the merge, not the weights, is tested
    with open_store(new_db("n.db")) as store:
        report = ingest([item("l", left), item("r", right), item("bridge", left + right)], store,
                        embedder=bow, cluster_options=options, order="arrival")
        ids = {"s" + a[:11] for a in report.article_ids[:2]}  # the two stories the first reports started
        merged = {store.story_of_article(a) for a in report.article_ids}
        assert len(merged) == 1 and merged < ids
        survivor = next(iter(merged))
        (gone,) = ids - {survivor}
        record = get_story(store, gone)
        assert record["id"] == survivor and record["requested_id"] == gone
        assert [(m["from"], m["into"]) for m in record["merge_history"]] == [(gone, survivor)]
        assert record["n_articles"] == 3


def test_schema_is_migrated_and_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "n.db"
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(StoreError, match="newer than this newsfuse"):
        Store(path)


def test_an_old_database_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    raw.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    raw.execute("INSERT INTO stories (id, n_articles, created_at, updated_at) VALUES ('s1', 0, 'x', 'x')")
    raw.commit()
    raw.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.term_df() == {} and store.story_row("s1")["id"] == "s1"


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        Store(path)
