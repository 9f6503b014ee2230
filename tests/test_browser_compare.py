"""The compare page and a review in a real browser (Debian's chromium via Playwright); the same
skip rules as test_browser.py: skipped only where /usr/bin/chromium is missing and
CHECKLIST_REQUIRE_BROWSER is not set."""
from __future__ import annotations

from test_browser import page, pytestmark, server, shot  # noqa: F401  (fixtures and marks)

RELEASE = "2. The Parties shall release all civilians arbitrarily detained, without conditions."
WEAKER = "2. The Parties shall release civilians arbitrarily detained, subject to an exchange."
SENTENCE = "1 demand regressed: tot-2025/1 is now partial in points 2 and 3 (was met)."


def test_review_a_finding_then_compare_two_stored_assessments(app, server, page, draft_text):  # noqa: F811
    client = app.test_client()
    for title, text in (("Draft v1", draft_text), ("Draft v2", draft_text.replace(RELEASE, WEAKER))):
        assert client.post("/api/v1/assessments", json={"text": text, "title": title,
                                                        "rule_sets": ["tot-2025"]}).status_code == 201

    # review a finding on the report page
    page.goto(server + "/assessments/2")
    finding = page.locator("#d-tot-2025-1")
    finding.locator("details.review-form summary").click()
    form = finding.locator("form.review").first
    form.locator("select[name=status]").select_option("absent")
    form.locator("input[name=reviewer]").fill("O. Koval")
    form.locator("textarea[name=reason]").fill("Release 'subject to an exchange' is no release of all civilians.")
    form.locator("button[type=submit]").click()
    page.wait_for_url(server + "/assessments/2#d-tot-2025-1")
    line = finding.locator("p.reviewed-line")
    assert line.inner_text().startswith("Reviewed: absent (machine: partial) by O. Koval on ")
    assert finding.locator(".tag.reviewed").is_visible()
    finding.locator("details.audit summary").click()
    assert "O. Koval" in finding.locator("table.audit").inner_text()
    shot(page, "report-reviewed")

    # compare the two stored assessments
    page.click("header.site >> text=Compare")
    page.wait_for_url(server + "/compare")
    page.select_option("#old", "1")
    page.select_option("#new", "2")
    page.locator("form.pick button[type=submit]").click()
    page.wait_for_url(server + "/compare?old=1&new=2")
    summary = page.locator("section.comparison p.summary")
    assert summary.inner_text() == SENTENCE
    assert page.locator("section.comparison del").first.is_visible()
    # the comparison is styled by the static stylesheet (no inline style under the CSP)
    assert page.locator("section.comparison ins").first.evaluate("el => getComputedStyle(el).textDecorationLine") == "none"
    shot(page, "compare")
    assert page.console_errors == []
