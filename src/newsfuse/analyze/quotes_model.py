"""Features and linear models behind quote attribution (see ``quotes.py``).

Two logistic-regression models, trained by ``scripts/train_quotes.py`` on
PolNeAR train only and shipped as sparse weights in
``data/quotes_model.json.gz`` (no scikit-learn at run time):

- ``cue``: is this token the head of an attribution cue ("said", "according",
  "told", "warned", ":" ...)?
- ``argument``: for a cue head, which nearby token heads the source, which
  the content (candidates: children, grandchildren through a preposition,
  the governor and the governor's subject/object);
- ``keep``: which children of a chosen source/content head stay in the span
  (PolNeAR sources drop most relative clauses: "Rick Wilson, a strategist
  who once worked for Bush" → "Rick Wilson, a strategist").
"""

from __future__ import annotations

import gzip
import json
import math
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("data") / "quotes_model.json.gz"
CUE_POS = {"VERB", "AUX", "NOUN", "ADP", "PUNCT", "ADJ", "PROPN"}
ROLES = ("none", "source", "content")
_QUOTE_MARKS = {"\"", "“", "”", "''"}
_VIA = {"prep", "agent", "xcomp", "dobj", "acomp", "pcomp", "advcl", "ccomp", "nsubj", "attr"}
_GOVERNOR_ARGS = {"nsubj", "nsubjpass", "dobj"}


def cue_candidates(doc) -> list:
    """Tokens that could head a cue: verbs, nouns, "according", colons."""
    return [t for t in doc if t.pos_ in CUE_POS and (t.pos_ != "PUNCT" or t.text == ":")]


def quote_regions(doc) -> list[tuple[int, int]]:
    """Token ranges [open, close] of quotations; “ ” pair, " and '' toggle."""
    regions, opening = [], None
    for token in doc:
        if token.text not in _QUOTE_MARKS:
            continue
        if token.text == "“" or (token.text != "”" and opening is None):
            opening = token.i
        elif opening is not None:
            regions.append((opening, token.i))
            opening = None
    return regions


def quote_mask(doc, regions=None) -> list[bool]:
    """Per token: strictly inside a quotation."""
    mask = [False] * len(doc)
    for start, end in regions if regions is not None else quote_regions(doc):
        mask[start + 1:end] = [True] * (end - start - 1)
    return mask


def cue_features(token, in_quote: bool) -> list[str]:
    lemma, children = token.lemma_.lower(), list(token.children)
    deps = {c.dep_ for c in children}
    subject = next((c for c in children if c.dep_ in ("nsubj", "nsubjpass")), None)
    nxt = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else "</s>"
    prev = token.nbor(-1).lower_ if token.i > 0 else "<s>"
    feats = [f"l={lemma}", f"w={token.lower_}", f"p={token.pos_}", f"t={token.tag_}", f"d={token.dep_}",
             f"ld={lemma}|{token.dep_}", f"lt={lemma}|{token.tag_}", f"n={nxt}", f"pv={prev}",
             f"ln={lemma}|{nxt}", f"hd={token.head.lemma_.lower()}|{token.dep_}", f"q={in_quote}",
             f"lq={lemma}|{in_quote}", f"subj={_kind(subject)}", f"lsubj={lemma}|{_kind(subject)}"]
    feats += [f"c={d}" for d in deps] + [f"lc={lemma}|{d}" for d in deps]
    return feats


def _kind(token) -> str:
    if token is None:
        return "none"
    return token.ent_type_ or ("PRON" if token.pos_ == "PRON" else token.pos_)


def argument_candidates(cue) -> list[tuple[object, str]]:
    """(token, path) pairs around a cue head; the path names the relation."""
    out = [(c, f"child:{c.dep_}") for c in cue.children]
    out += [(g, f"gc:{c.dep_}/{g.dep_}") for c in cue.children if c.dep_ in _VIA for g in c.children]
    governor = cue.head
    if governor.i != cue.i:
        out.append((governor, f"gov:{cue.dep_}"))
        out += [(s, f"sib:{cue.dep_}:{s.dep_}") for s in governor.children
                if s.dep_ in _GOVERNOR_ARGS and s.i != cue.i]
    return [(t, p) for t, p in out if not t.is_punct]


def argument_features(cue, token, path: str) -> list[str]:
    lemma = cue.lemma_.lower()
    side = "L" if token.i < cue.i else "R"
    quoted = any(t.text in _QUOTE_MARKS for t in token.subtree)
    return [f"path={path}", f"pl={path}|{lemma}", f"pp={path}|{token.pos_}", f"pe={path}|{token.ent_type_}",
            f"ps={path}|{side}", f"pq={path}|{quoted}", f"cd={cue.dep_}", f"tp={token.pos_}",
            f"tt={token.tag_}", f"tw={token.lower_ if token.pos_ == 'PRON' else '-'}",
            f"pcp={path}|{cue.pos_}", f"ld={lemma}|{side}|{token.dep_}"]


def cue_child_key(cue, child) -> tuple[str, str]:
    """Keys of a word next to a cue head in the table of cue words: for this
    cue lemma ("accord|prep|to"), and for any cue ("aux|has")."""
    generic = f"{child.dep_}|{child.lower_}"
    return f"{cue.lemma_.lower()}|{generic}", generic


def keep_features(role: str, head, child) -> list[str]:
    side = "L" if child.i < head.i else "R"
    comma = child.i > 0 and child.doc[child.left_edge.i - 1].text == ","
    size = min(child.right_edge.i - child.left_edge.i, 8) // 3
    base = f"{role}|{child.dep_}"
    return [f"b={base}", f"bs={base}|{side}", f"bp={base}|{child.pos_}", f"bc={base}|{comma}",
            f"bn={base}|{size}", f"bl={base}|{child.lower_ if child.is_stop else '-'}", f"hp={role}|{head.pos_}"]


class LinearModel:
    """Multinomial (or binary) logistic regression over string features."""

    def __init__(self, classes: list[str], bias: list[float], weights: dict[str, list[float]]):
        self.classes, self.bias, self.weights = classes, bias, weights

    def probabilities(self, features: list[str]) -> list[float]:
        rows = [self.weights[f] for f in features if f in self.weights]
        # class by class over the known features' weights (zip and sum run in C: called ~500x an article)
        scores = [b + sum(column) for b, column in zip(self.bias, zip(*rows))] if rows else list(self.bias)
        if len(self.classes) == 2 and len(scores) == 1:
            p = 1.0 / (1.0 + math.exp(-scores[0]))
            return [1.0 - p, p]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        return [e / sum(exps) for e in exps]

    def as_dict(self) -> dict:
        return {"classes": self.classes, "bias": self.bias, "weights": self.weights}


@lru_cache(maxsize=2)
def load_models(path: Path = MODEL_PATH) -> dict:
    """``cue``, ``argument`` and ``keep`` LinearModels and ``meta`` (thresholds, cue words)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    models: dict = {name: LinearModel(**spec) for name, spec in data["models"].items()}
    models["meta"] = data["meta"]
    return models
