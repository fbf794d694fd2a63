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
    result = runner.invoke(app, ["story", "nope", "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 1
    assert "story id 'nope' matches no story" in result.output


def test_bad_published_option_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--published", "yesterday", "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 1
    assert "'yesterday' is not a date" in result.output
