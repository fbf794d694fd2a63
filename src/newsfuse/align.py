"""Align claims across a story's articles and give each fact a status.

A story's alignment grows one article at a time (``StoryAlignment.add``):
the new article's claims are compared with the claims already in the story,
joined to the facts they restate, and the statuses of the facts they touch are
updated. Building from scratch is the same fold over the story's articles in
the order they were stored, so an updated record and a rebuilt one are equal.
Nothing is encoded here: every vector was computed when its article was
processed (claim_vectors.py).

Method. The rules are generic; the score's weights were fitted (a logistic
regression, scripts/fit_pair_weights.py) and the thresholds picked on the 11
development stories of the claims gold, so figures on them are not held-out
figures: docs/MEASUREMENTS.md gives leave-one-story-out ones.

1. Candidates: for each new claim, the ``CANDIDATES`` story claims with the
   closest whole-claim vectors, and every claim sharing a telling number or
   a quoted phrase with it. Only these pairs are scored, so the work per new
   article grows with the story only through one matrix product.
2. Score of two claims = the log-odds that they state one fact, a weighted
   sum of ``FEATURES``: the best cosine between any two *windows* of
   ``WINDOW_WORDS`` words, one from each claim (facts are often a phrase
   inside a longer sentence: "during his first trip overseas since the early
   days of the pandemic"); the whole-claim cosine (damps windows that match
   on topic words only); the two-way *cover* (how much of each claim's
   story-rare content words the other states: same fact, not same topic);
   shared entities (people by surname, so one outlet's "Putin" is another's
   "Vladimir Putin"), people, quoted phrases ("no limits") and telling
   numbers, and a figure of one named slot given by both (a toll the
   reports may disagree on); quotes of different speakers or dates months
   apart; people or cities named by both where none agree; the cosine with
   numbers masked; and the window cosine again when both claims lead their
   articles. A direct quote is compared on its quoted words only: two
   outlets each writing "X told reporters in Moscow" do not state the same
   fact. One rule is not fitted: calendar days named by both where none
   agree take ``DAY_PENALTY`` (another occasion in the same place).
3. Two claims are linked when the score reaches ``LINK_SCORE`` and each is
   (within ``BEST_MARGIN``) the other's best match in that article, or when
   it reaches ``STRONG_SCORE``. Claims are facts, not sentences: a sentence
   stating several facts gives a claim per fact (claims.py), each of which
   may be reported in a different sentence of another article.
4. Links join facts greedily, best first, keeping one claim per article in a
   fact, but for an article's headline and a lead claim restating it; a link
   that cannot join (its claim already in a fact with another
   claim of that article, or a strong link between two facts that each hold
   a claim of a third article) becomes a fact of its own, reusing the claim.
5. Status: independent outlets are counted after collapsing syndicated copies
   (ingest's MinHash links, and within the story a report holding at least
   ``copy_containment`` of a smaller report's 5-word shingles; each group's
   earliest report is the original) and articles of the same outlet; two or
   more is corroborated.
6. Disputes: every claim's figures are filed by slot as it is added
   (``_index_slots``; quantities.py reads "at least 10 killed", "about 940
   miles south of Tehran"). A slot is disputed once two articles give it
   figures that cannot both be true (disagreement.py): conflicting, or
   updated when the later report revises a tally up. Every fact with a
   claim giving a disputed slot shows it, whatever its links: a figure
   disputed across the story is disputed in each sentence that gives it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from .claim_vectors import WINDOW_STRIDE, WINDOW_WORDS, ClaimVectors, encode_claims
from .claims import Claim, extract_claims
from .dedup import shingle_hashes
from .disagreement import claim_measures, comparable, compare, story_wide, worse, written

__all__ = ["AlignedClaim", "ArticleClaims", "Claim", "SlotValue", "StoryAlignment", "align_claims",
           "article_claims", "claim_parts", "extract_claims", "WINDOW_STRIDE", "WINDOW_WORDS"]

# A pair's score is the log-odds that its two claims state one fact: a
# logistic regression over ``FEATURES``, fitted on the 14 development stories
# of the claims gold (seeds, news_cluster 2/4/5/37, ECB+ 3/7/8/12/20/21 and
# 5/14/19, the last three written on 2026-12-05) by
# scripts/fit_pair_weights.py: every pair alignment scores there (20,865,
# 3,236 of them gold pairs), labelled by the gold. Leave-one-story-out
# figures (weights and thresholds fitted on the others, one story scored)
# are in docs/MEASUREMENTS.md. Nothing is fitted at run time.
#   window: best cosine of two WINDOW_WORDS windows (a fact is often a phrase)
#   sentence: whole-claim cosine (damps windows that match on topic words)
#   cover: the two-way share of story-rare content words (``_cover``)
#   entities: shared entities, at most ENTITY_CAP; persons: the share of the
#   fewer-named claim's people the other names; phrase: a shared quoted
#   phrase; number: a shared telling number; mismatch: quotes of different
#   speakers, or calendar months that differ; *_disjoint: both name people
#   (a city) and none agree; masked: cosine with numbers masked;
#   lead_window: the window cosine when both claims are among their
#   articles' first LEAD_CLAIMS body claims (leads restate the story's main
#   event; as a product, two leads about other things gain little; a
#   headline is no lead: "Greece calm after 8 days of riots" and "Fresh wave
#   of rioting hits Greece" are two facts, and counting headlines as leads
#   cost .005 of the pairs' average precision); slot: both give a
#   figure of one named slot (killed, injured, magnitude: ``_shared_slot``),
#   agreeing or not ("Ten people are killed and about 50 hurt" / "As many as
#   80 people were also wounded" are one fact, conflicting).
# The fit gives cover (x8.8) and a shared number (+2.4) or slot (+4.5) the
# weight of the window cosine (x2.8) and more, and the who/where penalties
# little (the gold joins reports of one fact that name different officials).
# Leave one story out, the pairs' average precision is .688 over the 14
# stories (.683 with headlines as leads; .682 over the first 11; .659 without
# the slot, measured before the slot needed comparable figures; the
# hand-set sum the weights replace: .546 in-sample). A
# "participants" feature (the share of the people named that only one claim
# names) left it at .659: not added (docs/MEASUREMENTS.md).
FEATURES = ("window", "sentence", "cover", "entities", "persons", "phrase", "number", "mismatch",
            "persons_disjoint", "places_disjoint", "masked", "lead_window", "slot")
PAIR_WEIGHTS = np.array([2.821, 0.284, 8.774, -0.074, 0.104, 0.275, 2.419, -0.397, -0.49, -0.118, 0.563, 4.554,
                         4.485])
PAIR_BIAS = -4.067
ENTITY_CAP = 3
LEAD_CLAIMS = 2
# Two claims are linked when the score reaches LINK_SCORE (log-odds; 0.25 is
# a probability of .56) and each is within BEST_MARGIN of the other's best
# match in its article, or when it reaches STRONG_SCORE (p = .98). Picked
# with the weights: the best mean pair F1 on the development stories among
# the settings whose disagreement precision stays at least .8
# (scripts/fit_pair_weights.py; grid 0-0.75 x 0.4/1.0).
LINK_SCORE = 0.0
STRONG_SCORE = 4.0
BEST_MARGIN = 1.0
# The same number in two outlets' sentences is rarely chance once it is past
# the small counts ("two leaders", "one person") that any sentence may hold.
MIN_TELLING_NUMBER = 3
# A count of a plain noun ("six rifles") is one figure with another report's
# count of it only when the two sentences are this close with numbers masked.
COUNT_FRAME = 0.8
# Two claims alignment joined as one fact need less: their link already says
# they report one thing.
FACT_COUNT_FRAME = 0.5
# Story claims scored against each new claim. A fact restated by many outlets
# needs only one of its claims among them to be joined; 24 covers every claim
# of a small story and keeps a 200-article story's update to one matrix
# product and a few hundred exact scores per new claim. 32 (before the pair
# weights were fitted) found 2 more of the 1258 ECB+ dev pairs, 64 one more
# again, for a third more window cosines (the fold's largest cost).
CANDIDATES = 24
# Both claims name a calendar day and none agree: another occasion ("quake
# struck Qeshm on Sunday" / "teams flew tents to Qeshm on Monday",
# tests/test_claim_facts.py), however alike the words. A rule, not fitted:
# the gold has too few such pairs (119 of 19,411 scored with 32 candidates,
# 21 with close words, 12 of those gold pairs: relative days resolved
# against different publication dates, likely). 4.5 undoes the most a
# lead's shared place and day gain; what it costs on the dev gold is in
# docs/MEASUREMENTS.md ("Pair weights fitted").
DAY_PENALTY = 4.5
# Both claims are direct quotes and no speaker of one is a speaker of the
# other: two people's own words are two statements, however alike ("I look
# forward to exchanging views at the SCO summit" by Modi, "we are willing
# to use this SCO meeting to exchange views" by Xi). A rule like the day's,
# for the same reason (too few such pairs to fit: the fitted "mismatch"
# weight, which pools speakers with months, came out near 0), but absolute:
# no likeness of words makes one person's words another's (those two score
# 7.2 before it), so it outweighs any score.
QUOTE_PENALTY = 100.0
# A fact may hold RESTATED claims of one article (its lead and a later
# sentence stating the fact again) when their whole-claim cosine reaches
# RESTATE_COSINE; the first is cited, the others are ``restated``. Off (2.0):
# leave one story out (scripts/fit_pair_weights.py --restates 2.0 0.4 0.5)
# it found 22 more ECB+ pairs per 1,000 gold (R .429 -> .451 at P .813) but
# cost news_cluster status accuracy (.845 -> .824) and two false disputes
# (docs/MEASUREMENTS.md, "Pair recall, third pass").
RESTATED = 2
RESTATE_COSINE = 2.0
# The cover of a claim without content words: neither same fact nor other.
COVER_NONE = 0.2


@dataclass
class SlotValue:
    """One side of a conflict or update: the value an article gives, with evidence."""

    value: str
    claim: Claim


@dataclass
class AlignedClaim:
    """One fact as reported by one or more articles."""

    claims: list[Claim]
    status: str  # corroborated / single-source / conflicting / updated
    attributed: bool  # only ever reported as someone's words
    independent_sources: int
    outlets: list[str] = field(default_factory=list)
    collapsed: dict[str, str] = field(default_factory=dict)  # copy article id -> the original it copies
    slot: str | None = None
    values: list[SlotValue] = field(default_factory=list)  # for conflicting/updated, earliest first
    score: float = 1.0
    pair: bool = False  # a second fact of a claim that is in another fact too
    # the fact again in an article that already states it (a lead and a later
    # sentence): not cited, counted once with the article's first claim
    restated: list[Claim] = field(default_factory=list)
    disputed: bool = False  # a claim of it gives a figure other reports contradict or revise
    # what the record derives from this fact (its summary sentence, its stored
    # form), kept until the fact changes: a grown story's untouched facts
    # are not derived again
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def speakers(self) -> list[str]:
        return sorted({c.speaker for c in self.claims if c.speaker})


@dataclass
class ArticleClaims:
    """What alignment reads of one article, all computed when it was processed."""

    article_id: str
    outlet: str
    published: str | None
    claims: list[Claim]
    vectors: ClaimVectors
    shingles: np.ndarray  # sorted unique 64-bit hashes of its word 5-shingles
    copy_of: str | None = None  # the article ingest's MinHash found it copies


def claim_parts(article, analysis, static, shingle_words: int = 5) -> tuple[list[Claim], ClaimVectors, np.ndarray]:
    """An article's claims, their vectors (``static``: a StaticEmbedder) and
    its shingle hashes: what processing an article stores for alignment."""
    claims = extract_claims(article, analysis)
    return claims, encode_claims(article.text, claims, static), shingle_hashes(article.text, shingle_words)


def article_claims(article, analysis, static, *, copy_of: str | None = None,
                   shingle_words: int = 5) -> ArticleClaims:
    """Everything alignment will read of one article, as it comes back from the store."""
    claims, vectors, shingles = claim_parts(article, analysis, static, shingle_words)
    return ArticleClaims(article.id, article.source or article.id, article.published, claims, vectors.quantized(),
                         shingles, copy_of)


@dataclass
class _Fact:
    members: list[int]  # story claim numbers
    score: float
    pair: bool = False  # a link that could not join a fact: not a claim's home fact


def align_claims(articles: list[ArticleClaims], *, copy_containment: float = 0.5) -> list[AlignedClaim]:
    """The facts of a story whose articles are given in the order they were stored."""
    alignment = StoryAlignment(copy_containment=copy_containment)
    for article in articles:
        alignment.add(article)
    return alignment.facts()


class StoryAlignment:
    """A story's claims, the facts they form and their statuses, grown one article at a time."""

    def __init__(self, *, copy_containment: float = 0.5):
        self.copy_containment = copy_containment
        self.articles: list[ArticleClaims] = []
        self.claims: list[Claim] = []
        self.owner: list[tuple[int, int]] = []  # claim number -> (article number, claim index)
        self.facts_by_id: dict[int, _Fact] = {}
        self.home: dict[int, int] = {}  # claim number -> its fact (pair facts excluded)
        self.paired: set[int] = set()  # claims in a pair fact
        self._pairs_of: dict[int, set[int]] = {}  # claim -> the pair facts holding it (never merged away)
        self.copy_links: list[tuple[str, str]] = []
        self.roots: dict[str, str] = {}
        self._status: dict[int, AlignedClaim] = {}
        self._whole = _Rows()  # claim number -> whole-claim vector
        self._masked_rows = _Rows()  # claim number -> its vector with numbers masked
        self._windows = _Rows()  # every claim's window vectors, claim after claim
        self._window_start: list[int] = []  # claim number -> its first row in _windows
        self._window_count: list[int] = []
        self._keys: list[_Keys] = []
        self._leads: list[bool] = []  # claim number -> among its article's first LEAD_CLAIMS body claims
        self._lexical: dict[tuple, list[int]] = {}
        self._df: dict[str, int] = {}  # content word -> the story's claims holding it
        self._weights: dict[str, float] = {}  # content word -> its rarity (``_reweigh``)
        self._owns: dict[int, float] = {}  # claim number -> the summed rarity of its words
        self._number: dict[tuple, int] = {}  # claim key -> claim number
        self._next_fact = 0
        self._removed: set[int] = set()
        self._measures: list[dict] = []  # claim number -> its figures by (slot, scope)
        self._slot_members: dict[tuple, list[int]] = {}  # (slot, scope) -> claims giving it
        self._slot_sides: dict[tuple, list[int]] = {}  # the claims giving it comparable with another article's
        self._slot_state: dict[tuple, str | None] = {}  # (slot, scope) -> None / updated / conflicting
        self._disputes_changed: set[int] = set()  # claims whose slots changed state in this add
        self._shown_now: dict[tuple, object] = {}  # _shown and sides of each slot, while one add's statuses are made

    # ---- growing ------------------------------------------------------------

    def add(self, article: ArticleClaims) -> tuple[set[int], set[int]]:
        """Fold one more article in: link its claims, update the facts they
        touch. Returns the ids of the facts made or changed, and of those
        merged away."""
        first, self._removed = len(self.claims), set()
        self._append(article)
        self._reweigh()
        new = list(range(first, len(self.claims)))
        touched = set(self._link(new, self._scored(new, first)) if first else [])
        touched |= {self._new_fact([c]) for c in new if c not in self.home and c not in self.paired}
        touched |= self._update_copies(article)
        touched |= self._facts_of(self._disputes_changed | self._sides_touched(touched))
        self._disputes_changed, self._shown_now = set(), {}
        changed = touched & self.facts_by_id.keys()
        for fact_id in changed:
            self._status[fact_id] = self._aligned(self.facts_by_id[fact_id])
        return changed, self._removed - changed

    def _append(self, article: ArticleClaims) -> None:
        number = len(self.articles)
        self.articles.append(article)
        start = len(self.claims)
        self._masked_rows.extend(article.vectors.masked)  # before the slots, which compare them
        for index, claim in enumerate(article.claims):
            claim.outlet, claim.published = article.outlet, article.published
            self.claims.append(claim)
            self.owner.append((number, index))
            self._number[claim.key] = start + index
            self._keys.append(_Keys.of(claim))
            for word in self._keys[-1].words:
                self._df[word] = self._df.get(word, 0) + 1
            for key in _lexical_keys(claim):
                self._lexical.setdefault(key, []).append(start + index)
            self._index_slots(start + index)
        self._whole.extend(article.vectors.whole)
        first_window = self._windows.extend(article.vectors.windows)
        self._window_start += (first_window + article.vectors.starts).tolist()
        self._window_count += article.vectors.counts.tolist()
        body = [n for n, claim in enumerate(article.claims) if claim.kind != "headline"]  # a headline is no lead
        self._leads += [False] * len(article.claims)
        for index in body[:LEAD_CLAIMS]:
            self._leads[start + index] = True

    def _new_fact(self, members: list[int], score: float = 1.0, pair: bool = False, fact_id: int | None = None
                  ) -> int:
        """A new fact; ``fact_id``: the id it had when it was saved."""
        fact_id = self._next_fact if fact_id is None else fact_id
        self._next_fact = max(self._next_fact, fact_id + 1)
        self.facts_by_id[fact_id] = _Fact(members, score, pair)
        for member in members:
            if pair:
                self.paired.add(member)
                self._pairs_of.setdefault(member, set()).add(fact_id)
            else:
                self.home[member] = fact_id
        return fact_id

    def _index_slots(self, claim: int) -> None:
        """File a claim's figures by slot; note the claims of any slot whose
        dispute state it changes (their facts are rebuilt)."""
        found = claim_measures(self.claims[claim])
        self._measures.append(found)
        article = self.owner[claim][0]
        for key, figures in found.items():
            members, sides = self._slot_members.setdefault(key, []), self._slot_sides.setdefault(key, [])
            state, before, count, known = self._slot_state.get(key), self._slot_state.get(key), len(sides), set(sides)
            for other in members:
                if self.owner[other][0] == article or not comparable(figures, self._measures[other][key]) or \
                        not (story_wide(key[0]) or self._same_frame(claim, other)):
                    continue
                state = worse(state, compare(figures, self.claims[claim], self._measures[other][key],
                                             self.claims[other]))
                sides += [side for side in (other, claim) if side not in known]
                known.update((other, claim))
            members.append(claim)
            self._slot_state[key] = state
            if state != before or (state and len(sides) > count):
                self._disputes_changed.update(sides)  # every fact showing the slot lists its sides

    def _same_frame(self, claim: int, other: int) -> bool:
        """Whether two sentences say the same thing once numbers are masked:
        what tells "six rifles were seized" and "14 rifles were seized" from
        "five boats attacked" and "three boats were captured"."""
        return float(self._masked(claim) @ self._masked(other)) >= COUNT_FRAME

    def _sides_touched(self, facts: set[int]) -> set[int]:
        """The sides, in facts half made of sides, of every disputed slot one
        of whose sides is in these facts: whether the slot is shown elsewhere
        (``_shown``) may change, and such a fact's status depends on it."""
        claims = {m for f in facts if f in self.facts_by_id for m in self.facts_by_id[f].members}
        touched = set()
        for key, sides in self._slot_sides.items():
            if self._slot_state.get(key) and not claims.isdisjoint(sides):
                touched.update(side for side in sides if self._half_sides(side, set(sides)))
        return touched

    def _half_sides(self, claim: int, sides: set[int]) -> bool:
        """Whether the claim's home fact is half made of these sides (a pair
        fact, or no home, counts as one)."""
        if claim in self.paired or claim not in self.home:
            return True
        members = self.facts_by_id[self.home[claim]].members
        return 2 * len(sides.intersection(members)) == len(members)

    def _shown(self, key: tuple) -> bool:
        """Whether some fact of the story is mostly sides of this slot (kept
        while one add's statuses are made: the facts do not change then)."""
        if key not in self._shown_now:
            self._shown_now[key] = self._mostly_sides(key)
        return self._shown_now[key]

    def _mostly_sides(self, key: tuple) -> bool:
        sides = set(self._slot_sides[key])
        facts = {self.home[n] for n in sides if n in self.home}.union(*(self._pairs_of.get(n, ()) for n in sides))
        return any(2 * len(sides.intersection(self.facts_by_id[f].members)) > len(self.facts_by_id[f].members)
                   for f in facts)

    def _facts_of(self, claims: set[int]) -> set[int]:
        """The facts holding any of these claims: each claim's home and its pair facts."""
        return {self.home[c] for c in claims if c in self.home}.union(*(self._pairs_of.get(c, ()) for c in claims))

    # ---- scoring --------------------------------------------------------------

    def _scored(self, new: list[int], first: int) -> dict[tuple[int, int], float]:
        """Exact scores of each new claim with its candidate story claims."""
        if not new:
            return {}
        whole = self._whole.array
        similar = whole[first:] @ whole[:first].T
        keep = min(CANDIDATES, first)
        nearest = np.argpartition(-similar, keep - 1, axis=1)[:, :keep]
        scores = {}
        for row, claim in enumerate(new):
            others = sorted(set(nearest[row].tolist()) | self._lexical_candidates(claim, first))
            features = self._features(claim, others, self._best_windows(claim, others), similar[row, others])
            values = features @ PAIR_WEIGHTS + PAIR_BIAS
            days = self._keys[claim].days
            if days:
                values -= DAY_PENALTY * np.array([_disjoint(days, self._keys[other].days) for other in others])
            voices = self._keys[claim].voices
            if voices:
                values -= QUOTE_PENALTY * np.array([_disjoint(voices, self._keys[other].voices) for other in others])
            scores.update(zip([(claim, other) for other in others], values.tolist()))
        return scores

    def pair_features(self, claim: int, others: list[int]) -> np.ndarray:
        """The ``FEATURES`` of one story claim with others (for fitting ``PAIR_WEIGHTS``)."""
        sentence = self._whole.array[others] @ self._whole.array[claim]
        return self._features(claim, others, self._best_windows(claim, others), sentence)

    def _features(self, claim: int, others: list[int], window: np.ndarray, sentence: np.ndarray) -> np.ndarray:
        """One row of ``FEATURES`` per other claim."""
        keys = self._keys[claim]
        rows = np.array([(self._cover(claim, other), *_key_features(keys, self._keys[other])) for other in others],
                        dtype=np.float64)
        masked = self._masked_rows.array[others] @ self._masked_rows.array[claim]
        leads = [self._leads[claim] and self._leads[other] for other in others]
        slots = [self._shared_slot(claim, other) for other in others]
        return np.column_stack([window, sentence, rows, masked, window * leads, slots])

    def _shared_slot(self, claim: int, other: int) -> bool:
        """Both claims give a figure for one named slot (killed, magnitude):
        reports of one tally, whether or not their figures agree, unless they
        are too far apart to be readings of one figure (another event's toll:
        "killing 5" / "in 2019 an earthquake ... killed 140")."""
        mine, theirs = self._measures[claim], self._measures[other]
        return any(story_wide(key[0]) and comparable(mine[key], theirs[key]) for key in mine.keys() & theirs.keys())

    def _cover(self, claim: int, other: int) -> float:
        """How far each claim states the other's content: the content words
        they share, weighted by how rare each is in the story so far, over
        the weight of the larger claim's words. Both ways at once: a short
        claim inside a long sentence about more covers only one way."""
        a, b = self._keys[claim].words, self._keys[other].words
        if not a or not b:
            return COVER_NONE
        weight = self._weights
        shared = math.fsum(weight[w] for w in a & b)  # exact: the same in any set order (any process)
        return shared / max(self._own_weight(claim), self._own_weight(other), 1e-9)

    def _own_weight(self, claim: int) -> float:
        if claim not in self._owns:
            self._owns[claim] = math.fsum(self._weights[w] for w in self._keys[claim].words)
        return self._owns[claim]

    def _reweigh(self) -> None:
        """Each word's rarity in the story as it now is, read once per
        article added: topic words every claim repeats ("quake",
        "Klitschko") weigh little, a fact's own words much."""
        total = len(self.claims) + 1
        self._weights = {w: math.log(total / (n + 0.5)) for w, n in self._df.items()}
        self._owns = {}

    def _lexical_candidates(self, claim: int, first: int) -> set[int]:
        """Story claims sharing a telling number or quoted phrase (the latest
        ``CANDIDATES`` per value: a number every report repeats needs no more)."""
        found = set()
        for key in _lexical_keys(self.claims[claim]):
            found.update([o for o in self._lexical.get(key, []) if o < first][-CANDIDATES:])
        return found

    def _best_windows(self, claim: int, others: list[int]) -> np.ndarray:
        """The best window cosine of ``claim`` with each of ``others``."""
        windows = self._windows.array
        start, count = self._window_start[claim], self._window_count[claim]
        starts, counts = np.array([self._window_start[o] for o in others]), [self._window_count[o] for o in others]
        offsets = np.r_[0, np.cumsum(counts)[:-1]]
        rows = np.repeat(starts - offsets, counts) + np.arange(sum(counts))  # the others' window rows
        cos = windows[start:start + count] @ windows[rows].T
        return np.maximum.reduceat(cos.max(axis=0), offsets)

    # ---- links and facts ------------------------------------------------------

    def _link(self, new: list[int], scores: dict[tuple[int, int], float]) -> list[int]:
        """Join new claims to the facts of the claims they link to; the facts touched."""
        touched = []
        for score, claim, other in _links(scores, lambda c: self.owner[c][0]):
            touched += self._join(claim, other, score)
        return touched

    def _join(self, claim: int, other: int, score: float) -> list[int]:
        mine, theirs = self.home.get(claim), self.home.get(other)
        if mine is None and theirs is None:
            return [self._new_fact(sorted([claim, other]), score)]
        if mine == theirs:
            return []
        ours = self.facts_by_id[mine].members if mine is not None else [claim]
        their = self.facts_by_id[theirs].members if theirs is not None else [other]
        if len({self.owner[m][0] for m in ours + their}) < len(ours) + len(their) and \
                not self._restates(ours, their):  # two claims of one article
            return self._pair(claim, other, ours, their, score)
        members = ours + their
        target = theirs if theirs is not None else mine
        fact = self.facts_by_id[target]
        fact.members, fact.score = sorted(members), min(fact.score, score)
        if mine is not None and theirs is not None:
            del self.facts_by_id[mine]
            self._status.pop(mine, None)
            self._removed.add(mine)
        for member in members:
            self.home[member] = target
        return [target]

    def _restates(self, ours: list[int], their: list[int]) -> bool:
        """Whether two facts sharing an article may be one: no article gives
        more than RESTATED claims of the merged fact, and each article's two
        restate each other."""
        count: dict[int, list[int]] = {}
        for member in ours + their:
            count.setdefault(self.owner[member][0], []).append(member)
        if max(map(len, count.values())) > RESTATED:
            return False
        return all(self._restating(a, b) for same in count.values() for a, b in combinations(same, 2))

    def _restating(self, a: int, b: int) -> bool:
        """Two claims of one article that state one fact: a headline and a
        lead claim (the lead restates what the headline announces: ECB+'s
        "Indian ship thwarts piracy attempt in Gulf of Aden" and its lead are
        one fact in the gold), or two claims this alike (RESTATE_COSINE)."""
        if {self.claims[a].kind == "headline", self.claims[b].kind == "headline"} == {True, False}:
            return self._leads[a] or self._leads[b]
        return float(self._whole.array[a] @ self._whole.array[b]) >= RESTATE_COSINE

    def _pair(self, claim: int, other: int, ours: list[int], their: list[int], score: float) -> list[int]:
        """A fact of the two claims alone when one of them states a second
        fact: the other's article already has a claim in its fact ("a
        sentence holds several facts"). Two facts that merely share other
        reports (large stories hold many facts about one scene) stay apart,
        and a link short of STRONG_SCORE is dropped: each claim keeps its own
        fact. A strong link is kept as a pair: "Three people have died after
        rioters set fire to a bank" and "3 bank employees were burnt to death"
        state one fact, though each fact holds another sentence of one report
        (ECB+ dev pair R .445 -> .452, P .822 -> .824; nothing else moved)."""
        articles = {self.owner[m][0] for m in ours}, {self.owner[m][0] for m in their}
        if self.owner[other][0] in articles[0] or self.owner[claim][0] in articles[1] or score >= STRONG_SCORE:
            return [self._new_fact(sorted([claim, other]), score, pair=True)]
        return []

    def facts(self) -> list[AlignedClaim]:
        """The story's facts, in the order of their first claim."""
        order = sorted(self.facts_by_id, key=lambda f: (self.facts_by_id[f].members[0], f))
        return [self._status[f] for f in order]

    def fact(self, fact_id: int) -> AlignedClaim:
        return self._status[fact_id]

    def first_claim(self, fact_id: int) -> int:
        """The number of a fact's first claim (facts are ordered by it, then by id)."""
        return self.facts_by_id[fact_id].members[0]

    def member_keys(self, fact: AlignedClaim) -> list[list]:
        """Each claim of a fact as [article id, claim index in its article]."""
        return [[c.article_id, self.owner[self._number[c.key]][1]] for c in fact.claims + fact.restated]

    def whole_vector(self, claim: Claim) -> np.ndarray:
        """The stored unit vector of one of the story's claims."""
        return self._whole.array[self._number[claim.key]]

    # ---- saving and restoring ---------------------------------------------------

    @classmethod
    def restore(cls, articles: list[ArticleClaims], facts: dict[int, dict], copy_links: list,
                *, copy_containment: float = 0.5) -> StoryAlignment:
        """The alignment as it was saved, without aligning again: ``facts`` by
        id, each with ``members`` as [article id, claim index], ``score`` and
        ``pair``; ``copy_links`` as ``self.copy_links``. Ids are kept, so a
        restored alignment grows exactly as the one saved would have."""
        alignment = cls(copy_containment=copy_containment)
        for article in articles:
            alignment._append(article)
        alignment._disputes_changed = set()  # every fact's status is computed below
        number = {(alignment.articles[a].article_id, i): n for n, (a, i) in enumerate(alignment.owner)}
        for fact_id in sorted(facts):
            fact = facts[fact_id]
            alignment._new_fact([number[tuple(m[:2])] for m in fact["members"]], fact["score"], fact["pair"],
                                fact_id)
        alignment.copy_links = [tuple(link) for link in copy_links]
        alignment.roots = alignment._roots()
        alignment._status = {f: alignment._aligned(fact) for f, fact in alignment.facts_by_id.items()}
        return alignment

    # ---- copies and independence ---------------------------------------------

    def _update_copies(self, article: ArticleClaims) -> set[int]:
        """Add the article's copy links; the facts whose independence changed."""
        known = {a.article_id for a in self.articles}
        if article.copy_of in known:
            self.copy_links.append((article.article_id, article.copy_of))
        for other in self.articles[:-1]:
            if _contains(article.shingles, other.shingles, self.copy_containment):
                self.copy_links.append((article.article_id, other.article_id))
        before, self.roots = self.roots, self._roots()
        changed = {a for a, root in self.roots.items() if before.get(a) != root} - {article.article_id}
        if not changed:
            return set()
        numbers = {n for n, a in enumerate(self.articles) if a.article_id in changed}
        return {f for f, fact in self.facts_by_id.items() if any(self.owner[m][0] in numbers for m in fact.members)}

    def originals(self) -> dict[str, str | None]:
        """Each article's original within the story (None for an original)."""
        group = self._groups()
        first: dict[str, str] = {}
        for article in sorted(self.articles, key=lambda a: (a.published is None, a.published or "")):
            first.setdefault(group[article.article_id], article.article_id)
        return {a.article_id: None if first[group[a.article_id]] == a.article_id else first[group[a.article_id]]
                for a in self.articles}

    def _groups(self) -> dict[str, str]:
        parent = {a.article_id: a.article_id for a in self.articles}

        def root(article_id: str) -> str:
            while parent[article_id] != article_id:
                article_id = parent[article_id]
            return article_id
        for copy, original in self.copy_links:
            parent[root(copy)] = root(original)
        return {a: root(a) for a in parent}

    def _roots(self) -> dict[str, str]:
        """Each article's independence key: the outlet of the original it copies."""
        outlet = {a.article_id: a.outlet for a in self.articles}
        return {a: outlet[original or a] for a, original in self.originals().items()}

    # ---- status -----------------------------------------------------------------

    def _aligned(self, fact: _Fact) -> AlignedClaim:
        members, firsts = [self.claims[m] for m in fact.members], self._firsts(fact.members)
        outlets = list(dict.fromkeys(self.roots[c.article_id] for c in members))
        cited = [c for n, c in zip(fact.members, members) if n in firsts]
        aligned = AlignedClaim(cited, "corroborated" if len(outlets) > 1 else "single-source",
                               all(c.attributed for c in members), len(outlets), outlets,
                               _collapsed(cited, self.roots), score=fact.score, pair=fact.pair,
                               restated=[c for n, c in zip(fact.members, members) if n not in firsts])
        self._mark_dispute(aligned, fact.members)
        return aligned

    def _firsts(self, members: list[int]) -> set[int]:
        """Each article's first claim among a fact's (the others restate it)."""
        first: dict[int, int] = {}
        for member in members:
            first.setdefault(self.owner[member][0], member)
        return set(first.values())

    def _mark_dispute(self, fact: AlignedClaim, numbers: list[int]) -> None:
        """Status from the disputed slots its claims give: the worst, with
        every claim that gives that slot as a side. A named slot (killed,
        magnitude) is disputed across the story; a count of a plain noun
        ("three boats") only among the fact's own claims, since the noun alone
        does not say which count it is (boats attacking, boats captured)."""
        disputes = self._story_disputes(numbers) + self._fact_disputes(numbers)
        if not disputes:
            return
        state = "conflicting" if any(s == "conflicting" for s, _, _ in disputes) else "updated"
        # the slot most of the fact's claims give (ties by name: the same whatever the order found)
        _, key, sides = min((d for d in disputes if d[0] == state),
                            key=lambda d: (-len(set(d[2]) & set(numbers)), d[1]))
        fact.status, fact.disputed, fact.slot = state, True, key[0]
        fact.values = self._sides_of(key, tuple(sides))

    def _sides_of(self, key: tuple, sides: tuple) -> list[SlotValue]:
        """A slot's sides, earliest report first (made once per add for the
        facts that share them)."""
        if (key, sides) not in self._shown_now:
            self._shown_now[key, sides] = sorted(
                [SlotValue(written(self._measures[n][key]), self.claims[n]) for n in sides],
                key=lambda v: v.claim.published or "")
        return list(self._shown_now[key, sides])

    def _story_disputes(self, numbers: list[int]) -> list[tuple[str, tuple, list[int]]]:
        """Disputed story-wide slots that most of the fact's claims give as a
        side, or half of them when no fact is mostly the slot's (a fact about
        something else that one sentence adds a toll to is not the toll's
        fact; another quake's toll is no side)."""
        found = []
        for key in sorted({k for n in numbers for k in self._measures[n] if self._slot_state.get(k)}):
            sides = self._slot_sides[key]
            # most of its claims give the slot; or, when no fact of the story
            # is mostly the slot's, half of them do (a dispute found must show
            # somewhere: "12 injured" and "18 injured" joined with two
            # sentences about other things; facts mostly about other things
            # are about more than the figure)
            given = sum(n in sides for n in numbers)
            if 2 * given > len(numbers) or (given and 2 * given >= len(numbers) and not self._shown(key)):
                found.append((self._slot_state[key], key, sorted(sides)))
        return found

    def _fact_disputes(self, numbers: list[int]) -> list[tuple[str, tuple, list[int]]]:
        """Counts of a plain noun that two of the fact's own claims (joined as
        one fact by alignment) give differently."""
        found = []
        counting = [n for n in numbers if any(not story_wide(key[0]) for key in self._measures[n])]
        for i, j in combinations(counting, 2):
            if self.owner[i][0] == self.owner[j][0] or float(self._masked(i) @ self._masked(j)) < FACT_COUNT_FRAME:
                continue
            for key in sorted(k for k in self._measures[i].keys() & self._measures[j].keys() if not story_wide(k[0])):
                state = compare(self._measures[i][key], self.claims[i], self._measures[j][key], self.claims[j])
                if state:
                    found.append((state, key, [n for n in numbers if key in self._measures[n]]))
        return found

    def _masked(self, claim: int) -> np.ndarray:
        return self._masked_rows.array[claim]


