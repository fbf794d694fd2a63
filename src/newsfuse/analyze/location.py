"""Where the event happened, not just which places are mentioned.

Each place an article names gets a score; the story's location is the best
specific place (a city, facility, region) when the evidence for it is strong,
else the best country. The weights say how much each clue is worth:

- a dateline ("SAMARKAND, Uzbekistan —") names where the reporter filed,
  which for on-the-spot reporting is where it happened: 3;
- a place in the first three sentences (the lead says where): 1, and 1 more
  when introduced as the scene ("in Samarkand", "at the border");
- any later mention: 0.25 (a place talked about is not a place where).
"""

from __future__ import annotations

import re

from ..records import Entity, Mention
from .places import gazetteer

DATELINE_WEIGHT = 3.0
LEAD_WEIGHT = 1.0
SCENE_WEIGHT = 1.0
MENTION_WEIGHT = 0.25
LEAD_SENTENCES = 3
# Enough evidence for a city over its country: one lead mention as the scene.
SPECIFIC_MIN_SCORE = 2.0

_WHERE_TYPES = {"city", "state", "region", "place", "facility", "country", "continent"}
_SPECIFIC_TYPES = {"city", "facility", "place", "region", "state"}
_DATELINE = re.compile(r"^\s*([A-Z][A-Z.'’ -]{2,40}?)(?:,\s*([A-Z][\w.'’ -]{1,30}?))?\s*"
                       r"(?:\([^)\n]{1,30}\)\s*)?[—–-]{1,2}\s")
_SCENE_BEFORE = re.compile(r"\b(?:in|at|near|outside|inside)\s+(?:the\s+)?$", re.IGNORECASE)


def place_scores(text: str, sentences: list[tuple[int, int]], mentions: list[Mention],
                 entities: dict[str, Entity]) -> dict[str, float]:
    """Score per place entity key; adds the dateline's place to ``entities``."""
    scores: dict[str, float] = {}
    lead_end = sentences[min(LEAD_SENTENCES, len(sentences)) - 1][1] if sentences else len(text)
    for mention in mentions:
        entity = entities.get(mention.entity)
        if entity is None or entity.type not in _WHERE_TYPES or mention.label == "NORP":
            continue
        scores[entity.key] = scores.get(entity.key, 0.0) + _mention_score(text, mention, lead_end)
    dateline = dateline_place(text)
    if dateline is not None:
        entities.setdefault(dateline.key, dateline)
        scores[dateline.key] = scores.get(dateline.key, 0.0) + DATELINE_WEIGHT
    return scores


def _mention_score(text: str, mention: Mention, lead_end: int) -> float:
    if mention.start >= lead_end:
        return MENTION_WEIGHT
    scene = _SCENE_BEFORE.search(text, max(0, mention.start - 12), mention.start)
    return LEAD_WEIGHT + (SCENE_WEIGHT if scene else 0.0)


def dateline_place(text: str) -> Entity | None:
    """The place of a dateline at the start of the body, when the gazetteer knows it."""
    match = _DATELINE.match(text)
    if not match:
        return None
    gaz = gazetteer()
    context = {country.country} if match.group(2) and (country := gaz.country(match.group(2))) else set()
    place = gaz.resolve(match.group(1).title(), context)
    return place.as_entity() if place is not None else None


def pick_location(scores: dict[str, float], entities: dict[str, Entity]) -> Entity | None:
    """The most specific well-supported place, else the best-scored one."""
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    for key, score in ranked:
        if entities[key].type in _SPECIFIC_TYPES and score >= SPECIFIC_MIN_SCORE:
            return entities[key]
    return entities[ranked[0][0]] if ranked else None
