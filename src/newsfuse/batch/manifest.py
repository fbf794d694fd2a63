"""What a batch job has committed, so that a killed job run again skips it.

The manifest lives in ``OUT/_batch/``: one file per committed task
(``parts/KEY.pkl``: the task's articles, processed and encoded) and one
marker per finished driver stage (``stages/NAME``). Every file is written
under a temporary name and renamed: a file that exists is complete, a
killed writer leaves at most a ``.tmp`` file nobody reads.

A task's key hashes what its result depends on (the input file's path, size
and modification time, which part of it, and the options and versions of
the stages), so changed inputs or options are processed again, never mixed
with old results.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..errors import BatchError

# Bump when what a task computes changes (its result format or a stage's output)
TASK_VERSION = 1


@dataclass(frozen=True)
class Task:
    """Part ``part`` of ``parts`` of one input file (the file's ``file_index``-th in reading order)."""

    file_index: int
    path: str
    part: int = 0
    parts: int = 1


def task_key(task: Task, fingerprint: str) -> str:
    """The task's name in the manifest: its input's identity, its part and the run's options."""
    try:
        stat = os.stat(task.path)
        identity = [stat.st_size, stat.st_mtime_ns]
    except OSError:  # read as a bad input by the task itself
        identity = None
    data = [TASK_VERSION, fingerprint, os.path.abspath(task.path), identity, task.part, task.parts]
    return hashlib.sha1(json.dumps(data).encode()).hexdigest()[:24]


def fingerprint(options_dict: dict) -> str:
    """The options and stage versions a task's result depends on, hashed."""
    from ..analyze.article import ANALYSIS_VERSION
    from ..story_record import CLAIMS_VERSION

    data = [options_dict, ANALYSIS_VERSION, CLAIMS_VERSION]
    return hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all or nothing (temporary file, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class Manifest:
    """The committed tasks and finished stages of the job writing into ``out``."""

    def __init__(self, out: str | Path):
        self.root = Path(out) / "_batch"
        self.parts, self.stages = self.root / "parts", self.root / "stages"
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
            self.stages.mkdir(exist_ok=True)
        except OSError as exc:
            raise BatchError(f"cannot use {out} as the output folder: {exc.strerror or exc}", code="NF704",
                             hint="give --out a writable folder (on a cluster: one every executor can write)"
                             ) from exc

    def part_path(self, key: str) -> Path:
        return self.parts / f"{key}.pkl"

    def committed(self, keys: list[str]) -> set[str]:
        """The keys among these whose results are committed."""
        return {key for key in keys if self.part_path(key).exists()}

    def commit(self, key: str, result) -> None:
        write_atomic(self.part_path(key), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))

    def load(self, key: str):
        with open(self.part_path(key), "rb") as handle:
            return pickle.load(handle)

    def stage_done(self, name: str, key: str) -> bool:
        """Whether stage ``name`` finished for this set of tasks (``key``)."""
        marker = self.stages / name
        return marker.exists() and marker.read_text() == key

    def finish_stage(self, name: str, key: str) -> None:
        write_atomic(self.stages / name, key.encode())

    def forget_stage(self, name: str) -> None:
        (self.stages / name).unlink(missing_ok=True)


def job_key(keys: list[str]) -> str:
    """One key for a job's whole set of tasks: a stage marker is valid only for the same inputs."""
    return hashlib.sha1(" ".join(keys).encode()).hexdigest()[:24]
