"""The analysis stage inside ingest, in the store, and later with `analyze`."""

import sqlite3

from conftest import EXAMPLES

from newsfuse import Store, get_story, ingest, iter_raw_items, list_stories
from newsfuse.store import open_store
from newsfuse.config import Options
from newsfuse.pipeline import analyze_stored
from newsfuse.records import Analysis
from newsfuse.store.migrations import MIGRATIONS


def test_ingest_stores_one_analysis_per_article(new_db, bow):
    with open_store(new_db("n.db")) as store:
        report = ingest(iter_raw_items([EXAMPLES]), store, embedder=bow)
        stored = store.analyses(report.article_ids)
        assert set(stored) == set(report.article_ids)
        data = next(iter(stored.values()))
        analysis = Analysis.from_dict(data)
        assert analysis.as_dict() == data  # stored JSON reads back into the same records
        assert analysis.entities and analysis.mentions and analysis.timexes
        assert "analyze" in report.seconds
        keys = {r[0] for r in store.db.execute("SELECT entity_key FROM article_entities")}
        assert {"person:xi jinping", "person:vladimir putin", "country:UZ"} <= keys


def test_analysis_can_be_left_for_later_and_filled_in(new_db, bow):
    from dataclasses import replace

    with open_store(new_db("n.db")) as store:
        report = ingest(iter_raw_items([EXAMPLES]), store, embedder=bow, options=replace(Options(), analyze=False))
        story_id = list_stories(store)[0]["id"]
        assert get_story(store, story_id)["analysis"] is None
        seen = []
        assert analyze_stored(store, progress=lambda *a: seen.append(a)) == 2
        assert ("analyze", 2, 2) in seen and seen[-1] == ("records", 1, 1)  # then the story's record is rebuilt
        assert set(store.analyses(report.article_ids)) == set(report.article_ids)
        assert analyze_stored(store) == 0  # nothing left to do
        assert get_story(store, story_id)["analysis"]["where"]["name"] == "Samarkand, Uzbekistan"


def test_a_version_2_database_is_migrated_to_hold_analyses(tmp_path):
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    raw.executescript(MIGRATIONS[0] + ";" + MIGRATIONS[1] + "; PRAGMA user_version = 2;")
    raw.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.analyses(["nothing"]) == {}


def test_an_extractor_failing_on_one_article_loses_only_its_own_items(new_db, bow, monkeypatch):
    import newsfuse.analyze.article as stage

    def broken(doc):
        if "Samarkand from ancient times" in doc.text:
            raise IndexError("tuple index out of range")
        return []

    monkeypatch.setattr(stage, "find_quotes", broken)
    with open_store(new_db("n.db")) as store:
        report = ingest(iter_raw_items([EXAMPLES]), store, embedder=bow)
        assert report.ingested == 2
        (failed,) = report.analysis_errors
        assert failed["errors"] == ["quotes: IndexError: tuple index out of range"]
        analysis = Analysis.from_dict(store.analyses([failed["article"]])[failed["article"]])
        assert analysis.entities and analysis.events and not analysis.quotes
