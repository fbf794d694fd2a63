"""The records that flow between stages (see DESIGN.md, "Records").

Records are plain dataclasses: stages take and return them, the store
persists them, and every derived value keeps the article id and character
span it came from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class RawItem:
    """One input before cleaning: where it came from and what it holds.

    ``kind`` is ``"text"`` or ``"html"``; ``meta`` holds whatever the source
    said about the item (title, url, source, published, id).
    """

    origin: str
    kind: str
    content: str
    meta: dict = field(default_factory=dict)


@dataclass
class Skipped:
    """An input that was not ingested, and why."""

    origin: str
    reason: str
    code: str = "NF100"


@dataclass
class Article:
    """One cleaned report.

    ``id`` is a hash of the normalised text, so the same content always gets
    the same id. ``published`` is an ISO date (``YYYY-MM-DD``) or ``None``;
    ``published_from`` says where it came from: ``metadata``, ``html``,
    ``dateline`` or ``None``. ``sentences`` are ``(start, end)`` offsets
    into ``text``.
    """

    id: str
    text: str
    origin: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None
    published_from: str | None = None
    language: str | None = None
    sentences: list[tuple[int, int]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


# A run over a million broken lines must not keep (or store) a million
# reasons: the first this many are listed, all are counted by code; and at
# most SKIPS_LISTED_PER_FILE of one file's lines, so one broken file does not
# hide the reasons of every other.
SKIPS_LISTED = 1000
SKIPS_LISTED_PER_FILE = 20
FILE_END_CODES = {"NF105", "NF106", "NF115"}  # why the rest of a file was not read: always listed


def origin_file(origin: str) -> str:
    """The file an item came from: "data.jsonl:12" is line 12 of data.jsonl."""
    name, _, line = origin.rpartition(":")
    return name if name and line.isdigit() else origin


@dataclass
class IngestReport:
    """What one ingest run did.

    ``skipped`` lists the first ``SKIPS_LISTED`` inputs skipped (add them
    with ``skip``); ``skipped_by_code`` counts all of them.
    """

    ingested: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    skipped_by_code: dict[str, int] = field(default_factory=dict)
    skipped_by_file: dict[str, int] = field(default_factory=dict)  # every file with a skip, and how many
    new_stories: int = 0
    article_ids: list[str] = field(default_factory=list)
    external_ids: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    analysis_errors: list[dict] = field(default_factory=list)
    record_errors: list[dict] = field(default_factory=list)  # stories whose record could not be updated

    def skip(self, item: Skipped) -> None:
        file = origin_file(item.origin)
        self.skipped_by_code[item.code] = self.skipped_by_code.get(item.code, 0) + 1
        self.skipped_by_file[file] = self.skipped_by_file.get(file, 0) + 1
        per_file = self.skipped_by_file[file] <= SKIPS_LISTED_PER_FILE or item.code in FILE_END_CODES
        if len(self.skipped) < SKIPS_LISTED and per_file:
            self.skipped.append(item)

    @property
    def skipped_count(self) -> int:
        return max(sum(self.skipped_by_code.values()), len(self.skipped))

    def as_dict(self) -> dict:
        return {
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
            "new_stories": self.new_stories,
            "skipped": [{"origin": s.origin, "reason": s.reason, "code": s.code} for s in self.skipped],
            "skipped_count": self.skipped_count,
            "skipped_by_code": dict(sorted(self.skipped_by_code.items())),
            "skipped_by_file": {f: n for f, n in self.skipped_by_file.items() if n > SKIPS_LISTED_PER_FILE},
            "seconds": self.seconds,
            "analysis_errors": self.analysis_errors,
            "record_errors": self.record_errors,
        }


@dataclass(frozen=True)
class Span:
    """A piece of an article's text: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass
