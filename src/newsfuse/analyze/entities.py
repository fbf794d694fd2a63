"""People, organisations and places in one article, under canonical names.

spaCy's NER finds the spans; this module decides which spans name the same
thing. Within an article "Xi" and "Chinese President Xi Jinping" are one
person (a short name joins the full name it is the first or last word of);
"SCO" joins "Shanghai Cooperation Organisation" (its initials, or the
"(SCO)" written after it); places go through the gazetteer (``places``), so
"Russian" and "Russia" are both country:RU. ``merge_entities`` applies the
same rules across a story's articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Entity, Mention
from .places import Place, gazetteer, normalise_name, without_the

_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}
_PLACE_LABELS = {"GPE", "LOC", "FAC", "NORP"}
# Titles spaCy sometimes leaves inside a PERSON span ("President Putin").
_TITLES = {"president", "prime", "minister", "mr", "mrs", "ms", "dr", "sen", "gen", "king", "queen", "pope",
           "leader", "chancellor", "premier", "secretary", "governor", "senator", "rep", "sir", "lord",
           "general", "colonel", "judge", "justice", "prince", "princess", "sheikh", "emir", "ayatollah"}
_ORG_STOPWORDS = {"of", "and", "for", "the", "on", "in", "de", "&"}
_OPEN_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Za-z&.]{1,9})\s*\)?$")
_AFTER_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Z&.]{1,9})\s*\)")


@dataclass
class _Raw:
    start: int
    end: int
    text: str
    label: str
    acronym: str | None = None


def find_entities(doc) -> tuple[list[Mention], list[Entity]]:
    """Mentions (with char spans) and the entities they name, in one Doc."""
    text = doc.text  # built from the tokens on every access: once
    ents = [ent for ent in doc.ents if ent.label_ in _LABELS]
    things = _thing_names(ents)
    raws = _fix_labels([raw for ent in ents if _org_name(ent) not in things for raw in _clean(ent, text)])
    entities: dict[str, Entity] = {}
    mentions = []
    keys = {**_people(raws), **_orgs(raws), **_places(raws)}
    for index, raw in enumerate(raws):
        entity = keys.get(index)
        if entity is None:
            continue
        entity = entities.setdefault(entity.key, entity)
        entity.mentions += 1
        if raw.text != entity.name and raw.text not in entity.aliases:
            entity.aliases.append(raw.text)
        mentions.append(Mention(raw.start, raw.end, raw.text, raw.label, entity.key))
    return mentions, sorted(entities.values(), key=lambda e: -e.mentions)


# --------------------------------------------------------------------------
# spans

# Nouns that make the name modifying them a disease, law, product or scheme,
# not an organisation spaCy took it for: "the COVID-19 pandemic", "the Ebola
# outbreak", "the iPhone app", "Social Security numbers". Written from what these words mean, not from data.
_THING_HEADS = {"pandemic", "epidemic", "outbreak", "virus", "vaccine", "vaccines", "vaccination", "variant",
                "infection", "infections", "disease", "lockdown", "lockdowns", "act", "bill", "law", "outbreaks",
                "viruses", "variants", "laws", "bills", "apps", "drugs",
                "amendment", "directive", "app", "smartphone", "software", "drug", "scheme", "number", "numbers"}


def _org_name(ent) -> str | None:
    """An ORG span's name for ``_thing_names`` (None for other labels)."""
    if ent.label_ != "ORG":
        return None
    return normalise_name(without_the(ent.text))


def _thing_names(ents) -> set[str]:
    """"Organisations" that are things: every mention of the name modifies a
    noun like "pandemic" ("COVID-19" in "the COVID-19 pandemic")."""
    uses: dict[str, set[bool]] = {}
    for ent in ents:
        name = _org_name(ent)
        if name is not None:
            head = ent.root.head
            # the head's word, not its tag: the tagger takes "pandemic" for an adverb at times
            thing = ent.root.dep_ in ("compound", "nmod", "amod") and head.i >= ent.end \
                and head.lower_ in _THING_HEADS
            uses.setdefault(name, set()).add(thing)
    return {name for name, kinds in uses.items() if kinds == {True}}


