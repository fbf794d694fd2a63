"""The TIMEX3 rule table: one compiled pattern per handler; order breaks ties."""

from __future__ import annotations

import re
from collections.abc import Callable

from .timex_context import Ctx, Result
from .timex_dates import (
    bare_year,
    century_ordinal,
    clock_time,
    day_relative,
    decade_name,
    deictic,
    holiday,
    iso_date,
    month_alone,
    month_day,
    month_year,
    numeric_date,
    part_of_day,
    season_year,
    spelled_year,
    week_of,
    weekday_name,
)
from .timex_periods import (
    ago_phrase,
    duration_rule,
    edge_relative,
    half_year,
    quarter_ordinal,
    relative_unit,
    set_adverb,
    set_every,
    vague_plural,
    vague_ref,
    year_ago,
    year_end,
    year_period,
)
from .timex_vocab import (
    DAY,
    EDGE,
    HOUR_WORD,
    MOD,
    MONTH,
    NUM,
    NUMWORD,
    SEASON,
    SPELLED_YEAR,
    SPOKEN_DAY,
    UNIT,
    WD,
    YEAR,
)

Rule = tuple[re.Pattern, Callable[[re.Match, Ctx], Result]]


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


_CLOCK_TAIL = rf"(?: (?:[ECMP][SD]T|GMT|UTC))?(?: (?P<day>{WD}|today|yesterday|tomorrow|tonight))?"


