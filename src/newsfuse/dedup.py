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

from .config import Options

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


def shingle_hashes(text: str, size: int) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word shingles: stored per article so
    containment within a story is a set intersection, not a re-read of texts."""
    hashes = {int.from_bytes(hashlib.blake2b(s, digest_size=8).digest(), "big") for s in shingles(text, size)}
    return np.array(sorted(hashes), dtype=np.uint64)


def signature(text: str, options: Options = Options()) -> np.ndarray:
    from datasketch import MinHash  # imports scipy: only where signatures are made

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
