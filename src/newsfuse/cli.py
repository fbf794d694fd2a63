"""The newsfuse command line: a thin layer over library calls."""

from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Optional

import typer
from typer.core import TyperGroup

from .config import Options
from .errors import ConfigError, NewsfuseError
from .render import terminal_json, terminal_text
from .store import Store, default_db, open_store

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress
    from rich.text import Text

# Every command pays for what is imported here, `newsfuse --help` included, so
# only what most commands use is: the pipeline (numpy, datasketch, usearch),
# ingest (trafilatura, regexes compiled at import), rich's consoles, progress
# bars and tables are imported when a command first uses them.


class _Console:
    """A rich Console made on first use: JSON and tab-separated output need none."""

    def __init__(self, **options):
        self._options, self._console = options, None

    @property
    def rich(self) -> Console:
        """The Console itself, for rich objects that take one."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str):
        return getattr(self.rich, name)


class _Commands(TyperGroup):
    """The one place a NewsfuseError becomes a message and exit status 1:
    every command (and the eval group's) runs inside this ``invoke``."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except NewsfuseError as exc:
            _fail(exc)


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True,
                  help="Many reports in, one story out: ingest news articles and read them as stories.")
eval_app = typer.Typer(no_args_is_help=True, help="Measure newsfuse on labelled data.")
app.add_typer(eval_app, name="eval")
# Piped output is not wrapped at 80 columns: lines stay whole for grep and files.
out = _Console(soft_wrap=True)
err = _Console(stderr=True)

# --db: an SQLite file, or a PostgreSQL URL (postgresql://user@host/dbname); NEWSFUSE_DB when not given.
# A str, not a Path: a Path would fold the URL's "//".
DB_OPTION = typer.Option(None, "--db", show_default=False,
                         help="SQLite database file (created if missing) or postgresql://user@host/dbname "
                              "[default: NEWSFUSE_DB, else newsfuse.db].")
# Reading commands open the database read-only: never created or changed, readable during an ingest.
READ_DB_OPTION = typer.Option(None, "--db", show_default=False,
                              help="SQLite database file or postgresql:// URL, read only "
                                   "[default: NEWSFUSE_DB, else newsfuse.db].")
PROCESSES_OPTION = typer.Option(None, "--processes", min=1,
                                help="Worker processes for the analysis [default: 2 on a 2-core machine, "
                                     "or NEWSFUSE_PROCESSES].")
FETCH_OPTION = typer.Option(True, "--fetch/--no-fetch",
                            help="Fetch the page a feed entry links to when the feed holds no full text "
                                 "(--no-fetch: use the entry's summary; nothing but the feed is requested).")
SKIPS_PER_FILE = 5  # skipped lines of one file listed by `ingest`; the rest counted
TABLE_ROWS = 50  # stories `newsfuse stories` lists unless --limit says otherwise
STORY_COLUMNS = ("id", "title", "first", "last", "articles", "outlets", "independent")
COUNT_COLUMNS = ("articles", "outlets", "independent")


def _plain(text, style: str = "", *, one_line: bool = False) -> Text:
    """Text from the input (titles, outlets, article text, file names) as Rich
    shows it literally: a Text is never read as markup or emoji codes, and
    render.terminal_text takes out what the terminal itself would act on."""
    from rich.text import Text

    return Text(terminal_text(text, one_line=one_line), style=style)


def _fail(exc: NewsfuseError) -> NoReturn:
    from rich.text import Text

    err.print(Text.assemble(("error", "red"), " ", _plain(exc)))  # messages name input files and items
    raise typer.Exit(1)


class _Bar:
    """Adapts the library's progress(stage, done, total) callback to rich."""

    def __init__(self, progress: Progress):
        self.progress, self.tasks = progress, {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self.tasks:
            label = {"read": "reading", "cluster": "clustering", "analyze": "analysing",
                     "records": "records", "claims": "claims",
                     "process": "processing", "assign": "assigning"}.get(stage, stage)
            self.tasks[stage] = self.progress.add_task(label, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)

    def stage(self, name: str):
        """A progress(done, total) callback for one named stage."""
        return lambda done, total: self(name, done, total)


def _progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err.rich, transient=True, disable=not err.is_terminal)


