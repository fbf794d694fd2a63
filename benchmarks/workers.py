"""Cost and gain of ``newsfuse.workers.ordered_map`` with 2 processes.

- overhead: an identity function over 10,000 small items (a short string
  and an int), 1 process against 2 at chunk 8 and 64;
- speed-up: a pure-Python loop of about 5 ms per item over 400 items,
  1 process against 2.

Each figure is the median of ``--repeats`` runs, split into ``start`` (until
the first result: spawning the workers, which import newsfuse, and the first
chunk) and ``rest`` (the steady state after it). Other CPU work on the
machine distorts the 2-process figures most: the load average is printed.

    PYTHONPATH=src python benchmarks/workers.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from newsfuse.workers import ordered_map


def identity(item):
    return item


def busy(item: int, loops: int = 85_000) -> int:
    total = 0
    for i in range(loops):
        total += i * i
    return total + item


def timed(function, items, processes: int, chunk: int = 8) -> tuple[float, float]:
    tic = time.perf_counter()
    results = ordered_map(function, items, processes=processes, chunk=chunk)
    next(results)
    first = time.perf_counter()
    for _ in results:
        pass
    return first - tic, time.perf_counter() - first


def row(label: str, function, items, processes: int, repeats: int, chunk: int = 8) -> tuple[float, float]:
    runs = [timed(function, items, processes, chunk) for _ in range(repeats)]
    start, rest = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    print(f"{label:<38} start {start:6.2f} s   rest {rest:6.2f} s   total {start + rest:6.2f} s")
    return start, rest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    small = [("a" * 50, i) for i in range(10_000)]
    row("trivial x10000, 1 process", identity, small, 1, repeats)
    for chunk in (8, 64):
        row(f"trivial x10000, 2 processes, chunk {chunk}", identity, small, 2, repeats, chunk)
    tic = time.perf_counter()
    busy(0)
    print(f"one busy item: {1000 * (time.perf_counter() - tic):.1f} ms")
    one = row("busy x400, 1 process", busy, range(400), 1, repeats)
    two = row("busy x400, 2 processes", busy, range(400), 2, repeats)
    print(f"speed-up of 2 processes: total {sum(one) / sum(two):.2f}, after start {one[1] / two[1]:.2f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
