"""Incremental story clustering: each article joins a story or starts one.

Articles arrive one at a time. Each is scored against the live stories
(centroid similarity of its vectors, shared names, closeness in time); it joins
the best story when the score clears ``ClusterOptions.threshold`` and starts a
new story otherwise. A story's id is derived from its first article and never
changes; when a later article shows two stories are one, the younger story is
merged into the older and the merge is recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .embed import unit


@dataclass(frozen=True)
class ClusterOptions:
    threshold: float = 0.60
    # Two live stories both scoring at least this with one article are one
    # story: the article bridges them.
    merge_threshold: float = 0.75
    # Reports this many days apart or more get the full time penalty.
    time_scale_days: float = 7.0
    time_weight: float = 0.10
    name_weight: float = 0.15
    # Names kept per story (the most frequent): bounds the state's size.
    max_names: int = 60


@dataclass
class ArticleFeatures:
    article_id: str
    vector: np.ndarray
    day: int | None = None
    names: Counter = field(default_factory=Counter)
    title: str | None = None
    headline: bool = False  # title is the article's real headline, not its first sentence


@dataclass
class StoryState:
    id: str
    total: np.ndarray
    n: int = 0
    first_day: int | None = None
    last_day: int | None = None
    names: Counter = field(default_factory=Counter)
    title: str | None = None
    headline: bool = False

    @property
    def centroid(self) -> np.ndarray:
        return unit(self.total)

    def to_bytes(self) -> bytes:
        head = {"id": self.id, "n": self.n, "first_day": self.first_day, "last_day": self.last_day,
                "names": dict(self.names), "title": self.title, "headline": self.headline}
        return json.dumps(head).encode() + b"\n" + self.total.astype(np.float32).tobytes()

    @classmethod
    def from_bytes(cls, blob: bytes) -> StoryState:
        head, _, vector = blob.partition(b"\n")
        meta = json.loads(head)
        return cls(meta["id"], np.frombuffer(vector, dtype=np.float32).copy(), meta["n"], meta["first_day"],
                   meta["last_day"], Counter(meta["names"]), meta["title"], meta["headline"])


_NAME = re.compile(r"\b[A-Z][a-zA-Z'’\-]+(?:\s+[A-Z][a-zA-Z'’\-]+)*")
_NOT_NAMES = {"The", "A", "An", "In", "On", "At", "But", "And", "It", "He", "She", "They", "We", "I", "This",
              "That", "His", "Her", "Their", "Our", "As", "For", "If", "When", "While", "After", "Before", "Mr",
              "Mrs", "Ms", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


def proper_names(text: str) -> Counter:
    """Capitalised word runs not at a sentence start: cheap stand-in for NER."""
    names = Counter()
    for match in _NAME.finditer(text):
        name = match.group()
        if name in _NOT_NAMES:
            continue
        names[name.lower()] += 1
    return names


def day_number(iso: str | None) -> int | None:
    return dt.date.fromisoformat(iso[:10]).toordinal() if iso else None


def story_id_for(article_id: str) -> str:
    return "s" + article_id[:11]


def score(article: ArticleFeatures, story: StoryState, options: ClusterOptions) -> float:
    similarity = float(article.vector @ story.centroid)
    return similarity + options.name_weight * name_overlap(article.names, story.names) \
        - options.time_weight * time_gap(article.day, story, options)


def name_overlap(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    shared = set(a) & set(b)
    return len(shared) / min(len(a), len(b))


def time_gap(day: int | None, story: StoryState, options: ClusterOptions) -> float:
    """0 inside the story's date range, rising to 1 at time_scale_days away."""
    if day is None or story.first_day is None:
        return 0.0
    gap = max(story.first_day - day, day - story.last_day, 0)
    return min(gap / options.time_scale_days, 1.0)


def new_story(article: ArticleFeatures) -> StoryState:
    story = StoryState(story_id_for(article.article_id), np.zeros_like(article.vector))
    add_to_story(story, article, max_names=10**9)
    return story


def add_to_story(story: StoryState, article: ArticleFeatures, max_names: int = 60) -> None:
    story.total = story.total + article.vector
    story.n += 1
    if article.day is not None:
        story.first_day = article.day if story.first_day is None else min(story.first_day, article.day)
        story.last_day = article.day if story.last_day is None else max(story.last_day, article.day)
    story.names.update(article.names)
    if len(story.names) > max_names:
        story.names = Counter(dict(story.names.most_common(max_names)))
    if story.title is None or (article.headline and not story.headline):
        story.title, story.headline = article.title, article.headline


