"""newsfuse watch: conditional polls, entries read once, state kept in the
store across restarts, passing failures retried; and the CLI."""

import json
from dataclasses import replace

import pytest
from conftest import BagOfWordsEmbedder
from feed_server import FAST, Response, add_pages, rss2, serve
from typer.testing import CliRunner

from newsfuse import Store
from newsfuse.errors import ConfigError, InputError
from newsfuse.ingest.watch import load_state, parse_interval, poll, read_feed_list, watch

SUMMARIES = replace(FAST, fetch_retries=0)  # a page that fails is retried by the next poll, not now


class Feed:
    """A feed route that answers 304 to a request naming its current ETag or date."""

    def __init__(self, site, keys):
        self.site, self.keys, self.version = site, list(keys), 0

    def add(self, key):
        self.keys.append(key)
        self.version += 1

    def __call__(self, headers):
        etag, modified = f'"v{self.version}"', f"Thu, 0{self.version + 1} Sep 2022 10:00:00 GMT"
        if headers.get("if-none-match") == etag or (
                "if-none-match" not in headers and headers.get("if-modified-since") == modified):
            return Response(304, headers={"ETag": etag})
        return Response(body=rss2(self.site.base, self.keys, full=False), headers={
            "Content-Type": "application/rss+xml", "ETag": etag, "Last-Modified": modified})


@pytest.fixture
def site():
    with serve() as site:
        add_pages(site)
        yield site


def test_a_second_poll_is_conditional_and_a_new_entry_is_read_once(tmp_path, site, bow):
    feed = Feed(site, ["bridge", "flood"])
    site.add("/feed.xml", feed)
    with Store(tmp_path / "n.db") as store:
        first = poll([site.url("/feed.xml")], store, options=SUMMARIES, embedder=bow)
        assert first.ingest.ingested == 2 and first.feeds[0].entries == 2
        second = poll([site.url("/feed.xml")], store, options=SUMMARIES, embedder=bow)
        assert second.ingest is None and second.feeds[0].status == "not modified"
        asked = site.hits("/feed.xml")[1]
        assert (asked["if-none-match"], asked["if-modified-since"]) == ('"v0"', "Thu, 01 Sep 2022 10:00:00 GMT")
        feed.add("museum")
        third = poll([site.url("/feed.xml")], store, options=SUMMARIES, embedder=bow)
        assert (third.ingest.ingested, third.ingest.duplicates, third.feeds[0].entries) == (1, 0, 1)
    assert [len(site.hits(f"/pages/{k}.html")) for k in ("bridge", "flood", "museum")] == [1, 1, 1]


def test_a_restart_keeps_the_state_in_the_database(tmp_path, site, bow):
    feed = Feed(site, ["bridge"])
    site.add("/feed.xml", feed)
    with Store(tmp_path / "n.db") as store:
        poll([site.url("/feed.xml")], store, options=SUMMARIES, embedder=bow)
    feed.add("harvest")
    with Store(tmp_path / "n.db") as store:  # a new process, say
        state = load_state(store, site.url("/feed.xml"))
        assert state.etag == '"v0"' and state.seen == ["urn:test:bridge"]
        again = poll([site.url("/feed.xml")], store, options=SUMMARIES, embedder=bow)
        assert again.ingest.ingested == 1 and load_state(store, site.url("/feed.xml")).seen == \
            ["urn:test:bridge", "urn:test:harvest"]
    assert site.hits("/feed.xml")[1]["if-none-match"] == '"v0"' and len(site.hits("/pages/bridge.html")) == 1


def test_an_entry_whose_page_failed_for_now_is_tried_again(tmp_path, site, bow):
    feed = Feed(site, ["bridge", "flood"])
    site.add("/feed.xml", feed)
    site.add("/pages/flood.html", Response(503))
    with Store(tmp_path / "n.db") as store:
        first = poll([site.url("/feed.xml")], store, options=SUMMARIES, embedder=bow)
        assert (first.ingest.ingested, first.ingest.skipped[0].code) == (1, "NF143")
        add_pages(site)
        feed.add("museum")
        second = poll([site.url("/feed.xml")], store, options=SUMMARIES, embedder=bow)
        assert (second.ingest.ingested, second.feeds[0].entries) == (2, 2)  # flood again, and museum


