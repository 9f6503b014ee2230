"""checklist eval: reference matching, the metrics, and the regression test on the dev corpus."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from checklist.cli import main
from checklist.evaluation import evaluate, metrics, ref_parts, refs_match
from checklist.rules import bundled_library

SHARED = Path(__file__).resolve().parents[2] / "shared"
needs_corpus = pytest.mark.skipif(not (SHARED / "corpus").is_dir() or not (SHARED / "gold").is_dir(),
                                  reason="the development corpus and gold labels (../shared) are not beside the repo")


@pytest.mark.parametrize("gold,reported,ok", [
    ("6", "6", True), ("6", "6(a)", True), ("6(a)", "6", True), ("21(b)", "21(b)", True),
    ("21(b)", "21(a)", False), ("1", "12", False), ("para 2", "para 2", True), ("para 2", "2", True),
    ("Article 4", "Art. 4", True), ("Article 4", "4.2", True), ("Point 12", "12", True),
    ("Section II", "II", True), ("Annex 1", "annex 1", True), ("preamble", "preamble", True),
    ("preamble", "1", False), ("3(b)", "3 (b)", True), ("5.1", "5.2", False),
])
def test_refs_match(gold, reported, ok):
    assert refs_match(gold, reported) is ok


def test_ref_parts():
    assert ref_parts("Article 4.2") == ("4", "2")
    assert ref_parts("21(b)") == ("21", "b")
    assert ref_parts("10 para 2") == ("10", "2")


def pair(gold, pred, gp=(), pp=()):
    return {"document": "d", "demand": "x", "gold": gold, "predicted": pred,
            "gold_provisions": list(gp), "predicted_provisions": list(pp), "reasons": [], "note": ""}


def test_metrics_by_hand():
    pairs = [pair("met", "met", ["1"], ["1"]), pair("partial", "met", ["2"], ["3"]),
             pair("absent", "absent"), pair("absent", "partial", [], ["4"]),
             pair("contradicted", "contradicted", ["6"], ["6(a)"])]
    m = metrics(pairs, documents=1, skipped=2)
    assert m["labels"] == 5 and m["skipped"] == 2
    assert m["accuracy"] == 0.6
    # F1: met 2/3, partial 0, absent 2/3, contradicted 1 -> mean 0.5833
    assert m["macro_f1"] == pytest.approx(0.5833, abs=1e-4)
    assert m["false_met"] == 0
    assert m["contradiction_recall"] == 1.0
    assert m["evidence_hit_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["presence_f1"] == pytest.approx(0.8, abs=1e-4)
    assert m["confusion"]["partial"]["met"] == 1
    assert len(m["disagreements"]) == 2


def test_always_absent_scores_zero_on_macro_f1_for_other_statuses():
    pairs = [pair("absent", "absent")] * 7 + [pair("met", "absent"), pair("partial", "absent"), pair("partial", "absent")]
    m = metrics(pairs, 1, 0)
    assert m["accuracy"] == 0.7
    assert m["macro_f1"] < 0.3


def test_missing_folders_are_clear_errors(tmp_path):
    r = CliRunner().invoke(main, ["eval", "--corpus", str(tmp_path / "c"), "--gold", str(tmp_path)])
    assert r.exit_code == 2
    assert r.output == f"Error: Corpus folder {tmp_path / 'c'} not found: pass --corpus with the folder of .txt texts.\n"


TARGETS = {"accuracy": 0.85, "macro_f1": 0.75, "presence_f1": 0.90}


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("sets", [["tot-2025"], None], ids=["tot-2025", "all-sets"])
def test_eval_meets_targets_on_dev_corpus(sets):
    lib = bundled_library()
    m = evaluate(SHARED / "corpus", SHARED / "gold", lib, sets)
    assert m["documents"] == 7
    for key, target in TARGETS.items():
        assert m[key] >= target, (key, m[key], m["disagreements"])
    assert m["contradiction_recall"] in (None, 1.0), m["disagreements"]
    assert m["false_met"] == 0, m["disagreements"]


@needs_corpus
def test_eval_json_keys():
    import json

    r = CliRunner().invoke(main, ["eval", "--corpus", str(SHARED / "corpus"), "--gold", str(SHARED / "gold"),
                                  "--rules", "tot-2025", "--json"])
    data = json.loads(r.output)
    assert set(data) >= {"documents", "labels", "skipped", "accuracy", "macro_f1", "kappa", "presence_f1",
                         "contradiction_recall", "false_met", "evidence_hit_rate", "confusion", "disagreements"}
