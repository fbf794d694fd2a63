"""Text from articles is shown, never acted on: not by the terminal (escape
sequences, control and bidi characters, Rich markup) and not by a Markdown or
HTML viewer (raw HTML, links to javascript:, structure-breaking syntax)."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pytest
import typer
from typer.testing import CliRunner

from newsfuse import Article, Store
from newsfuse import cli
from newsfuse.cli import app
from newsfuse.export import md, md_link, story_html, story_markdown
from newsfuse.render import terminal_json, terminal_text

runner = CliRunner()

MARKUP = "Vote [/bold] result [link=https://evil.example]x[/link] :smile:"
TERMINAL = "\x1b[2J\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ \x1b]0;title\x07\x9b31m\x07\x08\r\u202eevil\u202c"
HTML = ('<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) '
        '![i](javascript:alert(2)) <a href="javascript:alert(3)">a</a> &lt;b&gt; `code` *em* _u_ ~~s~~')
BLOCKS = "\n# heading\n| a | b |\n|---|---|\n<div onmouseover=alert(1)>\n\n<script>alert(4)</script>\n- item"
PAYLOAD = f"{MARKUP} {TERMINAL} {HTML} {BLOCKS}"
BAD_URLS = ["https://x.example/>)<img src=x onerror=alert(1)>(", "javascript:alert(1)", " JaVa\tScript:alert(1)",
            "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "\x01javascript:alert(1)"]

# What a terminal could act on: ESC, other C0 controls but tab and newline, DEL, C1 and bidi controls.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
RICH_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # the colours and bold rich itself writes on a terminal


def hostile_db(path) -> str:
    """One story of articles whose every field carries the payloads, written directly (no models)."""
    with Store(path) as store, store.transaction():
        for n, url in enumerate(BAD_URLS):
            article = Article(id=f"a{n}", text=f"Body {n}. {PAYLOAD}", origin=f"feed/{MARKUP}{TERMINAL}.jsonl",
                              source=f"Outlet {n} {MARKUP}{TERMINAL}", title=f"Title {n} {PAYLOAD}",
                              url=url, published="2024-05-01")
            store.insert_article(article, external_id=None, near_dup_of=None)
            store.set_article_story(article.id, "s1")
        store.save_story("s1", title=f"Story {PAYLOAD}", first_seen="2024-05-01", last_seen="2024-05-01",
                         n_articles=len(BAD_URLS), state=None)
    return str(path)


def hostile_record() -> dict:
    """A story record with the payloads in every text field render.py and export.py show."""
    cited = [{"article": "a0"}, {"article": "a1"}]
    articles = [{"id": f"a{n}", "source": f"Outlet {PAYLOAD}" if n else None, "title": f"Title {PAYLOAD}",
                 "url": url, "published": "2024-05-01", "published_from": "meta", "near_dup_of": "a0" if n else None,
                 "origin": f"file {PAYLOAD}", "n_words": 9, "removed_chrome": PAYLOAD, "excerpt": PAYLOAD,
                 "text": PAYLOAD} for n, url in enumerate(BAD_URLS)]
    analysis = {
        "where": {"name": PAYLOAD, "lat": 1.0, "lon": 2.0},
        "when": {"date": "2024-05-01", "evidence": [{"text": PAYLOAD}]},
        "who": [{"name": PAYLOAD, "aliases": [PAYLOAD]}],
        "places": [{"name": PAYLOAD, "country": PAYLOAD, "type": "country"}],
        "events": [{"type": "MEET", "sources": [PAYLOAD], "targets": [PAYLOAD], "place": PAYLOAD, "date": PAYLOAD,
                    "mode": PAYLOAD, "evidence": [{"article": "a0", "text": PAYLOAD}]}],
        "quotes": [{"speaker": PAYLOAD, "quotes": [{"speech": True, "kind": "direct", "cue": PAYLOAD,
                                                    "content": PAYLOAD, "article": "a1"}]}],
    }
    claim = {"status": "corroborated", "independent_sources": 2, "attributed": True, "speakers": [PAYLOAD],
             "slot": PAYLOAD, "values": [{"value": PAYLOAD, "article": "a0"}],
             "evidence": [{"article": "a0", "text": PAYLOAD}, {"article": "a1", "text": PAYLOAD}],
             "collapsed": {"a1": "a0"}}
    return {"id": "s1", "title": f"Story {PAYLOAD}", "n_articles": len(articles), "n_sources": 2, "n_independent": 1,
            "first_seen": "2024-05-01", "last_seen": "2024-05-01", "record_state": "current", "record_hint": "",
            "requested_id": "s1", "merge_history": [], "analysis": analysis,
            "summary": [{"text": PAYLOAD, "citations": cited}],
            "timeline": [{"date": "2024-05-01", "written": PAYLOAD, "text": PAYLOAD, "citations": cited}],
            "claims": [claim, {**claim, "status": "single-source"}],
            "disputes": [{"slot": PAYLOAD, "status": "conflicting", "facts": 1,
                          "sides": [{"value": PAYLOAD, "articles": ["a0", PAYLOAD]}]}],
            "claim_counts": {"conflicting": 0, "updated": 0, "corroborated": 1, "single-source": 1},
            "articles": articles}


def assert_terminal_safe(output: str) -> None:
    assert not CONTROL.search(output), repr(CONTROL.search(output).group())
    assert "[/bold]" in output and "[link=https://evil.example]x[/link]" in output and ":smile:" in output


def terminal_console(monkeypatch, name: str = "out") -> io.StringIO:
    """cli's console replaced by one that believes it writes to a terminal (styles, links and all)."""
    from rich.console import Console

    buffer = io.StringIO()
    monkeypatch.setattr(cli, name, Console(file=buffer, force_terminal=True, color_system="truecolor",
                                           width=200, soft_wrap=True))
    return buffer