def _items(paths: list[str], overrides: dict, options: Options):
    from .ingest.sources import iter_raw_items, stream_items
    from .records import RawItem

    for item in iter_raw_items([p for p in paths if p != "-"], options):
        if isinstance(item, RawItem):
            item.meta.update(overrides)
        yield item
    if "-" in paths:
        for item in stream_items("<stdin>", sys.stdin.buffer.read(), options):
            if isinstance(item, RawItem):
                item.meta.update(overrides)
            yield item


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files, directories (recursive), http(s) URLs (a page or a feed) "
                                               "or - for stdin."),
    db: Optional[str] = DB_OPTION,
    source: Optional[str] = typer.Option(None, help="Outlet name for every item read."),
    published: Optional[str] = typer.Option(None, help="Publication date (YYYY-MM-DD) for every item."),
    url: Optional[str] = typer.Option(None, help="URL for every item read."),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
    analyze: bool = typer.Option(True, "--analyze/--no-analyze",
                                 help="Read entities, places, dates, quotes, events and claims now (or later "
                                      "with `newsfuse analyze`)."),
    processes: Optional[int] = PROCESSES_OPTION,
    fetch: bool = FETCH_OPTION,
) -> None:
    """Ingest articles (.txt, .html/.htm, .jsonl, WARC, feeds: .rss/.atom/.xml, optionally .gz; web pages
    and feeds by URL), assign them to stories and update the records of the stories they join."""
    from dataclasses import replace

    from .ingest.article import parse_date
    from .pipeline import ingest as run_ingest

    overrides = {k: v for k, v in (("source", source), ("url", url)) if v}
    if published:
        overrides["published"] = parse_date(published, "--published")
    options = replace(Options(), analyze=analyze, processes=processes, fetch_pages=fetch)
    with open_store(db or default_db()) as store, _progress() as bar:
        report = run_ingest(_items(paths, overrides, options), store, options=options, progress=_Bar(bar))
    _print_report(report.as_dict(), as_json)


def _print_report(report: dict, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(report), ensure_ascii=True)  # \u escapes: no raw control characters
        return
    out.print(f"ingested {report['ingested']}, duplicates {report['duplicates']}, "
              f"near-duplicates {report['near_duplicates']}, new stories {report['new_stories']}, "
              f"skipped {report['skipped_count']}")
    _print_skips(report)
    for failed in report.get("analysis_errors", []):
        out.print(_plain(f"  analysis incomplete for article {failed['article']}: {'; '.join(failed['errors'])}"))
    for failed in report.get("record_errors", []):
        out.print(_plain(f"  record of story {failed['story']} not updated ({failed['error']}): "
                         "run `newsfuse build`"))


def _print_skips(report: dict) -> None:
    """The first few skipped lines of each file, why the rest of a file was not read, and counts."""
    from .records import FILE_END_CODES

    shown = 0
    for file, skips in _skips_by_file(report["skipped"]).items():
        ends = [s for s in skips[SKIPS_PER_FILE:] if s["code"] in FILE_END_CODES]
        more = report["skipped_by_file"].get(file, len(skips)) - SKIPS_PER_FILE - len(ends)
        more_line = [{"line": f"  ... {more:,} more lines of {file} skipped"}] if more > 0 else []
        for skipped in skips[:SKIPS_PER_FILE] + more_line + ends:  # ends: why the rest was not read
            out.print(_plain(skipped.get("line") or
                             f"  skipped {skipped['origin']}: {skipped['reason']} [{skipped['code']}]"))
        shown += report["skipped_by_file"].get(file, len(skips))
    if report["skipped_count"] > shown:
        counts = ", ".join(f"{code} {n:,}" for code, n in report["skipped_by_code"].items())
        out.print(f"  ... and {report['skipped_count'] - shown:,} more skipped (all, by code: {counts})",
                  markup=False)


