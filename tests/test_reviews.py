"""Reviews (issue 7): a person sets a demand's status with a reason; the machine's status stays
recorded; the audit trail is append-only, in SQLite itself; reviews follow a draft to its next
version, flagged for re-review where the provisions they relied on changed."""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess

import pytest

from checklist import storage
from test_web_openapi import check

AT = "2026-01-10T12:00:00+00:00"
DEMAND = "tot-2025/1"            # met by provision 2 of the synthetic draft
ANCHOR = "d-tot-2025-1"
REASON = "Only civilians 'arbitrarily' detained: the text leaves the others out."


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(storage, "_now", lambda: AT)


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def stored(client, draft_text):
    r = client.post("/api/v1/assessments", json={"text": draft_text, "title": "Draft v1", "rule_sets": ["tot-2025"]})
    assert r.status_code == 201
    return r.get_json()


def review(client, demand=DEMAND, status="partial", reviewer="O. Koval", reason=REASON, assessment=1, **extra):
    body = {"demand": demand, "reviewer": reviewer, "reason": reason, **extra}
    if status is not None:
        body["status"] = status
    return client.post(f"/api/v1/assessments/{assessment}/reviews", json=body)


def result_of(body: dict, demand: str = DEMAND) -> dict:
    return next(r for r in body["results"] if r["demand"] == demand)


def connect(app):
    return storage.connect(app.config["DATABASE"])


# ---------------------------------------------------------------- API round trip


def test_set_and_withdraw_round_trip_through_the_api(client, stored, spec):
    machine = result_of(stored)["status"]
    assert machine == "met"
    r = review(client)
    check(spec, "/assessments/{assessment_id}/reviews", "post", r)
    assert r.status_code == 201
    row = r.get_json()
    assert row == {"id": 1, "assessment_id": 1, "demand": DEMAND, "action": "set", "from_status": "met",
                   "to_status": "partial", "reviewer": "O. Koval", "reason": REASON, "created_at": AT,
                   "carried_from_review_id": None, "needs_rereview": False,
                   "provisions": [{"ref": "2", "sha256": row["provisions"][0]["sha256"]}]}
    assert r.headers["Location"] == "http://localhost/api/v1/reviews/1"
    check(spec, "/reviews/{review_id}", "get", client.get("/api/v1/reviews/1"))
    assert client.get("/api/v1/reviews/1").get_json() == row

    got = client.get("/api/v1/assessments/1")
    check(spec, "/assessments/{assessment_id}", "get", got)
    body = got.get_json()
    x = result_of(body)
    assert (x["status"], x["machine_status"]) == ("partial", "met")
    assert x["review"] == {"status": "partial", "reviewer": "O. Koval", "reason": REASON, "at": AT,
                           "needs_rereview": False, "carried_from_review_id": None,
                           "provisions": row["provisions"]}
    assert [(e["action"], e["from"], e["to"]) for e in x["audit"]] == [("set", "met", "partial")]
    assert body["summary"]["met"] == stored["summary"]["met"] - 1
    assert body["summary"]["partial"] == stored["summary"]["partial"] + 1
    other = next(r for r in body["results"] if r["demand"] != DEMAND)
    assert other["review"] is None and other["audit"] == [] and other["machine_status"] == other["status"]

    w = review(client, status=None, action="withdraw", reviewer="A. Reviewer", reason="Checked with the team: met.")
    check(spec, "/assessments/{assessment_id}/reviews", "post", w)
    assert w.status_code == 201
    assert (w.get_json()["action"], w.get_json()["from_status"], w.get_json()["to_status"]) == ("withdraw", "partial", "met")

    trail = client.get("/api/v1/assessments/1/reviews")
    check(spec, "/assessments/{assessment_id}/reviews", "get", trail)
    assert [(t["id"], t["action"], t["reviewer"]) for t in trail.get_json()["reviews"]] == [
        (1, "set", "O. Koval"), (2, "withdraw", "A. Reviewer")]
    body = client.get("/api/v1/assessments/1").get_json()
    x = result_of(body)
    assert (x["status"], x["machine_status"], x["review"]) == ("met", "met", None)
    assert [e["action"] for e in x["audit"]] == ["set", "withdraw"]
    assert body["summary"] == stored["summary"]


def test_the_stored_engine_result_is_untouched(client, app, stored):
    review(client)
    db = connect(app)
    try:
        assert storage.get_assessment(db, 1)["result"]["results"] == stored["results"]
        assert db.execute("SELECT status FROM findings WHERE demand = ?", [DEMAND]).fetchone()[0] == "met"
    finally:
        db.close()


