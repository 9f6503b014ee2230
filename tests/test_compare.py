"""Comparing two versions of a draft: statuses, provision matching across renumbering,
word-level diffs, the summary sentence, JSON shape, Markdown and HTML (escaping)."""
from __future__ import annotations

import json
import random
import re
import time

import pytest

from checklist.assessment import assess
from checklist.compare import (
    SCHEMA,
    compare,
    compare_assessments,
    match_provisions,
    provision_texts,
    render_html,
    render_markdown,
    summary_text,
    to_json,
    word_diff,
)
from checklist.documents import document_from_text
from checklist.provisions import split_provisions
from checklist.rules import bundled_library

# Synthetic drafts (not real texts). Under tot-2025 the base version has tot-2025/1 partial
# ("should endeavour"), tot-2025/7 met (point 5) and tot-2025/8 absent.
TITLE = "Draft Agreement on a Ceasefire and Humanitarian Measures\n\n"
PREAMBLE = "The Parties, recalling the suffering of the civilian population, have agreed as follows:\n\n"
CEASEFIRE = "A complete ceasefire shall take effect along the entire line of contact at 00:00 on the day after signature."
WEAPONS = "Heavy weapons shall be withdrawn to a distance of at least 15 kilometres from the line of contact."
RELEASE_WEAK = "The Parties should endeavour to release civilian detainees held in connection with the conflict."
RELEASE_FIRM = "The Parties shall release civilian detainees held in connection with the conflict."
ACCESS = ("The Parties shall ensure unimpeded access of the International Committee of the Red Cross and "
          "United Nations humanitarian agencies to all areas affected by the conflict.")
DEMINING = "The Parties shall clear mines and explosive remnants of war from settlements, roads and civilian infrastructure."
PASSPORT = "Residents who wish to remain in the territory must obtain a Russian passport within one year."
AMNESTY = "An amnesty shall be granted to all persons for acts committed during the conflict."
FORCE = "This Agreement shall enter into force on the date of its signature."


def review(point: int) -> str:
    return f"The Joint Commission shall review the implementation of point {point} every month."


def draft(*clauses: str, label: str = "{}.") -> str:
    return TITLE + PREAMBLE + "".join(f"{label.format(i)} {c}\n" for i, c in enumerate(clauses, 1))


BASE = draft(CEASEFIRE, WEAPONS, RELEASE_WEAK, ACCESS, DEMINING, review(3), FORCE)


@pytest.fixture(scope="module")
def tot():
    return [bundled_library().get("tot-2025")]


def run(old: str, new: str, rule_sets, old_name="draft-v1.txt", new_name="draft-v2.txt") -> dict:
    return compare(document_from_text(old, old_name), document_from_text(new, new_name), rule_sets=rule_sets)


def change_of(comparison: dict, demand: str) -> dict:
    return next(c for c in comparison["changes"] if c["demand"] == demand)


def moved(comparison: dict) -> list[dict]:
    return [c for c in comparison["changes"] if c["direction"] != "unchanged"]


# ---------------------------------------------------------------- demands


def test_should_strengthened_to_shall_improves(tot):
    new = draft(CEASEFIRE, WEAPONS, RELEASE_FIRM, ACCESS, DEMINING, review(3), FORCE)
    c = run(BASE, new, tot)
    ch = change_of(c, "tot-2025/1")
    assert (ch["old_status"], ch["new_status"], ch["direction"]) == ("partial", "met", "improved")
    assert [r["code"] for r in ch["old_reasons"]] == ["weak"] and ch["new_reasons"] == []
    [prov] = ch["provisions"]
    assert (prov["old_ref"], prov["new_ref"], prov["change"]) == ("3", "3", "modified")
    assert (prov["old_text"], prov["new_text"]) == (RELEASE_WEAK, RELEASE_FIRM)
    assert prov["diff"] == [
        {"op": "equal", "old": "The Parties", "new": "The Parties"},
        {"op": "replace", "old": "should endeavour to", "new": "shall"},
        {"op": "equal", "old": "release civilian detainees held in connection with the conflict.",
         "new": "release civilian detainees held in connection with the conflict."},
    ]
    assert moved(c) == [ch]
    assert c["summary"]["text"] == "1 demand improved: tot-2025/1 partial → met (point 3)."
    assert (c["summary"]["improved"], c["summary"]["regressed"]) == (1, 0)


