"""The term syntax (checklist.terms) and its errors in rule files."""
from __future__ import annotations

import shutil

import pytest

from checklist.errors import RuleError
from checklist.rules import default_rules_dir, load_library
from checklist.terms import MAX_VARIANTS, expand


def test_alternation_optional_and_gaps_expand():
    assert expand("(shall|will) remain in (detention|custody)") == (
        ("shall", "remain", "in", "detention"), ("shall", "remain", "in", "custody"),
        ("will", "remain", "in", "detention"), ("will", "remain", "in", "custody"))
    assert expand("exchange [_] prisoners") == (("exchange", "prisoners"), ("exchange", "_", "prisoners"))
    assert expand("release ~2 civilians") == (("release", "civilians"), ("release", "_", "civilians"),
                                               ("release", "_", "_", "civilians"))
    assert expand("entry-exit point*") == (("entry", "exit", "point*"),)
    assert expand("(one|two words) here") == (("one", "here"), ("two", "words", "here"))


@pytest.mark.parametrize("term,problem", [
    ("(a|b", "'(' is not closed"), ("a)", "')' without its opening bracket"),
    ("x ~9 y", "a gap is ~1 to ~5"), ("_ x", "cannot start or end with _"),
    ("[a]", "can stand for no word at all"), ("a (|b)", "an empty alternative"),
    ("a? b", "is not a word"), ("", "an empty term"),
])
def test_bad_terms_say_what_is_wrong(term, problem):
    with pytest.raises(ValueError, match=problem.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        expand(term)


def test_too_many_variants_is_an_error():
    term = " ".join(["(a|b)"] * 11)            # 2**11 > MAX_VARIANTS
    assert 2 ** 11 > MAX_VARIANTS
    with pytest.raises(ValueError, match="more than"):
        expand(term)


def test_a_bad_term_in_a_rule_file_names_file_line_and_concept(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), root)
    path = root / "concepts.d" / "clauses.toml"
    text = path.read_text(encoding="utf-8").replace('"=only", "solely"', '"=only", "solely ~9 x"')
    path.write_text(text, encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "solely ~9 x" in ln)
    with pytest.raises(RuleError) as exc:
        load_library(root)
    assert f'{path}:{line}: restrictive.en[2]: term "solely ~9 x": \'~9\': a gap is ~1 to ~5' in str(exc.value)
