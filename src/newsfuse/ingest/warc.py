"""WARC files (``.warc``, ``.warc.gz``) -> RawItem | Skipped, streaming.

Every HTML page a crawler fetched (a ``response`` record with HTTP status
2xx and Content-Type text/html or application/xhtml+xml) becomes a RawItem
of kind "html": url from WARC-Target-URI, meta ``fetched`` from WARC-Date
(the publication date still comes from the page), the HTTP body decoded by
its charset. Records are read one at a time and bounded by
``Options.max_file_bytes``, so memory stays flat on a file of any size.

Written without a WARC library: a reader that can say at which byte a record
broke and carry on at the next one needs to own the byte positions. A
gzipped WARC is read one gzip member at a time (WARC files compress each
record as its own member, as CC-NEWS does); a bad member is skipped and
reading resumes at the next gzip header. In a plain WARC reading resumes at
the next line starting ``WARC/1.``.

Codes:

NF160  records that are not articles (request, metadata, warcinfo, revisit,
       non-HTML or non-2xx responses): one Skipped per file, counted by type
NF161  a broken record (bad headers, truncated, bad gzip member), with its
       byte offset (of the gzip member in a .warc.gz); the rest is read
NF105  a record over Options.max_file_bytes, with its byte offset
NF115  too many records skipped (Options.max_skips_per_file): the rest of
       the file is not read
"""

from __future__ import annotations

import io
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ..config import Options
from ..records import RawItem, Skipped
from .schema import meta_text

__all__ = ["read_warc"]

_MAX_HEADER_BYTES = 65_536  # WARC or HTTP headers: real ones are a few KB
_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"^WARC/1\.\d\r?\n$")
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_BODY_ENCODINGS = {"gzip": 31, "x-gzip": 31, "deflate": 15}  # zlib wbits


class _Broken(Exception):
    """A record that cannot be read: the reason; the reader resumes further on."""


class _TooLarge(Exception):
    pass


@dataclass(frozen=True)
class _Reading:
    options: Options
    to_item: Callable[..., RawItem | Skipped]


@dataclass
class _Record:
    """One WARC record's outcome: an item, a skip, or a kind to count."""

    offset: int
    outcome: RawItem | Skipped | str


def read_warc(handle: BinaryIO, origin: str, gz: bool, options: Options = Options(), *,
              to_item: Callable[..., RawItem | Skipped]) -> Iterator[RawItem | Skipped]:
    """The HTML pages of a WARC file, each broken record skipped with its offset.

    ``to_item`` checks and decodes a page's bytes (sources.bytes_to_item,
    passed in because sources dispatches here).
    """
    reading = _Reading(options, to_item)
    counts: Counter[str] = Counter()
    skipped = seen = 0
    records = _members(handle, reading) if _gzipped(handle, gz) else _plain(handle, reading)
    for seen, record in enumerate(records, start=1):
        if isinstance(record.outcome, str):
            counts[record.outcome] += 1
            continue
        skipped += isinstance(record.outcome, Skipped)
        if skipped > options.max_skips_per_file:
            yield _flood(origin, record.offset, reading)
            return
        yield _placed(record.outcome, origin, record.offset)
    yield from _summary(origin, counts, seen)


def _gzipped(handle: BinaryIO, gz: bool) -> bool:
    """gzip by its first bytes: a plain WARC named .warc.gz is read as plain, and the reverse."""
    head = handle.read(len(_GZIP_MAGIC))
    handle.seek(0)
    return head == _GZIP_MAGIC or (gz and not head.startswith(b"WAR"))


def _placed(outcome: RawItem | Skipped, origin: str, offset: int) -> RawItem | Skipped:
    """The outcome named ``file:offset`` (the report groups skips by file)."""
    outcome.origin = f"{origin}:{offset}"
    return outcome


def _flood(origin: str, offset: int, reading: _Reading) -> Skipped:
    return Skipped(f"{origin}:{offset}", f"stopped reading at byte {offset:,}: more than "
                   f"{reading.options.max_skips_per_file:,} records skipped (Options.max_skips_per_file); "
                   "this does not look like a WARC file", "NF115")


