"""What a sentence says a quantity is: a slot (what is counted or measured)
and an interval of values.

Reports of one event give its figures in many forms: "at least 10", "about
50", "as many as 80", "between 10 and 15", "4 seriously and 20 slightly
injured", "1,500 kilometers" and "940 miles". Each becomes an interval in one
unit, so two figures are compared by whether their intervals overlap: "at
least 50" and "80" agree, "about 50" and "80" do not.

The slot comes from the words around the number: a tally of people (killed,
injured, missing, arrested, evacuated, protesters), a measure (magnitude,
population, distance to a named place), or the plural noun counted ("seven
villages", "three strong aftershocks"). A number with no telling word around
it has no slot and is never compared. A scope that is not the story's own
(another year, "another 20,000", "two more") is kept apart or left out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["Measure", "measures", "overlaps"]


@dataclass(frozen=True)
class Measure:
    """A quantity a sentence states: ``slot`` with a value in [low, high]."""

    slot: str
    low: float
    high: float
    text: str  # the words it is written as
    scope: str = ""  # "" = the story's own event; else e.g. "year:2003"
    rise: bool = False  # written as a rise ("rose to 10"): a revision of an earlier figure
    category: bool = False  # a named value (a colour, a cause of death): low = high = its number in its list
    total: bool = False  # the sum of the sentence's parts ("4 seriously and 20 slightly injured")


_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
               "a dozen": 12})
_SCALE = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_NUMBER = re.compile(r"(?<![\w.,$£€:])(?<![\d.]-)(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
                     + "|".join(sorted(_WORDS, key=len, reverse=True))
                     + r")(?:\s+(hundred|thousand|million|billion))?(?![\w]|[.,:]\d|-\d)", re.IGNORECASE)

# Qualifiers just before a number, and the interval they make of it. "As many
# as" is read as "about": reporters write it for a figure given, not a cap.
_ABOUT = 0.1  # "about 50" is 45-55: two reports 10 % apart are one estimate
_QUALIFIERS = [
    ("at least|more than|over|upwards of|in excess of|not less than|no fewer than", lambda v: (v, math.inf)),
    ("up to|at most|no more than|fewer than|less than|under", lambda v: (0.0, v)),
    ("nearly|almost|close to", lambda v: (v * (1 - _ABOUT), v)),
    ("about|around|approximately|roughly|some|an estimated|an approximate|approximate|"
     "estimated|as many as|as much as|as high as|some", lambda v: (v * (1 - _ABOUT), v * (1 + _ABOUT))),
]
_BEFORE = [(re.compile(rf"\b(?:{words})\s+$", re.I), make) for words, make in _QUALIFIERS]
_AFTER_MORE = re.compile(r"^\s*(?:or more|\+|-plus|plus)\b", re.I)
_RANGE = re.compile(r"^\s*(?:to|-|–|and|or)\s*$", re.I)
# "another 20,000", "two more", "20 others": a part added to a figure given
# elsewhere, not the figure itself.
_PART_BEFORE = re.compile(r"\b(?:another|a further|an additional|other)\s+$", re.I)
_PART_AFTER = re.compile(r"^\s*(?:more|others|other|additional|further)\b", re.I)
# "two women and one man died": a breakdown of the tally by who they were.
_BREAKDOWN = re.compile(r"^\s*(?:women|men|woman|man|children|child|boys|boy|girls|girl|adults|teenagers)\b", re.I)
# "four people with serious injuries", "two suffered minor injuries": a part of the injured.
_SEVERITY = re.compile(r"\b(?:(serious(?:ly)?|critical(?:ly)?|severe(?:ly)?)|minor|slight(?:ly)?|light(?:ly)?|"
                       r"walking wounded)\b", re.I)

# Tallies of people, by the words that name them around the number.
_TALLY = [
    ("killed", re.compile(r"^(?:kill|dead|death|die|died|dying|toll|fatalit|lives|bodies|perish|suffocat|"
                          r"burnt|burned|drown|murder|slain)", re.I)),
    ("injured", re.compile(r"^(?:injur|wound|hurt|hospital)", re.I)),
    ("missing", re.compile(r"^missing", re.I)),
    ("arrested", re.compile(r"^(?:arrest|detain|nabbed|captured)", re.I)),
    ("evacuated", re.compile(r"^evacua", re.I)),
    ("protesters", re.compile(r"^(?:protest|march|demonstrat|rall|streets)", re.I)),
    ("population", re.compile(r"^(?:population|residents|inhabitants|populat)", re.I)),
    ("magnitude", re.compile(r"^(?:magnitude|richter)", re.I)),
]
_TALLY_WINDOW = 6  # words either side: "killing at least 10 people", "10 people were killed"
# Units of one quantity, as factors to the first.
_UNITS = {"km": ("distance", 1.0), "kms": ("distance", 1.0), "kilometers": ("distance", 1.0),
          "kilometres": ("distance", 1.0), "kilometer": ("distance", 1.0), "kilometre": ("distance", 1.0),
          "miles": ("distance", 1.609344), "mile": ("distance", 1.609344), "mi": ("distance", 1.609344)}
# A converted figure is rounded by whoever converted it: 940 miles is 1,513 km.
_CONVERTED = 0.03
# Nouns that count time, money, shares or ordinary things of any story: a
# different count of them is not a disagreement about the event.
_NOT_SLOTS = set("""year years month months week weeks day days hour hours minute minutes second seconds time times
percent per cent point points people person man men woman women child children others other dollar dollars
euro euros pound pounds cent cents yuan rupee rupees degree degrees round rounds inch inches foot feet meter meters
metre metres square acre acres page pages word words thing things way ways part parts member members th st nd rd
am pm p m a workers employees soldiers officers policemen civilians students passengers victims pirates crew
crewmen tourists women men children adults""".split())
# "A magnitude 6 quake can cause severe damage": a general statement, not this event's figure.
_GENERIC = re.compile(r"\b(?:can|could|would|might)\s+(?:cause|be|kill|reach)\b", re.I)
_MODEL = re.compile(r"\b[A-Z]{2,}[\s-]$")  # "AK 47", "AK-47", "COVID-19": part of a name
# "in 2003", "since February 2005", "between March 2015 and ..." (not "a 2013 Toyota", a model year)
_YEAR = re.compile(r"\b(?:in|since|during|of|until|between|from)\s+(?:(?:early|late|mid)[\s-]+)?"
                   r"(?:[A-Z][a-z]+\.?\s+)?(?:\d{1,2},?\s+)?(1[89]\d\d|20\d\d)\b")


def measures(text: str) -> list[Measure]:
    """The quantities ``text`` (one sentence) states, with sums of parts."""
    found, parts = [], {}
    scope = _scope(text)
    if _GENERIC.search(text):
        return []
    top_of_range = -1
    for match in _NUMBER.finditer(text):
        if match.start() <= top_of_range:  # "15" of "10 to 15" is the range's top, read with it
            continue
        upper = _upper(text[:match.start()], text[match.end():])
        top_of_range = match.end() + upper.end() if upper else -1
        value = _value(match)
        if value is None or _is_year(match, value) or _MODEL.search(text[:match.start()]) or \
                _not_a_count(text, match) or _is_time(text, match):
            continue
        measure, part = _measure(text, match, value, scope)
        if measure is None:
            continue
        (parts.setdefault(measure.slot, []) if part else found).append(measure)
    return found + _sums(found, parts) + _categories(text, scope)


# Named values of a slot, each a list of the words for one value. A vehicle's
# colour ("a silver Toyota Camry" / "a gray 2013 Toyota Camry"); how people
# died, when the sentence says they died.
_COLOURS = [["silver"], ["grey", "gray"], ["black"], ["white"], ["red"], ["blue"], ["green"], ["yellow"],
            ["brown"], ["gold"], ["beige", "tan"], ["maroon"], ["orange"], ["purple"]]
_COLOUR = re.compile(r"\b(" + "|".join(w for ws in _COLOURS for w in ws) + r")\s+(?:\d{4}\s+)?"
                     r"(?:car|sedan|suv|van|truck|pickup|vehicle|motorcycle|bus|jeep|minivan|taxi|cab|"
                     r"[A-Z][a-z]+)\b")
_CAUSES = [("burnt", re.compile(r"\b(?:burn(?:ed|t)? (?:to death|alive)|burn(?:ed|t)? to death)\b", re.I)),
           ("smoke", re.compile(r"\b(?:suffocat\w*|asphyxia\w*|choked on smoke|smoke inhalation)\b", re.I)),
           ("shot", re.compile(r"\b(?:shot dead|shot and killed|shot to death|gunshot wounds?)\b", re.I)),
           ("stabbed", re.compile(r"\b(?:stabbed to death|stab wounds)\b", re.I)),
           ("drowned", re.compile(r"\bdrown(?:ed|ing)\b", re.I))]


def _categories(text: str, scope: str) -> list[Measure]:
    found = []
    for match in _COLOUR.finditer(text):
        index = next(i for i, words in enumerate(_COLOURS) if match.group(1) in words)
        found.append(Measure("colour:vehicle", index, index, match.group(0), scope, category=True))
    for index, (name, pattern) in enumerate(_CAUSES):
        match = pattern.search(text)
        if match:
            found.append(Measure("cause:death", index, index, match.group(0), scope, category=True))
    return found


def overlaps(a: Measure, b: Measure) -> bool:
    """Whether two figures of one slot can both be true."""
    return a.low <= b.high and b.low <= a.high


def _value(match: re.Match) -> float | None:
    word = match.group(1).lower()
    try:
        value = float(_WORDS[word]) if word in _WORDS else float(word.replace(",", ""))
    except ValueError:
        return None
    return value * _SCALE[match.group(2).lower()] if match.group(2) else value


def _not_a_count(text: str, match: re.Match) -> bool:
    """"no one was injured", "one thing": "one" counts only a person or a tally word right after it."""
    if re.search(r"\bno\s+$", text[max(0, match.start() - 4):match.start()], re.I):
        return True
    return match.group(1).lower() == "one" and not re.match(
        r"\s+(?:person|man|woman|child|boy|girl|people|dead|killed|injured|died|was)\b", text[match.end():], re.I)


def _is_year(match: re.Match, value: float) -> bool:
    return value.is_integer() and 1800 <= value <= 2100 and "," not in match.group(1)


_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_MONTH_BEFORE = re.compile(rf"\b{_MONTHS}\s+$")
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b")
# "eight days ago", "two weeks after": a span of time, whatever tally word is near
_TIME_SPAN = re.compile(r"^\s+(?:days?|weeks?|months?|years?|hours?|minutes?|decades?)\b", re.I)


def _is_time(text: str, match: re.Match) -> bool:
    """A day of a month ("the December 6 killing", "killed on 6 December") or
    a span of time ("killed eight days ago"): not a count of anything."""
    before, after = text[max(0, match.start() - 12):match.start()], text[match.end():match.end() + 20]
    return bool(_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after) or _TIME_SPAN.match(after))


def _measure(text: str, match: re.Match, value: float, scope: str) -> tuple[Measure | None, bool]:
    before, after = text[:match.start()], text[match.end():]
    low, high = _interval(before, after, value)
    upper = _upper(before, after)
    slot, factor = _slot(before, after[upper.end():] if upper else after)  # "10 to 15 people": read after 15
    if slot is None:
        return None, False
    part = bool(_PART_BEFORE.search(before) or _PART_AFTER.match(after) or _BREAKDOWN.match(after))
    severity = _SEVERITY.search(before[-20:] + " " + after[:50]) if slot == "injured" else None
    if severity:  # the seriously hurt and the walking wounded are two counts, in any scope
        scope = "/".join(filter(None, [scope, "severity:" + ("serious" if severity.group(1) else "minor")]))
    tolerance = _CONVERTED if factor != 1.0 else 0.0
    low, high = low * factor * (1 - tolerance), high * factor * (1 + tolerance)
    rise = bool(re.search(r"\b(?:rose|rises|risen|climbed|climbs|jumped|increased|reached)\s+(?:to\s+)?$",
                          before[-40:], re.I))
    return Measure(slot, low, high, _written(text, match, upper), scope, rise), part


# The words that qualify a figure, as a reader is shown it: the qualifier
# before ("more than 50"), a range's start ("between 10 and 15").
_QUALIFIED = re.compile(r"\b(?:" + "|".join(words for words, _ in _QUALIFIERS) + r"|between)\s+$", re.I)


def _written(text: str, match: re.Match, upper: re.Match | None) -> str:
    """The figure as the sentence writes it: "more than 50", "10 to 15",
    "between 10 and 15", "50 or more" (a reader told "50" against "51" sees
    a conflict the qualifier takes away)."""
    before, after = text[:match.start()], text[match.end():]
    qualifier = _QUALIFIED.search(before[-30:])
    start = match.start() - (len(before[-30:]) - qualifier.start()) if qualifier else match.start()
    more = _AFTER_MORE.match(after)
    end = match.end() + (upper.end() if upper else more.end() if more else 0)
    return text[start:match.start()].lower() + text[match.start():end]  # "At least 40" and "at least 40": one value


def _interval(before: str, after: str, value: float) -> tuple[float, float]:
    tail = before[-30:]
    for pattern, make in _BEFORE:
        if pattern.search(tail):
            return make(value)
    if _AFTER_MORE.match(after):
        return value, math.inf
    upper = _upper(before, after)
    if upper and float(upper.group(1).replace(",", "")) > value:
        return value, float(upper.group(1).replace(",", ""))
    return value, value


def _upper(before: str, after: str) -> re.Match | None:
    """The top of a range: "10 to 15", "10-15", "between 10 and 15"."""
    joined = r"(?:to|-|–|and)" if re.search(r"\bbetween\s+$", before[-12:], re.I) else r"(?:to|-|–)"
    return re.match(r"^\s*" + joined + r"\s*(\d[\d,]*(?:\.\d+)?)\b", after)


def _slot(before: str, after: str) -> tuple[str | None, float]:
    """What the number counts or measures, and the factor to the slot's unit.
    First a unit ("1,500 kilometers south of Tehran"), then a tally verb
    right before ("killing at least 10"), a noun counted right after ("seven
    villages"), a tally word after ("10 people were killed"), one before."""
    after_words = re.findall(r"[A-Za-z]+", re.split(r"[;,.:()]|\d", after, maxsplit=1)[0])
    before_words = re.findall(r"[A-Za-z]+", re.split(r"[;,.:()]|\d", before)[-1])
    if re.match(r"^-[A-Za-z]", after):  # "24-hour", "40-year-old": a compound, not a count
        return _compound(after_words[:1]), 1.0
    if after_words and after_words[0].lower() in _UNITS:
        return _distance(after, after_words[0].lower())
    if re.match(r"^[\s-]*(?:square|sq|percent|per cent|%)|^\s+of\b", after, re.I):  # "one of the", "30 of the 80"
        return None, 1.0
    words = [w for w in before_words if w.lower() not in _QUALIFIER_WORDS]
    if re.search(r"\bhome to\s+(?:\w+\s+){0,2}$", before, re.I):  # "home to 120,000 people"
        return "population", 1.0
    tally = _counted(after) or _tally(words[-1:]) or _tally(_own_clause(after_words)[:_TALLY_WINDOW]) or \
        _tally(list(reversed(_clause_before(before_words)[-_TALLY_WINDOW:])))
    return tally, 1.0


_CONJUNCTIONS = frozenset(("and", "or", "but", "while"))  # what opens another clause of one sentence


def _own_clause(words: list[str]) -> list[str]:
    """The words after a number up to a conjunction that opens another
    tally's clause: "trapping five people and injuring another 40" does not
    say five were injured ("two women and one man died" reads on)."""
    for i, word in enumerate(words[:-1]):
        if word.lower() in _CONJUNCTIONS and _tally(words[i + 1:i + 2]):
            return words[:i]
    return words


def _clause_before(words: list[str]) -> list[str]:
    """The words before a number back to a conjunction: in "40 people were
    injured and five trapped", five were trapped, not injured."""
    for i in range(len(words) - 1, -1, -1):
        if words[i].lower() in _CONJUNCTIONS:
            return words[i + 1:]
    return words


_QUALIFIER_WORDS = set("at least more than over up to about around approximately roughly some nearly almost an a "
                       "estimated approximate as many much high total of".split())


def _compound(words: list[str]) -> str | None:
    return "magnitude" if words and words[0].lower() == "magnitude" else None


def _distance(after: str, unit: str) -> tuple[str | None, float]:
    kind, factor = _UNITS[unit]
    if re.match(r"^[\s-]*(?:square|sq)\b", after, re.I):
        return None, 1.0
    place = re.match(r"^\W*\w+\s+(?:\([^)]*\)\s+)?(?:\w+\s+)?(?:of|from)\s+([A-Z]\w+)", after)
    return (f"{kind}:{place.group(1).lower()}" if place else None), factor


def _tally(words: list[str]) -> str | None:
    """The first word (nearest the number) that names a tally."""
    for word in words:
        for slot, pattern in _TALLY:
            if pattern.match(word):
                return slot
    return None


def _counted(after: str) -> str | None:
    """A plural noun right after the number (up to two words between, model
    names skipped): "seven villages", "three strong aftershocks", "six AK 47
    rifles"; ordinary nouns (time, money, people) are no slot."""
    words = [w for w in re.findall(r"[A-Za-z]+|[^\sA-Za-z]", after)[:5] if not re.fullmatch(r"[A-Z]{2,}|-|\d+", w)]
    for word in words[:3]:
        if not word.isalpha() or word.lower() in _STOP:
            return None
        noun = word.lower()
        if noun.startswith("hospital"):  # "taken to two hospitals": a count of hospitals, not of the injured
            return "count:hospital"
        if noun.endswith("s") and len(noun) > 3 and not noun.endswith("ss"):
            return None if noun in _NOT_SLOTS else _tally([noun]) or "count:" + (
                noun[:-3] + "y" if noun.endswith("ies") else noun[:-1])
    return None


_STOP = {"of", "and", "or", "in", "on", "at", "to", "from", "for", "with", "by", "as", "who", "that", "which",
         "was", "were", "is", "are", "had", "has", "have", "said", "years", "year"}


_ADDED = {"killed", "injured", "missing", "arrested"}
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# "in February" with no day, "in 2003", "last year": another occasion (the
# story's own event is dated by weekday or day). "So far", "to date": a total
# over several occasions. "In Heraklion, 10,000 marched": another place.
_PAST = re.compile(r"\b(?:in|since|during)\s+(?:(?:early|late|mid)[\s-])?(" + _MONTHS + r")\b(?!\s+\d)|"
                   r"\blast\s+(year|month|decade)\b|\b(previous|former|earlier)\s+(?:quake|earthquake|attack|record)",
                   re.I)
_TOTAL = re.compile(r"\b(?:so far|to date|altogether|in all|all told|career|overall)\b", re.I)
_PLACE = re.compile(r"^(?:In|At)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?),")
# "St George's Hospital said it was treating 20 people", "31 to Croydon
# University Hospital": one hospital's count is a part of the toll, not the toll.
_HOSPITAL = re.compile(r"\b(?!(?:The|A|An|This|That|Its|Their)\b)(?:[A-Z][\w’']*\s+){1,3}"
                       r"(?:[Uu]niversity\s+|[Gg]eneral\s+)?[Hh]ospitals?\b")


def _scope(text: str) -> str:
    """Where the sentence's figures belong: "" for the story's own event; a
    year, a past month, a total, one named hospital, or another place keep
    them apart (the 2003 Bam quake's toll is not this quake's)."""
    years, past, place = _YEAR.findall(text), _PAST.search(text), _PLACE.match(text)
    if years:
        return f"year:{years[0]}"
    if past:
        return "past:" + next(g for g in past.groups() if g).lower()
    if _TOTAL.search(text):
        return "total"
    hospital = _HOSPITAL.search(text)
    if hospital:  # each its own: 16 at St George's and 31 at Croydon University are no two readings of one count
        return "hospital:" + " ".join(hospital.group(0).lower().split())
    return f"place:{place.group(1).lower()}" if place else ""


def _sums(found: list[Measure], parts: dict[str, list[Measure]]) -> list[Measure]:
    """"4 seriously and 20 slightly injured" = 24: a figure plus the parts
    added to it in the same sentence ("20 others"); "two women and one man
    died" = 3: tallies of one slot in one sentence, added up."""
    sums = []
    for slot, added in list(parts.items()):
        if not any(m.slot == slot for m in found) and len(added) > 1:  # "two women and one man"
            found = found + [added[0]]
            parts[slot] = added[1:]
    for slot in {m.slot for m in found if m.slot in _ADDED} - set(parts):
        same = [m for m in found if m.slot == slot and m.high < math.inf]
        if len(same) > 1:
            sums.append(Measure(slot, sum(m.low for m in same), sum(m.high for m in same),
                                " + ".join(m.text for m in same), same[0].scope, total=True))
    for slot, added in parts.items():
        base = [m for m in found if m.slot == slot]
        if len(base) == 1:
            first = base[0]
            low = first.low + sum(m.low for m in added)
            high = first.high + sum(m.high for m in added)
            sums.append(Measure(slot, low, high, " + ".join([first.text] + [m.text for m in added]),
                                re.sub(r"/?severity:\w+$", "", first.scope), total=True))
    return sums
