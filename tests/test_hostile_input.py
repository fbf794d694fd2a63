"""Regression tests: each measured crash, hang or silent loss at the input.

Every payload here once killed or stalled a whole run (or lost input without
a word); now each is skipped with a coded reason while good files beside it
in the same run are read.
"""

import gzip
import json
import os
import random
import signal
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from newsfuse import Options, Store, ingest
from newsfuse.ingest.article import to_article
from newsfuse.ingest.sources import iter_raw_items, jsonl_record, read_file
from newsfuse.records import RawItem, Skipped

STORY = ("The city council of Duisburg voted on Monday to close the old Rhine bridge for urgent repairs after "
         "engineers found deep cracks in two of its steel supports. ")
FLOOD = ("Heavy rain flooded dozens of homes in the coastal town of Brixham on Saturday as a storm moved across "
         "southern England, and the fire service rescued residents from cars trapped in rising water. ")
FIRE = ("A forest fire near the Greek village of Dadia burned for a fifth day on Thursday while hundreds of "
        "firefighters and eleven aircraft fought the flames in strong winds, officials said. ")
NO_ANALYSIS = replace(Options(), analyze=False, story_records=False, processes=1)


def run(paths, options=Options()):
    found = list(iter_raw_items(paths, options))
    return [i for i in found if isinstance(i, RawItem)], [s for s in found if isinstance(s, Skipped)]


def by_name(skipped):
    return {s.origin.rsplit("/", 1)[-1]: s for s in skipped}


def record(**fields):
    return json.dumps({"text": STORY, **fields})


@pytest.fixture
def alarm():
    """Fail (instead of hanging the suite) if a read blocks."""
    def timeout(*_):
        raise TimeoutError("a read blocked")
    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("field, value", [("title", [1]), ("title", {"a": 1}), ("title", True),
                                          ("url", ["http://x"]), ("url", {"u": 1}), ("source", [1]),
                                          ("id", {"x": 1}), ("id", False), ("published", 20220915),
                                          ("text", 5), ("html", ["<p>"])])
def test_a_field_of_the_wrong_type_skips_the_record_naming_field_and_line(tmp_path, field, value):
    path = tmp_path / "batch.jsonl"
    path.write_text(record(**{field: value}) + "\n" + record(id="ok") + "\n")
    good, skipped = run([path])
    assert [i.meta["id"] for i in good] == ["ok"]
    assert [(s.origin, s.code) for s in skipped] == [(f"{path}:1", "NF112")]
    assert f"field {field!r} must be" in skipped[0].reason


def test_numbers_as_title_and_id_become_their_text():
    item = jsonl_record("a.jsonl:1", record(title=2024, id=17).encode())
    assert item.meta == {"title": "2024", "id": "17"}


@pytest.mark.parametrize("field", ["text", "title", "source", "url", "id"])
def test_lone_surrogates_are_replaced(field):
    value = STORY + "\ud800" if field == "text" else "x\ud800y\udfff"
    item = jsonl_record("a.jsonl:1", json.dumps({"text": STORY, field: value}).encode())
    assert isinstance(item, RawItem)
    for text in [item.content, *item.meta.values()]:
        text.encode("utf-8")  # raises if a surrogate survived
    article = to_article(item)
    assert all(v is None or v.encode() for v in (article.title, article.url, article.source, article.text))


def test_metadata_loses_control_characters_and_text_keeps_lines():
    item = jsonl_record("a.jsonl:1", json.dumps({"text": STORY + "\r\nmore\x00", "title": "A\x1b[31m\x07B\tC"}).encode())
    assert item.meta["title"] == "A[31mB\tC"
    assert "\r" not in item.content and "\x00" not in item.content and "\nmore" in item.content


