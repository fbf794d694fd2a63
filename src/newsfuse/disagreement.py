"""Whether two reports' figures for one slot disagree, and how.

Two claims of a story that give the same slot (``quantities.Measure``: the
number killed, the magnitude, the distance to Tehran, ...) in the same scope
agree when their intervals overlap ("at least 50" and 80). When they do not:

- an **update** when the slot is a running tally (killed, injured, missing,
  arrested, evacuated) and the higher figure is the later report's (both
  reports dated), or is written as a rise ("the toll rose to 10"), also over
  a lower bound ("at least five", then "rose to 12");
- a **conflict** otherwise.

Figures more than ``SCALE_GAP`` times apart are not two readings of one
count but counts of different things (a total and a part, another event's
toll): they are left alone. A slot of a story is disputed once any two of its
claims from different articles disagree; every claim giving that slot then
shows the dispute, as a reader must see all the figures to weigh them.
"""

from __future__ import annotations

import math

from .quantities import Measure, measures, overlaps

__all__ = ["Dispute", "SCALE_GAP", "TALLIES", "claim_measures", "comparable", "compare", "story_wide", "worse",
           "written"]

TALLIES = {"killed", "injured", "missing", "arrested", "evacuated"}
# Two readings of one figure differ by a few times at most ("3 killed" early,
# 10 later; 20,000 marchers by the police, 50,000 by witnesses); ten times
# apart they count different things (this quake's 10 dead, Bam's 26,000).
SCALE_GAP = 10.0
_RANK = {None: 0, "updated": 1, "conflicting": 2}
Dispute = str  # "updated" or "conflicting"


def claim_measures(claim) -> dict[tuple[str, str], list[Measure]]:
    """A claim's figures by (slot, scope)."""
    found: dict[tuple[str, str], list[Measure]] = {}
    for measure in measures(claim.span.text):
        found.setdefault((measure.slot, measure.scope), []).append(measure)
    return found


def compare(a: list[Measure], a_claim, b: list[Measure], b_claim) -> Dispute | None:
    """How two claims' figures for one slot relate: None (they agree, or
    count different things), "updated" or "conflicting"."""
    slot = a[0].slot
    if slot in TALLIES and not _apart(a, b) and (_raised(a, a_claim, b, b_claim) or _raised(b, b_claim, a, a_claim)):
        return "updated"
    if any(overlaps(x, y) for x in a for y in b) or _apart(a, b):
        return None
    if slot in TALLIES and (_revised(a, a_claim, b, b_claim) or _revised(b, b_claim, a, a_claim)):
        return "updated"
    return "conflicting"


def written(figures: list[Measure]) -> str:
    """A claim's figure for one slot as a reader is shown it: the sum when
    the sentence adds parts up ("Four + 20", not "Four, Four + 20")."""
    totals = [m for m in figures if m.total]
    return ", ".join(m.text for m in totals or figures)


def story_wide(slot: str) -> bool:
    """Whether a slot names one figure of the story wherever it is given
    (killed, magnitude, distance to Tehran), unlike a count of a plain noun."""
    return not slot.startswith("count:")


def worse(a: Dispute | None, b: Dispute | None) -> Dispute | None:
    """The stronger of two states: a conflict outweighs an update."""
    return a if _RANK[a] >= _RANK[b] else b


def comparable(a: list[Measure], b: list[Measure]) -> bool:
    """Whether two claims' figures for one slot may be readings of one figure
    (not ``SCALE_GAP`` times apart): only those are sides of a dispute."""
    return not _apart(a, b)


def _point(measure: Measure) -> float:
    return measure.low if measure.low > 0 else measure.high


# Magnitudes are logarithmic: a whole unit apart is another quake (a 3.8
# aftershock, February's 6.4), not another reading of this one.
MAGNITUDE_GAP = 1.0


def _apart(a: list[Measure], b: list[Measure]) -> bool:
    """Whether every pair of figures is ``SCALE_GAP`` times apart or more."""
    def gap(x: Measure, y: Measure) -> float:
        if x.category:  # a colour, a cause: any two are readings of one thing
            return 1.0
        small, large = sorted((_point(x), _point(y)))
        if x.slot == "magnitude":
            return SCALE_GAP if large - small >= MAGNITUDE_GAP else 1.0
        return math.inf if small <= 0 else large / small
    return all(gap(x, y) >= SCALE_GAP for x in a for y in b)


def _raised(high: list[Measure], high_claim, low: list[Measure], low_claim) -> bool:
    """A lower bound ("at least five killed") and a higher count written as
    a rise ("the toll rose to 12"): compatible figures, but the count was
    revised. Without the rise, a later higher count may be what the bound
    allowed for ("at least 25 injured", then 31): no dispute."""
    return all(m.high == math.inf for m in low) and not any(m.high == math.inf for m in high) and \
        any(m.rise for m in high) and max(_point(m) for m in high) > max(_point(m) for m in low)


def _revised(high: list[Measure], high_claim, low: list[Measure], low_claim) -> bool:
    """Whether ``high`` revises ``low`` upwards: higher, and later or written as a rise."""
    if max(_point(m) for m in high) <= max(_point(m) for m in low):
        return False
    later = bool(high_claim.published and low_claim.published and high_claim.published > low_claim.published)
    return later or any(m.rise for m in high)
