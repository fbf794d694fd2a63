"""Fuzz the input boundary: generated and mutated inputs through the readers
and ``to_article`` (the ingest's read-and-clean stage).

Seeds are real articles (shared/data/stories/*.jsonl) and real HTML pages
(shared/data/extraction/scrapinghub/html/*.html.gz). Each input is one of:
a JSON Lines record with swapped field types, lone surrogates, damaged bytes,
deep nesting, a wrong encoding or an extreme size; an article text or HTML
page truncated, bit-flipped, re-encoded (UTF-16/32, latin-1, cp1252), salted
with control characters or nested thousands of tags deep; random bytes; a
stdin stream of such lines; or any of these written to a file (each suffix,
gzip or not, gzip damaged, with a random sidecar) and read from disk.

Every outcome is counted by code: ``article`` (to_article made one), an NF
code (a Skipped from a reader, or an InputError from to_article), ``crash:*``
(any other exception: the goal is none) or ``invalid:*`` (a reader's result
broke an invariant: text not encodable as UTF-8, a field over its bound, a
Skipped without an NF code). Prints a table, the slowest inputs and the time.

``--ingest N`` also runs the readers' results for N inputs through the full
``newsfuse.ingest`` into a temporary SQLite store (hashing embedder, analysis
off unless ``--analyze``) to show the later stages do not crash either.

Run: .venv/bin/python benchmarks/fuzz.py [--inputs 100000] [--seed 1]
     [--processes 2] [--ingest N] [--analyze]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import tempfile
import time
import traceback
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
FIELDS = ("text", "html", "title", "url", "source", "published", "id")
SUFFIXES = (".txt", ".html", ".jsonl", ".txt.gz", ".html.gz", ".jsonl.gz", ".ndjson", ".htm", ".text")
CODE = re.compile(r"^NF1\d\d$")
MAX_PAGES = 60  # HTML seeds: enough variety; extraction is the slow part
CHUNK = 500  # inputs per worker task


@dataclass
class Case:
    """One fuzz input: which entry point, and its bytes."""

    entry: str  # line, doc, stream, file
    generator: str
    data: bytes
    kind: str = "text"  # doc: text or html; file: the suffix
    meta: object = None  # doc: metadata dict; file: sidecar bytes or None


# --- seeds -----------------------------------------------------------------

@lru_cache(maxsize=1)  # once per worker process, not once per chunk
def load_seeds() -> dict:
    records = []
    for name in ("news_cluster.jsonl", "ecbplus_dev.jsonl"):
        path = DATA / "stories" / name
        if path.exists():
            records += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pages = [gzip.decompress(p.read_bytes()) for p in sorted((DATA / "extraction" / "scrapinghub" / "html")
                                                              .glob("*.html.gz"))[:MAX_PAGES]]
    if not records:
        records = [{"text": "The council voted on Monday to close the old bridge for repairs. " * 10}]
    return {"records": records, "pages": pages or [b"<html><body><p>" + b"word " * 300 + b"</p></body></html>"]}


# --- mutations ---------------------------------------------------------------

def random_json(rng: random.Random, depth: int = 0) -> object:
    choices = [None, True, False, rng.randint(-10**6, 10**6), rng.random() * 1e9, float("nan"),
               "", "x" * rng.randint(0, 50), "\ud800", [], {}, 10**30]
    if depth < 3:
        choices += [[random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))],
                    {str(rng.randint(0, 9)): random_json(rng, depth + 1)}]
    return rng.choice(choices)


def flip(rng: random.Random, data: bytes, n: int | None = None) -> bytes:
    buf = bytearray(data)
    for _ in range(n or rng.randint(1, 8)):
        if buf:
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    return bytes(buf)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randint(0, len(data))]


def salt(rng: random.Random, data: bytes, junk: bytes) -> bytes:
    """Insert bytes of ``junk`` at random places."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        buf[rng.randint(0, len(buf)):0] = bytes([rng.choice(junk)])
    return bytes(buf)


