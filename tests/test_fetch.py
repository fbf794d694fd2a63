"""The HTTP fetcher against a local server: retries, back-off, redirects,
limits, robots.txt and content types, each failure a Skipped with its code."""

import socket
import threading
import time
from dataclasses import replace

import pytest
from feed_server import FAST, Response, add_pages, sequence, serve, slow

from newsfuse.ingest.feeds import url_items
from newsfuse.ingest.fetch import Fetched, Fetcher, page_item
from newsfuse.records import RawItem, Skipped


@pytest.fixture
def site():
    with serve() as site:
        add_pages(site)
        yield site


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def fetcher(sleeps):
    with Fetcher(FAST, sleep=sleeps.append) as made:
        yield made


def test_a_page_is_fetched_with_a_clear_user_agent_and_read_as_html(site, fetcher):
    got = fetcher.fetch(site.url("/pages/bridge.html"))
    assert isinstance(got, Fetched) and got.status == 200 and b"Duisburg" in got.body
    agent = site.hits("/pages/bridge.html")[0]["user-agent"]
    assert agent.startswith("newsfuse/") and "(+https://" in agent
    item = page_item(got, FAST)
    assert isinstance(item, RawItem) and item.kind == "html" and item.meta["url"] == site.url("/pages/bridge.html")


def test_a_slow_server_times_out_without_retrying(site, fetcher, sleeps):
    site.add("/slow", slow(2, Response(body=b"late")))
    started = time.monotonic()
    got = fetcher.fetch(site.url("/slow"))
    assert isinstance(got, Skipped) and got.code == "NF142" and got.origin == site.url("/slow")
    assert time.monotonic() - started < 1.5 and len(site.hits("/slow")) == 1 and sleeps == []


def test_a_server_error_is_retried_with_back_off(site, fetcher, sleeps):
    site.add("/flaky", sequence(Response(500), Response(body=b"<html><body>ok</body></html>")))
    got = fetcher.fetch(site.url("/flaky"))
    assert isinstance(got, Fetched) and got.body.endswith(b"ok</body></html>")
    assert len(site.hits("/flaky")) == 2 and sleeps == [0.01]


def test_a_lasting_server_error_is_skipped_after_the_retries(site, fetcher, sleeps):
    site.add("/broken", Response(503))
    got = fetcher.fetch(site.url("/broken"))
    assert (got.code, got.origin) == ("NF143", site.url("/broken")) and "HTTP 503" in got.reason
    assert len(site.hits("/broken")) == 3 and sleeps == [0.01, 0.02]


def test_429_waits_as_long_as_retry_after_says_up_to_the_cap(site, fetcher, sleeps):
    site.add("/limited", sequence(Response(429, headers={"Retry-After": "2"}), Response(body=b"<html>ok</html>")))
    assert isinstance(fetcher.fetch(site.url("/limited")), Fetched) and sleeps == [2.0]
    site.add("/banned", Response(429, headers={"Retry-After": "3600"}))
    got = fetcher.fetch(site.url("/banned"))
    assert got.code == "NF143" and "3600 s" in got.reason and "fetch_retry_after_max" in got.reason
    assert len(site.hits("/banned")) == 1 and sleeps == [2.0]


def test_a_missing_page_is_not_retried(site, fetcher, sleeps):
    got = fetcher.fetch(site.url("/nothing"))
    assert got.code == "NF143" and "404" in got.reason and sleeps == []


def test_a_redirect_chain_ends_at_the_final_url_and_keeps_the_first(site, fetcher):
    site.add("/r1", Response(301, headers={"Location": "/r2"}))
    site.add("/r2", Response(302, headers={"Location": site.url("/pages/flood.html")}))
    got = fetcher.fetch(site.url("/r1"))
    assert (got.url, got.requested) == (site.url("/pages/flood.html"), site.url("/r1"))
    item = page_item(got, FAST)
    assert item.meta["url"] == site.url("/pages/flood.html") and item.meta["redirected_from"] == site.url("/r1")


