"""Rule-based TIMEX3 extraction and normalisation for English news.

``find_timexes(text, anchor)`` finds time expressions (dates, times,
durations, sets) and gives each a TimeML TIMEX3 ``type`` and ``value``. The
conventions follow the TimeBank/AQUAINT gold data used by TempEval-3:

- spans include determiners and modifiers ("the third quarter", "early
  February", "nearly four years ago") but not prepositions ("on Thursday");
- deictic expressions ("yesterday", "last week", "Thursday") are resolved
  against ``anchor``, the article's publication date; when it is unknown they
  get underspecified values (``XXXX-XX-XX``, ``XXXX-WXX-4``);
- weekday names and month names without a year take their direction (last or
  coming) from the tense of the nearest verb cue in the same sentence, with a
  past default because news mostly reports what happened;
- vague references become ``PRESENT_REF`` / ``PAST_REF`` / ``FUTURE_REF``.

Everything is regular expressions plus calendar arithmetic (stdlib only).
Candidate matches of all rules are collected, overlaps are resolved in
favour of the longest span, and the survivors are normalised left to right
so that earnings-report context ("the third quarter" ... "a year earlier")
can carry from one expression to the next.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class TimeRef:
    start: int
    end: int
    text: str
    type: str  # DATE, TIME, DURATION, SET
    value: str  # TIMEX3 value: 2022-09-15, 2022-W37, P7M, PRESENT_REF, ...
    mod: str | None = None  # START, MID, END, APPROX, LESS_THAN, MORE_THAN, ...
    anchor: str | None = None  # ISO anchor date, when the value was resolved relative to it


# --------------------------------------------------------------------------
# vocabulary

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
             "4th": 4, "last": 2, "final": 4}
_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}
# TIMEX3 duration letters; units below a day go after the "T".
_UNIT_CODES = {"second": "TS", "minute": "TM", "hour": "TH", "day": "D", "week": "W",
               "weekend": "D", "month": "M", "quarter": "Q", "year": "Y", "decade": "E",
               "century": "C", "millennium": "L"}
_HALF_UNIT = {"year": (6, "M"), "month": (15, "D"), "day": (12, "TH"), "hour": (30, "TM"),
              "minute": (30, "TS")}

_MOD_WORDS = {
    "about": "APPROX", "around": "APPROX", "roughly": "APPROX", "approximately": "APPROX",
    "some": "APPROX", "nearly": "LESS_THAN", "almost": "LESS_THAN", "less than": "LESS_THAN",
    "under": "LESS_THAN", "more than": "MORE_THAN", "over": "MORE_THAN",
    "at least": "EQUAL_OR_MORE", "no more than": "EQUAL_OR_LESS", "at most": "EQUAL_OR_LESS",
    "up to": "EQUAL_OR_LESS", "within": "EQUAL_OR_LESS", "no less than": "EQUAL_OR_MORE",
}
_EDGE_WORDS = {"early": "START", "earlier": "START", "the beginning of": "START",
               "the start of": "START", "late": "END", "later": "END", "the end of": "END",
               "mid": "MID", "the middle of": "MID"}

# --------------------------------------------------------------------------
# regular-expression fragments

_NUMWORD = (rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_SMALL[1:10])}))?"
            rf"|{'|'.join(sorted(_SMALL[1:], key=len, reverse=True))})")
_NUM = (rf"(?:\d+(?:\.\d+)?(?: 1/2)?|a couple of|couple of|a few|a hundred|a thousand|a half|"
        rf"{_NUMWORD}(?: (?:hundred|thousand))?(?: and a half)?|several|few|an?)")
_UNIT = (r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|years?|decades?"
         r"|centur(?:y|ies)|millenni(?:um|a))")
# Month names must be capitalised ("may", "march" are common words).
_MONTH = (r"(?-i:(?:January|February|March|April|May|June|July|August|September|October"
          r"|November|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?:\.|\b))")
_WD = r"(?-i:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_EDGE = r"(?:(?P<edge>early|earlier|late|later|mid|the (?:beginning|start|end|middle) of)[- ])?"
_MOD = (r"(?:(?P<mod>about|around|roughly|approximately|nearly|almost|more than|less than"
        r"|at least|no more than|no less than|at most|up to|within|over|under|some) (?!the\b))?")
_SEASON = r"(?-i:spring|summer|fall|autumn|winter)"  # "Winter Olympics" is not a date


# --------------------------------------------------------------------------
# context shared by the rules while one text is normalised


@dataclass
class _Ctx:
    text: str
    anchor: date | None
    last_quarter: str | None = None  # latest "YYYY-Qn" named in the text
    last_day: date | None = None  # latest calendar day named (for "the next day", "6 a.m.")
    last_year: int | None = None  # latest year named (for "that year", "the following year")
    used_anchor: bool = field(default=False)

    def direction(self, start: int, end: int) -> int:
        """+1 if the sentence speaks about the future near this span, -1 if past, 0 unknown."""
        return _tense(self.text, start, end)


Result = tuple[str, str, str | None] | None
Rule = tuple[re.Pattern, Callable[[re.Match, _Ctx], Result]]


# --------------------------------------------------------------------------
# public API


def find_timexes(text: str, anchor: str | None) -> list[TimeRef]:
    """Time expressions in ``text``; ``anchor`` is the publication date (YYYY-MM-DD...)."""
    anchor_date = _parse_anchor(anchor)
    candidates = _candidates(text)
    while True:
        refs, rejected = _normalise(text, anchor_date, _select(candidates))
        if not rejected:
            return refs
        # A rejected long match ("May not", "six-year-old") must not hide the
        # shorter matches it overlapped: drop it and select again.
        candidates = [c for c in candidates if all(c is not r for r in rejected)]


def _normalise(text: str, anchor: date | None, chosen) -> tuple[list[TimeRef], list]:
    ctx = _Ctx(text, anchor)
    refs, rejected = [], []
    for cand in chosen:
        start, end, handler, match = cand
        ctx.used_anchor = False
        result = handler(match, ctx)
        if result is None:
            rejected.append(cand)
            continue
        kind, value, mod = result
        _remember(ctx, handler, value)
        used = anchor.isoformat() if ctx.used_anchor and anchor else None
        refs.append(TimeRef(start, end, text[start:end], kind, value, mod, used))
    return refs, rejected


def _remember(ctx: _Ctx, handler, value: str) -> None:
    """Keep the reference time that anaphoric expressions resolve against.
    Values derived from the reference itself ("a year earlier") do not move it."""
    if handler in (_years_back_rule, _year_ago, _ago):
        return
    if re.fullmatch(r"\d{4}-Q\d", value):
        ctx.last_quarter = value
    if re.match(r"\d{4}-\d\d-\d\d", value):
        ctx.last_day = date.fromisoformat(value[:10])
    if re.match(r"\d{4}(?:$|-)", value):
        ctx.last_year = int(value[:4])


def _parse_anchor(anchor: str | None) -> date | None:
    if not anchor:
        return None
    try:
        return date.fromisoformat(anchor[:10])
    except ValueError:
        return None


def _candidates(text: str) -> list[tuple[int, int, Callable, re.Match]]:
    found = []
    for pattern, handler in _RULES:
        for match in pattern.finditer(text):
            span = match.span("x") if "x" in pattern.groupindex else match.span()
            if span[1] > span[0]:
                found.append((span[0], span[1], handler, match))
    return found


def _select(candidates):
    """Longest spans win; ties go to the rule listed first."""
    order = {id(rule[1]): i for i, rule in enumerate(_RULES)}
    ranked = sorted(candidates, key=lambda c: (c[0] - c[1], order[id(c[2])], c[0]))
    taken: list[tuple[int, int]] = []
    chosen = []
    for cand in ranked:
        if all(cand[1] <= s or cand[0] >= e for s, e in taken):
            taken.append((cand[0], cand[1]))
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c[0])


# --------------------------------------------------------------------------
# tense: which way a bare "Friday" or "November" points

_FUTURE_CUE = re.compile(
    r"\b(?:will|won't|shall|'ll|going to|(?:is|are|was|were)(?: \w+ly| also| still)? (?:set|due|"
    r"scheduled|expected|slated|likely) to|scheduled|slated|plans? to|planned to|intends? to|to be held|would|"
    r"next|upcoming|coming|until|expects? to|hopes? to|aims? to|can|may|might|should|must|"
    r"planning to|set to|as soon as|effective|payable)\b", re.I)
_PAST_CUE = re.compile(
    r"\b(?:was|were|had|did|didn't|said|told|met|came|went|took|made|began|left|saw|held|gave|"
    r"got|won|lost|fell|rose|sent|spent|became|brought|bought|sold|found|heard|paid|led|ran|"
    r"struck|thought|wrote|spoke|broke|flew|fled|shot|quit|knew|felt|kept|ago|last|"
    r"[a-z]{3,}ed)\b", re.I)
_NOT_PAST = {"need", "feed", "seed", "speed", "indeed", "breed", "proceed", "exceed", "succeed",
             "hundred", "embed", "united", "limited", "based", "related", "supposed", "red",
             "bed", "shed", "used", "concerned", "interested", "expected", "scheduled",
             "planned", "slated"}
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z\"“'‘(])|\n")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for m in _SENTENCE_END.finditer(text, max(0, start - 400), start):
        if not re.search(r"\b(?:[A-Z][a-z]{0,3}|[A-Z])\.\s+$", text[max(0, m.start() - 5):m.end()]):
            left = m.end()
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.start() + 1 if right_match else len(text)
    return left, right


def _tense(text: str, start: int, end: int) -> int:
    left, right = _sentence(text, start, end)
    best = None  # (distance, direction)
    future_spans = []
    for m in _FUTURE_CUE.finditer(text, left, right):
        if start <= m.start() < end:
            continue
        future_spans.append(m.span())
        best = _closer(best, m, start, end, +1)
    for m in _PAST_CUE.finditer(text, left, right):
        if start <= m.start() < end or m.group().lower() in _NOT_PAST or _participle(text, m):
            continue
        if any(s <= m.start() < e for s, e in future_spans):
            continue
        best = _closer(best, m, start, end, -1)
    return best[1] if best else 0


def _participle(text: str, m: re.Match) -> bool:
    """'will be held', 'has signed': the auxiliary, not the participle, carries the tense."""
    return m.group().lower() not in ("was", "were", "had", "did", "didn't", "ago", "last") and bool(
        re.search(r"\b(?:be|been|being|is|are|am|has|have)\s+(?:\w+ly\s+)?$", text[max(0, m.start() - 30):m.start()], re.I))


def _closer(best, m: re.Match, start: int, end: int, direction: int):
    distance = start - m.end() if m.end() <= start else m.start() - end
    if m.group().lower() in ("said", "says", "say", "told"):
        # A reporting verb dates the report, not what is reported, unless
        # the time expression sits right next to it ("told reporters on Tuesday").
        distance *= 3
    return (distance, direction) if best is None or distance < best[0] else best


# --------------------------------------------------------------------------
# calendar helpers


def _shift_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _shift_quarter(value: str, quarters: int) -> str:
    year, q = int(value[:4]), int(value[-1])
    total = year * 4 + q - 1 + quarters
    return f"{total // 4}-Q{total % 4 + 1}"


def _number(word: str) -> float | None:
    """Numeric value of a number phrase; None for vague ones ("several")."""
    word = word.lower().replace("-", " ").strip()
    if word in ("a", "an", "one"):
        return 1
    if word in ("a couple of", "couple of"):
        return 2
    if word in ("a few", "several", "few"):
        return None
    if word == "a half":
        return 0.5
    half = 0.5 if word.endswith(("1/2", "and a half")) else 0.0
    word = re.sub(r"\s*(?:1/2|and a half)$", "", word)
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word) + half
    total = 0
    for part in word.split():
        if part in _SMALL:
            total += _SMALL.index(part)
        elif part in _TENS:
            total += 20 + 10 * _TENS.index(part)
        elif part == "hundred":
            total = max(total, 1) * 100
        elif part == "thousand":
            total = max(total, 1) * 1000
        elif part != "a":
            return None
    return total + half


def _unit(word: str) -> str:
    word = word.lower()
    if word.startswith("centur"):
        return "century"
    if word.startswith("millenni"):
        return "millennium"
    return word.rstrip("s")


def _duration(amount: float | None, unit: str) -> str:
    if unit == "decade" and amount and amount > 1:
        amount, unit = amount * 10, "year"  # TimeBank: "two decades" -> P20Y
    code = _UNIT_CODES[unit]
    prefix, letter = ("PT", code[1]) if code.startswith("T") else ("P", code)
    if amount is None:
        return f"{prefix}X{letter}"
    if unit == "weekend":
        amount *= 2
    whole = int(amount)
    value = f"{prefix}{whole}{letter}"
    if amount != whole and unit in _HALF_UNIT:
        extra, extra_code = _HALF_UNIT[unit]
        if extra_code.startswith("T") and not value.startswith("PT"):
            return f"{value}T{extra}{extra_code[1]}"
        return f"{value}{extra}{extra_code.lstrip('T')}"
    if amount != whole:
        return f"{prefix}{amount:g}{letter}"
    return value


def _edge(match: re.Match) -> str | None:
    edge = match.groupdict().get("edge")
    return _EDGE_WORDS.get(edge.lower()) if edge else None


def _mod(match: re.Match) -> str | None:
    mod = match.groupdict().get("mod")
    return _MOD_WORDS.get(mod.lower()) if mod else None


def _month_number(word: str) -> int:
    return _MONTHS[word.lower().rstrip(".")]


def _day_number(word: str) -> int:
    return int(re.match(r"\d+", word).group())


# --------------------------------------------------------------------------
# rules: each handler returns (type, value, mod) or None to reject the match


def _iso_date(m: re.Match, ctx: _Ctx) -> Result:
    try:
        day = date(int(m["y"]), int(m["mo"]), int(m["d"]))
    except ValueError:
        return None
    return "DATE", day.isoformat(), None


def _numeric_date(m: re.Match, ctx: _Ctx) -> Result:
    year = int(m["y"])
    if year < 100:
        year += 1900 if year > 30 else 2000
    try:
        return "DATE", date(year, int(m["mo"]), int(m["d"])).isoformat(), None
    except ValueError:
        return None


def _month_day(m: re.Match, ctx: _Ctx) -> Result:
    month, day = _month_number(m["mon"]), _day_number(m["d"])
    if day > 31:
        return None
    year = m.groupdict().get("y")
    year = int(year) if year else _infer_year(month, day, ctx, m)
    if year is None:
        return "DATE", f"XXXX-{month:02d}-{day:02d}", _mod(m)
    try:
        return "DATE", date(year, month, day).isoformat(), _mod(m)
    except ValueError:
        return None


def _infer_year(month: int, day: int, ctx: _Ctx, m: re.Match) -> int | None:
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


def _month_year(m: re.Match, ctx: _Ctx) -> Result:
    return "DATE", f"{int(m['y']):04d}-{_month_number(m['mon']):02d}", _edge(m)


def _month_alone(m: re.Match, ctx: _Ctx) -> Result:
    name = m["mon"]
    month = _month_number(name)
    after = ctx.text[m.end():m.end() + 12]
    before = ctx.text[max(0, m.start() - 12):m.start()].lower()
    if month == 5 and name == "May" and not m["rel"] and not m["edge"]:
        # "May" is also a modal verb: "May be", "May not", "May I".
        after_prep = re.search(r"\b(?:in|since|until|by|from|through|during|of|before|after|to)\s+$", before)
        if not after_prep and (re.match(r"\s+[a-z]", after) or re.match(r"\s+I\b", after)):
            return None
    if re.match(r"\s+of\s+the\b", after):
        return None  # "the March of the Combatant Mothers"
    if name.endswith(".") is False and len(name) <= 4 and name.lower() not in ("may", "june", "july"):
        return None  # a bare "Jan" or "Oct" without a day is too ambiguous
    if ctx.anchor is None:
        return "DATE", f"XXXX-{month:02d}", _edge(m)
    ctx.used_anchor = True
    year = ctx.anchor.year
    rel = (m["rel"] or "").lower()
    if rel == "last" or rel == "this past":
        year -= month >= ctx.anchor.month
    elif rel == "next" or rel == "this coming":
        year += month <= ctx.anchor.month
    elif rel == "this":
        pass
    else:
        direction = ctx.direction(*m.span())
        if month > ctx.anchor.month + 1 and direction <= 0:
            year -= 1
        elif month < ctx.anchor.month - 4 and direction > 0:
            year += 1
    return "DATE", f"{year}-{month:02d}", _edge(m)


def _year(m: re.Match, ctx: _Ctx) -> Result:
    before = ctx.text[max(0, m.start() - 2):m.start()]
    after = ctx.text[m.end():m.end() + 10]
    if re.search(r"[$£€#\d.,]$", before) or re.match(r"(?:[.,]\d|\d|%| percent|-\d| ?(?:mph|km|feet|miles|people|tons))", after):
        return None
    suffix = (m["after"] or "").lower()
    mod = {"later": "ON_OR_AFTER", "after": "ON_OR_AFTER", "earlier": "ON_OR_BEFORE",
           "before": "ON_OR_BEFORE"}.get(suffix.split()[-1] if suffix else "", _edge(m))
    return "DATE", m["y"], mod


def _spelled_year(m: re.Match, ctx: _Ctx) -> Result:
    if m["c"].lower() == "nineteen" and not m["r"]:
        return None
    century = 19 if m["c"].lower() == "nineteen" else 20
    rest = _number(m["r"]) if m["r"] else 0
    if rest is None:
        return None
    return "DATE", f"{century}{int(rest):02d}" if century == 19 else f"{2000 + int(rest)}", None


def _decade(m: re.Match, ctx: _Ctx) -> Result:
    if m["dy"]:
        value = m["dy"]
    elif m["dy2"]:
        value = ("20" if m["dy2"] in "012" else "19") + m["dy2"]
    else:
        value = f"19{_DECADE_WORDS[m['dw'].lower()]}"
    return "DATE", value, _edge(m)


def _century(m: re.Match, ctx: _Ctx) -> Result:
    words = {"eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21}
    ordinal = words.get(m["n"].lower()) or int(re.match(r"\d+", m["n"]).group())
    return "DATE", f"{ordinal - 1:02d}", _edge(m)


def _weekday(m: re.Match, ctx: _Ctx) -> Result:
    target = _WEEKDAYS[m["wd"].lower()]
    part = _PARTS.get((m["part"] or "").lower())
    kind = "DATE"  # TimeBank types "Wednesday night" as DATE
    if ctx.anchor is None:
        return kind, f"XXXX-WXX-{target + 1}" + (f"T{part}" if part else ""), _edge(m)
    day = _resolve_weekday(target, (m["rel"] or "").lower(), ctx, m)
    return kind, day.isoformat() + (f"T{part}" if part else ""), _edge(m)


def _resolve_weekday(target: int, rel: str, ctx: _Ctx, m: re.Match) -> date:
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


def _deictic(m: re.Match, ctx: _Ctx) -> Result:
    word = m["w"].lower()
    part = _PARTS.get((m["part"] or "").lower()) or ("NI" if word == "tonight" else None)
    kind = "TIME" if part else "DATE"
    if ctx.anchor is None:
        return kind, "XXXX-XX-XX" + (f"T{part}" if part else ""), _edge(m)
    ctx.used_anchor = True
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[word]
    day = ctx.anchor + timedelta(days=offset)
    return kind, day.isoformat() + (f"T{part}" if part else ""), _edge(m)


def _part_of_day(m: re.Match, ctx: _Ctx) -> Result:
    part = _PARTS[m["part"].lower()]
    if ctx.anchor is None:
        return "TIME", f"XXXX-XX-XXT{part}", _edge(m)
    ctx.used_anchor = True
    # "last night" is the night before the paper; "last morning" is not said.
    day = ctx.anchor - timedelta(days=1) if m["rel"].lower() == "last" else ctx.anchor
    return "TIME", f"{day.isoformat()}T{part}", _edge(m)


def _clock(m: re.Match, ctx: _Ctx) -> Result:
    hour = 12 if (m["noon"] or "").lower() == "noon" else 0 if m["noon"] else int(m["h"] or m["h2"])
    minute = int(m["mi"] or 0)
    ampm = (m["ap"] or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    elif (m["in"] or "").lower() in ("afternoon", "evening", "night") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    clock = f"T{hour:02d}:{minute:02d}"
    day_word = (m["day"] or "").lower()
    if ctx.anchor is None:
        return "TIME", "XXXX-XX-XX" + clock, None
    ctx.used_anchor = True
    if day_word in _WEEKDAYS:
        day = _resolve_weekday(_WEEKDAYS[day_word], "", ctx, m)
    else:
        offset = {"yesterday": -1, "tomorrow": 1}.get(day_word)
        # A bare "6 a.m." belongs to the day the story is telling about.
        day = ctx.anchor + timedelta(days=offset) if offset else ctx.last_day or ctx.anchor
    return "TIME", day.isoformat() + clock, None


def _relative_unit(m: re.Match, ctx: _Ctx) -> Result:
    """this/last/next/the past + week, month, year, quarter, decade, season ..."""
    rel = re.sub(r"\s+", " ", (m["rel"] or "the").lower())
    unit = m["unit"].lower()
    edge = _edge(m)
    if unit in ("morning", "afternoon", "evening", "night"):
        return None
    if rel in ("the", "that", "the same") and unit == "year" and re.match(r" end(?:ed|ing)\b", ctx.text[m.end():m.end() + 8]):
        return "DURATION", "P1Y", None  # "the year ended June 30"
    if unit == "fiscal year" and rel == "the":
        return "DURATION", "P1Y", None
    if unit == "period":
        # only earnings copy says "the latest period" for the quarter reported
        return ("DATE", ctx.last_quarter, None) if ctx.last_quarter and rel in ("the latest", "the most recent", "the") else None
    step = _step(rel)
    if rel in ("that", "the following", "the previous", "the same") and unit == "year" and ctx.last_year:
        return "DATE", str(ctx.last_year + step), edge  # relative to the year just named
    if unit == "weekend" and rel == "the" and ctx.anchor is not None:
        return _nearest_weekend(ctx, m, edge)
    return _unit_value(unit, step, ctx, m, edge)


def _nearest_weekend(ctx: _Ctx, m: re.Match, edge: str | None) -> Result:
    """'the weekend': the one just gone, unless the sentence looks ahead."""
    ctx.used_anchor = True
    saturday = ctx.anchor - timedelta(days=(ctx.anchor.weekday() - 5) % 7)
    if ctx.direction(*m.span()) > 0 and saturday < ctx.anchor - timedelta(days=1):
        saturday += timedelta(days=7)
    return "DATE", _week(saturday) + "-WE", edge


def _step(rel: str) -> int:
    if rel.endswith(("last", "past", "previous")):
        return -1
    if rel.endswith(("next", "coming", "following")):
        return 1
    return 0


def _unit_value(unit: str, step: int, ctx: _Ctx, m: re.Match, edge: str | None) -> Result:
    unit = "year" if unit == "fiscal year" else unit
    if unit in _SEASONS:
        return _season(unit, step, ctx, edge)
    if unit == "quarter":
        if ctx.anchor is None:
            return "DATE", "XXXX-QX", edge
        ctx.used_anchor = True
        # Earnings copy: "the quarter" is the one being reported, i.e. the
        # last one named, else the one before the paper's date.
        base = ctx.last_quarter or _shift_quarter(_quarter(ctx.anchor), -1)
        if step == 0 and re.match(r"(?i)this", m.group()):
            base = _quarter(ctx.anchor)
        return "DATE", _shift_quarter(base, step) if step else base, edge
    if ctx.anchor is None:
        blank = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX",
                 "year": "XXXX", "decade": "XXX", "century": "XX"}
        return "DATE", blank[unit], edge
    ctx.used_anchor = True
    a = ctx.anchor
    if unit in ("week", "weekend"):
        week = _week(a + timedelta(weeks=step))
        return "DATE", week + ("-WE" if unit == "weekend" else ""), edge
    if unit == "month":
        return "DATE", _shift_months(a, step).isoformat()[:7], edge
    if unit == "year":
        return "DATE", str(a.year + step), edge
    if unit == "decade":
        return "DATE", str(a.year // 10 + step), edge
    return "DATE", str(a.year // 100 + step), edge


def _season(unit: str, step: int, ctx: _Ctx, edge: str | None) -> Result:
    code = _SEASONS[unit]
    if ctx.anchor is None:
        return "DATE", f"XXXX-{code}", edge
    ctx.used_anchor = True
    return "DATE", f"{ctx.anchor.year + step}-{code}", edge


def _week_of(m: re.Match, ctx: _Ctx) -> Result:
    result = _month_day(m, ctx)
    if result is None or result[1].startswith("X"):
        return result
    return "DATE", _week(date.fromisoformat(result[1])), None


def _season_year(m: re.Match, ctx: _Ctx) -> Result:
    return "DATE", f"{m['y']}-{_SEASONS[m['s'].lower()]}", _edge(m)


def _edge_relative(m: re.Match, ctx: _Ctx) -> Result:
    """earlier this year, later this month, earlier in the week ..."""
    if re.search(r"\bthat year", m.group(), re.I) and ctx.last_year:
        return "DATE", str(ctx.last_year), _edge(m)
    return _unit_value(m["unit"].lower(), 0, ctx, m, _edge(m))


def _quarter_ordinal(m: re.Match, ctx: _Ctx) -> Result:
    q = _ORDINALS[m["q"].lower()]
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


def _half(m: re.Match, ctx: _Ctx) -> Result:
    h = 1 if m["h"].lower() == "first" else 2
    if m["y"]:
        return "DATE", f"{m['y']}-H{h}", None
    if ctx.anchor is None:
        return "DATE", f"XXXX-H{h}", None
    ctx.used_anchor = True
    year = ctx.anchor.year - (h == 2 and ctx.anchor.month <= 6)
    return "DATE", f"{year}-H{h}", None


def _year_ago(m: re.Match, ctx: _Ctx) -> Result:
    """year-ago / year-earlier periods of earnings reports."""
    if m["period"] and re.search(r"months", m["period"], re.I):
        return "DURATION", _duration(_number(m["period"].split()[0]), "month"), None
    return _years_back(1, ctx, None)


def _years_back_rule(m: re.Match, ctx: _Ctx) -> Result:
    return _years_back(1, ctx, None)


def _years_back(years: int, ctx: _Ctx, mod: str | None) -> Result:
    if ctx.last_quarter:
        return "DATE", _shift_quarter(ctx.last_quarter, -4 * years), mod
    if ctx.anchor is None:
        return "DATE", "XXXX", mod
    ctx.used_anchor = True
    return "DATE", str(ctx.anchor.year - years), mod


def _year_period(m: re.Match, ctx: _Ctx) -> Result:
    """'the 1988 period' / 'the 1989 quarter': that year's same quarter when
    the text is about a quarter."""
    if ctx.last_quarter:
        return "DATE", f"{m['y']}-Q{ctx.last_quarter[-1]}", None
    return "DATE", m["y"], None


def _ago(m: re.Match, ctx: _Ctx) -> Result:
    amount = _number(m["num"])
    unit = _unit(m["unit"])
    sign = -1 if m["dir"].lower() in ("ago", "earlier", "before") else 1
    mod = "APPROX" if _mod(m) else None
    if amount is None:
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", None
    if unit == "year" and amount == 1 and m["dir"].lower() in ("ago", "earlier"):
        return _years_back(1, ctx, mod)
    if ctx.anchor is None:
        return "DATE", {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX"}.get(unit, "XXXX"), mod
    return _shifted(unit, sign * amount, ctx, mod)


def _shifted(unit: str, amount: float, ctx: _Ctx, mod: str | None) -> Result:
    ctx.used_anchor = True
    a, n = ctx.anchor, int(amount)
    if unit in ("second", "minute", "hour", "day"):
        days = n if unit == "day" else 0
        return "DATE", (a + timedelta(days=days)).isoformat(), mod
    if unit == "week":
        return "DATE", _week(a + timedelta(weeks=n)), mod
    if unit == "month":
        return "DATE", _shift_months(a, n).isoformat()[:7], mod
    if unit == "quarter":
        return "DATE", _shift_quarter(_quarter(a), n), mod
    years = {"year": 1, "decade": 10, "century": 100, "millennium": 1000}[unit] * n
    return "DATE", str(a.year + years), mod


def _duration_rule(m: re.Match, ctx: _Ctx) -> Result:
    after = ctx.text[m.end():m.end() + 6]
    if re.match(r"-?old\b|-old", after) or re.match(r" old\b", after):
        return None  # ages ("six-year-old") are not annotated
    if re.search(r"\d[.,]$", ctx.text[:m.start()]):
        return None  # the tail of "2,000 years"
    num = m["num"].lower()
    unit = _unit(m["unit"])
    amount = _number(num)
    mod = _mod(m) or ("APPROX" if m["approx"] or "couple" in num else None)
    if unit == "quarter" and re.match(r"\s*(?:of|-)", after):
        return None  # "a quarter of the market", "quarter-century"
    if unit == "second" and num in ("a", "an"):
        return None  # "a second group"
    if num in ("a", "an") and not (m["rel"] or m["mod"]) and _is_rate(ctx.text, m.start()):
        return "SET", _duration(1, unit), None  # "$5 a year", "twice a day"
    return "DURATION", _duration(amount, unit), mod


def _is_rate(text: str, start: int) -> bool:
    before = text[max(0, start - 25):start].lower()
    return bool(re.search(r"(?:\d|million|billion|percent|cents?|dollars|times|twice|once|%)\W*$", before))


def _vague_plural(m: re.Match, ctx: _Ctx) -> Result:
    words = m.group().lower()
    # TimeBank reads "recent years" / "coming months" as vague points in time.
    if re.match(r"recent|the (?:last|past) (?:few|several)", words):
        return "DATE", "PAST_REF", None
    if re.match(r"(?:the )?coming", words):
        return "DATE", "FUTURE_REF", None
    return "DURATION", _duration(None, _unit(m["unit"])), None


def _year_end(m: re.Match, ctx: _Ctx) -> Result:
    mod = "APPROX" if (m["mod"] or "").lower() == "around" else "END"
    if ctx.anchor is None:
        return "DATE", "XXXX", mod
    ctx.used_anchor = True
    return "DATE", str(ctx.anchor.year), mod


def _set_adverb(m: re.Match, ctx: _Ctx) -> Result:
    word = m["w"].lower()
    unit = {"daily": "day", "weekly": "week", "monthly": "month", "annually": "year",
            "yearly": "year", "hourly": "hour", "quarterly": "quarter", "nightly": "day",
            "annual": "year"}[word]
    return "SET", _duration(1, unit), None


def _set_every(m: re.Match, ctx: _Ctx) -> Result:
    what = m["what"].lower()
    every = 2 if m["other"] else 1
    if what in _WEEKDAYS:
        return "SET", f"XXXX-WXX-{_WEEKDAYS[what] + 1}", None
    if what.rstrip(".") in _MONTHS:
        return "SET", f"XXXX-{_MONTHS[what.rstrip('.')]:02d}", None
    if what in _SEASONS:
        return "SET", f"XXXX-{_SEASONS[what]}", None
    if what in _PARTS:
        return "SET", f"XXXX-XX-XXT{_PARTS[what]}", None
    return "SET", _duration(every, _unit(what)), None


def _ref(value: str):
    def handler(m: re.Match, ctx: _Ctx) -> Result:
        return "DATE", value, None
    return handler


def _holiday(m: re.Match, ctx: _Ctx) -> Result:
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


def _day_relative(m: re.Match, ctx: _Ctx) -> Result:
    """the next day, the day before, that day: anchored on the paper's date."""
    base = ctx.last_day or ctx.anchor  # "the next day" follows the day just told about
    if base is None:
        return "DATE", "XXXX-XX-XX", None
    ctx.used_anchor = base is ctx.anchor
    words = m.group().lower()
    offset = 1 if re.search(r"next|following|after", words) else -1 if re.search(r"before|previous", words) else 0
    return "DATE", (base + timedelta(days=offset)).isoformat(), _edge(m)


