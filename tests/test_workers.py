import multiprocessing
import os

import pytest
import workers_helpers as helpers

from newsfuse.errors import ConfigError, WorkerError
from newsfuse.workers import WorkerFailure, default_processes, ordered_map


@pytest.fixture(autouse=True)
def no_children_left():
    yield
    assert multiprocessing.active_children() == []


def test_order_is_kept_with_two_processes():
    assert list(ordered_map(helpers.square, range(103), processes=2, chunk=7)) == [i * i for i in range(103)]


def test_input_is_read_lazily_and_closing_early_leaves_no_child_processes():
    read = []

    def items():
        for i in range(10_000):
            read.append(i)
            yield i

    results = ordered_map(helpers.square, items(), processes=2, chunk=4, prefetch=2)
    assert [next(results) for _ in range(3)] == [0, 1, 4]
    assert len(read) <= 2 * 2 * 4 + 4  # the window, plus the chunk refilled after the first
    results.close()
    assert multiprocessing.active_children() == []


def test_a_failing_item_becomes_a_failure_in_its_place():
    results = list(ordered_map(helpers.fail_on_multiples_of_five, range(12), processes=2, chunk=3))
    assert [r.item_index for r in results if isinstance(r, WorkerFailure)] == [0, 5, 10]
    assert results[5] == WorkerFailure(5, "ValueError", "bad item 5")
    assert [r for r in results if not isinstance(r, WorkerFailure)] == [i for i in range(12) if i % 5]


def test_initializer_runs_once_per_process_and_single_item_chunks_keep_order():
    results = list(ordered_map(helpers.item_pid_and_inits, range(40), processes=2, initializer=helpers.initialise,
                               chunk=1))
    assert [item for item, _, _ in results] == list(range(40))
    assert len({pid for _, pid, _ in results}) <= 2
    assert os.getpid() not in {pid for _, pid, _ in results}
    assert {inits for _, _, inits in results} == {1}


def test_a_dead_worker_raises_instead_of_hanging():
    with pytest.raises(WorkerError, match="died") as caught:
        list(ordered_map(helpers.die_on_three, range(20), processes=2, chunk=1))
    assert caught.value.code == "NF305"


def test_a_failing_initializer_raises_with_its_reason():
    with pytest.raises(WorkerError, match="RuntimeError: no model here") as caught:
        list(ordered_map(helpers.square, range(4), processes=2, initializer=helpers.fail_to_start,
                         initargs=("no model here",)))
    assert caught.value.code == "NF306"


def test_one_process_runs_here(monkeypatch):
    monkeypatch.setattr(helpers, "INIT_CALLS", 0)
    results = list(ordered_map(helpers.item_pid_and_inits, range(3), processes=1, initializer=helpers.initialise))
    assert results == [(0, os.getpid(), 1), (1, os.getpid(), 1), (2, os.getpid(), 1)]
    assert list(ordered_map(helpers.fail_on_multiples_of_five, [5, 6], processes=1)) == [
        WorkerFailure(0, "ValueError", "bad item 5"), 6]


def test_default_processes(monkeypatch):
    monkeypatch.delenv("NEWSFUSE_PROCESSES", raising=False)
    assert default_processes() == min(2, os.cpu_count() or 1)
    monkeypatch.setenv("NEWSFUSE_PROCESSES", "3")
    assert default_processes() == 3


@pytest.mark.parametrize("value", ["two", "0", "-1", "1.5"])
def test_a_bad_process_count_names_the_variable_and_value(monkeypatch, value):
    monkeypatch.setenv("NEWSFUSE_PROCESSES", value)
    with pytest.raises(ConfigError, match=f"NEWSFUSE_PROCESSES='{value}'"):
        default_processes()


def _sigint_handler(_item):
    import signal

    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_workers_leave_ctrl_c_to_the_parent():
    """A Ctrl-C reaches the whole process group: workers ignore it, the parent stops the pool."""
    from newsfuse.workers import ordered_map

    assert list(ordered_map(_sigint_handler, [1, 2], processes=2)) == [True, True]
