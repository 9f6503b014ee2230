"""Security for confidential drafts: headers, CSRF, login, API token, logs."""
from __future__ import annotations

import io
import logging
import re

import pytest

from checklist.web.security import CSP, CSRF_MESSAGE

SECRET_PHRASE = "Zanzibar-clause-7731 shall release all civilians arbitrarily detained"


def token_of(client, path="/"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def error_message(html: str) -> str:
    return re.search(r'<p class="error" role="alert">(.*?)</p>', html, re.S).group(1)


@pytest.mark.parametrize("path", ["/", "/history", "/rule-sets", "/nope", "/api/v1/rule-sets",
                                  "/api/v1/assessments/9"])
def test_security_headers_everywhere(client, path):
    r = client.get(path)
    assert r.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'") == CSP
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Cache-Control"] == "no-store"


def test_stylesheet_is_served_and_cacheable(client):
    r = client.get("/static/checklist.css")
    assert r.status_code == 200 and r.mimetype == "text/css"
    assert "no-store" not in r.headers.get("Cache-Control", "")


def test_templates_have_no_script_and_no_inline_style(client, draft_text):
    token = token_of(client)
    client.post("/assessments", data={"csrf_token": token, "text": draft_text, "rule_sets": "tot-2025",
                                      "document_kind": "agreement"})
    for path in ("/", "/assessments/1", "/history", "/rule-sets", "/nope"):
        html = client.get(path).get_data(as_text=True)
        assert "<script" not in html and " style=" not in html and "<style" not in html
        assert not re.search(r"\son[a-z]+=", html)


@pytest.mark.parametrize("path, data", [
    ("/assessments", {"text": "1. The Parties shall release all detained civilians."}),
    ("/documents/1/delete", {}),
])
def test_post_without_csrf_token_is_refused(client, path, data):
    for sent in ({}, {"csrf_token": "forged"}):
        r = client.post(path, data={**data, **sent})
        assert r.status_code == 400
        assert error_message(r.get_data(as_text=True)) == CSRF_MESSAGE.replace("'", "&#39;")


def test_csrf_token_from_another_session_is_refused(app, draft_text):
    stolen = token_of(app.test_client())
    r = app.test_client().post("/assessments", data={"csrf_token": stolen, "text": draft_text,
                                                     "rule_sets": "tot-2025"})
    assert r.status_code == 400


def test_api_is_exempt_from_csrf(client, draft_text):
    assert client.post("/api/v1/assessments", json={"text": draft_text}).status_code == 201


def test_delete_with_csrf_really_deletes(client, draft_text):
    client.post("/api/v1/assessments", json={"text": draft_text})
    r = client.post("/documents/1/delete", data={"csrf_token": token_of(client)})
    assert r.status_code == 303
    assert client.get("/api/v1/assessments/1").status_code == 404


# ---------------------------------------------------------------- API token


@pytest.fixture
def token_client(make_app):
    return make_app(API_TOKEN="s3cret-token").test_client()


def test_api_token_missing(token_client, api_error):
    r = token_client.get("/api/v1/rule-sets")
    api_error(r, 401, "This API needs a token: send it as 'Authorization: Bearer <token>'.")
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="checklist"'
    api_error(token_client.post("/api/v1/assessments", json={"text": "x"}), 401,
              "This API needs a token: send it as 'Authorization: Bearer <token>'.")
    api_error(token_client.get("/api/v1/rule-sets", headers={"Authorization": "Basic abc"}), 401,
              "This API needs a token: send it as 'Authorization: Bearer <token>'.")


def test_api_token_wrong(token_client, api_error):
    for wrong in ("nope", "s3cret-tokeN", "ключ"):
        r = token_client.get("/api/v1/rule-sets", headers={"Authorization": f"Bearer {wrong}"})
        api_error(r, 401, "The API token is wrong: send the token set in CHECKLIST_API_TOKEN.")


def test_api_token_right(token_client, draft_text):
    auth = {"Authorization": "Bearer s3cret-token"}
    assert token_client.get("/api/v1/rule-sets", headers=auth).status_code == 200
    assert token_client.post("/api/v1/assessments", json={"text": draft_text}, headers=auth).status_code == 201
    assert token_client.delete("/api/v1/documents/1", headers=auth).status_code == 204


def test_openapi_needs_no_token(token_client):
    assert token_client.get("/api/v1/openapi.json").status_code == 200


def test_no_token_configured_means_open_api_on_localhost(client):
    assert client.get("/api/v1/rule-sets").status_code == 200


# ---------------------------------------------------------------- login


@pytest.fixture
def login_app(make_app):
    return make_app(LOGIN_USER="analyst", LOGIN_PASSWORD="correct horse")


def sign_in(client, user="analyst", password="correct horse", next_="/"):
    token = token_of(client, "/login")
    return client.post("/login", data={"csrf_token": token, "user": user, "password": password, "next": next_})


@pytest.mark.parametrize("path", ["/", "/history", "/rule-sets", "/assessments/1", "/assessments/1.json"])
def test_pages_need_login(login_app, path):
    r = login_app.test_client().get(path)
    assert r.status_code == 303
    assert r.headers["Location"].startswith("/login?next=")


def test_login_wrong_password(login_app):
    client = login_app.test_client()
    r = sign_in(client, password="wrong")
    assert r.status_code == 401
    assert error_message(r.get_data(as_text=True)) == "The user name or password is wrong."
    assert client.get("/history").status_code == 303


def test_login_and_logout(login_app):
    client = login_app.test_client()
    r = sign_in(client, next_="/history")
    assert r.status_code == 303 and r.headers["Location"] == "/history"
    assert client.get("/history").status_code == 200
    html = client.get("/").get_data(as_text=True)
    assert "Sign out" in html
    r = client.post("/logout", data={"csrf_token": token_of(client)})
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    assert client.get("/history").status_code == 303


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "history"])
def test_login_never_redirects_off_site(login_app, target):
    r = sign_in(login_app.test_client(), next_=target)
    assert r.status_code == 303 and r.headers["Location"] == "/"


