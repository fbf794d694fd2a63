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
from collections.abc import Callable
from datetime import date

from ..records import TimeRef
from .timex_context import Ctx
from .timex_periods import ago_phrase, year_ago, years_back_rule
from .timex_rules import RULES, is_title, trim_span


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
    ctx = Ctx(text, anchor)
    refs, rejected = [], []
    for cand in chosen:
        start, end, handler, match = cand
        ctx.used_anchor = False
        result = None if is_title(text, start, end, handler) else handler(match, ctx)
        if result is None:
            rejected.append(cand)
            continue
        kind, value, mod = result
        _remember(ctx, handler, value)
        used = anchor.isoformat() if ctx.used_anchor and anchor else None
        start, end = trim_span(text, start, end, handler)
        refs.append(TimeRef(start, end, text[start:end], kind, value, mod, used))
    return refs, rejected


def _remember(ctx: Ctx, handler, value: str) -> None:
    """Keep the reference time that anaphoric expressions resolve against.
    Values derived from the reference itself ("a year earlier") do not move it."""
    if handler in (years_back_rule, year_ago, ago_phrase):
        return
    if re.fullmatch(r"\d{4}-Q\d", value):
        ctx.last_quarter = value
    if re.match(r"\d{4}-\d\d-\d\d", value):
        ctx.last_day = date.fromisoformat(value[:10])
    if re.match(r"\d{4}-[01]\d(?:$|-)", value):
        ctx.last_month = date(int(value[:4]), int(value[5:7]), 1)
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
    for pattern, handler in RULES:
        for match in pattern.finditer(text):
            span = match.span("x") if "x" in pattern.groupindex else match.span()
            if span[1] > span[0]:
                found.append((span[0], span[1], handler, match))
    return found


def _select(candidates):
    """Longest spans win; ties go to the rule listed first."""
    order = {id(rule[1]): i for i, rule in enumerate(RULES)}
    ranked = sorted(candidates, key=lambda c: (c[0] - c[1], order[id(c[2])], c[0]))
    taken: list[tuple[int, int]] = []
    chosen = []
    for cand in ranked:
        if all(cand[1] <= s or cand[0] >= e for s, e in taken):
            taken.append((cand[0], cand[1]))
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c[0])

