"""RawItem -> Article: extraction, chrome removal, title, date, id.

Codes: NF109 unusable metadata sidecar (older RawItems carry it as
``_meta_error``; the readers now skip such files themselves), NF110 too few
words, NF111 a published value that is not a date, NF113 article text over
Options.max_text_chars (an HTML page's text is only known after extraction).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

from .. import clean
from ..config import Options
from ..errors import InputError
from ..outlets import credited_outlet
from ..records import Article, RawItem

_ISO_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")


def to_article(raw: RawItem, options: Options = Options()) -> Article:
    """Clean one item into an Article, or raise InputError saying why not."""
    meta = raw.meta
    if "_meta_error" in meta:
        raise InputError(raw.origin, meta["_meta_error"], code="NF109")
    body, found = _body_and_found_meta(raw)
    _check_size(raw.origin, body, options)
    text, removed = clean.strip_chrome(body)
    text, title = clean.split_title(text, meta.get("title") or found.get("title"))
    _check_length(raw.origin, text, options)
    published, published_from = _publication_date(raw, found, text, removed)
    url = meta.get("url") or clean.page_url(body)  # a saved page's text may open with its address
    return Article(
        id=clean.content_id(text),
        text=text,
        origin=raw.origin,
        url=url,
        source=_outlet({**meta, "url": url}, found, text),
        title=title,
        published=published,
        published_from=published_from,
        language=clean.detect_language(text),
        sentences=clean.split_sentences(text),
        removed=removed,
    )


def _body_and_found_meta(raw: RawItem) -> tuple[str, dict]:
    if raw.kind != "html":
        return raw.content, {}
    from .html import extract_html

    page = extract_html(raw.content, origin=raw.origin, url=raw.meta.get("url"))
    found = {"title": page.title, "sitename": page.sitename, "published": page.published}
    return page.text, found


def _check_size(origin: str, body: str, options: Options) -> None:
    """Bound the work of the later stages (an HTML page's text is only known here)."""
    if len(body) > options.max_text_chars:
        raise InputError(origin, f"article text is {len(body):,} characters long, over the limit of "
                                 f"{options.max_text_chars:,} (Options.max_text_chars)", code="NF113")


def _check_length(origin: str, text: str, options: Options) -> None:
    words = clean.word_count(text)
    if words < options.min_words:
        raise InputError(origin, f"only {words} words of article text after cleaning "
                                 f"(minimum {options.min_words}, Options.min_words)", code="NF110")


def _publication_date(raw: RawItem, found: dict, text: str, removed: list[str]) -> tuple[str | None, str | None]:
    """Metadata first, then the HTML page, then a dateline in the text."""
    given = raw.meta.get("published")
    if given is not None:
        return parse_date(given, raw.origin), "metadata"
    if found.get("published"):
        return found["published"], "html"
    dateline = clean.find_dateline(text, removed)
    return (dateline, "dateline") if dateline else (None, None)


def parse_date(value: object, origin: str) -> str:
    """ISO date from a metadata value (date, ISO date or date-time)."""
    text = str(value).strip()
    if _ISO_PREFIX.match(text):
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            pass
    raise InputError(origin, f"published {text!r} is not a date; use YYYY-MM-DD or an ISO 8601 date-time",
                     code="NF111")


def _outlet(meta: dict, found: dict, text: str) -> str | None:
    """The outlet: what the source says (metadata, the page's site name, the
    URL's domain), else the agency credited in the text (``outlets``)."""
    return meta.get("source") or found.get("sitename") or _domain(meta.get("url")) or credited_outlet(text)


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlparse(url).netloc.lower()
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 bracket)
        return None
    return host.removeprefix("www.") or None