def assert_rich_terminal_safe(output: str) -> None:
    assert "\x1b]8" not in output  # no hyperlink, neither from the text nor from [link=...] read as markup
    assert_terminal_safe(RICH_STYLE.sub("", output))


# ---- the helpers -----------------------------------------------------------------------------

def test_terminal_text_drops_escape_sequences_and_control_and_bidi_characters():
    assert terminal_text("a\x1b[2Jb\x1b[31mc") == "abc"
    assert terminal_text("see \x1b]8;;http://evil\x1b\\here\x1b]8;;\x1b\\.") == "see here."
    assert terminal_text("a\x1b]0;window title\x07b\x1bc.") == "ab."  # ESC c: reset the terminal
    assert terminal_text("x\x9b2J\x00\x7f\u202eevil\u2066y") == "x2Jevily"
    assert terminal_text("one\r\ntwo\rthree\tfour") == "one\ntwo\nthree\tfour"
    assert terminal_text("one\n two\t three", one_line=True) == "one two three"
    assert terminal_text("Vote [/bold] — «ünïcode» 中文") == "Vote [/bold] — «ünïcode» 中文"


def test_terminal_json_keeps_the_data_with_no_raw_control_character():
    data = {"t": TERMINAL + " ü", "n": [1, None]}
    text = terminal_json(data)
    assert json.loads(text) == data and not CONTROL.search(text) and "ü" in text


def test_md_escapes_markdown_and_html_into_one_literal_line():
    escaped = md("<b>*x*</b> [a](b) `c` # d | e & f ![g]\n# h\x1b[2J")
    assert "\n" not in escaped and "\x1b" not in escaped
    assert escaped == r"\<b\>\*x\*\</b\> \[a\](b) \`c\` \# d \| e \& f \!\[g\] \# h"


@pytest.mark.parametrize("url", BAD_URLS[1:])
def test_md_link_links_no_other_scheme_than_http(url):
    assert md_link("t", url) == "t"


def test_md_link_percent_encodes_what_could_end_the_link():
    assert md_link("t [x]", BAD_URLS[0]) == (
        r"[t \[x\]](https://x.example/%3E%29%3Cimg%20src=x%20onerror=alert%281%29%3E%28)")
    assert md_link("t", "https://a.example/ü?q=1&r=2#f") == "[t](https://a.example/%C3%BC?q=1&r=2#f)"


# ---- the command line ------------------------------------------------------------------------

def test_stories_and_story_show_hostile_text_literally(tmp_path):
    db = hostile_db(tmp_path / "n.db")
    for args in (["stories"], ["story", "s1"], ["story", "s1", "--text", "--claims"], ["story", "--largest"]):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, (args, result.output, result.exception)
        assert_terminal_safe(result.output)
        assert "<script>alert(1)</script>" in result.output
    lines = runner.invoke(app, ["stories", "--db", db]).stdout.splitlines()
    assert len(lines) == 2 and lines[1].count("\t") == 6  # one line per story, the title's newlines gone


