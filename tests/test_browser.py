"""End to end in a real browser: Debian's chromium driven by Playwright, against the app
served by werkzeug on 127.0.0.1. Skipped only where /usr/bin/chromium is missing and
CHECKLIST_REQUIRE_BROWSER is not set (CI sets it, so there it runs or fails loudly)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SCREENSHOTS = os.environ.get("CHECKLIST_SCREENSHOTS")    # a folder: save a PNG of each page there

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CHECKLIST_REQUIRE_BROWSER"),
                       reason="/usr/bin/chromium is not installed (apt-get install chromium); "
                              "set CHECKLIST_REQUIRE_BROWSER=1 to make this a failure"),
]


@pytest.fixture
def server(app):
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        errors = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.console_errors = errors
        yield pg
        browser.close()


def shot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_upload_read_follow_evidence_and_delete(server, page, tmp_path, draft_text):
    draft = tmp_path / "synthetic-draft.txt"
    draft.write_text(draft_text, encoding="utf-8")

    page.goto(server + "/")
    assert page.title() == "Assess a draft · checklist"
    shot(page, "home")
    page.set_input_files("#file", str(draft))
    page.fill("#title", "Synthetic framework draft")
    page.click("button[type=submit]")

    page.wait_for_url(server + "/assessments/1")
    assert page.locator("h1").inner_text() == "Synthetic framework draft"
    bar = page.locator("ul.summary-bar").first
    assert bar.is_visible()
    assert "MET" in bar.inner_text()
    finding = page.locator("#d-tot-2025-1")
    assert "MET" in finding.inner_text()
    assert "Release of all arbitrarily detained civilians" in finding.inner_text()
    shot(page, "report")

    # follow the evidence link to the provision in the full text
    target = page.locator("#prov-2")
    finding.locator("a.ref", has_text="Provision 2").click()
    page.wait_for_function("location.hash === '#prov-2'")
    assert page.url.endswith("/assessments/1#prov-2")
    assert target.is_visible()
    assert target.evaluate("el => { const r = el.getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight; }")
    assert target.locator("mark.t", has_text="release").count() == 1
    assert target.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"      # :target styled
    shot(page, "report-provision")

    page.click("text=Rule sets")
    assert page.locator("#demand-tot-2025-1").is_visible()
    shot(page, "rule-sets")

    page.click("text=History")
    assert page.locator("#document-1 h2").inner_text() == "Synthetic framework draft"
    shot(page, "history")
    page.locator("#document-1 button.danger").click()
    page.wait_for_url(server + "/history")
    assert "Deleted “Synthetic framework draft” and all its assessments." in page.locator(".notice").inner_text()
    assert page.locator("#document-1").count() == 0

    assert page.console_errors == []              # no CSP violation, no missing resource
    response = page.goto(server + "/assessments/1")
    assert response.status == 404
    assert "There is no assessment 1" in page.locator(".error").inner_text()
