"""A story record as Markdown, and as one self-contained HTML page.

Article-derived text is escaped (``md``) and only http(s) URLs become links
(``md_link``), so the Markdown holds no live HTML or link even for a renderer
that allows raw HTML. The HTML is that Markdown rendered by markdown-it (raw
HTML off as well) inside a page with its own inline style: no scripts, fonts
or images to fetch, it opens from a file in any browser.
Sources are numbered in article order; every summary sentence, timeline
entry and claim cites the numbers of the articles that state it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from .render import DERIVED_MARK, cite, cite_articles, event_parts, source_numbers, terminal_text

DEFAULT_SUMMARY_SENTENCES = 5
_STATUS_TITLES = [("conflicting", "Conflicting"), ("updated", "Updated"), ("corroborated", "Corroborated"),
                  ("single-source", "Single-source")]


def story_markdown(record: dict, *, summary_sentences: int = DEFAULT_SUMMARY_SENTENCES) -> str:
    numbers = source_numbers(record)
    parts = [_header(record), _summary(record, numbers, summary_sentences), _timeline(record, numbers),
             _events(record), _quotes(record, numbers), _claims(record, numbers), _sources(record, numbers)]
    return "\n\n".join(p for p in parts if p) + "\n"


def story_html(record: dict, *, summary_sentences: int = DEFAULT_SUMMARY_SENTENCES) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(
        story_markdown(record, summary_sentences=summary_sentences))
    return _PAGE.format(title=html.escape(terminal_text(record["title"] or "story", one_line=True)), body=body)


# Every ASCII punctuation character that starts Markdown syntax (emphasis, code,
# links and images, raw HTML and entities, tables, headings, strikethrough):
# a backslash makes it literal in CommonMark, whatever the renderer's html option.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&!~])")
# Kept as they are in a link target: RFC 3986 reserved and unreserved characters
# and "%", but not ( ) [ ] < > or spaces, which could end the link syntax early.
_URL_SAFE = "/:?#@!$&'*+,;=%-._~"


def md(text) -> str:
    """Article text as literal inline Markdown: special characters escaped, no
    control characters, one line (a newline could end the list item, table row
    or heading it is in, and start a block of its own: raw HTML, a heading)."""
    return _MD_SPECIAL.sub(r"\\\1", terminal_text(text, one_line=True))


def md_link(text, url: str | None) -> str:
    """``text`` linked to ``url`` when that is an http(s) URL, percent-encoded so
    it stays one link target; any other URL (javascript:, data:, a file) is
    left out, and ``text`` shown alone."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return md(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return md(text)
    return f"[{md(text)}]({quote(parts.geturl(), safe=_URL_SAFE)})"  # geturl: without the tabs urlsplit ignores


# ---- sections ----------------------------------------------------------------

def _header(record: dict) -> str:
    lines = [f"# {_md_title(record, '(untitled story)')}", "",
             (f"Story `{record['id']}` · {record['n_articles']} articles from {record['n_sources']} outlets "
              f"({record['n_independent']} independent) · published {record['first_seen'] or '?'} to "
              f"{record['last_seen'] or '?'}"), ""]
    analysis = record.get("analysis")
    if record.get("not_analysed"):
        from .render import not_analysed_line

        lines += [f"*{md(not_analysed_line(record['not_analysed']))}*", ""]
    if analysis is None and sum(record.get("not_analysed", {}).values()) == record["n_articles"]:
        return "\n".join(lines)
    if analysis is None:
        return "\n".join(lines + ["*Not analysed yet: run `newsfuse analyze` on this database.*"])
    lines += [f"- **When:** {_when(analysis)}", f"- **Where:** {_where(analysis)}",
              f"- **Who:** {md('; '.join(e['name'] for e in analysis['who'][:12])) or '-'}"]
    return "\n".join(lines)


def _when(analysis: dict) -> str:
    when = analysis.get("when")
    if not when:
        return "no event date found"
    written = sorted({e["text"] for e in when["evidence"]})
    return f"{when['date']} (event date; written as {md(', '.join(written))})"


def _where(analysis: dict) -> str:
    where = analysis.get("where")
    if not where:
        return "no place found"
    coords = f" ({where['lat']:.2f}, {where['lon']:.2f})" if where.get("lat") is not None else ""
    return md(where["name"]) + coords


