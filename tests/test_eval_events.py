"""Scoring of PLOVER event coding (newsfuse.eval.events)."""

import json

import pytest

from newsfuse.errors import EvalError
from newsfuse.eval.events import (
    evaluate_events,
    gsr_type,
    load_docs,
    match_actors,
    score_pairs,
    split_docs,
    token_f1,
)


def record(kind, sources=(), targets=()):
    return {"event": kind, "source": [{"text": s} for s in sources],
            "target": [{"text": t} for t in targets]}


def test_event_scores_count_extra_and_wrong_events_as_false_positives():
    pairs = [
        (record("CONSULT"), [record("CONSULT")]),                     # hit
        (record("THREATEN"), [record("THREATEN"), record("FIGHT")]),  # hit + spurious
        (record("DEMAND"), [record("REJECT")]),                       # wrong type: fp + fn
        (record("PROTEST"), []),                                      # missed
    ]
    s = score_pairs(pairs)
    assert (s["n_docs"], s["n_gold"], s["n_pred"], s["n_hits"]) == (4, 4, 4, 2)
    assert s["event_precision"] == pytest.approx(2 / 4)
    assert s["event_recall"] == pytest.approx(2 / 4)
    assert s["per_type"]["THREATEN"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert s["per_type"]["FIGHT"]["precision"] == 0.0 and s["per_type"]["FIGHT"]["support"] == 0
    assert s["per_type"]["DEMAND"]["recall"] == 0.0


def test_actor_scores_use_hit_events_and_all_gold_actors():
    pairs = [
        (record("SANCTION", ["President Bill Clinton"], ["Taliban"]),
         [record("SANCTION", ["President Bill Clinton"], ["Taliban religious faction"])]),
        (record("AGREE", ["Hungarian", "Romanian"]),
         [record("AGREE", ["Hungarian"], ["their countries"])]),
        (record("FIGHT", ["Serb forces"], ["ethnic Albanians"]), [record("ASSAULT", ["Serb forces"])]),
    ]
    s = score_pairs(pairs)
    # sources: 2 matched of 2 predicted (hit events only), 4 gold
    assert s["source_precision"] == pytest.approx(1.0)
    assert s["source_recall"] == pytest.approx(2 / 4)
    # targets: "Taliban" ~ "Taliban religious faction" (token F1 0.5); "their countries" spurious
    assert s["target_precision"] == pytest.approx(1 / 2)
    assert s["target_recall"] == pytest.approx(1 / 2)


def test_actor_matching_is_normalised_and_one_to_one():
    assert token_f1("the U.S.", "U.S.") == 1.0
    assert token_f1("Sierra Leonean ... refugees", "Sierra Leonean refugees") == 1.0
    assert token_f1("Iraqi", "Iraqi President Saddam Hussein") < 0.5
    assert match_actors(["Israel", "Lebanon"], ["Israel", "Israel"]) == [("Israel", "Israel")]
    assert match_actors(["Xi"], []) == []


def test_intents_are_scored_as_the_cameo_derived_gold_codes_them():
    assert gsr_type("CONSULT", "planned") == "AGREE"
    assert gsr_type("PROTEST", "planned") == "THREATEN"
    assert gsr_type("CONSULT", None) == "CONSULT"
    assert gsr_type("RETREAT", "planned") == "RETREAT"
    assert gsr_type("FIGHT", "negated") == "FIGHT"


def test_split_docs_is_a_reproducible_stratified_partition():
    rows = [{"id": f"r{i}", "text": "x", "event": "AGREE" if i % 3 else "FIGHT"} for i in range(30)]
    folds = split_docs(rows, 2, seed=0)
    assert sorted(r["id"] for f in folds for r in f) == sorted(r["id"] for r in rows)
    assert [[r["id"] for r in f] for f in folds] == [[r["id"] for r in f] for f in split_docs(rows[::-1])]
    for fold in folds:
        assert sum(r["event"] == "FIGHT" for r in fold) == 5
    assert split_docs(rows, 2, seed=1) != folds


def test_evaluate_on_a_tiny_file(tmp_path):
    rows = [{"id": "a", "text": "Iran threatened to shell Iraqi towns.", "event": "THREATEN",
             "source": [{"text": "Iran"}], "target": [{"text": "Iraqi"}]},
            {"id": "b", "text": "Israeli soldiers arrested more than 100 Palestinians.", "event": "COERCE",
             "source": [{"text": "Israeli soldiers"}], "target": [{"text": "Palestinians"}]}]
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    seen = []
    s = evaluate_events(path, progress=lambda done, total: seen.append((done, total)))
    assert s["event_f1"] == 1.0 and s["source_f1"] == 1.0
    assert seen == [(1, 2), (2, 2)]
    assert evaluate_events(path, part=0)["n_docs"] + evaluate_events(path, part=1)["n_docs"] == 2


def test_missing_or_malformed_file(tmp_path):
    with pytest.raises(EvalError, match="not found"):
        evaluate_events(tmp_path / "absent.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x", "event": "AGREE"}\n{not json}\n')
    with pytest.raises(EvalError, match="bad.jsonl:2"):
        load_docs(bad)
    no_event = tmp_path / "no_event.jsonl"
    no_event.write_text('{"id": "a", "text": "x"}\n')
    with pytest.raises(EvalError, match="no_event.jsonl:1"):
        load_docs(no_event)
