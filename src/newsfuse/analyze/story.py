"""A story's analysis from its articles' analyses: who, where, when, what, who said what.

Entities merge across articles (``merge_entities``), so a person named in
full by one outlet and by surname by another is one person. The story's place
is the best of the place scores summed over articles. Events reported by
several articles are one event with evidence from each (``_merge_events``:
same type and mode, same actors with one role allowed missing, compatible
place and date; an accident's reports whatever actors they name; reports
naming no one in the story without a shared date or place); a past event an
article recalls (``Event.background``) stays apart, with its own date. Who is ranked by how central each person or
organisation is to the story (``rank_who``).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import replace

from ..outlets import is_press
from ..records import Analysis, Entity, Event, Quote
from .plover_lexicon import ACCIDENT_TYPE
from .entities import merge_entities, place_label
from .location import pick_location
from .places import gazetteer
from .timex_calendar import value_period

_FULL_DATE_LENGTH = len("2022-09-15")


def combine(analyses: list[Analysis], leads: dict[str, int] | None = None) -> dict:
    """Story-level who / where / when / events / quotes, each item with its
    evidence. ``leads`` (article id -> where its lead sentence ends) lets
    being named in a lead count for who is central."""
    entities, remap = merge_entities([a.entities for a in analyses])
    by_key = {e.key: e for e in entities}
    names = _name_index(entities)
    events = _merge_events(analyses, names, {place_label(e): e for e in entities})
    return {
        "where": _where(analyses, by_key, remap),
        "when": _when(analyses, events),
        "who": rank_who(analyses, entities, remap, events, names, leads or {}),
        "places": [_entity_view(e) for e in entities if e.type not in ("person", "org", "group")],
        "events": events,
        "quotes": _quotes_by_speaker(analyses, remap, by_key),
    }


def _name_index(entities: list[Entity]) -> dict[str, str]:
    """Every name and alias (lower case) -> the story entity's key, so that
    "Xi" in one report's event and "Xi Jinping" in another's are one actor."""
    index = {}
    for entity in entities:
        for name in (entity.name, *entity.aliases):
            index.setdefault(name.lower(), entity.key)
    return index


def is_actor(entity: Entity) -> bool:
    """People and organisations; never a nationality, ideology or religion
    (spaCy's NORP: "Communist", "Central Asian"), a bare demonym tagged as a
    name ("Russians"), or the press that reports the story ("AFP")."""
    return entity.type in ("person", "org") and gazetteer().country(entity.name) is None \
        and not is_press(entity.name)


# Who is central to a story: the share of its articles naming them counts
# twice, the share naming them in the lead once, the share giving them a role
# in a reported (not background) event once, and their mentions relative to
# the most mentioned once. Hand-set weights, not tuned on data (there is no
# gold for centrality); on the seeds they put Xi Jinping and Vladimir Putin first.
_WHO_WEIGHTS = {"articles": 2.0, "lead": 1.0, "events": 1.0, "mentions": 1.0}


def rank_who(analyses: list[Analysis], entities: list[Entity], remap: dict[str, str], events: list[dict],
             names: dict[str, str], leads: dict[str, int]) -> list[dict]:
    """People and organisations, the most central to the story first, each
    with what ranks it (``centrality``: articles, lead, events, mentions)."""
    places = _gazetteer_names(entities)
    actors = [e for e in entities if is_actor(e) and e.name.lower() not in places]
    counts = {e.key: Counter() for e in actors}
    for analysis in analyses:
        for kind, keys in _named_in(analysis, remap, leads).items():
            for key in keys & counts.keys():
                counts[key][kind] += 1
    for event in (e for e in events if not e["background"]):
        for key in {names.get(n.lower()) for n in event["sources"] + event["targets"]} & counts.keys():
            counts[key]["events"] += len({ev["article"] for ev in event["evidence"]})
    top = max((e.mentions for e in actors), default=1) or 1
    scores = {e.key: _centrality(counts[e.key], e.mentions / top, len(analyses)) for e in actors}
    ranked = sorted(actors, key=lambda e: (-scores[e.key], -e.mentions, e.name))
    return [{**_entity_view(e), "centrality": round(scores[e.key], 3)} for e in ranked]


# Places the gazetteer found. The tagger sometimes takes a town for a
# company or a person ("Croydon" an org, "Glasgow" a person, in the Croydon
# tram reports): a name the story also names as a known place is that place,
# not an actor.
_GAZETTEER_TYPES = {"city", "state", "country", "continent"}


def _gazetteer_names(entities: list[Entity]) -> set[str]:
    return {name.lower() for e in entities if e.type in _GAZETTEER_TYPES for name in (e.name, *e.aliases)}


def _named_in(analysis: Analysis, remap: dict[str, str], leads: dict[str, int]) -> dict[str, set[str]]:
    lead_end = leads.get(analysis.article_id, 0)
    keys = {m.entity: remap.get(m.entity, m.entity) for m in analysis.mentions}
    return {"articles": set(keys.values()),
            "lead": {keys[m.entity] for m in analysis.mentions if m.start < lead_end}}


def _centrality(counts: Counter, mention_share: float, n_articles: int) -> float:
    n = max(n_articles, 1)
    shares = {"articles": counts["articles"] / n, "lead": counts["lead"] / n,
              "events": min(1.0, counts["events"] / n), "mentions": mention_share}
    return sum(_WHO_WEIGHTS[kind] * share for kind, share in shares.items())


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
    """The event date: the most reported date of the story's (not background) events, else the
    full date most often written in its articles; with the phrases behind it."""
    dated = Counter(e["date"] for e in events if e["date"] and len(e["date"]) == _FULL_DATE_LENGTH
                    and not e["background"] for _ in e["evidence"])
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
# Types with no one acting: reports of an accident name the vehicle ("a tram
# derailed"), the hurt ("seven people were killed") or nobody, so actors tell
# no two accidents apart; only date and place do.
_AGENTLESS = {ACCIDENT_TYPE}


class _Happening:
    """One real event and every report of it: the first report's type, mode
    and actors (as story entity keys); place and date from the first report
    that gives them."""

    def __init__(self, event: Event, actors: tuple[frozenset, frozenset], named: bool = True):
        self.view = _event_view(event)
        self.sources, self.targets = actors
        self.named = named

    def same(self, event: Event, actors: tuple[frozenset, frozenset], places: dict[str, Entity],
             named: bool = True) -> bool:
        """Whether ``event`` (its source and target keys: ``actors``; ``named``:
        whether one of them is a story entity) reports this one."""
        view = self.view
        if not (event.type == view["type"] and event.background == view["background"]
                and (event.mode == "negated") == (view["mode"] == "negated")
                and _same_date(view["date"], event.date) and _same_place(view["place"], event.place, places)):
            return False
        return view["type"] in _AGENTLESS or (self._same_actors(*actors) and self._anchored(event, *actors, named))

    def _anchored(self, event: Event, sources: frozenset, targets: frozenset, named: bool) -> bool:
        """Compatible is not enough: two reports are of one event only if they
        share a date, a place, or the same two or more actors ("Xi might meet
        someone" is not "Xi arrived on Wednesday"), or if neither names anyone
        ("people were injured", twice): nameless reports of one type and the
        same actors in one story can only be told apart by date and place,
        and those agree."""
        if (self.view["date"] and event.date) or (self.view["place"] and event.place):
            return True
        if not named and not self.named:
            return True
        ours = self.sources | self.targets
        return len(ours) >= 2 and ours == sources | targets

    def _same_actors(self, sources: frozenset, targets: frozenset) -> bool:
        if self.view["type"] in _SYMMETRIC:
            return _same_party(self.sources | self.targets, sources | targets)
        known = [m for m in (_overlap(self.sources, sources), _overlap(self.targets, targets)) if m is not None]
        return bool(known) and all(known)

    def add(self, event: Event, article_id: str) -> None:
        view = self.view
        view["place"] = view["place"] or event.place
        view["date"] = _finer(view["date"], event.date)
        view["evidence"].append({"article": article_id, "start": event.sentence.start, "end": event.sentence.end,
                                 "text": event.sentence.text, "mode": event.mode})


def _keys(actor_names: list[str], names: dict[str, str]) -> frozenset[str]:
    return frozenset(names.get(n.lower()) or _head(n) for n in actor_names)


# What follows a description's head noun: "the driver of the Wimbledon-bound
# tram", "the driver, 42, from Beckenham".
_AFTER_HEAD = re.compile(r",|\s+(?:of|from|in|at|on|for|who|which|that|with)\s")


def _head(name: str) -> str:
    """A description (not a story entity) keyed by its head noun: "the
    driver of the tram", "tram driver" and "Driver" are one actor to compare
    (Croydon's arrest was five COERCE events, one per wording)."""
    words = _AFTER_HEAD.split(name.lower(), maxsplit=1)[0].split()
    return words[-1].strip(".'\"’‘”“") if words else name.lower()


def _same_party(ours: frozenset, theirs: frozenset) -> bool:
    """The same participants, or one report naming only one of them ("Xi met
    Putin" and "Xi arrived for talks"); a meeting of three is not the two's."""
    if not ours or not theirs:
        return False
    return ours == theirs or (min(len(ours), len(theirs)) == 1 and bool(ours & theirs))


def _overlap(ours: frozenset, theirs: frozenset) -> bool | None:
    """Whether two reports' actors in one role agree (None: one does not say)."""
    return None if not ours or not theirs else bool(ours & theirs)


def _same_place(ours: str | None, theirs: str | None, places: dict[str, Entity]) -> bool:
    """Compatible places: either unknown, the same, a city and its own
    country, or two places of one city's area ("in Croydon", "near London");
    a region or continent ("Central Asia") contains what is in it."""
    if not ours or not theirs or ours == theirs:
        return True
    a, b = places.get(ours), places.get(theirs)
    if a is None or b is None or a.country is None or b.country is None:
        return True
    return a.country == b.country and ("country" in (a.type, b.type) or _km(a, b) <= _ONE_AREA_KM)


# Two places this close are one city's area for an event's report: Croydon is
# 14 km from the centre of London, whose built-up area reaches some 25 km out
# (a hand-set bound, not fitted: a suburb and its city, not neighbouring towns).
_ONE_AREA_KM = 30.0


def _km(a: Entity, b: Entity) -> float:
    """Great-circle distance; unknown coordinates are far apart."""
    if None in (a.lat, a.lon, b.lat, b.lon):
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _same_date(ours: str | None, theirs: str | None) -> bool:
    """Either undated, or the two periods (a day, a week, a month, a year) overlap."""
    if ours == theirs:
        return True
    a, b = value_period(ours), value_period(theirs)
    return a is None or b is None or (a[0] <= b[1] and b[0] <= a[1])


def _finer(ours: str | None, theirs: str | None) -> str | None:
    """The more precise of two compatible dates (a day within the month)."""
    if ours is None or (theirs and len(theirs) > len(ours) and "W" not in theirs):
        return theirs
    return ours


def _merge_events(analyses: list[Analysis], names: dict[str, str] | None = None,
                  places: dict[str, Entity] | None = None) -> list[dict]:
    """One record per real event with evidence from every report of it: the
    same type and mode (an announced meeting and the meeting itself are one),
    the same actors (one role may be missing), compatible place and date. A
    recalled background event never merges with the news; reported ones
    come first, the most reported first."""
    names, places = names or {}, places or {}
    entity_keys = set(names.values())
    happenings: list[_Happening] = []
    by_actor: dict[tuple, list[int]] = defaultdict(list)  # a match shares an actor: only those are compared
    generic = []
    for event, article_id in _reports(analyses):
        if _by_role_only(event) or not _has_actor(event):
            generic.append((event, article_id))
            continue
        actors = _keys(event.source_names, names), _keys(event.target_names, names)
        named = bool((actors[0] | actors[1]) & entity_keys)
        keys = [(event.type, event.background, k) for k in actors[0] | actors[1]]
        if event.type in _AGENTLESS:
            keys = [(event.type, event.background, "")]  # any report of an accident may be of this one
        candidates = sorted({i for key in keys for i in by_actor[key]})
        match = next((happenings[i] for i in candidates if happenings[i].same(event, actors, places, named)),
                     None)
        if match is None:
            happenings.append(match := _Happening(event, actors, named))
            for key in keys:
                by_actor[key].append(len(happenings) - 1)
        match.add(event, article_id)
    for event, article_id in generic:
        if not _has_actor(event):  # "it derailed": a report of the story's accident, or of nothing placeable
            match = next((h for h in happenings if h.same(event, (frozenset(), frozenset()), places, False)), None)
            if match is not None:
                match.add(event, article_id)
            continue
        match = _central(happenings, event, places)
        if match is None:
            happenings.append(match := _Happening(event, (frozenset(), frozenset())))
        match.add(event, article_id)
    views = [h.view for h in happenings]
    return sorted(views, key=lambda v: (v["background"], -len({e["article"] for e in v["evidence"]}),
                                        -len(v["evidence"])))


_HARM = re.compile(r"^(?:kill|injur|wound|hurt)", re.IGNORECASE)


def _reports(analyses: list[Analysis]):
    """(event, article id) of every event with an actor, and of every
    accident (actors tell no accident apart: "it derailed"); in a story of an
    accident (more articles report an ACCIDENT than an ASSAULT with someone
    doing it), people hurt with no one doing it ("a lot of people were
    injured") are its reports: the accident hurt them."""
    events = [(e, a.article_id) for a in analyses for e in a.events if _has_actor(e) or e.type in _AGENTLESS]
    accident = {a for e, a in events if e.type == ACCIDENT_TYPE and not e.background}
    assault = {a for e, a in events if e.type == "ASSAULT" and e.source_names}
    if len(accident) > len(assault):
        events = [(replace(e, type=ACCIDENT_TYPE) if _hurt_by_no_one(e) else e, a) for e, a in events]
    return events


def _hurt_by_no_one(event: Event) -> bool:
    return event.type == "ASSAULT" and not event.source_names and bool(_HARM.match(event.trigger.text))


# Plural words for the parties of a meeting ("the presidents will discuss",
# "the two leaders"): they name the parties of the story's central meeting.
_ROLE_WORDS = {"presidents", "leaders", "heads", "ministers", "premiers", "counterparts", "sides", "two",
               "both", "the", "of", "state", "government", "foreign", "prime"}


def _by_role_only(event: Event) -> bool:
    """A reciprocal event whose parties are only named by their role ("the
    presidents", "the two leaders")."""
    actors = event.source_names + event.target_names
    return event.type in _SYMMETRIC and bool(actors) and all(
        set(name.lower().split()) <= _ROLE_WORDS and name.lower().split()[-1] in _ROLE_WORDS - {"the", "of"}
        for name in actors)


def _central(happenings: list[_Happening], event: Event, places: dict[str, Entity]) -> _Happening | None:
    """The story's central happening of the event's type that "the leaders"
    can only mean: the one with two or more named parties reported by more
    articles than any other such; it must agree in date and place."""
    parties = [h for h in happenings if h.view["type"] == event.type and not h.view["background"]
               and len(h.sources | h.targets) >= 2]
    reach = sorted(((len({e["article"] for e in h.view["evidence"]}), i) for i, h in enumerate(parties)), reverse=True)
    if not reach or (len(reach) > 1 and reach[0][0] == reach[1][0]) or event.background:
        return None
    best = parties[reach[0][1]]
    view = best.view
    if _same_date(view["date"], event.date) and _same_place(view["place"], event.place, places):
        return best
    return None


# Words that stand for an actor without naming one: an event whose every actor
# is one of these ("I support ...", "anyone can check", "it investigated") says
# nothing a reader of the story can place.
_STAND_INS = {"i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "this", "that",
              "these", "those", "who", "which", "someone", "anyone", "everyone", "some", "one", "none",
              "nobody", "somebody", "anybody", "everybody", "others", "all", "both", "each"}


def _has_actor(event: Event) -> bool:
    """Whether some actor of ``event`` is named or described ("the gunman"), not only stood in for."""
    return any(name.lower() not in _STAND_INS for name in event.source_names + event.target_names)


def _event_view(event: Event) -> dict:
    return {"type": event.type, "sources": event.source_names, "targets": event.target_names,
            "place": event.place, "date": event.date, "mode": event.mode, "background": event.background,
            "evidence": []}


def _quotes_by_speaker(analyses: list[Analysis], remap: dict[str, str], entities: dict[str, Entity]) -> list[dict]:
    speakers: dict[str, dict] = {}
    groups: dict[str, list] = defaultdict(list)
    for analysis in analyses:
        for quote in analysis.quotes:
            key, name = _speaker(quote, remap, entities)
            speakers.setdefault(key, {"speaker": name, "entity": key if key in entities else None})
            groups[key].append(_quote_view(quote, analysis.article_id))
    # named speakers first, most quoted first, then things ("(a schedule)"), the unattributed last
    order = sorted(groups, key=lambda key: (speakers[key]["speaker"] == UNATTRIBUTED,
                                            speakers[key]["speaker"].startswith("("),
                                            speakers[key]["entity"] is None, -len(groups[key])))
    return [{**speakers[key], "quotes": _outermost(groups[key])} for key in order]


def _outermost(quotes: list[dict]) -> list[dict]:
    """A speaker's quotes without those inside another of theirs in the same
    article ("which he said would hold ..." within "Ushakov said the leaders
    would discuss ... which he said would hold ...": one statement, told once)."""
    return [q for q in quotes if not any(o is not q and o["article"] == q["article"] and o["start"] <= q["start"]
                                         and q["end"] <= o["end"] and (o["start"], o["end"]) != (q["start"], q["end"])
                                         for o in quotes)]


UNATTRIBUTED = "(unattributed)"


def _speaker(quote: Quote, remap: dict[str, str], entities: dict[str, Entity]) -> tuple[str, str]:
    if quote.speaker_entity:
        key = remap.get(quote.speaker_entity, quote.speaker_entity)
        if key in entities:
            return key, entities[key].name
    # the extractor leaves ``speaker`` empty for an unresolved pronoun ("they")
    # or a thing ("according to a schedule"): the source's words are no
    # speaker, but a thing is still a source, shown in brackets as written
    name = quote.speaker or _unnamed_source(quote)
    return "text:" + name.lower(), name


_PRONOUNS = frozenset("i you he she it we they this that these those who one someone".split())


def _unnamed_source(quote: Quote) -> str:
    words = quote.source.text.strip() if quote.source else ""
    return f"({words})" if words and words.lower() not in _PRONOUNS else UNATTRIBUTED


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
