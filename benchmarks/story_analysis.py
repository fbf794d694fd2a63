"""Story-level analysis time (``analyze.story.combine``): who, where, when, the
events merged into one record per real event, quotes; what every story read
(``newsfuse story``, ``GET /api/stories/ID``, the story page) computes from
the stored analyses.

The stories are synthetic and pessimistic: N articles, each with 30 of 300
people and 20 events of 4 types between random people on random days of one
month, so that nearly every pair of events shares an actor and has to be
compared (a real story's events share few actors). Not timed: building the
analyses, and the gazetteer's first load (once per process).

Each figure is the median of ``--repeats`` runs. Other CPU work on the machine
distorts the figures: compare sizes within one run.

Run: .venv/bin/python benchmarks/story_analysis.py [--sizes 50 200 500] [--repeats 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from newsfuse.analyze.places import gazetteer
from newsfuse.analyze.story import combine
from newsfuse.records import Analysis, Entity, Event, Span

TYPES = ("CONSULT", "AGREE", "FIGHT", "SUPPORT")


def synthetic_story(n_articles: int, seed: int = 0) -> list[Analysis]:
    rng = random.Random(seed)
    people = [Entity(f"person:p{i}", f"P{i}", "person", mentions=1) for i in range(300)]
    return [Analysis(f"a{a}", entities=rng.sample(people, 30), events=[_event(rng) for _ in range(20)])
            for a in range(n_articles)]


def _event(rng: random.Random) -> Event:
    return Event(rng.choice(TYPES), Span(0, 1, "x"), Span(0, 1, "x"), [], [],
                 [f"P{rng.randrange(300)}" for _ in range(2)], [f"P{rng.randrange(300)}"],
                 date=f"2022-09-{rng.randrange(1, 29):02d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    gazetteer()
    for size in args.sizes:
        story = synthetic_story(size)
        times = []
        for _ in range(args.repeats):
            tic = time.perf_counter()
            combined = combine(story)
            times.append(time.perf_counter() - tic)
        print(f"{size:4d} articles, {20 * size:6d} events -> {len(combined['events']):6d} records: "
              f"{statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
