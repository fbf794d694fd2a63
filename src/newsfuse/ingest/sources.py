"""Sources: files, directories, JSON Lines and streams -> RawItem | Skipped.

Every input yields either RawItems or a Skipped record with the reason;
nothing here raises for one bad file, so one broken file in ten thousand
skips that file and the rest are read. Every input gets an outcome: an empty
file, an unreadable directory and a link that is not followed are reported
too. Only regular files are opened (a FIFO would block the run, a device
never ends), and every file, line, field and decompressed stream is bounded
(Options). JSON Lines records are checked against the schema in
``ingest/schema.py``; so is the metadata sidecar.

Metadata for a single file can sit beside it in ``<file name>.meta.json``
(keys ``title``, ``url``, ``source``, ``published``, ``id``).

Feeds (``.rss``, ``.atom``, ``.rdf``, ``.xml``) and http(s) URLs are read by
``ingest/feeds.py`` (and ``ingest/fetch.py``), which add NF140-NF152; WARC
files (``.warc``) by ``ingest/warc.py``, which adds NF160-NF161.

Codes (``to_article`` adds NF109-NF111, ``ingest/html.py`` NF120-NF123):

NF101  no such file or directory
NF102  unsupported file type (suffix)
NF103  empty file, or binary (NUL bytes)
NF104  not decodable (not UTF-8, or a broken UTF-16/32 file)
NF105  too large: a file, a decompressed file, a JSON Lines line or stream
NF106  cannot read: an OS error, a corrupt gzip stream (where it broke), an
       unreadable directory
NF107  a JSON Lines line that is not valid JSON, or not a JSON object
NF108  a record without a non-empty ``text`` or ``html``
NF109  the metadata sidecar is unreadable, not an object, or has a bad field
NF112  a record's field has the wrong type (a list as title, ...)
NF113  a field is longer than its limit (Options.max_*_chars)
NF114  a record nested too deeply to parse
NF115  too many bad lines in one file: the rest of it was not read
NF116  not a regular file (FIFO, device, socket), or a symbolic link to a
       directory (not followed, so a link loop cannot recur forever)
NF117  content that is not text (control/replacement characters)
"""

from __future__ import annotations

import codecs
import io
import json
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..config import Options
from ..records import RawItem, Skipped
from .schema import META_KEYS, FieldProblem, clean_body, clean_meta, clean_meta_dict, valid_unicode, validate
from .warc import read_warc

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml", ".rdf"}  # read as feeds when the root says so (ingest/feeds.py)
WARC_SUFFIXES = {".warc"}  # read by ingest/warc.py
META_SUFFIX = ".meta.json"
__all__ = ["META_KEYS", "bytes_to_item", "expand_paths", "iter_raw_items", "jsonl_record", "kind_of",
           "origin_of", "read_file", "sniff_kind", "stream_items"]
_BINARY_SNIFF = 8192
# Byte order marks, UTF-32 first: the UTF-32 LE mark starts with UTF-16 LE's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Errors a read can end with: OS errors (BadGzipFile is one), a truncated
# gzip (EOFError) and a gzip corrupt in the middle of its stream (zlib.error).
_READ_ERRORS = (OSError, EOFError, zlib.error)
_FILE_TYPES = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