def test_login_post_needs_csrf(login_app):
    r = login_app.test_client().post("/login", data={"user": "analyst", "password": "correct horse"})
    assert r.status_code == 400


def test_login_page_without_login_configured_goes_home(client):
    assert client.get("/login").headers["Location"] == "/"


def test_api_with_login_but_no_token_needs_a_session(login_app, api_error, draft_text):
    client = login_app.test_client()
    api_error(client.get("/api/v1/rule-sets"), 401,
              "Sign in first, or set CHECKLIST_API_TOKEN and send it as 'Authorization: Bearer <token>'.")
    sign_in(client)
    assert client.get("/api/v1/rule-sets").status_code == 200


# ---------------------------------------------------------------- logs


def test_no_draft_text_in_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    text = f"Draft\n\n1. The Parties: {SECRET_PHRASE}.\n"
    client.post("/api/v1/assessments", json={"text": text, "title": "T"})
    client.post("/api/v1/assessments", json={"text": text, "store": False})
    client.post("/assessments", data={"csrf_token": token_of(client), "text": text, "rule_sets": "tot-2025"})
    client.get("/assessments/1")
    client.post("/api/v1/assessments", json={"text": text, "rule_sets": ["nope"]})
    assert "stored assessment 1 of document 1" in caplog.text
    assert "Zanzibar" not in caplog.text


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"},
                                     {"Origin": "null"}])
def test_api_refuses_data_changes_from_other_sites(client, headers):
    """A form on another website can POST here without a preflight: refused, nothing stored."""
    response = client.post("/api/v1/assessments", data={"file": (io.BytesIO(b"1. The Parties shall "
                           b"release all detained civilians."), "d.txt")}, headers=headers,
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert response.get_json()["error"] == ("Requests from other websites may not change data here: call "
                                            "the API from this site, a script or a command line.")
    assert client.get("/api/v1/assessments/1").status_code == 404


def test_api_accepts_same_site_and_scripts(client):
    for headers in ({}, {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}):
        response = client.post("/api/v1/assessments", json={"text": "1. The Parties shall release all "
                               "detained civilians.", "store": False}, headers=headers)
        assert response.status_code == 200, response.get_json()