def _skips_by_file(skipped: list[dict]) -> dict[str, list[dict]]:
    from .records import origin_file

    files: dict[str, list[dict]] = {}
    for item in skipped:
        files.setdefault(origin_file(item["origin"]), []).append(item)
    return files


@app.command()
def watch(
    feeds: Path = typer.Argument(..., help="A file of feed URLs, one a line (# starts a comment)."),
    every: str = typer.Option("15m", "--every", help="Time between polls: 30s, 15m, 1h."),
    db: Optional[str] = DB_OPTION,
    once: bool = typer.Option(False, "--once", help="Poll once and exit (for cron and tests)."),
    analyze: bool = typer.Option(True, "--analyze/--no-analyze", help="Analyse new articles as they come."),
    processes: Optional[int] = PROCESSES_OPTION,
    fetch: bool = FETCH_OPTION,
) -> None:
    """Poll feeds and ingest their new entries until stopped (Ctrl-C ends after the current poll);
    what was read is kept in the database, so a restart resumes."""
    import threading
    from dataclasses import replace

    from .ingest.watch import parse_interval, read_feed_list
    from .ingest.watch import watch as run_watch

    urls, seconds = read_feed_list(feeds), parse_interval(every)
    options = replace(Options(), analyze=analyze, processes=processes, fetch_pages=fetch)
    stop = threading.Event()
    with _stop_on_interrupt(stop), open_store(db or default_db()) as store:
        err.print(_plain(f"watching {len(urls)} feed(s) " + ("once" if once else f"every {every}; Ctrl-C stops")))
        for report in run_watch(urls, store, every=seconds, once=once, stop=stop, options=options):
            _print_poll(report.as_dict())


@contextmanager
def _stop_on_interrupt(stop):
    """The first Ctrl-C sets ``stop`` (the poll under way finishes); a second one interrupts."""
    import signal

    def first(signum, frame):
        stop.set()
        err.print("stopping after this poll (Ctrl-C again to interrupt it)")
        signal.signal(signal.SIGINT, previous)

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _print_poll(report: dict) -> None:
    """One poll on standard error: the feeds, what was ingested, what failed."""
    feeds = report["feeds"]
    unchanged = sum(f["status"] == "not modified" for f in feeds)
    failed = [f for f in feeds if f["status"] == "failed"]
    new = sum(f["entries"] for f in feeds)
    run = report["ingest"] or {"ingested": 0, "duplicates": 0, "skipped_count": 0, "new_stories": 0, "skipped": []}
    _log(_plain(f"poll {report['number']} at {report['started']}: {len(feeds)} feed(s), {unchanged} not "
                f"modified, {len(failed)} failed; {new} new entries: ingested {run['ingested']}, duplicates "
                f"{run['duplicates']}, new stories {run['new_stories']}, skipped {run['skipped_count']}"))
    for feed in failed:
        _log(_plain(f"  feed {feed['url']}: {feed['problem']}"))
    for skipped in run["skipped"][:SKIPS_PER_FILE]:
        if not any(skipped["origin"] == f["url"] for f in failed):
            _log(_plain(f"  skipped {skipped['origin']}: {skipped['reason']} [{skipped['code']}]"))


def _log(text) -> None:
    """A line on standard error kept whole (a watch's log is read from a file as often as a terminal)."""
    err.print(text, soft_wrap=True)


