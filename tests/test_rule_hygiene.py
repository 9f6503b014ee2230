"""Rules describe language, never a particular document: no rule example or term repeats a
run of eight or more words from a development corpus text or a gold note (runs that are the
seed demands' own words are allowed: rules may quote the demand they encode)."""
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RUN = 8


def ngrams(text: str, n: int = RUN) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def strings(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)
    elif isinstance(node, str):
        yield node


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="the development corpus (../shared) is not beside the repo")
def test_no_rule_repeats_corpus_or_gold_wording():
    sources = set()
    for p in list((SHARED / "corpus").glob("*.txt")) + list((SHARED / "gold").glob("*.toml")):
        sources |= ngrams(p.read_text(encoding="utf-8"))
    seeds = set()
    for p in (SHARED / "seeds").glob("*.txt"):
        seeds |= ngrams(p.read_text(encoding="utf-8"))
    sources -= seeds
    offenders = []
    for path in sorted((ROOT / "rules").rglob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if "concepts" in path.name or path.parent.name == "concepts.d":
            matching = data                  # every term of a concepts file
        else:
            matching = {"example": [e.get("text", "") for e in data.get("example", [])],
                        "concepts": data.get("concepts", {}), "match": data.get("match", {})}
        for s in strings(matching):
            shared = ngrams(s) & sources
            if shared:
                offenders.append(f"{path.relative_to(ROOT)}: '{sorted(shared)[0]}'")
    assert not offenders, "rule text repeats corpus or gold wording:\n" + "\n".join(offenders)


# ---------------------------------------------------------------- every concept in three languages

from checklist.rules import bundled_library, language_gaps, load_library  # noqa: E402


def test_every_used_concept_has_ukrainian_and_russian_terms():
    """A concept a demand's topic, elements, narrowing qualifiers or contradictions rest on, and
    each shared qualifier the engine applies, has uk and ru terms (or says why not)."""
    gaps = language_gaps(bundled_library())
    assert not gaps, "concepts without Ukrainian or Russian terms:\n" + "\n".join(gaps)


def _rules_copy(tmp_path):
    import shutil
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    return root


def test_a_concept_without_russian_terms_is_named_with_its_file(tmp_path):
    root = _rules_copy(tmp_path)
    path = root / "tot-2025" / "03.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[concepts.passage]")
    block_end = text.index("\n[", start + 1) if "\n[" in text[start + 1:] else len(text)
    block = text[start:block_end]
    lines = [l for l in block.split("\n") if not l.startswith("ru =")]
    path.write_text(text[:start] + "\n".join(lines) + text[block_end:], encoding="utf-8")
    gaps = language_gaps(load_library(root))
    assert gaps == [f"{path}: concept 'passage': no ru terms (used by tot-2025/3); add them, "
                    f'or say why not with exempt_languages = "..."']
    # an explicit exemption with its reason silences it
    text = path.read_text(encoding="utf-8").replace(
        "[concepts.passage]\n", '[concepts.passage]\nexempt_languages = "a test: the Russian terms are elsewhere"\n')
    path.write_text(text, encoding="utf-8")
    assert language_gaps(load_library(root)) == []


def test_a_shared_qualifier_without_ukrainian_terms_is_named(tmp_path):
    root = _rules_copy(tmp_path)
    path = root / "concepts.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[negator]")
    end = text.index("\n[", start + 1)
    block = "\n".join(l for l in text[start:end].split("\n") if not l.startswith("uk ="))
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    gaps = language_gaps(load_library(root))
    assert gaps == [f"{path}: concept 'negator': no uk terms (a shared qualifier); add them, "
                    f'or say why not with exempt_languages = "..."']
