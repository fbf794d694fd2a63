"""Claim alignment and status against hand-made gold.

A gold file names a story's articles and lists, by character offsets, the
sentences that state something; it says which sentences of different articles
state one fact and each fact's status. Two layouts:

- ``pairs`` + ``statuses`` (tests/data/seed_claims_gold.json): sentence pairs,
  some ``optional``, and a status per sentence; offsets into the cleaned text.
- ``facts`` (tests/data/claims_gold/news_cluster_event_*.json): groups of
  sentences stating one fact, each with a status, ``optional`` members, and
  ``copies`` (syndicated copies); offsets into the corpus's raw ``text``.

Scores: pair precision/recall/F1 (a predicted pair is right when the gold
links the two sentences, required or optional; recall counts required pairs),
per-sentence status accuracy (a sentence takes the strongest status of the
facts it is in or shown as a side of: conflicting > updated > corroborated >
single-source),
corroborated precision/recall, conflicting precision/recall, updated
precision/recall, disagreement precision/recall (conflicting and updated
together: a sentence the gold calls either, found as either) and attributed
precision/recall over sentences. Citation precision: for each summary
sentence, each article it cites is right when the gold says that article
states the sentence's fact (the two sentences are a gold pair, or are one
sentence); citations that fall outside the gold's sentences are not scored.

Each ratio has its counts beside it (``*_hits``, ``*_predicted``, ``*_gold``)
so scores can be pooled over stories (``pooled``) as well as averaged.
"""

from __future__ import annotations

import json
import re
from itertools import combinations
from pathlib import Path

from ..config import Options
from ..errors import EvalError
from .metrics import f1_score, prf

STATUS_RANK = {"conflicting": 3, "updated": 2, "corroborated": 1, "single-source": 0}


# ---- gold --------------------------------------------------------------------

def load_gold(path: Path) -> dict:
    try:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EvalError(f"gold file not found: {path}") from exc
    except json.JSONDecodeError as exc:
        raise EvalError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    missing = [k for k in ("articles", "sentences") if k not in gold]
    if missing or not ("facts" in gold or "pairs" in gold):
        raise EvalError(f"{path}: not a claims gold file (needs articles, sentences and facts or pairs)")
    return gold


def gold_pairs(gold: dict) -> tuple[set, set]:
    """(required pairs, optional pairs) of (name, start, end) sentences."""
    if "pairs" in gold:
        pairs = {frozenset((tuple(p["a"]), tuple(p["b"]))): bool(p.get("optional")) for p in gold["pairs"]}
        return {p for p, optional in pairs.items() if not optional}, {p for p, optional in pairs.items() if optional}
    required, optional = set(), set()
    for fact in gold["facts"]:
        members = [tuple(m) for m in fact["sentences"]]
        extra = [tuple(m) for m in fact.get("optional", [])]
        required |= _cross(members)
        optional |= _cross(members + extra) - _cross(members)
    return required, optional - required


def _cross(members: list[tuple]) -> set:
    return {frozenset((a, b)) for a, b in combinations(members, 2) if a[0] != b[0]}


def gold_statuses(gold: dict) -> dict[tuple, str]:
    """Each scored sentence's status."""
    if "statuses" in gold:
        return {tuple(item["sentence"]): item["status"] for item in gold["statuses"]}
    status = {(name, s, e): "single-source" for name, spans in gold["sentences"].items() for s, e in spans}
    for fact in gold["facts"]:
        for member in map(tuple, fact["sentences"]):
            if STATUS_RANK[fact["status"]] > STATUS_RANK[status[member]]:
                status[member] = fact["status"]
    optional_only = {tuple(m) for f in gold["facts"] for m in f.get("optional", [])} - {
        tuple(m) for f in gold["facts"] for m in f["sentences"]}
    return {k: v for k, v in status.items() if k not in optional_only}


# ---- locating claims in the gold's text --------------------------------------

def locator(gold: dict, texts: dict[str, str]):
    """claim -> the gold sentence (name, start, end) it falls in, or None.

    ``texts``: article id -> the text the gold's offsets refer to (the cleaned
    text, or the corpus's raw text); a claim is found there by its words."""
    sentences = {name: [tuple(s) for s in spans] for name, spans in gold["sentences"].items()}
    names = {article_id: name for name, article_id in gold["articles"].items()}

    def locate(claim) -> tuple[str, int, int] | None:
        name = names.get(claim.article_id)
        start = find_text(texts.get(claim.article_id, ""), claim.span.text, claim.span.start)
        inside = [s for s in sentences.get(name, []) if start is not None and s[0] <= start < s[1]]
        return (name, *inside[0]) if inside else None
    return locate


def find_text(text: str, wanted: str, hint: int = 0) -> int | None:
    """Where ``wanted`` starts in ``text``, allowing for different whitespace."""
    if text[hint:hint + len(wanted)] == wanted:
        return hint
    pattern = r"\s+".join(re.escape(word) for word in wanted.split())
    match = re.search(pattern, text)
    return match.start() if match else None


# ---- scores ------------------------------------------------------------------

