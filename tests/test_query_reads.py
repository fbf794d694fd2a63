"""The read functions the server and pages use (query.py): on the bundled
example (analysed: ~10 s, built once) and on stores written directly."""

import os

import numpy as np
import pytest
from conftest import BACKENDS, EXAMPLES, BagOfWordsEmbedder
from test_cli import stories_db

from newsfuse import Article, ConfigError, NotFoundError, Store, ingest, iter_raw_items, open_store
from newsfuse.store.copy import copy_database
from newsfuse.query import find_entities, find_stories, get_article, get_entity, search, timeline

XI = "person:xi jinping"


@pytest.fixture(scope="module", params=BACKENDS)
def example_db(request, tmp_path_factory):
    """The example, ingested into SQLite (a Path) or PostgreSQL (a URL)."""
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("reads") / "n.db"
    else:
        target = request.getfixturevalue("pg_server").create_db()
    with open_store(target) as store:
        ingest(iter_raw_items([EXAMPLES]), store, embedder=BagOfWordsEmbedder())
    return target


@pytest.fixture
def reader(example_db):
    with open_store(example_db, readonly=True) as store:
        yield store


def _unchanged(path):
    # the database and its WAL; -shm is SQLite's shared lock memory, which every WAL reader touches
    files = [path, path.with_name(path.name + "-wal")]
    return [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files if p.exists()]


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
def test_paging_visits_each_story_once_even_with_stories_added_between_pages(new_db, sort):
    path = stories_db(new_db("n.db"), 7)
    seen, cursor = [], None
    with open_store(path) as store:
        for page_number in range(10):
            page = find_stories(store, sort=sort, limit=2, cursor=cursor)
            seen += [s["id"] for s in page["items"]]
            if page_number == 1:  # a new story between pages: it sorts first, so it is not in this listing
                _add_story(store, "s99", "2024-06-01", 9)
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert sorted(seen) == sorted(f"s{n}" for n in range(1, 8)) and len(seen) == 7


def test_sorts_order_by_date_size_and_outlets(new_db):
    with open_store(stories_db(new_db("n.db"), 3), readonly=True) as store:
        for sort in ("latest", "largest", "outlets"):
            assert [s["id"] for s in find_stories(store, sort=sort)["items"]] == ["s3", "s2", "s1"]
        assert find_stories(store)["items"][0]["claim_counts"] == dict.fromkeys(
            ["corroborated", "single_source", "conflicting", "updated"], 0)


def test_a_bad_cursor_or_sort_is_a_config_error(new_db):
    with open_store(stories_db(new_db("n.db"), 3), readonly=True) as store:
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


# ---- entities ------------------------------------------------------------------------

def test_xi_jinpings_page_lists_the_samarkand_story_his_quotes_and_events(reader):
    (story,) = find_stories(reader)["items"]
    page = get_entity(reader, XI)
    assert page["name"] == "Xi Jinping" and page["type"] == "person" and "Xi" in page["aliases"]
    assert page["n_articles"] == 2 and page["country"] is None
    assert [(s["id"], s["n_articles_naming"]) for s in page["stories"]] == [(story["id"], 2)]
    assert page["quotes"] and all(q["story_id"] == story["id"] for q in page["quotes"])
    quote = page["quotes"][0]
    assert get_article(reader, quote["article_id"])["text"][quote["start"]:quote["end"]] == quote["text"]
    assert any(e["type"] == "CONSULT" and e["date"] == "2022-09-15" for e in page["events"])
    with pytest.raises(NotFoundError):
        get_entity(reader, "person:nobody")


def test_entities_are_found_by_name_or_alias_most_mentioned_first(reader):
    assert [e["key"] for e in find_entities(reader, "jinping")] == [XI]
    assert XI in [e["key"] for e in find_entities(reader, "xi")]
    everyone = find_entities(reader, limit=5)
    assert len(everyone) == 5 and everyone[0]["mentions"] >= everyone[-1]["mentions"]
    samarkand = next(e for e in find_entities(reader, "Samarkand") if e["type"] == "city")
    assert samarkand["n_stories"] == 1 and samarkand["n_articles"] == 2
    assert get_entity(reader, samarkand["key"])["lat"] is not None


# ---- search ----------------------------------------------------------------------------

