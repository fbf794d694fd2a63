"""A story's analysis from its articles' analyses: who, where, when, what, who said what.

Entities merge across articles (``merge_entities``), so a person named in
full by one outlet and by surname by another is one person. The story's place
is the best of the place scores summed over articles; events that agree on
type, actors, date and mode are one event with evidence from each article.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..records import Analysis, Entity, Event, Quote
from .entities import merge_entities, place_label
from .location import pick_location

_FULL_DATE_LENGTH = len("2022-09-15")


def combine(analyses: list[Analysis]) -> dict:
    """Story-level who / where / when / events / quotes, each item with its evidence."""
    entities, remap = merge_entities([a.entities for a in analyses])
    by_key = {e.key: e for e in entities}
    events = _merge_events(analyses)
    return {
        "where": _where(analyses, by_key, remap),
        "when": _when(analyses, events),
        "who": [_entity_view(e) for e in entities if e.type in ("person", "org", "group")],
        "places": [_entity_view(e) for e in entities if e.type not in ("person", "org", "group")],
        "events": events,
        "quotes": _quotes_by_speaker(analyses, remap, by_key),
    }


def _entity_view(entity: Entity) -> dict:
    view = {"key": entity.key, "name": entity.name, "type": entity.type, "mentions": entity.mentions,
            "aliases": entity.aliases}
    if entity.country:
        view["country"] = entity.country
    if entity.lat is not None:
        view["lat"], view["lon"] = entity.lat, entity.lon
    return view


def _where(analyses: list[Analysis], entities: dict[str, Entity], remap: dict[str, str]) -> dict | None:
    scores: Counter = Counter()
    for analysis in analyses:
        for key, score in analysis.places.items():
            scores[remap.get(key, key)] += score
    known = {key: score for key, score in scores.items() if key in entities}
    place = pick_location(known, entities)
    if place is None:
        return None
    return {"name": place_label(place), "key": place.key, "country": place.country, "lat": place.lat,
            "lon": place.lon, "score": round(known[place.key], 2)}


def _when(analyses: list[Analysis], events: list[dict]) -> dict | None:
    """The event date: the most reported date of the story's events, else the
    full date most often written in its articles; with the phrases behind it."""
    dated = Counter(e["date"] for e in events if e["date"] and len(e["date"]) == _FULL_DATE_LENGTH
                    for _ in e["evidence"])
    if not dated:
        dated = Counter(t.value for a in analyses for t in a.timexes
                        if t.type == "DATE" and len(t.value) == _FULL_DATE_LENGTH)
    if not dated:
        return None
    value, _ = dated.most_common(1)[0]
    evidence = [{"article": a.article_id, "start": t.start, "end": t.end, "text": t.text}
                for a in analyses for t in a.timexes if t.value == value]
    return {"date": value, "evidence": evidence}


# Types where who is source and who is target is a matter of phrasing: "Xi and
# Putin met" and "Putin met Xi" are one meeting.
_SYMMETRIC = {"CONSULT", "COOPERATE", "AGREE", "FIGHT"}


def _merge_events(analyses: list[Analysis]) -> list[dict]:
    """Events of one type, with the same actors and date, are one event; an
    announced meeting and the meeting itself are one (mode from the first)."""
    merged: dict[tuple, dict] = {}
    for analysis in analyses:
        for event in analysis.events:
            view = merged.setdefault(_event_key(event), _event_view(event))
            view["place"] = view["place"] or event.place
            view["evidence"].append({"article": analysis.article_id, "start": event.sentence.start,
                                     "end": event.sentence.end, "text": event.sentence.text, "mode": event.mode})
    return sorted(merged.values(), key=lambda v: -len(v["evidence"]))


def _event_key(event: Event) -> tuple:
    if event.type in _SYMMETRIC:
        return event.type, frozenset(event.source_names + event.target_names), event.date
    return event.type, frozenset(event.source_names), frozenset(event.target_names), event.date


def _event_view(event: Event) -> dict:
    return {"type": event.type, "sources": event.source_names, "targets": event.target_names,
            "place": event.place, "date": event.date, "mode": event.mode, "evidence": []}


def _quotes_by_speaker(analyses: list[Analysis], remap: dict[str, str], entities: dict[str, Entity]) -> list[dict]:
    speakers: dict[str, dict] = {}
    groups: dict[str, list] = defaultdict(list)
    for analysis in analyses:
        for quote in analysis.quotes:
            key, name = _speaker(quote, remap, entities)
            speakers.setdefault(key, {"speaker": name, "entity": key if key in entities else None})
            groups[key].append(_quote_view(quote, analysis.article_id))
    # named speakers first, most quoted first
    order = sorted(groups, key=lambda key: (speakers[key]["entity"] is None, -len(groups[key])))
    return [{**speakers[key], "quotes": groups[key]} for key in order]


def _speaker(quote: Quote, remap: dict[str, str], entities: dict[str, Entity]) -> tuple[str, str]:
    if quote.speaker_entity:
        key = remap.get(quote.speaker_entity, quote.speaker_entity)
        if key in entities:
            return key, entities[key].name
    name = quote.speaker or (quote.source.text if quote.source else "(unattributed)")
    return "text:" + name.lower(), name


# The quote extractor follows PolNeAR, where any attributed stance is an
# attribution ("will seek", "signed"); a reader asking "who said what" wants
# speech: quotation marks, or a cue that is a verb of saying.
_SPEECH_CUE = re.compile(
    r"\b(?:say|says|said|saying|told|tell|tells|telling|add|adds|added|note[ds]?|noting|warn(?:s|ed|ing)?|"
    r"according|statement|stat(?:e|es|ed|ing)|announc\w*|declar\w*|claim\w*|insist\w*|explain\w*|"
    r"describ\w*|wr(?:ote|ites?|iting)|ask(?:s|ed|ing)?|urg\w*|repl\w*|stress\w*|confirm\w*|den(?:y|ies|ied)|"
    r"argu\w*|suggest\w*|acknowledg\w*|admit\w*|report\w*|vow\w*|assur\w*|recall\w*|predict\w*|"
    r"promis\w*|comment\w*|remark\w*|tweet\w*|posted)\b", re.IGNORECASE)


def is_speech(quote: Quote) -> bool:
    return quote.kind in ("direct", "mixed") or bool(quote.cue and _SPEECH_CUE.search(quote.cue.text))


def _quote_view(quote: Quote, article_id: str) -> dict:
    view = {"article": article_id, "kind": quote.kind, "content": quote.content.text,
            "start": quote.content.start, "end": quote.content.end, "speech": is_speech(quote)}
    if quote.cue:
        view["cue"] = quote.cue.text
    return view
