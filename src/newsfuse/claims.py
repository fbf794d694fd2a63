"""Claims: the facts the sentences of one article state, with what they carry.

A claim is one sentence of the article (split again at semicolons, which join
two statements), or one fact of a sentence that states several (its clauses,
and appositions or relative clauses giving a number: ``analyze.clauses``). Headings and captions ("Tight security, empty streets") are
not claims: they restate what the body says; but a headline atop a text that
kept its page's top lines is the outlet's own claim (kind "headline"), and a
date line ("Posted 11/27/2005 7:21 AM") is none. Each claim keeps its evidence
(article, outlet, character span, text) and the values alignment compares:
story-independent entity keys, numbers with the word they count, calendar
dates, places, and whether the outlet states it or only reports someone saying
it ("Ushakov said ..." is attributed to Yuri Ushakov).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .analyze.story import is_speech
from .records import Analysis, Article, Quote, Span

# The kinds of sentence part that become claims of their own (analyze.clauses).
PARTS = ("clause", "apposition", "relative")
PLACE_TYPES = {"city", "state", "region", "place", "facility", "country", "continent"}


@dataclass(frozen=True)
class Quantity:
    """A number in a claim and the word it counts (``slot``: "people" in
    "killed 12 people"; "" when nothing names it)."""

    value: float
    slot: str
    span: Span


@dataclass
class Claim:
    """One fact of one article: a sentence (or semicolon clause), or one
    part of a sentence that states several (``part`` > 0 counts them within
    the sentence, ``kind`` says which: "clause", "apposition", "relative";
    "headline": the text's own headline line).
    ``span`` is always the whole sentence, the evidence a reader is shown;
    ``fact_span`` the words of the part, which alignment compares."""

    article_id: str
    outlet: str  # the article's source, or its id when the outlet is unknown
    span: Span
    entities: list[str] = field(default_factory=list)
    numbers: list[Quantity] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # TIMEX3 calendar values, in text order
    date_texts: list[str] = field(default_factory=list)  # the words each date is written as
    # for each date, whether it dates another event the sentence measures from
    # ("weeks before Russia invaded Ukraine on Feb. 24"): not the fact's date
    date_references: list[bool] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    attributed: bool = False
    speaker: str | None = None
    speaker_entity: str | None = None
    quoted: Span | None = None  # the direct quote's words, when the claim is one
    phrases: list[str] = field(default_factory=list)  # short quoted phrases ("no limits"), normalised
    published: str | None = None
    part: int = 0
    kind: str = "sentence"
    fact_span: Span | None = None  # None: the fact is the whole sentence

    @property
    def key(self) -> tuple[str, int, int, int]:
        return (self.article_id, self.span.start, self.span.end, self.part)

    @property
    def fact(self) -> Span:
        """The words that state this claim's fact."""
        return self.fact_span or self.span

    def as_dict(self) -> dict:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}  # shallow: asdict deep-copies
        data["span"], data["quoted"] = asdict(self.span), asdict(self.quoted) if self.quoted else None
        data["fact_span"] = asdict(self.fact_span) if self.fact_span else None
        data["numbers"] = [{"value": q.value, "slot": q.slot, "span": asdict(q.span)} for q in self.numbers]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Claim:
        quoted = Span(**data["quoted"]) if data.get("quoted") else None
        numbers = [Quantity(q["value"], q["slot"], Span(**q["span"])) for q in data["numbers"]]
        fact = Span(**data["fact_span"]) if data.get("fact_span") else None
        return cls(**{**data, "span": Span(**data["span"]), "numbers": numbers, "quoted": quoted, "fact_span": fact})


def extract_claims(article: Article, analysis: Analysis) -> list[Claim]:
    """The claims of one article, in text order."""
    spans = [s for start, end in article.sentences for s in _clauses(article.text, start, end)]
    headlines = _headlines(spans) if article.title is None else []  # a page's title was taken off its text
    return [claim for span in spans if not _is_stamp(span.text)
            for claim in ([_claim(article, analysis, span, kind="headline")] if span in headlines else
                          [] if _is_heading(span.text) else _sentence_claims(article, analysis, span))]