def test_deep_nesting_is_skipped(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"text": ' + "[" * 50_000 + "]" * 50_000 + "}\n" + "[" * 50_000 + "\n" + record() + "\n")
    good, skipped = run([path])
    assert len(good) == 1
    assert [s.code for s in skipped] == ["NF114", "NF114"]


def broken_gzip(data: bytes) -> bytes:
    """A gzip stream whose deflate data breaks half way (zlib error -3, "invalid block type")."""
    packer = zlib.compressobj(wbits=31)
    head = packer.compress(data[:len(data) // 2]) + packer.flush(zlib.Z_FULL_FLUSH)
    return head + b"\xff" * 64


def test_gzip_corrupt_in_the_middle_keeps_what_came_before(tmp_path):
    lines = "".join(record(id=str(i)) + "\n" for i in range(2000)).encode()
    (tmp_path / "broken.jsonl.gz").write_bytes(broken_gzip(lines))
    (tmp_path / "good.txt").write_text(STORY * 2)
    good, skipped = run([tmp_path])
    whole = lines[:len(lines) // 2].count(b"\n")  # lines complete before the break
    ids = [i.meta["id"] for i in good if "id" in i.meta]
    assert ids == [str(i) for i in range(whole)]  # every one of them, none lost
    assert len(good) == whole + 1  # and good.txt after it
    (broken,) = skipped  # where the stream broke (the cut line with it)
    assert broken.code == "NF106" and broken.origin == f"{tmp_path / 'broken.jsonl.gz'}:{whole + 1}"
    assert f"cannot read past line {whole}" in broken.reason and "invalid block type" in broken.reason


def test_gzip_corrupt_text_file_is_skipped(tmp_path):
    (tmp_path / "broken.txt.gz").write_bytes(broken_gzip((STORY * 1000).encode()))
    _, skipped = run([tmp_path])
    assert [s.code for s in skipped] == ["NF106"]


@pytest.mark.parametrize("sidecar, words", [([1, 2], "JSON object"), ({"url": 5}, "'url' must be a string"),
                                            ("{not json", "invalid JSON"), ({"title": ["x"]}, "'title'")])
def test_a_bad_sidecar_skips_its_file_with_a_reason(tmp_path, sidecar, words):
    (tmp_path / "a.txt").write_text(STORY * 2)
    text = sidecar if isinstance(sidecar, str) else json.dumps(sidecar)
    (tmp_path / "a.txt.meta.json").write_text(text)
    (tmp_path / "b.txt").write_text(FLOOD * 2)
    good, skipped = run([tmp_path])
    assert [i.origin.rsplit("/", 1)[-1] for i in good] == ["b.txt"]
    assert skipped[0].code == "NF109" and words in skipped[0].reason and "a.txt.meta.json" in skipped[0].reason


def test_a_file_name_that_is_not_utf8_gives_a_valid_origin(tmp_path):
    name = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(name, "wb") as handle:
        handle.write(STORY.encode())
    (item,) = list(iter_raw_items([tmp_path]))
    assert item.origin.endswith("caf\\xe9.txt")
    item.origin.encode("utf-8")


def test_fifo_device_and_random_stream_are_not_read(tmp_path, alarm):
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    os.symlink("/dev/urandom", tmp_path / "random.jsonl")
    (tmp_path / "good.txt").write_text(STORY * 2)
    good, skipped = run([tmp_path, tmp_path / "pipe.txt"])
    assert len(good) == 1
    reasons = {s.origin.rsplit("/", 1)[-1]: (s.code, s.reason) for s in skipped}
    assert reasons["pipe.txt"][0] == "NF116" and "FIFO" in reasons["pipe.txt"][1]
    assert reasons["zero.txt"][0] == "NF116" and "character device" in reasons["zero.txt"][1]
    assert reasons["random.jsonl"][0] == "NF116"
    assert len(skipped) == 4


def test_symlink_loops_end(tmp_path, alarm):
    (tmp_path / "sub").mkdir()
    os.symlink(tmp_path, tmp_path / "sub" / "up")
    os.symlink(tmp_path / "b.txt", tmp_path / "a.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    (tmp_path / "sub" / "good.txt").write_text(STORY * 2)
    good, skipped = run([tmp_path])
    assert len(good) == 1
    codes = {s.origin.rsplit("/", 1)[-1]: s.code for s in skipped}
    assert codes == {"a.txt": "NF106", "b.txt": "NF106", "up": "NF116"}


def test_gzip_bomb_of_empty_records_is_stopped(tmp_path):
    (tmp_path / "bomb.jsonl.gz").write_bytes(gzip.compress(b"{}\n" * 3_000_000))
    _, skipped = run([tmp_path])
    assert len(skipped) == 1001
    assert skipped[-1].code == "NF115" and "1,000 lines skipped" in skipped[-1].reason


def test_decompressed_size_is_bounded(tmp_path):
    (tmp_path / "big.jsonl.gz").write_bytes(gzip.compress((record() + "\n").encode() * 1000))
    (tmp_path / "big.txt.gz").write_bytes(gzip.compress(b"word " * 100_000))
    options = replace(Options(), max_stream_bytes=50_000, max_file_bytes=100_000)
    good, skipped = run([tmp_path], options)
    assert 0 < len(good) < 1000
    reasons = [s.reason for s in skipped]
    assert [s.code for s in skipped] == ["NF105", "NF105"]
    assert any("50,000 bytes per JSON Lines file (Options.max_stream_bytes)" in r for r in reasons)
    assert any("more than 100,000 bytes decompressed" in r for r in reasons)


def test_a_huge_one_line_text_is_refused(tmp_path):
    (tmp_path / "huge.txt").write_bytes(b"word " * 3_800_000)  # 19 MB, one line
    (tmp_path / "good.txt").write_text(STORY * 2)
    good, skipped = run([tmp_path])
    assert len(good) == 1
    assert skipped[0].code == "NF113" and "Options.max_text_chars" in skipped[0].reason


def test_an_overlong_jsonl_line_is_skipped_and_the_next_read(tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_text(record(title="x" * 5000) + "\n" + record(id="next") + "\n")
    good, skipped = run([path], replace(Options(), max_file_bytes=1000))
    assert [i.meta["id"] for i in good] == ["next"]
    assert skipped[0].code == "NF105" and skipped[0].origin == f"{path}:1"


def test_overlong_metadata_is_refused():
    item = jsonl_record("a.jsonl:1", record(title="x" * 3000).encode())
    assert item.code == "NF113" and "max_meta_chars" in item.reason


def test_empty_jsonl_and_unreadable_directory_are_reported(tmp_path, monkeypatch):
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "blank.jsonl").write_text("\n\n  \n")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text(STORY * 2)
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    _, skipped = run([tmp_path])
    codes = {s.origin.rsplit("/", 1)[-1]: (s.code, s.reason) for s in skipped}
    assert codes["empty.jsonl"][0] == codes["blank.jsonl"][0] == "NF103"
    assert codes["locked"] == ("NF106", "cannot read directory: Permission denied")


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_text_with_a_bom_is_decoded(tmp_path, codec):
    bom = {"utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00"}.get(codec, b"")
    (tmp_path / "a.txt").write_bytes(bom + (STORY * 2).encode(codec))
    (item,) = list(iter_raw_items([tmp_path]))
    assert item.content.strip() == (STORY * 2).strip()


def test_random_bytes_named_html_are_refused(tmp_path):
    rng = random.Random(7)
    for i in range(20):
        data = rng.randbytes(rng.choice([2_000, 20_000, 100_000]))
        (tmp_path / f"r{i}.html").write_bytes(data.replace(b"\0", b"") if i % 2 else data)
    good, skipped = run([tmp_path])
    assert not good
    assert {s.code for s in skipped} <= {"NF103", "NF117"} and len(skipped) == 20


def test_hostile_tree_beside_good_articles_end_to_end(tmp_path, bow, alarm):
    """Everything above in one directory: the good articles are stored, the rest reported."""
    hostile = tmp_path / "in"
    hostile.mkdir()
    for name, text in (("a.txt", STORY * 2), ("b.txt", FLOOD * 2)):
        (hostile / name).write_text(text)
    (hostile / "c.jsonl").write_text("\n".join([
        json.dumps({"text": FIRE * 2, "id": 7, "title": 99, "source": "S\ud800"}),
        record(title=[1]), record(url={"x": 1}), record(source=["x"]), record(title=True),
        '{"text": ' + "[" * 50_000, record(id={"a": 1}), record(published=5)]))
    os.mkfifo(hostile / "pipe.txt")
    os.symlink("/dev/zero", hostile / "zero.txt")
    os.symlink("/dev/urandom", hostile / "urandom.jsonl")
    (hostile / "bomb.jsonl.gz").write_bytes(gzip.compress(b"{}\n" * 100_000))
    (hostile / "empty.jsonl").write_text("")
    (hostile / "rand.html").write_bytes(random.Random(1).randbytes(20_000).replace(b"\0", b""))
    (hostile / "d.txt").write_text("x")
    (hostile / "d.txt.meta.json").write_text("[1]")
    (hostile / "huge.txt").write_bytes(b"word " * 300_000)
    with open(os.fsencode(hostile) + b"/\xff.txt", "wb") as handle:
        handle.write(b"\x00" * 10)
    (hostile / "corrupt.txt.gz").write_bytes(broken_gzip((STORY * 1000).encode()))
    options = NO_ANALYSIS
    with Store(tmp_path / "n.db") as store:
        report = ingest(iter_raw_items([hostile], options), store, embedder=bow, options=options)
        assert report.ingested == 3 and store.count_articles() == 3
    codes = report.skipped_by_code  # all of them; the report lists the first 1,000 (the bomb's)
    assert all(c.startswith("NF1") for c in codes) and all(s.code.startswith("NF1") for s in report.skipped)
    assert codes["NF112"] == 6 and "NF114" in codes and "NF116" in codes and "NF115" in codes
    assert "NF117" in codes and "NF109" in codes and "NF113" in codes and "NF106" in codes
    json.dumps(report.as_dict(), ensure_ascii=False).encode("utf-8")
    assert report.external_ids.keys() == {"7"}


def test_zlib_error_is_not_an_oserror():
    """Why sources catches zlib.error: gzip raises it for a corrupt deflate stream."""
    assert not issubclass(zlib.error, OSError)


def test_a_path_with_a_nul_byte_is_skipped(tmp_path):
    found = list(iter_raw_items([f"{tmp_path}/a\0.txt"]))
    assert [s.code for s in found] == ["NF106"]
    assert list(read_file(Path(f"{tmp_path}/b\0.txt")))[0].code == "NF106"
