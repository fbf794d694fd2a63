"""Near-duplicate detection: MinHash over word shingles, LSH bands in the store.

Syndicated copies of one wire story differ in headline, byline and page
furniture but share most of their body. MinHash (datasketch) estimates the
Jaccard similarity of word 5-shingle sets; LSH bands, kept in the store's
``minhash_bands`` table, find candidates without comparing every pair, and
survive restarts because they live in the database.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash

from .config import Options

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


def signature(text: str, options: Options = Options()) -> np.ndarray:
    minhash = MinHash(num_perm=options.minhash_perm, seed=1)
    minhash.update_batch(list(shingles(text, options.shingle_words)))
    return minhash.hashvalues.astype(np.uint64)


def band_buckets(sig: np.ndarray, options: Options = Options()) -> list[int]:
    """One 63-bit bucket key per band (fits SQLite's signed INTEGER)."""
    rows = len(sig) // options.minhash_bands
    keys = []
    for band in range(options.minhash_bands):
        digest = hashlib.blake2b(sig[band * rows:(band + 1) * rows].tobytes(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)
    return keys


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    return float(np.mean(sig_a == sig_b))


def best_near_duplicate(sig: np.ndarray, candidates: dict[str, bytes], options: Options = Options()) -> str | None:
    """The most similar earlier article at or above the threshold, if any."""
    best_id, best = None, options.near_dup_jaccard
    for article_id, blob in candidates.items():
        score = jaccard(sig, np.frombuffer(blob, dtype=np.uint64))
        if score >= best:
            best_id, best = article_id, score
    return best_id


def copies_within(articles: list, options: Options = Options()) -> dict[str, str]:
    """Syndicated copies inside one story, by exact shingle containment.

    A wire story reprinted with an outlet's own additions (a new lead, extra
    paragraphs) can fall below the MinHash Jaccard threshold while nearly all
    of the wire text is still there. When at least ``copy_containment`` of the
    smaller article's shingles appear in the larger, the larger is a copy of
    the smaller. Returns copy id -> original id.
    """
    sets = {a.id: shingles(a.text, options.shingle_words) for a in articles}
    copies: dict[str, str] = {}
    by_size = sorted(sets, key=lambda i: len(sets[i]))
    for n, smaller in enumerate(by_size):
        for larger in by_size[n + 1:]:
            if larger in copies or not sets[smaller]:
                continue
            if len(sets[smaller] & sets[larger]) >= options.copy_containment * len(sets[smaller]):
                copies[larger] = copies.get(smaller, smaller)
    return copies


def story_copies(articles: list, known: dict[str, str | None], options: Options = Options()) -> dict[str, str | None]:
    """Each article's original within the story (None for an original).

    Copy links, from ingest's MinHash (``known``) and containment within the
    story, join articles into groups of one wire story; each group's original
    is its earliest published member, so a chain or a cycle of links still
    counts as one source."""
    group = {a.id: a.id for a in articles}

    def root(article_id: str) -> str:
        while group[article_id] != article_id:
            article_id = group[article_id]
        return article_id

    links = [(c, o) for c, o in known.items() if o in group and c in group]
    for copy, original in links + list(copies_within(articles, options).items()):
        group[root(copy)] = root(original)
    first = {}
    for article in sorted(articles, key=lambda a: (a.published is None, a.published or "")):
        first.setdefault(root(article.id), article.id)
    return {a.id: None if first[root(a.id)] == a.id else first[root(a.id)] for a in articles}
