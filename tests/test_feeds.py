"""Feeds (RSS 2.0, RSS 1.0, Atom) from files and URLs: each entry an item
with its metadata checked like a JSON Lines record's; through the pipeline
and the CLI."""

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import BagOfWordsEmbedder
from feed_server import FAST, SHORT, STORIES, Response, add_pages, atom, rss1, rss2, serve
from typer.testing import CliRunner

from newsfuse import Options, Store, ingest, iter_raw_items
from newsfuse.ingest.feeds import feed_root, read_feed
from newsfuse.records import RawItem, Skipped

NO_FETCH = replace(FAST, fetch_pages=False)
BASE = "http://news.example"


@pytest.fixture
def site():
    with serve() as site:
        add_pages(site)
        yield site


def items(paths, options=NO_FETCH):
    return list(iter_raw_items([str(p) for p in paths], options))


def test_feeds_are_recognised_by_their_root_element():
    assert feed_root(rss2(BASE, ["bridge"])) == "RSS 2.0"
    assert feed_root(rss1(BASE, ["bridge"])) == "RSS 1.0"
    assert feed_root(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by hand -->\n' + atom(BASE, ["bridge"])[38:]) \
        == "Atom"
    assert feed_root(b'<?xml version="1.0"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>') is None


def test_three_feed_formats_from_files_carry_full_content_and_metadata(tmp_path):
    (tmp_path / "a.rss").write_bytes(rss2(BASE, ["bridge", "flood"]))
    (tmp_path / "b.rdf").write_bytes(rss1(BASE, ["harvest"]))
    (tmp_path / "c.atom").write_bytes(atom(BASE, ["museum"]))
    got = items([tmp_path / "a.rss", tmp_path / "b.rdf", tmp_path / "c.atom"])
    assert all(isinstance(i, RawItem) for i in got) and len(got) == 4
    first = got[0]
    assert (first.origin, first.kind, first.meta["content_from"]) == (f"{tmp_path}/a.rss:1", "html", "feed")
    assert first.meta == {"title": STORIES["bridge"][0], "url": f"{BASE}/pages/bridge.html", "source": "Test News",
                          "published": "2022-09-11", "id": "urn:test:bridge", "content_from": "feed"}
    rdf, entry = got[2], got[3]
    assert (rdf.kind, rdf.meta["content_from"], rdf.meta["source"], rdf.meta["published"]) == \
        ("text", "summary", "RDF News", "2022-09-14")
    assert (entry.kind, entry.meta["source"], entry.meta["id"], entry.meta["published"]) == \
        ("html", "Atom News", "tag:test,2022:museum", "2022-09-13")


def test_xml_that_is_no_feed_broken_and_empty_feeds_are_skipped_with_reasons(tmp_path):
    (tmp_path / "plain.xml").write_bytes(b'<?xml version="1.0"?><catalog><book>x</book></catalog>')
    (tmp_path / "broken.xml").write_bytes(b"<rss version='2.0'><channel><title>Cut</ti")
    (tmp_path / "empty.rss").write_bytes(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    got = items([tmp_path / "plain.xml", tmp_path / "broken.xml", tmp_path / "empty.rss"])
    assert [(type(i), i.code) for i in got] == [(Skipped, "NF150"), (Skipped, "NF151"), (Skipped, "NF103")]
    assert "not a feed" in got[0].reason


def test_without_full_content_the_summary_is_used_when_long_enough(tmp_path):
    long_summary = atom(BASE, ["bridge"], full=False).replace(SHORT.encode(), STORIES["flood"][1].encode())
    (tmp_path / "long.atom").write_bytes(long_summary)
    (tmp_path / "short.xml").write_bytes(rss2(BASE, ["bridge"], full=False))
    summary, short = items([tmp_path / "long.atom", tmp_path / "short.xml"])
    assert (summary.kind, summary.meta["content_from"]) == ("text", "summary")
    assert summary.content.startswith("Heavy rain")
    assert short.code == "NF152" and "summary has 3 words" in short.reason and "fetch_pages is off" in short.reason


def test_entry_metadata_goes_through_the_schema(tmp_path):
    feed = rss2(BASE, ["bridge", "flood"]).replace(STORIES["bridge"][0].encode(), b"T" * 3000, 1)
    feed = feed.replace(STORIES["flood"][0].encode(), b"Storm\x1b[2J floods", 1)
    (tmp_path / "f.rss").write_bytes(feed)
    long_title, control = items([tmp_path / "f.rss"])
    assert long_title.code == "NF113" and "'title'" in long_title.reason
    assert control.meta["title"] == "Storm[2J floods"


def test_a_feed_by_url_fetches_the_linked_pages_it_lacks(site):
    site.add("/summary.xml", body=rss2(site.base, ["bridge", "flood"], full=False),
             headers={"Content-Type": "application/rss+xml"})
    got = list(iter_raw_items([site.url("/summary.xml")], FAST))
    assert [i.meta["content_from"] for i in got] == ["page", "page"]
    assert got[0].kind == "html" and "Duisburg" in got[0].content
    assert got[0].meta["url"] == site.url("/pages/bridge.html") and got[0].meta["title"] == STORIES["bridge"][0]
    assert got[0].origin == site.url("/summary.xml") + ":1" and got[0].meta["source"] == "Test News"


def test_a_linked_page_that_fails_falls_back_to_the_summary_or_says_why(site):
    feed = rss2(site.base, ["bridge", "harvest"], full=False)
    feed = feed.replace(SHORT.encode(), STORIES["harvest"][1].encode(), 1)  # the first entry: a long summary
    site.add("/pages/bridge.html", Response(404))
    site.add("/pages/harvest.html", Response(404))
    site.add("/f.xml", body=feed, headers={"Content-Type": "text/xml"})
    fallback, failed = iter_raw_items([site.url("/f.xml")], FAST)
    assert fallback.meta["content_from"] == "summary" and "HTTP 404" in fallback.meta["page_problem"]
    assert failed.code == "NF143" and f"linked page {site.url('/pages/harvest.html')}: HTTP 404" in failed.reason


def test_a_page_by_url_is_one_html_item(site):
    [item] = iter_raw_items([site.url("/pages/museum.html")], FAST)
    assert item.kind == "html" and item.origin == item.meta["url"] == site.url("/pages/museum.html")


def test_feed_urls_ingest_end_to_end_with_source_and_dates(tmp_path, site, bow):
    site.add("/feed.xml", body=rss2(site.base, ["bridge", "flood"]), headers={"Content-Type": "application/rss+xml"})
    site.add("/atom", body=atom(site.base, ["harvest"], full=False), headers={"Content-Type": "application/atom+xml"})
    with Store(tmp_path / "n.db") as store:
        report = ingest(iter_raw_items([site.url("/feed.xml"), site.url("/atom")], FAST), store, options=FAST,
                        embedder=bow)
        assert (report.ingested, report.skipped_count) == (3, 0), report.as_dict()
        articles = [store.article(i) for i in report.article_ids]
    by_title = {a["title"]: a for a in articles}
    bridge = by_title[STORIES["bridge"][0]]
    assert (bridge["source"], bridge["published"], bridge["url"]) == \
        ("Test News", "2022-09-11", site.url("/pages/bridge.html"))
    assert by_title[STORIES["harvest"][0]]["source"] == "Atom News"  # the feed's name, not the page's
    assert site.hits("/pages/bridge.html") == [] and len(site.hits("/pages/harvest.html")) == 1


def test_cli_ingests_a_feed_url(tmp_path, site, monkeypatch):
    import newsfuse.pipeline
    import newsfuse.static_embed

    monkeypatch.setattr(newsfuse.pipeline, "MiniLMEmbedder", lambda **_: BagOfWordsEmbedder())
    monkeypatch.setattr(newsfuse.static_embed, "StaticEmbedder", BagOfWordsEmbedder)
    site.add("/feed.xml", body=rss2(site.base, ["bridge", "flood", "museum"]),
             headers={"Content-Type": "application/rss+xml"})
    site.add("/gone.xml", Response(410))
    from newsfuse.cli import app

    result = CliRunner().invoke(app, ["ingest", site.url("/feed.xml"), site.url("/gone.xml"), "--no-analyze",
                                      "--db", str(tmp_path / "n.db"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["ingested"], report["skipped_count"]) == (3, 1)
    assert report["skipped"][0]["code"] == "NF143" and report["skipped"][0]["origin"] == site.url("/gone.xml")


def test_readers_never_raise_on_junk_feeds(tmp_path):
    cases = {"nul.xml": b"<rss>\0\0\0", "deep.rss": b"<rss>" + b"<a>" * 50_000, "entity.xml":
             b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item>'
             b"<title>&x;</title><description>&x;</description></item></channel></rss>"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        got = list(read_feed(name, data, Options(fetch_pages=False)))
        assert got and all(isinstance(i, (RawItem, Skipped)) for i in got), name
        assert not any("root:" in getattr(i, "content", "") for i in got), name  # no external entity read


def test_relative_links_resolve_against_the_feed_and_a_feed_labelled_html_is_a_feed(site):
    feed = rss2("", ["bridge"], full=False).replace(b"<link>/pages/", b"<link>../pages/")
    site.add("/feeds/rel.xml", body=feed, headers={"Content-Type": "text/html; charset=utf-8"})
    [item] = iter_raw_items([site.url("/feeds/rel.xml")], FAST)
    assert item.meta["content_from"] == "page" and item.meta["url"] == site.url("/pages/bridge.html")


FEED_SEEDS = [rss2(BASE, ["bridge"]), rss1(BASE, ["flood"]), atom(BASE, ["museum"], full=False)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(FEED_SEEDS), cut=st.integers(0, 2000), junk=st.binary(max_size=200))
def test_a_mangled_feed_never_raises(seed, cut, junk):
    data = seed[:cut] + junk + seed[cut + len(junk):]
    for item in read_feed("f.xml", data, NO_FETCH):
        assert isinstance(item, (RawItem, Skipped))
        assert not isinstance(item, Skipped) or item.code.startswith("NF1")
