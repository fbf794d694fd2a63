"""WARC input: every good record read, broken ones skipped with their offset."""

import gzip
import io
import json

import pytest
from conftest import BagOfWordsEmbedder
from typer.testing import CliRunner

from newsfuse import Options, Skipped, Store, ingest, iter_raw_items
from newsfuse.records import RawItem

WORDS = "The council voted on Monday to close the old bridge for repairs after engineers found cracks. "


def page(i: int, charset: str = "utf-8") -> bytes:
    body = f"<p>Report {i}: {WORDS * 6}</p><p>Caf\u00e9 owners on the bridge street {i} were worried.</p>"
    return (f"<html><head><title>Bridge story {i}</title></head><body><article>{body}"
            "</article></body></html>").encode(charset)


def record(kind: str, block: bytes, uri: str = "", extra: str = "", length: int | None = None) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: 2024-03-0{len(block) % 9 + 1}T10:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash(block)) % 10**8}>\r\n"
            + (f"WARC-Target-URI: {uri}\r\n" if uri else "") + extra
            + f"Content-Length: {len(block) if length is None else length}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def response(uri: str, body: bytes, status: str = "200 OK", ctype: str = "text/html; charset=utf-8") -> bytes:
    http = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    return record("response", http, uri, "Content-Type: application/http; msgtype=response\r\n")


def crawl(n: int) -> list[bytes]:
    """A CC-NEWS-like run: warcinfo, then request, response, metadata per page."""
    records = [record("warcinfo", b"software: test\r\n", extra="Content-Type: application/warc-fields\r\n")]
    for i in range(n):
        uri = f"https://news.example/{i}"
        records += [record("request", b"GET / HTTP/1.1\r\nHost: news.example\r\n\r\n", uri),
                    response(uri, page(i)), record("metadata", b"fetchTimeMs: 12\r\n", uri)]
    return records


def write(path, records: list[bytes], gz: bool):
    data = b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)
    path.write_bytes(data)
    return path


def read(path, options=Options()):
    found = list(iter_raw_items([path], options))
    return [i for i in found if isinstance(i, RawItem)], [s for s in found if isinstance(s, Skipped)]


def offsets(records: list[bytes], gz: bool) -> list[int]:
    sizes = [len(gzip.compress(r)) if gz else len(r) for r in records]
    return [sum(sizes[:i]) for i in range(len(records))]


@pytest.mark.parametrize("gz", [True, False])
def test_html_responses_become_items_and_the_rest_is_counted_once(tmp_path, gz):
    records = crawl(3) + [response("https://news.example/logo.png", b"\x89PNG", ctype="image/png"),
                          response("https://news.example/gone", page(9), status="404 Not Found"),
                          record("revisit", b"HTTP/1.1 304\r\n\r\n", "https://news.example/0")]
    items, skips = read(write(tmp_path / ("c.warc.gz" if gz else "c.warc"), records, gz))
    assert [i.meta["url"] for i in items] == [f"https://news.example/{i}" for i in range(3)]
    assert all(i.kind == "html" and i.meta["fetched"].startswith("2024-03-") for i in items)
    assert "Caf\u00e9 owners" in items[0].content
    at = offsets(records, gz)
    assert [i.origin.rsplit(":", 1)[1] for i in items] == [str(at[2]), str(at[5]), str(at[8])]
    [summary] = skips
    assert summary.code == "NF160" and summary.origin.endswith("c.warc" + (".gz" if gz else ""))
    assert "3 metadata, 3 request, 1 HTTP 404, 1 response image/png, 1 revisit, 1 warcinfo" in summary.reason


def test_a_truncated_record_in_a_plain_warc_is_skipped_with_its_offset(tmp_path):
    records = crawl(4)
    cut = records[5][:-300]  # the second page's response, cut inside its body
    records[5] = cut
    items, skips = read(write(tmp_path / "t.warc", records, False))
    assert [i.meta["url"] for i in items] == [f"https://news.example/{i}" for i in (0, 2, 3)]
    [broken] = [s for s in skips if s.code == "NF161"]
    assert broken.origin.endswith(f"t.warc:{offsets(records, False)[5]}")
    assert "shorter than its Content-Length" in broken.reason


