"""Watching feeds: poll a list of feed URLs and ingest what is new.

Each poll fetches every feed with a conditional request (If-None-Match /
If-Modified-Since from the last answer), reads the entries not seen before
(only those: a page is fetched once) and ingests them in one run of the
pipeline. What a feed has given is kept in the store's ``meta`` table, key
``watch:<feed URL>``, as JSON: ``etag``, ``last_modified``, ``seen`` (entry
ids, the newest last) and ``checked`` (when the feed last answered). It is
written after the poll's ingest has committed, so a poll cut short is done
again, and a restart (a new process, a new Store) resumes where it stopped.

An entry whose page could not be fetched for a passing reason (no
connection, a timeout, 429 or 5xx) is not marked seen: the next poll tries
it again. Every other outcome, ingested or skipped, is final.

Nothing here prints: ``watch`` yields a PollReport per poll, the CLI shows it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from itertools import chain
from pathlib import Path

from ..config import Options
from ..errors import ConfigError, InputError
from ..records import IngestReport, RawItem, Skipped
from .feeds import feed_entries, is_feed_response
from .fetch import Fetched, Fetcher, is_url

STATE_KEY = "watch:"
# Entry ids kept per feed: a feed lists its latest 10-100 entries, so
# 2,000 remembers every entry a feed still shows (an id forgotten and
# shown again would only be fetched again, and found a duplicate).
SEEN_PER_FEED = 2_000
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.I)
_UNITS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
# Failures that pass: an entry that met one is tried again on the next poll.
_TRANSIENT = re.compile(r"\bHTTP (?:429|5\d\d)\b")


@dataclass
class FeedState:
    """What a feed has given so far (stored as JSON per feed)."""

    etag: str | None = None
    last_modified: str | None = None
    seen: list[str] = field(default_factory=list)
    checked: str | None = None


@dataclass
class FeedPoll:
    """One feed in one poll: ``status`` is "read", "not modified" or "failed"."""

    url: str
    status: str
    entries: int = 0  # entries not seen before, read this poll
    problem: str | None = None


@dataclass
class PollReport:
    number: int
    started: str
    feeds: list[FeedPoll] = field(default_factory=list)
    ingest: IngestReport | None = None  # None: nothing new to ingest
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"number": self.number, "started": self.started, "seconds": self.seconds,
                "feeds": [asdict(f) for f in self.feeds],
                "ingest": self.ingest.as_dict() if self.ingest else None}


def read_feed_list(path: str | Path) -> list[str]:
    """Feed URLs from a file: one a line, ``#`` starts a comment, blank lines ignored."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the feed list: {exc}", code="NF101" if isinstance(
            exc, FileNotFoundError) else "NF106") from None
    urls = [(n, line.split("#", 1)[0].strip()) for n, line in enumerate(lines, start=1)]
    bad = [(n, url) for n, url in urls if url and not is_url(url)]
    if bad:
        raise InputError(f"{path}:{bad[0][0]}", f"not an http(s) URL: {bad[0][1]!r}", code="NF140",
                         hint="list one feed URL per line; # starts a comment")
    return list(dict.fromkeys(url for _, url in urls if url))


def parse_interval(text: str) -> float:
    """Seconds in "90", "30s", "15m", "1h", "1d"."""
    match = _INTERVAL.match(text or "")
    if not match or float(match.group(1)) <= 0:
        raise ConfigError(f"--every {text!r} is not a time between polls", code="NF401",
                          hint="give a number and a unit: 30s, 15m, 1h")
    return float(match.group(1)) * _UNITS[(match.group(2) or "").lower()[:3] or None]