def score_alignment(predicted: list, gold: dict, locate) -> dict:
    """Pair, status, corroborated, conflicting and attributed scores of
    aligned facts (``AlignedClaim`` list) against one gold file."""
    required, optional = gold_pairs(gold)
    found = {p for fact in predicted for p in _pairs(fact, locate)}
    precision = len(found & (required | optional)) / len(found) if found else 0.0
    recall = len(found & required) / len(required) if required else 0.0
    scores = {"pair_precision": precision, "pair_recall": recall, "pair_f1": f1_score(precision, recall),
              "pairs_predicted": len(found), "pairs_gold": len(required)}
    statuses = gold_statuses(gold)
    scores.update(_status_scores(predicted, statuses, locate))
    if "attributed" in gold:
        scores.update(_attributed_scores(predicted, gold, set(statuses), locate))
    return scores


def _pairs(fact, locate) -> set:
    located = [locate(c) for c in fact.claims + fact.restated]
    return {frozenset((x, y)) for x, y in combinations(located, 2) if x and y and x[0] != y[0]}


def predicted_statuses(predicted: list, locate) -> dict[tuple, str]:
    """Each located sentence's strongest status: of the facts it is in, and
    of a conflict or update that shows it as one side (``values``), as the
    claims table does."""
    status: dict[tuple, str] = {}
    for fact in predicted:
        sides = [v.claim for v in fact.values] if fact.status in ("conflicting", "updated") else []
        for claim in fact.claims + fact.restated + sides:
            where = locate(claim)
            if where and STATUS_RANK[fact.status] >= STATUS_RANK.get(status.get(where, ""), -1):
                status[where] = fact.status
    return status


def _status_scores(predicted: list, wanted: dict[tuple, str], locate) -> dict:
    status = predicted_statuses(predicted, locate)
    scores = {"status_accuracy": sum(status.get(k) == v for k, v in wanted.items()) / len(wanted) if wanted else 0.0,
              "sentences_scored": len(wanted)}
    for name, kinds in (("corroborated", {"corroborated"}), ("conflicting", {"conflicting"}),
                        ("updated", {"updated"}), ("disagreement", {"conflicting", "updated"})):
        gold = {k for k, v in wanted.items() if v in kinds}
        said = {k for k in wanted if status.get(k) in kinds}
        precision, recall, _ = prf(len(said & gold), len(said), len(gold))
        # a story that predicts (holds) none has no precision (recall) to
        # average: None, not 0 (news_cluster event 4 has no corroborated
        # sentence, and a 0 there read as a fault the story does not have)
        scores.update({f"{name}_precision": precision if said else None,
                       f"{name}_recall": recall if gold else None})
        scores[f"{name}_hits"], scores[f"{name}_gold"], scores[f"{name}_predicted"] = \
            len(said & gold), len(gold), len(said)
    return scores


def citation_scores(summary: list[dict], gold: dict, locate_key) -> dict:
    """Per cited article of each summary sentence: does the gold say it
    states that sentence's fact? ``locate_key(article id, start)``: the gold
    sentence a claim starting there falls in, or None."""
    required, optional = gold_pairs(gold)
    pairs, right, cited = required | optional, 0, 0
    for sentence in summary:
        stated = locate_key(sentence["article"], sentence["start"])
        for citation in sentence["citations"] if stated else []:
            where = locate_key(citation["article"], citation["start"])
            if where is not None:
                cited += 1
                right += where == stated or frozenset((where, stated)) in pairs
    return {"citation_precision": right / cited if cited else 0.0, "citation_hits": right,
            "citation_predicted": cited}


def _attributed_scores(predicted: list, gold: dict, scored: set, locate) -> dict:
    wanted = {tuple(s) for s in gold["attributed"]}
    said = {where for fact in predicted for claim in fact.claims if claim.attributed
            for where in [locate(claim)] if where in scored}
    precision, recall, _ = prf(len(said & wanted), len(said), len(wanted & scored))
    return {"attributed_precision": precision, "attributed_recall": recall}


def average(per_story: dict[str, dict]) -> dict:
    """Macro average of each score over the stories where it is defined
    (None: nothing predicted, or nothing in the gold); counts are summed."""
    keys = sorted({k for scores in per_story.values() for k in scores})
    mean = {}
    for key in keys:
        values = [s[key] for s in per_story.values() if s.get(key) is not None]
        counted = key.endswith(("_gold", "_predicted", "_scored", "_hits"))
        mean[key] = sum(values) if counted else round(sum(values) / len(values), 3) if values else None
    return mean


# Ratios that have their counts beside them: (name, hits over predicted, over gold).
_POOLED = ("corroborated", "conflicting", "updated", "disagreement", "citation")


def pooled(per_story: dict[str, dict]) -> dict:
    """Each counted ratio over all stories' sentences at once (a story with
    many conflicting sentences weighs more than one with few)."""
    total = average(per_story)
    scores = {}
    for name in _POOLED:
        hits = total.get(f"{name}_hits", 0)
        predicted, gold = total.get(f"{name}_predicted", 0), total.get(f"{name}_gold")
        scores[f"{name}_precision"] = round(hits / predicted, 3) if predicted else 0.0
        if gold is not None:
            scores[f"{name}_recall"] = round(hits / gold, 3) if gold else 0.0
    return scores