def kind_of(path: Path) -> str | None:
    """"text", "html", "jsonl", "warc" from the suffix (ignoring .gz), or None."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    for kind, known in (("text", TEXT_SUFFIXES), ("html", HTML_SUFFIXES), ("jsonl", JSONL_SUFFIXES),
                        ("feed", FEED_SUFFIXES), ("warc", WARC_SUFFIXES)):
        if last in known:
            return kind
    return None


def origin_of(path: str | Path) -> str:
    """The path as valid UTF-8 text: file name bytes that are not UTF-8 become \\xNN."""
    try:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a str with surrogates no file system decoding produced
        return valid_unicode(str(path))


safe_origin = origin_of  # a caller's origin string, made encodable the same way


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | Skipped]:
    """Files named and files under directories (recursive, sorted, no hidden)."""
    for raw in paths:
        path = Path(raw)
        try:
            is_dir = stat.S_ISDIR(path.stat().st_mode)
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
            yield _os_skip(origin_of(path), exc)
            continue
        if is_dir:
            yield from _walk(path)
        else:
            yield path  # read_file refuses what is not a regular file


def _os_skip(origin: str, exc: OSError | ValueError) -> Skipped:
    if isinstance(exc, FileNotFoundError):
        return Skipped(origin, "no such file or directory", "NF101")
    return Skipped(origin, f"cannot read: {getattr(exc, 'strerror', None) or exc}", "NF106")


def _walk(root: Path) -> Iterator[Path | Skipped]:
    errors: list[OSError] = []  # os.walk reports unreadable directories here
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        yield from _directory_errors(errors)
        links = sorted(d for d in dirnames if os.path.islink(os.path.join(dirpath, d)) and not d.startswith("."))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in links)
        yield from (_linked_directory(Path(dirpath) / name) for name in links)
        for name in sorted(filenames):
            if not (name.startswith(".") or name.endswith(META_SUFFIX)):
                yield Path(dirpath) / name
    yield from _directory_errors(errors)


def _directory_errors(errors: list[OSError]) -> Iterator[Skipped]:
    while errors:
        exc = errors.pop(0)
        yield Skipped(origin_of(exc.filename or "?"), f"cannot read directory: {exc.strerror or exc}", "NF106")


def _linked_directory(path: Path) -> Skipped:
    return Skipped(origin_of(path), "symbolic link to a directory, not followed (a link can loop back to its "
                                    "parent); name the directory itself to read it", "NF116")


def iter_raw_items(paths: Iterable[str | Path], options: Options = Options()) -> Iterator[RawItem | Skipped]:
    """Items of files, directories and http(s) URLs (pages or feeds: ingest/feeds.py)."""
    fetcher = None  # one HTTP client for every URL of the run: robots.txt is read once per host
    try:
        for raw in paths:
            if isinstance(raw, str) and raw[:8].lower().startswith(("http://", "https://")):
                from .feeds import Fetcher, url_items

                fetcher = fetcher or Fetcher(options)
                yield from url_items(raw, options, fetcher)
                continue
            for entry in expand_paths([raw]):
                if isinstance(entry, Skipped):
                    yield entry
                else:
                    yield from read_file(entry, options)
    finally:
        if fetcher is not None:
            fetcher.close()


def read_file(path: Path, options: Options = Options()) -> Iterator[RawItem | Skipped]:
    """One file's items; a problem yields one Skipped naming the file."""
    path = Path(path)
    origin = origin_of(path)
    kind = kind_of(path)
    if kind is None:
        yield Skipped(origin, f"unsupported file type {valid_unicode(''.join(path.suffixes)) or '(no suffix)'}; "
                              "use .txt, .html/.htm, .jsonl, .warc or a feed (.rss, .atom, .xml), optionally .gz",
                      "NF102")
        return
    handle = _open_regular(path, origin)
    if isinstance(handle, Skipped):
        yield handle
        return
    with handle:
        if kind == "jsonl":
            yield from _read_jsonl(handle, origin, _is_gzip(path), options)
        elif kind == "feed":
            yield from _read_feed(handle, path, options)
        elif kind == "warc":
            yield from read_warc(handle, origin, _is_gzip(path), options, to_item=bytes_to_item)
        else:
            yield _read_document(handle, path, kind, options)


def _read_feed(handle: BinaryIO, path: Path, options: Options) -> Iterator[RawItem | Skipped]:
    from .feeds import read_feed

    data = _read_bytes(handle, origin_of(path), _is_gzip(path), options)
    if isinstance(data, Skipped):
        yield data
    else:
        yield from read_feed(origin_of(path), data, options)