def _links(scores: dict[tuple[int, int], float], article_of) -> list[tuple[float, int, int]]:
    """Linked (new, story) claim pairs, best first: a strong score, or a good
    score where each claim is (nearly) the other's best match in its article,
    or where one is and the other takes no better one-way link from that
    article. When any one-way link was enough, a sentence every sentence of
    another article liked best ("Thompson never recovered from a big right
    hand") joined eight of them in ECB+ story 7; with none, a lead stating
    two facts ("told Putin ... during his first trip overseas") kept only one."""
    best_in: dict[tuple[int, int], float] = {}
    for (claim, other), value in scores.items():
        for key in ((claim, article_of(other)), (other, article_of(claim))):
            best_in[key] = max(best_in.get(key, -np.inf), value)
    linked, one_way = [], {}
    for (claim, other), value in scores.items():
        gaps = best_in[claim, article_of(other)] - value, best_in[other, article_of(claim)] - value
        if value >= STRONG_SCORE or (value >= LINK_SCORE and max(gaps) <= BEST_MARGIN):
            linked.append((value, claim, other))
        elif value >= LINK_SCORE and min(gaps) <= BEST_MARGIN:  # the best one way only
            taker, giver = (claim, other) if gaps[0] > BEST_MARGIN else (other, claim)
            key = (taker, article_of(giver))
            one_way[key] = max(one_way.get(key, (-np.inf, 0, 0)), (value, claim, other))
    return sorted(linked + list(one_way.values()), key=lambda link: (-link[0], link[1], link[2]))


