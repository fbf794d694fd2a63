"""Plain-text rendering of a story's analysis for the terminal (the CLI's view).

Functions return lines; the CLI prints them.
"""

from __future__ import annotations

import json
import re

_WHO_SHOWN = 12
_PLACES_SHOWN = 10
_QUOTE_CHARS = 160


# Article text, titles, outlets, URLs and file names come from the input, and a
# terminal acts on control characters in what it prints: ESC sequences clear the
# screen, move the cursor, set the window title or make hidden hyperlinks (OSC 8),
# bidi overrides (U+202E) show text in another order than it is stored. Whole
# ESC sequences go (their parameters would otherwise show as junk), then every
# other C0/C1 control and bidi control; tab and newline stay where a line may
# hold them. Input text is printed without Rich markup too (cli.py).
_ESC_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?"               # CSI: colours, cursor, erase
    r"|[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC: to BEL, ST or line end
    r"|[ -/]*[0-~]?)")                          # two-character and nF escapes
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
# JSON escapes C0 controls itself; C1 and bidi controls (and the line separators
# JavaScript chokes on) are written as \u escapes: the same data, nothing raw.
_JSON_RAW = re.compile(f"[\x7f-\x9f{_BIDI}\u2028\u2029]")


def terminal_text(text: str, *, one_line: bool = False) -> str:
    """``text`` with nothing a terminal would act on: no escape sequences, no
    control or bidi characters (a carriage return becomes a newline). With
    ``one_line`` newlines and tabs become spaces too, for titles and table cells."""
    text = _ESC_SEQUENCE.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    return " ".join(text.split()) if one_line else text


def terminal_json(data, *, indent: int | None = 1) -> str:
    """``data`` as JSON (non-ASCII text kept) with no raw control or bidi character."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def analysis_lines(analysis: dict | None) -> list[str]:
    if analysis is None:
        return ["(not analysed: run `newsfuse analyze` on this database)"]
    return [*_where_when(analysis), *_who(analysis), *_events(analysis), *_quotes(analysis)]


def _where_when(analysis: dict) -> list[str]:
    lines = []
    where = analysis["where"]
    if where:
        coords = f" ({where['lat']:.2f}, {where['lon']:.2f})" if where.get("lat") is not None else ""
        lines.append(f"Where: {where['name']}{coords}")
    when = analysis["when"]
    if when:
        phrases = sorted({e["text"] for e in when["evidence"]})
        lines.append(f"When:  {when['date']} (written as: {', '.join(phrases)})")
    return lines


def _who(analysis: dict) -> list[str]:
    people = [f"{e['name']}{_aliases(e)}" for e in analysis["who"][:_WHO_SHOWN]]
    places = [f"{p['name']}{' ' + p['country'] if p.get('country') and p['type'] == 'country' else ''}"
              for p in analysis["places"][:_PLACES_SHOWN]]
    return [f"Who:   {'; '.join(people)}" if people else "Who:   -",
            f"Places named: {'; '.join(places)}" if places else "Places named: -"]


def _aliases(entity: dict) -> str:
    return f" (also {', '.join(entity['aliases'][:3])})" if entity["aliases"] else ""


def _events(analysis: dict) -> list[str]:
    lines = ["Events:"] if analysis["events"] else []
    for event in analysis["events"]:
        actors, facts, reports = event_parts(event)
        facts = f"  [{facts}]" if facts else ""
        lines.append(f"  {event['type']:<10} {actors}{facts}  ({reports})")
        lines.append(f"             “{_clip(event['evidence'][0]['text'])}”")
    return lines


def event_parts(event: dict) -> tuple[str, str, str]:
    """An event's actors ("Xi Jinping & Vladimir Putin → -"), its place · date
    · mode, and how many reports give it ("2 reports")."""
    actors = f"{' & '.join(event['sources']) or '?'} → {' & '.join(event['targets']) or '-'}"
    background = "background" if event.get("background") else None
    facts = " · ".join(x for x in (event["place"], event["date"], event["mode"], background) if x)
    reports = len({e["article"] for e in event["evidence"]})
    return actors, facts, f"{reports} report{'s' * (reports > 1)}"


def _quotes(analysis: dict) -> list[str]:
    """Reported speech by speaker; other attributions (stances, "will seek")
    are in --json with ``speech: false``."""
    speakers = [(s, [q for q in s["quotes"] if q["speech"]]) for s in analysis["quotes"]]
    speakers = [(s, quotes) for s, quotes in speakers if quotes]
    lines = ["Quotes:"] if speakers else []
    for speaker, quotes in speakers:
        lines.append(f"  {speaker['speaker']} ({len(quotes)})")
        for quote in quotes:
            cue = f", {quote['cue']}" if quote.get("cue") else ""
            lines.append(f"    - {quote['kind']}{cue}: {_quoted(_clip(quote['content']))}")
    return lines


def _quoted(text: str) -> str:
    """The words in quotation marks, unless a direct quote brings its own."""
    return text if text[:1] in "“\"" and text[-1:] in "”\"…" else f"“{text}”"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1] + "…"


def source_numbers(record: dict) -> dict[str, int]:
    """Article id -> its number in the story's source list (article order)."""
    return {article["id"]: n for n, article in enumerate(record["articles"], start=1)}