def reencode(rng: random.Random, text: str) -> bytes:
    codec = rng.choice(["utf-16", "utf-16-le", "utf-32", "utf-32-be", "latin-1", "cp1252", "utf-8-sig", "utf-7"])
    data = text.encode(codec, "replace")
    if codec.endswith(("-le", "-be")) and rng.random() < 0.5:
        data = {"utf-16-le": b"\xff\xfe", "utf-32-be": b"\x00\x00\xfe\xff"}[codec] + data
    return data


def damage(rng: random.Random, data: bytes) -> bytes:
    """One byte-level damage of any kind."""
    how = rng.randrange(7)
    if how == 0:
        return truncate(rng, data)
    if how == 1:
        return flip(rng, data)
    if how == 2:
        return salt(rng, data, bytes(range(0, 32)) + b"\x7f")
    if how == 3:
        return salt(rng, data, bytes(range(0x80, 0x100)))
    if how == 4:
        return reencode(rng, data.decode("utf-8", "replace"))
    if how == 5:
        return data * rng.randint(2, 30)
    return data.replace(b"\n", b"\r") if rng.random() < 0.5 else data.replace(b" ", b"\x00")


# --- generators ---------------------------------------------------------------

def seed_record(rng: random.Random, seeds: dict) -> dict:
    record = dict(rng.choice(seeds["records"]))
    if rng.random() < 0.2:  # an HTML body instead of text
        record["html"] = rng.choice(seeds["pages"])[:20_000].decode("utf-8", "replace")
        record.pop("text", None)
    return record


def gen_type_swap(rng, seeds) -> Case:
    record = seed_record(rng, seeds)
    for key in rng.sample(FIELDS + ("extra",), rng.randint(1, 3)):
        record[key] = random_json(rng)
    return Case("line", "record: type swap", json.dumps(record).encode())


def gen_surrogates(rng, seeds) -> Case:
    record = seed_record(rng, seeds)
    for key in rng.sample(FIELDS, rng.randint(1, 4)):
        value = str(record.get(key) or "x")
        cut = rng.randint(0, len(value))
        record[key] = value[:cut] + rng.choice(["\ud800", "\udfff", "\udc80", "\x00", "\x1b[2J", "\u202e"]) + value[cut:]
    return Case("line", "record: surrogates, controls", json.dumps(record, ensure_ascii=True).encode())


def gen_line_damage(rng, seeds) -> Case:
    return Case("line", "record: byte damage", damage(rng, json.dumps(seed_record(rng, seeds)).encode()))