def test_an_ingested_redirected_page_keeps_both_urls(site, fetcher, tmp_path, bow):
    from dataclasses import replace

    from newsfuse import Options, Store, ingest

    site.add("/r1", Response(301, headers={"Location": site.url("/pages/flood.html")}))
    item = page_item(fetcher.fetch(site.url("/r1")), FAST)
    with Store(tmp_path / "n.db") as store:
        report = ingest([item], store, embedder=bow, options=replace(Options(), analyze=False))
        stored = store.article(report.article_ids[0])
    assert stored["url"] == site.url("/pages/flood.html") and site.url("/r1") in stored["urls"]


def test_redirect_loops_and_long_chains_are_refused(site, fetcher):
    site.add("/a", Response(302, headers={"Location": "/b"}))
    site.add("/b", Response(302, headers={"Location": "/a"}))
    for n in range(10):
        site.add(f"/hop{n}", Response(302, headers={"Location": f"/hop{n + 1}"}))
    loop, chain = fetcher.fetch(site.url("/a")), fetcher.fetch(site.url("/hop0"))
    assert loop.code == chain.code == "NF145"
    assert "loop" in loop.reason and "more than 3 redirects" in chain.reason
    assert len(site.hits("/hop3")) == 1 and site.hits("/hop4") == []


def test_a_body_over_the_size_limit_is_dropped_declared_or_not(site, sleeps):
    small = replace(FAST, max_file_bytes=100_000)
    site.add("/big", body=b"x" * 200_000)
    site.add("/stream", body=b"y" * 65_536, chunks=50)
    with Fetcher(small, sleep=sleeps.append) as fetcher:
        for path in ("/big", "/stream"):
            got = fetcher.fetch(site.url(path))
            assert got.code == "NF146" and "max_file_bytes" in got.reason, path


def test_robots_txt_is_obeyed_at_every_hop(site, fetcher):
    site.add("/private/secret.html", body=b"<html>secret</html>")
    site.add("/to-private", Response(302, headers={"Location": "/private/secret.html"}))
    for path in ("/private/secret.html", "/to-private"):
        got = fetcher.fetch(site.url(path))
        assert got.code == "NF144" and "robots.txt" in got.reason and got.origin == site.url(path)
    assert site.hits("/private/secret.html") == [] and len(site.hits("/robots.txt")) == 1


def test_a_missing_robots_txt_allows_and_a_failing_one_forbids(site, sleeps):
    site.add("/robots.txt", Response(404))
    with Fetcher(FAST, sleep=sleeps.append) as fetcher:
        assert isinstance(fetcher.fetch(site.url("/pages/bridge.html")), Fetched)
    site.add("/robots.txt", Response(500))
    with Fetcher(FAST, sleep=sleeps.append) as fetcher:
        got = fetcher.fetch(site.url("/pages/bridge.html"))
    assert got.code == "NF144" and "RFC 9309" in got.reason


def test_content_that_is_not_html_or_a_feed_is_skipped(site, fetcher):
    site.add("/logo.png", body=b"\x89PNG\r\n\x1a\n" + b"\0" * 100, headers={"Content-Type": "image/png"})
    got = fetcher.fetch(site.url("/logo.png"))
    assert page_item(got, FAST).code == "NF147"
    [item] = url_items(site.url("/logo.png"), FAST, fetcher)
    assert item.code == "NF147" and "image/png" in item.reason


def test_no_connection_and_bad_urls_are_skipped(fetcher, sleeps):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    got = fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")
    assert got.code == "NF141" and len(sleeps) == 2
    assert fetcher.fetch("http:///nohost").code == "NF140"
    assert fetcher.fetch("ftp://127.0.0.1/x").code == "NF140"


def test_requests_to_one_host_are_limited(site):
    site.add("/pause", slow(0.2, Response(body=b"<html>ok</html>")))
    with Fetcher(replace(FAST, fetch_per_host=2)) as fetcher:
        threads = [threading.Thread(target=fetcher.fetch, args=(site.url("/pause"),)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(site.hits("/pause")) == 6 and site.most_active <= 2


def test_a_broken_content_encoding_and_a_bad_port_are_skipped(site, fetcher):
    site.add("/zipped", body=b"not gzip at all", headers={"Content-Encoding": "gzip"})
    assert fetcher.fetch(site.url("/zipped")).code == "NF106"
    assert fetcher.fetch("http://127.0.0.1:99999/x").code == "NF140"
