"""HTML built in Python for the pages: article text with highlighted spans,
safe links. Every piece of article text goes through ``escape``; the only
markup is the tags written here, so the result can be trusted as ``Markup``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

_PARAGRAPH_BREAK = re.compile(r"\n\s*")


@dataclass(frozen=True)
class Mark:
    """One highlighted span of an article: ``kind`` is ent, timex or quote;
    ``key`` the entity it names (a link), ``title`` a tooltip (a time's value)."""

    start: int
    end: int
    kind: str
    key: str | None = None
    title: str | None = None


def safe_url(url) -> str | None:
    """``url`` when it is an http(s) URL with a host, else None: only those
    become links (javascript:, data: and file names are shown as text)."""
    try:
        parts = urlsplit(str(url or "").strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return parts.geturl()  # without the tabs and newlines urlsplit drops


def entity_href(key: str) -> str:
    """The entity page of ``key``: keys hold ':', spaces and any character of a name."""
    return "/entities/" + quote(key, safe=":")


def article_marks(analysis: dict | None) -> list[Mark]:
    """Entities, time expressions and quotes of an article's analysis as marks."""
    if not analysis:
        return []
    marks = [Mark(m["start"], m["end"], "ent", key=m.get("entity")) for m in analysis.get("mentions", [])]
    marks += [Mark(t["start"], t["end"], "timex", title=t.get("value")) for t in analysis.get("timexes", [])]
    for q in analysis.get("quotes", []):
        speaker = q.get("speaker") or (q.get("source") or {}).get("text") or "unknown"
        marks.append(Mark(q["content"]["start"], q["content"]["end"], "quote", title=f"Quote: {speaker}"))
    return marks


def highlight(text: str, marks: list[Mark], anchors: set[int], cited: tuple[int, int] | None = None) -> Markup:
    """``text`` as paragraphs of escaped text, each mark wrapped in its tag.

    Marks may overlap or nest: the text is cut at every mark boundary, and each
    piece is wrapped in the tags of all marks covering it, so tags always nest
    properly. ``anchors`` are offsets given an ``id="s-N"`` (sentence starts);
    ``cited`` is the span a citation points to, shown marked."""
    n = len(text)
    marks = sorted((m for m in marks if 0 <= m.start < m.end <= n), key=lambda m: (m.start, -m.end))
    anchors = {a for a in anchors if 0 <= a < n}
    breaks = {(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text)}
    cuts = {0, n, *anchors, *(m.start for m in marks), *(m.end for m in marks), *(x for b in breaks for x in b)}
    if cited:
        cuts |= {max(0, min(n, c)) for c in cited}
    out, active, pending = ["<p>"], [], iter(marks)
    upcoming = next(pending, None)
    edges = sorted(cuts)
    for a, b in zip(edges, edges[1:]):
        while upcoming and upcoming.start <= a:
            active.append(upcoming)
            upcoming = next(pending, None)
        active = [m for m in active if m.end > a]
        if (a, b) in breaks:
            out.append("</p>\n<p>")
        if a in anchors:
            out.append(f'<span class="anchor" id="s-{a}"></span>')
        if (a, b) not in breaks:
            out.append(_wrap(escape(text[a:b]), active, cited is not None and cited[0] <= a and b <= cited[1]))
    out.append("</p>")
    return Markup("".join(out))


def _wrap(piece: Markup, active: list[Mark], is_cited: bool) -> str:
    """One piece of text inside the tags of the marks covering it (outermost first)."""
    quote_mark = next((m for m in active if m.kind == "quote"), None)
    entity = next((m for m in active if m.kind == "ent"), None)
    timex = next((m for m in active if m.kind == "timex"), None)
    if timex:
        piece = Markup('<span class="timex" title="{}">{}</span>').format(timex.title or "", piece)
    if entity and entity.key:
        piece = Markup('<a class="ent" href="{}">{}</a>').format(entity_href(entity.key), piece)
    elif entity:
        piece = Markup('<span class="ent">{}</span>').format(piece)
    if quote_mark:
        piece = Markup('<span class="quote" title="{}">{}</span>').format(quote_mark.title, piece)
    if is_cited:
        piece = Markup('<mark class="cited">{}</mark>').format(piece)
    return piece