def _summary(origin: str, counts: Counter, seen: int) -> Iterator[Skipped]:
    if not seen:
        yield Skipped(origin, "empty file: no WARC records", "NF103")
    elif counts:
        parts = ", ".join(f"{n:,} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        yield Skipped(origin, f"{sum(counts.values()):,} WARC records are not HTML pages and were not read "
                              f"as articles: {parts}", "NF160")


# Plain WARC: one stream of records; after a broken one, the next "WARC/1." line.

def _plain(handle: BinaryIO, reading: _Reading) -> Iterator[_Record]:
    start = handle.tell()
    while True:
        stream = io.BufferedReader(_Window(handle, start), _CHUNK)
        records = _records(stream, start, "at byte", reading)
        start = yield from _until_broken(records)
        if start is None:
            return
        start = _find(handle, start + 1, b"\nWARC/1.", 1)
        if start is None:
            return


def _until_broken(records: Iterator[_Record]) -> Iterator[_Record]:
    """Pass records on; the offset of a broken one (after yielding it), else None."""
    for record in records:
        yield record
        if isinstance(record.outcome, Skipped) and record.outcome.code == "NF161":
            return record.offset
    return None


def _records(stream: BinaryIO, offset: int, where: str, reading: _Reading) -> Iterator[_Record]:
    """Records from ``offset`` on, until the stream ends or a record breaks."""
    while True:
        start = offset + stream.tell()
        try:
            if not _skip_blank(stream):
                return
            start = offset + stream.tell()
            outcome = _one_record(stream, reading)
        except (_Broken, *_READ_ERRORS) as exc:
            yield _Record(start, Skipped("", f"broken WARC record {where} {start:,}: {exc}; reading went on "
                                             "at the next record", "NF161"))
            return
        yield _Record(start, outcome)


_READ_ERRORS = (OSError, EOFError, zlib.error)


def _skip_blank(stream: BinaryIO) -> bool:
    """Past blank lines and zero padding: True if another record follows."""
    while (byte := stream.peek(1)[:1]) in (b"\r", b"\n", b"\0"):
        stream.read(1)
    return byte != b""


class _Window(io.RawIOBase):
    """A file read from ``start``, reporting positions relative to it (tell on the buffer)."""

    def __init__(self, raw: BinaryIO, start: int):
        super().__init__()
        self.raw, self.delivered = raw, 0
        raw.seek(start)

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.delivered

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[:len(data)] = data
        self.delivered += len(data)
        return len(data)


def _find(handle: BinaryIO, start: int, marker: bytes, skip: int) -> int | None:
    """The offset of the next ``marker`` from ``start`` (plus ``skip``), or None."""
    handle.seek(start)
    tail, position = b"", start
    while chunk := handle.read(_CHUNK):
        found = (tail + chunk).find(marker)
        if found >= 0:
            return position - len(tail) + found + skip
        tail = chunk[-len(marker):]
        position += len(chunk)
    return None


# One record: WARC headers, a block of Content-Length bytes, then CRLF CRLF.

def _one_record(stream: BinaryIO, reading: _Reading) -> RawItem | Skipped | str:
    headers = _warc_headers(stream)
    block = _Block(stream, _content_length(headers))
    outcome = _outcome(headers, block, reading)
    block.drain()
    _end_of_record(stream)
    return outcome


def _end_of_record(stream: BinaryIO) -> None:
    """CRLF CRLF after the block (tolerating LF only, or the end of the file)."""
    trailer = stream.peek(4)[:4]
    ends = len(trailer) - len(trailer.lstrip(b"\r\n"))
    if ends < 2 and trailer[ends:]:  # more data, not after a blank line: the block was cut short
        raise _Broken("the record is shorter than its Content-Length (truncated)")
    stream.read(ends)


def _warc_headers(stream: BinaryIO) -> dict[str, str]:
    first = stream.readline(64)
    if not _WARC_LINE.match(first):
        raise _Broken(f"no WARC version line (found {first[:20]!r})")
    return _header_lines(stream, "WARC")


