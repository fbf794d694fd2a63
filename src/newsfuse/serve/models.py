"""The JSON the API answers with, as pydantic models: they make the OpenAPI
document and check every response against the read functions' shapes.

Every model allows extra fields: a field the library adds later is passed
through (and documented when it is added here), not silently dropped.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# -- errors -------------------------------------------------------------------

class ErrorBody(BaseModel):
    code: str = Field(description="Stable error code: NF1xx input, NF2xx store, NF3xx models, NF4xx request, "
                                  "NF6xx access.")
    message: str
    hint: str | None = Field(None, description="What to do about it.")


class ErrorResponse(BaseModel):
    error: ErrorBody


# -- stories ------------------------------------------------------------------

class KeyName(Open):
    key: str
    name: str


class EntityRef(KeyName):
    type: str | None = None


class ClaimCounts(Open):
    corroborated: int = 0
    single_source: int = 0
    conflicting: int = 0
    updated: int = 0


class StoryItem(Open):
    id: str
    title: str | None
    first_seen: str | None
    last_seen: str | None
    place: KeyName | None = None
    entities: list[EntityRef] = []
    n_articles: int
    n_sources: int
    n_independent: int
    claim_counts: ClaimCounts | None = None
    record_state: str | None = None


class StoryPage(BaseModel):
    items: list[StoryItem]
    next_cursor: str | None = Field(None, description="Pass as ?cursor= for the next page; null on the last.")


class StoryArticle(Open):
    id: str
    external_id: str | None = None
    source: str | None
    title: str | None
    title_derived: bool = Field(False, description="the title was made from the lead: the outlet gave none")
    url: str | None
    urls: list[str] = []
    published: str | None
    published_from: str | None
    language: str | None = None
    near_dup_of: str | None = None
    origin: str | None = None
    n_words: int
    removed_chrome: list[str] = []
    excerpt: str


class Merge(Open):
    from_: str = Field(alias="from")
    into: str
    at: str
    reason: str | None = None


class Evidence(Open):
    article: str | None = None
    outlet: str | None = None
    start: int | None = None
    end: int | None = None


class Claim(Open):
    status: str = Field(description="corroborated, single-source, conflicting or updated")
    attributed: bool = False
    independent_sources: int
    outlets: list[str] = []
    speakers: list[str] = []
    evidence: list[dict[str, Any]] = []


class Sentence(Open):
    """A summary sentence or timeline entry, with the article span it comes from and its citations."""
    text: str
    article: str | None = None
    outlet: str | None = None
    start: int | None = None
    end: int | None = None
    status: str | None = None
    citations: list[dict[str, Any]] = []


class TimelineEntry(Sentence):
    date: str | None = None
    written: str | None = None


class StoryRecord(Open):
    id: str
    requested_id: str = Field(description="The id asked for (a prefix, or a story merged into this one).")
    title: str | None
    title_derived: bool = Field(False, description="the title was made from the lead: the outlet gave none")
    first_seen: str | None
    last_seen: str | None
    n_articles: int
    n_sources: int
    n_independent: int
    outlets: list[str]
    articles: list[StoryArticle]
    analysis: dict[str, Any] | None = Field(None, description="who / where / when / events / quotes")
    not_analysed: dict[str, int] = Field({}, description="articles not analysed, by language: the models read "
                                                          "English only (clustered on their words)")
    record_state: str = Field(description="current, stale or missing")
    record_hint: str | None = None
    claims: list[Claim] | None = None
    disputes: list[dict[str, Any]] = Field([], description="each disputed slot once: slot, status, facts (how many "
                                                           "give it), sides ({value, articles})")
    claim_counts: dict[str, int] | None = None
    summary: list[Sentence] = []
    timeline: list[TimelineEntry] = []
    merge_history: list[Merge] = []


# -- articles and entities ----------------------------------------------------

class ArticleAnalysis(Open):
    who: list[dict[str, Any]] = Field([], description="people and organisations, the most central first")
    entities: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    timexes: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []


class ArticleRecord(Open):
    id: str
    title: str | None
    title_derived: bool = Field(False, description="the title was made from the lead: the outlet gave none")
    text: str
    url: str | None
    urls: list[str] = []
    source: str | None
    published: str | None
    published_from: str | None
    language: str | None = None
    origin: str | None = None
    story_id: str | None
    near_dup_of: str | None = None
    removed: list[str] = []
    sentences: list[list[int]] = Field([], description="[start, end] character offsets into text")
    analysis: ArticleAnalysis | None = None


class EntityItem(Open):
    key: str
    name: str
    type: str | None = None
    n_articles: int
    n_stories: int


class EntityStory(Open):
    id: str
    title: str | None
    first_seen: str | None
    last_seen: str | None
    n_articles_naming: int


class EntityRecord(Open):
    key: str
    name: str
    aliases: list[str] = []
    type: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    n_articles: int
    stories: list[EntityStory] = []
    quotes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []


# -- search and timeline ------------------------------------------------------

class SnippetPart(BaseModel):
    text: str
    hit: bool = Field(description="A matched term: emphasise it (the text is plain, never markup).")


class SearchHit(Open):
    kind: Literal["article", "fact"]
    id: str
    story_id: str | None
    story_title: str | None = None
    title: str | None = None
    snippet: list[SnippetPart]
    score: float
    published: str | None = None


class TimelineItem(Open):
    date: str | None
    kind: Literal["event", "fact"]
    text: str
    type: str | None = None
    story_id: str
    story_title: str | None = None
    evidence: list[dict[str, Any]] = []


# -- writes -------------------------------------------------------------------

class ArticleIn(BaseModel):
    """One article, as a line of a JSON Lines file: ``text`` or ``html``, and optional metadata."""
    model_config = ConfigDict(extra="allow")  # the ingest boundary validates and reports fields, not this
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    id: str | int | None = None


class ItemOutcome(BaseModel):
    index: int = Field(description="Position of the item in the request (0 for a single object).")
    outcome: Literal["ingested", "duplicate", "skipped"]
    article_id: str | None = None
    story_id: str | None = None
    code: str | None = Field(None, description="Why it was skipped (NF1xx).")
    reason: str | None = None


class IngestResult(BaseModel):
    items: list[ItemOutcome]
    stories: list[str] = Field(description="Stories the ingested articles are in now.")
    ingested: int
    duplicates: int
    skipped: int


# -- health -------------------------------------------------------------------

class Health(BaseModel):
    status: Literal["ok"]
    schema_version: int
    articles: int
    stories: int
    records_pending: int
    writes: bool = Field(description="Whether POST /api/articles is enabled (a token is configured).")
