"""The story record: one JSON document per story, built from its stored
articles and analyses and stored beside them.

It holds the story's title, dates, outlets and articles, the analysis (when,
where, who, events, quotes), the claims table (facts aligned across outlets,
with status and evidence), the cited summary and the timeline. A record
remembers the key of what it was built from (article ids, syndication links,
analysis versions, ``RECORD_VERSION``); when the story gains an article or an
article is re-analysed, the key changes and the record is rebuilt.
"""

from __future__ import annotations

import hashlib
import json

from .records import Analysis
from .store import Store

# Bump when the record's content or the way it is built changes: stored
# records of an older version are rebuilt.
RECORD_VERSION = 1
_STATUS_ORDER = {"conflicting": 0, "updated": 1, "corroborated": 2, "single-source": 3}


def source_key(store: Store, story_id: str) -> str:
    """What a record of this story is built from, as a short hash."""
    links = store.story_copy_links(story_id)
    versions = store.analysis_versions(links)
    parts = [RECORD_VERSION, [(article, original, versions.get(article)) for article, original in links.items()]]
    return hashlib.sha1(json.dumps(parts).encode()).hexdigest()[:20]


def stored_if_current(store: Store, story_id: str) -> dict | None:
    """The stored record if it was built from what the story holds now."""
    stored = store.story_record(story_id)
    if stored and stored["version"] == RECORD_VERSION and stored["source_key"] == source_key(store, story_id):
        return stored["data"]
    return None


def build_story_record(store: Store, story_id: str, embedder) -> dict:
    """The record of one live story (no article texts or per-article analyses:
    views add those from the store)."""
    from .query import story_header

    rows = store.story_articles(story_id)
    record = story_header(store, story_id, rows)
    analysed = _analysed_articles(store, rows)
    record["analysis"] = _combined(analysed, len(rows))
    facts = story_facts(analysed, rows, embedder) if analysed else None
    record.update(_fact_sections(facts, embedder))
    return record


def _analysed_articles(store: Store, rows: list[dict]) -> list:
    from .pipeline import stored_article

    stored = store.analyses(r["id"] for r in rows)
    return [(stored_article(r), Analysis.from_dict(stored[r["id"]])) for r in rows if r["id"] in stored]


def _combined(analysed: list, n_articles: int) -> dict | None:
    if not analysed:
        return None
    from .analyze.story import combine  # no spaCy: works on stored analyses

    combined = combine([analysis for _, analysis in analysed])
    combined["analysed_articles"] = len(analysed)
    combined["unanalysed_articles"] = n_articles - len(analysed)
    return combined


def story_facts(analysed: list, rows: list[dict], embedder) -> list:
    """The story's claims aligned across its articles (``AlignedClaim`` list)."""
    from .align import align_claims, extract_claims
    from .analyze.entities import merge_entities
    from .dedup import story_copies

    _, remap = merge_entities([analysis.entities for _, analysis in analysed])
    copies = story_copies([a for a, _ in analysed], {r["id"]: r["near_dup_of"] for r in rows})
    return align_claims({a.id: extract_claims(a, analysis) for a, analysis in analysed}, embedder=embedder,
                        entity_remap=remap, near_dup_of=copies)


def _fact_sections(facts: list | None, embedder) -> dict:
    if facts is None:
        return {"claims": None, "claim_counts": None, "summary": [], "timeline": []}
    from .summary import summarize, timeline

    claims = sorted((fact_view(f) for f in facts), key=lambda f: (_STATUS_ORDER[f["status"]],
                                                                  -f["independent_sources"]))
    counts = {status: sum(f["status"] == status for f in claims) for status in _STATUS_ORDER}
    return {"claims": claims, "claim_counts": counts, "summary": summarize(facts, embedder),
            "timeline": timeline(facts)}


def fact_view(fact) -> dict:
    """One aligned fact as plain data: status, outlets, evidence (and the two sides of a disagreement)."""
    view = {"status": fact.status, "attributed": fact.attributed, "independent_sources": fact.independent_sources,
            "outlets": fact.outlets, "collapsed": fact.collapsed, "speakers": fact.speakers,
            "evidence": [_claim_view(c) for c in fact.claims]}
    if fact.slot:
        view["slot"] = fact.slot
        view["values"] = [{"value": v.value, **_claim_view(v.claim)} for v in fact.values]
    return view


def _claim_view(claim) -> dict:
    return {"article": claim.article_id, "outlet": claim.outlet, "start": claim.span.start, "end": claim.span.end,
            "text": claim.span.text, "published": claim.published, "speaker": claim.speaker}
