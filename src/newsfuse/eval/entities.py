"""Entity and place linking, scored on the country codes of coded event actors.

No entity-linking gold ships with the benchmark data, but the PLOVER gold
records (``plover_gsr.jsonl``) code every actor with a CAMEO actor code whose
first three letters are, for state actors, the country (``ISR`` for "Israeli
police", ``JPN`` for "Tokyo"). That makes a public test of the whole chain
spaCy NER → canonical entity → gazetteer → ISO country:

- gold: each actor whose code starts with a country code and whose text is
  found verbatim in the sentence (others are counted in ``n_skipped``);
- predicted: the country of the entity mention that overlaps the actor span
  most (a country, a city's country, a demonym's country); none when no
  place-like mention overlaps it (people and organisations carry no country);
- precision = right / predicted, recall = right / gold actors.

The gazetteer and demonym list were written before this file was looked at;
the whole file is held out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pycountry

from ..analyze.entities import find_entities
from ..analyze.nlp import load_nlp
from .corpus import load_jsonl
from .metrics import prf

# CAMEO codes that are not ISO 3166 alpha-3.
_CAMEO_COUNTRIES = {"JAP": "JP", "UKG": "GB", "GMY": "DE", "SER": "RS", "YUG": "RS", "PAL": "PS"}


def actor_country(code: str | None) -> str | None:
    """ISO alpha-2 of a CAMEO actor code's country part, or None (IGO, NGO...)."""
    prefix = (code or "")[:3].upper()
    if prefix in _CAMEO_COUNTRIES:
        return _CAMEO_COUNTRIES[prefix]
    country = pycountry.countries.get(alpha_3=prefix) if len(prefix) == 3 else None
    return country.alpha_2 if country else None


def gold_actors(row: dict) -> tuple[list[tuple[int, int, str]], int]:
    """(start, end, country) of the row's locatable state actors, and how many were skipped."""
    found, skipped = [], 0
    for actor in row.get("source", []) + row.get("target", []):
        country = actor_country(actor.get("code"))
        start = row["text"].find(actor.get("text") or "\0")
        if country is None:
            continue
        if start < 0:
            skipped += 1
            continue
        found.append((start, start + len(actor["text"]), country))
    return found, skipped


def load_docs(path) -> list[dict]:
    return load_jsonl(path, lambda row: (row["text"], row["source"], row["target"]), what="PLOVER record",
                      example="shared/data/events/plover_gsr.jsonl", needs="'text', 'source' and 'target'")


def evaluate_entities(path, *, docs: Iterable[dict] | None = None,
                      progress: Callable[[int, int], None] | None = None) -> dict:
    rows = list(docs) if docs is not None else load_docs(path)
    counts = {"gold": 0, "predicted": 0, "right": 0, "skipped": 0}
    nlp = load_nlp()
    for done, (row, doc) in enumerate(zip(rows, nlp.pipe(r["text"] for r in rows)), start=1):
        actors, skipped = gold_actors(row)
        counts["skipped"] += skipped
        mentions, entities = find_entities(doc)
        countries = {e.key: e.country for e in entities}
        for start, end, gold in actors:
            _count(counts, gold, _predicted_country(start, end, mentions, countries))
        if progress is not None:
            progress(done, len(rows))
    return _scores(counts, len(rows))


def _predicted_country(start: int, end: int, mentions, countries: dict) -> str | None:
    overlapping = [(min(end, m.end) - max(start, m.start), countries.get(m.entity)) for m in mentions]
    overlapping = [(size, country) for size, country in overlapping if size > 0 and country]
    return max(overlapping)[1] if overlapping else None


def _count(counts: dict, gold: str, predicted: str | None) -> None:
    counts["gold"] += 1
    counts["predicted"] += predicted is not None
    counts["right"] += predicted == gold


def _scores(counts: dict, n_docs: int) -> dict:
    precision, recall, f1 = prf(counts["right"], counts["predicted"], counts["gold"])
    return {"country_precision": precision, "country_recall": recall, "country_f1": f1,
            "n_docs": n_docs, "n_actors": counts["gold"], "n_predicted": counts["predicted"],
            "n_skipped": counts["skipped"]}
