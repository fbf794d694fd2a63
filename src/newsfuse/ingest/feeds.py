"""Feeds and URLs: RSS 2.0, RSS 1.0 (RDF) and Atom -> RawItem | Skipped.

A feed is recognised by its root element (``<rss>``, ``<rdf:RDF>``,
``<feed>``), not by its name, and parsed by feedparser (from bytes: it
never fetches anything itself). Each entry becomes one RawItem, its body
taken from, in this order (``meta["content_from"]`` says which):

- ``feed``: the full content the feed carries (content:encoded, Atom
  content) as kind "html" (or "text" for Atom type="text"), when it holds
  at least ``Options.min_words`` words;
- ``page``: else the page the entry links to, fetched and read as HTML
  (``Options.fetch_pages``; a Fetcher is made for the feed if none is given);
- ``summary``: else its summary, as text, if at least ``min_words`` long.

Metadata: title, url (the entry's link; the page's final URL after
redirects), published (the entry's date, ISO), id (id or guid) and source
(the feed's title, or its domain), validated by the JSON Lines schema
(ingest/schema.py) as every input's metadata is. ``url_items`` reads one
URL: an HTML page, or a feed's entries.

Codes (fetching adds NF140-NF147, see ingest/fetch.py):

NF150  XML that is not a feed (an .xml file, or a fetched XML document)
NF151  a feed that cannot be parsed
NF152  an entry without text: no full content, no page, a summary too short
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from urllib.parse import urlsplit

from .. import clean
from ..config import Options
from ..records import RawItem, Skipped
from .fetch import HTML_TYPES, Fetched, Fetcher, is_url, page_item
from .schema import FieldProblem, clean_body, clean_meta_dict

# The root element is found within this many bytes: an XML declaration, a
# stylesheet instruction and a comment or two come before it in real feeds.
_SNIFF = 65_536
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)
_ROOT = re.compile(r"\s*<(?:[\w.-]+:)?([\w.-]+)")
ROOTS = {"rss": "RSS 2.0", "rdf": "RSS 1.0", "feed": "Atom"}
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
                        "text/xml", "application/feed+xml"})
_FEEDISH = FEED_TYPES | HTML_TYPES | {"", "application/octet-stream", "text/plain"}
_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"<(?:br\s*/?|/p|/div|/li|/h\d|/blockquote)\s*>", re.I)


def feed_root(data: bytes) -> str | None:
    """"RSS 2.0", "RSS 1.0" or "Atom" from the document's root element, else None."""
    head = _head_text(data[:_SNIFF])
    position = 0
    while match := _PROLOG.match(head, position):
        position = match.end()
    root = _ROOT.match(head, position)
    return ROOTS.get(root.group(1).lower()) if root else None


def _head_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte order mark
        return data.decode("utf-16", "ignore")
    return data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")  # the markup before the root is ASCII


def read_feed(origin: str, data: bytes, options: Options = Options(), fetcher: Fetcher | None = None,
              feed_url: str | None = None) -> Iterator[RawItem | Skipped]:
    """The items of a feed document; XML that is no feed is NF150. Relative
    links resolve against ``feed_url`` (where it was served from), if given."""
    if feed_root(data) is None:
        yield Skipped(origin, "XML that is not a feed (the root element is not rss, rdf:RDF or Atom feed); "
                              "skipped", "NF150")
        return
    for _key, item in feed_entries(origin, data, options, fetcher, feed_url=feed_url):
        yield item


def url_items(url: str, options: Options = Options(), fetcher: Fetcher | None = None) -> Iterator[RawItem | Skipped]:
    """One URL's items: an HTML page, or the entries of a feed."""
    with _fetcher(fetcher, options) as web:
        fetched = web.fetch(url)
        if isinstance(fetched, Skipped):
            yield fetched
        elif is_feed_response(fetched):
            yield from read_feed(url, fetched.body, options, web, feed_url=fetched.url)
        else:
            yield page_item(fetched, options)