def test_dropped_demand_regresses(tot):
    new = draft(CEASEFIRE, WEAPONS, RELEASE_WEAK, ACCESS, review(3), FORCE)
    c = run(BASE, new, tot)
    ch = change_of(c, "tot-2025/7")
    assert (ch["old_status"], ch["new_status"], ch["direction"]) == ("met", "absent", "regressed")
    assert [e["provision"] for e in ch["old_evidence"]] == ["5"] and ch["new_evidence"] == []
    assert ch["provisions"] == [{
        "old_ref": "5", "new_ref": None, "old_refs": ["5"], "new_refs": [], "old_text": DEMINING, "new_text": "", "change": "removed",
        "similarity": 0.0, "diff": [{"op": "delete", "old": DEMINING, "new": ""}]}]
    assert moved(c) == [ch]
    assert c["summary"]["text"] == "1 demand regressed: tot-2025/7 is now absent (was met; point 5 removed)."
    assert [(m["old_ref"], m["new_ref"], m["change"]) for m in c["provision_map"]][4:] == [
        ("4", "4", "unchanged"), ("5", None, "removed"), ("6", "5", "renumbered"), ("7", "6", "renumbered")]


RENUMBERED = [
    pytest.param(BASE, draft(CEASEFIRE, DEMINING, WEAPONS, RELEASE_WEAK, ACCESS, review(4), FORCE),
                 {"1": "1", "2": "3", "3": "4", "4": "5", "5": "2", "6": "6", "7": "7"}, id="reordered"),
    pytest.param(draft(CEASEFIRE, WEAPONS, RELEASE_WEAK, ACCESS, DEMINING, FORCE),
                 draft(WEAPONS, CEASEFIRE, DEMINING, RELEASE_WEAK, ACCESS, FORCE, label="Article {}."),
                 {"1": "Article 2", "2": "Article 1", "3": "Article 4", "4": "Article 5", "5": "Article 3",
                  "6": "Article 6"}, id="articles"),
]


@pytest.mark.parametrize("old,new,expected", RENUMBERED)
def test_renumbered_text_without_change_of_substance(tot, old, new, expected):
    c = run(old, new, tot)
    assert moved(c) == []
    assert c["summary"]["text"] == f"No demand changed status ({len(tot[0].demands)} unchanged)."
    mapping = {m["old_ref"]: m["new_ref"] for m in c["provision_map"] if m["old_ref"] != "preamble"}
    assert mapping == expected
    assert {m["change"] for m in c["provision_map"]} <= {"renumbered", "unchanged"}
    for ch in c["changes"]:
        assert {p["change"] for p in ch["provisions"]} <= {"renumbered", "unchanged"}
    demining = change_of(c, "tot-2025/7")["provisions"]
    assert [(p["old_ref"], p["new_ref"], p["change"]) for p in demining] == [("5", expected["5"], "renumbered")]


def test_cross_reference_that_follows_renumbering_is_not_a_change(tot):
    c = run(BASE, draft(CEASEFIRE, DEMINING, WEAPONS, RELEASE_WEAK, ACCESS, review(4), FORCE), tot)
    row = next(m for m in c["provision_map"] if m["old_ref"] == "6")
    assert (row["new_ref"], row["change"]) == ("6", "renumbered")


def test_a_changed_number_that_is_not_a_cross_reference_is_a_modification():
    old = draft(CEASEFIRE, "Heavy weapons shall be withdrawn within 5 days.", DEMINING, FORCE)
    new = draft(DEMINING, CEASEFIRE, "Heavy weapons shall be withdrawn within 3 days.", FORCE)
    rows = _map(old, new)
    assert ("2", "3", "modified") in rows
    assert ("3", "1", "renumbered") in rows