@app.command()
def analyze(
    db: Optional[str] = DB_OPTION,
    redo: bool = typer.Option(False, "--redo", help="Also redo analyses made by an older newsfuse."),
    processes: Optional[int] = PROCESSES_OPTION,
) -> None:
    """Analyse stored articles that have no analysis yet (entities, places, time, quotes, events, claims)."""
    from dataclasses import replace

    from .pipeline import analyze_stored

    with open_store(db or default_db()) as store, _progress() as bar:
        done = analyze_stored(store, options=replace(Options(), processes=processes), redo=redo,
                              progress=_Bar(bar))
    out.print(f"analysed {done} article(s)")


@app.command()
def stories(
    db: Optional[str] = READ_DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="The stories as a JSON array: all of them unless --limit."),
    limit: Optional[int] = typer.Option(None, "--limit", min=0, show_default=False,
                                        help=f"List the N largest stories (default {TABLE_ROWS}; all with "
                                             "--json); 0: all."),
) -> None:
    """List stories, largest first: id, title, dates, articles and outlets.

    A terminal gets a table; a pipe or a file gets a header and one
    tab-separated line per story.
    """
    from .query import list_stories, records_pending

    with open_store(db or default_db(), readonly=True) as store:
        rows, pending = list_stories(store), records_pending(store)
    if pending:  # on stderr: the listing stays clean for programs
        typer.echo(f"{pending} story record(s) pending (an interrupted run, or ingested without analysis): "
                   "run `newsfuse build`", err=True)
    if limit is None:  # a table is read by a person; JSON by a program, which wants everything
        limit = 0 if as_json else TABLE_ROWS
    shown = rows[:limit] if limit else rows
    if as_json:
        sys.stdout.write(terminal_json(shown) + "\n")
        return
    if sys.stdout.isatty():
        _print_story_table(shown)
    else:
        _write_story_lines(shown)
    if len(shown) < len(rows):  # on stderr: piped lines stay one story each
        typer.echo(f"{len(rows) - len(shown)} more not shown: --limit 0 lists all {len(rows)} stories", err=True)


def _story_cells(row: dict, missing: str) -> list[str]:
    return [row["id"], row["title"] or "", row["first_seen"] or missing, row["last_seen"] or missing,
            str(row["n_articles"]), str(row["n_sources"]), str(row["n_independent"])]


def _print_story_table(rows: list[dict]) -> None:
    from rich import box
    from rich.table import Table

    # Ids, dates and counts never wrap (ids are copied into `newsfuse story ID`); the title takes what is left.
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in STORY_COLUMNS:
        table.add_column(name, no_wrap=name != "title", justify="right" if name in COUNT_COLUMNS else "left")
    for row in rows:
        table.add_row(*(_plain(cell, one_line=True) for cell in _story_cells(row, missing="–")))
    out.print(table)


def _write_story_lines(rows: list[dict]) -> None:
    """Tab-separated, for grep, cut and spreadsheets (a rich table of thousands of rows takes seconds)."""
    lines = ["\t".join(STORY_COLUMNS)]
    for row in rows:
        lines.append("\t".join(terminal_text(cell, one_line=True) for cell in _story_cells(row, missing="")))
    sys.stdout.write("\n".join(lines) + "\n")


@app.command()
def story(
    story_id: Optional[str] = typer.Argument(None, help="Story id (or a unique prefix)."),
    largest: bool = typer.Option(False, "--largest", help="Show the story with the most articles."),
    db: Optional[str] = READ_DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="The whole record as JSON (with each article's analysis)."),
    as_md: bool = typer.Option(False, "--md", help="The record as Markdown."),
    as_html: bool = typer.Option(False, "--html", help="The record as one self-contained HTML page."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    sentences: int = typer.Option(5, "--sentences", min=1, max=20, help="Summary length in sentences."),
    text: bool = typer.Option(False, "--text", help="Show each article's full cleaned text."),
    claims: bool = typer.Option(False, "--claims", help="List single-source facts too, not only their count."),
) -> None:
    """Show one story: summary with citations, when/where/who, timeline, claims across outlets, articles."""
    from .query import get_story

    if as_json + as_md + as_html > 1:
        raise ConfigError("choose one of --json, --md, --html")
    with open_store(db or default_db(), readonly=True) as store:
        story_id = _story_id_or_largest(store, story_id, largest)
        record = get_story(store, story_id, with_text=text, with_analyses=as_json)
    if as_json or as_md or as_html:
        _export(record, "json" if as_json else "md" if as_md else "html", output, sentences)
    else:
        _print_story(record, text, sentences, claims)


