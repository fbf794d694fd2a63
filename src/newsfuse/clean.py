"""Cleaning: page chrome, normalisation, sentences, language, fingerprints.

Scraped page text starts and ends with chrome: date banners ("Sunday 24th of
September 2023 |"), "Last Update", navigation rows, "Latest News" / "Most
Read Articles" lists, share and subscribe lines. Chrome is removed only where
it is unmistakable: runs of chrome lines at the very start and end of the
text, a trailing list that follows a section header such as "Latest News",
and a few one-line patterns ("Read more: …", "ADVERTISEMENT") anywhere. Real
first and last paragraphs are never touched, because a prose line never
matches a chrome pattern.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"

# Words that may fill a date banner besides the date itself.
_BANNER_FILLER = (r"of|at|on|the|am|pm|a\.m\.|p\.m\.|gmt|utc|bst|cet|est|edt|et|pt|ist|updated|update|last|local|time|"
                  r"posted|published|first")
_BANNER_TOKEN = re.compile(
    rf"\b(?:{_WEEKDAYS}|{_MONTHS}|{_BANNER_FILLER})\b\.?|\d{{1,4}}(?:st|nd|rd|th)?|[|•·,:/\-–—.()]",
    re.IGNORECASE,
)
_HAS_DATE_WORD = re.compile(rf"\b(?:{_MONTHS}|{_WEEKDAYS})\b|\b(?:19|20)\d\d\b", re.IGNORECASE)

# Whole lines (after bullets are stripped) that are page furniture.
_CHROME_LINE = re.compile(
    r"^(?:last update[d]?|updated|latest news|latest|most read(?: articles| stories)?|most popular|"
    r"most viewed|trending(?: now)?|top stories|related(?: articles| stories| news| content| topics)?|"
    r"recommended(?: for you)?|you may also like|you might also like|more from .{1,40}|more stories|"
    r"read more|read next|share(?: this(?: article| story)?)?(?: on \w+)?|tweet|email|print|"
    r"subscribe(?: now| to .{1,40})?|sign up(?: for .{1,40})?|newsletter|follow us(?: on .{1,30})?|"
    r"advertisement|advertising|sponsored(?: content)?|skip to (?:main )?content|home|menu|search|"
    r"comments?|leave a (?:comment|reply)|show comments|loading\.*|click here.{0,40}|"
    r"all rights reserved\.?|(?:copyright|©).{0,80}|[.…·•|\-–—_*=]+)$",
    re.IGNORECASE,
)
# Chrome that may sit between paragraphs: short promo lines.
_INLINE_CHROME = re.compile(
    r"^(?:read more|read also|also read|see also|related|watch|listen)\s*[:\-–—|].{0,120}$|"
    r"^(?:advertisement|advertising|story continues below(?: advertisement)?|"
    r"share this (?:article|story).{0,40}|scroll down for video)$",
    re.IGNORECASE,
)
# Headers after which a trailing list of headlines is chrome.
_TRAILING_HEADER = re.compile(
    r"^(?:latest news|latest|most read(?: articles| stories)?|most popular|most viewed|top stories|"
    r"trending(?: now)?|related(?: articles| stories| news| content)?|recommended(?: for you)?|"
    r"you may also like|you might also like|more from .{1,40}|more stories|read next)$",
    re.IGNORECASE,
)
_BULLETS = " \t•·»›|*-–—>"
_HEADLINE_MAX_WORDS = 20
_TRAILING_LIST_MAX_WORDS = 15


def normalise_whitespace(text: str) -> str:
    """Unify newlines and spaces; keep line structure (paragraphs)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[\u200b\u200c\u200d\ufeff]", "", text)
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def is_date_banner(line: str) -> bool:
    """A line that is nothing but a date (and separators): page chrome."""
    stripped = line.strip(_BULLETS)
    if not stripped or not _HAS_DATE_WORD.search(stripped):
        return False
    return not _BANNER_TOKEN.sub("", stripped).strip()


def is_nav_row(line: str) -> bool:
    """"Home | World | Business | Sport": three or more short items."""
    items = [p.strip() for p in re.split(r"\s*[|•·]\s*", line) if p.strip()]
    return len(items) >= 3 and all(len(item.split()) <= 3 for item in items)


def is_chrome_line(line: str) -> bool:
    stripped = line.strip().strip(_BULLETS).strip()
    if not stripped:
        return True
    return bool(_CHROME_LINE.match(stripped)) or is_date_banner(line) or is_nav_row(stripped)


