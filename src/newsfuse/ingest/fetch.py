"""Fetching over HTTP: one polite client for pages, feeds and robots.txt.

A Fetcher GETs a URL with httpx and answers a Fetched (the body, the final
URL, the headers) or a Skipped naming the URL and the reason; it never raises
for one bad URL and never prints. Politeness and bounds come from Options:

- a clear User-Agent (``newsfuse/<version> (+<project page>)``), matched
  against robots.txt, which is read once per host (urllib.robotparser) and
  obeyed at every hop of a redirect chain;
- at most ``fetch_per_host`` requests to one host at a time;
- a timeout (``fetch_timeout``) on connecting and between bytes, and a
  ceiling on a whole body (a server trickling a byte at a time ends too);
- retries with doubling back-off on connection errors, 429 and 5xx
  (``fetch_retries``, ``fetch_backoff``), honouring Retry-After up to
  ``fetch_retry_after_max`` (a longer wait gives up at once);
- redirects followed by hand, at most ``max_redirects``, loops caught;
- bodies streamed and dropped past ``max_file_bytes`` (decompressed: a gzip
  bomb stops there too).

Codes:

NF140  not an http(s) URL, or one that cannot be parsed
NF141  cannot connect (refused, name not found, TLS, connect timeout), after the retries
NF142  timed out while the server was sending
NF143  an HTTP error status (4xx; 429 and 5xx after the retries)
NF144  disallowed by the site's robots.txt, or its robots.txt answers 5xx
       (RFC 9309: then assume everything is disallowed)
NF145  too many redirects, a redirect loop, or a redirect without a Location
NF146  too large: the body is over Options.max_file_bytes
(and NF106, as for files: a body whose gzip/deflate encoding is broken)
NF147  a content type newsfuse does not read (an image, a PDF, JSON; a page
       that is not HTML)
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from ..config import Options
from ..records import RawItem, Skipped
from .schema import FieldProblem, clean_body, clean_meta_dict, url_text

# Where a site owner who sees newsfuse in their logs learns what it is.
PROJECT_URL = "https://pypi.org/project/newsfuse/"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# A body may take this many timeouts in all: httpx's timeout is per read, so a
# server sending one byte every few seconds would otherwise never end.
_BODY_TIMEOUTS = 10
# robots.txt is read up to 500 KiB (RFC 9309, 2.5); rules past it are ignored.
_ROBOTS_BYTES = 512_000
# Connection failures worth another try; a slow server (read timeout) is not
# retried: it would cost the full timeout again, each time.
_RETRY_CODES = frozenset({"NF141"})


@dataclass
class Fetched:
    """A response: ``url`` is where it was served from after redirects,
    ``requested`` the URL asked for; header names are lower case."""

    url: str
    requested: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def page_item(fetched: Fetched, options: Options = Options(), meta: dict | None = None) -> RawItem | Skipped:
    """A fetched HTML page as a RawItem (kind "html", url: where it was
    served from); anything but HTML is NF147. ``meta`` adds to it."""
    if fetched.content_type not in HTML_TYPES and not _looks_like_html(fetched):
        return Skipped(fetched.requested, f"content type {fetched.content_type or '(none)'} is not an HTML "
                                          "page or a feed", "NF147")
    try:
        content = clean_body(_decoded(fetched), "html", options)
        meta = clean_meta_dict({**(meta or {}), "url": fetched.url}, options)
    except FieldProblem as problem:
        return Skipped(fetched.requested, problem.reason, problem.code)
    except (LookupError, UnicodeError, ValueError) as exc:  # charset detection can name a codec that fails
        return Skipped(fetched.requested, f"cannot decode the page: {exc}", "NF104")
    if not content.strip():
        return Skipped(fetched.requested, "empty page", "NF103")
    return RawItem(fetched.requested, "html", content, _with_redirect(meta, fetched, options))


def _looks_like_html(fetched: Fetched) -> bool:
    """A page served without a content type (or as octet-stream) that starts like HTML."""
    head = fetched.body[:512].lstrip().lower()
    return fetched.content_type in ("", "application/octet-stream") and head.startswith((b"<!doctype html", b"<html"))


def _decoded(fetched: Fetched) -> str:
    """The body in the charset the server declares, else the page's own or detected one."""
    from .html import decode_page

    declared = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", fetched.headers.get("content-type", ""), re.I)
    if declared:
        try:
            return fetched.body.decode(declared.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_page(fetched.body)


def _with_redirect(meta: dict, fetched: Fetched, options: Options) -> dict:
    """The URL first asked for, when a redirect moved the page (``redirected_from``)."""
    if fetched.requested != fetched.url:
        meta["redirected_from"] = url_text(fetched.requested)[:options.max_url_chars]
    return meta


def default_user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("newsfuse")
    except PackageNotFoundError:  # run from a source tree without an install
        release = "dev"
    return f"newsfuse/{release} (+{PROJECT_URL})"


def is_url(text: object) -> bool:
    """An http(s) URL rather than a path (the CLI and sources tell them apart by this)."""
    return isinstance(text, str) and text[:8].lower().startswith(("http://", "https://"))


class Fetcher:
    """One HTTP client, its per-host limits and robots.txt cache; thread-safe.

    Use as a context manager (or call ``close``). ``sleep`` is the back-off's
    clock (tests pass a recorder); ``transport`` an httpx transport.
    """

    def __init__(self, options: Options = Options(), *, sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None):
        self.options, self.sleep = options, sleep
        self.agent = options.user_agent or default_user_agent()
        self.client = httpx.Client(timeout=options.fetch_timeout, follow_redirects=False, transport=transport,
                                   headers={"User-Agent": self.agent})
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._robots: dict[str, RobotFileParser | Skipped] = {}
        self._robot_locks: dict[str, threading.Lock] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def fetch(self, url: str, headers: dict | None = None) -> Fetched | Skipped:
        """GET ``url`` (with conditional ``headers``, say), redirects followed,
        robots.txt obeyed; a 304 is a Fetched with ``not_modified``."""
        return _final(*self._chase(url, headers or {}, robots=True), self.options)

    def _chase(self, url: str, headers: dict, robots: bool) -> tuple[Fetched | Skipped, list[str]]:
        """The last answer along the redirect chain, and the chain."""
        chain = [url]
        for _ in range(self.options.max_redirects + 1):
            result = self._checked(url, chain[0], robots) or self._get(url, headers)
            if isinstance(result, Skipped) or result.status not in _REDIRECTS:
                return result, chain
            url = _location(result)
            if url is None or url in chain:
                return _bad_redirect(chain, url), chain
            chain.append(url)
        return Skipped(chain[0], f"more than {self.options.max_redirects} redirects: {' -> '.join(chain)} "
                                 "(Options.max_redirects)", "NF145"), chain

    def _checked(self, url: str, origin: str, robots: bool) -> Skipped | None:
        """Why ``url`` may not be fetched, or None."""
        parts = _split(url)
        if parts is None:
            return Skipped(origin, f"not an http(s) URL: {url!r}", "NF140")
        return self._disallowed(url, origin) if robots else None

    # -- one request, retried ---------------------------------------------

    def _get(self, url: str, headers: dict) -> Fetched | Skipped:
        for attempt in range(self.options.fetch_retries + 1):
            result = self._once(url, headers)
            wait = self._retry_wait(result, attempt)
            if wait is None:
                return result
            self.sleep(wait)
        return result

    def _retry_wait(self, result: Fetched | Skipped, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None: done (success, a
        lasting failure, the retries used up, or a Retry-After past the cap)."""
        if attempt >= self.options.fetch_retries or not _retryable(result):
            return None
        asked = _retry_after(result.headers.get("retry-after")) if isinstance(result, Fetched) else None
        if asked is None:
            return self.options.fetch_backoff * 2 ** attempt
        return asked if asked <= self.options.fetch_retry_after_max else None

    def _once(self, url: str, headers: dict) -> Fetched | Skipped:
        try:
            with self._slot(url), self.client.stream("GET", url, headers=headers) as response:
                return self._response(url, response)
        except httpx.ConnectTimeout:
            return Skipped(url, f"cannot connect: no answer within {self.options.fetch_timeout:g} s "
                                "(Options.fetch_timeout)", "NF141")
        except httpx.TimeoutException:
            return _timed_out(url, self.options)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:  # ValueError: a bad port
            return Skipped(url, f"not a usable URL: {exc}", "NF140")
        except httpx.DecodingError as exc:
            return Skipped(url, f"cannot read: the body's Content-Encoding is broken: {exc}", "NF106")
        except (httpx.HTTPError, httpx.StreamError, OSError) as exc:  # refused, reset, TLS, protocol errors
            return Skipped(url, f"cannot connect: {exc or type(exc).__name__}", "NF141")

    def _response(self, url: str, response: httpx.Response) -> Fetched | Skipped:
        headers = {k.lower(): v for k, v in response.headers.items()}
        fetched = Fetched(str(response.url), url, response.status_code, headers)
        if 200 <= response.status_code < 300:  # only a page's body is wanted: not a redirect's or an error's
            body = self._body(url, response)
            if isinstance(body, Skipped):
                return body
            fetched.body = body
        return fetched

    def _body(self, url: str, response: httpx.Response) -> bytes | Skipped:
        limit, declared = self.options.max_file_bytes, response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return _too_big(url, f"{int(declared):,} bytes", limit)
        chunks, size = [], 0
        deadline = time.monotonic() + _BODY_TIMEOUTS * self.options.fetch_timeout
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                return _too_big(url, f"more than {limit:,} bytes", limit)
            if time.monotonic() > deadline:
                return _timed_out(url, self.options)
            chunks.append(chunk)
        return b"".join(chunks)

    @contextmanager
    def _slot(self, url: str):
        """At most ``fetch_per_host`` requests in flight to one host."""
        host = urlsplit(url).netloc.lower()
        with self._lock:
            slot = self._hosts.setdefault(host, threading.BoundedSemaphore(self.options.fetch_per_host))
        with slot:
            yield

    # -- robots.txt --------------------------------------------------------

    def _disallowed(self, url: str, origin: str) -> Skipped | None:
        rules = self._rules(url)
        if isinstance(rules, Skipped):
            return Skipped(origin, rules.reason, rules.code)
        if rules.can_fetch(self.agent, url):
            return None
        return Skipped(origin, f"disallowed by {_robots_url(url)} for {self.agent.split('/')[0]}", "NF144")

    def _rules(self, url: str) -> RobotFileParser | Skipped:
        """The host's robots.txt rules, read once (one reader per host at a time)."""
        root = _robots_url(url)
        with self._lock:
            lock = self._robot_locks.setdefault(root, threading.Lock())
        with lock:
            if root not in self._robots:
                self._robots[root] = self._read_robots(root)
            return self._robots[root]

    def _read_robots(self, root: str) -> RobotFileParser | Skipped:
        """RFC 9309: a robots.txt that is missing (4xx) allows everything; one
        the server fails on (5xx) disallows everything; without a connection
        the site cannot be read anyway, and the reason says why."""
        got, chain = self._chase(root, {}, robots=False)
        if isinstance(got, Skipped):
            return got
        if got.status >= 500:
            return Skipped(root, f"{root} answers HTTP {got.status}: everything is treated as disallowed "
                                 "(RFC 9309)", "NF144")
        rules = RobotFileParser(root)
        rules.parse(got.body[:_ROBOTS_BYTES].decode("utf-8", "replace").splitlines() if got.status == 200 else [])
        return rules


def _final(result: Fetched | Skipped, chain: list[str], options: Options) -> Fetched | Skipped:
    """The last answer as the caller sees it: errors as Skipped naming the first URL."""
    if isinstance(result, Skipped):
        return Skipped(chain[0], _via(result.reason, chain), result.code)
    result.requested = chain[0]
    if not (200 <= result.status < 300 or result.status == 304):
        return Skipped(chain[0], _via(_status_reason(result, options), chain), "NF143")
    return result


def _status_reason(result: Fetched, options: Options) -> str:
    reason = f"HTTP {result.status} {_phrase(result.status)}".strip()
    wait = _retry_after(result.headers.get("retry-after"))
    if wait is not None and wait > options.fetch_retry_after_max:
        reason += (f"; the server asks to wait {wait:g} s, longer than Options.fetch_retry_after_max "
                   f"({options.fetch_retry_after_max:g} s)")
    return reason


def _via(reason: str, chain: list[str]) -> str:
    return reason if len(chain) == 1 else f"{reason} (at {chain[-1]}, redirected from {chain[0]})"


def _phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _location(result: Fetched) -> str | None:
    target = result.headers.get("location", "").strip()
    return urljoin(result.url, target) if target and _split(urljoin(result.url, target)) else None


def _bad_redirect(chain: list[str], target: str | None) -> Skipped:
    if target is None:
        return Skipped(chain[0], f"a redirect without a usable http(s) Location at {chain[-1]}", "NF145")
    return Skipped(chain[0], f"redirect loop: {' -> '.join([*chain, target])}", "NF145")


def _split(url: str):
    """The URL's parts if it is a usable http(s) URL, else None."""
    try:
        parts = urlsplit(url)
        usable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:  # unparseable, or a port out of range
        return None
    return parts if usable else None


def _robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}/robots.txt"


def _retryable(result: Fetched | Skipped) -> bool:
    if isinstance(result, Skipped):
        return result.code in _RETRY_CODES
    return result.status == 429 or result.status >= 500


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number, or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time()) if when.tzinfo else None


def _timed_out(url: str, options: Options) -> Skipped:
    return Skipped(url, f"timed out: the server stopped sending or was too slow (Options.fetch_timeout "
                        f"{options.fetch_timeout:g} s)", "NF142")


def _too_big(url: str, size: str, limit: int) -> Skipped:
    return Skipped(url, f"too large: {size}, over the limit of {limit:,} bytes (Options.max_file_bytes)",
                   "NF146")
