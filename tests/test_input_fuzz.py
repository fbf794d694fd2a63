"""Property-based tests of the input boundary: whatever comes in, the readers
yield RawItem or Skipped (never raise), every Skipped has an NF code and
valid UTF-8 text, every RawItem holds valid, bounded strings, and to_article
raises nothing but InputError for what the readers produce."""

import gzip
import json
import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfuse import Options
from newsfuse.errors import InputError
from newsfuse.ingest.article import to_article
from newsfuse.ingest.schema import META_KEYS
from newsfuse.ingest.sources import bytes_to_item, iter_raw_items, jsonl_record, stream_items
from newsfuse.records import Article, RawItem, Skipped

# Small limits, so that the bounds are crossed by small examples.
SMALL = replace(Options(), max_file_bytes=3_000, max_text_chars=1_500, max_meta_chars=40, max_url_chars=80,
                max_stream_bytes=20_000, max_skips_per_file=5, max_meta_file_bytes=200)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CODE = re.compile(r"^NF1\d\d$")
WORDS = st.sampled_from("the council voted Monday bridge repairs engineers cracks storm flood town".split())
PROSE = st.lists(WORDS, min_size=0, max_size=60).map(" ".join)
SUFFIXES = [".txt", ".html", ".jsonl", ".txt.gz", ".html.gz", ".jsonl.gz", ".ndjson", ".htm", ".doc"]

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
field_values = json_values | PROSE | st.text(alphabet=st.characters(), min_size=0, max_size=300)
records = st.dictionaries(st.sampled_from(["text", "html", "title", "url", "source", "published", "id", "x"]),
                          field_values, max_size=8)


def check(outcome, options: Options) -> None:
    """The invariants of one reader outcome."""
    assert isinstance(outcome, (RawItem, Skipped)), outcome
    if isinstance(outcome, Skipped):
        assert CODE.match(outcome.code), outcome
        outcome.origin.encode("utf-8")
        outcome.reason.encode("utf-8")
        return
    assert outcome.kind in ("text", "html")
    outcome.origin.encode("utf-8")
    outcome.content.encode("utf-8")
    limit = options.max_text_chars if outcome.kind == "text" else options.max_file_bytes
    assert outcome.content.strip() and len(outcome.content) <= limit
    for key, value in outcome.meta.items():
        assert key in META_KEYS and isinstance(value, str) and value
        value.encode("utf-8")
        assert len(value) <= (options.max_url_chars if key == "url" else options.max_meta_chars)


def check_article(item, options: Options) -> None:
    """to_article on a reader's RawItem: an Article with valid strings, or InputError."""
    if not isinstance(item, RawItem):
        return
    try:
        article = to_article(item, options)
    except InputError as exc:
        assert CODE.match(exc.code)
        return
    assert isinstance(article, Article)
    for value in (article.text, article.title, article.url, article.source, article.origin):
        assert value is None or value.encode("utf-8")


@FAST
@given(value=json_values, options=st.sampled_from([Options(), SMALL]))
def test_jsonl_record_of_any_json_value(value, options):
    line = json.dumps(value).encode()
    check(jsonl_record("f.jsonl:1", line, options), options)


@FAST
@given(record=records, options=st.sampled_from([Options(), SMALL]), ascii=st.booleans())
def test_jsonl_record_of_any_record(record, options, ascii):
    # ensure_ascii writes lone surrogates as \ud800 escapes, as hostile files do
    item = jsonl_record("f.jsonl:1", json.dumps(record, ensure_ascii=ascii).encode("utf-8", "surrogatepass"),
                        options)
    check(item, options)
    check_article(item, options)


@FAST
@given(data=st.binary(max_size=4_000), options=st.sampled_from([Options(), SMALL]))
def test_jsonl_record_of_any_bytes(data, options):
    check(jsonl_record("f.jsonl:1", data, options), options)


@FAST
@given(data=st.binary(max_size=4_000) | PROSE.map(str.encode), kind=st.sampled_from(["text", "html"]),
       meta=st.none() | records, options=st.sampled_from([Options(), SMALL]))
def test_bytes_to_item_of_any_bytes(data, kind, meta, options):
    item = bytes_to_item("doc", kind, data, meta, options)
    check(item, options)
    check_article(item, options)


@FAST
@given(data=st.binary(max_size=4_000), options=st.sampled_from([Options(), SMALL]))
def test_stream_items_of_any_bytes(data, options):
    for item in stream_items("<stdin>", data, options):
        check(item, options)


def jsonl_bytes(lines):
    return b"\n".join(json.dumps(line).encode() for line in lines)


file_bodies = (st.binary(max_size=5_000) | st.lists(records, max_size=8).map(jsonl_bytes)
               | PROSE.map(str.encode) | st.text(max_size=500).map(lambda t: t.encode("utf-16")))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=file_bodies, suffix=st.sampled_from(SUFFIXES), compress=st.booleans(),
       name=st.binary(min_size=1, max_size=12), sidecar=st.none() | st.binary(max_size=300) | json_values,
       options=st.sampled_from([Options(), SMALL]))
def test_file_readers_of_any_bytes(body, suffix, compress, name, sidecar, options):
    """Any bytes in a file of any kind (gzip or not, any file name, any sidecar)."""
    name = name.replace(b"/", b"_").replace(b"\0", b"_").lstrip(b".") or b"x"
    with tempfile.TemporaryDirectory() as root:
        path = os.path.join(os.fsencode(root), name + suffix.encode())
        Path(os.fsdecode(path)).write_bytes(gzip.compress(body) if compress and suffix.endswith(".gz") else body)
        if sidecar is not None:
            meta = sidecar if isinstance(sidecar, bytes) else json.dumps(sidecar).encode()
            Path(os.fsdecode(path + b".meta.json")).write_bytes(meta)
        items = list(iter_raw_items([root], options))
    assert items
    for item in items:
        check(item, options)
        check_article(item, options)
