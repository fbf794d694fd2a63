"""A story's cited summary and its timeline of dated facts, from aligned claims.

Every summary sentence is a sentence of one of the articles, chosen to stand
for one fact, and cites the articles whose claim of that fact states what the
sentence says (``states``): alignment joins claims that share a fact, but a
claim may say more or less than the chosen sentence (a topic match, a figure
that differs), and a citation vouches for the sentence, not the fact's topic. Facts are
ranked by how many independent outlets report them, then by how central they
are to the story (closeness to the story's centre in embedding space, and a
place in an article's lead); a sentence too close to one already chosen is a
repetition and is left out. Conflicting facts are not summarised: the claims
table shows both sides.

The record keeps up to ``MAX_SUMMARY`` ranked sentences; a view shows the first
N (``summary_sentences``), which is the same as ranking for N directly because
selection is greedy. Nothing is encoded here: each sentence's vector is the
one stored with its article (``vector_of``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from .align import AlignedClaim, content_words
from .captions import is_caption
from .claims import Claim
from .disagreement import claim_measures, compare

MAX_SUMMARY = 20
# Summary candidates: the best-ranked facts by corroboration and position,
# enough for 20 sentences after repetitions are dropped.
CANDIDATES = 80
# all-MiniLM-L6-v2 puts two wordings of one fact at about 0.75 and above;
# two different facts of one story rarely reach it. The static vectors'
# whole-sentence cosines sit on the same scale (quantiles within 0.03 of
# MiniLM's on same-story sentence pairs: scripts/calibrate_static.py).
REPEAT_COSINE = 0.75
LEAD_SENTENCES = 3  # an article's first sentences carry its main facts (inverted pyramid)
LEAD_BONUS = 0.1
# A summary sentence must stand alone: not open on a pronoun or a connective
# that points to a sentence the reader does not see, nor be a fragment.
_DANGLING = re.compile(r"^(?:he|she|it|they|his|her|its|their|this|that|these|those|but|and|or|so|also|"
                       r"however|meanwhile|still|yet|then|there|here)\b", re.IGNORECASE)
MIN_WORDS, MAX_WORDS = 6, 60
# A claim is cited for a summary sentence when their whole-sentence vectors
# are this close (restatements of one fact sit at 0.75 and above, see
# REPEAT_COSINE; claims joined on a shared phrase or topic sit lower).
CITE_COSINE = 0.7
# Words in quotation marks are one source's exact words: an article vouches
# for a sentence quoting them only if its own sentence carries them too
# (most of their words: "no-limits" vs "no limits", a dropped article). An
# outlet reporting the meeting does not vouch for what Xi was quoted saying
# at it ("great powers").
_QUOTED = re.compile(r"[“\"]([^“”\"]{2,})[”\"]|‘([^‘’]{2,})’")
QUOTE_WORDS_CARRIED = 0.8


def summarize(facts: list[AlignedClaim], vector_of, lead: set, *, limit: int = MAX_SUMMARY) -> list[dict]:
    """Up to ``limit`` summary sentences, most corroborated and most central
    first, from the best-ranked candidate facts (``summary_key`` order, at most
    ``CANDIDATES``). ``vector_of(claim)``: the claim's stored unit vector;
    ``lead``: the keys of the articles' first ``LEAD_SENTENCES`` claims."""
    ranked = [(fact, _representative(fact, lead)) for fact in facts]
    if not ranked:
        return []
    vectors = np.vstack([vector_of(claim) for _, claim in ranked])
    centre = _centre(vectors, [fact.independent_sources for fact, _ in ranked])

    def rank(i: int) -> tuple[int, float]:
        fact, claim = ranked[i]
        return -fact.independent_sources, -(float(vectors[i] @ centre) + LEAD_BONUS * (claim.key in lead))

    chosen: list[int] = []
    for i in sorted(range(len(ranked)), key=rank):
        if len(chosen) == limit:
            break
        # a sentence standing for two facts is shown once; a near-paraphrase is a repetition
        if all(ranked[j][1].key != ranked[i][1].key and float(vectors[i] @ vectors[j]) < REPEAT_COSINE
               for j in chosen):
            chosen.append(i)
    return [_sentence_view(*ranked[i], vector_of) for i in chosen]


