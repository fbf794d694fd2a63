"""``newsfuse eval clustering``: ingest a labelled corpus, score the stories."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..cluster import ClusterOptions
from ..config import Options
from ..errors import EvalError
from ..ingest.sources import jsonl_record
from ..store import Store
from .metrics import clustering_scores


def read_labelled(path: Path, label: str, options: Options = Options(), strip: tuple[str, ...] = ()
                  ) -> tuple[list, dict]:
    """Items (RawItem | Skipped) and gold labels by item id, from JSON Lines.

    ``strip`` names metadata fields to ignore (to measure text-only corpora).
    """
    if not Path(path).is_file():
        raise EvalError(f"no such file: {path}")
    items, gold = [], {}
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                _read_line(f"{path}:{number}", line, label, options, items, gold, strip)
    if not gold:
        raise EvalError(f"{path} holds no records with an 'id' and a {label!r} label")
    return items, gold


def _read_line(origin: str, line: bytes, label: str, options: Options, items: list, gold: dict,
               strip: tuple[str, ...]) -> None:
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise EvalError(f"{origin}: invalid JSON ({exc})") from exc
    if "id" not in record or label not in record:
        raise EvalError(f"{origin}: record lacks 'id' or the label field {label!r}",
                        hint="every record needs both to be scored")
    # The label must not leak into what is clustered.
    kept = {k: v for k, v in record.items() if k != label and k not in strip}
    item = jsonl_record(origin, json.dumps(kept).encode(), options)
    items.append(item)
    gold[str(record["id"])] = record[label]


def evaluate_clustering(path: Path, label: str, *, order: str = "time", options: Options = Options(),
                        cluster_options: ClusterOptions = ClusterOptions(), embedder=None, body_embedder=None,
                        strip: tuple[str, ...] = (), progress=None) -> dict:
    """Ingest the corpus into a temporary store and score its stories.

    The ingest is a user's (cleaning, near-duplicates, store, vector index)
    without the analysis and story records, which clustering does not read
    and this does not score. Items that cannot be ingested count as singleton
    stories, so skipping a hard item never raises the score.
    """
    from dataclasses import replace

    from ..pipeline import ingest

    options = replace(options, analyze=False, story_records=False)

    if order not in ("time", "file"):
        raise EvalError(f"unknown order {order!r}", hint="use --order time or --order file")
    items, gold = read_labelled(path, label, options, strip)
    with tempfile.TemporaryDirectory(prefix="newsfuse-eval-") as tmp, Store(Path(tmp) / "eval.db") as store:
        report = ingest(items, store, options=options, cluster_options=cluster_options, embedder=embedder,
                        body_embedder=body_embedder, order="time" if order == "time" else "arrival", **({"progress": progress} if progress else {}))
        pred = _predicted(store, report.external_ids, list(gold))
    scores = clustering_scores(pred, gold)
    scores["n_skipped"] = report.skipped_count
    scores["order"] = order
    return scores


def _predicted(store: Store, external_ids: dict, keys: list[str]) -> dict:
    pred = {}
    for key in keys:
        article_id = external_ids.get(key)
        story = store.story_of_article(article_id) if article_id else None
        pred[key] = story or f"skipped:{key}"
    return pred
