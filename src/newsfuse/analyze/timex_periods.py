"""Rule handlers for periods: relative units, quarters, durations, sets, vague references."""

from __future__ import annotations

import re
from datetime import timedelta

from .timex_calendar import (
    duration_value,
    iso_week,
    parse_number,
    quarter_of,
    shift_months,
    shift_quarter,
    unit_name,
)
from .timex_context import Ctx, Result, edge_mod, mod_code
from .timex_vocab import MONTHS, ORDINALS, PARTS, SEASONS, WEEKDAYS

_ANAPHORIC = ("that", "the following", "the previous", "the same")


def relative_unit(m: re.Match, ctx: Ctx) -> Result:
    """this/last/next/the past + week, month, year, quarter, decade, season ..."""
    rel = re.sub(r"\s+", " ", (m["rel"] or "the").lower())
    unit = m["unit"].lower()
    if unit in ("morning", "afternoon", "evening", "night"):
        return None
    special = _fiscal_or_period(rel, unit, m, ctx)
    if special is not False:
        return special
    step, edge = _step(rel), edge_mod(m)
    if rel in _ANAPHORIC and unit == "year" and ctx.last_year:
        return "DATE", str(ctx.last_year + step), edge  # relative to the year just named
    if rel in _ANAPHORIC and unit == "month" and ctx.last_month:
        return "DATE", shift_months(ctx.last_month, step).isoformat()[:7], edge  # "the following month"
    if unit == "weekend" and rel == "the" and ctx.anchor is not None:
        return _nearest_weekend(ctx, m, edge)
    return _unit_value(unit, step, ctx, m, edge)


def _fiscal_or_period(rel: str, unit: str, m: re.Match, ctx: Ctx):
    """Earnings-report readings of "the year ended ...", "the fiscal year", "the latest period";
    False when none applies."""
    if rel in ("the", "that", "the same") and unit == "year" and re.match(r" end(?:ed|ing)\b", ctx.text[m.end():m.end() + 8]):
        return "DURATION", "P1Y", None  # "the year ended June 30"
    if unit == "fiscal year" and rel == "the":
        return "DURATION", "P1Y", None
    if unit == "period":
        # only earnings copy says "the latest period" for the quarter reported
        return ("DATE", ctx.last_quarter, None) if ctx.last_quarter and rel in ("the latest", "the most recent", "the") else None
    return False


def _nearest_weekend(ctx: Ctx, m: re.Match, edge: str | None) -> Result:
    """'the weekend': the one just gone, unless the sentence looks ahead."""
    ctx.used_anchor = True
    saturday = ctx.anchor - timedelta(days=(ctx.anchor.weekday() - 5) % 7)
    if ctx.direction(*m.span()) > 0 and saturday < ctx.anchor - timedelta(days=1):
        saturday += timedelta(days=7)
    return "DATE", iso_week(saturday) + "-WE", edge


def _step(rel: str) -> int:
    if rel.endswith(("last", "past", "previous")):
        return -1
    if rel.endswith(("next", "coming", "following")):
        return 1
    return 0


