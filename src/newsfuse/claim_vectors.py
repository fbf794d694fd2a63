"""The vectors alignment and the summary read for an article's claims,
computed once when the article is processed and stored with it.

For each claim: the whole claim (a direct quote: its quoted words only), the
claim with its numbers and weekdays masked (to tell "12 killed" from "15
killed" as the same frame with other values), and every window of
``WINDOW_WORDS`` words at a stride of ``WINDOW_STRIDE`` (a fact is often a
phrase inside a longer sentence). The article is cut into word pieces once;
every span's vector comes from cumulative sums of the static model's piece
vectors (static_embed.py).

Stored as int8 (a unit vector's components times 127; cosines move by under
0.01) with the window counts: about 12 KB for a 30-sentence article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .claims import Claim

# ~10 words holds a typical fact phrase; stride 3 keeps the count of windows
# to about a third of the words.
WINDOW_WORDS = 10
WINDOW_STRIDE = 3
_SCALE = 127.0
_DAYS = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


@dataclass
class ClaimVectors:
    """Unit vectors of one article's claims, row i for claim i."""

    whole: np.ndarray
    masked: np.ndarray
    windows: np.ndarray
    counts: np.ndarray  # windows per claim, in claim order

    @property
    def starts(self) -> np.ndarray:
        return np.r_[0, np.cumsum(self.counts)[:-1]].astype(np.int64)

    def to_bytes(self) -> bytes:
        head = np.array([len(self.counts), self.whole.shape[1], *self.counts], dtype=np.int32)
        body = np.vstack([self.whole, self.masked, self.windows])
        return head.tobytes() + np.round(body * _SCALE).astype(np.int8).tobytes()

    @classmethod
    def from_bytes(cls, blob: bytes) -> ClaimVectors:
        n, dim = np.frombuffer(blob, dtype=np.int32, count=2)
        counts = np.frombuffer(blob, dtype=np.int32, count=n, offset=8).astype(np.int64)
        body = np.frombuffer(blob, dtype=np.int8, offset=8 + 4 * n).reshape(-1, dim).astype(np.float32)
        body /= np.maximum(np.linalg.norm(body, axis=1, keepdims=True), 1e-9)
        return cls(body[:n], body[n:2 * n], body[2 * n:], counts)

    def quantized(self) -> ClaimVectors:
        """The vectors as they come back from the store (the same numbers either way)."""
        return ClaimVectors.from_bytes(self.to_bytes())


def encode_claims(text: str, claims: list[Claim], static) -> ClaimVectors:
    """Whole, masked and window vectors of an article's claims (``static``: a StaticEmbedder)."""
    if not claims:
        empty = np.zeros((0, static.dim), dtype=np.float32)
        return ClaimVectors(empty, empty, empty, np.zeros(0, dtype=np.int64))
    encoding = static.pieces([text])[0]
    parts = [claim.quoted or claim.fact for claim in claims]
    windows = [window_spans(text, part.start, part.end) for part in parts]
    whole = static.span_vectors(encoding, [(p.start, p.end) for p in parts])
    window_vectors = static.span_vectors(encoding, [w for ws in windows for w in ws])
    masked = static.encode([masked_text(claim) for claim in claims])
    return ClaimVectors(whole, masked, window_vectors, np.array([len(w) for w in windows], dtype=np.int64))


def window_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Character spans of the word windows of ``text[start:end]`` (the whole span when it is short)."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    if len(words) <= WINDOW_WORDS:
        return [(start, end)]
    firsts = range(0, len(words) - WINDOW_WORDS + WINDOW_STRIDE, WINDOW_STRIDE)
    return [(words[i][0], words[min(i + WINDOW_WORDS, len(words)) - 1][1]) for i in firsts]


def masked_text(claim: Claim) -> str:
    """The claim with its numbers as N and weekdays as DAY: the frame without the values."""
    text, base = claim.fact.text, claim.fact.start
    for quantity in sorted(claim.numbers, key=lambda q: q.span.start, reverse=True):
        text = text[:quantity.span.start - base] + "N" + text[quantity.span.end - base:]
    return _DAYS.sub("DAY", text)