def _clean(ent, text: str) -> list[_Raw]:
    """The span without line-break debris, possessive, leading "the" or a
    dangling "(SCO"; "Xi-Putin" becomes two people."""
    start, end = ent.start_char, ent.end_char
    start, end = _first_line(text, start, end)
    raw = _Raw(start, end, text[start:end], ent.label_)
    _strip_acronym(raw, text)
    _strip_possessive(raw)
    if raw.label != "PERSON":
        _strip_the(raw)
    if raw.label == "PERSON" and "-" in raw.text and " " not in raw.text:
        return _split_hyphenated(raw)
    if raw.label in ("PERSON", "ORG") and not _actor_text(raw, text):
        return []
    # a lower-case "entity" ("mosques") is a tagging slip, not a name
    return [raw] if any(ch.isupper() for ch in raw.text) else []


# Agencies whose names credit a photograph ("David Becker/Getty Images", "Mike
# Stewart AP") or stick to the caption's next word ("Reuters Equifax").
_PHOTO_CREDITS = {"ap", "afp", "reuters", "epa", "getty", "getty images", "associated press", "shutterstock",
                  "alamy", "pa", "bloomberg", "xinhua", "dpa", "anadolu"}


def _actor_text(raw: _Raw, text: str) -> bool:
    """Whether a person or organisation span is a name, not page furniture:
    a photo credit ("David Becker/Getty Images", "Mike Stewart AP") or a
    caption or heading in capitals ("LUXOR HOTEL BROKEN"; a dateline "UNITED
    NATIONS (AP)" stays). A credit glued before a name is cut off ("Reuters Equifax")."""
    words = raw.text.split()
    credit = "/" in raw.text or "/" in (text[raw.end:raw.end + 1], text[max(0, raw.start - 1):raw.start])
    if credit or (len(words) > 1 and words[-1].lower() in _PHOTO_CREDITS):
        return False
    if len(words) > 1 and words[0].lower() in _PHOTO_CREDITS and raw.label == "ORG":
        raw.start += len(words[0]) + 1 + raw.text[len(words[0]) + 1:].find(words[1])
        raw.text = text[raw.start:raw.end]
    half = len(words) // 2
    if len(words) % 2 == 0 and half and words[:half] == words[half:]:  # "Equifax Equifax": a caption beside the text
        _set_end(raw, raw.start + raw.text.rindex(" ".join(words[half:])))
    letters = [w for w in words if w.isalpha()]
    shouted = len(letters) > 1 and all(w.isupper() for w in letters) and max(map(len, letters)) >= 5
    return not shouted or text[raw.end:raw.end + 3].lstrip().startswith("(")


def _first_line(text: str, start: int, end: int) -> tuple[int, int]:
    cut = text.find("\n", start, end)
    return (start, cut) if cut >= 0 else (start, end)


def _strip_acronym(raw: _Raw, text: str) -> None:
    match = _OPEN_ACRONYM.search(raw.text)
    if match:
        raw.acronym = match.group(1).replace(".", "")
        _set_end(raw, raw.start + match.start())
        return
    after = _AFTER_ACRONYM.match(text, raw.end)
    if after:
        raw.acronym = after.group(1).replace(".", "")


def _strip_possessive(raw: _Raw) -> None:
    for ending in ("'s", "’s", "'", "’"):
        if raw.text.endswith(ending) and len(raw.text) > len(ending) + 1:
            _set_end(raw, raw.end - len(ending))
            return


def _strip_the(raw: _Raw) -> None:
    if raw.text[:4].lower() == "the " and len(raw.text) > 4:
        raw.start += 4
        raw.text = raw.text[4:]


def _set_end(raw: _Raw, end: int) -> None:
    raw.text = raw.text[: end - raw.start].rstrip()
    raw.end = raw.start + len(raw.text)


