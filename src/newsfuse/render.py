"""Plain-text rendering of a story's analysis for the terminal (the CLI's view).

Functions return lines; the CLI prints them.
"""

from __future__ import annotations

_WHO_SHOWN = 12
_PLACES_SHOWN = 10
_QUOTE_CHARS = 160


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
        actors = f"{' & '.join(event['sources']) or '?'} → {' & '.join(event['targets']) or '-'}"
        facts = " · ".join(x for x in (event["place"], event["date"], event["mode"]) if x)
        reports = len({e["article"] for e in event["evidence"]})
        facts = f"  [{facts}]" if facts else ""
        lines.append(f"  {event['type']:<10} {actors}{facts}  ({reports} report{'s' * (reports > 1)})")
        lines.append(f"             “{_clip(event['evidence'][0]['text'])}”")
    return lines


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
            lines.append(f"    - {quote['kind']}{cue}: “{_clip(quote['content'])}”")
    return lines


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1] + "…"


def claim_lines(claims: list[dict] | None) -> list[str]:
    """The claims table: status, independent outlets, who said it, the evidence."""
    if claims is None:
        return []
    lines = [f"Claims ({len(claims)}):"]
    for fact in claims:
        said = " · attributed" if fact["attributed"] else ""
        lines.append(f"  {fact['status']:<13} {fact['independent_sources']} outlet(s){said}")
        for value in fact.get("values", []):
            lines.append(f"      {fact['slot']} = {value['value']} ({value['outlet']})")
        for claim in fact["evidence"]:
            lines.append(f"      [{claim['outlet'][:12]}] “{_clip(claim['text'])}”")
    return lines
