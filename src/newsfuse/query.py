"""Read-side functions: stories and articles as plain data for any front end."""

from __future__ import annotations

from .records import Analysis
from .store import Store

_EXCERPT_CHARS = 280


def list_stories(store: Store) -> list[dict]:
    """Live stories, largest first: id, title, dates, article and outlet counts."""
    return store.stories()


def get_story(store: Store, story_id: str, *, with_text: bool = False) -> dict:
    """One story with its articles and merge history.

    ``story_id`` may be a unique prefix or the id of a story merged into
    another; the answer is the story it lives on in, with ``requested_id``
    saying what was asked.
    """
    resolved = store.resolve_story(store.find_story_id(story_id))
    row = store.story_row(resolved)
    articles = [_article_view(a, with_text) for a in store.story_articles(resolved)]
    outlets = sorted({a["source"] or "(unknown outlet)" for a in articles})
    (counts,) = store.stories(resolved)
    return {
        "id": resolved,
        "requested_id": story_id,
        "title": row["title"],
        "first_seen": row["first_seen"],
        "last_seen": row["last_seen"],
        "n_articles": counts["n_articles"],
        "n_sources": counts["n_sources"],
        "n_independent": counts["n_independent"],
        "outlets": outlets,
        "articles": articles,
        "merge_history": _merge_history(store, resolved),
        **_analysis_view(store, articles),
    }


def _analysis_view(store: Store, articles: list[dict]) -> dict:
    """The story's who/where/when/events/quotes, and what was read in each
    article; empty when its articles have not been analysed."""
    stored = store.analyses(a["id"] for a in articles)
    if not stored:
        return {"analysis": None}
    from .analyze.story import combine  # no spaCy: works on stored analyses

    for article in articles:
        article["analysis"] = stored.get(article["id"])
    combined = combine([Analysis.from_dict(stored[a["id"]]) for a in articles if a["id"] in stored])
    combined["analysed_articles"] = len(stored)
    return {"analysis": combined}


def _merge_history(store: Store, story_id: str) -> list[dict]:
    """Every id merged into this story, directly or through earlier merges."""
    history, frontier = [], [story_id]
    while frontier:
        into = frontier.pop()
        for merge in store.merges_into(into):
            history.append({"from": merge["from_id"], "into": merge["into_id"], "at": merge["merged_at"],
                            "reason": merge["reason"]})
            frontier.append(merge["from_id"])
    return sorted(history, key=lambda m: m["at"])


def _article_view(article: dict, with_text: bool) -> dict:
    view = {key: article[key] for key in ("id", "external_id", "source", "title", "url", "published",
                                          "published_from", "language", "near_dup_of", "origin")}
    view["urls"] = article["urls"]
    view["n_words"] = len(article["text"].split())
    view["removed_chrome"] = article["removed"]
    view["excerpt"] = article["text"][:_EXCERPT_CHARS] + ("…" if len(article["text"]) > _EXCERPT_CHARS else "")
    if with_text:
        view["text"] = article["text"]
    return view


def get_story_claims(store: Store, story_id: str, *, embedder=None) -> list[dict]:
    """The story's facts across its articles: each with its status
    (corroborated / single-source / conflicting / updated), whether it is only
    someone's words, the independent outlets, collapsed copies and evidence.

    Computed on demand from the stored analyses (loads the embedding model
    unless ``embedder`` is given); articles not yet analysed are left out.
    """
    from .align import align_claims, extract_claims
    from .analyze.entities import merge_entities
    from .embed import MiniLMEmbedder
    from .pipeline import stored_article

    resolved = store.resolve_story(store.find_story_id(story_id))
    rows = store.story_articles(resolved)
    stored = store.analyses(r["id"] for r in rows)
    analysed = [(stored_article(r), Analysis.from_dict(stored[r["id"]])) for r in rows if r["id"] in stored]
    _, remap = merge_entities([analysis.entities for _, analysis in analysed])
    facts = align_claims({a.id: extract_claims(a, analysis) for a, analysis in analysed},
                         embedder=embedder or MiniLMEmbedder(), entity_remap=remap,
                         near_dup_of={r["id"]: r["near_dup_of"] for r in rows})
    order = {"conflicting": 0, "updated": 1, "corroborated": 2, "single-source": 3}
    return sorted((_fact_view(f) for f in facts), key=lambda f: (order[f["status"]], -f["independent_sources"]))


def _fact_view(fact) -> dict:
    view = {"status": fact.status, "attributed": fact.attributed, "independent_sources": fact.independent_sources,
            "outlets": fact.outlets, "collapsed": fact.collapsed,
            "evidence": [_claim_view(c) for c in fact.claims]}
    if fact.slot:
        view["slot"] = fact.slot
        view["values"] = [{"value": v.value, **_claim_view(v.claim)} for v in fact.values]
    return view


def _claim_view(claim) -> dict:
    return {"article": claim.article_id, "outlet": claim.outlet, "start": claim.span.start, "end": claim.span.end,
            "text": claim.span.text, "speaker": claim.speaker}
