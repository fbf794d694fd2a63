"""Calibrate the static model's cosines to all-MiniLM-L6-v2's scale.

The alignment thresholds (align.py) and the summary's repetition cosine were
set on MiniLM scores. The static model (static_embed.py) ranks pairs much as
MiniLM does but on a lower, narrower scale. This script maps one onto the
other by quantiles, without any gold label: it takes sentence pairs of
different articles of the same news_cluster events (the pairs alignment
compares), leaving out the events with hand-made claims gold (2, 4, 5, 37),
scores each pair with both models — the best 10-word window cosine and the
whole-sentence cosine, as alignment does — and prints the quantile knots that
newsfuse.static_embed.CALIBRATION holds.

Run: .venv/bin/python scripts/calibrate_static.py [--events 24] [--seed 0]
(about two minutes: MiniLM encodes every window once).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "stories" / "news_cluster.jsonl"
GOLD_EVENTS = {2, 4, 5, 37}
# Dense at the top, where the thresholds sit (link 1.02 = window ~0.7 + half a
# sentence cosine ~0.6; repetition 0.75).
QUANTILES = [0, 10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 93, 95, 97, 98, 99, 99.5, 99.8, 99.9, 100]


def sentences_by_event(events: int, seed: int) -> dict[int, list[list[str]]]:
    from newsfuse.config import Options
    from newsfuse.errors import InputError
    from newsfuse.ingest.article import to_article
    from newsfuse.ingest.sources import jsonl_record

    rows = defaultdict(list)
    with CORPUS.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            event = json.loads(line)["event_id"]
            if event not in GOLD_EVENTS:
                rows[event].append(jsonl_record(f"{CORPUS}:{number}", line, Options()))
    chosen = random.Random(seed).sample(sorted(e for e, r in rows.items() if len(r) >= 2), events)
    result = {}
    for event in chosen:
        articles = []
        for item in rows[event][:4]:
            try:
                article = to_article(item, Options())
            except InputError:
                continue
            articles.append([article.text[s:e] for s, e in article.sentences][:25])
        result[event] = articles
    return result


def windows(text: str) -> list[str]:
    from newsfuse.align import WINDOW_STRIDE, WINDOW_WORDS

    words = text.split()
    if len(words) <= WINDOW_WORDS:
        return [text]
    return [" ".join(words[i:i + WINDOW_WORDS]) for i in range(0, len(words) - WINDOW_WORDS + WINDOW_STRIDE,
                                                                  WINDOW_STRIDE)]


def pair_scores(sentences: list[str], owners: list[tuple], embedder) -> tuple[np.ndarray, np.ndarray]:
    """Best window cosine and whole cosine of every cross-article pair of one event."""
    pieces = [windows(s) for s in sentences]
    vectors = embedder.encode([w for p in pieces for w in p] + sentences)
    n_windows = sum(len(p) for p in pieces)
    starts = np.r_[0, np.cumsum([len(p) for p in pieces])[:-1]]
    cos = vectors[:n_windows] @ vectors[:n_windows].T
    best = np.maximum.reduceat(np.maximum.reduceat(cos, starts, axis=0), starts, axis=1)
    whole = vectors[n_windows:] @ vectors[n_windows:].T
    article = np.array([o[0] for o in owners])
    cross = np.triu(article[:, None] != article[None, :], 1)
    return best[cross], whole[cross]


def main(events: int, seed: int) -> dict:
    from newsfuse.embed import MiniLMEmbedder
    from newsfuse.static_embed import StaticEmbedder

    minilm, static = MiniLMEmbedder(), StaticEmbedder()
    scores = {name: ([], []) for name in ("minilm", "static")}
    for articles in sentences_by_event(events, seed).values():
        sentences = [s for a in articles for s in a]
        owners = [(i, j) for i, a in enumerate(articles) for j in range(len(a))]
        for name, model in (("minilm", minilm), ("static", static)):
            best, whole = pair_scores(sentences, owners, model)
            scores[name][0].append(best)
            scores[name][1].append(whole)
    knots = {}
    for part, index in (("window", 0), ("whole", 1)):
        mini, stat = (np.concatenate(scores[n][index]) for n in ("minilm", "static"))
        knots[part] = [[round(float(np.percentile(stat, q)), 4), round(float(np.percentile(mini, q)), 4)]
                       for q in QUANTILES]
    knots["pairs"] = int(sum(len(b) for b in scores["static"][0]))
    return knots


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(main(args.events, args.seed)))