def test_a_flagged_review_can_be_confirmed_but_an_unflagged_one_not_repeated(client, stored, api_error):
    review(client)
    api_error(review(client), 422, f"{DEMAND} already reads partial: choose another status.")
    assert review(client, status="met").status_code == 201        # back to the machine's, as a review


# ---------------------------------------------------------------- errors, exact


def test_reason_is_required(client, stored, api_error, spec):
    r = review(client, reason="   ")
    check(spec, "/assessments/{assessment_id}/reviews", "post", r)
    api_error(r, 422, "Give a reason for the review: say what in the text makes the status different.", [])
    body = {"demand": DEMAND, "status": "partial", "reviewer": "O. Koval"}
    api_error(client.post("/api/v1/assessments/1/reviews", json=body), 422,
              "The request is not valid: reason: Give a reason for the review: say what in the text makes "
              "the status different.")
    review(client)
    api_error(review(client, status=None, action="withdraw", reason=""), 422,
              "Give a reason for withdrawing the review.")
    api_error(review(client, reviewer=" ", status="absent"), 422, "Give the reviewer's name.")
    assert len(client.get("/api/v1/assessments/1/reviews").get_json()["reviews"]) == 1


def test_unknown_demand_status_action_and_assessment(client, stored, api_error):
    api_error(review(client, demand="tot-2025/99"), 422,
              "Assessment 1 has no demand 'tot-2025/99': choose one of its demands, such as tot-2025/1.")
    api_error(review(client, status="maybe"), 422,
              "The request is not valid: status: Unknown status 'maybe': choose one of contradicted, absent, "
              "partial, met.")
    api_error(review(client, status=None), 422,
              "The request is not valid: status: Choose the status the finding should have: contradicted, "
              "absent, partial, met.")
    api_error(review(client, action="edit"), 422,
              "The request is not valid: action: Must be one of: set, withdraw.")
    api_error(review(client, status=None, action="withdraw"), 422, f"{DEMAND} has no review to withdraw.")
    api_error(review(client, assessment=9), 404,
              "There is no assessment 9: it may have been deleted; see the history.")
    api_error(client.get("/api/v1/assessments/9/reviews"), 404,
              "There is no assessment 9: it may have been deleted; see the history.")
    api_error(client.get("/api/v1/reviews/9"), 404, "There is no review 9: it may have gone with its document.")
    api_error(client.post("/api/v1/assessments/1/reviews", data="x", content_type="text/plain"), 415,
              "Send JSON (Content-Type: application/json).")


# ---------------------------------------------------------------- append-only


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/v1/assessments/1/reviews", "/api/v1/reviews/1", "/assessments/1/reviews"])
def test_no_route_changes_or_deletes_a_review(client, stored, method, url):
    review(client)
    r = getattr(client, method)(url, json={"reason": "changed"})
    assert r.status_code == 405
    assert client.get("/api/v1/reviews/1").get_json()["reason"] == REASON


def test_triggers_refuse_update_and_delete_but_cascade_removes_everything(client, app, stored):
    review(client)
    review(client, demand="tot-2025/4", status="absent")
    db = connect(app)
    try:
        for sql in ("UPDATE reviews SET reason = 'rewritten'", "UPDATE reviews SET to_status = 'met' WHERE id = 1",
                    "DELETE FROM reviews", "DELETE FROM reviews WHERE id = 1"):
            with pytest.raises(sqlite3.IntegrityError, match=storage.APPEND_ONLY):
                db.execute(sql)
        assert db.execute("SELECT count(*), min(reason) FROM reviews").fetchone() == (2, REASON)
        assert {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")} == {
            "reviews_no_update", "reviews_no_delete"}
    finally:
        db.close()
    assert client.delete("/api/v1/documents/1").status_code == 204
    db = connect(app)
    try:
        assert storage.counts(db) == {"documents": 0, "assessments": 0, "findings": 0}
        assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    finally:
        db.close()


def test_plain_sqlite3_sees_the_trail(client, app, stored):
    review(client)
    conn = sqlite3.connect(app.config["DATABASE"])
    try:
        rows = conn.execute("SELECT demand, action, from_status, to_status, reviewer FROM reviews").fetchall()
        assert rows == [(DEMAND, "set", "met", "partial", "O. Koval")]
    finally:
        conn.close()


# ---------------------------------------------------------------- reports