# A line that is only a web address: a saved or scraped page's own address
# atop its text ("http://news.bbc.co.uk/2/hi/middle_east/4475546.stm"). It
# names the outlet (``page_url``) and stays in the text: its words ("iran-quake",
# "2005/nov/28") are evidence of the story (without them, ECB+ topic folds
# held out .936 -> .907) and no sentence is made of it (claims.py).
_BARE_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)


def page_url(text: str) -> str | None:
    """The web address a text opens with on a line of its own, or None."""
    first = text.lstrip().split("\n", 1)[0].strip()
    return first if _BARE_URL.match(first) else None


def _strip_edges(lines: list[str], removed: list[str]) -> list[str]:
    while lines and is_chrome_line(lines[0]):
        removed.append(lines.pop(0))
    while lines and is_chrome_line(lines[-1]):
        removed.append(lines.pop())
    return lines


def _strip_trailing_lists(lines: list[str], removed: list[str]) -> list[str]:
    """Cut "Latest News" + short headlines at the end of the text."""
    start = int(len(lines) * 0.6)
    for i in range(len(lines) - 1, start - 1, -1):
        if not _TRAILING_HEADER.match(lines[i].strip().strip(_BULLETS).strip()):
            continue
        tail = [line for line in lines[i + 1:] if line.strip()]
        if all(len(line.split()) <= _TRAILING_LIST_MAX_WORDS for line in tail):
            removed.extend(lines[i:])
            return lines[:i]
    return lines


def strip_chrome(text: str) -> tuple[str, list[str]]:
    """Remove page chrome; return the text and the removed lines."""
    removed: list[str] = []
    lines = normalise_whitespace(text).split("\n")
    kept = []
    for line in lines:
        if _INLINE_CHROME.match(line.strip().strip(_BULLETS).strip()):
            removed.append(line)
        else:
            kept.append(line)
    kept = _strip_edges(kept, removed)
    kept = _strip_trailing_lists(kept, removed)
    kept = _strip_edges(kept, removed)
    return normalise_whitespace("\n".join(kept)), [r for r in removed if r.strip()]