def _contains(shingles: np.ndarray, other: np.ndarray, share: float) -> bool:
    """Whether the larger of two reports holds ``share`` of the smaller's shingles."""
    smaller = min(len(shingles), len(other))
    return smaller > 0 and len(np.intersect1d(shingles, other, assume_unique=True)) >= share * smaller


def _collapsed(members: list[Claim], roots: dict[str, str]) -> dict[str, str]:
    """Claims whose outlet is already counted through an earlier member."""
    first: dict[str, str] = {}
    collapsed = {}
    for claim in members:
        root = roots[claim.article_id]
        if root in first and first[root] != claim.article_id:
            collapsed[claim.article_id] = first[root]
        first.setdefault(root, claim.article_id)
    return collapsed


class _Rows:
    """A matrix that grows by rows, with room kept ahead so a story's growth
    does not copy its stored vectors on every article."""

    def __init__(self):
        self._data, self._size = np.zeros((0, 0), dtype=np.float32), 0

    @property
    def array(self) -> np.ndarray:
        return self._data[:self._size]

    def extend(self, rows: np.ndarray) -> int:
        """Append rows; the index of the first."""
        first = self._size
        if not len(rows):
            return first
        if first + len(rows) > len(self._data):
            grown = np.zeros((max(2 * len(self._data), first + len(rows), 64), rows.shape[1]), dtype=np.float32)
            if first:
                grown[:first] = self._data[:first]
            self._data = grown
        self._data[first:first + len(rows)] = rows
        self._size += len(rows)
        return first