def test_amnesty_added_contradicts_a_justice_demand():
    library = bundled_library()
    if "amnesty-eu-2026" not in library.rule_sets:
        pytest.skip("rule set amnesty-eu-2026 is not in rules/ yet")
    rule_sets = [library.get("amnesty-eu-2026"), library.get("tot-2025")]
    new = draft(CEASEFIRE, WEAPONS, RELEASE_WEAK, ACCESS, DEMINING, review(3), AMNESTY, FORCE)
    c = run(BASE, new, rule_sets)
    regressed = moved(c)
    assert all(ch["demand"].startswith("amnesty-eu-2026/") and ch["direction"] == "regressed" for ch in regressed)
    contradicted = [ch for ch in regressed if ch["new_status"] == "contradicted"]
    assert contradicted, "adding an amnesty should contradict a justice demand"
    for ch in contradicted:
        assert [e["provision"] for e in ch["new_evidence"]] == ["7"]
        added = [p for p in ch["provisions"] if p["change"] == "added"]
        assert [(p["new_ref"], p["new_text"]) for p in added] == [("7", AMNESTY)]
        assert f"{ch['demand']} is now contradicted by point 7 (was {ch['old_status']})" in c["summary"]["text"]
    assert [m["change"] for m in c["provision_map"]][-2:] == ["added", "renumbered"]


# ---------------------------------------------------------------- summary sentence


def test_summary_names_regressions_first(tot):
    new = draft(CEASEFIRE, WEAPONS, RELEASE_FIRM, ACCESS, review(3), PASSPORT, FORCE)
    c = run(BASE, new, tot)
    assert c["summary"]["text"] == (
        "1 demand improved, 2 regressed: tot-2025/7 is now absent (was met; point 5 removed); "
        "tot-2025/8 is now contradicted by point 6 (was absent). "
        "Improved: tot-2025/1 partial → met (point 3).")
    assert {k: c["summary"][k] for k in ("improved", "regressed", "unchanged")} == {
        "improved": 1, "regressed": 2, "unchanged": len(tot[0].demands) - 3}


def _change(demand, old, new, direction, new_refs=(), removed=()):
    provisions = [{"old_ref": r, "new_ref": None, "change": "removed"} for r in removed]
    return {"demand": demand, "old_status": old, "new_status": new, "direction": direction,
            "new_evidence": [{"provision": r} for r in new_refs], "provisions": provisions}


def test_summary_sentence_forms():
    assert summary_text([
        _change("tot-2025/1", "absent", "met", "improved", ["5"]),
        _change("tot-2025/4", "partial", "met", "improved", ["7", "7(a)"]),
        _change("tot-2025/8", "absent", "contradicted", "regressed", ["14"]),
        _change("tot-2025/9", "partial", "partial", "unchanged", ["3"]),
    ]) == ("2 demands improved, 1 regressed: tot-2025/8 is now contradicted by point 14 (was absent). "
           "Improved: tot-2025/1 absent → met (point 5); tot-2025/4 partial → met (points 7 and 7(a)).")
    assert summary_text([
        _change("tot-2025/3", "met", "partial", "regressed", ["Article 4", "preamble"]),
        _change("tot-2025/5", "met", "absent", "regressed", removed=["2", "3"]),
    ]) == ("2 demands regressed: tot-2025/3 is now partial in Article 4 and the preamble (was met); "
           "tot-2025/5 is now absent (was met; points 2 and 3 removed).")
    assert summary_text([_change("tot-2025/1", "contradicted", "absent", "improved", removed=["8"])]) == \
        "1 demand improved: tot-2025/1 contradicted → absent (point 8 removed)."
    assert summary_text([_change("tot-2025/1", "met", "met", "unchanged")]) == "No demand changed status (1 unchanged)."
    assert summary_text([]) == "No demand was compared."


# ---------------------------------------------------------------- JSON