def _sentence_claims(article: Article, analysis: Analysis, span: Span) -> list[Claim]:
    """The sentence's claims: one per coordinated clause when it has several,
    else the sentence; and one more for each apposition or relative clause
    ("Tara Reid, 33": an age), which the sentence's other facts hide."""
    inside = [c for c in analysis.clauses if span.start <= c.span.start and c.span.end <= span.end and c.kind in PARTS]
    clauses = [c for c in inside if c.kind == "clause"]
    parts = [(c.kind, c.span) for c in clauses] if len(clauses) > 1 else [("sentence", None)]
    # an apposition or relative clause is a fact of its own when it gives a
    # number ("Tara Reid, 33", "Zarand, a town of 15,000"); one that names a
    # role ("Xi, the son of a revolutionary") matched other sentences on the
    # names alone in the seeds and ECB+ stories 7 and 8
    parts += [(c.kind, c.span) for c in inside if c.kind != "clause" and find_quantities(article.text, c.span)]
    return [_claim(article, analysis, span, fact, kind, number) for number, (kind, fact) in enumerate(parts)]


def _clauses(text: str, start: int, end: int) -> list[Span]:
    pieces, at = [], start
    for match in re.finditer(r";\s+", text[start:end]):
        pieces.append((at, start + match.start()))
        at = start + match.end()
    pieces.append((at, end))
    return [_trimmed(text, a, b) for a, b in pieces if text[a:b].strip()]


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


# A heading has no closing punctuation and few words; a sentence broken by a
# line wrap ("... mutually beneficial\ncooperation ...") is longer than this.
_HEADING_WORDS = 7


def _is_heading(text: str) -> bool:
    return not _ends_sentence(text) and len(text.split()) < _HEADING_WORDS


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?…”\"’']\s*$", text))


# A text without a title that keeps its page's top lines (a plain-text copy:
# URL, headline, deck, date line) opens with its headline before the first
# sentence; this many lines are looked at. A headline is the outlet's own
# claim ("Ten dead in southern Iran quake"); a section heading further down is
# not. A page with a title had it taken off: its top lines are chrome or a
# byline ("Media playback is unsupported on your device", "Daksha Rangan,
# CTVNews.ca" in news_cluster).
_TOP_LINES = 4
# A headline states something: a few words that are not a date line or a URL.
_HEADLINE_WORDS = 3


def _headlines(spans: list[Span]) -> list[Span]:
    """The headline lines at the top of the text, before its first sentence."""
    found = []
    for span in spans[:_TOP_LINES]:
        if _ends_sentence(span.text):
            break
        if len(re.findall(r"[A-Za-z]{2,}", span.text)) >= _HEADLINE_WORDS and not _URL.search(span.text) \
                and not _is_stamp(span.text):
            found.append(span)
    return found


_URL = re.compile(r"://|^www\.|\.(?:html?|php|stm|aspx?)\b", re.I)
# A date line states no fact ("Last Updated: Monday, 28 November 2005, 02:24
# GMT", "Posted 11 / 27 / 2005 7:21 AM", "on September 14, 2013 11:41am |
# Updated on ..."): every word in it is a date's, a clock's or one of these.
_STAMP_WORDS = frozenset("""last updated update posted published modified created on at by am pm gmt utc est edt
cet bst et pt pst pdt ist jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june
july august september october november december monday tuesday wednesday thursday friday saturday sunday mon tue
tues wed thu thur thurs fri sat sun""".split())


