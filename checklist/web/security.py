"""Protection for confidential drafts.

* Headers on every response: a strict Content-Security-Policy (no script at all), no MIME
  sniffing, no referrer, no framing, and ``Cache-Control: no-store`` on everything but the
  stylesheet, so no draft or report stays in a browser or proxy cache.
* CSRF: a random token kept in the (signed) session, put in every form by ``csrf_token()``
  and checked on every POST to the pages (:func:`check_csrf`). The JSON API takes no cookies
  for granted: it is exempt, and asks for the API token when one is configured.
* Optional access control, off by default (the app listens on 127.0.0.1): pages ask for a
  login when ``LOGIN_USER``/``LOGIN_PASSWORD`` are set; the API asks for
  ``Authorization: Bearer <API_TOKEN>`` when ``API_TOKEN`` is set (otherwise, with the login
  on, for a signed-in session).
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, current_app, request, session

from .errors import fail

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
CSRF_FIELD = "csrf_token"
CSRF_MESSAGE = ("This form has expired or did not come from this site: reload the page and send "
                "it again.")


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two strings (any characters)."""
    if a is None or b is None:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    if not same(request.form.get(CSRF_FIELD), session.get("csrf")):
        fail(400, CSRF_MESSAGE)


def login_enabled() -> bool:
    return bool(current_app.config["LOGIN_USER"] and current_app.config["LOGIN_PASSWORD"])


def logged_in() -> bool:
    return not login_enabled() or session.get("user") == current_app.config["LOGIN_USER"]


def check_login(user: str, password: str) -> bool:
    ok_user = same(user, current_app.config["LOGIN_USER"])
    ok_password = same(password, current_app.config["LOGIN_PASSWORD"])
    return ok_user and ok_password


def check_api_access() -> None:
    token = current_app.config["API_TOKEN"]
    if token:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if not value.strip() or scheme.lower() != "bearer":
            fail(401, "This API needs a token: send it as 'Authorization: Bearer <token>'.",
                 **{"WWW-Authenticate": 'Bearer realm="checklist"'})
        if not same(value.strip(), token):
            fail(401, "The API token is wrong: send the token set in CHECKLIST_API_TOKEN.",
                 **{"WWW-Authenticate": 'Bearer realm="checklist", error="invalid_token"'})
    elif not logged_in():
        fail(401, "Sign in first, or set CHECKLIST_API_TOKEN and send it as "
                  "'Authorization: Bearer <token>'.")


CROSS_SITE_MESSAGE = ("Requests from other websites may not change data here: call the API from "
                      "this site, a script or a command line.")


def refuse_cross_site() -> None:
    """A browser on another site can send a form POST without asking (no CORS preflight); the
    API takes no CSRF token, so refuse data-changing requests a browser marks as cross-site
    (Sec-Fetch-Site) or whose Origin is not this site. Scripts and curl send neither header."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    here = request.host_url.rstrip("/")
    if site == "cross-site" or (origin is not None and origin.rstrip("/") != here):   # incl. "null"
        fail(403, CROSS_SITE_MESSAGE)


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["login_enabled"] = login_enabled