def test_json_output_has_no_raw_control_characters(tmp_path):
    db = hostile_db(tmp_path / "n.db")
    for args in (["stories", "--json"], ["story", "s1", "--json", "--text"]):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0 and not CONTROL.search(result.stdout)
    story = json.loads(runner.invoke(app, ["story", "s1", "--json", "--text", "--db", db]).stdout)
    assert story["title"] == f"Story {PAYLOAD}"  # the data itself is kept whole


def test_errors_naming_input_are_shown_literally(tmp_path):
    from newsfuse import Store

    Store(tmp_path / "n.db").close()  # an empty database: reads never create one
    result = runner.invoke(app, ["story", f"x{MARKUP}{TERMINAL}", "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # not a MarkupError
    assert "matches no story" in result.output
    assert_terminal_safe(result.output)


def test_the_story_table_and_story_view_on_a_terminal(monkeypatch):
    record = hostile_record()
    buffer = terminal_console(monkeypatch)
    row = {key: record[key] for key in ("id", "title", "first_seen", "last_seen")}
    cli._print_story_table([{**row, "n_articles": 6, "n_sources": 2, "n_independent": 1}])
    cli._print_story(record, True, 5, True)
    output = buffer.getvalue()
    assert_rich_terminal_safe(output)
    assert "<img src=x onerror=alert(1)>" in output and "\x1b[2J" not in output


def test_the_ingest_report_and_errors_on_a_terminal(monkeypatch):
    out, err = terminal_console(monkeypatch), terminal_console(monkeypatch, "err")
    cli._print_report({"ingested": 0, "duplicates": 0, "near_duplicates": 0, "new_stories": 0,
                       "skipped": [{"origin": f"in/{PAYLOAD}.txt", "reason": PAYLOAD, "code": "NF103"}],
                       "skipped_count": 1, "skipped_by_code": {"NF103": 1}, "skipped_by_file": {},
                       "analysis_errors": [{"article": "a1", "errors": [PAYLOAD]}],
                       "record_errors": [{"story": "s1", "error": PAYLOAD}]}, as_json=False)
    from newsfuse.errors import InputError

    with pytest.raises(typer.Exit):
        cli._fail(InputError(f"in/{PAYLOAD}.txt", PAYLOAD))
    assert_rich_terminal_safe(out.getvalue())
    assert_rich_terminal_safe(err.getvalue())


# ---- Markdown and HTML -----------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += attrs


LIVE_TAGS = {"h1", "h2", "h3", "p", "ul", "ol", "li", "strong", "em", "code", "a", "table", "thead", "tbody",
             "tr", "th", "td"}  # what the export's own Markdown makes


def assert_no_live_html(page: str, *, allowed=frozenset()) -> None:
    parsed = _Tags()
    parsed.feed(page)
    assert parsed.tags <= LIVE_TAGS | allowed, parsed.tags - LIVE_TAGS - allowed
    assert not [(k, v) for k, v in parsed.attrs if k.startswith("on")]
    hrefs = [v for k, v in parsed.attrs if k in ("href", "src")]
    assert all(v.startswith(("http://", "https://")) for v in hrefs), hrefs
    assert "https://x.example/%3E%29%3Cimg%20src=x%20onerror=alert%281%29%3E%28" in hrefs
    for tag in ("<script", "<img", "<div", "<h2>heading", "<del>", "<s>"):
        assert tag not in page


def test_markdown_rendered_with_raw_html_allowed_makes_no_live_html():
    from markdown_it import MarkdownIt

    markdown = story_markdown(hostile_record())
    for renderer in (MarkdownIt("commonmark"), MarkdownIt("commonmark").enable(["table", "strikethrough"])):
        assert renderer.options["html"]
        assert_no_live_html(renderer.render(markdown))


def test_html_export_makes_no_live_html():
    page = story_html(hostile_record())
    assert_no_live_html(page, allowed={"html", "head", "meta", "title", "style", "body"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_cli_markdown_and_html_exports_of_a_hostile_story(tmp_path):
    from markdown_it import MarkdownIt

    db = hostile_db(tmp_path / "n.db")
    markdown = runner.invoke(app, ["story", "s1", "--md", "--db", db])
    page = runner.invoke(app, ["story", "s1", "--html", "--db", db])
    assert markdown.exit_code == 0 and page.exit_code == 0
    assert not CONTROL.search(markdown.stdout) and not CONTROL.search(page.stdout)
    assert_no_live_html(MarkdownIt("commonmark").render(markdown.stdout))
    assert_no_live_html(page.stdout, allowed={"html", "head", "meta", "title", "style", "body"})