def test_a_bad_gzip_member_and_a_cut_member_are_skipped_and_the_next_read(tmp_path):
    members = [gzip.compress(r) for r in crawl(4)]
    members[2] = members[2][:20] + b"\xff" * 40 + members[2][60:]  # corrupt deflate data
    members[8] = members[8][: len(members[8]) // 2]  # cut off: the next member follows at once
    path = tmp_path / "m.warc.gz"
    path.write_bytes(b"".join(members))
    items, skips = read(path)
    assert [i.meta["url"] for i in items] == ["https://news.example/1", "https://news.example/3"]
    broken = [s for s in skips if s.code == "NF161"]
    starts = [sum(len(m) for m in members[:i]) for i in (2, 8)]
    assert [s.origin.rsplit(":", 1)[1] for s in broken] == [str(n) for n in starts]
    assert all("gzip member at byte" in s.reason for s in broken)


def test_bad_headers_skip_one_record(tmp_path):
    records = crawl(2)
    records[2] = records[2].replace(b"Content-Length:", b"Content-Lenght:", 1)
    for gz in (True, False):
        items, skips = read(write(tmp_path / f"h{gz}.warc{'.gz' if gz else ''}", records, gz))
        assert [i.meta["url"] for i in items] == ["https://news.example/1"]
        assert [s.code for s in skips] == ["NF161", "NF160"]
        assert "Content-Length" in skips[0].reason


def test_a_record_over_the_size_limit_is_skipped_and_the_rest_read(tmp_path):
    records = crawl(2)
    records.insert(2, response("https://news.example/huge", page(7) + b" " * 50_000))
    items, skips = read(write(tmp_path / "s.warc.gz", records, True), Options(max_file_bytes=20_000))
    assert [i.meta["url"] for i in items] == ["https://news.example/0", "https://news.example/1"]
    assert skips[0].code == "NF105" and skips[0].origin.endswith(f":{offsets(records, True)[2]}")


def test_charset_chunked_and_gzip_bodies_are_decoded(tmp_path):
    body = page(1, "iso-8859-1")
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Encoding: gzip\r\n\r\n")
    zipped = gzip.compress(body)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(zipped[i:i + 99]), zipped[i:i + 99]) for i in range(0, len(zipped), 99))
    records = [response("https://a.example/1", body, ctype="text/html; charset=ISO-8859-1"),
               record("response", http + chunked + b"0\r\n\r\n", "https://a.example/2",
                      "Content-Type: application/http; msgtype=response\r\n")]
    items, skips = read(write(tmp_path / "e.warc", records, False))
    assert not skips and len(items) == 2
    assert all("Caf\u00e9 owners" in i.content for i in items)


def test_not_a_warc_and_an_empty_file_are_reported(tmp_path):
    (tmp_path / "junk.warc").write_bytes(b"hello, this is not a WARC file\n" * 10)
    (tmp_path / "empty.warc.gz").write_bytes(b"")
    items, skips = read(tmp_path)
    assert not items
    assert {s.origin.rsplit("/", 1)[1]: s.code for s in skips} == {"empty.warc.gz": "NF103", "junk.warc:0": "NF161"}


def test_warcio_files_are_read(tmp_path):
    warcio = pytest.importorskip("warcio")
    from warcio.statusandheaders import StatusAndHeaders

    for gz in (True, False):
        path = tmp_path / f"w.warc{'.gz' if gz else ''}"
        with path.open("wb") as out:
            writer = warcio.WARCWriter(out, gzip=gz, warc_version="1.1")
            for i in range(3):
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(f"https://w.example/{i}", "response",
                                                              payload=io.BytesIO(page(i)), http_headers=http))
        items, skips = read(path)
        assert [i.meta["url"] for i in items] == [f"https://w.example/{i}" for i in range(3)] and not skips


def test_ingest_a_warc_into_stories(tmp_path, bow):
    path = write(tmp_path / "c.warc.gz", crawl(3), True)
    with Store(tmp_path / "n.db") as store:
        report = ingest(iter_raw_items([path]), store, embedder=bow, options=Options(analyze=False))
        assert report.ingested == 3 and report.skipped_by_code == {"NF160": 1}
        urls = sorted(store.article(a)["url"] for a in report.article_ids)
    assert urls == [f"https://news.example/{i}" for i in range(3)]


def test_cli_ingests_a_warc(tmp_path, monkeypatch):
    import newsfuse.pipeline
    import newsfuse.static_embed
    from newsfuse.cli import app

    monkeypatch.setattr(newsfuse.pipeline, "MiniLMEmbedder", lambda **_: BagOfWordsEmbedder())
    monkeypatch.setattr(newsfuse.static_embed, "StaticEmbedder", BagOfWordsEmbedder)
    path = write(tmp_path / "c.warc", crawl(2), False)
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(tmp_path / "n.db"), "--no-analyze", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ingested"] == 2 and report["skipped"][0]["code"] == "NF160"


def test_a_file_of_broken_records_stops_after_max_skips_per_file(tmp_path):
    path = tmp_path / "bad.warc"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n\r\n" * 50)  # no Content-Length, fifty times
    items, skips = read(path, Options(max_skips_per_file=5))
    assert not items and [s.code for s in skips] == ["NF161"] * 5 + ["NF115"]
    assert "not look like a WARC file" in skips[-1].reason


@pytest.mark.parametrize("gz", [True, False])
def test_a_file_cut_off_in_its_last_record_keeps_everything_before(tmp_path, gz):
    records = crawl(3)
    path = write(tmp_path / f"cut.warc{'.gz' if gz else ''}", records[:-1], gz)
    last = gzip.compress(records[-1]) if gz else records[-1]
    path.write_bytes(path.read_bytes() + last[: len(last) // 2])  # an interrupted download
    items, skips = read(path)
    assert len(items) == 3
    assert [s.code for s in skips] == ["NF161", "NF160"]
    assert skips[0].origin.endswith(f":{offsets(records, gz)[-1]}")
