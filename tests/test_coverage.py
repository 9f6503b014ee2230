"""Every demand of the codebook has a rule (`checklist rules coverage`)."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from checklist.cli import main
from checklist.rules import bundled_library, coverage

CODEBOOK = Path(__file__).resolve().parents[2] / "shared" / "gold" / "CODEBOOK.md"


def codebook_ids(text: str) -> list[str]:
    """Demand IDs from the codebook's '### <set>' sections: numbered lines, or their lettered
    sub-points where a demand has them (the parent number is then only a heading)."""
    ids, current = [], None
    for line in text.splitlines():
        m = re.match(r"^### `?([a-z0-9-]+)`?\s*$", line)
        if m:
            current = m.group(1)
            continue
        if line.startswith("## "):
            current = None
        m = re.match(r"^(\d+)\.\s", line)
        if current and m:
            subs = re.findall(r"(?<![\w/])(%s[a-z])\s" % m.group(1), line)
            ids += [f"{current}/{s}" for s in subs] or [f"{current}/{m.group(1)}"]
    return ids


@pytest.mark.skipif(not CODEBOOK.exists(), reason="../shared/gold/CODEBOOK.md is not beside the repo")
def test_every_codebook_demand_has_a_rule():
    ids = codebook_ids(CODEBOOK.read_text(encoding="utf-8"))
    assert len(ids) == 46          # the codebook says: 10 + 15 + 12 + 6 + 3
    encoded = {d.id for d in bundled_library().all_demands()}
    missing = [i for i in ids if i not in encoded]
    assert not missing, f"demands of the codebook without a rule: {missing}"


def test_coverage_rows_name_the_rule_file():
    rows = coverage(bundled_library())
    tot = [r for r in rows if r["rule_set"] == "tot-2025"]
    assert [r["number"] for r in tot] == [str(n) for n in range(1, 11)]
    assert all(r["rule"] and r["rule"].endswith(".toml") for r in tot)


def test_coverage_command_exits_0_when_complete():
    r = CliRunner().invoke(main, ["rules", "coverage"])
    assert r.output.splitlines()[-1].endswith(" missing")
    assert (r.exit_code == 0) == r.output.splitlines()[-1].endswith(" 0 missing")
