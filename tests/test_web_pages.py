"""The HTML pages: assess, report, rule sets, history, delete; error pages."""
from __future__ import annotations

import io
import re

import pytest

from checklist import report
from checklist.rules import bundled_library
from helpers import db_counts

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def csrf(client, path="/"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def submit(client, **fields):
    data = {"csrf_token": csrf(client), "rule_sets": sorted(bundled_library().rule_sets),
            "document_kind": "agreement", "text": "", "title": ""}
    data.update(fields)
    return client.post("/assessments", data=data, content_type="multipart/form-data")




def error_message(html: str) -> str:
    m = re.search(r'<(?:p|div) class="error" role="alert"[^>]*>\s*(?:<p>)?(.*?)</p>', html, re.S)
    return m.group(1).strip() if m else ""


# ---------------------------------------------------------------- home


def test_home_form(client):
    html = client.get("/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    for set_id in bundled_library().rule_sets:
        assert f'name="rule_sets" value="{set_id}" checked' in html
    assert 'name="document_kind" value="auto" checked' in html
    assert 'name="document_kind" value="agreement"' in html
    assert 'name="document_kind" value="statement"' in html
    assert 'name="speaker_kind"' in html and 'name="speaker_name"' in html
    assert 'name="no_store"' in html and 'name="title"' in html and 'type="file"' in html
    assert "<script" not in html and "style=" not in html


# ---------------------------------------------------------------- assess and report


def test_paste_assess_and_read_report(client, draft_text):
    r = submit(client, text=draft_text, title="Synthetic <b>draft</b>")
    assert r.status_code == 303
    assert r.headers["Location"] == "/assessments/1"
    html = client.get("/assessments/1").get_data(as_text=True)
    assert "<h1>Synthetic &lt;b&gt;draft&lt;/b&gt;</h1>" in html
    assert 'aria-label="Demands by status"' in html
    # the finding for demand 1 quotes provision 2 and links to it
    finding = html[html.index('id="d-tot-2025-1"'):]
    finding = finding[:finding.index("</article>")]
    assert "MET" in finding
    assert '<a class="ref" href="#prov-2">Provision 2</a>' in finding
    # the provision is in the full text, with the matched words marked
    prov = html[html.index('id="prov-2"'):]
    prov = prov[:prov.index("</div>\n  </div>")]
    assert '<mark class="t">release</mark>' in prov
    assert '<mark class="q">' in prov
    assert 'id="prov-preamble"' in html
    # gaps before met within a theme; downloads offered
    assert html.index("ABSENT") < html.index("● MET")
    for fmt in ("json", "csv", "md", "pdf"):
        assert (f'href="/assessments/1.{fmt}"' in html) == (fmt in report.FORMATS)


def test_upload_a_file(client, other_draft_text):
    r = submit(client, file=(io.BytesIO(other_draft_text.encode()), "memo.txt"), text="ignored")
    assert r.status_code == 303
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "memo.txt" in html
    assert 'id="prov-Article-2"' in html
    assert "CONTRADICTED" in html          # detainees "shall remain in detention"


def test_do_not_store(client, app, draft_text):
    r = submit(client, text=draft_text, no_store="1")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Not stored: nothing about this draft was written" in html
    assert 'href="#prov-2"' in html and 'id="prov-2"' in html
    assert "Download:" not in html
    assert db_counts(app) == {"documents": 0, "assessments": 0, "findings": 0}


def test_draft_text_is_escaped_everywhere(client):
    evil = ('1. <script>alert("x")</script> The Parties shall release all civilians arbitrarily '
            'detained <img src=x onerror=alert(1)>.\n2. "Quotes" & ampersands.')
    r = submit(client, text=evil, title="<i>t</i>")
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "<script>" not in html and "<img" not in html and "<i>t</i>" not in html
    assert "&lt;script&gt;" in html and "&amp; ampersands" in html


def test_statement_kind(client, draft_text):
    r = submit(client, text=draft_text, document_kind="statement")
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Statement by a state or institution" in html
    assert 'id="asks-to-states"' not in html


def test_policy_demands_have_their_own_section(client, draft_text):
    library = bundled_library()
    if not any(d.where == "policy" for d in library.all_demands()):
        pytest.skip("no bundled demand is addressed to states")
    r = submit(client, text=draft_text)
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert '<section id="asks-to-states">' in html
    assert "Asks to states and institutions" in html


@pytest.mark.parametrize("fields, status, message", [
    ({}, 422, "Paste the draft&#39;s text or choose a file to upload."),
    ({"text": "   "}, 422, "Paste the draft&#39;s text or choose a file to upload."),
    ({"text": "x", "rule_sets": []}, 422, "Choose at least one rule set."),
    ({"text": "x", "rule_sets": ["nope"]}, 422,
     "Unknown rule set &#39;nope&#39;: choose one of " + ", ".join(sorted(bundled_library().rule_sets)) + "."),
    ({"text": "x", "document_kind": "treaty"}, 422,
     "Choose whether the text is an agreement draft or a statement, or let it be read from the text."),
    ({"text": "x", "title": "t" * 201}, 422, "The title is longer than 200 characters: shorten it."),
    ({"file": (io.BytesIO(PNG), "logo.png")}, 415,
     "logo.png: this is a PNG image, not a text document; upload a .txt, .md, .docx, .pdf or .html "
     "file, or paste the text."),
    ({"file": (io.BytesIO(b""), "empty.txt")}, 422,
     "empty.txt: the file is empty; choose the file that contains the draft, or paste the text."),
], ids=["nothing", "blank", "no-rule-set", "unknown-rule-set", "kind", "title", "image", "empty-file"])
def test_form_errors_keep_the_form(client, app, fields, status, message):
    r = submit(client, **fields)
    assert r.status_code == status
    html = r.get_data(as_text=True)
    assert error_message(html) == message
    assert 'action="/assessments"' in html              # the form again, to correct
    assert db_counts(app)["documents"] == 0


def test_form_error_keeps_what_was_entered(client):
    html = submit(client, text="<b>kept</b>", title="My title", rule_sets=[]).get_data(as_text=True)
    assert "&lt;b&gt;kept&lt;/b&gt;</textarea>" in html
    assert 'value="My title"' in html


def test_too_large_upload(make_app, draft_text):
    client = make_app(MAX_UPLOAD_MB=0.5).test_client()
    r = submit(client, file=(io.BytesIO((draft_text * 2000).encode()), "big.txt"))
    assert r.status_code == 413
    assert error_message(r.get_data(as_text=True)) == (
        "big.txt: the file is 1.1 MB; the limit is 512 KB. Split the draft or raise the limit.")


def test_body_over_max_content_length(make_app, draft_text):
    client = make_app(MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=4096).test_client()
    r = submit(client, text=draft_text * 20)
    assert r.status_code == 413
    html = r.get_data(as_text=True)
    assert error_message(html) == "The upload is larger than the 1 MB limit: split the draft, or paste its text."
    assert "<title>Request Entity Too Large · checklist</title>" in html


def test_unknown_report_is_404(client):
    r = client.get("/assessments/42")
    assert r.status_code == 404
    assert error_message(r.get_data(as_text=True)) == (
        "There is no assessment 42: it may have been deleted; see the history.")


def test_unknown_page_is_404(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert error_message(r.get_data(as_text=True)) == "There is nothing at this address."


def test_downloads(client, draft_text):
    submit(client, text=draft_text, title="Synthetic")
    r = client.get("/assessments/1.json")
    assert r.status_code == 200 and r.json["schema"] == "checklist.assessment/1"
    assert client.get("/assessments/1.md").status_code == 200
    assert client.get("/assessments/1.docx").status_code == 404


# ---------------------------------------------------------------- rule sets


def test_rule_sets_page(client):
    html = client.get("/rule-sets").get_data(as_text=True)
    library = bundled_library()
    for rs in library.select():
        assert rs.title.replace("'", "&#39;") in html
        for d in rs.demands:
            assert f'id="demand-{d.id.replace("/", "-")}"' in html
    tot = library.get("tot-2025")
    assert "Crimean Human Rights Group" in html
    assert "2025-08-12" in html
    assert tot.demands[0].source_wording in html
    assert "<details>" in html and "examples</summary>" in html


# ---------------------------------------------------------------- history and delete


def test_history_newest_first_and_delete(client, app, draft_text, other_draft_text):
    submit(client, text=draft_text, title="First draft")
    submit(client, text=other_draft_text, title="Second draft")
    submit(client, text=draft_text)                    # a second assessment of the first draft
    html = client.get("/history").get_data(as_text=True)
    assert html.index("First draft") < html.index("Second draft")       # newest activity first
    assert html.count('href="/assessments/') == 3
    token = csrf(client, "/history")
    r = client.post("/documents/1/delete", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["Location"] == "/history"
    html = client.get("/history").get_data(as_text=True)
    assert "Deleted “First draft” and all its assessments." in html
    assert "First draft" not in html.replace("Deleted “First draft”", "")
    assert db_counts(app)["documents"] == 1 and db_counts(app)["assessments"] == 1
    assert client.get("/assessments/1").status_code == 404
    r = client.post("/documents/1/delete", data={"csrf_token": token})
    assert r.status_code == 404


def test_empty_history(client):
    assert "No draft is stored." in client.get("/history").get_data(as_text=True)


def test_delete_needs_post(client):
    assert client.get("/documents/1/delete").status_code == 405
