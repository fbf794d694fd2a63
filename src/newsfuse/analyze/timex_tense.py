"""Which way a bare "Friday" or "November" points: the tense of the nearest verb cue."""

from __future__ import annotations

import re

_FUTURE_CUE = re.compile(
    r"\b(?:will|won't|shall|'ll|going to|(?:is|are|was|were)(?: \w+ly| also| still)? (?:set|due|"
    r"scheduled|expected|slated|likely|planning|going|hoping|about) to|scheduled|slated|plans? to|planned to|intends? to|to be held|would|"
    r"next|upcoming|coming|until|expects? to|hopes? to|aims? to|can|may|might|should|must|"
    r"planning to|set to|as soon as|effective|payable)\b", re.IGNORECASE)


_PAST_CUE = re.compile(
    r"\b(?:was|were|had|did|didn't|said|told|met|came|went|took|made|began|left|saw|held|gave|"
    r"got|won|lost|fell|rose|sent|spent|became|brought|bought|sold|found|heard|paid|led|ran|"
    r"struck|thought|wrote|spoke|broke|flew|fled|shot|quit|knew|felt|kept|ago|last|"
    r"[a-z]{3,}ed)\b", re.IGNORECASE)


_NOT_PAST = {"need", "feed", "seed", "speed", "indeed", "breed", "proceed", "exceed", "succeed",
             "hundred", "embed", "united", "limited", "based", "related", "supposed", "red",
             "bed", "shed", "used", "concerned", "interested", "expected", "scheduled",
             "planned", "slated"}


# "since March" looks back, "by March" / "until March" look ahead, whatever the verb.
_PREPOSITION = re.compile(r"\b(?P<p>since|by|until|till)\s+(?:(?:early|late|mid)[- ])?$", re.IGNORECASE)


_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z\"“'‘(])|\n")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for m in _SENTENCE_END.finditer(text, max(0, start - 400), start):
        if not re.search(r"\b(?:[A-Z][a-z]{0,3}|[A-Z])\.\s+$", text[max(0, m.start() - 5):m.end()]):
            left = m.end()
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.start() + 1 if right_match else len(text)
    return left, right


def sentence_direction(text: str, start: int, end: int) -> int:
    """+1 if the sentence looks ahead from ``text[start:end]``, -1 if back, 0 unknown."""
    prep = _PREPOSITION.search(text, max(0, start - 12), start)
    if prep:
        return -1 if prep["p"].lower() == "since" else 1
    left, right = _sentence(text, start, end)
    best = None  # (distance, direction)
    future_spans = []
    for m in _FUTURE_CUE.finditer(text, left, right):
        if not start <= m.start() < end:
            future_spans.append(m.span())
            best = _closer(best, m, start, end, +1)
    for m in _PAST_CUE.finditer(text, left, right):
        if _counts_as_past(text, m, start, end, future_spans):
            best = _closer(best, m, start, end, -1)
    return best[1] if best else 0


def _counts_as_past(text: str, m: re.Match, start: int, end: int, future_spans) -> bool:
    if start <= m.start() < end or m.group().lower() in _NOT_PAST or _participle(text, m):
        return False
    return not any(s <= m.start() < e for s, e in future_spans)  # "was expected to"


def _participle(text: str, m: re.Match) -> bool:
    """'will be held', 'has signed': the auxiliary, not the participle, carries the tense."""
    return m.group().lower() not in ("was", "were", "had", "did", "didn't", "ago", "last") and bool(
        re.search(r"\b(?:be|been|being|is|are|am|has|have)\s+(?:\w+ly\s+)?$", text[max(0, m.start() - 30):m.start()], re.IGNORECASE))


def _closer(best, m: re.Match, start: int, end: int, direction: int):
    distance = start - m.end() if m.end() <= start else m.start() - end
    if m.group().lower() in ("said", "says", "say", "told"):
        # A reporting verb dates the report, not what is reported, unless
        # the time expression sits right next to it ("told reporters on Tuesday").
        distance *= 3
    return (distance, direction) if best is None or distance < best[0] else best