def gen_nesting(rng, seeds) -> Case:
    depth = rng.choice([10, 500, 990, 1100, 5000, 50_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    nested = opener * depth + "1" + closer * depth
    where = rng.choice(["text", "title", "extra", None])
    line = nested if where is None else json.dumps(seed_record(rng, seeds))[:-1] + f', "{where}": {nested}}}'
    return Case("line", "record: deep nesting", line.encode())


def gen_size(rng, seeds) -> Case:
    record = seed_record(rng, seeds)
    key = rng.choice(["title", "url", "source", "id", "published", "text"])
    size = rng.choice([0, 1, 1999, 2001, 8193, 50_000, 199_999, 200_001 if rng.random() < 0.3 else 100_000])
    record[key] = ("word " * (size // 5 + 1))[:size]
    return Case("line", "record: size extremes", json.dumps(record).encode())


def gen_line_encoding(rng, seeds) -> Case:
    return Case("line", "record: wrong encoding", reencode(rng, json.dumps(seed_record(rng, seeds), ensure_ascii=False)))


def gen_text_doc(rng, seeds) -> Case:
    text = str(rng.choice(seeds["records"]).get("text") or "")
    data = text.encode() if rng.random() < 0.1 else damage(rng, text.encode())
    return Case("doc", "text: mutated article", data, "text", rng.choice([None, {}, seed_meta(rng)]))


def seed_meta(rng: random.Random) -> dict:
    return {key: random_json(rng) for key in rng.sample(FIELDS[2:], rng.randint(1, 3))}


def gen_html_doc(rng, seeds) -> Case:
    page = rng.choice(seeds["pages"])
    how = rng.randrange(4)
    if how == 0:
        page = re.sub(rb"<meta[^>]*charset[^>]*>", b'<meta charset="' + rng.choice([b"utf-16", b"bogus", b"latin-1",
                                                                                       b"utf-32"]) + b'">', page)
    elif how == 1:
        depth = rng.choice([100, 3000, 30_000])
        page = page.replace(b"<body", b"<div>" * depth + b"<body", 1)
    else:
        page = damage(rng, page)
    return Case("doc", "html: mutated page", page, "html", rng.choice([None, {"url": "http://[::1"}, seed_meta(rng)]))


def gen_random(rng, seeds) -> Case:
    data = rng.randbytes(rng.choice([0, 1, 5, 100, 2_000, 20_000]))
    entry = rng.choice(["line", "doc", "stream"])
    return Case(entry, "random bytes", data, rng.choice(["text", "html"]))


def gen_stream(rng, seeds) -> Case:
    lines = [gen_type_swap(rng, seeds).data if rng.random() < 0.5 else gen_line_damage(rng, seeds).data
             for _ in range(rng.randint(0, 6))]
    return Case("stream", "stdin: lines", b"\n".join(lines))


def gen_file(rng, seeds) -> Case:
    inner = rng.choice([gen_text_doc, gen_html_doc, gen_random, gen_stream, gen_type_swap, gen_nesting])(rng, seeds)
    suffix = rng.choice(SUFFIXES)
    data = inner.data
    if suffix.endswith(".gz"):
        data = gzip.compress(data, compresslevel=1)
        data = damage_gzip(rng, data) if rng.random() < 0.4 else data
    sidecar = rng.choice([None, None, b"[1]", b"{", json.dumps(seed_meta(rng)).encode(), rng.randbytes(30)])
    return Case("file", f"file: {inner.generator}", data, suffix, sidecar)


def damage_gzip(rng: random.Random, data: bytes) -> bytes:
    how = rng.randrange(4)
    if how == 0:
        return truncate(rng, data)
    if how == 1:
        return flip(rng, data, rng.randint(1, 3))
    if how == 2:  # a stream that breaks half way: invalid block type
        packer = zlib.compressobj(wbits=31)
        plain = gzip.decompress(data)
        return packer.compress(plain[:len(plain) // 2]) + packer.flush(zlib.Z_FULL_FLUSH) + b"\xff" * 8
    return data + rng.choice([b"\x00" * 100, b"junk", data])


def gen_bomb(rng, seeds) -> Case:
    """A small gzip that decompresses to many lines of {} or one huge line."""
    body = rng.choice([b"{}\n" * 400_000, b"[" * 2_000_000, b"x" * 25_000_000])
    return Case("file", "file: gzip bomb", gzip.compress(body, compresslevel=9), rng.choice([".jsonl.gz", ".txt.gz"]))


# (generator, weight): HTML extraction costs 10-100 ms a page, everything
# else well under a millisecond, so pages are a small share of the inputs.
GENERATORS = [(gen_type_swap, 18), (gen_surrogates, 12), (gen_line_damage, 14), (gen_nesting, 5), (gen_size, 4),
              (gen_line_encoding, 6), (gen_text_doc, 14), (gen_html_doc, 3), (gen_random, 10), (gen_stream, 6),
              (gen_file, 8), (gen_bomb, 0.02)]


def make_case(rng: random.Random, seeds: dict) -> Case:
    functions, weights = zip(*GENERATORS)
    return rng.choices(functions, weights)[0](rng, seeds)


# --- running ------------------------------------------------------------------

def reader_items(case: Case, options, workdir: Path):
    """The readers' results for one case (a list, so that a crash surfaces here)."""
    from newsfuse.ingest.sources import bytes_to_item, jsonl_record, read_file, stream_items

    if case.entry == "line":
        return [jsonl_record("fuzz.jsonl:1", case.data, options)]
    if case.entry == "doc":
        return [bytes_to_item("fuzz", case.kind, case.data, case.meta, options)]
    if case.entry == "stream":
        return list(stream_items("<stdin>", case.data, options))
    return list(read_file(write_case(case, workdir), options))


def write_case(case: Case, workdir: Path) -> Path:
    path = workdir / f"in{case.kind}"
    path.write_bytes(case.data)
    sidecar = workdir / f"in{case.kind}.meta.json"
    if case.meta is not None:
        sidecar.write_bytes(case.meta)
    return path


def clear(workdir: Path) -> None:
    for child in workdir.iterdir():
        child.unlink()


def invariant_problem(item, options) -> str | None:
    """What a reader's result breaks, if anything (see tests/test_input_fuzz.py)."""
    from newsfuse.records import RawItem, Skipped

    if isinstance(item, Skipped):
        ok = CODE.match(item.code) and _utf8(item.origin) and _utf8(item.reason)
        return None if ok else "skipped without code or valid text"
    if not isinstance(item, RawItem):
        return f"yielded {type(item).__name__}"
    limit = options.max_text_chars if item.kind == "text" else options.max_file_bytes
    if not (_utf8(item.content) and _utf8(item.origin) and len(item.content) <= limit and item.content.strip()):
        return "content invalid, empty or over its bound"
    return _meta_problem(item.meta, options)


def _meta_problem(meta: dict, options) -> str | None:
    for key, value in meta.items():
        bound = options.max_url_chars if key == "url" else options.max_meta_chars
        if not (isinstance(value, str) and _utf8(value) and len(value) <= bound):
            return f"meta {key} invalid"
    return None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def outcomes(case: Case, options, workdir: Path) -> list[str]:
    """One label per item: article, an NF code, invalid:* (a crash raises)."""
    from newsfuse.errors import InputError
    from newsfuse.ingest.article import to_article
    from newsfuse.records import Skipped

    labels = []
    for item in reader_items(case, options, workdir):
        problem = invariant_problem(item, options)
        if problem or isinstance(item, Skipped):
            labels.append(f"invalid: {problem}" if problem else item.code)
            continue
        try:
            to_article(item, options)
            labels.append("article")
        except InputError as exc:
            labels.append(exc.code)
    return labels


@dataclass
class Tally:
    counts: Counter
    generators: Counter
    crashes: list
    slowest: list
    inputs: int = 0


def run_chunk(seed: int, start: int, count: int) -> Tally:
    """Inputs start..start+count of the run with this seed (deterministic)."""
    from newsfuse import Options

    seeds, options = load_seeds(), Options()
    tally = Tally(Counter(), Counter(), [], [])
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(start, start + count):
            run_one(random.Random(seed * 1_000_003 + index), seeds, options, Path(tmp), tally, index)
    return tally


def run_one(rng, seeds, options, workdir: Path, tally: Tally, index: int) -> None:
    case = make_case(rng, seeds)
    started = time.perf_counter()
    try:
        labels = outcomes(case, options, workdir)
    except Exception as exc:  # noqa: BLE001 - any exception here is what the fuzzer looks for
        labels = [f"crash: {type(exc).__name__}"]
        tally.crashes.append((index, case.generator, case.entry, case.kind, traceback.format_exc(limit=-4)))
    finally:
        clear(workdir)
    seconds = time.perf_counter() - started
    tally.inputs += 1
    tally.counts.update(labels)
    tally.generators[case.generator] += 1
    tally.slowest = sorted(tally.slowest + [(seconds, index, case.generator)], reverse=True)[:5]


def merge(tallies) -> Tally:
    total = Tally(Counter(), Counter(), [], [])
    for tally in tallies:
        total.counts.update(tally.counts)
        total.generators.update(tally.generators)
        total.crashes += tally.crashes
        total.slowest = sorted(total.slowest + tally.slowest, reverse=True)[:5]
        total.inputs += tally.inputs
    return total


def fuzz(inputs: int, seed: int, processes: int) -> Tally:
    starts = range(0, inputs, CHUNK)
    with ProcessPoolExecutor(processes) as pool:
        futures = [pool.submit(run_chunk, seed, s, min(CHUNK, inputs - s)) for s in starts]
        return merge(f.result() for f in futures)


def print_tally(tally: Tally, seconds: float) -> None:
    print(f"{'outcome':<40} {'count':>9}")
    for label, n in sorted(tally.counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{label:<40} {n:>9,}")
    print(f"\n{'generator':<40} {'inputs':>9}")
    for name, n in sorted(tally.generators.items()):
        print(f"{name:<40} {n:>9,}")
    crashes = sum(n for label, n in tally.counts.items() if label.startswith(("crash", "invalid")))
    print(f"\ninputs {tally.inputs:,}  outcomes {sum(tally.counts.values()):,}  crashes+invalid {crashes}  "
          f"seconds {seconds:.1f}")
    print("slowest inputs:", ", ".join(f"#{i} {g} {s:.2f}s" for s, i, g in tally.slowest))
    for crash in tally.crashes[:10]:
        print("\nCRASH input #%d (%s, %s %s)\n%s" % crash)


# --- full ingest ------------------------------------------------------------------

class HashingEmbedder:
    """Hashed word counts: a cheap stand-in for the sentence models."""

    name = "fuzz-hashing"
    dim = 256

    def encode(self, texts):
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                rows[i, zlib.crc32(word.encode()) % self.dim] += 1.0
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def fuzz_ingest(n: int, seed: int, analyze: bool) -> None:
    """n inputs' reader results through newsfuse.ingest into a temporary store."""
    from newsfuse import Options, Store, ingest

    options = replace(Options(), analyze=analyze, story_records=analyze, processes=None if analyze else 1)
    seeds, started = load_seeds(), time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        items = list(ingest_items(n, seed, seeds, options, Path(tmp)))
        with Store(Path(tmp) / "fuzz.db") as store:
            try:
                report = ingest(items, store, options=options, embedder=HashingEmbedder())
            except Exception:  # noqa: BLE001 - a crash of the later stages is the finding
                print("INGEST CRASH\n" + traceback.format_exc())
                return
    codes = Counter(s.code for s in report.skipped)
    print(f"\ningest of {n:,} inputs ({len(items):,} reader results, analysis {'on' if analyze else 'off'}): "
          f"ingested {report.ingested:,}, duplicates {report.duplicates:,}, near-duplicates "
          f"{report.near_duplicates:,}, skipped {len(report.skipped):,} {dict(sorted(codes.items()))}, "
          f"analysis errors {len(report.analysis_errors)}, record errors {len(report.record_errors)}, "
          f"crashes 0, seconds {time.perf_counter() - started:.1f}")


def ingest_items(n: int, seed: int, seeds: dict, options, workdir: Path):
    for index in range(n):
        case = make_case(random.Random(seed * 1_000_003 + index), seeds)
        yield from reader_items(case, options, workdir)
        clear(workdir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--ingest", type=int, default=0, metavar="N", help="also run N inputs through ingest")
    parser.add_argument("--analyze", action="store_true", help="with --ingest: analysis and story records on")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tally = fuzz(args.inputs, args.seed, args.processes)
    print_tally(tally, time.perf_counter() - started)
    if args.ingest:
        fuzz_ingest(args.ingest, args.seed, args.analyze)
    return 1 if tally.crashes or any(k.startswith("invalid") for k in tally.counts) else 0


if __name__ == "__main__":
    sys.exit(main())
