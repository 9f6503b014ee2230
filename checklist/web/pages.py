"""HTML pages: assess a draft, read its report, browse the rule sets and the history.

Every page works without JavaScript (there is none: the CSP forbids it). Every POST carries
the CSRF token; with the login on, every page but the login asks for a signed-in session."""
from __future__ import annotations

import bisect
import re
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from .. import report, storage
from ..assessment import DOCUMENT_KINDS
from ..provisions import split_provisions
from ..rules import bundled_library
from . import service
from .api import rule_set_view
from .db import get_db
from .errors import fail
from .security import check_csrf, check_login, logged_in, login_enabled

bp = Blueprint("pages", __name__)

KIND_LABELS = {"agreement": "Agreement draft", "statement": "Statement by a state or institution"}
OPEN = {"pages.login", "static"}


@bp.before_app_request
def _guard():
    if request.blueprint == "api" or request.endpoint in OPEN or request.endpoint is None:
        return None
    if not logged_in():
        return redirect(url_for("pages.login", next=request.full_path.rstrip("?")), 303)
    return None


@bp.before_request
def _csrf():
    if request.method == "POST":
        check_csrf()


# ---------------------------------------------------------------- assess


@bp.get("/")
def home():
    return render_template("web/home.html", **_form_context())


def _form_context(values: dict | None = None, error: str | None = None, errors=()) -> dict:
    library = bundled_library()
    values = values or {}
    chosen = values.get("rule_sets") or [rs.id for rs in library.select()]
    return {"rule_sets": library.select(), "chosen": chosen, "kinds": KIND_LABELS,
            "values": values, "error": error, "errors": list(errors),
            "max_mb": current_app.config["MAX_UPLOAD_MB"]}


@bp.post("/assessments")
def create():
    form = request.form
    values = {"title": form.get("title", "").strip(), "text": form.get("text", ""),
              "rule_sets": form.getlist("rule_sets"), "document_kind": form.get("document_kind", "agreement"),
              "no_store": bool(form.get("no_store"))}
    upload = request.files.get("file")
    if upload is not None and not upload.filename:
        upload = None
    try:
        if values["document_kind"] not in DOCUMENT_KINDS:
            fail(422, "Choose whether the text is an agreement draft or a statement.")
        if not values["rule_sets"]:
            fail(422, "Choose at least one rule set.")
        if len(values["title"]) > 200:
            fail(422, "The title is longer than 200 characters: shorten it.")
        sub = service.Submission(title=values["title"] or None, rule_sets=values["rule_sets"],
                                 document_kind=values["document_kind"], store=not values["no_store"])
        if upload is not None:
            sub.data, sub.filename = upload.read(), upload.filename
        elif values["text"].strip():
            sub.text = values["text"]
        else:
            fail(422, service.NOTHING_SENT)
        outcome = service.run(sub)
    except HTTPException as exc:
        if not hasattr(exc, "errors"):
            raise
        return render_template("web/home.html", **_form_context(values, exc.description, exc.errors)), exc.code
    if outcome.assessment_id is None:
        view = _report_context(outcome.result, outcome.document.text, title=values["title"] or None,
                               stored=False)
        return render_template("web/report.html", **view)
    return redirect(url_for("pages.report", assessment_id=outcome.assessment_id), 303)


# ---------------------------------------------------------------- report


@bp.get("/assessments/<int:assessment_id>", endpoint="report")
def report_page(assessment_id: int):
    row, document = service.load(assessment_id)
    view = _report_context(service.for_report(row, document), document["text"],
                           title=document["title"], stored=True, row=row, document=document)
    return render_template("web/report.html", **view)


@bp.get("/assessments/<int:assessment_id>.<fmt>")
def download(assessment_id: int, fmt: str):
    return service.download(assessment_id, fmt)


def _report_context(result: dict, text: str, title: str | None, stored: bool,
                    row: dict | None = None, document: dict | None = None) -> dict:
    view = report.report_view(result, bundled_library())
    draft = DraftText(text, result)
    for r in _all_results(view):
        for ev in r["evidence"]:
            ev["anchor"] = draft.anchor_at(ev["start"])
    for flag in view["flags"]:
        flag["anchor"] = draft.anchor_at(flag["start"])
    return {"r": view, "draft": draft.blocks(), "stored": stored, "row": row, "document": document,
            "title": title or result["document"]["name"], "formats": service.formats() if stored else [],
            "kind_label": KIND_LABELS.get(result["document_kind"], result["document_kind"])}


def _all_results(view: dict):
    seen = set()
    for group in view["themes"] + view["asks_themes"]:
        for r in group["results"]:
            if id(r) not in seen:
                seen.add(id(r))
                yield r


