"""State shared by the TIMEX3 rule handlers while one text is normalised."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .timex_tense import sentence_direction
from .timex_vocab import DAY_WORDS, EDGE_WORDS, MOD_WORDS, MONTHS


@dataclass
class Ctx:
    text: str
    anchor: date | None
    last_quarter: str | None = None  # latest "YYYY-Qn" named in the text
    last_day: date | None = None  # latest calendar day named (for "the next day", "6 a.m.")
    last_year: int | None = None  # latest year named (for "that year", "the following year")
    last_month: date | None = None  # first day of the latest month named (for "the following month")
    used_anchor: bool = field(default=False)

    def direction(self, start: int, end: int) -> int:
        """+1 if the sentence speaks about the future near this span, -1 if past, 0 unknown."""
        return sentence_direction(self.text, start, end)


Result = tuple[str, str, str | None] | None


def edge_mod(match: re.Match) -> str | None:
    edge = match.groupdict().get("edge")
    return EDGE_WORDS.get(edge.lower()) if edge else None


def mod_code(match: re.Match) -> str | None:
    mod = match.groupdict().get("mod")
    return MOD_WORDS.get(mod.lower()) if mod else None


def month_number(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def day_number(word: str) -> int:
    digits = re.match(r"\d+", word)
    return int(digits.group()) if digits else DAY_WORDS[word.lower()]

