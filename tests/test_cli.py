import json

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from newsfuse.cli import app

runner = CliRunner()


@pytest.mark.slow
def test_ingest_list_and_show_the_example(tmp_path):
    db = str(tmp_path / "n.db")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("")
    result = runner.invoke(app, ["ingest", str(EXAMPLES), str(tmp_path / "in"), "--db", db])
    assert result.exit_code == 0, result.output
    assert "ingested 2, duplicates 0, near-duplicates 0, new stories 1, skipped 1" in result.output
    assert "empty.txt: empty file [NF103]" in result.output
    stories = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).output)
    assert [(s["n_articles"], s["n_sources"]) for s in stories] == [(2, 2)]
    story = json.loads(runner.invoke(app, ["story", stories[0]["id"][:6], "--db", db, "--json"]).output)
    assert story["id"] == stories[0]["id"] and len(story["articles"]) == 2
    again = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", db, "--json"])
    assert json.loads(again.output)["duplicates"] == 2


def test_unknown_story_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["story", "nope", "--db", stories_db(tmp_path / "n.db", 1)])
    assert result.exit_code == 1
    assert "story id 'nope' matches no story" in result.output


def test_reading_a_mistyped_path_says_so_and_creates_nothing(tmp_path):
    for command in (["stories"], ["story", "--largest"]):
        result = runner.invoke(app, [*command, "--db", str(tmp_path / "typo.db")])
        assert result.exit_code == 1
        assert "[NF202] no database file at" in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_published_option_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--published", "yesterday", "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 1
    assert "'yesterday' is not a date" in result.output


def stories_db(path, n_stories: int) -> str:
    """A store with stories of 1..n articles (largest last), written directly: no models."""
    from newsfuse import Article, open_store

    with open_store(path) as store, store.transaction():
        for size in range(1, n_stories + 1):
            for n in range(size):
                article = Article(id=f"a{size}x{n}", text="Some text.", origin="t", source=f"outlet {n}",
                                  title=f"Story [{size}]", published="2024-05-0" + str(size))
                store.insert_article(article, external_id=None, near_dup_of=None)
                store.set_article_story(article.id, f"s{size}")
            store.save_story(f"s{size}", title=article.title, first_seen=article.published,
                             last_seen=article.published, n_articles=size, state=None)
    return str(path)


def test_stories_lists_the_largest_as_tab_separated_lines_and_says_how_many_more(tmp_path):
    db = stories_db(tmp_path / "n.db", 3)
    result = runner.invoke(app, ["stories", "--db", db, "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "id\ttitle\tfirst\tlast\tarticles\toutlets\tindependent",
        "s3\tStory [3]\t2024-05-03\t2024-05-03\t3\t3\t3",
        "s2\tStory [2]\t2024-05-02\t2024-05-02\t2\t2\t2",
    ]
    assert result.stderr.strip() == "1 more not shown: --limit 0 lists all 3 stories"


def test_stories_json_lists_every_story_unless_limited(tmp_path):
    db = stories_db(tmp_path / "n.db", 3)
    everything = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).stdout)
    assert [s["id"] for s in everything] == ["s3", "s2", "s1"]
    limited = json.loads(runner.invoke(app, ["stories", "--db", db, "--json", "--limit", "1"]).stdout)
    assert [s["id"] for s in limited] == ["s3"]


def test_stories_says_how_many_records_are_pending(tmp_path):
    from newsfuse import Store

    db = stories_db(tmp_path / "n.db", 2)
    with Store(db) as store, store.transaction():
        store.mark_pending(["s1", "s2"])
    result = runner.invoke(app, ["stories", "--db", db])
    assert result.exit_code == 0, result.output
    assert "2 story record(s) pending" in result.stderr and "newsfuse build" in result.stderr
    assert len(result.stdout.splitlines()) == 3  # the listing itself unchanged