def _unit_value(unit: str, step: int, ctx: Ctx, m: re.Match, edge: str | None) -> Result:
    unit = "year" if unit == "fiscal year" else unit
    if unit in SEASONS:
        return _season(unit, step, ctx, edge)
    if unit == "quarter":
        return _quarter_value(step, ctx, m, edge)
    if ctx.anchor is None:
        blank = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX",
                 "year": "XXXX", "decade": "XXX", "century": "XX"}
        return "DATE", blank[unit], edge
    ctx.used_anchor = True
    a = ctx.anchor
    if unit == "week" and re.match(r"(?i)the week", m.group()):
        return "DATE", f"{a.year}-WXX", edge  # "for the week": which week is left open
    if unit in ("week", "weekend"):
        week = iso_week(a + timedelta(weeks=step))
        return "DATE", week + ("-WE" if unit == "weekend" else ""), edge
    if unit == "month":
        return "DATE", shift_months(a, step).isoformat()[:7], edge
    if unit == "year":
        return "DATE", str(a.year + step), edge
    if unit == "decade":
        return "DATE", str(a.year // 10 + step), edge
    return "DATE", str(a.year // 100 + step), edge


def _quarter_value(step: int, ctx: Ctx, m: re.Match, edge: str | None) -> Result:
    """Earnings copy: "the quarter" is the one being reported, i.e. the last one
    named, else the one before the paper's date; "the latest quarter" is always
    the last one completed."""
    if ctx.anchor is None:
        return "DATE", "XXXX-QX", edge
    ctx.used_anchor = True
    completed = shift_quarter(quarter_of(ctx.anchor), -1)
    base = ctx.last_quarter or completed
    if step == 0 and re.match(r"(?i)this", m.group()):
        base = quarter_of(ctx.anchor)
    elif re.match(r"(?i)the (?:latest|most recent)", m.group()):
        base = completed
    return "DATE", shift_quarter(base, step) if step else base, edge


def _season(unit: str, step: int, ctx: Ctx, edge: str | None) -> Result:
    code = SEASONS[unit]
    if ctx.anchor is None:
        return "DATE", f"XXXX-{code}", edge
    ctx.used_anchor = True
    return "DATE", f"{ctx.anchor.year + step}-{code}", edge


def edge_relative(m: re.Match, ctx: Ctx) -> Result:
    """earlier this year, later this month, earlier in the week ..."""
    if re.search(r"\bthat year", m.group(), re.IGNORECASE) and ctx.last_year:
        return "DATE", str(ctx.last_year), edge_mod(m)
    return _unit_value(m["unit"].lower(), 0, ctx, m, edge_mod(m))


def quarter_ordinal(m: re.Match, ctx: Ctx) -> Result:
    q = ORDINALS[m["q"].lower()]
    year = m["y"] or m["y2"]
    if year:
        return "DATE", f"{year}-Q{q}", None
    if ctx.anchor is None:
        return "DATE", f"XXXX-Q{q}", None
    ctx.used_anchor = True
    prefix = (m["pre"] or "").lower()
    current = (ctx.anchor.month - 1) // 3 + 1
    year = ctx.anchor.year
    if "last year" in prefix or "year-ago" in prefix or "year-earlier" in prefix:
        year -= 1
    elif "next year" in prefix:
        year += 1
    elif q > current and ctx.direction(*m.span()) <= 0:
        year -= 1
    elif q < current - 1 and ctx.direction(*m.span()) > 0:
        year += 1
    return "DATE", f"{year}-Q{q}", None


def half_year(m: re.Match, ctx: Ctx) -> Result:
    h = 1 if m["h"].lower() == "first" else 2
    if m["y"]:
        return "DATE", f"{m['y']}-H{h}", None
    if ctx.anchor is None:
        return "DATE", f"XXXX-H{h}", None
    ctx.used_anchor = True
    # A second half not yet begun is last year's, unless the sentence looks ahead.
    not_begun = h == 2 and ctx.anchor.month <= 6
    year = ctx.anchor.year - (not_begun and ctx.direction(*m.span()) <= 0)
    return "DATE", f"{year}-H{h}", None


def year_ago(m: re.Match, ctx: Ctx) -> Result:
    """year-ago / year-earlier periods of earnings reports."""
    if m["period"] and re.search(r"months", m["period"], re.IGNORECASE):
        return "DURATION", duration_value(parse_number(m["period"].split()[0]), "month"), None
    return _years_back(1, ctx, None)


def years_back_rule(m: re.Match, ctx: Ctx) -> Result:
    return _years_back(1, ctx, None)


def _years_back(years: int, ctx: Ctx, mod: str | None) -> Result:
    if ctx.last_quarter:
        return "DATE", shift_quarter(ctx.last_quarter, -4 * years), mod
    if ctx.anchor is None:
        return "DATE", "XXXX", mod
    ctx.used_anchor = True
    return "DATE", str(ctx.anchor.year - years), mod


def year_period(m: re.Match, ctx: Ctx) -> Result:
    """'the 1988 period' / 'the 1989 quarter': that year's same quarter when
    the text is about a quarter."""
    if ctx.last_quarter:
        return "DATE", f"{m['y']}-Q{ctx.last_quarter[-1]}", None
    return "DATE", m["y"], None


def ago_phrase(m: re.Match, ctx: Ctx) -> Result:
    amount = parse_number(m["num"])
    unit = unit_name(m["unit"])
    sign = -1 if m["dir"].lower() in ("ago", "earlier", "before") else 1
    mod = "APPROX" if mod_code(m) else None
    if amount is None:
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", None
    if unit == "year" and amount == 1 and m["dir"].lower() in ("ago", "earlier"):
        return _years_back(1, ctx, mod)
    if ctx.anchor is None:
        return "DATE", {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX"}.get(unit, "XXXX"), mod
    return _shifted(unit, sign * amount, ctx, mod)


def _shifted(unit: str, amount: float, ctx: Ctx, mod: str | None) -> Result:
    ctx.used_anchor = True
    a, n = ctx.anchor, int(amount)
    if unit in ("second", "minute", "hour", "day"):
        days = n if unit == "day" else 0
        return "DATE", (a + timedelta(days=days)).isoformat(), mod
    if unit == "week":
        return "DATE", iso_week(a + timedelta(weeks=n)), mod
    if unit == "month":
        return "DATE", shift_months(a, n).isoformat()[:7], mod
    if unit == "quarter":
        return "DATE", shift_quarter(quarter_of(a), n), mod
    years = {"year": 1, "decade": 10, "century": 100, "millennium": 1000}[unit] * n
    return "DATE", str(a.year + years), mod


def duration_rule(m: re.Match, ctx: Ctx) -> Result:
    num, unit = m["num"].lower(), unit_name(m["unit"])
    if _not_a_duration(m, ctx, num, unit):
        return None
    amount = parse_number(num)
    if amount is not None and m["half"]:
        amount += 0.5  # "a minute and a half"
    mod = mod_code(m) or ("APPROX" if m["approx"] or "couple" in num else None)
    if num in ("a", "an") and not (m["rel"] or m["mod"]) and _is_rate(ctx.text, m.start()):
        return "SET", duration_value(1, unit), None  # "$5 a year", "twice a day"
    return "DURATION", duration_value(amount, unit), mod


def _not_a_duration(m: re.Match, ctx: Ctx, num: str, unit: str) -> bool:
    after = ctx.text[m.end():m.end() + 6]
    if re.match(r"-?old\b|-old| old\b", after):
        return True  # ages ("six-year-old") are not annotated
    if re.search(r"\d[.,]$", ctx.text[:m.start()]):
        return True  # the tail of "2,000 years"
    if unit == "quarter" and re.match(r"\s*(?:of|-)", after):
        return True  # "a quarter of the market", "quarter-century"
    return unit == "second" and num in ("a", "an")  # "a second group"


def _is_rate(text: str, start: int) -> bool:
    before = text[max(0, start - 25):start].lower()
    return bool(re.search(r"(?:\d|million|billion|percent|cents?|dollars|times|twice|once|%)\W*$", before))


def vague_plural(m: re.Match, ctx: Ctx) -> Result:
    words = m.group().lower()
    # TimeBank reads "recent years" / "coming months" as vague points in time.
    if re.match(r"recent|the (?:last|past) (?:few|several)", words):
        return "DATE", "PAST_REF", None
    if re.match(r"(?:the )?coming", words):
        return "DATE", "FUTURE_REF", None
    return "DURATION", duration_value(None, unit_name(m["unit"])), None


def year_end(m: re.Match, ctx: Ctx) -> Result:
    mod = "APPROX" if (m["mod"] or "").lower() == "around" else "END"
    if ctx.anchor is None:
        return "DATE", "XXXX", mod
    ctx.used_anchor = True
    return "DATE", str(ctx.anchor.year), mod


def set_adverb(m: re.Match, ctx: Ctx) -> Result:
    word = m["w"].lower()
    unit = {"daily": "day", "weekly": "week", "monthly": "month", "annually": "year",
            "yearly": "year", "hourly": "hour", "quarterly": "quarter", "nightly": "day",
            "annual": "year"}[word]
    return "SET", duration_value(1, unit), None


def set_every(m: re.Match, ctx: Ctx) -> Result:
    what = m["what"].lower()
    every = 2 if m["other"] else 1
    if what in WEEKDAYS:
        return "SET", f"XXXX-WXX-{WEEKDAYS[what] + 1}", None
    if what.rstrip(".") in MONTHS:
        return "SET", f"XXXX-{MONTHS[what.rstrip('.')]:02d}", None
    if what in SEASONS:
        return "SET", f"XXXX-{SEASONS[what]}", None
    if what in PARTS:
        return "SET", f"XXXX-XX-XXT{PARTS[what]}", None
    return "SET", duration_value(every, unit_name(what)), None


def vague_ref(value: str):
    def handler(m: re.Match, ctx: Ctx) -> Result:
        return "DATE", value, None
    return handler

