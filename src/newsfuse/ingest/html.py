"""HTML page -> main text, title, site name and original publication date.

trafilatura finds the article body and the page metadata; htmldate (which
trafilatura calls for its ``date`` field) finds the publication date. A short
post-clean drops the one-line page furniture that trafilatura lets through
(DESIGN.md field notes: an inline "ADVERTISEMENT" paragraph survives).

Error codes: NF120 nothing to read, NF121 not parseable as HTML,
NF122 the extractor failed, NF123 no main text found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import decode_file, load_html

from ..errors import InputError

_DATE_FORMAT = "%Y-%m-%d"

# Markup-only date search (meta tags, JSON-LD, <time>, URL). htmldate's
# free-text scan (extensive_search) is off: it reads page chrome such as
# "Sunday 24th of September 2023 | Last Update" (the day the page was viewed,
# DESIGN.md) and turns a footer's "Copyright 2024" into 2024-01-01. Dates in
# the article text are left to the dateline finder, which knows the chrome.
# original_date: the first publication, not the last "updated" stamp.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": _DATE_FORMAT}

# Declared charset in the first bytes of a page (<meta charset=...> or
# http-equiv content="...; charset=...").
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# A page that names none of these in its first 1000 characters is a fragment
# (e.g. the "html" field of a JSON Lines record). trafilatura's loader rejects
# single-element fragments as "dubious HTML", so fragments get wrapped.
_DOCUMENT_TAG = re.compile(r"<(?:!doctype|html|head|body)\b", re.IGNORECASE)

# Whole lines that are page furniture, not reporting. Anchored at both ends so
# that a sentence which merely starts with "Subscribe"/"Share" is kept, and
# only applied to short lines (see _MAX_FURNITURE_WORDS).
_FURNITURE = re.compile(
    r"""^(?:
        advertisements?|advert|ad|sponsored(?:\s+content)?|
        (?:story|article)\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?(?:advertisement|ad))?|
        continue\s+reading(?:\s+(?:below|the\s+(?:main\s+)?story))?|
        share(?:\s+this)?(?:\s+(?:article|story|page|post))?(?:\s+(?:on|via)\s+\w+)?|
        (?:read|see|show|load)\s+more(?:\s+comments)?|
        subscribe\b.*|
        sign\s+up\b.*\bnewsletters?\b.*|
        (?:click|tap)\s+here\s+to\s+(?:subscribe|sign\s+up|read\s+more|share).*|
        follow\s+us\s+on\b.*
    )[\s.:!?\u2026>\u203a\u00bb-]*$""",
    re.IGNORECASE | re.VERBOSE,
)
# Real sentences that happen to match the patterns above ("Subscribe ... "
# in a quote) are long; furniture lines are a few words. 12 words covers
# "Sign up for our free daily newsletter to get the latest news" (12).
_MAX_FURNITURE_WORDS = 12


@dataclass
class HtmlExtract:
    """What one HTML page yields."""

    text: str  # main text, paragraphs separated by "\n"
    title: str | None
    sitename: str | None
    published: str | None  # original publication date, YYYY-MM-DD
    date_method: str | None  # "htmldate" (page markup) or None


def extract_html(html: str | bytes, *, origin: str, url: str | None = None) -> HtmlExtract:
    """Main text and metadata of one page, or InputError saying why not."""
    source = _as_text(html, origin)
    tree = _parse(source, origin)
    document = _extract(tree, origin, url)
    text = clean_text(document.text or "")
    if not text:
        raise _no_text(origin)
    published = _blank_to_none(document.date)  # htmldate, run by trafilatura
    return HtmlExtract(text=text, title=_blank_to_none(document.title),
                       sitename=_blank_to_none(document.sitename),
                       published=published, date_method="htmldate" if published else None)


def clean_text(text: str) -> str:
    """Drop furniture lines and blank lines; paragraphs stay one per line."""
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not _is_furniture(line))


def _is_furniture(line: str) -> bool:
    return len(line.split()) <= _MAX_FURNITURE_WORDS and _FURNITURE.match(line) is not None


def _as_text(html: str | bytes, origin: str) -> str:
    """Unicode page text. Bytes: UTF-8, else the declared charset, else detection.

    Strict UTF-8 goes first because a page that decodes as UTF-8 almost
    certainly is UTF-8, while declared charsets are often wrong (a page
    saying iso-8859-1 but served as UTF-8 is common).
    """
    if isinstance(html, str):
        text = html
    else:
        text = decode_page(html)
    if not text.strip():
        raise InputError(origin, "the HTML page is empty", code="NF120")
    if "\x00" in text[:4096]:  # NUL never occurs in an HTML page, only in binary files
        raise InputError(origin, "binary data, not an HTML page", code="NF121")
    return text


def decode_page(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    # charset detection, with lossy UTF-8 as the last resort
    return decode_file(data)


def _parse(source: str, origin: str) -> HtmlElement:
    if not _DOCUMENT_TAG.search(source[:1000]):
        source = f"<html><body>{source}</body></html>"
    try:
        tree = load_html(source)
    except (ValueError, TypeError) as exc:
        raise InputError(origin, f"cannot parse the HTML page: {exc}", code="NF121") from exc
    if tree is None:
        raise InputError(origin, "cannot parse the HTML page: not a well-formed HTML document", code="NF121")
    return tree


def _extract(tree: HtmlElement, origin: str, url: str | None):
    """trafilatura's Document (text, title, sitename, markup date)."""
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            # reader comments are not the report (DESIGN field notes)
            include_comments=False,
            # tables stay (trafilatura's default): on the scrapinghub set they
            # carry report content (standings, earnings, stats) far more often
            # than layout noise; dropping them cost 0.6 points of recall there
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:  # a bug inside the extractor must not stop a batch
        raise InputError(origin, f"HTML extraction failed: {type(exc).__name__}: {exc}", code="NF122") from exc
    if document is None:
        raise _no_text(origin)
    return document


def _no_text(origin: str) -> InputError:
    return InputError(origin, "no main text found in the HTML page", code="NF123",
                      hint="the page may be an index, a paywall or rendered by JavaScript")


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
