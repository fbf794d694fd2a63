"""Module-level functions for tests/test_workers.py.

Spawned workers import these by name: pytest puts tests/ on sys.path, and
multiprocessing hands the parent's sys.path to every spawned child.
"""

from __future__ import annotations

import os

INIT_CALLS = 0


def initialise() -> None:
    global INIT_CALLS
    INIT_CALLS += 1


def item_pid_and_inits(item: int) -> tuple[int, int, int]:
    return item, os.getpid(), INIT_CALLS


def square(item: int) -> int:
    return item * item


def fail_on_multiples_of_five(item: int) -> int:
    if item % 5 == 0:
        raise ValueError(f"bad item {item}")
    return item


def die_on_three(item: int) -> int:
    if item == 3:
        os._exit(1)  # as if the worker were killed
    return item


def fail_to_start(reason: str) -> None:
    raise RuntimeError(reason)
