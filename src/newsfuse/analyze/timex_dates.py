"""Rule handlers for calendar points: explicit dates, months, years, weekdays, clock times."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from .timex_calendar import iso_week, parse_number
from .timex_context import Ctx, Result, day_number, edge_mod, mod_code, month_number
from .timex_vocab import DECADE_WORDS, PARTS, SEASONS, WEEKDAYS


def iso_date(m: re.Match, ctx: Ctx) -> Result:
    try:
        day = date(int(m["y"]), int(m["mo"]), int(m["d"]))
    except ValueError:
        return None
    return "DATE", day.isoformat(), None


def numeric_date(m: re.Match, ctx: Ctx) -> Result:
    year = int(m["y"])
    if year < 100:
        year += 1900 if year > 30 else 2000
    try:
        return "DATE", date(year, int(m["mo"]), int(m["d"])).isoformat(), None
    except ValueError:
        return None


def month_day(m: re.Match, ctx: Ctx) -> Result:
    g = m.groupdict()
    month, day = month_number(m["mon"]), day_number(g.get("d") or g.get("dw"))
    if day > 31:
        return None
    year = int(g["y"]) if g.get("y") else _infer_year(month, day, ctx, m)
    if year is None:
        return "DATE", f"XXXX-{month:02d}-{day:02d}", mod_code(m)
    try:
        return "DATE", date(year, month, day).isoformat(), mod_code(m)
    except ValueError:
        return None


def _infer_year(month: int, day: int, ctx: Ctx, m: re.Match) -> int | None:
    """The anchor's year, unless the date would lie far in the future of a
    past-tense sentence (then last year) or the past of a future one."""
    if ctx.anchor is None:
        return None
    ctx.used_anchor = True
    year = ctx.anchor.year
    try:
        guess = date(year, month, min(day, monthrange(year, month)[1]))
    except ValueError:
        return year
    offset = (guess - ctx.anchor).days
    direction = ctx.direction(*m.span())
    if offset > 60 and direction <= 0:
        return year - 1
    if offset < -240 and direction > 0:
        return year + 1
    return year


_SINCE = re.compile(r"\bsince\s+$", re.IGNORECASE)


def month_year(m: re.Match, ctx: Ctx) -> Result:
    year = _year_of(m)
    return None if year is None else ("DATE", f"{year:04d}-{month_number(m['mon']):02d}", edge_mod(m))


def month_alone(m: re.Match, ctx: Ctx) -> Result:
    name = m["mon"]
    month = month_number(name)
    if _not_a_month(m, ctx, name):
        return None
    if ctx.anchor is None:
        return "DATE", f"XXXX-{month:02d}", edge_mod(m)
    ctx.used_anchor = True
    return "DATE", f"{_month_year_of(month, m, ctx)}-{month:02d}", edge_mod(m)


def _not_a_month(m: re.Match, ctx: Ctx, name: str) -> bool:
    after = ctx.text[m.end():m.end() + 12]
    before = ctx.text[max(0, m.start() - 12):m.start()].lower()
    if name == "May" and not m["rel"] and not m["edge"]:
        # "May" is also a modal verb: "May be", "May not", "May I".
        after_prep = re.search(r"\b(?:in|since|until|by|from|through|during|of|before|after|to)\s+$", before)
        if not after_prep and (re.match(r"\s+[a-z]", after) or re.match(r"\s+I\b", after)):
            return True
    if re.match(r"\s+of\s+the\b", after):
        return True  # "the March of the Combatant Mothers"
    # a bare "Jan" or "Oct" without a day is too ambiguous
    return not name.endswith(".") and len(name) <= 4 and name.lower() not in ("may", "june", "july")


def _month_year_of(month: int, m: re.Match, ctx: Ctx) -> int:
    """The year of a month named without one: from "last"/"next", else from the tense."""
    year, now = ctx.anchor.year, ctx.anchor.month
    rel = (m["rel"] or "").lower()
    if rel in ("last", "this past"):
        return year - (month >= now)
    if rel in ("next", "this coming"):
        return year + (month <= now)
    if rel == "this":
        return year
    direction = ctx.direction(*m.span())
    if month > now + 1 and direction <= 0:
        return year - 1
    if month > now and _SINCE.search(ctx.text, max(0, m.start() - 8), m.start()):
        return year - 1  # "since December" cannot be ahead
    if month < now - 4 and direction > 0:
        return year + 1
    return year


def bare_year(m: re.Match, ctx: Ctx) -> Result:
    before = ctx.text[max(0, m.start() - 2):m.start()]
    after = ctx.text[m.end():m.end() + 10]
    if re.search(r"[$£€#\d.,]$", before) or re.match(r"(?:[.,]\d|\d|%| percent|-\d| ?(?:mph|km|feet|miles|people|tons))", after):
        return None
    suffix = (m["after"] or "").lower()
    mod = {"later": "ON_OR_AFTER", "after": "ON_OR_AFTER", "earlier": "ON_OR_BEFORE",
           "before": "ON_OR_BEFORE"}.get(suffix.split()[-1] if suffix else "", edge_mod(m))
    return "DATE", m["y"], mod


def spelled_year(m: re.Match, ctx: Ctx) -> Result:
    year = year_in_words(m)
    return None if year is None else ("DATE", str(year), None)


def year_in_words(m: re.Match) -> int | None:
    """The year of a SPELLED_YEAR match; None for a bare "nineteen" or a non-number."""
    if m["c"].lower() == "nineteen" and not m["r"]:
        return None
    rest = parse_number(m["r"]) if m["r"] else 0
    if rest is None or rest >= 100:
        return None
    return (1900 if m["c"].lower() == "nineteen" else 2000) + int(rest)


def _year_of(m: re.Match) -> int | None:
    """Digits (group y) or words (SPELLED_YEAR groups) naming the year of a match."""
    return int(m["y"]) if m["y"] else year_in_words(m)


def decade_name(m: re.Match, ctx: Ctx) -> Result:
    if m["dy"]:
        value = m["dy"]
    elif m["dy2"]:
        value = ("20" if m["dy2"] in "012" else "19") + m["dy2"]
    else:
        value = f"19{DECADE_WORDS[m['dw'].lower()]}"
    return "DATE", value, edge_mod(m)


def century_ordinal(m: re.Match, ctx: Ctx) -> Result:
    words = {"eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21}
    ordinal = words.get(m["n"].lower()) or int(re.match(r"\d+", m["n"]).group())
    return "DATE", f"{ordinal - 1:02d}", edge_mod(m)


def weekday_name(m: re.Match, ctx: Ctx) -> Result:
    """Friday, last Friday, Friday night: TimeBank mostly marks "Friday night" as the
    DATE of that Friday, without a part-of-day suffix."""
    target = WEEKDAYS[m["wd"].lower()]
    if ctx.anchor is None:
        return "DATE", f"XXXX-WXX-{target + 1}", edge_mod(m)
    day = _resolve_weekday(target, (m["rel"] or "").lower(), ctx, m)
    return "DATE", day.isoformat(), edge_mod(m)


def _resolve_weekday(target: int, rel: str, ctx: Ctx, m: re.Match) -> date:
    ctx.used_anchor = True
    anchor = ctx.anchor
    back = (anchor.weekday() - target) % 7
    ahead = (target - anchor.weekday()) % 7
    if rel in ("last", "this past", "the previous"):
        return anchor - timedelta(days=back or 7)
    if rel in ("next", "this coming", "the following", "the next", "coming"):
        return anchor + timedelta(days=ahead or 7)
    if rel == "this":
        return anchor + timedelta(days=target - anchor.weekday())
    if back == 0:
        return anchor  # "on Thursday" in a Thursday paper is that day
    return anchor + timedelta(days=ahead) if ctx.direction(*m.span()) > 0 else anchor - timedelta(days=back)


def deictic(m: re.Match, ctx: Ctx) -> Result:
    word = m["w"].lower()
    part = PARTS.get((m["part"] or "").lower()) or ("NI" if word == "tonight" else None)
    kind = "TIME" if part else "DATE"
    if ctx.anchor is None:
        return kind, "XXXX-XX-XX" + (f"T{part}" if part else ""), edge_mod(m)
    ctx.used_anchor = True
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[word]
    day = ctx.anchor + timedelta(days=offset)
    return kind, day.isoformat() + (f"T{part}" if part else ""), edge_mod(m)


def part_of_day(m: re.Match, ctx: Ctx) -> Result:
    part = PARTS[m["part"].lower()]
    if ctx.anchor is None:
        return "TIME", f"XXXX-XX-XXT{part}", edge_mod(m)
    ctx.used_anchor = True
    # "last night" is the night before the paper; "last morning" is not said.
    day = ctx.anchor - timedelta(days=1) if m["rel"].lower() == "last" else ctx.anchor
    return "TIME", f"{day.isoformat()}T{part}", edge_mod(m)


def clock_time(m: re.Match, ctx: Ctx) -> Result:
    hour, minute = _clock_reading(m)
    if hour is None or hour > 23 or minute > 59:
        return None
    clock = f"T{hour:02d}:{minute:02d}"
    day_word = (m["day"] or "").lower()
    if ctx.anchor is None:
        return "TIME", "XXXX-XX-XX" + clock, None
    ctx.used_anchor = True
    if day_word in WEEKDAYS:
        day = _resolve_weekday(WEEKDAYS[day_word], "", ctx, m)
    else:
        offset = {"yesterday": -1, "tomorrow": 1}.get(day_word)
        # A bare "6 a.m." belongs to the day the story is telling about.
        day = ctx.anchor + timedelta(days=offset) if offset else ctx.last_day or ctx.anchor
    return "TIME", day.isoformat() + clock, None


def _clock_reading(m: re.Match) -> tuple[int | None, int]:
    """24-hour (hour, minute) of "3:30 p.m.", "eight o'clock", "noon", "4 in the morning"."""
    g = m.groupdict()
    if g.get("noon"):
        return (12 if g["noon"].lower() == "noon" else 0), 0
    hour = parse_number(g.get("h") or g.get("h2"))
    minute = parse_number(g["mw"]) if g.get("mw") else int(g.get("mi") or 0)
    if hour is None or minute is None:
        return None, 0
    hour, minute = int(hour), int(minute)
    ampm = (m["ap"] or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    elif (m["in"] or "").lower() in ("afternoon", "evening", "night") and hour < 12:
        hour += 12
    elif (m["day"] or "").lower() == "tonight" and 5 <= hour < 12:
        hour += 12  # "eight o'clock tonight"
    return hour, minute


def week_of(m: re.Match, ctx: Ctx) -> Result:
    result = month_day(m, ctx)
    if result is None or result[1].startswith("X"):
        return result
    return "DATE", iso_week(date.fromisoformat(result[1])), None


def season_year(m: re.Match, ctx: Ctx) -> Result:
    year = _year_of(m)
    return None if year is None else ("DATE", f"{year}-{SEASONS[m['s'].lower()]}", edge_mod(m))


def holiday(m: re.Match, ctx: Ctx) -> Result:
    name = re.sub(r"\W+", " ", m["hol"].lower()).strip()
    year = int(m["y"]) if m["y"] else None
    if year is None and ctx.anchor is not None:
        month = 11 if name.startswith("thanksgiving") else 12 if name.startswith("christmas") else 1
        year = _infer_year(month, 25, ctx, m)
        if m["rel"] and m["rel"].lower() == "last" and date(year, month, 1) > ctx.anchor:
            year -= 1
    if name.startswith("thanksgiving"):
        if year is None:
            return "DATE", "XXXX-11-XX", None
        first = date(year, 11, 1)
        return "DATE", (first + timedelta(days=(3 - first.weekday()) % 7 + 21)).isoformat(), None
    month, day = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
                  "new year s day": (1, 1), "new year s eve": (12, 31),
                  "independence day": (7, 4), "july fourth": (7, 4), "fourth of july": (7, 4),
                  "valentine s day": (2, 14), "halloween": (10, 31)}.get(name, (None, None))
    if month is None:
        return None
    return "DATE", f"{year if year else 'XXXX'}-{month:02d}-{day:02d}", None


def day_relative(m: re.Match, ctx: Ctx) -> Result:
    """the next day, the day before, that day: anchored on the paper's date."""
    base = ctx.last_day or ctx.anchor  # "the next day" follows the day just told about
    if base is None:
        return "DATE", "XXXX-XX-XX", None
    ctx.used_anchor = base is ctx.anchor
    words = m.group().lower()
    offset = 1 if re.search(r"next|following|after", words) else -1 if re.search(r"before|previous", words) else 0
    return "DATE", (base + timedelta(days=offset)).isoformat(), edge_mod(m)