def is_feed_response(fetched: Fetched) -> bool:
    """Rooted like a feed, and served as XML, HTML (some servers label feeds
    text/html; no page has an rss or feed root) or with no useful type."""
    return fetched.content_type in _FEEDISH and feed_root(fetched.body) is not None


@contextmanager
def _fetcher(given: Fetcher | None, options: Options):
    if given is not None:
        yield given
    else:
        with Fetcher(options) as made:
            yield made


# -- entries ---------------------------------------------------------------


def feed_entries(origin: str, data: bytes, options: Options = Options(), fetcher: Fetcher | None = None,
                 seen: Collection[str] = (), *, report_empty: bool = True,
                 feed_url: str | None = None) -> Iterator[tuple[str | None, RawItem | Skipped]]:
    """(entry key, item) for each entry whose key is not in ``seen``; the key
    is None for a problem with the whole feed. Pages are fetched in parallel."""
    parsed = parse_feed(origin, data, feed_url)
    if isinstance(parsed, Skipped):
        yield None, parsed
        return
    if not parsed.entries and report_empty:
        yield None, Skipped(origin, "empty feed: no entries", "NF103")
    source = feed_source(parsed, feed_url or origin)
    todo = [(f"{origin}:{n}", entry) for n, entry in enumerate(parsed.entries, start=1)
            if entry_key(entry) not in seen]
    with _page_fetcher(fetcher, options, [entry for _, entry in todo]) as web:
        def item(pair):
            return entry_key(pair[1]), _guarded(entry_item, pair[0], pair[1], source, options, web)

        yield from _in_order(item, todo, options.fetch_workers if web else 1)


def parse_feed(origin: str, data: bytes, base: str | None = None):
    """feedparser's result, or NF151 when nothing could be read."""
    import feedparser

    headers = {"content-location": base} if base else {}  # the base of relative links
    try:  # a stream: feedparser never takes it for a URL or a path to open
        parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, response_headers=headers)
    except Exception as exc:  # feedparser falls back to a loose parser; anything it still raises is this feed's
        return Skipped(origin, f"cannot parse the feed: {type(exc).__name__}: {exc}", "NF151")
    if parsed.get("bozo") and not parsed.entries:  # a well-formed empty feed is not bozo
        return Skipped(origin, f"cannot parse the feed: {parsed.get('bozo_exception')}", "NF151")
    return parsed


def entry_key(entry) -> str:
    """What identifies an entry across polls: its id (guid), else link, else title."""
    return str(entry.get("id") or entry.get("link") or entry.get("title") or "")


def feed_source(parsed, where: str) -> str | None:
    """The outlet: the feed's title, else the domain of its link or of where it was read."""
    title = (parsed.feed.get("title") or "").strip()
    return title or _domain(parsed.feed.get("link")) or (_domain(where) if is_url(where) else None)


def _domain(url: str | None) -> str | None:
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


@contextmanager
def _page_fetcher(fetcher: Fetcher | None, options: Options, entries: list):
    """The fetcher for linked pages: the caller's, one for this feed, or None (not needed, or off)."""
    wanted = options.fetch_pages and any(_full_content(e, options) is None and e.get("link") for e in entries)
    if not wanted:
        yield None
    else:
        with nullcontext(fetcher) if fetcher else Fetcher(options) as web:
            yield web


def entry_item(origin: str, entry, source: str | None, options: Options,
               fetcher: Fetcher | None) -> RawItem | Skipped:
    """One entry as a RawItem: metadata checked like a JSON Lines record's."""
    try:
        meta = clean_meta_dict(_entry_meta(entry, source), options)
    except FieldProblem as problem:
        return Skipped(origin, problem.reason, problem.code)
    body = _entry_body(origin, entry, meta, options, fetcher)
    if isinstance(body, Skipped):
        return body
    try:
        return RawItem(origin, body.kind, clean_body(body.content, body.kind, options), {**meta, **body.meta})
    except FieldProblem as problem:
        return Skipped(origin, problem.reason, problem.code)