def test_reports_show_reviewed_and_machine_status(client, stored):
    review(client)
    body = client.get("/api/v1/assessments/1.json").get_json(force=True)
    x = result_of(body)
    assert (x["status"], x["machine_status"], x["review"]["reviewer"]) == ("partial", "met", "O. Koval")

    csv_text = client.get("/api/v1/assessments/1.csv").get_data(as_text=True)
    header, *rows = csv_text.lstrip("\ufeff").splitlines()
    assert header.endswith(",machine_status,reviewed,reviewer,review_reason,reviewed_at,needs_rereview")
    row = next(r for r in rows if r.startswith(DEMAND + ","))
    assert ",partial,gaps," in row and f",met,reviewed,O. Koval,{REASON},{AT}," in row

    md = client.get("/api/v1/assessments/1.md").get_data(as_text=True)
    assert "**◐ PARTIAL** Release of all arbitrarily detained civilians (tot-2025/1)" in md
    assert "Reviewed by O. Koval on 10 January 2026: Only civilians 'arbitrarily' detained: the text leaves " \
           "the others out. (automatic reading: MET)" in md

    page = client.get("/assessments/1").get_data(as_text=True)
    finding = page.split(f'id="{ANCHOR}"')[1].split("</article>")[0]
    assert '<span class="tag reviewed">reviewed</span>' in finding
    assert "<strong>Reviewed: partial</strong> (machine: met) by O. Koval on 10 January 2026 — " in finding


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_pdf_shows_reviewed_and_machine_status(client, stored, tmp_path):
    review(client)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(client.get("/api/v1/assessments/1.pdf").data)
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "1 finding was reviewed by a person; the report shows the reviewed status." in text
    assert "Reviewed by O. Koval on 10 January 2026" in text
    assert "(automatic reading: MET)" in text
    assert re.search(r"PARTIAL Release of all arbitrarily detained civilians .{0,60} reviewed tot-2025/1", text)


# ---------------------------------------------------------------- carry-over to a new version


