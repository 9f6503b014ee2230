"""The command line through click's runner: output shapes, errors as one line with exit code 2."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checklist import __version__
from checklist.cli import main

DRAFTS = Path(__file__).parent / "data" / "drafts"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture
def run():
    runner = CliRunner()

    def go(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return go


def test_version(run):
    r = run("--version")
    assert r.exit_code == 0 and r.output == f"checklist, version {__version__}\n"


def test_every_command_has_help_with_an_example(run):
    for cmd in (["provisions"], ["assess"], ["compare"], ["rules", "list"], ["rules", "show"], ["rules", "test"],
                ["rules", "coverage"], ["eval"], ["demo"], ["serve"]):
        r = run(*cmd, "--help")
        assert r.exit_code == 0
        assert "Example: checklist" in r.output, cmd


def test_readme_mentions_every_command():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for cmd in ("checklist provisions", "checklist assess", "checklist rules list", "checklist rules show",
                "checklist rules test", "checklist rules coverage", "checklist compare", "checklist eval",
                "checklist demo", "checklist serve"):
        assert cmd in readme, cmd


def test_provisions_text(run):
    r = run("provisions", str(DRAFTS / "met-release-and-return.txt"))
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].startswith("met-release-and-return.txt: ")
    assert any(l.startswith("  1(a) (in 1) [numbered]: (a) all civilians deprived") for l in lines)


def test_provisions_json(run):
    r = run("provisions", str(DRAFTS / "met-release-and-return.txt"), "--format", "json")
    data = json.loads(r.output)
    assert [p["ref"] for p in data["provisions"]] == ["preamble", "1", "1(a)", "1(b)", "2", "3"]
    assert data["document"]["language"] == "en"


def test_assess_json_shape(run):
    r = run("assess", str(DRAFTS / "met-release-and-return.txt"), "--rules", "tot-2025")
    a = json.loads(r.output)
    assert a["schema"] == "checklist.assessment/1"
    assert set(a) >= {"document", "rule_sets", "results", "summary"}
    assert set(a["document"]) >= {"name", "sha256", "characters", "provisions"}
    assert [x["demand"] for x in a["results"]] == [f"tot-2025/{n}" for n in range(1, 11)]
    assert set(a["results"][0]) >= {"demand", "rule_set", "number", "title", "status", "reasons", "evidence"}
    assert set(a["summary"]) == {"met", "partial", "absent", "contradicted"}
    assert r.output == json.dumps(a, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def test_assess_writes_file(run, tmp_path):
    out = tmp_path / "r.md"
    r = run("assess", str(DRAFTS / "silent.txt"), "--rules", "tot-2025", "--format", "md", "-o", str(out))
    assert r.exit_code == 0
    assert out.read_text().startswith("# ")


@pytest.mark.parametrize("args,message", [
    (["assess", "nope.txt"], "Error: nope.txt: cannot read the file (No such file or directory); check the path.\n"),
    (["assess", str(DRAFTS / "silent.txt"), "--rules", "nope"], None),
    (["assess", str(DRAFTS / "silent.txt"), "--format", "docx"], None),
    (["rules", "show", "tot-2025/99"], "Error: Unknown demand 'tot-2025/99': run `checklist rules list` to see the demand IDs.\n"),
])
def test_errors_are_one_line_exit_2(run, args, message):
    runner = CliRunner()
    r = runner.invoke(main, args)
    assert r.exit_code == 2
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    if message:
        assert r.output == message


def test_empty_file_is_refused(run, tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    r = CliRunner().invoke(main, ["assess", str(p)])
    assert r.exit_code == 2 and r.output.startswith("Error: empty.txt: ")


def test_rules_list_and_show(run):
    r = run("rules", "list")
    assert "tot-2025 (version" in r.output and "tot-2025/10" in r.output
    r = run("rules", "show", "tot-2025/1")
    assert r.output.startswith("tot-2025/1: Release of all arbitrarily detained civilians\n")
    assert "examples:" in r.output


def test_rules_test_passes(run):
    r = CliRunner().invoke(main, ["rules", "test", "tot-2025"])
    assert r.exit_code == 0
    assert r.output.splitlines()[-1].startswith(f"{69} passed, 0 failed") or " passed, 0 failed" in r.output


def test_demo_writes_reports(run, tmp_path):
    r = run("demo", "--out", str(tmp_path))
    assert r.exit_code == 0
    assert (tmp_path / "draft-ceasefire-memorandum.json").exists()
    assert "Reports:" in r.output


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the development corpus (../shared/corpus) is not beside the repo")
@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else [], ids=lambda p: p.name)
def test_assess_every_corpus_text(run, path):
    r = run("assess", str(path))
    a = json.loads(r.output)
    assert a["document"]["name"] == path.name
    assert sum(a["summary"].values()) + sum(a["summary_asks_to_states"].values()) == len(a["results"])


def test_commands_tune_the_cycle_collector(run):
    import gc

    from checklist.runtime import GC_THRESHOLDS
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        run("rules", "list")
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