def _summary(record: dict, numbers: dict, limit: int) -> str:
    sentences = record.get("summary") or []
    if not sentences:
        return ""
    lines = ["## Summary", ""]
    lines += [f"{i}. {md(s['text'])} {cite(s['citations'], numbers)}" for i, s in enumerate(sentences[:limit], 1)]
    lines += ["", ("*Each sentence is quoted from the articles; the numbers are the sources (below) that "
                   "report the fact, most corroborated first.*")]
    return "\n".join(lines)


def _timeline(record: dict, numbers: dict) -> str:
    entries = record.get("timeline") or []
    if not entries:
        return ""
    rows = [f"| {md(e['date'])} ({md(e['written'])}) | {md(e['text'])} | {cite(e['citations'], numbers)} |"
            for e in entries]
    return "\n".join(["## Timeline", "", "| Date (as written) | Fact | Sources |", "| --- | --- | --- |", *rows])


def _events(record: dict) -> str:
    events = (record.get("analysis") or {}).get("events") or []
    lines = []
    for event in events:
        actors, facts, reports = event_parts(event)
        lines.append(f"- **{md(event['type'])}** {md(actors)}{' · ' + md(facts) if facts else ''} ({reports})")
    return "\n".join(["## Events", "", *lines]) if lines else ""


def _quotes(record: dict, numbers: dict) -> str:
    speakers = (record.get("analysis") or {}).get("quotes") or []
    lines = []
    for speaker in speakers:
        quotes = [q for q in speaker["quotes"] if q["speech"]]
        if quotes:
            lines += ["", f"**{md(speaker['speaker'])}**", ""]
            lines += [f"- “{md(q['content'])}” [{numbers.get(q['article'], '?')}]" for q in quotes]
    return "\n".join(["## Quotes by speaker", *lines]) if lines else ""


def _claims(record: dict, numbers: dict) -> str:
    claims = record.get("claims")
    if claims is None:
        return ""
    counts = record["claim_counts"]
    lines = ["## Claims", "", f"{len(claims)} facts: " + ", ".join(f"{counts[s]} {s}" for s, _ in _STATUS_TITLES)
             + ". Copies of one wire story count as one outlet."]
    found = record.get("disputes") or []
    if found:
        lines += ["", "### Disputed figures", ""]
        lines += [f"- **{md(d['slot'])}** ({d['status']}, {d['facts']} fact(s)): "
                  + " · ".join(f"{md(side['value'])} {cite_articles(side['articles'], numbers)}" for side in d["sides"])
                  for d in found]
    for status, title in _STATUS_TITLES:
        facts = [f for f in claims if f["status"] == status]
        if facts:
            lines += ["", f"### {title}", ""] + [_claim_item(f, numbers) for f in facts]
    return "\n".join(lines)


def _claim_item(fact: dict, numbers: dict) -> str:
    said = f" — said by {md(', '.join(fact['speakers']))}" if fact["attributed"] and fact["speakers"] else ""
    lines = [f"- {fact['independent_sources']} independent outlet(s){said}"]
    if fact.get("slot"):
        lines.append(f"  - *{md(fact['slot'])}: disputed, see Disputed figures*")
    for claim in fact["evidence"]:
        copy = f" (copy of [{numbers.get(fact['collapsed'][claim['article']], '?')}])" \
            if claim["article"] in fact["collapsed"] else ""
        lines.append(f"  - [{numbers.get(claim['article'], '?')}]{copy} “{md(claim['text'])}”")
    return "\n".join(lines)


def _md_title(item: dict, missing: str, url: str | None = None) -> str:
    """A title as Markdown: a headline made from the lead in italics, marked "(from the lead)"."""
    linked = md_link(item.get("title") or missing, url)
    return f"*{linked}* {DERIVED_MARK}" if item.get("title") and item.get("title_derived") else linked


def _sources(record: dict, numbers: dict) -> str:
    lines = ["## Sources", ""]
    for article in record["articles"]:
        linked = _md_title(article, "(untitled)", article.get("url"))
        copy = f" · copy of [{numbers[article['near_dup_of']]}]" if article.get("near_dup_of") in numbers else ""
        outlet = article.get("source") or "outlet unknown"  # the title follows: said once
        lines.append(f"{numbers[article['id']]}. {md(outlet)} — {linked} · "
                     f"published {md(article['published'] or 'date unknown')}{copy}")
    return "\n".join(lines)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 Georgia, serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
h1 {{ font-size: 1.7rem; }} h2 {{ border-bottom: 1px solid #ccc; margin-top: 2rem; }}
code {{ font-size: .85em; }} table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ddd; padding: .3rem .5rem; vertical-align: top; }}
li {{ margin: .25rem 0; }} em {{ color: #555; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""