# ---- the evaluation ----------------------------------------------------------

def evaluate_claims(gold_paths: list[Path], *, data: Path | None = None, static=None,
                    progress=None) -> dict:
    """Align each gold story's articles as newsfuse does and score them.

    ``data``: the folder the gold's ``corpus`` path is relative to (the shared
    benchmark data); a gold without ``corpus`` uses the bundled seed example.
    """
    from ..static_embed import StaticEmbedder

    static = static or StaticEmbedder()
    per_story = {}
    for done, path in enumerate(gold_paths, start=1):
        gold = load_gold(path)
        per_story[Path(path).stem] = score_story(gold, static, data)
        if progress:
            progress(done, len(gold_paths))
    return {"stories": per_story, "mean": average(per_story), "pooled": pooled(per_story)}


def score_story(gold: dict, static, data: Path | None) -> dict:
    """Build the gold story's articles as ingest does, align their claims, score them."""
    from ..analyze.article import analyze_articles

    articles, ids, texts = story_articles(gold, data)
    articles.sort(key=lambda a: (a.published is None, a.published or ""))  # ingest's order
    return score_built(gold, article_claims_of(articles, list(analyze_articles(articles)), static), ids, texts)


def score_built(gold: dict, aligned: list, ids: dict[str, str], texts: dict[str, str]) -> dict:
    """Align the story's ``ArticleClaims`` in order and score the facts and the summary."""
    from ..align import StoryAlignment

    alignment = StoryAlignment()
    for article in aligned:
        alignment.add(article)
    gold = {**gold, "articles": ids}
    locate = locator(gold, texts)
    scores = score_alignment(alignment.facts(), gold, locate)
    claims = {(c.article_id, c.span.start): c for c in alignment.claims}
    scores.update(citation_scores(story_summary(alignment), gold,
                                  lambda article, start: locate(claims[article, start])))
    return scores


def story_summary(alignment) -> list[dict]:
    """The summary a story record would hold (story_record ranks the same way)."""
    from ..summary import CANDIDATES, lead_keys, summarize, summary_key

    lead = set().union(*(lead_keys(a.claims) for a in alignment.articles))
    keyed = [(summary_key(f, lead), i, f) for i, f in enumerate(alignment.facts())]
    ranked = [f for key, _, f in sorted((k for k in keyed if k[0] is not None), key=lambda k: k[:2])]
    return summarize(ranked[:CANDIDATES], alignment.whole_vector, lead)


def article_claims_of(articles: list, analyses: list, static) -> list:
    """What alignment reads of each article, with ingest's MinHash copy links."""
    from ..align import article_claims

    copies = minhash_copies(articles)
    return [article_claims(a, an, static, copy_of=copies[a.id]) for a, an in zip(articles, analyses)]


def story_articles(gold: dict, data: Path | None) -> tuple[list, dict[str, str], dict[str, str]]:
    """(articles as ingest cleans them, gold name -> article id, article id ->
    the text the gold's offsets refer to). Articles that clean to nothing
    (page chrome only) are left out, as ingest skips them."""
    from ..errors import InputError
    from ..ingest.article import to_article

    articles, ids, texts = [], {}, {}
    for name, item in _gold_items(gold, data):
        try:
            article = to_article(item)
        except InputError:
            continue
        articles.append(article)
        ids[name] = article.id
        texts[article.id] = item.content if gold.get("offsets") == "raw" else article.text
    return articles, ids, texts


def _gold_items(gold: dict, data: Path | None) -> list[tuple[str, object]]:
    """(gold name, RawItem) of each article the gold names."""
    from ..ingest.sources import iter_raw_items, jsonl_record

    corpus = Path(data or ".") / gold.get("corpus", "")
    if not corpus.exists():
        raise EvalError(f"corpus not found: {corpus}", hint="pass --data, the folder the gold's corpus path is in")
    if corpus.is_dir():  # the seed example: articles named by file, gold ids are content ids
        items = {Path(i.origin).name: i for i in iter_raw_items([corpus]) if hasattr(i, "content")}
        return [(name, items[name]) for name in gold["articles"] if name in items]
    wanted = {article_id: name for name, article_id in gold["articles"].items()}
    found = []
    with open(corpus, "rb") as lines:
        for number, line in enumerate(lines, start=1):
            row = json.loads(line)
            if row.get("id") in wanted:
                found.append((wanted[row["id"]], jsonl_record(f"{corpus}:{number}", line)))
    return found


def minhash_copies(articles: list) -> dict[str, str | None]:
    """Each article's syndicated original among the articles before it, as
    ingest's MinHash finds it (copies within a story are found by alignment)."""
    from .. import dedup

    options, seen, original = Options(), {}, {}
    for article in articles:
        sig = dedup.signature(article.text, options)
        original[article.id] = dedup.best_near_duplicate(sig, seen, options)
        seen[article.id] = sig.tobytes()
    return original
