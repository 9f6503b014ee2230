"""Rule sets: every rule's own examples run as tests, and bad rule files give exact messages."""
import shutil
from pathlib import Path

import pytest

from checklist.errors import RuleError
from checklist.examples import run_example
from checklist.rules import bundled_library, default_rules_dir, load_library

LIB = bundled_library()
EXAMPLES = [(d, i, ex) for d in LIB.all_demands() for i, ex in enumerate(d.examples, 1)]


@pytest.mark.parametrize("demand,number,example", EXAMPLES,
                         ids=[f"{d.id}#{i}" for d, i, _ in EXAMPLES])
def test_rule_example(demand, number, example):
    result = run_example(LIB, demand, number, example)
    if example.get("todo"):
        # a known gap: a strict expected failure, so fixing it is noticed
        assert not result.matches, f"{result.describe()}"
        pytest.xfail(f"known gap: {example.get('note') or 'todo'}")
    assert result.matches, result.describe()


def test_every_demand_has_an_example_of_each_status_it_can_take():
    for d in LIB.all_demands():
        statuses = {ex["status"] for ex in d.examples if not ex.get("todo")}
        assert {"met", "partial", "absent"} <= statuses, d.id
        can_contradict = bool(d.match["contradict"]) or d.match["negation"] == "contradicts"
        if d.match["contradict"]:
            assert "contradicted" in statuses, d.id
        del can_contradict


def test_demand_ids_come_from_file_names():
    for d in LIB.all_demands():
        assert d.id == f"{d.rule_set}/{d.number}"
        assert Path(d.path).parent.name == d.rule_set


def test_every_theme_is_known_and_every_demand_has_one():
    for d in LIB.all_demands():
        assert d.theme in LIB.themes


@pytest.fixture
def rules_copy(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), root)
    return root


def problems_of(root):
    with pytest.raises(RuleError) as exc:
        load_library(root)
    return exc.value.problems


def test_bad_rule_file_reports_every_problem_with_line(rules_copy):
    path = rules_copy / "tot-2025" / "01.toml"
    text = path.read_text()
    text = text.replace('theme = "civilian-detainees"', 'theme = "Civilian Detainees"')
    text = text.replace('code = "traded"', 'code = "swapped"')
    text = text.replace('status = "met"\n', 'status = "done"\n', 1)
    path.write_text(text)
    problems = problems_of(rules_copy)
    lines = text.splitlines()
    theme_line = next(i for i, l in enumerate(lines, 1) if l.startswith("theme ="))
    assert f"{path}:{theme_line}: theme: String does not match expected pattern" in problems
    code_line = next(i for i, l in enumerate(lines, 1) if 'code = "swapped"' in l)
    assert f"{path}:{code_line}: match.narrow[5].code: Must be one of: scope, traded, conditional, weak" in problems
    status_line = next(i for i, l in enumerate(lines, 1) if 'status = "done"' in l)
    assert f"{path}:{status_line}: example[1].status: Must be one of: met, partial, absent, contradicted" in problems
    assert len([p for p in problems if str(path) in p]) == 3


def test_unknown_concept_and_missing_field(rules_copy):
    path = rules_copy / "tot-2025" / "02.toml"
    text = path.read_text().replace('exclude = ["amnesty"]', 'exclude = ["amnestyy"]')
    text = text.replace('title = "End of persecution and detention of residents as intimidation"\n', "")
    path.write_text(text)
    problems = problems_of(rules_copy)
    assert f"{path}:1: title: missing (required)" in problems
    # with a required field missing the file is not checked further; fix it and check concepts
    path.write_text(text.replace('id = "tot-2025/2"', 'id = "tot-2025/2"\ntitle = "End of persecution"'))
    problems = problems_of(rules_copy)
    line = next(i for i, l in enumerate(path.read_text().splitlines(), 1) if l.startswith("exclude ="))
    assert problems == [f"{path}:{line}: match.exclude: unknown concept 'amnestyy' "
                        f"(define it in rules/concepts.toml or under [concepts.amnestyy])"]


def test_an_anaphor_must_name_a_shared_concept(rules_copy):
    path = rules_copy / "concepts.d" / "justice.toml"
    text = path.read_text().replace('anaphor = "icc_court_anaphor"', 'anaphor = "icc_court_anaphr"')
    path.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("anaphor ="))
    assert problems_of(rules_copy) == [
        f"{path}:{line}: icc_court.anaphor: unknown concept 'icc_court_anaphr' "
        f"(define it as a shared concept in rules/concepts.toml or rules/concepts.d)"]


def test_id_must_match_file(rules_copy):
    path = rules_copy / "tot-2025" / "03.toml"
    path.write_text(path.read_text().replace('id = "tot-2025/3"', 'id = "tot-2025/33"'))
    assert problems_of(rules_copy) == [f"{path}:1: id: 'tot-2025/33' does not match the file; expected 'tot-2025/3'"]


def test_toml_syntax_error_has_line(rules_copy):
    path = rules_copy / "tot-2025" / "04.toml"
    path.write_text(path.read_text() + "\nthis is = = not toml\n")
    (problem,) = problems_of(rules_copy)
    assert problem.startswith(f"{path}:")
    assert ": toml: " in problem


def test_unknown_rule_set_message():
    with pytest.raises(RuleError) as exc:
        LIB.get("nope")
    assert str(exc.value).startswith("Unknown rule set 'nope': choose one of ")


def test_missing_rules_folder(tmp_path):
    with pytest.raises(RuleError) as exc:
        load_library(tmp_path / "none")
    assert str(exc.value) == (f"Rules folder {tmp_path / 'none'} not found: set CHECKLIST_RULES to the "
                              f"folder that holds the rule sets.")


def test_related_must_name_a_known_demand(rules_copy):
    path = rules_copy / "tot-2025" / "01.toml"
    text = path.read_text().replace('related = ["amnesty-eu-2026/4a"]', 'related = ["amnesty-eu-2026/4a", "tot-2025/99"]')
    path.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("related ="))
    assert problems_of(rules_copy) == [f'{path}:{line}: related: unknown demand "tot-2025/99"']


def test_every_related_demand_is_known():
    ids = {d.id for d in LIB.all_demands()}
    for d in LIB.all_demands():
        assert set(d.related) <= ids, d.id