class DraftText:
    """The draft split into its provisions, each with an anchor ``prov-<ref>``, and the
    evidence highlighted: quotes in ``<mark class="q">``, the matched terms in
    ``<mark class="t">``. Everything from the draft is escaped."""

    def __init__(self, text: str, result: dict):
        self.text = text
        self.provisions = split_provisions(text)
        self.starts = [p.start for p in self.provisions]
        self.anchors = []
        used: dict[str, int] = {}
        for p in self.provisions:
            base = "prov-" + re.sub(r"\s+", "-", p.ref.strip())
            used[base] = used.get(base, 0) + 1
            self.anchors.append(base if used[base] == 1 else f"{base}-{used[base]}")
        quotes, terms = [], []
        for r in result["results"]:
            for ev in r["evidence"]:
                start, end = max(0, ev["start"]), min(len(text), ev["end"])
                if start >= end:
                    continue
                quotes.append((start, end))
                for term in ev.get("terms") or ():
                    if term.strip():
                        for m in re.finditer(re.escape(term), text[start:end], re.IGNORECASE):
                            terms.append((start + m.start(), start + m.end()))
        self.quotes = _merge(quotes)
        self.terms = _merge(terms)

    def anchor_at(self, offset: int) -> str | None:
        if not self.anchors:
            return "prov-text"
        return self.anchors[max(0, bisect.bisect_right(self.starts, offset) - 1)]

    def blocks(self) -> list[dict]:
        out = []
        for p, anchor in zip(self.provisions, self.anchors):
            html = self.marked(p.start, p.end)
            out.append({"ref": p.ref, "anchor": anchor, "depth": min(p.depth, 4), "kind": p.kind,
                        "html": html, "marked": "<mark" in html})
        if not out:
            out.append({"ref": "", "anchor": "prov-text", "depth": 0, "kind": "paragraph",
                        "html": self.marked(0, len(self.text)), "marked": False})
        return out

    def marked(self, start: int, end: int) -> Markup:
        cuts = {start, end}
        for intervals in (self.quotes, self.terms):
            for a, b in _within(intervals, start, end):
                cuts.update((a, b))
        points = sorted(cuts)
        parts = []
        for a, b in zip(points, points[1:]):
            piece = escape(self.text[a:b])
            if _inside(self.terms, a):
                parts.append(Markup('<mark class="t">%s</mark>') % piece)
            elif _inside(self.quotes, a):
                parts.append(Markup('<mark class="q">%s</mark>') % piece)
            else:
                parts.append(piece)
        return Markup("").join(parts).strip()


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _within(intervals, start: int, end: int):
    i = max(0, bisect.bisect_right(intervals, (start, start)) - 1)
    while i < len(intervals) and intervals[i][0] < end:
        a, b = intervals[i]
        if b > start:
            yield max(a, start), min(b, end)
        i += 1


def _inside(intervals, point: int) -> bool:
    i = bisect.bisect_right(intervals, (point, float("inf"))) - 1
    return i >= 0 and intervals[i][0] <= point < intervals[i][1]


# ---------------------------------------------------------------- rule sets and history


@bp.get("/rule-sets")
def rule_sets():
    library = bundled_library()
    sets = [rule_set_view(rs, library, demands=True) for rs in library.select()]
    return render_template("web/rule_sets.html", sets=sets, statuses=report.STATUS_WORDS
                           if hasattr(report, "STATUS_WORDS") else {})


@bp.get("/history")
def history():
    return render_template("web/history.html", documents=storage.list_documents(get_db()),
                           kinds=KIND_LABELS)


@bp.post("/documents/<int:document_id>/delete")
def delete_document(document_id: int):
    db = get_db()
    document = storage.get_document(db, document_id)
    if document is None or not storage.delete_document(db, document_id):
        fail(404, f"There is no document {document_id}: it may have been deleted already.")
    flash(f"Deleted “{document['title'] or document['filename']}” and all its assessments.")
    return redirect(url_for("pages.history"), 303)


# ---------------------------------------------------------------- login


@bp.route("/login", methods=["GET", "POST"])
def login():
    if not login_enabled():
        return redirect(url_for("pages.home"))
    target = _safe_next(request.values.get("next"))
    error = None
    if request.method == "POST":         # the CSRF token was checked before the view
        if check_login(request.form.get("user", ""), request.form.get("password", "")):
            csrf = session.get("csrf")
            session.clear()
            session["user"] = current_app.config["LOGIN_USER"]
            session["csrf"] = csrf
            return redirect(target, 303)
        error = "The user name or password is wrong."
    return render_template("web/login.html", error=error, next=target), 401 if error else 200


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("pages.login") if login_enabled() else url_for("pages.home"), 303)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if not target:
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("pages.home")
    return target


bp.add_app_template_filter(report.highlight, "highlight")