RULES: list[Rule] = [
    (_rx(r"\b(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)\b"), iso_date),
    (_rx(r"(?<![\d/])(?P<mo>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>\d{4}|\d\d)(?![\d/])"), numeric_date),
    (_rx(rf"\b{MOD}(?:{WD},? )?(?:the )?(?P<d>{DAY}) (?:of )?(?P<mon>{MONTH})(?:,? (?P<y>{YEAR}))?\b"), month_day),
    (_rx(rf"\b(?=[ftsen])(?:the )?(?P<dw>{SPOKEN_DAY}) of (?P<mon>{MONTH})(?:,? (?P<y>{YEAR}))?\b"), month_day),
    (_rx(rf"\b{MOD}(?:{WD},? )?(?P<mon>{MONTH}) (?P<d>{DAY}\b|{SPOKEN_DAY})(?:,? (?P<y>{YEAR})\b)?"), month_day),
    (_rx(rf"\b{EDGE}(?P<mon>{MONTH}),? (?:of )?(?:(?P<y>{YEAR})\b|{SPELLED_YEAR})"), month_year),
    (_rx(rf"\b{EDGE}(?:(?P<rel>last|this|next|this coming|this past) )?(?P<mon>{MONTH})(?![\w.]*\s*\d)"), month_alone),
    (_rx(rf"\b{EDGE}(?:(?:the )?(?:fiscal|calendar|fiscal year|year) )?(?P<y>{YEAR})(?P<after> or (?:later|earlier|before|after))?\b"), bare_year),
    (_rx(rf"(?:\bthe year |\b){SPELLED_YEAR}(?!-\w)(?!\s+(?:dollars|people|years|troops|soldiers|tons|miles|times|of)\b)"), spelled_year),
    (_rx(rf"(?:\bthe )?{EDGE}(?:\b(?P<dy>1[6-9]\d|20\d)0'?s\b|'(?P<dy2>\d)0'?s\b|\b(?P<dw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b)"), decade_name),
    (_rx(r"\b(?:the )?(?P<n>\d{1,2}(?:st|nd|rd|th)|twentieth|nineteenth|twenty-first|eighteenth)[- ]century\b"), century_ordinal),
    (_rx(rf"\b{EDGE}(?:(?P<rel>last|next|this coming|this past|this|the previous|the following|coming) )?(?P<wd>{WD})(?: (?P<part>morning|afternoon|evening|night))?\b"), weekday_name),
    # "today's computers", "the people of tomorrow" are generic, not dates
    (_rx(rf"(?<!\bof ){EDGE}\b(?P<w>today(?!'s\s+[a-z])|tonight|yesterday|tomorrow)(?: (?P<part>morning|afternoon|evening|night))?\b"), deictic),
    (_rx(rf"\b{EDGE}(?P<rel>this|last) (?P<part>morning|afternoon|evening|night)\b"), part_of_day),
    (_rx(rf"\b(?:(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))? ?(?P<ap>[ap]\.m\.?|[ap]m\b|o'clock)|(?P<noon>noon|midnight)|(?P<h2>\d{{1,2}}) in the (?P<in>morning|afternoon|evening)){_CLOCK_TAIL}"), clock_time),
    # spoken clock times ("eight o'clock", "seven thirty p.m.", "four in the morning");
    # the lookahead on the first letter of an hour word keeps the scan cheap
    (_rx(rf"\b(?=[otfsen])(?P<h>{HOUR_WORD})(?: (?P<mw>{NUMWORD}))? ?(?:(?P<ap>[ap]\.m\.?|[ap]m\b|o'clock)|in the (?P<in>morning|afternoon|evening)){_CLOCK_TAIL}"), clock_time),
    (_rx(rf"\b{EDGE}(?P<rel>this|that|last|next|the|the past|the last|the next|the previous|the following|the coming|the current|the same|the latest|the most recent|its|this year's|the full|the entire|the whole) (?P<unit>week|weekend|month|year|fiscal year|quarter|period|decade|century|{SEASON})\b(?![- ](?:ago|earlier|end|old|long|to)\b)"), relative_unit),
    (_rx(rf"\b(?P<edge>earlier|later|early|late) (?:this|that|in the|in this|next|last) (?P<unit>week|month|year|quarter|decade|century|{SEASON})\b"), edge_relative),
    (_rx(rf"\bthe week of (?P<mon>{MONTH}) (?P<d>{DAY})\b"), week_of),
    (_rx(rf"\b{EDGE}(?:the )?(?P<s>spring|summer|fall|autumn|winter) (?:of )?(?:(?P<y>{YEAR})\b|{SPELLED_YEAR})"), season_year),
    (_rx(rf"\b(?P<pre>the |its |this year's |last year's |next year's |the year-ago |the year-earlier |the comparable year-ago )?(?:(?:fiscal|calendar)[- ]?)?(?:(?P<y>{YEAR}) )?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)(?:[- ]fiscal)?[- ]quarter(?: of (?:fiscal )?(?P<y2>{YEAR}))?\b"), quarter_ordinal),
    (_rx(rf"\b(?:the )?(?P<h>first|second|last) half(?: of (?P<y>{YEAR}))?\b"), half_year),
    (_rx(r"\b(?:the )?(?:comparable )?year-(?:ago|earlier)(?: (?P<period>(?:(?:first|second|third|fourth) )?quarter|period|(?:nine|six|three) months))?"), year_ago),
    (_rx(rf"\bthe (?P<y>{YEAR}) (?:period|quarter)\b"), year_period),
    (_rx(rf"\b{MOD}(?P<num>{NUM})[- ](?P<unit>{UNIT}) (?P<dir>ago|earlier|from now|hence)\b"), ago_phrase),
    (_rx(rf"\b{MOD}(?:the )?(?:(?P<rel>past|last|next|first|previous|coming|following|final|latest|remaining|same) )?(?P<num>{NUM})(?: (?:more|additional|straight|consecutive|trading|full|business|working))?[- ](?P<unit>{UNIT})(?P<half> and a half)?(?P<approx> or so)?\b"), duration_rule),
    (_rx(r"\b(?:recent|the coming|coming|the past few|the last few|the next few|the next several|the past several|several|the last several|many)\s(?P<unit>minutes|hours|days|weeks|months|years|decades|centuries)\b"), vague_plural),
    (_rx(r"\bthe (?P<unit>days|weeks|months|years) ahead\b"), vague_plural),
    (_rx(r"\b(?:(?P<mod>around) )?(?:the )?(?:year[- ]end|year's end|end of the year)\b"), year_end),
    (_rx(r"\b(?P<w>daily|weekly|monthly|annually|yearly|hourly|nightly)\b"), set_adverb),
    (_rx(rf"\b(?:every|each|per)(?P<other> other)? (?P<what>day|week|month|year|quarter|hour|minute|morning|afternoon|evening|night|spring|summer|fall|autumn|winter|{WD}|{MONTH})\b"), set_every),
    (_rx(r"\b(?:now|currently|nowadays|these days|at present|the present|current)\b(?!-day)"), vague_ref("PRESENT_REF")),
    # "a recently announced plan": the adverb dates the participle, not an event; "the recent
    # sale" is an attribute of the sale; "previously" is not marked at all: not annotated
    (_rx(r"(?<!\bthe )(?<!\ba )(?<!\bits )\b(?:recently|recent|lately|the past|once upon a time)\b(?!\s+[a-z]+ed\b)"), vague_ref("PAST_REF")),
    (_rx(r"\b(?:the (?:near |foreseeable |distant |immediate )?future(?! of\b)|the (?:short|long|near) term|a later date|as soon as possible)\b"), vague_ref("FUTURE_REF")),
    (_rx(rf"\b(?:(?P<rel>last|next|this) )?(?P<hol>Christmas(?: Day| Eve)?|New Year's (?:Day|Eve)|Thanksgiving(?: Day)?|Independence Day|July Fourth|Fourth of July|Valentine's Day|Halloween)(?:,? (?P<y>{YEAR}))?\b"), holiday),
    (_rx(rf"\b{EDGE}(?:the (?:next|following|previous) (?:day|morning)|the day (?:before|after)|that day|the same day)\b"), day_relative),
]