def _export(record: dict, kind: str, output: Path | None, sentences: int) -> None:
    from .export import story_html, story_markdown

    if kind == "json":
        document = terminal_json(record)
    else:
        render = story_markdown if kind == "md" else story_html
        document = render(record, summary_sentences=sentences)
    if output is None:
        sys.stdout.write(document if document.endswith("\n") else document + "\n")
        return
    try:
        output.write_text(document, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror}", hint="check the folder exists and is writable") \
            from exc
    err.print(_plain(f"wrote {output}"))


@app.command()
def build(
    db: Optional[str] = DB_OPTION,
    redo: bool = typer.Option(False, "--redo", help="Rebuild every story's record from scratch."),
) -> None:
    """Build story records (claims, summary, timeline) that are missing or out of date."""
    from .pipeline import build_story_records

    with open_store(db or default_db()) as store, _progress() as bar:
        done = build_story_records(store, redo=redo, progress=_Bar(bar))
    out.print(f"built {done} story record(s)")


@app.command()
def export(
    output: Path = typer.Option(..., "--output", "-o", help="Folder for the files (created if missing)."),
    fmt: str = typer.Option("parquet", "--format", help="parquet or jsonl."),
    what: str = typer.Option("articles,stories,claims,events,quotes,entities", "--what",
                             help="Tables, comma-separated."),
    db: Optional[str] = READ_DB_OPTION,
) -> None:
    """Export tables (one file each: DIR/articles.parquet, ...); exported articles (jsonl) can be ingested again."""
    from .export_tables import export_tables

    tables = [t.strip() for t in what.split(",") if t.strip()]
    with open_store(db or default_db(), readonly=True) as store:
        written = export_tables(store, output, fmt=fmt, tables=tables)
    for table, rows in written.items():
        err.print(_plain(f"wrote {output / f'{table}.{fmt}'}: {rows:,} rows"))


@app.command()
def batch(
    inputs: list[str] = typer.Argument(..., help="Files and directories (recursive): .txt, .html, .jsonl, WARC, "
                                                 "optionally .gz."),
    output: Path = typer.Option(..., "--out", help="Folder for the Parquet tables (and the job's manifest, "
                                                "OUT/_batch: run the same command again to resume)."),
    master: Optional[str] = typer.Option(None, "--master", help="Spark master: local[2], spark://host:7077, yarn "
                                                                "[default: spark-submit's, else local[2]]."),
    db: Optional[str] = typer.Option(None, "--db", help="Also load the result into this empty database (SQLite "
                                                        "file or postgresql:// URL) for `newsfuse serve`."),
    as_json: bool = typer.Option(False, "--json", help="Print the job's report as JSON."),
) -> None:
    """Run newsfuse on Apache Spark (pip install 'newsfuse[spark]'): the per-article stages and the story
    records in parallel, story assignment on the driver; Parquet tables (as `newsfuse export`) in --out."""
    from .batch import run_batch

    with _progress() as bar:
        report = run_batch(inputs, output, master=master, db=db, progress=_Bar(bar))
    _print_batch(report, as_json)


def _print_batch(report: dict, as_json: bool) -> None:
    _print_report(report, as_json)
    if as_json:
        return
    reused = f" ({report['tasks_reused']} committed earlier)" if report["tasks_reused"] else ""
    out.print(f"tasks {report['tasks']}{reused}; seconds: " +
              ", ".join(f"{k} {v:.1f}" for k, v in report["seconds"].items()), markup=False)
    for file, counts in report["files"].items():
        if counts["skipped"]:
            out.print(_plain(f"  {file}: {counts['items']:,} items read, {counts['skipped']:,} skipped"))


