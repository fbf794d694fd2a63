"""Align claims across a story's articles and give each fact a status.

Method. The rules are generic, but the weights and thresholds were chosen on
the two seed articles, which are also the only gold we have (a sweep over
LINK_SCORE, BEST_MARGIN and SENTENCE_WEIGHT scored on
tests/data/seed_claims_gold.json): the seed figures are not held-out figures.

1. Score of two claims = the best cosine between any two *windows* of
   ``WINDOW_WORDS`` words (MiniLM), one from each claim, plus
   ``SENTENCE_WEIGHT`` x the whole-claim cosine. Facts are often a phrase
   inside a longer sentence ("during his first trip overseas since the early
   days of the pandemic"), which whole-sentence vectors miss; the whole-claim
   term damps windows that match on topic words only. A claim that is a
   direct quote is compared on the quoted words only: two outlets each
   writing "X told reporters in Moscow" do not state the same fact.
2. Bonuses: shared entities (after ``entity_remap``), shared people, a shared
   quoted phrase ("no limits"). Penalty: quotes of different speakers, or
   calendar dates months apart (another occasion).
3. Claims of two articles are linked when the score reaches ``LINK_SCORE``
   and one is (within ``BEST_MARGIN``) the other's best match in that
   article, or when it reaches ``STRONG_SCORE``. A sentence can hold several
   facts, each reported in a different sentence of another article.
4. Links are grouped greedily, best first, keeping one claim per article in a
   group; a link that cannot join (its claim already grouped with another
   claim of that article) becomes a fact of its own, reusing the claim.
5. Status: independent outlets are counted after collapsing syndicated copies
   (``near_dup_of``) and articles of the same outlet; two or more is
   corroborated. Two independent claims that are near paraphrases once
   numbers, dates and names are masked (``FRAME_SCORE``) but disagree on a
   slot (the count of the same noun, the calendar day, the city, the people)
   are conflicting, or updated when the later report revises the earlier one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from .claims import Claim, Quantity, extract_claims

__all__ = ["AlignedClaim", "Claim", "SlotValue", "align_claims", "extract_claims"]

# ~10 words holds a typical fact phrase; stride 3 keeps the count of windows
# (and MiniLM calls) to about a third of the words.
WINDOW_WORDS = 10
WINDOW_STRIDE = 3
# Scores are window cosine + 0.5 x sentence cosine + bonuses. On the seeds,
# same-story claims about different facts reach 0.9-1.05 (a window like "Xi
# and Putin will ..." matches on topic alone); restatements of one fact 1.03-1.4.
LINK_SCORE = 1.02
STRONG_SCORE = 1.25
BEST_MARGIN = 0.05
SENTENCE_WEIGHT = 0.5
ENTITY_BONUS = 0.02
ENTITY_BONUS_CAP = 3
PERSON_BONUS = 0.05  # x the share of the fewer-named claim's people the other names too
# The same quoted words ("no limits") in two outlets name one fact.
PHRASE_BONUS = 0.3
# The same number in two outlets' sentences is rarely chance once it is past
# the small counts ("two leaders", "one person") that any sentence may hold.
NUMBER_BONUS = 0.15
MIN_TELLING_NUMBER = 3
MISMATCH_PENALTY = 0.3  # as large as the gap between a fact's match and a topic match
# Masked sentences this close say the same thing about the same slot; lower
# and "Xi arrived on Wednesday" vs "Xi met Putin on Thursday" would clash.
FRAME_SCORE = 0.85


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

    @property
    def speakers(self) -> list[str]:
        return sorted({c.speaker for c in self.claims if c.speaker})


def align_claims(claims_by_article: dict[str, list[Claim]], *, embedder,
                 near_dup_of: dict[str, str | None] | None = None, published: dict[str, str | None] | None = None,
                 entity_remap: dict[str, str] | None = None) -> list[AlignedClaim]:
    """Facts of one story, every claim in at least one of them.

    ``near_dup_of`` maps a syndicated copy to the article it copies,
    ``published`` overrides the claims' publication dates, ``entity_remap``
    maps article entity keys to story keys (``merge_entities``)."""
    claims = [c for group in claims_by_article.values() for c in group]
    if not claims:
        return []
    for claim in claims:
        _remap(claim, entity_remap or {}, published or {})
    groups = _groups(claims, _links(claims, embedder))
    roots = _roots(claims, near_dup_of or {})
    return [_aligned(members, score, roots, embedder) for members, score in groups]


def _remap(claim: Claim, remap: dict[str, str], published: dict[str, str | None]) -> None:
    def story_keys(keys):
        return list(dict.fromkeys(remap.get(k, k) for k in keys))
    claim.entities, claim.places, claim.persons = map(story_keys, (claim.entities, claim.places, claim.persons))
    claim.published = published.get(claim.article_id) or claim.published


# ---- similarity and links ----------------------------------------------------

def _windows(claim: Claim) -> list[str]:
    part = claim.quoted or claim.span
    words = part.text.split()
    if len(words) <= WINDOW_WORDS:
        return [part.text]
    starts = range(0, len(words) - WINDOW_WORDS + WINDOW_STRIDE, WINDOW_STRIDE)
    return [" ".join(words[i:i + WINDOW_WORDS]) for i in starts]


def claim_similarity(claims: list[Claim], embedder) -> tuple[np.ndarray, np.ndarray]:
    """Best window cosine and whole-claim cosine between every two claims."""
    windows = [_windows(c) for c in claims]
    vectors = embedder.encode([w for ws in windows for w in ws] + [(c.quoted or c.span).text for c in claims])
    n_windows = len(vectors) - len(claims)
    starts = np.r_[0, np.cumsum([len(w) for w in windows])[:-1]]
    cos = vectors[:n_windows] @ vectors[:n_windows].T
    best = np.maximum.reduceat(np.maximum.reduceat(cos, starts, axis=0), starts, axis=1)
    return best, vectors[n_windows:] @ vectors[n_windows:].T


def _scores(claims: list[Claim], embedder) -> np.ndarray:
    windows, whole = claim_similarity(claims, embedder)
    scores = windows + SENTENCE_WEIGHT * whole + ENTITY_BONUS * _shared([c.entities for c in claims], ENTITY_BONUS_CAP)
    people = _shared([c.persons for c in claims], 99)
    counts = np.array([len(c.persons) for c in claims])
    scores += PERSON_BONUS * people / np.maximum(np.minimum.outer(counts, counts), 1)
    scores += PHRASE_BONUS * _shared([c.phrases for c in claims], 1)
    scores += NUMBER_BONUS * _shared([_telling_numbers(c) for c in claims], 1)
    for i, j in combinations(range(len(claims)), 2):
        if _other_speaker(claims[i], claims[j]) or _other_month(claims[i], claims[j]):
            scores[i, j] = scores[j, i] = scores[i, j] - MISMATCH_PENALTY
    return scores


def _shared(key_lists: list, cap: int) -> np.ndarray:
    """How many keys each two claims share, at most ``cap``."""
    keys = sorted({k for claim_keys in key_lists for k in claim_keys})
    column = {k: n for n, k in enumerate(keys)}
    has = np.zeros((len(key_lists), len(keys)), dtype=np.float32)
    for i, claim_keys in enumerate(key_lists):
        has[i, [column[k] for k in claim_keys]] = 1.0
    return np.minimum(has @ has.T, cap)


def _telling_numbers(claim: Claim) -> set[float]:
    """Numbers two outlets rarely share by chance ("129 people on board" /
    "which had 129 people on board")."""
    return {q.value for q in claim.numbers if q.value >= MIN_TELLING_NUMBER}


def _other_speaker(a: Claim, b: Claim) -> bool:
    """Two quotes from different people are two facts, however alike the words."""
    return bool(a.attributed and b.attributed and a.speaker and b.speaker and a.speaker != b.speaker)


def _other_month(a: Claim, b: Claim) -> bool:
    """Dated months apart: another occasion ("met in February" vs "meet on Thursday")."""
    months_a, months_b = ({d[:7] for d in c.dates if len(d) >= 7} for c in (a, b))
    return bool(months_a and months_b and not months_a & months_b)


def _links(claims: list[Claim], embedder) -> list[tuple[float, int, int]]:
    """Linked claim pairs of different articles, best first."""
    scores = _scores(claims, embedder)
    article_ids = sorted({c.article_id for c in claims})
    article = np.array([article_ids.index(c.article_id) for c in claims])
    other = article[:, None] != article[None, :]
    best = np.stack([np.where(article == a, scores, -np.inf).max(axis=1) for a in range(len(article_ids))], axis=1)
    near_best = scores >= best[:, article] - BEST_MARGIN  # j is (nearly) i's best match in j's article
    linked = other & ((scores >= STRONG_SCORE) | ((scores >= LINK_SCORE) & (near_best | near_best.T)))
    rows, cols = np.nonzero(np.triu(linked, 1))
    return sorted(((float(scores[i, j]), int(i), int(j)) for i, j in zip(rows, cols)), reverse=True)


def _groups(claims: list[Claim], links: list[tuple[float, int, int]]) -> list[tuple[list[Claim], float]]:
    group_of: dict[int, int] = {}
    groups: list[tuple[list[int], float]] = []
    extra = []
    for score, i, j in links:
        if _join(groups, group_of, i, j, score, claims):
            continue
        extra.append(([i, j], score))
    singles = [([i], 1.0) for i in range(len(claims)) if i not in group_of and not any(i in e for e, _ in extra)]
    live = [g for g in groups if g[0]]  # a group joined into another is left empty
    ordered = sorted(live + extra + singles, key=lambda g: min(g[0]))
    return [([claims[k] for k in sorted(members)], score) for members, score in ordered]


def _join(groups, group_of, i, j, score, claims) -> bool:
    """Put the linked claims in one group unless that puts two claims of one article together."""
    gi, gj = group_of.get(i), group_of.get(j)
    if gi is None and gj is None:
        group_of[i] = group_of[j] = len(groups)
        groups.append(([i, j], score))
        return True
    if gi == gj:
        return True
    members = (groups[gi][0] if gi is not None else [i]) + (groups[gj][0] if gj is not None else [j])
    if len({claims[k].article_id for k in members}) < len(members):
        return False
    target = gi if gi is not None else gj
    groups[target] = (members, min(groups[target][1], score))
    if gi is not None and gj is not None:
        groups[gj] = ([], 0.0)
    for k in members:
        group_of[k] = target
    return True


# ---- independence and status -------------------------------------------------

def _roots(claims: list[Claim], near_dup_of: dict[str, str | None]) -> dict[str, str]:
    """Each article's independence key: the outlet of the original it copies."""
    outlet_of = {c.article_id: c.outlet for c in claims}
    roots = {}
    for article in outlet_of:
        original, seen = article, set()
        while near_dup_of.get(original) and original not in seen:
            seen.add(original)
            original = near_dup_of[original]
        roots[article] = outlet_of.get(original, original)
    return roots


