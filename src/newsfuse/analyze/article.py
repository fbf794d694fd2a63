"""The analysis stage: one spaCy parse per article, every extractor reads it.

``analyze_articles`` takes Articles and yields one ``Analysis`` each:
entities and their mentions, the event's place, time expressions anchored on
the publication date, quotes with resolved speakers, and PLOVER events with
their actors, place and date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..records import Analysis, Article, Entity, Event, Mention, Quote
from .clauses import find_clauses
from .entities import find_entities, place_label
from .events import find_events, mark_references
from .location import pick_location, place_scores
from .nlp import load_nlp
from .places import gazetteer
from .quotes import SPEAKERS_JOINED, find_quotes
from .timex import find_timexes
from .timex_calendar import value_period

# Bumped when an extractor changes what it finds, so stored analyses made by
# an older one can be told apart and redone (`newsfuse analyze --redo`).
# 2: reporting acts dropped, background events marked, "X told Y" a CONSULT; 3: clauses;
# 4: travel without a host no CONSULT, topics no targets, things no actors, speakers only agents;
# 5: a predicative cue's content keeps its "as" phrase ("describing the summit as ..."), reference times marked,
# a country or demonym the tagger missed names its actor ("Turkmen" -> Turkmenistan);
# 6: people hurt in a crash an ACCIDENT, not ASSAULT; captions give no events, nor present-tense general statements;
# 7: a gallery left as one line ("2/8 Police officers ... 3/8 ...") is captions, so gives no events; a caption
# gives no quotes, a pronoun speaks for the person its own sentence names; an event's evidence stays in its paragraph;
# a tram negotiating a bend and a visit to the scene are no CONSULT, a warning of what may happen no THREATEN
ANALYSIS_VERSION = 7


# spaCy parses at most this many characters at a time: it needs about 1 GB of
# memory per 100,000 characters parsed at once, and refuses texts over its
# max_length (1,000,000, error E088). A longer text is parsed in pieces cut at
# whitespace and joined into one Doc (its offsets are the text's own).
PIECE_CHARS = 100_000
# Only this much of one text is analysed (10 pieces, spaCy's own limit); the
# rest of an article this long (a dump, not a report) is left out, and said so.
MAX_ANALYSED_CHARS = 1_000_000


def analyze_articles(articles: Iterable[Article], *, batch_size: int = 16, n_process: int = 1) -> Iterator[Analysis]:
    """One Analysis per article, in order, streaming (one nlp.pipe for the
    whole iterable: with ``n_process`` > 1 the workers start once)."""
    parts: list = []
    nlp = load_nlp()
    for doc, (article, last) in nlp.pipe(_pieces(articles), as_tuples=True, batch_size=batch_size,
                                          n_process=n_process):
        parts.append(doc)
        if last:
            yield _analysis_of_pieces(article, parts)
            parts = []


def _pieces(articles: Iterable[Article]) -> Iterator[tuple[str, tuple[Article, bool]]]:
    for article in articles:
        pieces = split_text(article.text[:MAX_ANALYSED_CHARS], PIECE_CHARS)
        for number, piece in enumerate(pieces, start=1):
            yield piece, (article, number == len(pieces))


def split_text(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, each cut after the
    last whitespace before its end (a hard cut when there is none); joined,
    they are ``text`` again."""
    pieces = []
    while len(text) > size:
        cut = max(text.rfind("\n", 0, size), text.rfind(" ", 0, size)) + 1 or size
        pieces.append(text[:cut])
        text = text[cut:]
    return pieces + [text]


def _analysis_of_pieces(article: Article, docs: list) -> Analysis:
    from spacy.tokens import Doc

    doc = docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)
    analysis = analyze_doc(article, doc)
    if len(article.text) > MAX_ANALYSED_CHARS:
        analysis.errors.append(f"length: only the first {MAX_ANALYSED_CHARS:,} of {len(article.text):,} "
                               "characters were analysed")
    return analysis


def analyze_doc(article: Article, doc) -> Analysis:
    """Every extractor on one parse. An extractor that fails on an odd text
    loses only its own items: the error is kept in ``Analysis.errors`` and
    the rest of the analysis (and the ingest) goes on."""
    errors: list[str] = []
    mentions, entities = _guarded("entities", errors, ([], []), find_entities, doc)
    by_key = {e.key: e for e in entities}
    places = place_scores(article.text, article.sentences, mentions, by_key)
    location = pick_location(places, by_key)
    timexes = _guarded("timex", errors, [], find_timexes, article.text, article.published)
    _guarded("timex", errors, None, mark_references, doc, timexes)
    quotes = _guarded("quotes", errors, [], find_quotes, doc)
    quotes = [_resolve_speaker(q, mentions, by_key) for q in quotes]
    events = _guarded("events", errors, [], find_events, doc, times=timexes, places=_place_names(mentions, by_key))
    here = place_label(location) if location else None
    events = [_name_actors(_default_place(_dated_background(e, article.published), here, article.published),
                           mentions, by_key) for e in events]
    clauses = _guarded("clauses", errors, [], find_clauses, doc)
    return Analysis(article.id, list(by_key.values()), mentions, timexes, quotes, events,
                    places, location.key if location else None, errors, clauses)