@app.command()
def serve(
    db: Optional[str] = typer.Option(None, "--db", show_default=False,
                                     help="SQLite database file or postgresql:// URL (read only unless writes "
                                          "are on) [default: NEWSFUSE_DB, else newsfuse.db]."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0: every interface; think first)."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    token_env: str = typer.Option("NEWSFUSE_TOKEN", "--token-env", metavar="NAME",
                                  help="Environment variable holding the token that POST /api/articles needs "
                                       "(unset or empty: writes are off)."),
) -> None:
    """Serve the stories over HTTP: the JSON API under /api (described at /docs) and the web pages."""
    import os

    import uvicorn

    from .serve.app import create_app

    token = os.environ.get(token_env) or None  # from the environment: a token on the command line shows in `ps`
    db = db or default_db()
    # Fail now, with the usual message, if the database cannot be read (or, with writes on, made).
    with open_store(db, readonly=token is None):
        pass
    web = create_app(db, token=token)
    out.print(_plain(f"newsfuse serving {_shown_db(db)} on http://{host}:{port} (API docs: http://{host}:{port}/docs; "
                     f"writes {'on' if token else f'off: set {token_env} to enable'}); Ctrl-C stops"))
    uvicorn.run(web, host=host, port=port, log_level="warning")


@app.command()
def copy(
    source: str = typer.Option(..., "--from", help="The database to copy: SQLite file or postgresql:// URL "
                                                   "(read only)."),
    target: str = typer.Option(..., "--to", help="An empty database to copy into: SQLite file (created) or "
                                                 "postgresql:// URL (an empty database: createdb NAME)."),
) -> None:
    """Copy a whole database to another, e.g. SQLite to PostgreSQL: every table, in one transaction
    (a failed copy leaves the target empty; run it again). A target holding anything is refused."""
    from .store.copy import copy_database

    with open_store(source, readonly=True) as src, open_store(target) as dst, _progress() as bar:
        copied = copy_database(src, dst, progress=_Bar(bar))
    out.print(_plain(f"copied {copied['articles']:,} articles, {copied['stories']:,} stories and "
                     f"{sum(copied.values()):,} rows in all from {_shown_db(source)} to {_shown_db(target)}"))