def _header_lines(stream: BinaryIO, what: str) -> dict[str, str]:
    """Name: value lines up to a blank line (names lower-cased; bounded)."""
    headers: dict[str, str] = {}
    total = 0
    while (line := stream.readline(_MAX_HEADER_BYTES)).strip():
        total += len(line)
        if total >= _MAX_HEADER_BYTES or not line.endswith(b"\n"):
            raise _Broken(f"{what} headers longer than {_MAX_HEADER_BYTES:,} bytes or cut off")
        name, colon, value = line.decode("latin-1").partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    if not line:
        raise _Broken(f"the record ends inside its {what} headers")
    return headers


def _content_length(headers: dict[str, str]) -> int:
    value = headers.get("content-length", "")
    if not value.isdigit():
        raise _Broken(f"missing or bad Content-Length {value!r}")
    return int(value)


class _Block:
    """A record's block: at most ``size`` bytes of the stream."""

    def __init__(self, stream: BinaryIO, size: int):
        self.stream, self.left, self.size = stream, size, size

    def readline(self, limit: int) -> bytes:
        line = self.stream.readline(min(limit, self.left))
        self.left -= len(line)
        return line

    def read(self, size: int) -> bytes:
        data = self.stream.read(min(size, self.left))
        self.left -= len(data)
        return data

    def drain(self) -> None:
        """Past the rest of the block, in pieces (a 4 GB video is never held)."""
        while self.left and self.read(_CHUNK):
            pass
        if self.left:
            raise _Broken(f"the file ends {self.left:,} bytes before the end of the record")


# What a record is: a page, or a kind to count.

def _outcome(headers: dict[str, str], block: _Block, reading: _Reading) -> RawItem | Skipped | str:
    kind = headers.get("warc-type", "untyped").lower()
    if kind != "response":
        return kind
    if not headers.get("content-type", "application/http").lower().startswith("application/http"):
        return "response not HTTP"
    http = _http_head(block)
    if isinstance(http, str):
        return http
    return _page(headers, http, block, reading)


def _http_head(block: _Block) -> dict[str, str] | str:
    """The HTTP headers of an HTML page with status 2xx, or the kind to count."""
    status = block.readline(1024).split(b" ", 2)
    if len(status) < 2 or not status[0].startswith(b"HTTP/"):
        raise _Broken("a response record without an HTTP status line")
    http = _header_lines(block, "HTTP")
    if not status[1].startswith(b"2"):
        return f"HTTP {status[1].decode('latin-1')[:3]}"
    media = http.get("content-type", "").split(";")[0].strip().lower()
    if media not in _HTML_TYPES:
        return f"response {media or 'without Content-Type'}"
    return http


def _page(headers: dict[str, str], http: dict[str, str], block: _Block, reading: _Reading) -> RawItem | Skipped:
    if block.left > reading.options.max_file_bytes:
        return _too_large(block.left, reading)
    try:
        body = _decoded_body(block.read(block.left), http, reading)
    except _TooLarge:
        return _too_large(reading.options.max_file_bytes + 1, reading)
    except (zlib.error, ValueError) as exc:
        return Skipped("", f"cannot decode the HTTP body ({http.get('content-encoding', 'chunked')}): {exc}",
                       "NF104")
    return _item(body, headers, http, reading)


def _too_large(size: int, reading: _Reading) -> Skipped:
    return Skipped("", f"too large: an HTML page of {size:,} bytes, over the limit of "
                       f"{reading.options.max_file_bytes:,} bytes (Options.max_file_bytes)", "NF105")


def _decoded_body(body: bytes, http: dict[str, str], reading: _Reading) -> bytes:
    """The page's bytes: chunked transfer and gzip/deflate content undone, bounded.

    CC-NEWS stores bodies already decoded (its headers say X-Crawler-...);
    other crawlers store them as sent.
    """
    if "chunked" in http.get("transfer-encoding", "").lower():
        body = _unchunk(body)
    wbits = _BODY_ENCODINGS.get(http.get("content-encoding", "").strip().lower())
    if wbits is None:
        return body
    data = zlib.decompressobj(wbits).decompress(body, reading.options.max_file_bytes + 1)
    if len(data) > reading.options.max_file_bytes:
        raise _TooLarge
    return data