# ---- bonuses -------------------------------------------------------------------

@dataclass(frozen=True)
class _Keys:
    """What the bonuses compare, read once per claim."""

    entities: frozenset
    persons: frozenset
    phrases: frozenset
    numbers: frozenset
    months: frozenset
    speaker: str | None  # only for a claim that is someone's words
    words: frozenset = frozenset()  # content words, crudely stemmed
    places: frozenset = frozenset()
    days: frozenset = frozenset()
    voices: frozenset = frozenset()  # a direct quote's speakers ("Xi Jinping & Vladimir Putin": two)

    @classmethod
    def of(cls, claim: Claim) -> _Keys:
        return cls(frozenset(_story_keys(claim.entities)), frozenset(_story_keys(claim.persons)),
                   frozenset(claim.phrases), frozenset(_telling_numbers(claim)),
                   frozenset(d[:7] for d in claim.dates if len(d) >= 7),
                   claim.speaker if claim.attributed else None, content_words((claim.quoted or claim.fact).text),
                   frozenset(p for p in claim.places if p.startswith("city:")),
                   frozenset(d[:10] for d in claim.dates if len(d) >= 10),
                   frozenset(claim.speaker.split(" & ")) if claim.quoted and claim.speaker else frozenset())


def _key_features(a: _Keys, b: _Keys) -> tuple:
    """The ``FEATURES`` read from two claims' keys, from "entities" to "places_disjoint"."""
    # quotes of two different people, or dates months apart: two facts, however alike the words
    mismatch = bool(a.speaker and b.speaker and a.speaker != b.speaker) or _disjoint(a.months, b.months)
    # each names people (a city, a day) and none of the other's: another who (where, when)
    return (min(len(a.entities & b.entities), ENTITY_CAP),
            len(a.persons & b.persons) / max(min(len(a.persons), len(b.persons)), 1),
            bool(a.phrases & b.phrases), bool(a.numbers & b.numbers), mismatch,
            _disjoint(a.persons, b.persons), _disjoint(a.places, b.places))


