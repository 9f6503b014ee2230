"""The validated rule library is cached between processes (checklist.rulecache), invalidated
when a rule file or the code changes, never in the way when the cache is unusable; and a
user's own rule sets load beside the bundled ones (CHECKLIST_RULES_EXTRA, --rules-dir)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checklist import resources, rulecache, rules
from checklist.cli import main
from checklist.errors import RuleError
from checklist.library import Library

DRAFTS = Path(__file__).parent / "data" / "drafts"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CHECKLIST_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def rules_copy(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(resources.rules_dir(), root)
    return root


def cached_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("library-*.pickle"))


def no_validation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the rule files were validated again")
    monkeypatch.setattr(rules, "load_library_with", refuse)


def test_written_once_then_reused_without_validating(cache, rules_copy, monkeypatch):
    first = rulecache.load_library_cached(rules_copy)
    (path,) = cached_files(cache)
    assert path.name == f"library-{rulecache.cache_key([rules_copy])}.pickle"
    assert not list(cache.glob("*.tmp")) and not list(cache.glob(".library-*"))
    no_validation(monkeypatch)
    again = rulecache.load_library_cached(rules_copy)
    assert isinstance(again, Library) and again is not first
    assert sorted(again.rule_sets) == sorted(first.rule_sets)
    assert again.get("tot-2025").demands == first.get("tot-2025").demands


def test_a_changed_rule_file_invalidates_the_cache(cache, rules_copy):
    rulecache.load_library_cached(rules_copy)
    before = rulecache.cache_key([rules_copy])
    path = rules_copy / "tot-2025" / "01.toml"
    path.write_text(path.read_text().replace('title = "Release of all arbitrarily detained civilians"',
                                             'title = "Release of every civilian detained"'))
    assert rulecache.cache_key([rules_copy]) != before
    lib = rulecache.load_library_cached(rules_copy)
    assert lib.demand("tot-2025/1").title == "Release of every civilian detained"
    assert len(cached_files(cache)) == 2


def test_a_new_rule_file_or_changed_code_changes_the_key(rules_copy, monkeypatch):
    before = rulecache.cache_key([rules_copy])
    (rules_copy / "concepts.d" / "more.toml").write_text("[extra_words]\nen = ['extra']\n")
    after = rulecache.cache_key([rules_copy])
    assert after != before
    real = resources.source_bytes
    monkeypatch.setattr(resources, "source_bytes",
                        lambda m: real(m) + (b"# changed" if m == "engine.py" else b""))
    assert rulecache.cache_key([rules_copy]) not in (before, after)


def test_a_broken_library_is_never_cached(cache, rules_copy):
    path = rules_copy / "tot-2025" / "03.toml"
    path.write_text(path.read_text().replace('id = "tot-2025/3"', 'id = "tot-2025/33"'))
    with pytest.raises(RuleError):
        rulecache.load_library_cached(rules_copy)
    assert cached_files(cache) == []


def test_an_unreadable_cache_file_is_replaced(cache, rules_copy):
    rulecache.load_library_cached(rules_copy)
    (path,) = cached_files(cache)
    path.write_bytes(b"not a pickle")
    lib = rulecache.load_library_cached(rules_copy)
    assert "tot-2025" in lib.rule_sets
    assert rulecache._cache_read(path) is not None           # rewritten, readable again


def test_a_cache_folder_that_cannot_be_written_means_no_cache(tmp_path, rules_copy, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("CHECKLIST_CACHE_DIR", str(blocker / "cache"))
    assert "tot-2025" in rulecache.load_library_cached(rules_copy).rule_sets
    assert blocker.read_text() == ""


def test_cache_folder_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKLIST_CACHE_DIR", "off")
    assert rulecache.cache_dir() is None
    monkeypatch.setenv("CHECKLIST_CACHE_DIR", str(tmp_path / "c"))
    assert rulecache.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("CHECKLIST_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert rulecache.cache_dir() == tmp_path / "xdg" / "checklist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert rulecache.cache_dir() == tmp_path / "home" / ".cache" / "checklist"


def test_off_writes_nothing(tmp_path, rules_copy, monkeypatch):
    monkeypatch.setenv("CHECKLIST_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert "tot-2025" in rulecache.load_library_cached(rules_copy).rule_sets
    assert not (tmp_path / "xdg").exists()


# ---------------------------------------------------------------- a user's own rule sets


@pytest.fixture
def own_sets(tmp_path):
    """A folder holding one rule set of an NGO's own, ``ngo-2026`` (made from tot-2025)."""
    folder = tmp_path / "own"
    target = folder / "ngo-2026"
    shutil.copytree(resources.rules_dir() / "tot-2025", target)
    for path in target.glob("*.toml"):
        path.write_text(path.read_text().replace("tot-2025", "ngo-2026"))
    return folder


def test_extra_folder_of_sets_and_single_set(cache, own_sets):
    bundled = rules.load_library()
    for extra in (own_sets, own_sets / "ngo-2026"):
        lib = rules.load_library_with(None, [extra])
        assert sorted(lib.rule_sets) == sorted([*bundled.rule_sets, "ngo-2026"])
        assert len(lib.get("ngo-2026").demands) == len(bundled.get("tot-2025").demands)