def _is_gzip(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def _open_regular(path: Path, origin: str) -> BinaryIO | Skipped:
    """The file opened for reading if it is a regular file, else why not.

    O_NONBLOCK: opening a FIFO without a writer would block the run forever;
    the type is then checked on the open descriptor, so nothing can swap the
    file in between.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        return _os_skip(origin, exc)
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return os.fdopen(fd, "rb")
    os.close(fd)
    return Skipped(origin, f"not a regular file ({_file_type(mode)}); only regular files are read", "NF116")


def _file_type(mode: int) -> str:
    return next((name for test, name in _FILE_TYPES if test(mode)), "not a regular file")


def _read_document(handle: BinaryIO, path: Path, kind: str, options: Options) -> RawItem | Skipped:
    origin = origin_of(path)
    data = _read_bytes(handle, origin, _is_gzip(path), options)
    if isinstance(data, Skipped):
        return data
    meta = _sidecar_meta(path, options)
    if isinstance(meta, Skipped):
        return meta
    return bytes_to_item(origin, kind, data, meta, options)


def _read_bytes(handle: BinaryIO, origin: str, gz: bool, options: Options) -> bytes | Skipped:
    limit = options.max_file_bytes
    try:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            return _too_big(origin, size, options)
        data = _read_at_most(_gunzip(handle) if gz else handle, limit + 1)
    except _READ_ERRORS as exc:
        return Skipped(origin, f"cannot read: {exc}", "NF106")
    if len(data) > limit:  # decompressed past the limit, or the file grew
        return Skipped(origin, f"too large: more than {limit:,} bytes {'decompressed ' if gz else ''}"
                               "(Options.max_file_bytes)", "NF105")
    return data


def _read_at_most(stream: BinaryIO, size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def bytes_to_item(origin: str, kind: str, data: bytes, meta: dict | None = None,
                  options: Options = Options()) -> RawItem | Skipped:
    """Check and decode one document's bytes (text or HTML)."""
    origin = safe_origin(origin)
    if not data.strip():
        return Skipped(origin, "empty file", "NF103")
    content = _decode(origin, kind, data)
    if isinstance(content, Skipped):
        return content
    try:
        content, meta = clean_body(content, kind, options), clean_meta_dict(meta, options)
    except FieldProblem as problem:
        return Skipped(origin, problem.reason, problem.code)
    if not content.strip():  # a byte order mark or control characters only
        return Skipped(origin, "empty file", "NF103")
    return RawItem(origin, kind, content, meta)


def _decode(origin: str, kind: str, data: bytes) -> str | Skipped:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_unicode(origin, data, codec)
    if b"\x00" in data[:_BINARY_SNIFF]:
        return Skipped(origin, "binary file (contains NUL bytes), not text or HTML", "NF103")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if kind == "html":  # the page's declared charset, or detection
            return _decode_page(origin, data)
        return Skipped(origin, f"not valid UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); "
                               "re-encode the file as UTF-8", "NF104")


def _decode_unicode(origin: str, data: bytes, codec: str) -> str | Skipped:
    """A file that starts with a UTF-16/32 byte order mark."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        return Skipped(origin, f"not valid {codec.upper()} although it starts with a {codec.upper()} byte "
                               f"order mark (offset {exc.start}); re-encode the file as UTF-8", "NF104")


def _decode_page(origin: str, data: bytes) -> str | Skipped:
    from .html import decode_page

    try:
        return decode_page(data)
    except (LookupError, UnicodeError, ValueError) as exc:  # detection can name a codec that fails
        return Skipped(origin, f"cannot decode the page: {exc}", "NF104")


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
    name = safe_origin(name)
    if len(data) > options.max_file_bytes:
        yield _too_big(name, len(data), options)
        return
    kind = sniff_kind(data)
    if kind == "jsonl":
        yield from _read_jsonl(io.BytesIO(data), name, False, options)
    else:
        yield bytes_to_item(name, kind, data, None, options)


def _too_big(origin: str, size: int, options: Options) -> Skipped:
    return Skipped(origin, f"too large: {size:,} bytes, over the limit of {options.max_file_bytes:,} "
                           "bytes (Options.max_file_bytes)", "NF105")


def _sidecar_meta(path: Path, options: Options) -> dict | Skipped:
    """The validated ``<file>.meta.json`` beside ``path`` ({} if none), or why it is unusable."""
    sidecar = path.with_name(path.name + META_SUFFIX)
    if not os.path.lexists(sidecar):
        return {}
    try:
        return clean_meta_dict(_sidecar_object(sidecar, options), options)
    except FieldProblem as problem:
        return Skipped(origin_of(path), f"metadata file {origin_of(sidecar.name)}: {problem.reason}", "NF109")


def _sidecar_object(sidecar: Path, options: Options) -> dict:
    handle = _open_regular(sidecar, origin_of(sidecar))
    if isinstance(handle, Skipped):
        raise FieldProblem("NF109", handle.reason)
    with handle:
        try:
            data = handle.read(options.max_meta_file_bytes + 1)
        except OSError as exc:
            raise FieldProblem("NF109", f"cannot read: {exc}") from None
    if len(data) > options.max_meta_file_bytes:
        raise FieldProblem("NF109", f"larger than {options.max_meta_file_bytes:,} bytes "
                                    "(Options.max_meta_file_bytes)")
    record = _parse_json(data)
    if not isinstance(record, dict):
        raise FieldProblem("NF109", "must be a JSON object with keys such as title, url, published")
    return record


def _parse_json(data: bytes) -> object:
    """json.loads, with its failures as FieldProblem (NF107, NF114)."""
    try:
        return json.loads(data)
    except RecursionError:
        raise FieldProblem("NF114", "JSON nested too deeply to parse (arrays or objects thousands of "
                                    "levels deep)") from None
    except ValueError as exc:  # also UnicodeDecodeError: bytes that are not UTF-8/16/32
        raise FieldProblem("NF107", f"invalid JSON: {exc}") from None


def _gunzip(handle: BinaryIO) -> BinaryIO:
    return io.BufferedReader(_Gunzip(handle), 1 << 16)


class _Gunzip(io.RawIOBase):
    """gzip decompression that hands out every byte decoded before a corrupt spot.

    gzip.GzipFile decompresses in steps of several KB and loses all of a
    step's output when the step fails, so the last lines before a break in
    the stream were lost (23 of them in a test). Here a failing step is
    replayed byte by byte from a copy of the decompressor taken before it;
    the error is raised once the salvaged bytes have been read.
    Concatenated gzip members and zero padding after them are read as
    gzip.GzipFile reads them.
    """

    _STEP = 4096  # compressed bytes per step (each step copies the 32 KB window)
    _OUT = 1 << 16  # decompressed bytes per step at most: a bomb is read in small pieces

    def __init__(self, raw: BinaryIO):
        super().__init__()
        self.raw, self.unzip, self.carry = raw, None, b""
        self.pending, self.error, self.done = memoryview(b""), None, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending and not self.done:
            self.pending = memoryview(self._step())
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        if not size and self.error is not None:
            error, self.error = self.error, None
            raise error
        return size

    def _step(self) -> bytes:
        data = self._input()
        if not data:
            return self._finish()
        saved = self.unzip.copy()
        try:
            out = self.unzip.decompress(data, self._OUT)
        except zlib.error as exc:
            self.unzip, self.error, self.done = saved, exc, True
            return self._salvage(data)
        self.carry = self.unzip.unconsumed_tail
        if self.unzip.eof:  # a member ends; another may follow
            self.carry, self.unzip = self.unzip.unused_data, None
        return out

    def _input(self) -> bytes:
        """The next compressed bytes; a new member's decompressor when one starts."""
        data, self.carry = self.carry or self.raw.read(self._STEP), b""
        if self.unzip is None:
            while data and not data.strip(b"\0"):  # zero padding between or after members
                data = self.raw.read(self._STEP)
            data = data.lstrip(b"\0")
            self.unzip = zlib.decompressobj(wbits=31) if data else None
        return data

    def _finish(self) -> bytes:
        """End of the compressed input: the decompressor's last bytes, or why it is cut short."""
        self.done = True
        if self.unzip is None:
            return b""
        try:
            out = self.unzip.flush()
        except zlib.error as exc:
            self.error = exc
            return b""
        if not self.unzip.eof:
            self.error = EOFError("compressed file ended before the end-of-stream marker was reached")
        return out

    def _salvage(self, data: bytes) -> bytes:
        out = []
        for i in range(len(data)):
            try:
                out.append(self.unzip.decompress(data[i:i + 1]))
            except zlib.error:
                break
        return b"".join(out)


class _Lines:
    """A binary stream's lines, each read with a size limit.

    A line longer than ``max_file_bytes`` is consumed in chunks and yielded as
    its length (an int), never held in memory; reading stops with
    _StreamTooLarge past ``max_stream_bytes``. ``number`` and ``consumed`` say
    where the stream is, for a report when it breaks.
    """

    def __init__(self, stream: BinaryIO, options: Options):
        self.stream, self.options = stream, options
        self.number = self.consumed = 0

    def __iter__(self) -> Iterator[bytes | int]:
        while line := self._read(self.options.max_file_bytes + 1):
            self.number += 1
            if len(line) > self.options.max_file_bytes and not line.endswith(b"\n"):
                yield len(line) + self._skip_rest()
            else:
                yield line

    def _read(self, size: int) -> bytes:
        line = self.stream.readline(size)
        self.consumed += len(line)
        if self.consumed > self.options.max_stream_bytes:
            raise _StreamTooLarge
        return line

    def _skip_rest(self) -> int:
        skipped = 0
        while (chunk := self._read(1 << 20)) and not chunk.endswith(b"\n"):
            skipped += len(chunk)
        return skipped + len(chunk)


class _StreamTooLarge(Exception):
    pass


def _read_jsonl(handle: BinaryIO, origin: str, gz: bool, options: Options) -> Iterator[RawItem | Skipped]:
    lines = _Lines(_gunzip(handle) if gz else handle, options)
    try:
        yield from _jsonl_lines(origin, lines, options)
    except _StreamTooLarge:
        yield Skipped(f"{origin}:{lines.number + 1}", f"stopped reading after {lines.consumed:,} bytes"
                      f"{' decompressed' if gz else ''}: over the limit of {options.max_stream_bytes:,} "
                      "bytes per JSON Lines file (Options.max_stream_bytes)", "NF105")
    except _READ_ERRORS as exc:
        yield Skipped(f"{origin}:{lines.number + 1}", f"cannot read past line {lines.number} (byte "
                      f"{lines.consumed:,}{' decompressed' if gz else ''}); the lines before were read: "
                      f"{exc}", "NF106")


def _jsonl_lines(name: str, lines: Iterable[bytes | int], options: Options) -> Iterator[RawItem | Skipped]:
    """The records of a JSON Lines stream; after too many bad lines, one NF115 and stop."""
    skips = records = 0
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes) and not line.strip():
            continue
        records += 1
        item = _line_item(f"{name}:{number}", line, options)
        skips += isinstance(item, Skipped)
        if skips > options.max_skips_per_file:
            yield _skip_flood(name, number, options)
            return
        yield item
    if not records:
        yield Skipped(name, "empty file: no JSON Lines records", "NF103")


