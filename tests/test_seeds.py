"""The defining example: the two Samarkand reports make one story."""

import shutil

import pytest

from newsfuse import Store, get_story, ingest, iter_raw_items, list_stories
from conftest import EXAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_story(tmp_path_factory, minilm):
    path = tmp_path_factory.mktemp("seeds") / "n.db"
    with Store(path) as store:
        report = ingest(iter_raw_items([EXAMPLES]), store, embedder=minilm)
        assert report.ingested == 2 and not report.skipped
        stories = list_stories(store)
        return stories, get_story(store, stories[0]["id"], with_text=True)


def test_one_story_holds_both_seed_articles(seed_story):
    stories, story = seed_story
    assert len(stories) == 1
    assert story["n_articles"] == 2 and story["n_sources"] == 2
    assert {a["origin"].rsplit("/", 1)[-1] for a in story["articles"]} == {"samarkand_a.txt", "samarkand_b.txt"}
    assert story["title"] == "Putin, Xi meet for high-stakes talks in challenge to West"
    assert story["first_seen"] == story["last_seen"] == "2022-09-15"


def test_seed_b_is_clean_and_whole(seed_story):
    _, story = seed_story
    b = next(a for a in story["articles"] if a["origin"].endswith("samarkand_b.txt"))
    for chrome in ("Sunday 24th of September 2023", "Last Update", "Latest News", "Most Read Articles"):
        assert chrome not in b["text"]
    assert b["text"].startswith("SAMARKAND, Uzbekistan — Chinese President Xi Jinping told his Russian counterpart")
    assert b["text"].endswith("calling US House Speaker Nancy Pelosi’s visit to the island this summer a “clear provocation”.")
    assert (b["published"], b["published_from"]) == ("2022-09-15", "metadata")


def test_without_metadata_the_chrome_date_is_not_the_publication_date(tmp_path, bow):
    shutil.copy(EXAMPLES / "samarkand_b.txt", tmp_path / "b.txt")
    with Store(tmp_path / "n.db") as store:
        report = ingest(iter_raw_items([tmp_path]), store, embedder=bow)
        article = store.article(report.article_ids[0])
    assert article["published"] is None and article["published_from"] is None
    assert article["title"] == "Putin, Xi meet for high-stakes talks in challenge to West"