class TimeRef:
    """A resolved time expression (TIMEX3 style)."""

    start: int
    end: int
    text: str
    type: str  # DATE, TIME, DURATION, SET
    value: str  # TIMEX3 value: 2022-09-15, 2022-W37, P7M, PRESENT_REF, ...
    mod: str | None = None  # START, MID, END, APPROX, LESS_THAN, MORE_THAN, ...
    anchor: str | None = None  # ISO anchor date, when the value was resolved relative to it
    # dates another event the sentence measures from, not the sentence's own
    # ("weeks before Russia invaded Ukraine on Feb. 24", "first talks since 2019")
    reference: bool = False


@dataclass
class Mention:
    """A span naming an entity; ``entity`` is the key of its Entity."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, FAC
    entity: str


@dataclass
class Entity:
    """One real actor, organisation or place, under its canonical name.

    ``key`` is stable across articles (``person:vladimir putin``,
    ``country:RU``, ``place:1114927``) so a story can merge its articles'
    entities. Places carry an ISO country code and, when the gazetteer knows
    them, coordinates.
    """

    key: str
    name: str
    type: str  # person, org, country, place, group
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    mentions: int = 0


@dataclass
class Quote:
    """Who said what. ``speaker`` is the resolved name (an entity's canonical
    name when the text allows), ``source`` the words in the text that name the
    speaker (possibly "he"), ``kind`` direct / indirect / mixed."""

    content: Span
    kind: str
    cue: Span | None = None
    source: Span | None = None
    speaker: str | None = None
    speaker_entity: str | None = None


@dataclass
class Event:
    """Who did what to whom, where and when, typed with PLOVER.

    ``sources`` / ``targets`` are the actor spans in the evidence sentence;
    ``source_names`` / ``target_names`` their canonical names where resolved.
    ``place`` and ``date`` are filled from the article's places and time
    expressions (``date`` is a TIMEX3 value). ``background`` marks a past
    event the article recalls ("the last time they met", "had fought", a
    date well before publication), not the news it reports.
    """

    type: str
    trigger: Span
    sentence: Span
    sources: list[Span] = field(default_factory=list)
    targets: list[Span] = field(default_factory=list)
    source_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    mode: str | None = None
    place: str | None = None
    date: str | None = None
    background: bool = False


@dataclass
class Clause:
    """One fact a sentence states, when the sentence states several
    (``analyze.clauses``): ``kind`` is "clause", "apposition" or "relative"."""

    kind: str
    span: Span


@dataclass
class Analysis:
    """Everything the analysis stage read in one article.

    ``places`` scores each place entity as the scene of the event (see
    ``analyze.location``); ``location`` is the best one's key.
    """

    article_id: str
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    timexes: list[TimeRef] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    places: dict[str, float] = field(default_factory=dict)
    location: str | None = None
    errors: list[str] = field(default_factory=list)  # extractors that failed on this text
    clauses: list[Clause] = field(default_factory=list)  # the fact parts of multi-fact sentences

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Analysis:
        return cls(
            article_id=data["article_id"],
            entities=[Entity(**e) for e in data.get("entities", [])],
            mentions=[Mention(**m) for m in data.get("mentions", [])],
            timexes=[TimeRef(**t) for t in data.get("timexes", [])],
            quotes=[_quote(q) for q in data.get("quotes", [])],
            events=[_event(e) for e in data.get("events", [])],
            places=data.get("places", {}),
            location=data.get("location"),
            errors=data.get("errors", []),
            clauses=[Clause(c["kind"], Span(**c["span"])) for c in data.get("clauses", [])],
        )


def _span(data: dict | None) -> Span | None:
    return Span(**data) if data else None


def _quote(data: dict) -> Quote:
    return Quote(**{**data, "content": _span(data["content"]), "cue": _span(data.get("cue")),
                    "source": _span(data.get("source"))})


def _event(data: dict) -> Event:
    spans = {key: [Span(**s) for s in data.get(key, [])] for key in ("sources", "targets")}
    return Event(**{**data, **spans, "trigger": _span(data["trigger"]), "sentence": _span(data["sentence"])})
