"""The story record: stored, rebuilt when its story changes, exported as
Markdown and HTML; syndicated copies inside a story; the claims figures on
hand-annotated news_cluster stories."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, shared_file
from typer.testing import CliRunner

from newsfuse import Store, get_story, ingest, iter_raw_items, list_stories
from newsfuse.align import ArticleClaims, StoryAlignment
from newsfuse.claim_vectors import ClaimVectors
from newsfuse.clean import content_id
from newsfuse.cli import app
from newsfuse.dedup import shingle_hashes
from newsfuse.export import story_html, story_markdown
from newsfuse.records import Article, RawItem
from newsfuse.story_record import record_state

GOLDS = sorted((Path(__file__).parent / "data" / "claims_gold").glob("*.json"))
WIRE = ("A tourist ship struck a highway bridge on the Rhine river in western Germany late on Tuesday. "
        "Police say 27 people are injured, four of them seriously, after the vessel hit a pillar of the bridge. "
        "The ship was carrying 103 passengers and 26 crew members on a tour that began in Basel. ")


def article(text: str, published: str = "2024-03-04") -> Article:
    return Article(content_id(text), text, "test", published=published)


def no_claims(a: Article, outlet: str, copy_of: str | None = None) -> ArticleClaims:
    empty = np.zeros((0, 384), dtype=np.float32)
    return ArticleClaims(a.id, outlet, a.published, [], ClaimVectors(empty, empty, empty, np.zeros(0, dtype=int)),
                         shingle_hashes(a.text, 5), copy_of)


def originals(*articles: ArticleClaims) -> dict:
    alignment = StoryAlignment()
    for one in articles:
        alignment.add(one)
    return alignment.originals()


def test_a_wire_story_with_an_outlets_additions_is_a_copy_and_independent_reports_are_not():
    wire = article(WIRE)
    reprint = article("Scroll down for video. " + WIRE + "Passengers were offered hotel rooms for the night.")
    own = article("A cruise vessel with 129 people aboard hit a motorway bridge near Duisburg, injuring dozens, "
                  "German police said on Wednesday, adding that the bridge would stay closed for checks.")
    found = originals(no_claims(wire, "wire"), no_claims(reprint, "paper"), no_claims(own, "other"))
    assert found == {wire.id: None, reprint.id: wire.id, own.id: None}


def test_copy_links_that_form_a_cycle_still_give_one_original():
    a, b = article(WIRE, "2024-03-04"), article(WIRE + " More.", "2024-03-05")
    assert originals(no_claims(a, "x", copy_of=b.id), no_claims(b, "y", copy_of=a.id)) == {a.id: None, b.id: a.id}


def test_a_late_report_published_earlier_becomes_the_original_of_its_copies():
    later, earlier = article(WIRE + " Update.", "2024-03-05"), article(WIRE, "2024-03-04")
    assert originals(no_claims(later, "x"), no_claims(earlier, "y")) == {later.id: earlier.id, earlier.id: None}


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory, minilm):
    path = tmp_path_factory.mktemp("record") / "n.db"
    with Store(path) as store:
        ingest(iter_raw_items([EXAMPLES]), store, embedder=minilm)
    return path


@pytest.mark.slow
def test_ingest_keeps_the_record_current_as_the_story_grows(seed_db, tmp_path, minilm):
    db = tmp_path / "copy.db"
    db.write_bytes(seed_db.read_bytes())
    a_text = (EXAMPLES / "samarkand_a.txt").read_text()
    with Store(db) as store:
        story_id = list_stories(store)[0]["id"]
        assert record_state(store, story_id)[0] == "current"
        ingest([RawItem("reprint.txt", "text", a_text + "\nThe summit ends on Friday.",
                        {"source": "reprint.example", "published": "2022-09-16"})], store, embedder=minilm)
        assert record_state(store, story_id)[0] == "current"  # ingest updated it
        record = get_story(store, story_id)
    assert record["n_articles"] == 3
    collapsed = {copy for fact in record["claims"] for copy in fact["collapsed"]}
    assert len(collapsed) == 1 and all(f["independent_sources"] <= 2 for f in record["claims"])


@pytest.mark.slow
def test_markdown_and_html_exports_cite_sources_and_need_nothing_from_the_web(seed_db):
    with Store(seed_db) as store:
        record = get_story(store, list_stories(store)[0]["id"])
    markdown = story_markdown(record, summary_sentences=3)
    summary = markdown.split("## Summary")[1].split("##")[0]
    assert summary.count("\n1. ") == 1 and "\n4. " not in summary and "[1, 2]" in summary
    for section in ("## Timeline", "## Claims", "### Corroborated", "## Sources"):
        assert section in markdown
    page = story_html(record)
    assert page.startswith("<!DOCTYPE html>") and "<table>" in page and "<ol>" in page
    assert "<script" not in page and "src=" not in page and "stylesheet" not in page


def test_article_text_cannot_inject_markup_into_the_html():
    record = {"id": "s1", "title": "<b>x</b>", "n_articles": 1, "n_sources": 1, "n_independent": 1,
              "first_seen": None, "last_seen": None, "analysis": None, "claims": None, "summary": [],
              "timeline": [], "articles": [{"id": "a", "source": None, "title": "<script>alert(1)</script>",
                                            "url": None, "published": None, "near_dup_of": None}]}
    page = story_html(record)
    assert "<script>" not in page and "&lt;script&gt;" in page


@pytest.mark.slow
def test_cli_writes_markdown_and_html_files_and_rebuilds_records(seed_db, tmp_path):
    runner, db = CliRunner(), str(seed_db)
    for flag, name in (("--md", "story.md"), ("--html", "story.html")):
        result = runner.invoke(app, ["story", "--largest", "--db", db, flag, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "story.md").read_text().startswith("# Putin, Xi meet")
    assert "</html>" in (tmp_path / "story.html").read_text()
    both = runner.invoke(app, ["story", "--largest", "--db", db, "--md", "--html"])
    assert both.exit_code == 1 and "choose one of --json, --md, --html" in both.output
    rebuilt = runner.invoke(app, ["build", "--redo", "--db", db])
    assert rebuilt.exit_code == 0 and "built 1 story record(s)" in rebuilt.output


@pytest.mark.slow
def test_claims_on_hand_annotated_news_cluster_stories(static):
    """Gold written by hand for four news_cluster events (offsets, no texts).
    Events 2 and 4 were read while fixing syndication and number matching
    (development); 5 and 37 were scored, never inspected (held-out)."""
    from newsfuse.eval.claims import evaluate_claims

    data = shared_file("data", "stories", "news_cluster.jsonl").parents[1]
    scores = evaluate_claims(GOLDS, data=data, static=static)
    held_out = [scores["stories"][f"news_cluster_event_{n}"] for n in (5, 37)]
    # measured with the static vectors and the incremental fold: held-out pair
    # P 0.86 / 0.92, R 0.78 / 0.48, status accuracy 0.91 / 0.82 (MiniLM over
    # every window, before: P 0.93 / 0.86, R 0.67 / 0.48, accuracy 0.83 / 0.74);
    # with facts split and two-way links (development since issue 12):
    # P 0.86 / 1.00, R 0.78 / 0.52, accuracy 0.89 / 0.79; with the pair
    # weights fitted on the dev gold (these two stories among it): P 0.85 /
    # 1.00, R 0.79 / 0.42, accuracy 0.85 / 0.79: event 37 loses three of
    # the pairs the hand-set score linked (leave one story out, where 37 is
    # not among the stories fitted on, gives the same 0.42)
    assert all(s["pair_precision"] >= 0.8 for s in held_out)
    assert all(s["pair_recall"] >= 0.38 for s in held_out)
    assert all(s["status_accuracy"] >= 0.72 for s in held_out)
    # event 4: every report is one AP story, the Daily Mail's with its own additions
    assert scores["stories"]["news_cluster_event_4"]["corroborated_predicted"] == 0
    assert json.dumps(scores)  # plain data, as `newsfuse eval claims --json` prints it


def test_a_read_of_a_stale_story_says_so_and_neither_writes_nor_loads_a_model(tmp_path, bow):
    import subprocess
    import sys
    from dataclasses import replace

    from newsfuse.config import Options

    db = tmp_path / "n.db"
    with Store(db) as store:
        ingest(iter_raw_items([EXAMPLES]), store, embedder=bow)
        story_id = list_stories(store)[0]["id"]
        a_text = (EXAMPLES / "samarkand_a.txt").read_text()
        ingest([RawItem("reprint.txt", "text", a_text + "\nThe summit ends on Friday.", {"source": "r.example"})],
               store, embedder=bow, options=replace(Options(), story_records=False))
        before = store.story_record(story_id)
    script = ("import sys, json; from newsfuse import Store, get_story\n"
              f"with Store({str(db)!r}) as s: r = get_story(s, {story_id!r})\n"
              "print(json.dumps([r['record_state'], r['record_hint'], r['n_articles'], len(r['claims']),"
              " sorted(m for m in ('torch', 'spacy', 'sentence_transformers') if m in sys.modules)]))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    state, hint, n_articles, n_claims, models = json.loads(result.stdout)
    assert (state, n_articles, models) == ("stale", 3, []) and "newsfuse build" in hint
    assert n_claims > 0  # the stored claims are still shown, marked stale
    with Store(db) as store:
        assert store.story_record(story_id) == before  # the read wrote nothing


@pytest.mark.slow
def test_a_record_fed_one_article_at_a_time_equals_the_record_built_at_once(tmp_path, bow, monkeypatch):
    """Six reports of news_cluster event 5 (three of them AP copies) join one
    story one at a time; updates alternate between the in-memory cache and
    the stored record, and each aligns only the new article."""
    from dataclasses import replace

    from newsfuse.align import StoryAlignment
    from newsfuse.config import Options
    from newsfuse.ingest.sources import jsonl_record
    from newsfuse.story_record import AlignmentCache, update_story_record

    corpus = shared_file("data", "stories", "news_cluster.jsonl")
    lines = [(n, line) for n, line in enumerate(corpus.read_bytes().splitlines(), start=1)
             if json.loads(line)["event_id"] == 5]
    with Store(tmp_path / "n.db") as store:
        report = ingest([jsonl_record(f"{corpus}:{n}", line) for n, line in lines], store, embedder=bow,
                        options=replace(Options(), story_records=False))
        ids = [r["id"] for r in store.db.execute("SELECT id FROM articles ORDER BY seq")]
        assert len(ids) == report.ingested == 6
        added, real_add = [], StoryAlignment.add
        monkeypatch.setattr(StoryAlignment, "add", lambda self, a: (added.append(a.article_id), real_add(self, a))[1])
        cache = AlignmentCache()
        for k in range(1, len(ids) + 1):
            with store.transaction():
                store.save_story("t", title="t", first_seen=None, last_seen=None, n_articles=k, state=None)
                store.set_article_story(ids[k - 1], "t")
                update_story_record(store, "t", cache=cache if k % 2 else None)
        assert added == ids  # each update aligned only the article it brought
        grown = store.story_record("t")["data"], store.story_facts("t")
        with store.transaction():
            update_story_record(store, "t", redo=True)
        rebuilt = store.story_record("t")["data"], store.story_facts("t")
    assert grown == rebuilt
    assert grown[0]["aligned_articles"] == 6 and grown[0]["claim_counts"]["corroborated"] > 0
    assert any(f["collapsed"] for f in grown[1].values())  # the AP copies count once


def test_build_fills_in_claims_missing_from_an_older_database_without_parsing_again(tmp_path, bow, monkeypatch):
    import newsfuse.analyze.article as stage
    from newsfuse import build_story_records

    with Store(tmp_path / "n.db") as store:
        ingest(iter_raw_items([EXAMPLES]), store, embedder=bow)
        story_id = list_stories(store)[0]["id"]
        built = store.story_record(story_id)["data"]
        with store.transaction():  # as a database from before claims were stored
            store.db.execute("DELETE FROM article_claims")
            store.db.execute("DELETE FROM story_records")
        assert record_state(store, story_id)[0] == "missing"
        monkeypatch.setattr(stage, "analyze_doc", lambda *a: pytest.fail("parsed again"))
        assert build_story_records(store) == 1
        assert record_state(store, story_id)[0] == "current"
        assert store.story_record(story_id)["data"] == built and store.story_facts(story_id)


@pytest.mark.slow
def test_two_worker_processes_store_what_one_process_stores(tmp_path, bow):
    from dataclasses import replace

    from newsfuse.config import Options

    lines = [line for name in ("samarkand_a.txt", "samarkand_b.txt")
             for line in (EXAMPLES / name).read_text().splitlines() if len(line.split()) > 8]
    parts = ["\n".join(lines[i:i + 4]) for i in range(0, len(lines) - 3, 4)]  # reports of a few paragraphs
    items = [RawItem(f"{n}.txt", "text", part, {"source": f"outlet{n}.example", "published": "2022-09-15"})
             for n, part in enumerate(parts)]
    stored = []
    for processes in (1, 2):
        with Store(tmp_path / f"{processes}.db") as store:
            ingest(items, store, embedder=bow, options=replace(Options(), processes=processes, nlp_batch_size=2))
            rows = store.db.execute("SELECT c.article_id, c.claims, c.vectors, n.data FROM article_claims c"
                                    " JOIN analyses n USING (article_id) ORDER BY c.article_id").fetchall()
            stored.append([tuple(r) for r in rows])
    assert len(stored[0]) == len(items) >= 6 and stored[0] == stored[1]


def test_the_static_model_is_distilled_once_and_read_back_from_the_cache(tmp_path, monkeypatch, static):
    import newsfuse.static_embed as module

    static.encode(["load"])
    monkeypatch.setenv("NEWSFUSE_CACHE", str(tmp_path))
    monkeypatch.setattr(module, "distill", lambda: static._matrix)  # the session's matrix stands in
    first = module.StaticEmbedder().encode(["Xi met Putin in Samarkand."])
    monkeypatch.setattr(module, "distill", lambda: pytest.fail("distilled again"))
    again = module.StaticEmbedder().encode(["Xi met Putin in Samarkand."])
    assert list(tmp_path.glob("static-minilm-*.npy")) and np.allclose(first, again)


def test_a_disputed_slot_is_listed_once_with_each_value_and_its_sources():
    """Croydon's injured toll was shown on each of 46 facts; the record lists
    each disputed slot once, values with the articles giving them, and the
    terminal and Markdown show it above the facts."""
    from newsfuse.render import claim_lines
    from newsfuse.story_record import disputes

    sides = [{"value": "at least 40", "article": "a"}, {"value": "51", "article": "b"},
             {"value": "51", "article": "c"}]
    fact = {"status": "conflicting", "attributed": False, "independent_sources": 2, "outlets": [], "collapsed": {},
            "speakers": [], "evidence": [], "slot": "injured", "values": sides}
    hospital = {**fact, "values": [{"value": "16", "article": "b"}, {"value": "four", "article": "c"}]}
    claims = [fact, {**fact}, {**fact}, hospital]
    found = disputes(claims)
    assert [(d["slot"], d["facts"]) for d in found] == [("injured", 3), ("injured", 1)]
    assert found[0]["sides"] == [{"value": "at least 40", "articles": ["a"]}, {"value": "51", "articles": ["b", "c"]}]
    record = {"claims": claims, "disputes": found, "articles": [{"id": i} for i in "abc"],
              "claim_counts": {"conflicting": 4, "updated": 0, "corroborated": 0, "single-source": 0}}
    lines = claim_lines(record, all_claims=False)
    assert lines[1] == "  disputed: injured (conflicting, 3 fact(s)): at least 40 [1] · 51 [2, 3]"
    assert sum("at least 40" in line for line in lines) == 1
    articles = [{"id": i, "title": i, "url": None, "source": i, "published": None, "near_dup_of": None} for i in "abc"]
    page = story_markdown({**record, "articles": articles, "id": "s", "title": "t", "n_articles": 3, "n_sources": 3,
                           "n_independent": 3, "first_seen": None, "last_seen": None, "summary": [],
                           "timeline": [], "analysis": None, "merge_history": []})
    assert "### Disputed figures" in page and page.count("at least 40") == 1