def _split_hyphenated(raw: _Raw) -> list[_Raw]:
    parts, offset = [], raw.start
    for piece in raw.text.split("-"):
        parts.append(_Raw(offset, offset + len(piece), piece, "PERSON"))
        offset += len(piece) + 1
    return [part for part in parts if part.text]


def _fix_labels(raws: list[_Raw]) -> list[_Raw]:
    """A one-word "place" or "organisation" that is a word of a person's full
    name in the same text is that person ("Modi" tagged GPE)."""
    person_words = {word for raw in raws if raw.label == "PERSON" for word in _name_words(raw.text)[1:]}
    person_words |= {_name_words(raw.text)[0] for raw in raws if raw.label == "PERSON" and " " in raw.text}
    for raw in raws:
        if raw.label in ("GPE", "ORG", "NORP") and raw.text.lower() in person_words \
                and gazetteer().country(raw.text) is None:
            raw.label = "PERSON"
    return raws


# --------------------------------------------------------------------------
# people


def _name_words(name: str) -> list[str]:
    words = [w.strip(".,") for w in name.lower().split()]
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    return words


def _people(raws: list[_Raw]) -> dict[int, Entity]:
    """Person mentions to entities: full names first, then short names join
    the nearest earlier full name they fit."""
    full = _full_names([raw.text for raw in raws if raw.label == "PERSON"])
    found, last_seen = {}, {}
    for index, raw in enumerate(raws):
        if raw.label != "PERSON":
            continue
        words = _name_words(raw.text)
        fits = [name for name in full if _fits(words, name)]
        name = max(fits, key=lambda n: last_seen.get(n, -1)) if fits else tuple(words)
        last_seen[name] = index
        found[index] = _person(name, raw.text)
    return found


def _full_names(texts: list[str]) -> list[tuple[str, ...]]:
    """Distinct multi-word names, longest first, without those contained in
    a longer one ("Tayyip Erdogan" in "Recep Tayyip Erdogan"). Ties of length
    in alphabetical order: a set's order changes with each process's string
    hashing, and a batch job analyses in many processes."""
    names = sorted({tuple(_name_words(t)) for t in texts if len(_name_words(t)) > 1}, key=lambda n: (-len(n), n))
    kept: list[tuple[str, ...]] = []
    for name in names:
        if not any(_fits(list(name), longer) for longer in kept):
            kept.append(name)
    return kept


def _fits(words: list[str], name: tuple[str, ...]) -> bool:
    """``words`` is ``name``, a tail of it, or its first or last word."""
    if not words:
        return False
    if len(words) == 1:
        return words[0] in (name[0], name[-1])
    return tuple(words) == name[-len(words):]


def _person(name: tuple[str, ...], surface: str) -> Entity:
    display = " ".join(_display_word(word, surface) for word in name)
    return Entity(key="person:" + " ".join(name), name=display, type="person")


def _display_word(word: str, surface: str) -> str:
    """The word as the text capitalised it, else title case."""
    match = re.search(re.escape(word), surface, re.IGNORECASE)
    return match.group(0) if match else word.capitalize()


# --------------------------------------------------------------------------
# organisations


def _orgs(raws: list[_Raw]) -> dict[int, Entity]:
    long_forms = {}
    for raw in raws:
        if raw.label == "ORG" and len(raw.text.split()) > 1:
            entity = long_forms.setdefault(normalise_name(raw.text), _org(raw.text))
            for acronym in filter(None, (raw.acronym, initials(raw.text))):
                long_forms.setdefault(acronym.lower(), entity)
    found = {}
    for index, raw in enumerate(raws):
        if raw.label == "ORG":
            found[index] = long_forms.get(normalise_name(raw.text)) or _org(raw.text)
    return found


def initials(name: str) -> str | None:
    """"Shanghai Cooperation Organisation" -> "SCO" (None for one word)."""
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _ORG_STOPWORDS]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else None


def _org(text: str) -> Entity:
    name = " ".join(text.split())
    return Entity(key="org:" + normalise_name(name), name=name, type="org")


# --------------------------------------------------------------------------
# places


