"""The story record's built part: the claims table, the cited summary and the
timeline, stored per story and kept current as the story grows.

When a story gains articles, only the new articles' claims are aligned
against the story's facts (align.StoryAlignment); the record remembers what
it was built from (each article's id, copy link, analysis and claims
versions, in stored order). If that is a prefix of what the story holds now,
the new articles are folded in; otherwise (a merge, a re-analysis, a new
``RECORD_VERSION``) the record is built again from the start, by the same
fold. Building never encodes: claims and their vectors were stored with each
article when it was processed.

Reading (``stored_sections``) never builds: it returns what is stored, and
says whether it is current, stale or missing.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections import Counter, OrderedDict
from dataclasses import dataclass

import numpy as np

from .align import ArticleClaims, StoryAlignment
from .claim_vectors import ClaimVectors
from .claims import Claim
from .store import Store

# Bump when the record's content or the way it is built changes: stored
# records of an older version are rebuilt by ingest, `analyze` and `build`.
RECORD_VERSION = 11  # 11: no gazetteer town among who; a headline and a lead claim of its article may be one fact, a dispute shown nowhere shows in a fact half made of its sides, a gallery left as one line is captions, a tally read before a number stops at a conjunction, a day of a month or a span of time is no count; 10: pair weights fitted on 14 stories (three more written blind), a headline is no lead claim for the pair score, a disputed figure shown with its qualifier ("more than 50"), each named hospital its own scope; 9: story events: an accident's reports are one (by date and place), so are nameless reports of one type and actors; a summary sentence closes the quotes it opens (summary.quotes_balanced), of a fact's lead sentences the one sharing most with the others stands for it (summary._shared); 8: a headline is no lead sentence and no summary sentence (summary.lead_keys), a strong link between facts sharing a third article kept as a pair fact; 7: a "slot" pair feature (both give a figure of one named slot), weights refitted, people keyed by surname without suffix; a summary sentence cites only articles carrying its quoted words (summary.carries_quotes), no captions in summary or timeline, a thing quoted as a source is shown as written; 6: direct quotes of different speakers never one fact (align.QUOTE_PENALTY); 5: pair scores from fitted weights (align.PAIR_WEIGHTS); 4: facts of sentence parts, disputes by slot
# Bump when claims or their vectors change (claims.py, claim_vectors.py,
# static_embed.DISTILL_VERSION): `newsfuse build` computes them again.
CLAIMS_VERSION = 5  # 5: a title-less text's headline lines are claims (kind "headline"), date lines are not; 4: dates a sentence measures from are marked (date_references), figures of one hospital or of counted hospitals apart; 3: a claim's speaker is its quote's resolved speaker, never the raw source words; 2: a claim per fact of a sentence (clauses, appositions with a number)
_STATUS_ORDER = {"conflicting": 0, "updated": 1, "corroborated": 2, "single-source": 3}
BUILD_HINT = "run `newsfuse build` (ingest and `newsfuse analyze` keep records current)"


def source_key(keys: list[dict]) -> str:
    """What a record is built from, as a short hash."""
    return _hashed(_key_rows(keys))


def _hashed(built_from: list) -> str:
    return hashlib.sha1(json.dumps([RECORD_VERSION, built_from]).encode()).hexdigest()[:20]


def _key_rows(keys: list[dict]) -> list[list]:
    return [[k["id"], k["near_dup_of"], k["analysis"], k["claims"]] for k in keys]


# ---- building ------------------------------------------------------------------

class AlignmentCache:
    """Story alignments kept in memory between updates in one process (a
    long ingest), so a growing story is not read back from the store each time."""

    def __init__(self, capacity: int = 256):
        self.capacity, self.items = capacity, OrderedDict()

    def get(self, story_id: str) -> tuple[list, _Growing] | None:
        if story_id in self.items:
            self.items.move_to_end(story_id)
        return self.items.get(story_id)

    def put(self, story_id: str, built_from: list, growing: _Growing) -> None:
        self.items[story_id] = (built_from, growing)
        self.items.move_to_end(story_id)
        while len(self.items) > self.capacity:
            self.items.popitem(last=False)


class _Growing:
    """A story's alignment with what its record ranks (summary candidates,
    timeline entries, counts by status), kept current fact by fact: an
    update touches the facts the new article changed, not every fact."""

    def __init__(self, alignment: StoryAlignment, *, saved: bool = False):
        self.alignment, self.lead, self.counts = alignment, set(), Counter()
        self.status: dict[int, str] = {}
        self.summary: dict[int, tuple] = {}
        self.timeline: dict[int, tuple] = {}
        # facts changed and merged away since the store last saw them; None: save them all
        self.dirty: set[int] | None = set() if saved else None
        self.gone: set[int] = set()
        self._note(alignment.articles)
        self._refresh(set(alignment.facts_by_id), set())

    def add(self, article: ArticleClaims) -> None:
        changed, removed = self.alignment.add(article)
        self._note([article])
        self._refresh(changed, removed)
        if self.dirty is not None:
            self.dirty = (self.dirty | changed) - removed
            self.gone |= removed

    def unsaved(self) -> tuple[dict[int, str], set[int], bool]:
        """The facts the store has not seen (all of them after a build), those
        merged away, and whether they replace all; they count as saved now."""
        ids = self.alignment.facts_by_id if self.dirty is None else self.dirty
        facts = {f: _stored_fact(self.alignment.fact(f), self.alignment) for f in ids}
        changes = (facts, self.gone, self.dirty is None)
        self.dirty, self.gone = set(), set()
        return changes

    def _note(self, articles: list[ArticleClaims]) -> None:
        from .summary import lead_keys

        for article in articles:
            self.lead |= lead_keys(article.claims)

    def _refresh(self, changed: set[int], removed: set[int]) -> None:
        from .summary import summary_key, timeline_key

        for fact_id in changed | removed:
            self._drop(fact_id)
        for fact_id in changed:
            fact, order = self.alignment.fact(fact_id), (self.alignment.first_claim(fact_id), fact_id)
            self.status[fact_id] = fact.status
            self.counts[fact.status] += 1
            for ranks, key in ((self.summary, summary_key(fact, self.lead)),
                               (self.timeline, timeline_key(fact, self.lead))):
                if key is not None:
                    ranks[fact_id] = (*key, *order)  # ties in the facts' order, as a stable sort keeps them

    def _drop(self, fact_id: int) -> None:
        if fact_id in self.status:
            self.counts[self.status.pop(fact_id)] -= 1
        self.summary.pop(fact_id, None)
        self.timeline.pop(fact_id, None)


@dataclass
class BuiltRecord:
    """A record ready to store: what it was built from (hashed), its JSON and its facts' changes."""

    source_key: str
    data: str
    facts: dict[int, str]
    gone: set[int]
    replace_all: bool