def _unchunk(body: bytes) -> bytes:
    parts, at = [], 0
    while at < len(body):
        end = body.index(b"\r\n", at)  # ValueError: a cut-off chunk header
        size = int(body[at:end].split(b";")[0], 16)
        if size == 0:
            break
        parts.append(body[end + 2:end + 2 + size])
        at = end + 2 + size + 2
    return b"".join(parts)


def _item(body: bytes, headers: dict[str, str], http: dict[str, str], reading: _Reading) -> RawItem | Skipped:
    meta = {"url": headers["warc-target-uri"]} if headers.get("warc-target-uri") else {}
    item = reading.to_item("", "html", _as_utf8(body, http), meta, reading.options)
    if isinstance(item, RawItem) and headers.get("warc-date"):
        item.meta["fetched"] = meta_text(headers["warc-date"])[:64]  # not a schema key: added after checks
    return item


def _as_utf8(body: bytes, http: dict[str, str]) -> bytes:
    """The body re-encoded as UTF-8 if the HTTP charset decodes it; else as it came.

    bytes_to_item then decodes UTF-8, or falls back to the page's declared
    charset and detection for a body the HTTP header mislabels.
    """
    charset = re.search(r"charset=[\"']?([\w.:-]+)", http.get("content-type", ""), re.IGNORECASE)
    if not charset or body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return body
    try:
        return body.decode(charset.group(1)).encode("utf-8")
    except (LookupError, UnicodeError):
        return body


# Gzipped WARC: one member at a time; after a bad one, the next gzip header.

def _members(handle: BinaryIO, reading: _Reading) -> Iterator[_Record]:
    start = 0 if handle.read(1) else None  # not gzip at 0: a broken record, then the first gzip header
    while start is not None:
        member = _Member(handle, start)
        stream = io.BufferedReader(member, _CHUNK)
        yield from _member_records(stream, start, reading)
        start = _next_member(handle, member, start)


def _member_records(stream: BinaryIO, start: int, reading: _Reading) -> Iterator[_Record]:
    """The member's records, each placed at the member's offset."""
    for record in _records(stream, start, "in the gzip member at byte", reading):
        record.offset = start
        yield record


def _next_member(handle: BinaryIO, member: _Member, start: int) -> int | None:
    """Where the next member starts: after this one, else at the next gzip header."""
    try:
        member.drain()
    except _READ_ERRORS:
        pass
    if member.end is not None:
        return _skip_padding(handle, member.end)
    return _find(handle, start + 1, _GZIP_MAGIC, 0)


def _skip_padding(handle: BinaryIO, at: int) -> int | None:
    """The next gzip header from ``at``; None at the end (or trailing zeros)."""
    handle.seek(at)
    head = handle.read(len(_GZIP_MAGIC))
    if not head.strip(b"\0"):
        return _find(handle, at, _GZIP_MAGIC, 0) if head else None
    return at if head == _GZIP_MAGIC else _find(handle, at, _GZIP_MAGIC, 0)


class _Member(_Window):
    """One gzip member decompressed; ``end`` is where it ended in the file.

    A member cut short raises EOFError, a corrupt one zlib.error; both make
    the record in it a broken one.
    """

    def __init__(self, raw: BinaryIO, start: int):
        super().__init__(raw, start)
        self.unzip, self.carry, self.end = zlib.decompressobj(wbits=31), b"", None

    def readinto(self, buffer) -> int:
        out = b""
        while not out and self.end is None:
            out = self._step(len(buffer))
        buffer[:len(out)] = out
        self.delivered += len(out)
        return len(out)

    def _step(self, size: int) -> bytes:
        data, self.carry = self.carry or self.raw.read(_CHUNK), b""
        if not data:
            return self._last()
        out = self.unzip.decompress(data, size)
        self.carry = self.unzip.unconsumed_tail
        if self.unzip.eof:
            self.end = self.raw.tell() - len(self.unzip.unused_data)
        return out

    def _last(self) -> bytes:
        """At the end of the file: what zlib still holds (a step can stop at ``size``), if the member ends."""
        out = self.unzip.flush()
        if not self.unzip.eof:
            raise EOFError("the gzip member is cut off (the file ends inside it)")
        self.end = self.raw.tell()
        return out

    def drain(self) -> None:
        while self.end is None:
            self._step(_CHUNK)