def _places(raws: list[_Raw]) -> dict[int, Entity]:
    gaz = gazetteer()
    countries = {p.country for raw in raws if raw.label in _PLACE_LABELS and (p := gaz.country(raw.text))}
    found = {}
    for index, raw in enumerate(raws):
        if raw.label not in _PLACE_LABELS:
            continue
        place = gaz.resolve(raw.text, countries)
        if place is None and (normalise_name(raw.text) in _BLOCS or _named_after_place(raw.text, gaz)):
            continue
        found[index] = _place_entity(place, raw)
    return found


# Last words that make "<place> <word>" the name of a document, deal, meeting
# or illness named after the place, not a place: "the Panama Papers", "the
# Minsk agreement", "the Astana talks", "the Wuhan virus".
_NAMED_AFTER = {"papers", "files", "leaks", "documents", "accord", "accords", "agreement", "deal", "talks",
                "summit", "games", "olympics", "protocol", "process", "format", "declaration", "convention",
                "dossier", "report", "virus", "flu", "syndrome", "index", "model", "group", "club"}


def _named_after_place(text: str, gaz) -> bool:
    words = without_the(" ".join(text.split())).split()
    return len(words) > 1 and words[-1].lower() in _NAMED_AFTER and gaz.resolve(" ".join(words[:-1])) is not None


# "The West", "the East" name blocs of states, not places on a map: the
# gazetteer knows no such place, and "thumb their noses at the West" puts no event there.
_BLOCS = {"west", "east", "north", "south", "global south", "global north"}


def _place_entity(place: Place | None, raw: _Raw) -> Entity:
    if place is not None:
        return place.as_entity()
    name = " ".join(raw.text.split())
    if raw.label == "NORP":
        return Entity("group:" + normalise_name(name), name, "group")
    kind = "facility" if raw.label == "FAC" else "place"
    return Entity(f"{kind}:" + normalise_name(name), name, kind)


def place_label(entity: Entity) -> str:
    """"Samarkand, Uzbekistan" for a city; the name alone otherwise."""
    if entity.type in ("city", "state") and entity.country:
        country = gazetteer().country_place(entity.country).name
        return f"{entity.name}, {country}"
    return entity.name


# --------------------------------------------------------------------------
# across articles


def merge_entities(groups: list[list[Entity]]) -> tuple[list[Entity], dict[str, str]]:
    """One entity list for a story from its articles' lists, and the map from
    each article key to its story key ("person:putin" to "person:vladimir
    putin" when another article names him in full)."""
    merged: dict[str, Entity] = {}
    for entity in (e for group in groups for e in group):
        _absorb(merged.setdefault(entity.key, _copy(entity)), entity, same=True)
    remap = {key: _story_key(entity, merged) for key, entity in merged.items()}
    for key, target in remap.items():
        if target != key:
            _absorb(merged[target], merged[key], same=False)
    kept = [e for key, e in merged.items() if remap[key] == key]
    return sorted(kept, key=lambda e: -e.mentions), remap


def _copy(entity: Entity) -> Entity:
    return Entity(entity.key, entity.name, entity.type, [], entity.country, entity.lat, entity.lon, 0)


def _absorb(into: Entity, other: Entity, *, same: bool) -> None:
    into.mentions += other.mentions
    names = other.aliases if same else [other.name, *other.aliases]
    into.aliases.extend(n for n in names if n != into.name and n not in into.aliases)


def _story_key(entity: Entity, merged: dict[str, Entity]) -> str:
    if entity.type == "person":
        words = entity.key.split(":", 1)[1].split()
        fits = [e for e in merged.values() if e.type == "person" and len(e.key.split()) > len(words)
                and _fits(words, tuple(e.key.split(":", 1)[1].split()))]
    elif entity.type == "org" and " " not in entity.name:
        fits = [e for e in merged.values() if e.type == "org" and e.key != entity.key
                and (initials(e.name) == entity.name.upper() or entity.name in e.aliases)]
    else:
        return entity.key
    return max(fits, key=lambda e: e.mentions).key if fits else entity.key
