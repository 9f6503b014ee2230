"""One error shape: ``{"ok": false, "error": "...", "errors": [...], "status": N}`` for the API,
one ``error.html`` for pages. Only HTTP errors are handled here: a bug stays a 500 with its
traceback in the server log, never shown to the user."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, default_exceptions

MESSAGES = {
    400: "The request could not be understood.",
    401: "Sign in first.",
    403: "This request is not allowed from another site.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The upload is too large.",
    415: "This type of content is not accepted.",
    422: "The request could not be processed.",
}


def fail(status: int, message: str, errors: list | None = None, **headers):
    """Stop the request with ``status``, a one-sentence ``message`` and detail ``errors``."""
    exc = default_exceptions[status](description=message)
    exc.errors = list(errors or [])
    exc.extra_headers = headers
    raise exc


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(status: int, message: str, errors: list | None = None) -> dict:
    return {"ok": False, "error": message, "errors": list(errors or []), "status": status}


def handle_http_error(exc: HTTPException):
    status = exc.code or 500
    ours = hasattr(exc, "errors")           # raised by fail(), with our own message
    if ours:
        message = exc.description
    elif status == 413:
        limit = current_app.config["MAX_UPLOAD_MB"]
        message = f"The upload is larger than the {limit:g} MB limit: split the draft, or paste its text."
    else:
        message = MESSAGES.get(status) or exc.description or exc.name
    errors = getattr(exc, "errors", [])
    headers = dict(getattr(exc, "extra_headers", {}))
    if getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    if wants_json():
        response = jsonify(error_body(status, message, errors))
    else:
        response = render_template("web/error.html", status=status, message=message,
                                   errors=errors, title=exc.name)
    return response, status, headers


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