def new_version(client, text, **extra):
    r = client.post("/api/v1/assessments", json={"text": text, "title": "Draft v2", "rule_sets": ["tot-2025"],
                                                 "previous_document_id": 1, **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_review_carries_over_where_the_provision_is_unchanged(client, app, stored, draft_text, spec):
    review(client)
    # renumbered and another provision changed: provision 2's wording is the same
    text = draft_text.replace("6. An amnesty shall apply to all acts", "7. An amnesty shall apply to some acts")
    text = text.replace("1. The Parties shall observe", "0. Preamble.\n1. The Parties shall observe")
    body = new_version(client, text)
    x = result_of(body)
    assert (x["status"], x["machine_status"]) == ("partial", "met")
    assert x["review"]["needs_rereview"] is False and x["review"]["carried_from_review_id"] == 1
    assert x["review"]["provisions"][0]["unchanged"] is True
    trail = client.get(f"/api/v1/assessments/{body['id']}/reviews")
    check(spec, "/assessments/{assessment_id}/reviews", "get", trail)
    assert [(t["carried_from_review_id"], t["needs_rereview"], t["reviewer"], t["reason"])
            for t in trail.get_json()["reviews"]] == [(1, False, "O. Koval", REASON)]
    db = connect(app)
    try:
        assert storage.get_document(db, body["document_id"])["previous_id"] == 1
    finally:
        db.close()
    page = client.get(f"/assessments/{body['id']}").get_data(as_text=True)
    assert "Carried over from the previous version: the provisions it relied on are unchanged." in page


def test_review_is_flagged_where_the_provision_changed(client, stored, draft_text):
    review(client)
    review(client, demand="tot-2025/4", status="absent")
    text = draft_text.replace("without conditions.", "without conditions, within thirty days.")
    body = new_version(client, text)
    x = result_of(body)
    assert x["review"]["needs_rereview"] is True
    assert x["review"]["provisions"] == [{"ref": "2", "sha256": x["review"]["provisions"][0]["sha256"],
                                          "unchanged": False}]
    page = client.get(f"/assessments/{body['id']}").get_data(as_text=True)
    finding = page.split(f'id="{ANCHOR}"')[1].split("</article>")[0]
    assert '<span class="tag rereview">needs re-review</span>' in finding
    assert "the wording of provision 2 it relied on changed or was removed" in finding
    md = client.get(f"/api/v1/assessments/{body['id']}.md").get_data(as_text=True)
    assert "Needs re-review" in md
    history = client.get("/history").get_data(as_text=True)
    assert "2 reviewed" in history and "1 needs re-review" in history
    # confirming the flagged review clears the flag
    assert review(client, assessment=body["id"], reason="Still partial in the new wording.").status_code == 201
    assert result_of(client.get(f"/api/v1/assessments/{body['id']}").get_json())["review"]["needs_rereview"] is False


def test_withdrawn_reviews_are_not_carried_and_unknown_previous_is_refused(client, stored, draft_text, api_error):
    review(client)
    review(client, status=None, action="withdraw", reason="Wrong finding.")
    body = new_version(client, draft_text.replace("6. An amnesty", "6. A full amnesty"))
    assert client.get(f"/api/v1/assessments/{body['id']}/reviews").get_json() == {"reviews": []}
    assert "machine_status" not in result_of(body)
    api_error(client.post("/api/v1/assessments", json={"text": draft_text + "\n7. More.", "previous_document_id": 42}),
              422, "There is no document 42 to follow: choose a stored draft as the previous version, or none.")


# ---------------------------------------------------------------- pages


def csrf(client, url="/"):
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_review_and_withdraw_through_the_pages(client, stored):
    token = csrf(client, "/assessments/1")
    form = {"csrf_token": token, "demand": DEMAND, "action": "set", "status": "partial",
            "reviewer": "O. Koval", "reason": REASON}
    r = client.post("/assessments/1/reviews", data=form)
    assert r.status_code == 303 and r.headers["Location"] == f"/assessments/1#{ANCHOR}"
    page = client.get("/assessments/1").get_data(as_text=True)
    assert "Recorded the review of tot-2025/1: partial (it read met)." in page
    finding = page.split(f'id="{ANCHOR}"')[1].split("</article>")[0]
    assert "<strong>Reviewed: partial</strong> (machine: met) by O. Koval on 10 January 2026" in finding
    assert '<details class="audit">' in finding and "<summary>Audit trail (1 entry)</summary>" in finding
    assert 'value="O. Koval"' in finding                       # the name is remembered in the session
    assert "Withdraw the review" in finding

    r = client.post("/assessments/1/reviews", data={"csrf_token": token, "demand": DEMAND, "action": "withdraw",
                                                    "reviewer": "O. Koval", "reason": "Misread the text."})
    assert r.status_code == 303
    page = client.get("/assessments/1").get_data(as_text=True)
    assert "Withdrew the review of tot-2025/1: it reads met again, as the automatic reading has it." in page
    finding = page.split(f'id="{ANCHOR}"')[1].split("</article>")[0]
    assert "Reviewed:" not in finding and "<summary>Audit trail (2 entries)</summary>" in finding
    assert "withdrew" in finding and "Misread the text." in finding


def test_page_review_errors_are_shown_at_the_finding(client, stored):
    token = csrf(client, "/assessments/1")
    form = {"csrf_token": token, "demand": DEMAND, "action": "set", "status": "absent", "reviewer": "O. Koval",
            "reason": ""}
    r = client.post("/assessments/1/reviews", data=form)
    assert r.status_code == 422
    finding = r.get_data(as_text=True).split(f'id="{ANCHOR}"')[1].split("</article>")[0]
    assert ('<p class="error" role="alert" id="review-error">Give a reason for the review: say what in the text '
            'makes the status different.</p>') in finding
    assert '<details class="review-form" open>' in finding and '<option value="absent" selected>' in finding
    r = client.post("/assessments/1/reviews", data={**form, "reason": "x", "demand": "nope/1"})
    assert r.status_code == 422 and "Assessment 1 has no demand &#39;nope/1&#39;" in r.get_data(as_text=True)
    r = client.post("/assessments/1/reviews", data={**form, "csrf_token": "forged", "reason": "x"})
    assert r.status_code == 400
    assert client.post("/assessments/9/reviews", data={**form, "reason": "x"}).status_code == 404
    assert client.get("/api/v1/assessments/1/reviews").get_json() == {"reviews": []}


def test_new_version_chosen_on_the_home_page_carries_reviews(client, stored, draft_text):
    review(client)
    home = client.get("/").get_data(as_text=True)
    assert '<select id="previous_document_id" name="previous_document_id">' in home
    assert '<option value="1">Draft v1 (' in home
    r = client.post("/assessments", data={"csrf_token": csrf(client), "text": draft_text + "\n7. Final clause.",
                                          "title": "Draft v2", "rule_sets": "tot-2025", "document_kind": "agreement",
                                          "previous_document_id": "1"})
    assert r.status_code == 303 and r.headers["Location"] == "/assessments/2"
    x = result_of(client.get("/api/v1/assessments/2").get_json())
    assert x["review"]["carried_from_review_id"] == 1 and x["review"]["needs_rereview"] is False
    history = client.get("/history").get_data(as_text=True)
    assert "New version of “Draft v1”" in history
    assert '<a href="/compare?old=1&amp;new=2">compare with previous version</a>' in history


def test_migration_two_adds_reviews_and_previous_id(app):
    db = connect(app)
    try:
        assert storage.schema_version(db) == 2
        assert {"id", "assessment_id", "demand", "action", "from_status", "to_status", "reviewer", "reason",
                "created_at", "carried_from_review_id", "needs_rereview", "provisions"} == set(db["reviews"].columns_dict)
        assert "previous_id" in db["documents"].columns_dict
        fks = {(fk.column, fk.other_table) for fk in db["reviews"].foreign_keys}
        assert fks == {("assessment_id", "assessments")}
    finally:
        db.close()