def _guarded(function: Callable, origin: str, *args) -> RawItem | Skipped:
    """A reader never raises: an unexpected error on one entry skips that entry (NF190)."""
    try:
        return function(origin, *args)
    except Exception as exc:
        return Skipped(origin, f"reading the entry failed: {type(exc).__name__}: {exc} (a newsfuse bug: please "
                               "report it with this feed)", "NF190")


def _entry_meta(entry, source: str | None) -> dict:
    return {"title": entry.get("title"), "url": entry.get("link"), "published": _entry_date(entry),
            "id": entry.get("id"), "source": source}


def _entry_date(entry) -> str | None:
    """The entry's publication (else update) date, as feedparser parsed it (UTC)."""
    # dict.get: FeedParserDict.get maps a missing key to the other, with a DeprecationWarning
    when = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    try:
        return dt.date(*when[:3]).isoformat() if when else None
    except (TypeError, ValueError):
        return None


def _entry_body(origin: str, entry, meta: dict, options: Options, fetcher: Fetcher | None) -> RawItem | Skipped:
    """The entry's text: its full content, else its page, else its summary."""
    full = _full_content(entry, options)
    if full is not None:
        return RawItem(origin, full[0], full[1], {"content_from": "feed"})
    page = _linked_page(entry, meta, options, fetcher)
    if isinstance(page, RawItem):
        return page
    summary = _as_text(entry.get("summary") or "")
    words = clean.word_count(summary)
    if words >= options.min_words:
        return RawItem(origin, "text", summary, {"content_from": "summary", **_page_problem(page)})
    if page is not None:
        return Skipped(origin, f"linked page {meta.get('url')}: {page.reason}", page.code)
    return Skipped(origin, f"entry has no full text{_no_page(entry, options)} and its summary has {words} words "
                           f"(minimum {options.min_words}, Options.min_words)", "NF152")


def _full_content(entry, options: Options) -> tuple[str, str] | None:
    """(kind, content) of the entry's full content, if it has enough words to be an article."""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        kind = "text" if content.get("type") == "text/plain" else "html"
        if clean.word_count(_as_text(value) if kind == "html" else value) >= options.min_words:
            return kind, value
    return None


def _linked_page(entry, meta: dict, options: Options, fetcher: Fetcher | None) -> RawItem | Skipped | None:
    """The linked page read as HTML (feed metadata kept), why it could not be, or None (not tried)."""
    link = entry.get("link")
    if fetcher is None or not options.fetch_pages or not link:
        return None
    fetched = fetcher.fetch(link)
    if isinstance(fetched, Skipped):
        return fetched
    page = page_item(fetched, options, {"title": meta.get("title")})
    if isinstance(page, RawItem):
        page.meta["content_from"] = "page"
    return page


def _page_problem(page: Skipped | None) -> dict:
    return {"page_problem": f"{page.reason} [{page.code}]"} if page is not None else {}


def _no_page(entry, options: Options) -> str:
    if not entry.get("link"):
        return " nor link"
    return "" if options.fetch_pages else " (pages not fetched: Options.fetch_pages is off)"


def _as_text(fragment: str) -> str:
    """An HTML fragment's text (feedparser has sanitised it): blocks on their own lines."""
    text = _TAG.sub(" ", _BLOCK_END.sub("\n", fragment))
    lines = (" ".join(line.split()) for line in html.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)


def _in_order(function: Callable, items: Iterable, workers: int) -> Iterator:
    """``map(function, items)`` on ``workers`` threads, in order, a few ahead at most."""
    if workers <= 1:
        yield from map(function, items)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers, thread_name_prefix="newsfuse-fetch") as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= 2 * workers:  # bounded: a feed of 1,000 entries holds 16 pages, not 1,000
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