def lead_keys(claims: list[Claim]) -> set:
    """The keys of an article's lead claims: those of its first
    ``LEAD_SENTENCES`` sentences (a sentence may hold several claims; its
    headline is not one of them)."""
    first = sorted({c.span.start for c in claims if c.kind != "headline"})[:LEAD_SENTENCES]
    return {c.key for c in claims if c.span.start in first}


def summary_key(fact: AlignedClaim, lead: set) -> tuple | None:
    """Where a fact ranks as a summary candidate (lower first), or None if it
    cannot stand in the summary; ties keep the facts' order."""
    claim = _representative(fact, lead) if fact.status != "conflicting" else None
    return None if claim is None else (-fact.independent_sources, claim.key not in lead)


def _representative(fact: AlignedClaim, lead: set) -> Claim | None:
    """The fact's clearest sentence: standalone, in a lead if possible; for an
    update, the latest value. Kept with the fact: a fact is rebuilt when its
    claims change, and whether a claim is in its article's lead never does."""
    if "representative" not in fact.cache:
        fact.cache["representative"] = _clearest(fact, lead)
    return fact.cache["representative"]


def _clearest(fact: AlignedClaim, lead: set) -> Claim | None:
    if fact.status == "updated" and fact.values:
        latest = fact.values[-1].claim
        return latest if _standalone(latest) else None
    usable = [c for c in fact.claims if _standalone(c)]
    return min(usable, key=lambda c: (c.key not in lead, -_carried_by(c, fact), -_shared(c, fact),
                                      abs(len(c.span.text.split()) - 25)), default=None)


def _shared(claim: Claim, fact: AlignedClaim) -> float:
    """How much of what the fact's other claims say this one says too: the
    mean share of its content words in each other claim, to one decimal (a
    tie goes to the sentence of a usual length). Of a tram crash's leads,
    "Seven people have died and dozens more have been injured after a tram
    overturned" says what the others say; a passenger "was travelling on the
    tram when it flipped" does not."""
    mine = _content(claim.span.text)
    others = [_content(c.span.text) for c in fact.claims if c.article_id != claim.article_id]
    if not mine or not others:
        return 0.0
    return round(sum(len(mine & theirs) / len(mine) for theirs in others) / len(others), 1)


@lru_cache(maxsize=1 << 16)
def _content(text: str) -> frozenset[str]:
    return content_words(text)


def _carried_by(claim: Claim, fact: AlignedClaim) -> int:
    """How many of the fact's other articles carry the claim's quoted words:
    of two lead sentences, one all of them can be cited for stands for the
    fact best (a lead's place still comes first: a sentence from deeper down
    is more often a loose member of the fact)."""
    others = [c for c in fact.claims if c.article_id != claim.article_id]
    if _quoted_words(claim.span.text):  # else every restatement carries it
        others = [c for c in others if carries_quotes(c, claim)]
    return len({c.article_id for c in others})


def carries_quotes(claim: Claim, sentence: Claim) -> bool:
    """Whether ``claim``'s sentence holds most words of each phrase that
    ``sentence`` puts in quotation marks (true when it quotes nothing)."""
    words = _words(claim.span.text)
    return all(len(quoted & words) >= QUOTE_WORDS_CARRIED * len(quoted) for quoted in _quoted_words(sentence.span.text))


# A story's record is refreshed fact by fact as it grows, and the same
# sentences are read again each time (a 200-article build read 1.9 million
# pairs of them, two thirds of its time): their words are read once.
_TEXTS_KEPT = 1 << 16


@lru_cache(maxsize=_TEXTS_KEPT)
def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


@lru_cache(maxsize=_TEXTS_KEPT)
def _quoted_words(text: str) -> tuple[frozenset[str], ...]:
    """The words of each phrase ``text`` puts in quotation marks."""
    phrases = (frozenset(re.findall(r"\w+", (m.group(1) or m.group(2)).lower())) for m in _QUOTED.finditer(text))
    return tuple(words for words in phrases if words)


def _standalone(claim: Claim) -> bool:
    words = claim.span.text.split()
    return (claim.kind != "headline" and MIN_WORDS <= len(words) <= MAX_WORDS and not _DANGLING.match(claim.span.text)
            and not claim.span.text.rstrip().endswith("?") and not is_caption(claim.span.text)
            and quotes_balanced(claim.span.text))