def watch(urls: list[str], store, *, every: float = 900.0, once: bool = False,
          stop: threading.Event | None = None, options: Options = Options(), fetcher: Fetcher | None = None,
          **ingest_options) -> Iterator[PollReport]:
    """Poll ``urls`` every ``every`` seconds until ``stop`` is set (or once):
    one PollReport per poll. ``ingest_options`` go to pipeline.ingest."""
    stop = stop or threading.Event()
    for number in range(1, 1 << 62):
        yield poll(urls, store, number=number, options=options, fetcher=fetcher, **ingest_options)
        if once or stop.wait(every):
            return


def poll(urls: Iterable[str], store, *, number: int = 1, options: Options = Options(),
         fetcher: Fetcher | None = None, **ingest_options) -> PollReport:
    """Fetch each feed once, ingest its new entries, remember what was read."""
    from ..pipeline import ingest

    report, started = PollReport(number, _now()), time.perf_counter()
    states = {url: load_state(store, url) for url in urls}
    web = fetcher or Fetcher(options)  # one per poll: robots.txt is read again every poll, as RFC 9309 allows
    try:
        items = chain.from_iterable(_feed_items(url, states[url], web, options, report) for url in states)
        first = next(items, None)
        if first is not None:
            report.ingest = ingest(chain([first], items), store, options=options, **ingest_options)
    finally:
        if fetcher is None:
            web.close()
    _save_states(store, states)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _feed_items(url: str, state: FeedState, web: Fetcher, options: Options,
                report: PollReport) -> Iterator[RawItem | Skipped]:
    """The feed's new entries as items; its state updated once all are read."""
    fetched = web.fetch(url, _conditional(state))
    if isinstance(fetched, Fetched) and not fetched.not_modified and not is_feed_response(fetched):
        fetched = Skipped(url, f"not a feed (content type {fetched.content_type or 'none'})", "NF150")
    if isinstance(fetched, Skipped):
        report.feeds.append(FeedPoll(url, "failed", problem=f"{fetched.reason} [{fetched.code}]"))
        yield fetched
        return
    if fetched.not_modified:
        report.feeds.append(FeedPoll(url, "not modified"))
        state.checked = _now()
        return
    yield from _new_entries(url, fetched, state, web, options, report)


def _new_entries(url: str, fetched: Fetched, state: FeedState, web: Fetcher, options: Options,
                 report: PollReport) -> Iterator[RawItem | Skipped]:
    feed = FeedPoll(url, "read")
    report.feeds.append(feed)
    done = []
    for key, item in feed_entries(url, fetched.body, options, web, set(state.seen), report_empty=False,
                                  feed_url=fetched.url):
        if key is not None:
            feed.entries += 1
            done += [] if _transient(item) else [key]
        yield item
    _remember(state, fetched, done)


def _transient(item: RawItem | Skipped) -> bool:
    if not isinstance(item, Skipped):
        return False
    return item.code in ("NF141", "NF142") or (item.code == "NF143" and bool(_TRANSIENT.search(item.reason)))


def _conditional(state: FeedState) -> dict:
    headers = {"If-None-Match": state.etag, "If-Modified-Since": state.last_modified}
    return {name: value for name, value in headers.items() if value}


def _remember(state: FeedState, fetched: Fetched, keys: list[str]) -> None:
    state.etag = fetched.headers.get("etag") or None
    state.last_modified = fetched.headers.get("last-modified") or None
    state.seen = list(dict.fromkeys([*state.seen, *keys]))[-SEEN_PER_FEED:]
    state.checked = _now()


def load_state(store, url: str) -> FeedState:
    """The feed's stored state; a missing or unreadable one starts afresh."""
    try:
        data = json.loads(store.get_meta(STATE_KEY + url) or "{}")
    except ValueError:
        return FeedState()
    known = {f.name for f in fields(FeedState)}
    return FeedState(**{k: v for k, v in data.items() if k in known}) if isinstance(data, dict) else FeedState()


def _save_states(store, states: dict[str, FeedState]) -> None:
    with store.transaction():
        for url, state in states.items():
            store.set_meta(STATE_KEY + url, json.dumps(asdict(state)))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
