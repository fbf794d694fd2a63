"""The JSON Lines item schema, and the string hygiene every input passes.

One record of a ``.jsonl`` file (and a ``<file>.meta.json`` sidecar, which
holds the metadata keys only) is validated once, here, at the reader:

=========  ==============================  ===================================
key        accepted                        bound (Options)
=========  ==============================  ===================================
text       string                          max_text_chars
html       string                          max_file_bytes (the line limit)
title      string, or a number (its text)  max_meta_chars
url        string (tabs, newlines dropped) max_url_chars
source     string                          max_meta_chars
published  string (a date: see to_article) max_meta_chars
id         string, or a number (its text)  max_meta_chars
=========  ==============================  ===================================

``null`` is the same as a missing key; other keys are ignored. Any other type
(a list, an object, a boolean) skips the record with NF112 naming the field,
a string over its bound with NF113. Strings are made valid Unicode (lone
surrogates from ``"\\ud800"`` escapes become U+FFFD), metadata loses control
characters other than newline and tab, and a body (text or HTML) that is mostly
control, unassigned or replacement characters is refused as not text (NF117).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..config import Options

# Lone surrogates: json.loads makes them from "\ud800" escapes; they cannot be
# encoded as UTF-8, so the store, the report and every printer would fail.
_SURROGATES = re.compile("[\ud800-\udfff]")
# Metadata keeps newline and tab only: the rest (NUL, escape sequences, C1
# controls) would garble a terminal or a rendered page and never mean anything.
_META_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A body keeps newline, tab and carriage return (clean.normalise_whitespace
# turns \r and \r\n into \n); other controls are debris of a broken encoding.
_BODY_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that do not occur in text: controls, surrogates, private use,
# unassigned code points, and the replacement character of a failed decoding.
_JUNK_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")
# The share of junk is measured on at most this many characters (head and
# tail): enough to judge a document, cheap for a 20 MB one.
_JUNK_SAMPLE = 200_000


class FieldProblem(Exception):
    """A record or sidecar the schema refuses: code and reason for Skipped."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _number_as_text(value: object) -> object:
    """A number's text for title and id (JSON writers often emit ids as numbers)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return str(value)
    return value


class MetaFields(BaseModel):
    """The metadata keys of a record or sidecar (strict strings, else NF112)."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)

    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    id: str | None = None

    @field_validator("title", "id", mode="before")
    @classmethod
    def _numbers(cls, value: object) -> object:
        return _number_as_text(value)


class ItemFields(MetaFields):
    """A JSON Lines record: a body (``text`` or ``html``) plus metadata."""

    text: str | None = None
    html: str | None = None


META_KEYS = tuple(MetaFields.model_fields)
_NUMBER_OK = {"title", "id"}


def validate(record: dict, model: type[MetaFields] = ItemFields) -> MetaFields:
    """The record's fields, typed; FieldProblem (NF112) for a wrong type."""
    try:
        return model.model_validate(record)
    except ValidationError as exc:
        raise _type_problem(exc.errors(include_url=False)[0]) from None
    except RecursionError:  # a value nested too deep for the validator
        raise FieldProblem("NF114", "a field is nested too deeply to read") from None


def _type_problem(error: dict) -> FieldProblem:
    field = str(error["loc"][0]) if error.get("loc") else "?"
    wanted = "a string or a number" if field in _NUMBER_OK else "a string"
    return FieldProblem("NF112", f"field {field!r} must be {wanted}, not {_json_type(error.get('input'))}")


def _json_type(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def clean_meta(fields: MetaFields, options: Options) -> dict:
    """The metadata as valid, bounded strings; empty values dropped."""
    meta = {}
    for key in META_KEYS:
        value = getattr(fields, key)
        if value is not None:
            value = meta_text(value) if key != "url" else url_text(value)
            _check_length(key, value, options.max_url_chars if key == "url" else options.max_meta_chars)
            if value:
                meta[key] = value
    return meta


def clean_meta_dict(meta: dict | None, options: Options) -> dict:
    """Validate a plain metadata dict (a sidecar, or a caller's)."""
    if not meta:
        return {}
    return clean_meta(validate(meta, MetaFields), options)


def meta_text(value: str) -> str:
    return _META_CONTROLS.sub("", valid_unicode(value)).strip()


def url_text(value: str) -> str:
    """A URL keeps no tab or newline either (the WHATWG URL parser drops them too).

    Any scheme is kept as metadata (``javascript:``, ``file:``): whoever
    renders a URL as a link must check its scheme.
    """
    return re.sub("[\t\n]", "", meta_text(value))


def valid_unicode(text: str) -> str:
    """``text`` with lone surrogates replaced (U+FFFD): encodable as UTF-8."""
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def clean_body(text: str, kind: str, options: Options) -> str:
    """A document body (text or HTML) checked and cleaned, else FieldProblem."""
    text = valid_unicode(text)
    limit = options.max_text_chars if kind == "text" else options.max_file_bytes
    _check_length(kind, text, limit)
    share = junk_share(text)
    if share > options.max_junk_share:
        raise FieldProblem("NF117", f"not text: {share:.0%} of its characters are control, unassigned or "
                                    f"replacement characters (limit {options.max_junk_share:.0%}, "
                                    "Options.max_junk_share); binary data or the wrong encoding")
    text = text.replace("\r\n", "\n")
    return _BODY_CONTROLS.sub("", text) if _BODY_CONTROLS.search(text) else text


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise FieldProblem("NF113", f"field {field!r} is {len(value):,} characters long, over the limit "
                                    f"of {limit:,} ({_limit_name(field)})")


def _limit_name(field: str) -> str:
    names = {"url": "max_url_chars", "text": "max_text_chars", "html": "max_file_bytes"}
    return "Options." + names.get(field, "max_meta_chars")


def junk_share(text: str) -> float:
    """Share of characters that never occur in text (0.0 for an empty one)."""
    half = _JUNK_SAMPLE // 2
    sample = text if len(text) <= _JUNK_SAMPLE else text[:half] + text[-half:]
    if not sample:
        return 0.0
    counts = Counter(sample)
    return sum(n for char, n in counts.items() if _is_junk(char)) / len(sample)


@lru_cache(maxsize=1 << 16)
def _is_junk(char: str) -> bool:
    if char in _ALLOWED_CONTROLS:
        return False
    return char == "\ufffd" or unicodedata.category(char) in _JUNK_CATEGORIES