# --------------------------------------------------------------------------
# the rule table; order breaks ties between equally long matches

def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


_RULES: list[Rule] = [
    (_rx(r"\b(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)\b"), _iso_date),
    (_rx(r"(?<![\d/])(?P<mo>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>\d{4}|\d\d)(?![\d/])"), _numeric_date),
    (_rx(rf"\b{_MOD}(?:{_WD},? )?(?:the )?(?P<d>{_DAY}) (?:of )?(?P<mon>{_MONTH})(?:,? (?P<y>{_YEAR}))?\b"), _month_day),
    (_rx(rf"\b{_MOD}(?:{_WD},? )?(?P<mon>{_MONTH}) (?P<d>{_DAY})\b(?:,? (?P<y>{_YEAR})\b)?"), _month_day),
    (_rx(rf"\b{_EDGE}(?P<mon>{_MONTH}),? (?:of )?(?P<y>{_YEAR})\b"), _month_year),
    (_rx(rf"\b{_EDGE}(?:(?P<rel>last|this|next|this coming|this past) )?(?P<mon>{_MONTH})(?![\w.]*\s*\d)"), _month_alone),
    (_rx(rf"\b{_EDGE}(?:(?:the )?(?:fiscal|calendar|fiscal year|year) )?(?P<y>{_YEAR})(?P<after> or (?:later|earlier|before|after))?\b"), _year),
    (_rx(rf"(?:\bthe year |\b)(?P<c>nineteen|two thousand)(?: and)?(?: (?P<r>{_NUMWORD}))?\b(?!-\w)(?!\s+(?:dollars|people|years|troops|soldiers|tons|miles|times|of)\b)"), _spelled_year),
    (_rx(rf"(?:\bthe )?{_EDGE}(?:\b(?P<dy>1[6-9]\d|20\d)0'?s\b|'(?P<dy2>\d)0'?s\b|\b(?P<dw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b)"), _decade),
    (_rx(r"\b(?:the )?(?P<n>\d{1,2}(?:st|nd|rd|th)|twentieth|nineteenth|twenty-first|eighteenth)[- ]century\b"), _century),
    (_rx(rf"\b{_EDGE}(?:(?P<rel>last|next|this coming|this past|this|the previous|the following|coming) )?(?P<wd>{_WD})(?:'s)?(?: (?P<part>morning|afternoon|evening|night))?\b"), _weekday),
    # "today's computers", "the people of tomorrow" are generic, not dates
    (_rx(rf"(?<!\bof ){_EDGE}\b(?P<w>today|tonight|yesterday|tomorrow)(?!'s\s+[a-z])(?: (?P<part>morning|afternoon|evening|night))?\b"), _deictic),
    (_rx(rf"\b{_EDGE}(?P<rel>this|last) (?P<part>morning|afternoon|evening|night)\b"), _part_of_day),
    (_rx(rf"\b(?:(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))? ?(?P<ap>[ap]\.m\.?|[ap]m\b|o'clock)|(?P<noon>noon|midnight)|(?P<h2>\d{{1,2}}) in the (?P<in>morning|afternoon|evening))(?: (?:[ECMP][SD]T|GMT|UTC))?(?: (?P<day>{_WD}|today|yesterday|tomorrow|tonight))?"), _clock),
    (_rx(rf"\b{_EDGE}(?P<rel>this|that|last|next|the|the past|the last|the next|the previous|the following|the coming|the current|the same|the latest|the most recent|its|this year's|the full|the entire|the whole) (?P<unit>week|weekend|month|year|fiscal year|quarter|period|decade|century|{_SEASON})\b(?![- ](?:ago|earlier|end|old|long|to)\b)"), _relative_unit),
    (_rx(rf"\b(?P<edge>earlier|later|early|late) (?:this|that|in the|in this|next|last) (?P<unit>week|month|year|quarter|decade|century|{_SEASON})\b"), _edge_relative),
    (_rx(rf"\bthe week of (?P<mon>{_MONTH}) (?P<d>{_DAY})\b"), _week_of),
    (_rx(rf"\b{_EDGE}(?:the )?(?P<s>{_SEASON}) (?:of )?(?P<y>{_YEAR})\b"), _season_year),
    (_rx(rf"\b(?P<pre>the |its |this year's |last year's |next year's |the year-ago |the year-earlier |the comparable year-ago )?(?:(?:fiscal|calendar)[- ]?)?(?:(?P<y>{_YEAR}) )?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)(?:[- ]fiscal)?[- ]quarter(?: of (?:fiscal )?(?P<y2>{_YEAR}))?\b"), _quarter_ordinal),
    (_rx(rf"\b(?:the )?(?P<h>first|second|last) half(?: of (?P<y>{_YEAR}))?\b"), _half),
    (_rx(r"\b(?:the )?(?:comparable )?year-(?:ago|earlier)(?: (?P<period>(?:(?:first|second|third|fourth) )?quarter|period|(?:nine|six|three) months|results))?"), _year_ago),
    (_rx(rf"\bthe (?P<y>{_YEAR}) (?:period|quarter)\b"), _year_period),
    (_rx(rf"\b{_MOD}(?P<num>{_NUM})[- ](?P<unit>{_UNIT}) (?P<dir>ago|earlier|from now|hence)\b"), _ago),
    (_rx(rf"\b{_MOD}(?:the )?(?:(?P<rel>past|last|next|first|previous|coming|following|final|latest|remaining|same) )?(?P<num>{_NUM})(?: (?:more|additional|straight|consecutive|trading|full|business|working))?[- ](?P<unit>{_UNIT})(?P<approx> or so)?\b"), _duration_rule),
    (_rx(r"\b(?:recent|the coming|coming|the past few|the last few|the next few|the next several|the past several|several|the last several|many)\s(?P<unit>minutes|hours|days|weeks|months|years|decades|centuries)\b"), _vague_plural),
    (_rx(r"\bthe (?P<unit>days|weeks|months|years) ahead\b"), _vague_plural),
    (_rx(r"\b(?:(?P<mod>around) )?(?:the )?(?:year[- ]end|year's end|end of the year)\b"), _year_end),
    (_rx(r"\b(?P<w>daily|weekly|monthly|annually|yearly|hourly|nightly|quarterly)\b"), _set_adverb),
    (_rx(rf"\b(?:every|each|per)(?P<other> other)? (?P<what>day|week|month|year|quarter|hour|minute|morning|afternoon|evening|night|spring|summer|fall|autumn|winter|{_WD}|{_MONTH})\b"), _set_every),
    (_rx(r"\b(?:right now|now|currently|nowadays|these days|at present|the present|current)\b(?!-day)"), _ref("PRESENT_REF")),
    # "a previously announced plan": the adverb dates the participle, not an event; not annotated
    (_rx(r"\b(?:recently|recent|previously|lately|the past|once upon a time)\b(?!\s+[a-z]+ed\b)"), _ref("PAST_REF")),
    (_rx(r"\b(?:the (?:near |foreseeable |distant |immediate )?future|the (?:short|long|near) term|a later date|as soon as possible)\b"), _ref("FUTURE_REF")),
    (_rx(rf"\b(?:(?P<rel>last|next|this) )?(?P<hol>Christmas(?: Day| Eve)?|New Year's (?:Day|Eve)|Thanksgiving(?: Day)?|Independence Day|July Fourth|Fourth of July|Valentine's Day|Halloween)(?:,? (?P<y>{_YEAR}))?\b"), _holiday),
    (_rx(rf"\b{_EDGE}(?:the (?:next|following|previous) (?:day|morning)|the day (?:before|after)|that day|the same day)\b"), _day_relative),
]