def looks_like_headline(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= _HEADLINE_MAX_WORDS and not line.rstrip().endswith((".", ":", ",", ";"))


def split_title(text: str, title: str | None) -> tuple[str, str | None]:
    """Take the headline off the top of the text.

    With a known title, a first line repeating it is dropped. Without one, a
    short first line without final punctuation, followed by a blank line, is
    the headline.
    """
    first, sep, rest = text.partition("\n")
    if not sep:
        return text, title
    if title is not None:
        same = fingerprint_text(first) == fingerprint_text(title)
        return (rest.lstrip("\n"), title) if same else (text, title)
    if looks_like_headline(first) and rest.startswith("\n"):
        return rest.lstrip("\n"), first.strip()
    return text, None


# A headline made from the lead is cut to about a headline's length.
LEAD_HEADLINE_CHARS = 90  # the ellipsis included
# "SAMARKAND, Uzbekistan — ", "WASHINGTON (AP) — ", "(Reuters) - ": the dateline
# and credit before a lead are not part of what it says.
_LEAD_DATELINE = re.compile(r"^(?:[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][\w .'’-]{1,30})?\s*)?(?:\([^)]{1,30}\)\s*)?"
                            r"[-—–]{1,2}\s+")


_DANGLING = {"a", "an", "the", "in", "on", "at", "of", "to", "and", "or", "but", "that", "with", "for", "by",
             "as", "from", "into", "its", "his", "her", "their", "who", "which", "than"}


def first_sentence(text: str, sentences: list[tuple[int, int]]) -> str:
    """The text's first sentence that is not its page's address or a date line."""
    said = (text[a:b] for a, b in sentences if not is_chrome_line(text[a:b]) and not _BARE_URL.match(text[a:b].strip()))
    return next(said, text)


def lead_headline(text: str, sentences: list[tuple[int, int]]) -> str:
    """A headline derived from the lead, for an article that has none: its
    first sentence without the dateline, cut at a word boundary to at most
    ``LEAD_HEADLINE_CHARS`` characters (an ellipsis marks the cut). Whoever
    shows it must say it was derived."""
    first = _LEAD_DATELINE.sub("", " ".join(first_sentence(text, sentences).split()), count=1).rstrip(" .")
    if len(first) <= LEAD_HEADLINE_CHARS:
        return first
    words = first[:LEAD_HEADLINE_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:—–-").split(" ")
    while len(words) > 1 and words[-1].lower() in _DANGLING:  # "… on Thursday in an…" reads cut short
        words.pop()
    return " ".join(words).rstrip(" ,;:—–-") + "…"


_ABBREVIATIONS = (
    "mr|mrs|ms|dr|prof|sen|rep|gov|gen|col|lt|sgt|capt|st|jr|sr|inc|ltd|co|corp|vs|no|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|u\\.s|u\\.k|u\\.n|e\\.g|i\\.e|a\\.m|p\\.m"
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")
_ABBREV_BEFORE = re.compile(rf"(?:\b(?:{_ABBREVIATIONS})|\b[A-Z])\.$", re.IGNORECASE)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets: paragraph breaks and sentence-final punctuation.

    A regex splitter: good enough to cite a sentence and embed windows;
    the analysis stage replaces it with spaCy's where it parses anyway.
    """
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        head = text[start:match.start() + 1].rstrip()
        if match.group().strip() and _ABBREV_BEFORE.search(head):
            continue
        end = match.start() + len(match.group().rstrip())
        _add_span(spans, text, start, end)
        start = match.end()
    _add_span(spans, text, start, len(text))
    return spans


def _add_span(spans: list, text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str) -> int:
    """Words, with scripts written without spaces counted as 2 characters a word."""
    cjk = len(_CJK.findall(text))
    spaced = sum(1 for token in text.split() if not _CJK.search(token))
    return spaced + cjk // 2


def fingerprint_text(text: str) -> str:
    """The normal form that content ids hash: case, quotes, spacing unified."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[“”„‟″]", '"', text)
    text = re.sub(r"[‘’‚‛′]", "'", text)
    return " ".join(text.split())


def content_id(text: str) -> str:
    """Stable article id: same normalised text, same id."""
    return hashlib.sha256(fingerprint_text(text).encode("utf-8")).hexdigest()[:20]


# py3langid's normalised probability a language must reach to be named: below
# it the text is a mix or too short to tell, and None says so. On real pages
# the winner is usually above 0.99; a half keeps "unsure" for the truly mixed.
LANGUAGE_CONFIDENCE = 0.5
# The languages the shipped models (MiniLM, the static vectors, the English
# spaCy pipeline) can read. Text in another language (or in an unknown one) is
# clustered on its words only, within its language, and is not analysed.
READABLE_LANGUAGES = frozenset({"en"})
_IDENTIFIER: list = []


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), or None if unsure."""
    sample = text[:3000]
    if len(sample.split()) < 5:
        return None
    language, confidence = _identifier().classify(sample)
    return language if confidence >= LANGUAGE_CONFIDENCE else None


def _identifier():
    """py3langid's model with normalised probabilities, loaded once."""
    if not _IDENTIFIER:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _IDENTIFIER.append(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))
    return _IDENTIFIER[0]


def readable(language: str | None) -> bool:
    """Whether the shipped English models can read text in ``language``."""
    return language in READABLE_LANGUAGES


_MONTH_NUMBER = {
    name: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_DATELINE_PATTERNS = (
    re.compile(rf"\b(?P<month>{_MONTHS})\.? (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<month>{_MONTHS})\.?,? (?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b"),
)
# A dateline sits in the first lines of the body ("WASHINGTON, March 3, 2018
# (Reuters) -"); a date further down is an event date, not publication.
_DATELINE_CHARS = 300
_PUBLISHED_LINE = re.compile(r"^\W*(?:published|posted|first published)\b", re.IGNORECASE)


def find_dateline(text: str, removed: list[str] = ()) -> str | None:
    """Publication date from a dateline or a "Published: …" line, or None.

    Date banners removed as chrome are not considered: they show when the
    page was viewed, not when the article was written.
    """
    candidates = [line for line in removed if _PUBLISHED_LINE.match(line)] + [text[:_DATELINE_CHARS]]
    for chunk in candidates:
        found = _first_date(chunk)
        if found:
            return found
    return None


def _first_date(chunk: str) -> str | None:
    for pattern in _DATELINE_PATTERNS:
        match = pattern.search(chunk)
        if match:
            iso = _iso_date(match.group("year"), match.group("month"), match.group("day"))
            if iso:
                return iso
    return None


def _iso_date(year: str, month: str, day: str) -> str | None:
    import datetime as dt

    number = int(month) if month.isdigit() else _MONTH_NUMBER.get(month.lower().rstrip("."))
    try:
        return dt.date(int(year), number or 0, int(day)).isoformat()
    except ValueError:
        return None