def test_a_failing_feed_is_reported_and_the_others_read(tmp_path, site, bow):
    site.add("/feed.xml", Feed(site, ["bridge"]))
    site.add("/page.html", body=b"<html><body>not a feed</body></html>")
    urls = [site.url("/missing.xml"), site.url("/page.html"), site.url("/feed.xml")]
    with Store(tmp_path / "n.db") as store:
        [report] = watch(urls, store, once=True, options=SUMMARIES, embedder=bow)
    assert [f.status for f in report.feeds] == ["failed", "failed", "read"]
    assert "[NF143]" in report.feeds[0].problem and "[NF150]" in report.feeds[1].problem
    assert report.ingest.ingested == 1


def test_feed_lists_and_intervals(tmp_path):
    listing = tmp_path / "feeds.txt"
    listing.write_text("# news\nhttp://a.example/rss  # the first\n\nhttps://b.example/atom\nhttp://a.example/rss\n")
    assert read_feed_list(listing) == ["http://a.example/rss", "https://b.example/atom"]
    listing.write_text("http://a.example/rss\nb.example/atom\n")
    with pytest.raises(InputError) as bad:
        read_feed_list(listing)
    assert bad.value.code == "NF140" and f"{listing}:2" in str(bad.value)
    assert [parse_interval(t) for t in ("90", "30s", "15m", "1h", "1.5h")] == [90, 30, 900, 3600, 5400]
    with pytest.raises(ConfigError):
        parse_interval("soon")


def test_cli_watch_once_twice(tmp_path, site, monkeypatch):
    import newsfuse.pipeline
    import newsfuse.static_embed
    from newsfuse.cli import app

    monkeypatch.setattr(newsfuse.pipeline, "MiniLMEmbedder", lambda **_: BagOfWordsEmbedder())
    monkeypatch.setattr(newsfuse.static_embed, "StaticEmbedder", BagOfWordsEmbedder)
    site.add("/feed.xml", Feed(site, ["bridge", "flood"]))
    (tmp_path / "feeds.txt").write_text(site.url("/feed.xml") + "\n")
    args = ["watch", str(tmp_path / "feeds.txt"), "--once", "--no-analyze", "--db", str(tmp_path / "n.db")]
    first, second = CliRunner().invoke(app, args), CliRunner().invoke(app, args)
    assert first.exit_code == second.exit_code == 0, first.output
    assert "2 new entries: ingested 2" in first.stderr and first.stdout == ""
    assert "1 not modified, 0 failed; 0 new entries: ingested 0" in second.stderr
    with Store(tmp_path / "n.db") as store:
        assert json.loads(store.get_meta("watch:" + site.url("/feed.xml")))["etag"] == '"v0"'


def test_a_stop_during_a_poll_ends_the_watch_after_it(tmp_path, site, bow):
    import threading

    site.add("/feed.xml", Feed(site, ["bridge"]))
    stop, reports = threading.Event(), []
    with Store(tmp_path / "n.db") as store:
        for report in watch([site.url("/feed.xml")], store, every=3600, stop=stop, options=SUMMARIES,
                            embedder=bow):
            reports.append(report)
            stop.set()  # what the CLI's Ctrl-C handler does
    assert [r.number for r in reports] == [1]


def test_the_first_ctrl_c_asks_to_stop_and_the_second_interrupts():
    import os
    import signal
    import threading

    from newsfuse.cli import _stop_on_interrupt

    stop = threading.Event()
    with _stop_on_interrupt(stop):
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.wait(1)
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            threading.Event().wait(1)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