def _shown_db(db: str) -> str:
    """A database as messages show it: a URL without its password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", db)


def _story_id_or_largest(store: Store, story_id: str | None, largest: bool) -> str:
    from .errors import NotFoundError
    from .query import list_stories

    if story_id and not largest:
        return story_id
    if not largest:
        raise ConfigError("give a story id or --largest", hint="list ids with `newsfuse stories`")
    rows = list_stories(store)
    if not rows:
        raise NotFoundError(f"{store.path} holds no stories yet", hint="ingest articles first")
    return rows[0]["id"]


def _print_story(record: dict, text: bool, sentences: int, all_claims: bool) -> None:
    from .render import title_text

    out.rule(_plain(title_text(record, "(untitled story)"), "bold", one_line=True))
    out.print(_plain(f"story {record['id']}  ·  {record['first_seen'] or '?'} – {record['last_seen'] or '?'}  ·  "
                     f"{record['n_articles']} articles from {record['n_sources']} outlets "
                     f"({record['n_independent']} independent)"))
    if record["record_state"] != "current":
        out.print(f"[yellow]note[/yellow] {record['record_hint']}")
    if record["requested_id"] != record["id"]:
        out.print(_plain(f"(you asked for {record['requested_id']}, which was merged into this story)"))
    for merge in record["merge_history"]:
        out.print(_plain(f"merged: {merge['from']} → {merge['into']} at {merge['at']} ({merge['reason']})"))
    from .render import not_analysed_line

    if record.get("not_analysed"):
        out.print(_plain(not_analysed_line(record["not_analysed"])))
    from .render import analysis_lines, claim_lines, summary_lines, timeline_lines

    unread = sum(record.get("not_analysed", {}).values()) == record["n_articles"]  # "run analyze" would not help
    lines = [*summary_lines(record, sentences), *([] if unread else analysis_lines(record.get("analysis"))),
             *timeline_lines(record),
             *claim_lines(record, all_claims=all_claims)]
    for line in lines:
        out.print(_plain(line))
    for article in record["articles"]:
        _print_article(article, text)


def _print_article(article: dict, text: bool) -> None:
    date = f"{article['published']} (from {article['published_from']})" if article["published"] else "date unknown"
    out.print()
    from .render import title_text

    out.print(_plain(title_text(article, "(untitled)"), "bold", one_line=True))
    out.print(_plain(f"  {article['source'] or '(unknown outlet)'} · {date} · {article['n_words']} words · "
                     f"{article['origin']}", one_line=True))
    if article["near_dup_of"]:
        out.print(_plain(f"  near-duplicate of {article['near_dup_of']} (counts as one source)"))
    if article["removed_chrome"]:
        out.print(_plain(f"  page chrome removed: {article['removed_chrome']}"))
    out.print(_plain(article.get("text") if text else article["excerpt"]))


@eval_app.command("clustering")
def eval_clustering(
    file: Path = typer.Argument(..., help="Labelled JSON Lines: id, text and the label field."),
    label: str = typer.Option(..., "--label", help="Field holding the gold story label."),
    order: str = typer.Option("time", "--order", help="time: by publication date; file: in file order."),
    cv: int = typer.Option(0, "--cv", help="K > 1: cross-validate K folds grouped by label (tune on K-1, score the rest)."),
    text_only: bool = typer.Option(False, "--text-only", help="Ignore title, date, outlet and URL fields."),
    folds_by: str = typer.Option("", "--folds-by", help="With --cv: make folds of this field's values "
                                                         "(e.g. topic), never splitting one; default the label."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """B-cubed and pairwise scores of story clustering on a labelled corpus (ingested without
    analysis and story records, which clustering does not read)."""
    from .eval.clustering import evaluate_clustering

    strip = ("title", "published", "source", "url") if text_only else ()
    with _progress() as bar:
        if cv > 1:
            scores = _cross_validate(file, label, order, cv, strip, _Bar(bar), folds_by or None)
        else:
            scores = evaluate_clustering(file, label, order=order, strip=strip, progress=_Bar(bar))
    _print_scores(scores, as_json)


def _cross_validate(file: Path, label: str, order: str, folds: int, strip: tuple, progress,
                    group: str | None = None) -> dict:
    from .embed import MiniLMEmbedder
    from .eval.cv import cross_validate, labelled_features
    from .static_embed import StaticEmbedder

    data = labelled_features(file, label, MiniLMEmbedder(), body_embedder=StaticEmbedder(), strip=strip,
                             group=group)
    return cross_validate(data, folds=folds, order="time" if order == "time" else "file", progress=progress)


@eval_app.command("extraction")
def eval_extraction(
    folder: Path = typer.Argument(..., help="Folder with html/*.html.gz and ground_truth.jsonl."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Main-text extraction precision/recall/F1 (scrapinghub benchmark method)."""
    from .eval.extraction import evaluate_extraction

    with _progress() as bar:
        scores = evaluate_extraction(folder, progress=lambda done, total: _Bar(bar)("pages", done, total))
    _print_scores(scores, as_json)


