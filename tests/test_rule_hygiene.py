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