def absorb(target: StoryState, other: StoryState) -> None:
    """Fold ``other`` into ``target`` (a merge)."""
    target.total = target.total + other.total
    target.n += other.n
    days = [d for d in (target.first_day, target.last_day, other.first_day, other.last_day) if d is not None]
    target.first_day, target.last_day = (min(days), max(days)) if days else (None, None)
    target.names.update(other.names)
    if other.headline and not target.headline:
        target.title, target.headline = other.title, True


@dataclass
class Assignment:
    story_id: str
    created: bool
    merged: list[str] = field(default_factory=list)


class StoryIndex:
    """The live stories and their scoring. Exact search over all live stories."""

    def __init__(self, options: ClusterOptions = ClusterOptions()):
        self.options = options
        self.stories: dict[str, StoryState] = {}

    def load(self, states) -> None:
        for story_id, blob in states:
            self.stories[story_id] = StoryState.from_bytes(blob)

    def assign(self, article: ArticleFeatures) -> Assignment:
        scored = sorted(((score(article, s, self.options), s.id) for s in self.stories.values()), reverse=True)
        if not scored or scored[0][0] < self.options.threshold:
            story = new_story(article)
            self.stories[story.id] = story
            return Assignment(story.id, created=True)
        bridged = [sid for value, sid in scored if value >= self.options.merge_threshold]
        target_id = self._merge(bridged) if len(bridged) > 1 else scored[0][1]
        add_to_story(self.stories[target_id], article, self.options.max_names)
        return Assignment(target_id, created=False, merged=[s for s in bridged if s != target_id])

    def _merge(self, story_ids: list[str]) -> str:
        """Fold the stories into the largest, the oldest on a tie (the most established id).

        ``self.stories`` keeps creation order, so a lower position is older.
        """
        age = {sid: position for position, sid in enumerate(self.stories)}
        target_id = max(story_ids, key=lambda sid: (self.stories[sid].n, -age[sid]))
        for sid in story_ids:
            if sid != target_id:
                absorb(self.stories[target_id], self.stories.pop(sid))
        return target_id

    def join(self, article: ArticleFeatures, story_id: str) -> Assignment:
        """Add an article to a known story (a syndicated copy joins its original's)."""
        add_to_story(self.stories[story_id], article, self.options.max_names)
        return Assignment(story_id, created=False)

_LEAD_SENTENCES = 3


def window_texts(text: str, words_per_window: int, max_windows: int) -> list[str]:
    words = text.split()
    step = max(words_per_window, 1)
    return [" ".join(words[i:i + step]) for i in range(0, min(len(words), step * max_windows), step)] or [text]


def lead_text(text: str, sentences: list[tuple[int, int]]) -> str:
    spans = sentences[:_LEAD_SENTENCES]
    return text[spans[0][0]:spans[-1][1]] if spans else text[:600]


def display_title(title: str | None, text: str, sentences: list[tuple[int, int]]) -> str:
    """The headline, or the first sentence cut to a headline's length."""
    if title:
        return title
    first = text[sentences[0][0]:sentences[0][1]] if sentences else text
    return first if len(first) <= 100 else first[:97].rsplit(" ", 1)[0] + "…"


def article_features(articles, embedder, *, window_words: int = 180, max_windows: int = 4) -> list[ArticleFeatures]:
    """Vectors (title, lead, body windows, embedded in one batch), names, day."""
    texts, owners = [], []
    for index, article in enumerate(articles):
        parts = ([article.title] if article.title else []) + [lead_text(article.text, article.sentences)]
        parts += window_texts(article.text, window_words, max_windows)
        texts += parts
        owners += [index] * len(parts)
    vectors = embedder.encode(texts)
    owners = np.asarray(owners)
    return [
        ArticleFeatures(article.id, unit(vectors[owners == i].mean(axis=0)), day_number(article.published),
                        proper_names(article.text), display_title(article.title, article.text, article.sentences),
                        headline=bool(article.title))
        for i, article in enumerate(articles)
    ]