DERIVED_MARK = "(from the lead)"


def title_text(item: dict, missing: str) -> str:
    """An article's or story's title, with "(from the lead)" after a headline
    newsfuse made from the lead (``title_derived``): never passed off as the outlet's."""
    if not item.get("title"):
        return missing
    return f"{item['title']} {DERIVED_MARK}" if item.get("title_derived") else item["title"]


def source_label(article: dict) -> str:
    """The outlet; when it is not known, the headline or the file it came from."""
    if article.get("source"):
        return article["source"]
    if article.get("title"):
        return f"outlet unknown: “{article['title']}”{' ' + DERIVED_MARK if article.get('title_derived') else ''}"
    return f"outlet unknown: “{(article.get('origin') or article['id']).rsplit('/', 1)[-1]}”"


def citation_numbers(citations: list[dict], numbers: dict[str, int]) -> list[int]:
    return sorted({numbers[c["article"]] for c in citations if c["article"] in numbers})


def cite(citations: list[dict], numbers: dict[str, int]) -> str:
    return "[" + ", ".join(map(str, citation_numbers(citations, numbers))) + "]"


def summary_lines(record: dict, limit: int) -> list[str]:
    """The cited summary, then the sources its numbers refer to."""
    sentences = (record.get("summary") or [])[:limit]
    if not sentences:
        return []
    numbers = source_numbers(record)
    lines = ["Summary (each sentence from the articles; [n] = the sources that report it):"]
    lines += [f"  {i}. {' '.join(s['text'].split())} {cite(s['citations'], numbers)}"
              for i, s in enumerate(sentences, 1)]
    lines += ["Sources:"] + [f"  [{numbers[a['id']]}] {source_label(a)} · {a['published'] or 'date unknown'}"
                             for a in record["articles"]]
    return lines


def timeline_lines(record: dict) -> list[str]:
    entries = record.get("timeline") or []
    numbers = source_numbers(record)
    lines = ["Timeline (dates the articles give):"] if entries else []
    lines += [f"  {e['date']:<10} “{_clip(e['text'])}” {cite(e['citations'], numbers)}" for e in entries]
    return lines


def claim_lines(record: dict, *, all_claims: bool) -> list[str]:
    """The claims table: status, independent outlets, who said it, the
    evidence. Single-source facts are counted, and listed with ``all_claims``."""
    claims = record.get("claims")
    if claims is None:
        return []
    counts, numbers = record["claim_counts"], source_numbers(record)
    lines = [f"Claims: {len(claims)} facts · " + " · ".join(f"{n} {status}" for status, n in counts.items())]
    for dispute in record.get("disputes") or []:
        sides = " · ".join(f"{side['value']} {cite_articles(side['articles'], numbers)}" for side in dispute["sides"])
        lines.append(f"  disputed: {dispute['slot']} ({dispute['status']}, {dispute['facts']} fact(s)): {sides}")
    for fact in claims:
        if fact["status"] == "single-source" and not all_claims:
            continue
        said = " · said by " + ", ".join(fact["speakers"]) if fact["attributed"] and fact["speakers"] else ""
        lines.append(f"  {fact['status']:<13} {fact['independent_sources']} outlet(s){said}")
        if fact.get("slot"):
            lines.append(f"      ({fact['slot']}: disputed, see above)")
        for claim in fact["evidence"]:
            lines.append(f"      [{numbers.get(claim['article'], '?')}] “{_clip(claim['text'])}”")
    if counts["single-source"] and not all_claims:
        lines.append(f"  ({counts['single-source']} single-source facts: see --claims)")
    return lines


def cite_articles(article_ids: list[str], numbers: dict) -> str:
    """"[1, 3]": the source numbers of these articles."""
    return "[" + ", ".join(str(numbers.get(a, "?")) for a in article_ids) + "]"


def not_analysed_line(counts: dict) -> str:
    """"Not analysed: 3 in de, 1 in pl (the models read English only)"."""
    parts = ", ".join(f"{n} in {language}" for language, n in sorted(counts.items()))
    return f"Not analysed: {parts} (the models read English only; these articles were clustered on their words)"
