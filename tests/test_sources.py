import gzip
import json

from newsfuse import Options, Skipped, iter_raw_items, stream_items
from newsfuse.records import RawItem

STORY = "The city council voted on Monday to close the old bridge for repairs. " * 5


def items_and_skips(paths, options=Options()):
    found = list(iter_raw_items(paths, options))
    return [i for i in found if isinstance(i, RawItem)], [s for s in found if isinstance(s, Skipped)]


def test_bad_files_are_skipped_with_reasons_and_the_rest_read(tmp_path):
    (tmp_path / "good.txt").write_text(STORY)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 binary")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 news".encode("latin-1"))
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / "huge.txt").write_text("x" * 2000)
    (tmp_path / "broken.html.gz").write_bytes(b"not gzip at all")
    good, skipped = items_and_skips([tmp_path, tmp_path / "missing.txt"], Options(max_file_bytes=1000))
    assert [item.origin for item in good] == [str(tmp_path / "good.txt")]
    reasons = {s.origin.rsplit("/", 1)[-1]: s.reason for s in skipped}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "not valid UTF-8 (byte 0xe9 at offset 3)" in reasons["latin1.txt"]
    assert "unsupported file type .docx" in reasons["notes.docx"]
    assert "too large: 2,000 bytes, over the limit of 1,000 bytes" in reasons["huge.txt"]
    assert "cannot read" in reasons["broken.html.gz"]
    assert "no such file" in reasons["missing.txt"]


def test_jsonl_bad_lines_name_their_line_number(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "1", "text": STORY, "title": "Bridge closes", "source": "Example"}),
        "{not json",
        json.dumps({"id": "3", "title": "no body"}),
        "[1, 2]",
        json.dumps({"id": "5", "html": "<p>" + STORY + "</p>"}),
    ]))
    good, skipped = items_and_skips([path])
    assert [(i.kind, i.meta["id"]) for i in good] == [("text", "1"), ("html", "5")]
    assert good[0].meta == {"id": "1", "title": "Bridge closes", "source": "Example"}
    assert [s.origin for s in skipped] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert "invalid JSON on line 2" in skipped[0].reason
    assert "no non-empty 'text' or 'html'" in skipped[1].reason


def test_gzip_html_and_sidecar_metadata(tmp_path):
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(b"<html><body><p>Hello</p></body></html>"))
    (tmp_path / "page.html.gz.meta.json").write_text(json.dumps({"published": "2022-09-15", "other": 1}))
    good, skipped = items_and_skips([tmp_path])
    assert not skipped
    assert good[0].kind == "html" and good[0].meta == {"published": "2022-09-15"}


def test_stdin_stream_is_sniffed():
    assert next(stream_items("<stdin>", STORY.encode())).kind == "text"
    assert next(stream_items("<stdin>", b"<!DOCTYPE html><html><p>x</p></html>")).kind == "html"
    lines = (json.dumps({"text": STORY}) + "\n" + json.dumps({"text": STORY + " more"})).encode()
    assert [i.origin for i in stream_items("<stdin>", lines)] == ["<stdin>:1", "<stdin>:2"]