def _disjoint(a: frozenset, b: frozenset) -> bool:
    return bool(a and b and not a & b)


_STOPWORDS = frozenset("""a an the and or but if of in on at to from for with by as into onto about over under
after before during since than then that this these those there here which who whom whose what when where why
how is are was were be been being has have had do does did will would could can may might must should shall
it its it's he she they them their his her him we us our you your i me my not no so also just very more most
said says say told tell according mr mrs ms one two new other some any all each such only even still while
who've up out off again later today yesterday monday tuesday wednesday thursday friday saturday sunday""".split())


def content_words(text: str) -> frozenset:
    """The words that carry a sentence's content, lower case, crudely
    stemmed ("killed"/"kills" -> "kill", "workers" -> "worker")."""
    words = re.findall(r"[A-Za-z][A-Za-z'’-]+|\d[\d,.]*", text.lower())
    return frozenset(_stem(w) for w in words if w not in _STOPWORDS and len(w) > 2)


def _stem(word: str) -> str:
    for ending in ("ings", "ing", "ied", "ies", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[:-len(ending)]
    return word


def _story_keys(keys: list[str]) -> set[str]:
    """Entity keys comparable across articles: a person by surname."""
    return {_surname(k) if k.startswith("person:") else k for k in keys}


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _surname(key: str) -> str:
    """"person:arcade joseph comeaux jr" and "person:comeaux" -> "person:comeaux"."""
    words = key[len("person:"):].split()
    while len(words) > 1 and words[-1].strip(".") in _SUFFIXES:
        words.pop()
    return "person:" + (words[-1] if words else "")


def _lexical_keys(claim: Claim) -> list[tuple]:
    return [("number", n) for n in _telling_numbers(claim)] + [("phrase", p) for p in claim.phrases]


def _telling_numbers(claim: Claim) -> set[float]:
    """Numbers two outlets rarely share by chance ("129 people on board" /
    "which had 129 people on board")."""
    return {q.value for q in claim.numbers if q.value >= MIN_TELLING_NUMBER}