@eval_app.command("timex")
def eval_timex(
    file: Path = typer.Argument(..., help="TimeML JSON Lines: id, dct, text, timexes (like tbaq.jsonl)."),
    fold: int = typer.Option(-1, "--fold", help="Score only this fold (0-4) of a 5-fold split by document."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """TempEval-3 strict/relaxed extraction and value/type F1 of time expressions."""
    from .eval.timex import evaluate_timex, load_docs, split_docs

    if fold > 4:
        raise ConfigError(f"no fold {fold}", hint="use --fold 0 to 4, or leave it out for the whole file")
    docs = split_docs(load_docs(file))[fold] if fold >= 0 else None
    scores = evaluate_timex(file, docs=docs)
    _print_scores(scores, as_json)


@eval_app.command("events")
def eval_events(
    file: Path = typer.Argument(..., help="PLOVER gold records (like plover_gsr.jsonl): text, event, source, target."),
    part: str = typer.Option("all", "--part", help="all, development (the half the lexicon was written on) "
                                                   "or held-out (the half never read)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """PLOVER event type P/R/F1 (micro and per type) and source/target actor F1."""
    from .eval.events import DEVELOPMENT, HELD_OUT, evaluate_events

    parts = {"all": None, "development": DEVELOPMENT, "held-out": HELD_OUT}
    if part not in parts:
        raise ConfigError(f"unknown part {part!r}", hint="use all, development or held-out")
    _run_eval(evaluate_events, file, "sentences", as_json, part=parts[part])


@eval_app.command("quotes")
def eval_quotes(
    file: Path = typer.Argument(..., help="Attribution gold (like polnear_dev.jsonl): text, attributions."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Quote source, cue and content spans: exact and overlap P/R/F1."""
    from .eval.quotes import evaluate_quotes

    _run_eval(evaluate_quotes, file, "articles", as_json)


@eval_app.command("entities")
def eval_entities(
    file: Path = typer.Argument(..., help="PLOVER gold records (like plover_gsr.jsonl): text, coded actors."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Entity and place linking: the country of each coded state actor (CAMEO code -> ISO)."""
    from .eval.entities import evaluate_entities

    _run_eval(evaluate_entities, file, "sentences", as_json)


@eval_app.command("claims")
def eval_claims(
    files: list[Path] = typer.Argument(..., help="Claims gold files (like tests/data/claims_gold/*.json)."),
    data: Path = typer.Option(Path("../shared/data"), "--data", help="Folder the golds' corpus paths are in."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Claim alignment across outlets: pair P/R/F1, status accuracy, corroborated/conflicting/attributed P/R."""
    from .eval.claims import evaluate_claims

    with _progress() as bar:
        scores = evaluate_claims(files, data=data, progress=_Bar(bar).stage("stories"))
    if not as_json:
        for name, story_scores in scores["stories"].items():
            out.print(_plain(f"{name}: pairs P {story_scores['pair_precision']:.3f} "
                             f"R {story_scores['pair_recall']:.3f}, status accuracy "
                             f"{story_scores['status_accuracy']:.3f}"))
    _print_scores(scores, as_json)


def _run_eval(evaluate, file: Path, unit: str, as_json: bool, **options) -> None:
    """Run an ``evaluate_*(file, progress=..., **options)`` with a progress bar counting ``unit``; print its scores."""
    with _progress() as bar:
        scores = evaluate(file, progress=_Bar(bar).stage(unit), **options)
    _print_scores(scores, as_json)


def _print_scores(scores: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(scores))
        return
    for fold in scores.get("folds", []):
        out.print(_plain(f"fold {fold['fold']}: held-out B³ F1 {fold['bcubed_f1']}, "
                         f"pairwise F1 {fold['pairwise_f1']}, chosen {fold['params']}"))
    for key, value in scores.get("mean", scores).items():
        if isinstance(value, dict):  # per-type tables
            for name, row in value.items():
                out.print(_plain(f"{name:>20}  " + "  ".join(f"{k} {_fmt(v)}" for k, v in row.items())))
        else:
            out.print(_plain(f"{key:>20}  {_fmt(value)}"))


def _fmt(value) -> str:
    if value is None:
        return "n/a"  # undefined: nothing to score (no prediction, or nothing in the gold)
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def main() -> None:
    app()