# --------------------------------------------------------------------------
# span conventions applied after normalisation (the value is unaffected)

# TimeBank leaves hedges and possessive determiners outside the span
# ("about [five hours]", "within [two weeks]", "its [third quarter]") but keeps
# "nearly", "more than", "at least".
_OUTSIDE_LEAD = re.compile(r"(?:about|almost|within|over|its)\s+(?=\S)", re.IGNORECASE)
# ... and the article of a hyphenated adjective ("the [14-day] limit", "the [third-quarter] loss").
_ADJECTIVE_ARTICLE = re.compile(
    r"(?:the|its)\s+(?=[\w.]+-(?:second|minute|hour|day|week|month|quarter|year|decade|century|ago|earlier)$)",
    re.IGNORECASE)
# ... and "earlier"/"late" in front of a weekday ("Earlier [Friday]").
_WEEKDAY_EDGE = re.compile(r"(?:earlier|later|early|late)[- ](?=\S)", re.IGNORECASE)


# Common time words capitalised inside a name or title ("High Noon", "60 Minutes",
# "This Week", "VOA Today") are not time expressions.
_COMMON_WORD = re.compile(
    r"(?:Noon|Midnight|Seconds?|Minutes?|Hours?|Days?|Weeks?|Months?|Years?|Today|Tonight|Tomorrow"
    r"|Yesterday|Morning|Night|Now)\b")
_AFTER_NAME = re.compile(r"\b[A-Z]\w*\s+$")


def is_title(text: str, start: int, end: int, handler: Callable) -> bool:
    """True if ``text[start:end]`` reads as part of a name rather than a time expression."""
    if handler is holiday:
        return False
    words = list(re.finditer(r"\S+", text[start:end]))
    if any(_COMMON_WORD.match(w.group()) for w in words[1:]):
        return True
    first_capital = _COMMON_WORD.match(text, start, end) is not None
    return first_capital and _AFTER_NAME.search(text, max(0, start - 30), start) is not None


def trim_span(text: str, start: int, end: int, handler: Callable) -> tuple[int, int]:
    """The span TimeBank would mark for the match ``text[start:end]``."""
    for pattern in (_OUTSIDE_LEAD, _ADJECTIVE_ARTICLE):
        cut = pattern.match(text, start, end)
        if cut:
            start = cut.end()
    if handler is weekday_name:
        cut = _WEEKDAY_EDGE.match(text, start, end)
        start = cut.end() if cut else start
    return start, end
