"""The read functions the server and pages use (query.py): on the bundled
example (analysed: ~10 s, built once) and on stores written directly."""

import os

import numpy as np
import pytest
from conftest import EXAMPLES, BagOfWordsEmbedder
from test_cli import stories_db

from newsfuse import Article, ConfigError, NotFoundError, Store, ingest, iter_raw_items
from newsfuse.query import find_entities, find_stories, get_article, get_entity, search, timeline

XI = "person:xi jinping"


@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("reads") / "n.db"
    with Store(path) as store:
        ingest(iter_raw_items([EXAMPLES]), store, embedder=BagOfWordsEmbedder())
    return path


@pytest.fixture
def reader(example_db):
    with Store(example_db, readonly=True) as store:
        yield store


def _unchanged(path):
    return [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(path.parent.iterdir())]


# ---- find_stories -----------------------------------------------------------------

def test_the_example_story_is_listed_with_its_place_entities_counts_and_claims(reader):
    (item,) = find_stories(reader)["items"]
    assert item["n_articles"] == 2 and item["n_independent"] == 2
    assert item["place"]["name"] == "Samarkand"
    assert XI in [e["key"] for e in item["entities"]]
    assert item["record_state"] == "current" and item["claim_counts"]["corroborated"] > 0
    assert set(item["claim_counts"]) == {"corroborated", "single_source", "conflicting", "updated"}


def test_filters_narrow_the_listing(reader):
    (story,) = find_stories(reader)["items"]
    found = find_stories(reader, q="Samarkand", entity=XI, place="samarkand", date_from="2022-09-01",
                         date_to="2022-09-30")
    assert [s["id"] for s in found["items"]] == [story["id"]]
    for narrower in ({"q": "zebra giraffe"}, {"entity": "person:nobody"}, {"place": "Paris"},
                     {"date_from": "2023-01-01"}, {"date_to": "2022-01-01"}, {"q": "  ...  "}):
        assert find_stories(reader, **narrower)["items"] == [], narrower


def test_user_queries_cannot_be_fts_syntax_errors(reader):
    for q in ('"', 'NEAR(', 'a AND OR', "*", "Samarkand)", "title:xi", "^-"):
        find_stories(reader, q=q)
        search(reader, q)
    assert search(reader, "") == [] and search(reader, "  ") == []


@pytest.mark.parametrize("sort", ["latest", "largest", "outlets"])
def test_paging_visits_each_story_once_even_with_stories_added_between_pages(tmp_path, sort):
    path = stories_db(tmp_path / "n.db", 7)
    seen, cursor = [], None
    with Store(path) as store:
        for page_number in range(10):
            page = find_stories(store, sort=sort, limit=2, cursor=cursor)
            seen += [s["id"] for s in page["items"]]
            if page_number == 1:  # a new story between pages: it sorts first, so it is not in this listing
                _add_story(store, "s99", "2024-06-01", 9)
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert sorted(seen) == sorted(f"s{n}" for n in range(1, 8)) and len(seen) == 7


def test_sorts_order_by_date_size_and_outlets(tmp_path):
    with Store(stories_db(tmp_path / "n.db", 3), readonly=True) as store:
        for sort in ("latest", "largest", "outlets"):
            assert [s["id"] for s in find_stories(store, sort=sort)["items"]] == ["s3", "s2", "s1"]
        assert find_stories(store)["items"][0]["claim_counts"] == dict.fromkeys(
            ["corroborated", "single_source", "conflicting", "updated"], 0)


def test_a_bad_cursor_or_sort_is_a_config_error(tmp_path):
    with Store(stories_db(tmp_path / "n.db", 3), readonly=True) as store:
        cursor = find_stories(store, limit=1)["next_cursor"]
        with pytest.raises(ConfigError, match="sorted by 'latest'"):
            find_stories(store, sort="largest", cursor=cursor)
        with pytest.raises(ConfigError):
            find_stories(store, cursor="not a cursor")
        with pytest.raises(ConfigError, match="unknown sort"):
            find_stories(store, sort="random")


def test_story_listing_walks_indexes(tmp_path):
    with Store(stories_db(tmp_path / "n.db", 3), readonly=True) as store:
        for sort in ("latest", "largest"):
            plan = " ".join(store.explain_story_page(sort, ("2024", "s1")))
            assert "USING INDEX stories_" in plan and "TEMP B-TREE" not in plan, plan


def _add_story(store, story_id, date, size):
    with store.transaction():
        for n in range(size):
            article = Article(id=f"{story_id}a{n}", text="More text.", origin="t", source=f"outlet {n}",
                              title="New", published=date)
            store.insert_article(article, external_id=None, near_dup_of=None)
            store.set_article_story(article.id, story_id)
        store.save_story(story_id, title="New", first_seen=date, last_seen=date, n_articles=size, state=None)


# ---- get_article --------------------------------------------------------------------

def test_an_article_comes_with_its_analysis_and_spans_into_its_text(reader):
    (story,) = find_stories(reader)["items"]
    (article_id,) = [a for a in _story_article_ids(reader, story["id"]) if a.startswith("4de1")]
    article = get_article(reader, article_id)
    assert article["story_id"] == story["id"] and article["sentences"]
    mention = article["analysis"]["mentions"][0]
    assert article["text"][mention["start"]:mention["end"]] == mention["text"]
    xi = next(e for e in article["analysis"]["entities"] if e["key"] == XI)
    assert xi["name"] == "Xi Jinping" and "aliases" in xi
    with pytest.raises(NotFoundError):
        get_article(reader, "nope")


def _story_article_ids(store, story_id):
    return [a["id"] for a in store.story_articles(story_id)]