def test_extra_sets_through_the_environment_and_the_option(cache, own_sets, monkeypatch):
    monkeypatch.setenv("CHECKLIST_RULES_EXTRA", str(own_sets))
    r = CliRunner().invoke(main, ["rules", "list"])
    assert r.exit_code == 0 and "ngo-2026 (version" in r.output
    monkeypatch.delenv("CHECKLIST_RULES_EXTRA")
    r = CliRunner().invoke(main, ["assess", str(DRAFTS / "silent.txt"), "--rules", "ngo-2026",
                                  "--rules-dir", str(own_sets)])
    assert r.exit_code == 0, r.output
    assert '"demand": "ngo-2026/1"' in r.stdout
    r = CliRunner().invoke(main, ["rules", "test", "ngo-2026", "--rules-dir", str(own_sets)])
    assert r.exit_code == 0 and " passed, 0 failed" in r.output


def test_extra_set_with_a_bundled_id_is_refused(cache, tmp_path):
    extra = tmp_path / "mine"
    shutil.copytree(resources.rules_dir() / "tot-2025", extra / "tot-2025")
    r = CliRunner().invoke(main, ["rules", "list", "--rules-dir", str(extra)])
    assert r.exit_code == 2
    assert r.output == (f"Error: Invalid rule file: {extra / 'tot-2025' / 'ruleset.toml'}:1: id: rule set "
                        f"'tot-2025' is already defined in {resources.rules_dir() / 'tot-2025'}; give yours "
                        f"another id and folder name. Fix it, or leave its folder out of --rules-dir and "
                        f"CHECKLIST_RULES_EXTRA.\n")


def test_an_invalid_extra_set_is_one_line_and_rules_test_lists_every_problem(cache, own_sets):
    path = own_sets / "ngo-2026" / "01.toml"
    path.write_text(path.read_text().replace('code = "traded"', 'code = "swapped"')
                    .replace('status = "met"\n', 'status = "done"\n', 1))
    r = CliRunner().invoke(main, ["assess", str(DRAFTS / "silent.txt"), "--rules-dir", str(own_sets)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    (line,) = r.output.splitlines()
    assert line.startswith(f"Error: Invalid rule file: {path}:")
    assert line.endswith(" (and 1 more: `checklist rules test` lists them all). Fix it, or leave its folder "
                         "out of --rules-dir and CHECKLIST_RULES_EXTRA.")
    r = CliRunner().invoke(main, ["rules", "test", "--rules-dir", str(own_sets)])
    assert r.exit_code == 2
    lines = r.output.splitlines()
    assert len(lines) == 3 and all(x.startswith(f"{path}:") for x in lines[:2])
    assert lines[2] == ("Error: 2 problem(s) in the rule files, listed above: fix them, or leave that folder "
                        "out of --rules-dir and CHECKLIST_RULES_EXTRA.")


def test_missing_extra_folder(cache, tmp_path):
    r = CliRunner().invoke(main, ["rules", "list", "--rules-dir", str(tmp_path / "nope")])
    assert r.exit_code == 2
    assert r.output == (f"Error: Rule folder {tmp_path / 'nope'} not found: check the folder given to "
                        f"--rules-dir or CHECKLIST_RULES_EXTRA.\n")


def test_extra_folder_without_a_rule_set(cache, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuleError) as exc:
        rules.load_library_with(None, [tmp_path / "empty"])
    assert exc.value.problems == [f"{tmp_path / 'empty'}: no rule set here; a rule-set folder holds a "
                                  f"ruleset.toml and one TOML file a demand (see the README, \"Writing a rule\")"]


def test_library_cached_with_its_extra_folder(cache, own_sets, monkeypatch):
    rulecache.load_library_cached(None, [own_sets])
    no_validation(monkeypatch)
    assert "ngo-2026" in rulecache.load_library_cached(None, [own_sets]).rule_sets
    assert os.path.isdir(cache)


def test_the_cache_keeps_compiled_terms(cache, rules_copy):
    """What a cached library carries to the next process (so that compiling the rules parses no
    term and loads no dictionary), and that it reads a draft exactly as a library loaded afresh
    does."""
    from checklist.assessment import assess
    from checklist.documents import document_from_text
    from checklist.engine import concept_terms

    fresh = rulecache.load_library_cached(rules_copy)
    cached = rulecache.load_library_cached(rules_copy)
    some = next(iter(cached.concepts.values()))
    assert concept_terms(some) in cached.compiled
    text = ("Стаття 4. Сторони негайно звільняють усіх цивільних осіб, затриманих у зв'язку з конфліктом.\n"
            "Article 5. No resident shall be required to obtain a Russian passport.\n")
    doc = document_from_text(text, "t")
    a = {r["demand"]: r["status"] for r in assess(doc, fresh.select(), fresh)["results"]}
    b = {r["demand"]: r["status"] for r in assess(doc, cached.select(), cached)["results"]}
    assert a == b and a["tot-2025/1"] == "met"