def update_story_record(store: Store, story_id: str, *, cache: AlignmentCache | None = None,
                        redo: bool = False, copy_containment: float = 0.5) -> None:
    """Bring one live story's record up to date (inside the caller's transaction)."""
    keys = store.story_article_keys(story_id)
    built_from = _key_rows(keys)
    growing, done = (None, 0) if redo else _resume(store, story_id, keys, built_from, cache)
    growing = growing or _Growing(StoryAlignment(copy_containment=copy_containment))
    if cache is not None:
        cache.items.pop(story_id, None)  # a failure below leaves no half-grown alignment behind
    save_built_record(store, story_id, _grown(growing, _article_claims(store, keys[done:]), built_from))
    if cache is not None:
        cache.put(story_id, built_from, growing)


def story_inputs(store: Store, story_id: str) -> tuple[list[dict], list[ArticleClaims]]:
    """What building a story's record from scratch reads: its article keys and their claims."""
    keys = store.story_article_keys(story_id)
    return keys, _article_claims(store, keys)


def built_record(keys: list[dict], articles: list[ArticleClaims], copy_containment: float = 0.5) -> BuiltRecord:
    """A story's record built from scratch out of ``story_inputs`` (pure: no store; a batch task runs it)."""
    return _grown(_Growing(StoryAlignment(copy_containment=copy_containment)), articles, _key_rows(keys))