def quotes_balanced(text: str) -> bool:
    """Whether every quotation the sentence opens, it closes: a sentence of a
    quote that runs on into the next ('"In the coming days, we will continue
    ...', Croydon) is a fragment of someone's words, not a sentence to show
    alone."""
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _centre(vectors: np.ndarray, weights: list[int]) -> np.ndarray:
    centre = (vectors * np.asarray(weights, dtype=np.float32)[:, None]).sum(axis=0)
    return centre / (np.linalg.norm(centre) or 1.0)


def _sentence_view(fact: AlignedClaim, claim: Claim, vector_of=None) -> dict:
    cited = [c for c in fact.claims if vector_of is None or states(c, claim, vector_of)]
    return {"text": claim.span.text, "article": claim.article_id, "outlet": claim.outlet,
            "start": claim.span.start, "end": claim.span.end, "status": fact.status,
            "attributed": fact.attributed,
            "independent_sources": len({c.outlet for c in cited if c.article_id not in fact.collapsed}),
            "citations": citations(fact, cited, claim)}


def states(claim: Claim, sentence: Claim, vector_of) -> bool:
    """Whether ``claim`` states what ``sentence`` (of the same fact) says:
    the sentence itself, or a close restatement that carries its quoted words
    and whose figures do not contradict it."""
    if claim.key == sentence.key:
        return True
    if float(vector_of(claim) @ vector_of(sentence)) < CITE_COSINE or not carries_quotes(claim, sentence):
        return False
    mine, theirs = claim_measures(claim), claim_measures(sentence)
    return not any(compare(mine[k], claim, theirs[k], sentence) for k in mine.keys() & theirs.keys())


def citations(fact: AlignedClaim, cited: list[Claim] | None = None, quoted: Claim | None = None) -> list[dict]:
    """The articles stating the fact (``cited``: those stating the summary
    sentence; default all): outlet, where, and the original a copy repeats;
    the ``quoted`` sentence's own article first (a reader following the first
    citation finds the words the summary shows)."""
    ordered = sorted(fact.claims if cited is None else cited, key=lambda c: c is not quoted)
    return [{"outlet": c.outlet, "article": c.article_id, "start": c.span.start, "end": c.span.end,
             **({"copy_of": fact.collapsed[c.article_id]} if c.article_id in fact.collapsed else {})}
            for c in ordered]


# ---- timeline ----------------------------------------------------------------

MAX_TIMELINE = 30
_DAY_OR_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def timeline_key(fact: AlignedClaim, lead: set) -> tuple | None:
    """Where a fact ranks for the timeline (lower first), or None if undated; ties keep the facts' order."""
    entry = _dated(fact, lead)
    return None if entry is None else (-fact.independent_sources, entry[2])


def timeline(facts: list[AlignedClaim], lead: set, vector_of=None) -> list[dict]:
    """Dated facts in date order, from the best-ranked dated facts
    (``timeline_key`` order, at most ``MAX_TIMELINE``): the date a sentence
    gives (not when the article was published), the words it is written as,
    the articles that state it (``vector_of`` as for ``summarize``; without
    it, all the fact's). A sentence with several dates is placed at its first."""
    kept = _one_per_sentence([_dated(fact, lead) for fact in facts])
    return [{"date": date, "written": written, **_sentence_view(fact, claim, vector_of)}
            for fact, claim, date, written in sorted(kept, key=lambda e: e[2])]


def _dated(fact: AlignedClaim, lead: set) -> tuple | None:
    if "dated" not in fact.cache:
        fact.cache["dated"] = _dated_claim(fact, lead)
    return fact.cache["dated"]


def _dated_claim(fact: AlignedClaim, lead: set) -> tuple | None:
    """(fact, sentence, date, its words): the representative sentence if it is
    dated, else the fact's first dated sentence; a date the sentence only
    measures from ("weeks before ... on Feb. 24") does not date it."""
    first = _representative(fact, lead)
    for claim in [first] + fact.claims if first else fact.claims:
        if is_caption(claim.span.text):
            continue
        references = claim.date_references or [False] * len(claim.dates)
        for value, text, reference in zip(claim.dates, claim.date_texts, references):
            if _DAY_OR_MONTH.match(value[:10]) and not reference:
                return fact, claim, value[:10], text
    return None


def _one_per_sentence(entries: list) -> list:
    seen, kept = set(), []
    for entry in entries:
        if entry[1].key not in seen:
            seen.add(entry[1].key)
            kept.append(entry)
    return kept
