"""Per-item work on several processes, results in input order.

Ingest uses ``ordered_map`` to spread the spaCy parse, the extractors and the
claim vectors over both cores. It streams: the input is read lazily and only
a bounded number of chunks are in flight, so a long run does not hold every
article in memory.

``function`` and ``initializer`` must be module-level callables (pickled by
name). The workers are *spawned*, not forked: the parent may already run
torch threads, and a forked copy of a process with threads can deadlock. A
spawned worker imports the caller's ``__main__`` afresh, so a script that
calls this needs the usual ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TypeVar

from .errors import ConfigError, WorkerError

T = TypeVar("T")
R = TypeVar("R")

PROCESSES_VARIABLE = "NEWSFUSE_PROCESSES"


@dataclass(frozen=True)
class WorkerFailure:
    """Stands in the output for an item whose function raised; the caller
    decides whether to skip it, report it or stop."""

    item_index: int
    error_type: str
    message: str


def default_processes() -> int:
    """``NEWSFUSE_PROCESSES`` when set (and not empty), else 2 where there
    are 2 cores: each worker loads its own models, and these machines have 2."""
    value = os.environ.get(PROCESSES_VARIABLE, "").strip()
    return _parse_processes(value) if value else min(2, os.cpu_count() or 1)


def _parse_processes(value: str) -> int:
    try:
        processes = int(value)
    except ValueError:
        processes = 0
    if processes < 1:
        raise ConfigError(f"{PROCESSES_VARIABLE}={value!r} is not a number of processes",
                          hint="set it to a whole number of at least 1, e.g. 2, or unset it")
    return processes


def ordered_map(function: Callable[[T], R], items: Iterable[T], *, processes: int,
                initializer: Callable[..., object] | None = None, initargs: tuple = (),
                chunk: int = 8, prefetch: int = 4) -> Iterator[R | WorkerFailure]:
    """``function(item)`` for each item, in input order, streaming.

    ``processes`` <= 1 runs in this process (``initializer`` called once
    first). Otherwise one pool of spawned workers serves the whole iteration;
    each runs ``initializer(*initargs)`` once, then takes ``chunk`` items per
    task, with at most ``processes * prefetch`` tasks in flight. An item whose
    function raises yields a ``WorkerFailure`` in its place. A worker that
    dies, or whose initializer raises, raises ``WorkerError``. The pool shuts
    down when the iterator ends or is closed (closing early waits for the
    chunks already running and cancels the rest); a caller that may stop
    early should hold it in ``contextlib.closing`` rather than rely on
    garbage collection to close it.
    """
    if chunk < 1 or prefetch < 1:
        raise ConfigError(f"chunk ({chunk}) and prefetch ({prefetch}) must be at least 1")
    if processes <= 1:
        return _in_process(function, items, initializer, initargs)
    return _in_pool(function, items, processes, initializer, initargs, chunk, prefetch)


def _in_process(function, items, initializer, initargs) -> Iterator:
    if initializer is not None:
        initializer(*initargs)
    for index, item in enumerate(items):
        yield _call(function, index, item)


def _in_pool(function, items, processes, initializer, initargs, chunk, prefetch) -> Iterator:
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(initializer, initargs))
    chunks = _chunks(items, chunk)
    try:
        in_flight = deque(_submit(pool, function, c) for c in itertools.islice(chunks, processes * prefetch))
        while in_flight:
            results = _result(in_flight.popleft())
            # Refill before yielding, so the workers keep busy while the caller works.
            in_flight.extend(_submit(pool, function, c) for c in itertools.islice(chunks, 1))
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, function: Callable, chunk: tuple[int, list]) -> Future:
    try:
        return pool.submit(_run_chunk, function, *chunk)
    except BrokenProcessPool as exc:  # a worker died before this chunk could be sent
        raise _died() from exc


def _chunks(items: Iterable, size: int) -> Iterator[tuple[int, list]]:
    """(index of the first item, items) for consecutive chunks, read lazily."""
    iterator, start = iter(items), 0
    while batch := list(itertools.islice(iterator, size)):
        yield start, batch
        start += len(batch)


def _result(future: Future) -> list:
    try:
        return future.result()
    except _StartFailed as exc:
        raise WorkerError(f"a worker process could not start: {exc}", code="NF306",
                          hint="run with one process (NEWSFUSE_PROCESSES=1) to see the error in full") from None
    except BrokenProcessPool as exc:
        raise _died() from exc


def _died() -> WorkerError:
    return WorkerError("a worker process died (killed, out of memory, or a crash in native code)",
                       hint="check memory use and the system log, or run with NEWSFUSE_PROCESSES=1")


# --- in the worker processes ------------------------------------------------

class _StartFailed(Exception):
    """The worker's initializer raised; the parent turns it into a WorkerError."""


# Set when the initializer fails, and reported with the first chunk: letting
# it escape would only break the pool, and the parent would not learn why.
_start_error: str | None = None


def _start_worker(initializer: Callable[..., object] | None, initargs: tuple) -> None:
    global _start_error
    # Ctrl-C in a terminal reaches the whole process group: the parent decides
    # (finish the batch, or stop and shut the pool down); a worker killed by it
    # would only turn a clean stop into a WorkerError.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is None:
        return
    try:
        initializer(*initargs)
    except Exception as exc:
        _start_error = f"{type(exc).__name__}: {exc}"


def _run_chunk(function: Callable, start: int, items: list) -> list:
    if _start_error is not None:
        raise _StartFailed(_start_error)
    return [_call(function, start + offset, item) for offset, item in enumerate(items)]


def _call(function: Callable, index: int, item):
    try:
        return function(item)
    except Exception as exc:  # one bad item must not lose the others; the caller decides
        return WorkerFailure(index, type(exc).__name__, str(exc))