def _aligned(members: list[Claim], score: float, roots: dict[str, str], embedder) -> AlignedClaim:
    outlets = list(dict.fromkeys(roots[c.article_id] for c in members))
    collapsed = _collapsed(members, roots)
    fact = AlignedClaim(members, "corroborated" if len(outlets) > 1 else "single-source",
                        all(c.attributed for c in members), len(outlets), outlets, collapsed, score=score)
    if len(outlets) > 1:
        _mark_disagreement(fact, roots, embedder)
    return fact


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


def _mark_disagreement(fact: AlignedClaim, roots: dict[str, str], embedder) -> None:
    for a, b in combinations(fact.claims, 2):
        if roots[a.article_id] == roots[b.article_id]:
            continue
        clash = _clash(a, b)
        if clash and _same_frame(a, b, embedder):
            slot, value_a, value_b = clash
            sides = sorted([SlotValue(value_a, a), SlotValue(value_b, b)], key=lambda v: v.claim.published or "")
            updated = (a.published or "") != (b.published or "") and a.published and b.published
            fact.status, fact.slot, fact.values = ("updated" if updated else "conflicting"), slot, sides
            return


# ---- slots -------------------------------------------------------------------

def _clash(a: Claim, b: Claim) -> tuple[str, str, str] | None:
    """The first slot both claims fill with incompatible values."""
    for slot, values_a in _slots(a).items():
        values_b = _slots(b).get(slot)
        if values_b and not values_a & values_b and len(values_a) == len(values_b) == 1:
            return slot, next(iter(values_a)), next(iter(values_b))
    return None


def _slots(claim: Claim) -> dict[str, set[str]]:
    slots: dict[str, set[str]] = {}
    for quantity in claim.numbers:
        slots.setdefault("number:" + (quantity.slot or "?"), set()).add(_number_text(quantity))
    days = {d[:10] for d in claim.dates if len(d) >= 10}
    cities = {p for p in claim.places if p.startswith("city:")}
    for name, values in (("date", days), ("place", cities), ("person", set(claim.persons))):
        if values:
            slots[name] = values
    return slots


def _number_text(quantity: Quantity) -> str:
    return f"{quantity.value:g}"


def _same_frame(a: Claim, b: Claim, embedder) -> bool:
    """Near paraphrases once the values themselves are hidden."""
    vectors = embedder.encode([_masked(a), _masked(b)])
    return float(vectors[0] @ vectors[1]) >= FRAME_SCORE


def _masked(claim: Claim) -> str:
    text, base = claim.span.text, claim.span.start
    cuts = sorted([(q.span.start - base, q.span.end - base) for q in claim.numbers], reverse=True)
    for start, end in cuts:
        text = text[:start] + "N" + text[end:]
    return re.sub(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", "DAY", text)
