"""Comparing versions in the web app: POST /api/v1/compare and the /compare page."""
from __future__ import annotations

import re

import pytest

from checklist import compare
from test_web_openapi import check

RELEASE = "2. The Parties shall release all civilians arbitrarily detained, without conditions."
WEAKER = "2. The Parties shall release civilians arbitrarily detained, subject to an exchange."
SENTENCE = "1 demand regressed: tot-2025/1 is now partial in points 2 and 3 (was met)."


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def two(client, draft_text):
    """Two stored versions of the synthetic draft: in the second, the release became weaker."""
    ids = []
    for title, text in (("Draft v1", draft_text), ("Draft v2", draft_text.replace(RELEASE, WEAKER))):
        r = client.post("/api/v1/assessments", json={"text": text, "title": title, "rule_sets": ["tot-2025"]})
        assert r.status_code == 201
        ids.append(r.get_json()["id"])
    return ids


def csrf(client, url="/compare"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


# ---------------------------------------------------------------- API


def test_compare_two_stored_assessments(client, two, spec):
    r = client.post("/api/v1/compare", json={"old_assessment_id": two[0], "new_assessment_id": two[1]})
    check(spec, "/compare", "post", r)
    body = r.get_json()
    assert body["schema"] == "checklist.comparison/1"
    assert body["summary"]["text"] == SENTENCE
    change = next(c for c in body["changes"] if c["demand"] == "tot-2025/1")
    assert (change["old_status"], change["new_status"], change["direction"]) == ("met", "partial", "regressed")
    assert change["provisions"][0]["change"] == "modified"


def test_reviews_are_shown_beside_the_engines_statuses(client, two, spec):
    assert client.post(f"/api/v1/assessments/{two[0]}/reviews", json={
        "demand": "tot-2025/1", "status": "partial", "reviewer": "O. Koval",
        "reason": "The release is tied to an exchange elsewhere."}).status_code == 201
    r = client.post("/api/v1/compare", json={"old_assessment_id": two[0], "new_assessment_id": two[1]})
    check(spec, "/compare", "post", r)
    change = next(c for c in r.get_json()["changes"] if c["demand"] == "tot-2025/1")
    assert (change["old_status"], change["new_status"], change["direction"]) == ("met", "partial", "regressed")
    assert change["old_review"] == {"status": "partial", "reviewer": "O. Koval", "needs_rereview": False}
    assert change["new_review"] is None
    assert r.get_json()["summary"]["text"] == SENTENCE
    page = client.get(f"/compare?old={two[0]}&new={two[1]}").get_data(as_text=True)
    assert "Reviewed: the old version as partial by O. Koval. The statuses compared are the engine&#39;s." in page


def test_compare_two_texts_stores_nothing(client, app, draft_text, spec):
    r = client.post("/api/v1/compare", json={"old_text": draft_text, "new_text": draft_text.replace(RELEASE, WEAKER),
                                             "rule_sets": ["tot-2025"]})
    check(spec, "/compare", "post", r)
    assert r.get_json()["summary"]["text"] == SENTENCE
    assert client.get("/api/v1/assessments/1").status_code == 404


def test_compare_errors(client, two, api_error, spec, draft_text):
    cases = [
        ({"old_assessment_id": 1}, 422,
         "The request is not valid: body: Send old_assessment_id and new_assessment_id, or old_text and new_text."),
        ({"old_assessment_id": 1, "new_assessment_id": 2, "old_text": "x"}, 422,
         "The request is not valid: body: Send two assessment ids or two texts, not both."),
        ({"old_assessment_id": 1, "new_assessment_id": 2, "rule_sets": ["tot-2025"]}, 422,
         "The request is not valid: body: rule_sets and document_kind go with texts: stored assessments keep "
         "their own."),
        ({"old_assessment_id": 1, "new_assessment_id": 9}, 404,
         "There is no assessment 9: it may have been deleted; see the history."),
        ({"old_text": draft_text, "new_text": " "}, 422,
         "The text is empty: paste the draft's text or upload a file that contains text."),
        ({"old_text": "a", "new_text": "b", "rule_sets": ["nope"]}, 422, None),
        ({"old_text": "a", "new_text": "b", "extra": 1}, 422, "The request is not valid: extra: Unknown field."),
    ]
    for body, status, message in cases:
        r = client.post("/api/v1/compare", json=body)
        check(spec, "/compare", "post", r)
        if message:
            api_error(r, status, message)
        else:
            assert r.status_code == status
    r = client.post("/api/v1/assessments", json={"text": "1. Some other text.", "document_kind": "statement"})
    statement = r.get_json()["id"]
    r = client.post("/api/v1/compare", json={"old_assessment_id": 1, "new_assessment_id": statement})
    check(spec, "/compare", "post", r)
    api_error(r, 422, "The two assessments treat the text as different kinds of document (agreement and "
                      "statement): assess both versions with the same document kind.")
    api_error(client.post("/api/v1/compare", data="{", content_type="application/json"), 400,
              "The request body is not valid JSON.")
    api_error(client.get("/api/v1/compare"), 405, "This address does not accept that method.")


# ---------------------------------------------------------------- pages


def test_compare_page_lists_stored_assessments_and_shows_the_comparison(client, two):
    page = client.get("/compare")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<a href="/compare" aria-current="page">Compare</a>' in html
    assert html.count('— report 1, ') == 3 and html.count('— report 2, ') == 3      # in the three selects
    assert 'id="comparison"' not in html

    r = client.get(f"/compare?old={two[0]}&new={two[1]}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert f'<p class="summary">{SENTENCE}</p>' in html
    assert '<option value="1" selected>' in html and '<option value="2" selected>' in html
    assert "<del>" in html and "<ins>" in html
    assert not re.search(r"<style|style=", html)                   # the CSP forbids inline style
    assert "style-src 'self'" in r.headers["Content-Security-Policy"]


def test_compare_fragment_has_no_style():
    c = {"schema": compare.SCHEMA, "old": {"name": "a"}, "new": {"name": "b"}, "changes": [], "not_compared": [],
         "summary": {"improved": 0, "regressed": 0, "unchanged": 0, "text": "No demand was compared."}}
    fragment = compare.render_html(c, standalone=False)
    assert fragment.lstrip().startswith('<section class="comparison">') and "<style" not in fragment
    assert "<style>" in compare.render_html(c)


def test_compare_page_errors(client, two):
    r = client.get("/compare?old=1&new=1")
    assert r.status_code == 422 and "Choose two different assessments." in r.get_data(as_text=True)
    assert client.get("/compare?old=1&new=9").status_code == 404


def test_new_version_on_the_compare_page_is_stored_with_reviews_carried(client, two, draft_text):
    assert client.post("/api/v1/assessments/2/reviews", json={
        "demand": "tot-2025/1", "status": "absent", "reviewer": "O. Koval",
        "reason": "A promise to consider is no release."}).status_code == 201
    text = draft_text.replace(RELEASE, WEAKER).replace("6. An amnesty", "6. A broad amnesty")
    r = client.post("/compare", data={"csrf_token": csrf(client), "old": "2", "text": text, "title": "Draft v3"})
    assert r.status_code == 303 and r.headers["Location"] == "/compare?old=2&new=3"
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "No demand changed status" in html
    assert ("Reviewed: the old version as absent by O. Koval; the new version as absent by O. Koval. "
            "The statuses compared are the engine&#39;s.") in html
    body = client.get("/api/v1/assessments/3").get_json()
    x = next(r for r in body["results"] if r["demand"] == "tot-2025/1")
    assert (x["status"], x["machine_status"], x["review"]["needs_rereview"]) == ("absent", "partial", False)
    assert [rs["id"] for rs in body["rule_sets"]] == ["tot-2025"]            # the old assessment's sets
    history = client.get("/history").get_data(as_text=True)
    assert '<a href="/compare?old=2&amp;new=3">compare with previous version</a>' in history


def test_new_version_not_stored_is_compared_in_memory(client, two, draft_text):
    r = client.post("/compare", data={"csrf_token": csrf(client), "old": "1", "no_store": "1",
                                      "text": draft_text.replace(RELEASE, WEAKER)})
    assert r.status_code == 200
    assert f'<p class="summary">{SENTENCE}</p>' in r.get_data(as_text=True)
    assert client.get("/api/v1/assessments/3").status_code == 404
    r = client.post("/compare", data={"csrf_token": csrf(client), "old": "1", "text": " "})
    assert r.status_code == 422
    assert "Paste the draft&#39;s text or choose a file to upload." in r.get_data(as_text=True)
    r = client.post("/compare", data={"csrf_token": csrf(client), "text": "x"})
    assert r.status_code == 422 and "Choose the stored assessment of the earlier version." in r.get_data(as_text=True)
    assert client.post("/compare", data={"old": "1", "text": "x"}).status_code == 400       # no CSRF token


def test_history_links_assessments_of_the_same_draft(client, draft_text):
    for _ in range(2):
        client.post("/api/v1/assessments", json={"text": draft_text, "rule_sets": ["tot-2025"]})
    html = client.get("/history").get_data(as_text=True)
    assert '<a href="/compare?old=1&amp;new=2">compare with previous</a>' in html