def save_built_record(store: Store, story_id: str, built: BuiltRecord) -> None:
    """Store a built record (inside the caller's transaction)."""
    store.put_story_record_json(story_id, RECORD_VERSION, built.source_key, built.data)
    store.put_story_facts(story_id, built.facts, built.gone, replace_all=built.replace_all)


def _grown(growing: _Growing, articles: list[ArticleClaims], built_from: list) -> BuiltRecord:
    with _blas_threads(1):  # small matrix products: thread hand-offs cost more than they save
        for article in articles:
            growing.add(article)
        data = _record_data(growing, built_from)
    return BuiltRecord(_hashed(built_from), data, *growing.unsaved())


def _blas_threads(limit: int):
    """A context limiting numpy's BLAS threads (with several, each of
    alignment's many small products waits about a millisecond for threads
    to wake: a 50-article record took 3.1 s instead of 0.5 s)."""
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=limit, user_api="blas")


_CONTROLLER = None


def _resume(store: Store, story_id: str, keys: list[dict], built_from: list, cache: AlignmentCache | None
            ) -> tuple[_Growing | None, int]:
    """The alignment of a prefix of the story's articles (``keys``: all of
    them, from ``story_article_keys``; ``built_from``: their key rows), and
    how many it covers."""
    cached = cache.get(story_id) if cache is not None else None
    # the cache holds the newest state unless another writer stored a newer record since
    if cached and built_from[:len(cached[0])] == cached[0] and \
            store.story_record_key(story_id) == (RECORD_VERSION, _hashed(cached[0])):
        return cached[1], len(cached[0])
    stored = store.story_record(story_id)
    if not stored or stored["version"] != RECORD_VERSION:
        return None, 0
    before = stored["data"]["built_from"]
    if built_from[:len(before)] != before:
        return None, 0
    articles = _article_claims(store, keys[:len(before)])
    alignment = StoryAlignment.restore(articles, store.story_facts(story_id), stored["data"]["copy_links"])
    return _Growing(alignment, saved=True), len(before)


def _article_claims(store: Store, keys: list[dict]) -> list[ArticleClaims]:
    """The stored ArticleClaims of the articles with claims among these
    (``story_article_keys`` rows, which give their outlet, date and copy link), in order."""
    keys = [k for k in keys if k["claims"] == CLAIMS_VERSION]
    rows = store.article_claims(k["id"] for k in keys)
    return [ArticleClaims(k["id"], k["outlet"], k["published"], [Claim.from_dict(c) for c in rows[k["id"]]["claims"]],
                          ClaimVectors.from_bytes(rows[k["id"]]["vectors"]),
                          np.frombuffer(rows[k["id"]]["shingles"], dtype=np.uint64), k["near_dup_of"])
            for k in keys]


def _record_data(growing: _Growing, built_from: list) -> str:
    """The record but its facts (stored one row each) as JSON text; the
    summary and timeline are taken from the ranking kept by ``_Growing``."""
    from .summary import CANDIDATES, MAX_TIMELINE, summarize, timeline

    alignment = growing.alignment
    ranked = [alignment.fact(key[-1]) for key in heapq.nsmallest(CANDIDATES, growing.summary.values())]
    dated = [alignment.fact(key[-1]) for key in heapq.nsmallest(MAX_TIMELINE, growing.timeline.values())]
    rest = {"built_from": built_from, "copy_links": [list(link) for link in alignment.copy_links],
            "claim_counts": {status: growing.counts[status] for status in _STATUS_ORDER},
            "aligned_articles": len(alignment.articles),
            "summary": summarize(ranked, alignment.whole_vector, growing.lead),
            "timeline": timeline(dated, growing.lead, alignment.whole_vector)}
    return json.dumps(rest, ensure_ascii=False)


def _stored_fact(fact, alignment: StoryAlignment) -> str:
    """A fact's stored form (JSON text), kept with the fact until it changes."""
    if "stored" not in fact.cache:
        members = [key + [c.span.start, c.span.end, c.speaker] for key, c in zip(alignment.member_keys(fact), fact.claims + fact.restated)]
        data = {**_fact_data(fact), "members": members, "score": fact.score, "pair": fact.pair}
        fact.cache["stored"] = json.dumps(data, ensure_ascii=False)
    return fact.cache["stored"]


