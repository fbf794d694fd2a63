"""newsfuse export: one file per table, both formats, and the articles round trip."""

import json
from collections import defaultdict

import pytest
from conftest import EXAMPLES, BagOfWordsEmbedder, shared_file
from typer.testing import CliRunner

from newsfuse import Options, Store, ingest, iter_raw_items
from newsfuse import export_tables as export_module
from newsfuse.errors import ConfigError
from newsfuse.export_tables import SCHEMAS, export_tables


def sample(tmp_path, n_events: int = 8):
    """The articles of the first ``n_events`` events of news_cluster, as JSON Lines."""
    rows = [json.loads(line) for line in shared_file("data", "stories", "news_cluster.jsonl").open()]
    events = list(dict.fromkeys(r["event_id"] for r in rows))[:n_events]
    path = tmp_path / "sample.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows if r["event_id"] in events))
    return path


def ingested(db, paths, options=Options(analyze=False)):
    with Store(db) as store:
        ingest(iter_raw_items(paths), store, embedder=BagOfWordsEmbedder(), options=options)
    return db


def partition(db):
    stories = defaultdict(set)
    with Store(db, readonly=True) as store:
        for row in store.articles_page(0, 10**6):
            stories[row["story_id"]].add(row["id"])
    return {frozenset(ids) for ids in stories.values()}


def read_jsonl(path):
    return [json.loads(line) for line in path.open()]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    return ingested(tmp / "a.db", [sample(tmp)])


def test_exported_articles_ingested_again_give_the_same_stories(small_db, tmp_path):
    with Store(small_db, readonly=True) as store:
        written = export_tables(store, tmp_path / "out", fmt="jsonl", tables=["articles"])
    rows = read_jsonl(tmp_path / "out" / "articles.jsonl")
    assert written == {"articles": len(rows)} and len(rows) > 10
    assert set(rows[0]) == set(SCHEMAS["articles"])
    again = ingested(tmp_path / "b.db", [tmp_path / "out" / "articles.jsonl"])
    assert partition(again) == partition(small_db)
    assert len(partition(small_db)) > 1


def test_jsonl_tables_follow_their_schema(small_db, tmp_path):
    with Store(small_db, readonly=True) as store:
        written = export_tables(store, tmp_path, fmt="jsonl", chunk=3)
    assert set(written) == set(SCHEMAS)
    stories = read_jsonl(tmp_path / "stories.jsonl")
    assert len(stories) == written["stories"] == len(partition(small_db))
    assert sum(s["n_articles"] for s in stories) == written["articles"]
    for table in SCHEMAS:
        for row in read_jsonl(tmp_path / f"{table}.jsonl"):
            assert list(row) == list(SCHEMAS[table])
    assert not list(tmp_path.glob("*.part"))


def test_parquet_tables_have_the_declared_types(small_db, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    with Store(small_db, readonly=True) as store:
        written = export_tables(store, tmp_path, fmt="parquet", tables=["articles", "stories"], chunk=4)
    articles = pq.read_table(tmp_path / "articles.parquet")
    assert articles.schema == export_module.arrow_schema("articles") and articles.num_rows == written["articles"]
    assert pq.ParquetFile(tmp_path / "articles.parquet").num_row_groups > 1  # written in chunks
    stories = pq.read_table(tmp_path / "stories.parquet").to_pylist()
    assert {frozenset(s["article_ids"]) for s in stories} == partition(small_db)


def test_every_column_is_described_in_the_module_docstring():
    doc = export_module.__doc__
    for table, columns in SCHEMAS.items():
        assert f"\n{table} —" in doc
        assert all(column in doc for column in columns)


def test_bad_requests_are_clear_errors(small_db, tmp_path, monkeypatch):
    with Store(small_db, readonly=True) as store:
        with pytest.raises(ConfigError, match="unknown table"):
            export_tables(store, tmp_path, tables=["articles", "people"])
        with pytest.raises(ConfigError, match="unknown export format"):
            export_tables(store, tmp_path, fmt="csv")
        monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
        with pytest.raises(ConfigError, match="needs pyarrow") as failed:
            export_tables(store, tmp_path, fmt="parquet", tables=["entities"])
    assert failed.value.code == "NF402"


def test_cli_export(small_db, tmp_path):
    from newsfuse.cli import app

    result = CliRunner().invoke(app, ["export", "--format", "jsonl", "--what", "articles,stories",
                                      "-o", str(tmp_path / "x"), "--db", str(small_db)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["articles.jsonl", "stories.jsonl"]
    bad = CliRunner().invoke(app, ["export", "--what", "nope", "-o", str(tmp_path / "y"), "--db", str(small_db)])
    assert bad.exit_code == 1 and "NF401" in bad.output


def test_claims_events_quotes_and_entities_come_from_the_analyses(tmp_path):
    # with analysis (spaCy) on the two Samarkand reports: 9 s here, under the 20 s that makes a test slow
    db = ingested(tmp_path / "s.db", [EXAMPLES], Options())
    with Store(db, readonly=True) as store:
        written = export_tables(store, tmp_path, fmt="jsonl")
    assert all(written[t] > 0 for t in ("claims", "events", "quotes", "entities"))
    claims = read_jsonl(tmp_path / "claims.jsonl")
    assert {c["status"] for c in claims} >= {"corroborated", "single-source"}
    assert any(len(c["outlets"]) == 2 and len(c["article_ids"]) >= 2 for c in claims)
    quotes = read_jsonl(tmp_path / "quotes.jsonl")
    assert any(q["speaker"] == "Vladimir Putin" for q in quotes)
    entities = {e["name"] for e in read_jsonl(tmp_path / "entities.jsonl")}
    assert {"Xi Jinping", "Vladimir Putin"} <= entities