def test_a_search_for_samarkand_finds_both_articles_with_hit_parts(reader):
    hits = search(reader, "samarkand", limit=50)
    articles = [h for h in hits if h["kind"] == "article"]
    assert len(articles) == 2 and any(h["kind"] == "fact" for h in hits)
    for hit in hits:
        assert any(p["hit"] and p["text"].lower() == "samarkand" for p in hit["snippet"])
        assert not any(c in p["text"] for p in hit["snippet"] for c in "\x02\x03")
    fact = next(h for h in hits if h["kind"] == "fact")
    assert fact["id"].startswith(fact["story_id"] + ":")


def test_semantic_and_hybrid_search_rank_by_the_callers_vector(reader):
    vector = BagOfWordsEmbedder().encode(["Xi Jinping Putin meet in Samarkand"])[0]
    near = search(reader, "", mode="semantic", query_vector=vector)
    assert {h["kind"] for h in near} == {"article"} and near[0]["score"] > 0
    fused = search(reader, "Samarkand", mode="hybrid", query_vector=vector)
    assert fused[0]["kind"] == "article" and fused[0]["snippet"][0]["text"]
    with pytest.raises(ConfigError, match="query_vector"):
        search(reader, "x", mode="hybrid")
    with pytest.raises(ConfigError, match="7 dimensions"):
        search(reader, "x", mode="semantic", query_vector=np.ones(7))


# ---- timeline ----------------------------------------------------------------------------

def test_the_timeline_merges_dated_events_and_facts_in_date_order(reader):
    entries = timeline(reader)
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
    assert {e["kind"] for e in entries} == {"event", "fact"}
    assert all(e["evidence"] and e["story_id"] for e in entries)
    day = timeline(reader, date_from="2022-09-15", date_to="2022-09-15")
    assert day and all("2022-09-15".startswith(e["date"]) for e in day)  # that day, or a month or year holding it
    xi = timeline(reader, entity=XI)
    assert xi and len(xi) < len(entries) and timeline(reader, entity="person:nobody") == []
    assert len(timeline(reader, limit=3)) == 3


# ---- reads only; indexes kept in sync -------------------------------------------------------

def test_reads_on_a_read_only_store_write_nothing(example_db):
    if isinstance(example_db, str):  # PostgreSQL: no file to compare; a read-only store cannot write at all
        pytest.skip("files only: tests/test_pg_store.py checks that a read-only PostgreSQL store refuses writes")
    before = _unchanged(example_db)
    with Store(example_db, readonly=True) as store:
        (story,) = find_stories(store, q="Putin")["items"]
        get_article(store, store.story_articles(story["id"])[0]["id"])
        get_entity(store, XI), find_entities(store, "put"), search(store, "Putin"), timeline(store)
    assert _unchanged(example_db) == before


def test_the_fact_index_follows_a_rebuilt_record(example_db, tmp_path, request):
    from newsfuse.story_record import update_story_record

    path = str(tmp_path / "copy.db") if not isinstance(example_db, str) else \
        request.getfixturevalue("pg_server").create_db()
    with open_store(example_db, readonly=True) as source, open_store(path) as copy:
        copy_database(source, copy)
    with open_store(path) as store:
        (story,) = find_stories(store)["items"]
        gone = next(iter(store.story_facts(story["id"])))
        with store.transaction():
            store.put_story_facts(story["id"], {}, gone=[gone])
        assert f"{story['id']}:{gone}" not in [h["id"] for h in search(store, "Xi Putin", limit=100)]
        _assert_fact_index_matches(store)
        with store.transaction():
            update_story_record(store, story["id"], redo=True)
        _assert_fact_index_matches(store)
        assert any(h["id"] == f"{story['id']}:{gone}" for h in search(store, "Xi Putin", limit=100))


def _assert_fact_index_matches(store):
    facts = store.db.execute("SELECT story_id, fact_id FROM story_facts ORDER BY 1, 2").fetchall()
    indexed = store.db.execute("SELECT story_id, fact_id FROM fact_texts ORDER BY 1, 2").fetchall()
    assert [tuple(r) for r in facts] == [tuple(r) for r in indexed]
    if store.backend == "postgres":  # a tsvector row for each fact text and each article
        assert store.db.execute("SELECT COUNT(*) FROM fact_texts t JOIN facts_fts f ON f.id = t.id").fetchone()[0] \
            == len(indexed)
        assert store.db.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0] == store.count_articles()
        return
    store.db.execute("INSERT INTO facts_fts (facts_fts, rank) VALUES ('integrity-check', 1)")
    store.db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
