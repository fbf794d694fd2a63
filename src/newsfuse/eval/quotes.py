"""Quote-attribution quality on PolNeAR-shaped files (``polnear_dev.jsonl``).

Each line is one article: ``id``, ``text`` and gold ``attributions``, each
with ``source``, ``cue`` and ``content`` spans that may be null or
discontinuous (``spans``: a list of ``[start, end]`` fragments).

What is measured, per role (source, cue, content) and for all roles pooled:

- a span is its set of fragments, normalised: each fragment is trimmed of
  non-alphanumeric characters at its edges, and fragments separated only by
  whitespace or punctuation are merged. So ``“Yes,”`` and ``Yes`` are the same
  span, and ``["“A,”", "“B.”"]`` equals ``["A", "B"]`` but not ``"A,” he
  said, “B"``;
- exact match: a predicted span and a gold span of the same role and the same
  article are equal after normalisation;
- overlap match: they share at least one character after normalisation;
- matching is one-to-one within a role (overlap: largest overlap first), so a
  gold span is credited once however many predictions touch it;
- precision = matches / predicted spans, recall = matches / gold spans. A
  null span (no source, no cue) is simply not a span of that role.

``all_*`` pools the matches and counts of the three roles, as Citron's
"all spans" figures do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from .corpus import load_jsonl
from .metrics import match_one_to_one, prf

ROLES = ("source", "cue", "content")
Fragments = tuple[tuple[int, int], ...]


def load_docs(path) -> list[dict]:
    """Rows of a PolNeAR-shaped JSONL file; EvalError if missing or malformed."""
    return load_jsonl(path, _check_row, what="quote-attribution document",
                      example="shared/data/quotes/polnear_dev.jsonl",
                      needs="'text' and 'attributions' with source/cue/content spans "
                            "(null or {'spans': [[start, end], ...]})")


def _check_row(row: dict) -> None:
    row["text"].strip()
    for attribution in row["attributions"]:
        for role in ROLES:
            if attribution[role] is not None:
                [(int(s), int(e)) for s, e in attribution[role]["spans"]]


def evaluate_quotes(path, *, docs: Iterable[dict] | None = None,
                    progress: Callable[[int, int], None] | None = None) -> dict:
    """Span scores of ``find_attributions`` on ``docs`` (default: every row of ``path``).

    Rows may carry a pre-parsed spaCy Doc under ``"doc"`` (to avoid parsing again).
    """
    from ..analyze.nlp import load_nlp
    from ..analyze.quotes import find_attributions

    rows = list(docs) if docs is not None else load_docs(path)
    nlp = None
    triples = []
    for done, row in enumerate(rows, start=1):
        doc = row.get("doc")
        if doc is None:
            nlp = nlp or load_nlp()
            doc = nlp(row["text"])
        predicted = [a.as_dict() for a in find_attributions(doc)]
        triples.append((row["text"], row["attributions"], predicted))
        if progress is not None:
            progress(done, len(rows))
    return score_attributions(triples)


def score_attributions(triples: list[tuple[str, list[dict], list[dict]]]) -> dict:
    """Scores over (text, gold, predicted) attribution lists, one triple per article.

    An attribution is a dict with ``source``, ``cue`` and ``content``, each
    null or ``{"spans": [[start, end], ...]}``.
    """
    totals = {role: Counter() for role in ROLES}
    for text, gold, pred in triples:
        for role in ROLES:
            gold_spans = _role_spans(text, gold, role)
            pred_spans = _role_spans(text, pred, role)
            totals[role]["gold"] += len(gold_spans)
            totals[role]["pred"] += len(pred_spans)
            totals[role]["exact"] += _exact_matches(gold_spans, pred_spans)
            totals[role]["overlap"] += len(match_overlap(gold_spans, pred_spans))
    scores = {"n_docs": len(triples)}
    for role in ROLES:
        scores.update(_role_scores(role, totals[role]))
    scores.update(_role_scores("all", sum(totals.values(), Counter())))
    return scores


def _role_scores(name: str, counts: Counter) -> dict:
    scores = {f"{name}_n_gold": counts["gold"], f"{name}_n_pred": counts["pred"]}
    for kind in ("exact", "overlap"):
        p, r, f = prf(counts[kind], counts["pred"], counts["gold"])
        scores.update({f"{name}_{kind}_precision": p, f"{name}_{kind}_recall": r, f"{name}_{kind}_f1": f})
    return scores


def _role_spans(text: str, attributions: list[dict], role: str) -> list[Fragments]:
    spans = []
    for attribution in attributions:
        span = attribution.get(role)
        if span is not None:
            normalised = normalise(text, span["spans"])
            if normalised:
                spans.append(normalised)
    return spans


def normalise(text: str, fragments) -> Fragments:
    """Fragments trimmed of edge punctuation/space, sorted, merged across non-word gaps."""
    trimmed = sorted(t for t in (_trim(text, int(s), int(e)) for s, e in fragments) if t)
    merged: list[list[int]] = []
    for start, end in trimmed:
        if merged and not any(ch.isalnum() for ch in text[merged[-1][1]:start]):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if start < end else None


def _exact_matches(gold: list[Fragments], pred: list[Fragments]) -> int:
    return sum((Counter(gold) & Counter(pred)).values())


def match_overlap(gold: list[Fragments], pred: list[Fragments]) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs that share characters, largest overlap first."""
    return match_one_to_one(len(gold), len(pred), lambda i, j: _shared_chars(gold[i], pred[j]))


def _shared_chars(a: Fragments, b: Fragments) -> int:
    if a[-1][1] <= b[0][0] or b[-1][1] <= a[0][0]:
        return 0
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)