def _line_item(origin: str, line: bytes | int, options: Options) -> RawItem | Skipped:
    if isinstance(line, int):  # longer than the limit: skipped unread
        return _too_big(origin, line, options)
    return jsonl_record(origin, line, options)


def _skip_flood(name: str, number: int, options: Options) -> Skipped:
    return Skipped(f"{name}:{number}", f"stopped reading at line {number}: more than "
                   f"{options.max_skips_per_file:,} lines skipped (Options.max_skips_per_file); this does "
                   "not look like JSON Lines of articles", "NF115")


def jsonl_record(origin: str, line: bytes, options: Options = Options()) -> RawItem | Skipped:
    """One JSON Lines record: ``text`` or ``html`` plus optional metadata."""
    origin = safe_origin(origin)
    if len(line) > options.max_file_bytes:
        return _too_big(origin, len(line), options)
    try:
        return _record_item(origin, _parse_json(line), options)
    except FieldProblem as problem:
        return Skipped(origin, _on_line(origin, problem), problem.code)


def _on_line(origin: str, problem: FieldProblem) -> str:
    """"invalid JSON on line 2: ..." (the line number from the origin)."""
    where = origin.rsplit(":", 1)[-1]
    if problem.code == "NF107" and where.isdigit():
        return problem.reason.replace("invalid JSON", f"invalid JSON on line {where}", 1)
    return problem.reason


def _record_item(origin: str, record: object, options: Options) -> RawItem | Skipped:
    if not isinstance(record, dict):
        return Skipped(origin, "a JSON Lines record must be an object", "NF107")
    fields = validate(record)
    meta = clean_meta(fields, options)
    for kind in ("text", "html"):
        value = getattr(fields, kind)
        value = clean_body(value, kind, options) if value and value.strip() else ""
        if value.strip():
            return RawItem(origin, kind, value, meta)
    return Skipped(origin, "record has no non-empty 'text' or 'html' field", "NF108")