def _fact_data(fact) -> dict:
    data = {"status": fact.status, "attributed": fact.attributed, "independent_sources": fact.independent_sources,
            "outlets": fact.outlets, "collapsed": fact.collapsed, "speakers": fact.speakers}
    if fact.slot:
        data["slot"] = fact.slot
        data["values"] = [[v.value, v.claim.article_id, v.claim.span.start, v.claim.span.end] for v in fact.values]
    return data


# ---- reading -------------------------------------------------------------------

def record_state(store: Store, story_id: str) -> tuple[str, dict | None]:
    """("current" | "stale" | "missing", the stored record data or None)."""
    stored = store.story_record(story_id)
    if stored is None or stored["version"] != RECORD_VERSION:
        return "missing", None
    current = stored["source_key"] == source_key(store.story_article_keys(story_id))
    return ("current" if current else "stale"), stored["data"]


def stored_sections(store: Store, story_id: str, rows: list[dict]) -> dict:
    """The stored claims table, summary and timeline of a story, as views for
    readers (``rows``: the story's stored articles), and the record's state."""
    state, data = record_state(store, story_id)
    sections = {"record_state": state}
    if state != "current":
        sections["record_hint"] = f"the story record is {state}: {BUILD_HINT}"
    if data is None:
        return {**sections, "claims": None, "disputes": [], "claim_counts": None, "summary": [], "timeline": []}
    articles = {r["id"]: r for r in rows}
    claims = sorted((fact_view(f, articles) for f in store.story_facts(story_id).values()),
                    key=lambda f: (_STATUS_ORDER[f["status"]], -f["independent_sources"]))
    return {**sections, "claims": claims, "disputes": disputes(claims), "claim_counts": data["claim_counts"],
            "summary": data["summary"], "timeline": data["timeline"]}


def disputes(claims: list[dict]) -> list[dict]:
    """Each disputed slot of the story once (``claims``: fact views), for a
    table to list before its facts: slot, status, how many facts give it,
    and its ``sides``, each value once with the articles giving it
    ({value, articles}, earliest report first). A toll disputed in a
    nine-report story is one entry, not one per fact that gives it (the
    Croydon crash's injured: 46 facts)."""
    found: dict[tuple, dict] = {}
    for fact in claims:
        if not fact.get("slot"):
            continue
        # one entry per slot and set of sides: a story-wide slot's facts
        # share its sides; a hospital's count, another scope, has its own
        values = [(str(v["value"]), v["article"]) for v in fact.get("values", [])]
        entry = found.setdefault((fact["slot"], fact["status"], tuple(sorted(set(values)))), {
            "slot": fact["slot"], "status": fact["status"], "facts": 0, "sides": _sides(values)})
        entry["facts"] += 1
    return list(found.values())


def _sides(values: list[tuple[str, str]]) -> list[dict]:
    sides: dict[str, list[str]] = {}
    for value, article in values:
        if article not in sides.setdefault(value, []):
            sides[value].append(article)
    return [{"value": value, "articles": articles} for value, articles in sides.items()]


def fact_view(fact: dict, articles: dict[str, dict]) -> dict:
    """One stored fact as plain data: status, outlets, evidence (and the two sides of a disagreement)."""
    view = {key: fact[key] for key in ("status", "attributed", "independent_sources", "outlets", "collapsed",
                                       "speakers")}
    view["evidence"] = [_evidence(articles, aid, start, end, speaker)
                        for aid, _, start, end, speaker in fact["members"]]
    if fact.get("slot"):
        view["slot"] = fact["slot"]
        view["values"] = [{"value": value, **_evidence(articles, aid, start, end, None)}
                          for value, aid, start, end in fact["values"]]
    return view


def _evidence(articles: dict[str, dict], article_id: str, start: int, end: int, speaker: str | None) -> dict:
    row = articles.get(article_id, {})
    return {"article": article_id, "outlet": row.get("source") or article_id, "start": start, "end": end,
            "text": row.get("text", "")[start:end], "published": row.get("published"), "speaker": speaker}