def _is_stamp(text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    return bool(re.search(r"\d", text)) and all(w in _STAMP_WORDS for w in words)


def _claim(article: Article, analysis: Analysis, span: Span, fact_span: Span | None = None,
           kind: str = "sentence", part: int = 0) -> Claim:
    """One claim; its values (entities, numbers, dates, places, people) are
    read from the fact's words, its attribution from the whole sentence."""
    fact = fact_span or span
    entities = {e.key: e for e in analysis.entities}
    inside = [m.entity for m in analysis.mentions if fact.start <= m.start and m.end <= fact.end]
    keys = list(dict.fromkeys(inside))
    dated = _calendar_timexes(analysis, fact)
    claim = Claim(article.id, article.source or article.id, span, keys,
                  find_quantities(article.text, fact, _timex_spans(analysis, fact)),
                  [t.value for t in dated],
                  places=[k for k in keys if k in entities and entities[k].type in PLACE_TYPES],
                  persons=[k for k in keys if k in entities and entities[k].type == "person"],
                  published=article.published, part=part, kind=kind, fact_span=fact_span)
    claim.phrases = quoted_phrases(fact.text)
    claim.date_texts, claim.date_references = [t.text for t in dated], [t.reference for t in dated]
    _attribute(claim, analysis.quotes)
    return claim


# A phrase in quotation marks that two outlets share ("no limits", "no-limits")
# is the same words taken from one source; long quotes are compared by meaning.
_PHRASE = re.compile(r"[“\"‘']([^“”\"‘’']{3,60})[”\"’']")
_PHRASE_WORDS = 6


def quoted_phrases(text: str) -> list[str]:
    found = (re.sub(r"[\W_]+", " ", m.group(1)).strip().lower() for m in _PHRASE.finditer(text))
    return [p for p in found if p and len(p.split()) <= _PHRASE_WORDS]


def _timex_spans(analysis: Analysis, span: Span) -> list[tuple[int, int]]:
    return [(t.start, t.end) for t in analysis.timexes if span.start <= t.start < span.end]


_CALENDAR = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _calendar_timexes(analysis: Analysis, span: Span) -> list:
    return sorted((t for t in analysis.timexes if span.start <= t.start < span.end and t.type in ("DATE", "TIME")
                   and _CALENDAR.match(t.value[:10])), key=lambda t: t.start)


# ---- attribution -------------------------------------------------------------

# A quote attributes a claim when the quote (its words, cue and speaker)
# covers most of the claim: "Putin said a delegation of 80 companies would
# visit" is Putin's; a sentence that merely contains a short quoted phrase
# ("they declared a 'no limits' partnership") is still the outlet's.
_QUOTE_COVER = 0.6


def _attribute(claim: Claim, quotes: list[Quote]) -> None:
    best = max((q for q in quotes if is_speech(q)), key=lambda q: _cover(q, claim.span), default=None)
    if best is None or _cover(best, claim.span) < _QUOTE_COVER * len(claim.span.text):
        return
    claim.attributed = True
    # The quote's resolved speaker only: its raw source words may be an
    # unresolved pronoun or a thing ("they", "a schedule"), no one's words.
    claim.speaker = best.speaker
    claim.speaker_entity = best.speaker_entity
    fact = claim.fact
    start, end = max(best.content.start, fact.start), min(best.content.end, fact.end)
    if best.kind == "direct" and start < end:
        claim.quoted = Span(start, end, fact.text[start - fact.start:end - fact.start])


def _cover(quote: Quote, span: Span) -> int:
    if _overlap(quote.content, span) == 0:
        return 0
    return sum(_overlap(part, span) for part in (quote.content, quote.cue, quote.source) if part is not None)


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


# ---- numbers -----------------------------------------------------------------

_WORDS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
               "ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 200,
               "thousand": 1000, "thousands": 2000, "million": 1e6, "billion": 1e9})
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9}
_NUMBER = re.compile(r"(?<![\w-])(\d[\d,]*(?:\.\d+)?|" + "|".join(sorted(_WORDS, key=len, reverse=True))
                     + r")(?:\s+(hundred|thousand|million|billion))?(?![\w-]*\d)\b", re.IGNORECASE)
# Words that end the noun phrase a number counts ("80 large Russian companies would ...").
_STOP = {"of", "and", "or", "but", "in", "on", "at", "to", "from", "for", "with", "by", "as", "who", "that",
         "which", "would", "will", "could", "can", "may", "might", "should", "was", "were", "is", "are",
         "be", "been", "being", "has", "have", "had", "said", "says", "after", "before", "since", "than"}


def find_quantities(text: str, span: Span, skip: list[tuple[int, int]] = ()) -> list[Quantity]:
    """Numbers in ``span`` (digits or words) with the noun they count; numbers
    inside time expressions (``skip``) or names ("COVID-19") are left out."""
    found = []
    for match in _NUMBER.finditer(text, span.start, span.end):
        if any(a <= match.start() < b for a, b in skip) or text[match.end():match.end() + 1] == "-":
            continue
        value = _value(match.group(1), match.group(2))
        if value is not None:
            found.append(Quantity(value, _counted_noun(text, match.end(), span.end),
                                  Span(match.start(), match.end(), match.group(0))))
    return found


def _value(number: str, scale: str | None) -> float | None:
    word = number.lower()
    try:
        value = float(_WORDS[word]) if word in _WORDS else float(number.replace(",", ""))
    except ValueError:
        return None
    return value * _SCALE[scale.lower()] if scale else value


def _counted_noun(text: str, at: int, end: int) -> str:
    """The last word of the phrase after a number, singular, lower case:
    "four Central Asian states" -> "state"; "at least 12 people" -> "people"."""
    words = re.findall(r"[A-Za-z’']+|[^\sA-Za-z]", text[at:end])[:6]
    if words[:1] == ["of"]:  # "four of Central Asian states"
        words = words[1:]
    head = ""
    for word in words[:4]:
        if not word[0].isalpha() or word.lower() in _STOP:
            break
        head = word.lower()
    return _singular(head)


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word