def test_json_shape(tot):
    c = run(BASE, draft(CEASEFIRE, WEAPONS, RELEASE_FIRM, ACCESS, DEMINING, review(3), FORCE), tot)
    text = to_json(c)
    assert text == json.dumps(c, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    data = json.loads(text)
    assert data == c
    assert set(data) == {"schema", "old", "new", "document_kind", "rule_sets", "changes", "not_compared",
                         "summary", "provision_map"}
    assert data["schema"] == SCHEMA == "checklist.comparison/1"
    assert set(data["old"]) == {"name", "sha256", "characters", "provisions", "language", "format"}
    assert (data["old"]["name"], data["new"]["name"]) == ("draft-v1.txt", "draft-v2.txt")
    assert data["rule_sets"] == [{"id": "tot-2025", "version": tot[0].version, "title": tot[0].title}]
    assert [ch["demand"] for ch in data["changes"]] == [d.id for d in tot[0].demands]
    for ch in data["changes"]:
        assert set(ch) == {"demand", "rule_set", "title", "section", "old_status", "new_status", "direction",
                           "old_review", "new_review", "old_reasons", "new_reasons", "old_evidence",
                           "new_evidence", "provisions"}
        assert ch["old_review"] is None and ch["new_review"] is None
        for p in ch["provisions"]:
            assert set(p) == {"old_ref", "new_ref", "old_refs", "new_refs", "old_text", "new_text", "change",
                              "similarity", "diff"}
            assert all(set(op) == {"op", "old", "new"} for op in p["diff"])
    assert set(data["summary"]) == {"improved", "regressed", "unchanged", "text", "asks_to_states"}
    assert data["provision_map"][0] == {"old_ref": "preamble", "new_ref": "preamble", "old_refs": ["preamble"],
                                        "new_refs": ["preamble"], "change": "unchanged", "similarity": 1.0}
    assert data["not_compared"] == []


def test_compare_assessments_matches_compare(tot):
    old_doc = document_from_text(BASE, "v1")
    new_doc = document_from_text(draft(CEASEFIRE, WEAPONS, RELEASE_FIRM, ACCESS, review(3), FORCE), "v2")
    stored_old = json.loads(json.dumps(assess(old_doc, tot)))
    stored_new = json.loads(json.dumps(assess(new_doc, tot)))
    assert compare_assessments(stored_old, old_doc, stored_new, new_doc) == compare(old_doc, new_doc, tot)


def test_compare_assessments_refuses_the_wrong_document(tot):
    old_doc = document_from_text(BASE, "v1")
    other = document_from_text(BASE + "8. Final clause.\n", "v2")
    with pytest.raises(ValueError) as info:
        compare_assessments(assess(other, tot), old_doc, assess(other, tot), other)
    assert str(info.value) == (f"The old assessment was made from a text of {len(other.text):,} characters, "
                               f"but the old document has {len(old_doc.text):,}: pass the document the "
                               "assessment was made from.")


def test_demands_in_one_assessment_only_are_listed_as_not_compared(tot):
    doc = document_from_text(BASE, "v1")
    old, new = assess(doc, tot), assess(doc, tot)
    old["results"] = old["results"][1:]
    c = compare_assessments(old, doc, new, doc)
    assert c["not_compared"] == [{"demand": "tot-2025/1", "title": tot[0].demands[0].title, "only_in": "new"}]
    assert "tot-2025/1" not in [ch["demand"] for ch in c["changes"]]


# ---------------------------------------------------------------- Markdown and HTML


def test_markdown_marks_deleted_and_inserted_words(tot):
    c = run(BASE, draft(CEASEFIRE, WEAPONS, RELEASE_FIRM, ACCESS, review(3), FORCE), tot)
    md = render_markdown(c)
    assert md.startswith("# Changes between draft-v1.txt and draft-v2.txt\n")
    assert "## Regressed" in md and md.index("## Regressed") < md.index("## Improved")
    assert "- old: The Parties ~~should endeavour to~~ release civilian detainees" in md
    assert "- new: The Parties **shall** release civilian detainees" in md
    assert "**Point 5 (removed)**" in md


SCRIPT = '<script>alert("x")</script>'


def test_html_escapes_every_string(tot):
    old = draft(CEASEFIRE, WEAPONS, f"{RELEASE_WEAK} {SCRIPT}", FORCE)
    new = draft(CEASEFIRE, WEAPONS, f"{RELEASE_FIRM} {SCRIPT} <b>bold</b>", FORCE)
    c = run(old, new, tot, old_name="<i>v1</i>.txt", new_name="v2 & final.txt")
    assert change_of(c, "tot-2025/1")["direction"] == "improved"
    page = render_html(c)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "&lt;i&gt;v1&lt;/i&gt;.txt" in page and "v2 &amp; final.txt" in page
    assert "<del>should endeavour to</del>" in page and "<ins>shall</ins>" in page
    assert not re.search(r"<link|\bsrc=|\bhref=|@import|url\(", page)      # inline CSS, nothing fetched
    md = render_markdown(c)
    assert r"\<script\>" in md and not re.search(r"(?<!\\)<", md)     # CommonMark shows "\<" as "<"


def test_html_fragment_for_embedding(tot):
    c = run(BASE, draft(CEASEFIRE, WEAPONS, RELEASE_FIRM, ACCESS, DEMINING, review(3), FORCE), tot)
    fragment = render_html(c, standalone=False)
    assert fragment.startswith('<section class="comparison">')
    assert "<html" not in fragment and "<style" not in fragment
    assert fragment.rstrip().endswith("</section>")


# ---------------------------------------------------------------- matching


def _map(old: str, new: str) -> list[tuple]:
    a, b = provision_texts(old, split_provisions(old)), provision_texts(new, split_provisions(new))
    return [(None if p.old is None else a[p.old].ref, None if p.new is None else b[p.new].ref, p.change)
            for p in match_provisions(a, b)]


def test_word_diff_ops():
    assert word_diff("a b c d".split(), "a x c d e".split()) == [
        {"op": "equal", "old": "a", "new": "a"}, {"op": "replace", "old": "b", "new": "x"},
        {"op": "equal", "old": "c d", "new": "c d"}, {"op": "insert", "old": "", "new": "e"}]
    assert word_diff((), ()) == []


def test_dissimilar_provisions_are_removed_and_added_not_matched():
    rows = _map(draft(CEASEFIRE, DEMINING), draft(CEASEFIRE, PASSPORT))
    assert rows == [("preamble", "preamble", "unchanged"), ("1", "1", "unchanged"),
                    ("2", None, "removed"), (None, "2", "added")]


RELEASE_BOTH = ("The Parties shall release all detained civilians and exchange all prisoners of war "
                "within 30 days of the signature of this Agreement.")
RELEASE_CIVILIANS = "The Parties shall release all detained civilians within 30 days of the signature of this Agreement."
EXCHANGE_POWS = "The Parties shall exchange all prisoners of war within 30 days of the signature of this Agreement."


def _rows(old: str, new: str) -> list[tuple]:
    a, b = provision_texts(old, split_provisions(old)), provision_texts(new, split_provisions(new))
    return [([a[i].ref for i in p.olds], [b[j].ref for j in p.news], p.change) for p in match_provisions(a, b)]


def test_a_provision_split_in_two_is_one_row():
    rows = _rows(draft(CEASEFIRE, RELEASE_BOTH, DEMINING),
                 draft(CEASEFIRE, RELEASE_CIVILIANS, EXCHANGE_POWS, DEMINING))
    assert rows == [(["preamble"], ["preamble"], "unchanged"), (["1"], ["1"], "unchanged"),
                    (["2"], ["2", "3"], "split"), (["3"], ["4"], "renumbered")]


def test_two_provisions_merged_into_one_are_one_row():
    rows = _rows(draft(CEASEFIRE, RELEASE_CIVILIANS, EXCHANGE_POWS, DEMINING),
                 draft(CEASEFIRE, RELEASE_BOTH, DEMINING))
    assert rows == [(["preamble"], ["preamble"], "unchanged"), (["1"], ["1"], "unchanged"),
                    (["2", "3"], ["2"], "merged"), (["4"], ["3"], "renumbered")]


def test_new_provisions_that_do_not_make_up_the_old_one_are_not_a_split():
    rows = _rows(draft(CEASEFIRE, RELEASE_BOTH, DEMINING), draft(CEASEFIRE, PASSPORT, AMNESTY, DEMINING))
    assert (["2"], [], "removed") in rows
    assert ([], ["2"], "added") in rows and ([], ["3"], "added") in rows


def test_split_shows_in_the_comparison_and_its_reports(tot):
    c = run(draft(CEASEFIRE, RELEASE_BOTH, DEMINING), draft(CEASEFIRE, RELEASE_CIVILIANS, EXCHANGE_POWS, DEMINING), tot)
    split = {"old_ref": "2", "new_ref": "2", "old_refs": ["2"], "new_refs": ["2", "3"], "change": "split"}
    assert any(split.items() <= m.items() for m in c["provision_map"])
    rows = [p for ch in c["changes"] for p in ch["provisions"] if p["change"] == "split"]
    assert rows, "a demand resting on the split provision shows the split"
    assert rows[0]["new_text"] == f"{RELEASE_CIVILIANS} {EXCHANGE_POWS}"
    assert {"op": "insert", "old": "", "new": "within 30 days of the signature of this Agreement. The Parties shall exchange all prisoners of war"} in rows[0]["diff"] or rows[0]["diff"]
    assert "Points 2 and 3" in render_html(c) or "points 2 and 3" in render_html(c)
    assert "Point 2 → points 2 and 3 (split)" in render_markdown(c)


def test_matching_1000_provisions_is_fast_and_follows_renumbering():
    rng = random.Random(20260101)
    vocabulary = [f"term{i}" for i in range(2000)] + "the parties shall release all civilians".split()
    clauses = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(12, 40))) for _ in range(1000)]
    edited = list(clauses)
    for k in range(0, 1000, 10):                      # every tenth clause gets a word changed
        words = edited[k].split()
        words[len(words) // 2] = "amended"
        edited[k] = " ".join(words)
    del edited[500]
    old = draft(*clauses)
    new = draft("An inserted clause about prisoners of war.", *edited)
    a, b = provision_texts(old, split_provisions(old)), provision_texts(new, split_provisions(new))
    started = time.perf_counter()
    pairs = match_provisions(a, b)
    elapsed = time.perf_counter() - started
    rows = {(None if p.old is None else a[p.old].ref): (None if p.new is None else b[p.new].ref, p.change)
            for p in pairs}
    assert rows["1"] == ("2", "modified")
    assert rows["2"] == ("3", "renumbered")
    assert rows["501"] == (None, "removed")
    assert rows["502"] == ("502", "unchanged")
    assert rows[None] == ("1", "added")
    assert sum(p.change == "modified" for p in pairs) == 99       # 100 edited, one of them deleted
    assert elapsed < 3, f"matching took {elapsed:.2f} s"


def test_long_provisions_are_aligned_by_sentence_then_by_word():
    sentences = [f"Sentence {k} of the annex lists crossing point {k} on the line of contact." for k in range(400)]
    edited = list(sentences)
    edited[200] = "Sentence 200 of the annex closes crossing point 200 on the line of contact."
    old_words, new_words = " ".join(sentences).split(), " ".join(edited).split()
    started = time.perf_counter()
    ops = word_diff(old_words, new_words)
    assert time.perf_counter() - started < 1
    assert [op["op"] for op in ops] == ["equal", "replace", "equal"]
    assert ops[1] == {"op": "replace", "old": "lists", "new": "closes"}
    assert " ".join(filter(None, (op["old"] for op in ops))) == " ".join(old_words)
    assert " ".join(filter(None, (op["new"] for op in ops))) == " ".join(new_words)


def test_review_note_in_markdown_and_html():
    from checklist.compare import review_note
    change = {"old_review": {"status": "absent", "reviewer": "O. Koval", "needs_rereview": False},
              "new_review": {"status": "partial", "reviewer": "", "needs_rereview": True}}
    assert review_note(change) == ("Reviewed: the old version as absent by O. Koval; the new version as partial, "
                                   "to be reviewed again. The statuses compared are the engine's.")
    assert review_note({"old_review": None, "new_review": None}) == ""
