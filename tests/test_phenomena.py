"""The phenomenon suite (tests/data/phenomena), the real statements (tests/data/statements) and
the held-out set written blind (tests/data/heldout):
their shape, and floors on the engine's figures set from what it measured when they were added
(the note on issue "Clauses"). A floor is raised when the engine improves, never lowered to let
a change through: a fall below one is a regression to explain."""
from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from checklist.evaluation import evaluate, metrics_by
from checklist.rules import bundled_library

DATA = Path(__file__).parent / "data"
SUITE = DATA / "phenomena"
STATEMENTS = DATA / "statements"
HELDOUT = DATA / "heldout"
PROBES = Path(__file__).resolve().parents[1].parent / "shared" / "probes"
PHENOMENA = {
    "plain commitment", "clause split", "other sense", "qualifier scope", "weak language",
    "conditional or deferred", "negative subject", "attribution", "carve-out", "narrowing in its phrase",
    "contradiction wording", "traded", "statement: addressee firm", "statement: addressee weak",
    "statement: third party", "statement: refusal", "statement: quoted speech",
}
STATUSES = {"met", "partial", "absent", "contradicted"}


@pytest.fixture(scope="module")
def lib():
    return bundled_library()


def _gold(folder: Path) -> dict[str, dict]:
    return {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted((folder / "gold").glob("*.toml"))}


def test_suite_shape(lib):
    gold = _gold(SUITE)
    texts = {p.stem for p in (SUITE / "corpus").glob("*.txt")}
    assert set(gold) == texts
    assert len(gold) >= 400
    langs = Counter(g["language"] for g in gold.values())
    assert langs["uk"] >= len(gold) / 4 and langs["ru"] >= len(gold) / 6
    demands = {d.id for d in lib.all_demands()}
    covered = set()
    for name, g in gold.items():
        assert g["phenomenon"] in PHENOMENA, name
        assert g["coders"] == ["coder1", "coder2"], name
        for demand, label in g["labels"].items():
            assert demand in demands, (name, demand)
            assert label["status"] in STATUSES, (name, demand)
            assert (label["status"] == "absent") == (not label["provisions"]), (name, demand)
            covered.add(demand)
    assert covered == demands


def test_heldout_shape(lib):
    gold = _gold(HELDOUT)
    texts = {p.stem for p in (HELDOUT / "corpus").glob("*.txt")}
    assert set(gold) == texts and len(gold) == 90
    demands = {d.id for d in lib.all_demands()}
    for name, g in gold.items():
        assert g["coders"] == ["coder1", "coder2"], name
        for demand, label in g["labels"].items():
            assert demand in demands, (name, demand)
            assert label["status"] in STATUSES, (name, demand)


def test_statements_shape(lib):
    gold = _gold(STATEMENTS)
    assert len(gold) >= 20
    policy = {d.id for d in lib.all_demands() if d.where == "policy"}
    for name, g in gold.items():
        assert g["source"].startswith("http"), name
        assert "2020" <= g["date"][:4] <= "2026", name
        assert set(g["labels"]) <= policy, name


# (folder, floors on the whole set, floors per language) as measured when the floors were set
FLOORS = [
    (SUITE, {"accuracy": 0.86, "macro_f1": 0.87, "contradiction_recall": 0.90, "max_false_met": 0},
     {"en": 0.85, "uk": 0.89, "ru": 0.85}),
    # statements: macro-F1 was 0.465 while a news headline's words ("Tusk says Poland will not
    # arrest ...") could make a refusal; the codebook codes the quoted speaker, not the outlet,
    # so titles no longer supply a contradiction's refusal (0.434; two labels of one statement lost)
    (STATEMENTS, {"accuracy": 0.68, "macro_f1": 0.62, "contradiction_recall": 0.53, "max_false_met": 0}, {}),
    (PROBES, {"accuracy": 0.90, "macro_f1": 0.91, "contradiction_recall": 1.0, "max_false_met": 0},
     {"en": 0.87, "uk": 0.91, "ru": 0.95}),
    # the held-out set: written blind, never tuned on; its floor keeps it from falling
    (HELDOUT, {"accuracy": 0.78, "macro_f1": 0.77, "contradiction_recall": 0.72, "max_false_met": 0},
     {"en": 0.79, "uk": 0.69, "ru": 0.85}),
]


@pytest.mark.parametrize("folder,floor,per_language", FLOORS, ids=["suite", "statements", "probes", "heldout"])
def test_figures_stay_above_their_floors(folder, floor, per_language, lib):
    if not (folder / "corpus").is_dir():
        pytest.skip(f"{folder} is not here")
    m = evaluate(folder / "corpus", folder / "gold", lib)
    assert m["accuracy"] >= floor["accuracy"]
    assert m["macro_f1"] >= floor["macro_f1"]
    assert m["contradiction_recall"] >= floor["contradiction_recall"]
    assert m["false_met"] <= floor["max_false_met"]
    by_language = metrics_by(m["pairs"], "language")
    for lang, least in per_language.items():
        assert by_language[lang]["accuracy"] >= least, lang
