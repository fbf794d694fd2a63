"""Sources: files, directories, JSON Lines and streams -> RawItem | Skipped.

Every input yields either a RawItem or a Skipped record with the reason;
nothing here raises for one bad file, so one broken file in ten thousand
skips that file and the rest are read.

Metadata for a single file can sit beside it in ``<file name>.meta.json``
(keys ``title``, ``url``, ``source``, ``published``, ``id``).
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..config import Options
from ..records import RawItem, Skipped

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
META_SUFFIX = ".meta.json"
META_KEYS = ("title", "url", "source", "published", "id")
_BINARY_SNIFF = 8192


def kind_of(path: Path) -> str | None:
    """"text", "html", "jsonl" from the suffix (ignoring .gz), or None."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    for kind, known in (("text", TEXT_SUFFIXES), ("html", HTML_SUFFIXES), ("jsonl", JSONL_SUFFIXES)):
        if last in known:
            return kind
    return None


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | Skipped]:
    """Files named and files under directories (recursive, sorted, no hidden)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield path
        else:
            yield Skipped(str(path), "no such file or directory", "NF101")


def _walk(root: Path) -> Iterator[Path | Skipped]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(META_SUFFIX):
                continue
            yield Path(dirpath) / name


def iter_raw_items(paths: Iterable[str | Path], options: Options = Options()) -> Iterator[RawItem | Skipped]:
    for entry in expand_paths(paths):
        if isinstance(entry, Skipped):
            yield entry
        else:
            yield from read_file(entry, options)


def read_file(path: Path, options: Options = Options()) -> Iterator[RawItem | Skipped]:
    """One file's items; a problem yields one Skipped naming the file."""
    origin = str(path)
    kind = kind_of(path)
    if kind is None:
        yield Skipped(origin, f"unsupported file type {''.join(path.suffixes) or '(no suffix)'}; "
                              "use .txt, .html/.htm or .jsonl (optionally .gz)", "NF102")
        return
    if kind == "jsonl":
        yield from _read_jsonl(path, options)
        return
    data = _read_bytes(path, options)
    if isinstance(data, Skipped):
        yield data
        return
    yield bytes_to_item(origin, kind, data, _sidecar_meta(path))


def bytes_to_item(origin: str, kind: str, data: bytes, meta: dict | None = None) -> RawItem | Skipped:
    """Check and decode one document's bytes (text or HTML)."""
    problem = _content_problem(data)
    if problem:
        return Skipped(origin, problem, "NF103")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if kind == "html":  # the page's declared charset, or detection
            from .html import decode_page

            content = decode_page(data)
        else:
            return Skipped(origin, f"not valid UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); "
                                   "re-encode the file as UTF-8", "NF104")
    return RawItem(origin, kind, content, dict(meta or {}))


def sniff_kind(data: bytes) -> str:
    """Kind of an unnamed stream (stdin): JSON Lines, HTML or text."""
    head = data.lstrip()[:200].lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")):
        return "html"
    return "text"


def stream_items(name: str, data: bytes, options: Options = Options()) -> Iterator[RawItem | Skipped]:
    """Items from an in-memory stream such as stdin."""
    if len(data) > options.max_file_bytes:
        yield _too_big(name, len(data), options)
        return
    kind = sniff_kind(data)
    if kind == "jsonl":
        yield from _jsonl_lines(name, data.splitlines(), options)
    else:
        yield bytes_to_item(name, kind, data)


def _content_problem(data: bytes) -> str | None:
    if not data.strip():
        return "empty file"
    if b"\x00" in data[:_BINARY_SNIFF]:
        return "binary file (contains NUL bytes), not text or HTML"
    return None


def _too_big(origin: str, size: int, options: Options) -> Skipped:
    return Skipped(origin, f"too large: {size:,} bytes, over the limit of {options.max_file_bytes:,} "
                           "bytes (Options.max_file_bytes)", "NF105")


def _read_bytes(path: Path, options: Options) -> bytes | Skipped:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_file_bytes:
            return _too_big(origin, size, options)
        if path.suffix.lower() != ".gz":
            return path.read_bytes()
        with gzip.open(path, "rb") as handle:
            data = handle.read(options.max_file_bytes + 1)
        return _too_big(origin, len(data), options) if len(data) > options.max_file_bytes else data
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        return Skipped(origin, f"cannot read: {exc}", "NF106")


def _sidecar_meta(path: Path) -> dict:
    sidecar = path.with_name(path.name + META_SUFFIX)
    if not sidecar.is_file():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"_meta_error": f"unreadable metadata file {sidecar.name}"}
    return {k: meta[k] for k in META_KEYS if meta.get(k) is not None}


def _read_jsonl(path: Path, options: Options) -> Iterator[RawItem | Skipped]:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            yield from _jsonl_lines(str(path), handle, options)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Skipped(str(path), f"cannot read: {exc}", "NF106")


def _jsonl_lines(name: str, lines: Iterable[bytes], options: Options) -> Iterator[RawItem | Skipped]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield jsonl_record(f"{name}:{number}", line, options)


def jsonl_record(origin: str, line: bytes, options: Options = Options()) -> RawItem | Skipped:
    """One JSON Lines record: ``text`` or ``html`` plus optional metadata."""
    if len(line) > options.max_file_bytes:
        return _too_big(origin, len(line), options)
    try:
        record = json.loads(line)
    except ValueError as exc:
        return Skipped(origin, f"invalid JSON on line {origin.rsplit(':', 1)[-1]}: {exc}", "NF107")
    if not isinstance(record, dict):
        return Skipped(origin, "a JSON Lines record must be an object", "NF107")
    meta = {k: record[k] for k in META_KEYS if record.get(k) is not None}
    for field, kind in (("text", "text"), ("html", "html")):
        value = record.get(field)
        if isinstance(value, str) and value.strip():
            return RawItem(origin, kind, value, meta)
    return Skipped(origin, "record has no non-empty 'text' or 'html' field", "NF108")
