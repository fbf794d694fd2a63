"""Calendar arithmetic for TIMEX3 values: months, ISO weeks, quarters, numbers, durations."""

from __future__ import annotations

import re
from calendar import monthrange
from functools import lru_cache
from datetime import date

from .timex_vocab import HALF_UNIT, SMALL, TENS, UNIT_CODES


def shift_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def shift_quarter(value: str, quarters: int) -> str:
    year, q = int(value[:4]), int(value[-1])
    total = year * 4 + q - 1 + quarters
    return f"{total // 4}-Q{total % 4 + 1}"


def parse_number(word: str) -> float | None:
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
        if part in SMALL:
            total += SMALL.index(part)
        elif part in TENS:
            total += 20 + 10 * TENS.index(part)
        elif part == "hundred":
            total = max(total, 1) * 100
        elif part == "thousand":
            total = max(total, 1) * 1000
        elif part != "a":
            return None
    return total + half


def unit_name(word: str) -> str:
    word = word.lower()
    if word.startswith("centur"):
        return "century"
    if word.startswith("millenni"):
        return "millennium"
    return word.rstrip("s")


def duration_value(amount: float | None, unit: str) -> str:
    if unit == "decade" and amount and amount > 1:
        amount, unit = amount * 10, "year"  # TimeBank: "two decades" -> P20Y
    code = UNIT_CODES[unit]
    prefix, letter = ("PT", code[1]) if code.startswith("T") else ("P", code)
    if amount is None:
        return f"{prefix}X{letter}"
    if unit == "weekend":
        amount *= 2
    whole = int(amount)
    value = f"{prefix}{whole}{letter}"
    if amount != whole and unit in HALF_UNIT:
        extra, extra_code = HALF_UNIT[unit]
        if extra_code.startswith("T") and not value.startswith("PT"):
            return f"{value}T{extra}{extra_code[1]}"
        return f"{value}{extra}{extra_code.lstrip('T')}"
    if amount != whole:
        return f"{prefix}{amount:g}{letter}"
    return value



_CALENDAR_VALUE = re.compile(r"^(\d{4})(?:-(W)?(\d\d)(?:-(\d\d))?)?$")


@lru_cache(maxsize=4096)  # a story's events repeat a few dates many times
def value_period(value: str | None) -> tuple[date, date] | None:
    """The first and last day of a TIMEX3 calendar value (2022-02-24, 2022-02,
    2022, 2022-W37), or None for anything else (PRESENT_REF, durations, times)."""
    match = _CALENDAR_VALUE.match(value or "")
    if not match:
        return None
    year, week, number, day = match.groups()
    try:
        if week:
            return date.fromisocalendar(int(year), int(number), 1), date.fromisocalendar(int(year), int(number), 7)
        if day:
            return (date(int(year), int(number), int(day)),) * 2
        if number:
            return date(int(year), int(number), 1), date(int(year), int(number), monthrange(int(year), int(number))[1])
        return date(int(year), 1, 1), date(int(year), 12, 31)
    except ValueError:
        return None