def _guarded(name: str, errors: list[str], default, function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except Exception as exc:  # an extractor's bug on one text must not lose the article
        errors.append(f"{name}: {type(exc).__name__}: {exc}")
        return default


# An event with no place in its sentence is placed where the article's event
# happened only if it is dated near it: "the last time they met, on Feb. 24"
# was elsewhere, and an undated "have fought wars" has no place. Days either
# side of publication still count (yesterday's meeting, tomorrow's session).
_SAME_TIME_DAYS = 2


def _default_place(event: Event, place: str | None, published: str | None) -> Event:
    if event.place is None and _near(event.date, published):
        event.place = place
    return event


# An event whose date ended more than this many days before the article was
# published is recalled background ("the invasion on Feb. 24" in a report of
# 15 September), not the news: a report's news is of the last days ("on
# Monday", "last week"), and a week covers a weekly's news too. Not tuned on
# data; the seeds' background events are months old.
BACKGROUND_DAYS = 7


def _dated_background(event: Event, published: str | None) -> Event:
    import datetime as dt

    period = value_period(event.date)
    # a planned or possible event dated in the past has a date that belongs to something else
    if period is None or not published or event.background or event.mode in ("planned", "possible"):
        return event
    try:
        day = dt.date.fromisoformat(published[:10])
    except ValueError:
        return event
    event.background = (day - period[1]).days > BACKGROUND_DAYS
    return event


def _near(value: str | None, published: str | None) -> bool:
    if value is None or published is None:
        return False
    import datetime as dt

    try:
        gap = dt.date.fromisoformat(value[:10]) - dt.date.fromisoformat(published[:10])
    except ValueError:
        return False
    return abs(gap.days) <= _SAME_TIME_DAYS


def _place_names(mentions: list[Mention], entities: dict[str, Entity]) -> list[tuple[int, int, str]]:
    wanted = {"city", "state", "region", "place", "facility", "country", "continent"}
    return [(m.start, m.end, place_label(entities[m.entity])) for m in mentions
            if m.label != "NORP" and entities[m.entity].type in wanted]


def _resolve_speaker(quote: Quote, mentions: list[Mention], entities: dict[str, Entity]) -> Quote:
    """The speaker's entity: the person the extractor resolved the speaker to,
    else the last person named in the source span ("Putin's aide Yuri
    Ushakov" is Ushakov: the head of the phrase comes last). People who
    speak together ("Xi Jinping & Vladimir Putin") are no one entity."""
    if quote.speaker and SPEAKERS_JOINED in quote.speaker:
        return quote
    entity = _person_named(quote.speaker, entities) if quote.speaker else None
    if entity is None and quote.source is not None:
        people = [e for e in _entities_within(quote.source, mentions, entities) if e.type == "person"]
        entity = people[-1] if people else None
    if entity is not None:
        quote.speaker, quote.speaker_entity = entity.name, entity.key
    return quote


# Which entity an actor span like "Chinese President Xi Jinping" names: the
# person before the organisation before the country ("Chinese").
_ACTOR_PRIORITY = {"person": 0, "org": 1, "group": 3}


def _entities_within(span, mentions: list[Mention], entities: dict[str, Entity]) -> list[Entity]:
    """The entities of the mentions inside ``span``, in text order."""
    return [entities[m.entity] for m in mentions if m.start >= span.start and m.end <= span.end]


def _person_named(name: str, entities: dict[str, Entity]) -> Entity | None:
    wanted = name.lower()
    for entity in entities.values():
        if entity.type == "person" and wanted in (entity.name.lower(), *map(str.lower, entity.aliases)):
            return entity
    return None


def _name_actors(event: Event, mentions: list[Mention], entities: dict[str, Entity]) -> Event:
    """Actor names from the entities inside each actor span, where there is one."""
    event.source_names = [_actor_name(s, mentions, entities, n) for s, n in _pairs(event.sources, event.source_names)]
    event.target_names = [_actor_name(s, mentions, entities, n) for s, n in _pairs(event.targets, event.target_names)]
    return event


def _pairs(spans, names):
    names = list(names) + [None] * (len(spans) - len(names))
    return zip(spans, names)


def _actor_name(span, mentions, entities, fallback: str | None) -> str:
    inside = _entities_within(span, mentions, entities)
    if not inside:
        # a country or demonym the entity tagger missed ("Turkmen" in "Kyrgyz, Turkmen and Uzbek leaders")
        country = gazetteer().country(span.text)
        return country.name if country else fallback or span.text
    return min(inside, key=lambda e: _ACTOR_PRIORITY.get(e.type, 2)).name
