"""Train the quote-attribution models on PolNeAR train and write them as package data.

    python scripts/train_quotes.py ../shared/data/quotes/polnear_train.jsonl
    python scripts/train_quotes.py TRAIN.jsonl --holdout 5 --out /tmp/m.json.gz   # validate on 1/5

``--holdout K`` keeps every K-th article (sorted by id) out of training and
prints the scores of the trained models on it. ``--docbin FILE`` caches the
spaCy parses (created when absent). Deterministic: same input, same weights.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.tokens import DocBin

from newsfuse.analyze.nlp import load_nlp
from newsfuse.analyze.quotes import find_attributions
from newsfuse.analyze.quotes_model import (
    MODEL_PATH,
    ROLES,
    LinearModel,
    argument_candidates,
    argument_features,
    cue_candidates,
    cue_child_key,
    cue_features,
    keep_features,
    quote_mask,
)
from newsfuse.eval.quotes import load_docs, score_attributions

META = {"cue_threshold": 0.35, "source_threshold": 0.3, "content_threshold": 0.15}


def parse(rows, docbin: Path | None):
    nlp = load_nlp()
    if docbin is not None and docbin.exists():
        docs = list(DocBin().from_disk(docbin).get_docs(nlp.vocab))
        if len(docs) == len(rows):
            return docs
    docs = list(nlp.pipe((row["text"] for row in rows), batch_size=16))
    if docbin is not None:
        store = DocBin()
        for doc in docs:
            store.add(doc)
        store.to_disk(docbin)
    return docs


def span_head(doc, span):
    """The token of a gold span whose head lies outside the span."""
    if span is None:
        return None
    ids = set()
    for start, end in span["spans"]:
        chars = doc.char_span(start, end, alignment_mode="expand")
        ids.update(t.i for t in chars or ())
    heads = [i for i in sorted(ids) if doc[i].head.i not in ids or doc[i].head.i == i]
    words = [i for i in heads if not doc[i].is_punct]
    return doc[(words or heads)[0]] if heads else None


def gold_cues(doc, row) -> dict:
    cues = {}
    for attribution in row["attributions"]:
        head = span_head(doc, attribution["cue"])
        if head is not None:
            cues.setdefault(head.i, attribution)
    return cues


def examples(pairs):
    cue_x, cue_y, arg_x, arg_y, children = [], [], [], [], Counter()
    keep_x, keep_y = [], []
    for row, doc in pairs:
        cues, mask = gold_cues(doc, row), quote_mask(doc)
        for token in cue_candidates(doc):
            cue_x.append(cue_features(token, mask[token.i]))
            cue_y.append(int(token.i in cues))
        for i, attribution in cues.items():
            cue = doc[i]
            _count_cue_children(cue, attribution, children)
            heads = {role: span_head(doc, attribution[role]) for role in ("source", "content")}
            for token, path in argument_candidates(cue):
                arg_x.append(argument_features(cue, token, path))
                arg_y.append(next((r for r in ("source", "content") if heads[r] is not None and heads[r].i == token.i), "none"))
            for role, head in heads.items():
                if head is not None:
                    _keep_examples(doc, role, head, attribution[role], keep_x, keep_y)
    return cue_x, cue_y, arg_x, arg_y, children, keep_x, keep_y


def _keep_examples(doc, role, head, span, keep_x, keep_y) -> None:
    inside = {i for s, e in span["spans"] for i in range(s, e)}
    for child in head.children:
        words = [t.idx for t in child.subtree if not t.is_punct]
        if words:
            keep_x.append(keep_features(role, head, child))
            keep_y.append(int(sum(i in inside for i in words) * 2 > len(words)))


def _count_cue_children(cue, attribution, counts: Counter) -> None:
    covered = {(s, e) for s, e in attribution["cue"]["spans"]}
    for child in cue.children:
        if abs(child.i - cue.i) <= 2:
            inside = any(s <= child.idx < e for s, e in covered)
            for key in cue_child_key(cue, child):
                counts[(key, inside)] += 1


def fit(x, y, c: float) -> LinearModel:
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([{f: 1 for f in feats} for feats in x])
    model = LogisticRegression(C=c, max_iter=2000).fit(matrix, y)
    names = vectorizer.get_feature_names_out()
    weights = {}
    for j, name in enumerate(names):
        column = [round(float(w), 4) for w in model.coef_[:, j]]
        if any(abs(w) >= 1e-3 for w in column):
            weights[str(name)] = column
    return LinearModel([str(c) for c in model.classes_], [round(float(b), 4) for b in model.intercept_], weights)


def train(pairs, meta=META, c_cue=0.5, c_arg=0.5) -> dict:
    cue_x, cue_y, arg_x, arg_y, children, keep_x, keep_y = examples(pairs)
    keys = {k for k, _ in children}
    table = {k: children[(k, True)] > children[(k, False)] for k in sorted(keys)
             if children[(k, True)] + children[(k, False)] >= 3}
    argument = fit(arg_x, arg_y, c_arg)
    order = [argument.classes.index(r) for r in ROLES]
    argument = LinearModel(list(ROLES), [argument.bias[k] for k in order],
                           {f: [w[k] for k in order] for f, w in argument.weights.items()})
    return {"cue": fit(cue_x, cue_y, c_cue), "argument": argument, "keep": fit(keep_x, keep_y, 1.0), "meta": dict(meta, cue_children=table)}


def save(models: dict, path: Path) -> None:
    data = {"meta": models["meta"], "models": {k: models[k].as_dict() for k in ("cue", "argument", "keep")}}
    payload = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(payload)  # mtime=0: the same training data gives the same bytes


def validate(models: dict, pairs) -> dict:
    triples = [(row["text"], row["attributions"], [a.as_dict() for a in find_attributions(doc, models)])
               for row, doc in pairs]
    return score_attributions(triples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", type=Path)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--docbin", type=Path)
    parser.add_argument("--holdout", type=int, default=0)
    args = parser.parse_args()
    rows = load_docs(args.train)
    pairs = sorted(zip(rows, parse(rows, args.docbin)), key=lambda pair: pair[0]["id"])
    is_held = [bool(args.holdout) and i % args.holdout == 0 for i in range(len(pairs))]
    held = [p for p, h in zip(pairs, is_held) if h]
    models = train([p for p, h in zip(pairs, is_held) if not h])
    save(models, args.out)
    if held:
        print(json.dumps(validate(models, held), indent=1))


if __name__ == "__main__":
    main()
