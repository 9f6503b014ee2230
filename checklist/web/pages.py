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

from .. import compare as comparing
from .. import report, storage
from ..assessment import KIND_CHOICES, STATUS_ORDER, speaker_note
from ..speaker import SPEAKER_KINDS
from ..provisions import split_provisions
from ..rules import bundled_library
from . import service
from .api import rule_set_view
from .db import get_db
from .errors import fail
from .security import check_csrf, check_login, logged_in, login_enabled

bp = Blueprint("pages", __name__)

KIND_LABELS = {"agreement": "Agreement draft", "statement": "Statement by a state or institution"}
CHOICE_LABELS = {"auto": "Read it from the text's title", **KIND_LABELS}
SPEAKER_LABELS = {"state": "A state (government, ministry, parliament)", "eu": "The EU (Council, Commission, High Representative)",
                  "asp": "The Assembly of States Parties", "un": "A UN body", "icc": "The ICC",
                  "otp": "The ICC's Office of the Prosecutor", "other": "Another body"}
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
    return {"rule_sets": library.select(), "chosen": chosen, "kinds": CHOICE_LABELS, "speakers": SPEAKER_LABELS,
            "values": values, "error": error, "errors": list(errors),
            "max_mb": current_app.config["MAX_UPLOAD_MB"],
            "documents": storage.list_documents(get_db())}


def _attach_draft(sub: service.Submission, upload, text: str) -> None:
    """The draft of a form: the uploaded file if any, else the pasted text, else a 422."""
    if upload is not None:
        sub.data, sub.filename = upload.read(), upload.filename
    elif text.strip():
        sub.text = text
    else:
        fail(422, service.NOTHING_SENT)


def _previous_id(value: str | None) -> int | None:
    """The "new version of" select: empty for none, else a document id."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        fail(422, "Choose the earlier version from the list, or none.")
    return int(value)


@bp.post("/assessments")
def create():
    form = request.form
    values = {"title": form.get("title", "").strip(), "text": form.get("text", ""),
              "rule_sets": form.getlist("rule_sets"), "document_kind": form.get("document_kind", "auto"),
              "speaker_kind": form.get("speaker_kind", ""), "speaker_name": form.get("speaker_name", "").strip(),
              "no_store": bool(form.get("no_store")), "previous_document_id": form.get("previous_document_id", "")}
    upload = request.files.get("file")
    if upload is not None and not upload.filename:
        upload = None
    try:
        if values["document_kind"] not in KIND_CHOICES:
            fail(422, "Choose whether the text is an agreement draft or a statement, or let it be read from the text.")
        if values["speaker_kind"] and values["speaker_kind"] not in SPEAKER_KINDS:
            fail(422, "Choose the speaker's kind from the list, or leave it to be read from the text.")
        if len(values["speaker_name"]) > 200:
            fail(422, "The speaker's name is longer than 200 characters: shorten it.")
        if not values["rule_sets"]:
            fail(422, "Choose at least one rule set.")
        if len(values["title"]) > 200:
            fail(422, "The title is longer than 200 characters: shorten it.")
        sub = service.Submission(title=values["title"] or None, rule_sets=values["rule_sets"],
                                 document_kind=values["document_kind"], store=not values["no_store"],
                                 previous_document_id=_previous_id(values["previous_document_id"]),
                                 speaker={"kind": values["speaker_kind"], "name": values["speaker_name"]}
                                 if values["speaker_kind"] else None)
        _attach_draft(sub, upload, values["text"])
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
def report_page(assessment_id: int, review_error: dict | None = None):
    row, document = service.load(assessment_id)
    view = _report_context(service.for_report(row, document), document["text"],
                           title=document["title"], stored=True, row=row, document=document)
    if review_error is not None:
        review_error["at_finding"] = any(r["demand"] == review_error["demand"] for r in row["result"]["results"])
    view["review_error"] = review_error
    view["reviewer"] = session.get("reviewer", "")
    return render_template("web/report.html", **view)


@bp.post("/assessments/<int:assessment_id>/reviews")
def review(assessment_id: int):
    """Set a demand's status with a reason, or withdraw the current review; back to the finding."""
    form = request.form
    action = form.get("action", "set")
    values = {"demand": form.get("demand", ""), "status": form.get("status") or None,
              "reviewer": form.get("reviewer", ""), "reason": form.get("reason", "")}
    service.load(assessment_id)
    try:
        if action not in ("set", "withdraw"):
            fail(422, f"Unknown action '{action}': 'set' a status, or 'withdraw' the review.")
        if action == "withdraw":
            values["status"] = None
        elif values["status"] is None:
            fail(422, "Choose the status the finding should have.")
        saved = service.add_review(assessment_id, action=action, **values)
    except HTTPException as exc:
        if not hasattr(exc, "errors") or exc.code != 422:
            raise
        error = {**values, "action": action, "message": exc.description}
        return report_page(assessment_id, review_error=error), 422
    session["reviewer"] = saved["reviewer"]
    if action == "withdraw":
        flash(f"Withdrew the review of {saved['demand']}: it reads {saved['to_status']} again, as the "
              "automatic reading has it.")
    else:
        flash(f"Recorded the review of {saved['demand']}: {saved['to_status']} "
              f"(it read {saved['from_status']}).")
    anchor = "d-" + re.sub(r"[^a-z0-9]+", "-", saved["demand"].lower()).strip("-")
    return redirect(url_for("pages.report", assessment_id=assessment_id, _anchor=anchor), 303)


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
        flag["anchor"] = draft.anchor_at(flag["start"]) if flag.get("start") is not None else None
    return {"r": view, "draft": draft.blocks(), "stored": stored, "row": row, "document": document,
            "title": title or result["document"]["name"], "formats": service.formats() if stored else [],
            "kind_label": KIND_LABELS.get(result["document_kind"], result["document_kind"]),
            "speaker_note": speaker_note(result),
            "statuses": STATUS_ORDER, "status_words": report.STATUS_WORDS, "review_error": None,
            "reviewer": ""}


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
    documents = storage.list_documents(get_db())
    latest = {d["id"]: d["assessments"][0]["id"] for d in documents if d["assessments"]}
    names = {d["id"]: d["title"] or d["filename"] for d in documents}
    for d in documents:
        d["previous_latest"] = latest.get(d["previous_id"])
        d["previous_name"] = names.get(d["previous_id"])
        for a, before in zip(d["assessments"], d["assessments"][1:]):
            a["before"] = before["id"]              # the same draft's assessment before this one
    return render_template("web/history.html", documents=documents, kinds=KIND_LABELS)


# ---------------------------------------------------------------- compare


def _assessment_choices(documents: list[dict]) -> list[dict]:
    out = []
    for d in documents:
        for a in d["assessments"]:
            date = a["created_at"].replace("T", " ").replace("+00:00", " UTC")
            out.append({"id": a["id"], "label": f"{d['title'] or d['filename']} — report {a['id']}, {date}"})
    return out


def _compare_context(old: int | None = None, new: int | None = None, comparison: dict | None = None,
                     error: str | None = None, errors=(), values: dict | None = None) -> dict:
    documents = storage.list_documents(get_db())
    return {"choices": _assessment_choices(documents), "old": old, "new": new,
            "comparison": Markup(comparing.render_html(comparison, standalone=False)) if comparison else None,
            "summary": comparison["summary"] if comparison else None,
            "error": error, "errors": list(errors), "values": values or {},
            "max_mb": current_app.config["MAX_UPLOAD_MB"]}


@bp.get("/compare")
def compare():
    """Pick two stored assessments (``?old=&new=``) and read what changed."""
    old, new = request.args.get("old", type=int), request.args.get("new", type=int)
    if old is None or new is None:
        return render_template("web/compare.html", **_compare_context(old, new))
    if old == new:
        return render_template("web/compare.html", **_compare_context(
            old, new, error="Choose two different assessments.")), 422
    try:
        comparison = service.compare_stored(old, new)
    except HTTPException as exc:
        if not hasattr(exc, "errors") or exc.code != 422:
            raise
        return render_template("web/compare.html", **_compare_context(old, new, error=exc.description)), 422
    return render_template("web/compare.html", **_compare_context(old, new, comparison))


@bp.post("/compare")
def compare_new_version():
    """A new version of a stored draft, pasted or uploaded: assessed with the stored
    assessment's rule sets and kind, stored as a new version (its reviews carried over) unless
    asked not to, and compared."""
    form = request.form
    values = {"text": form.get("text", ""), "title": form.get("title", "").strip(),
              "no_store": bool(form.get("no_store")), "old": form.get("old", type=int)}
    upload = request.files.get("file")
    if upload is not None and not upload.filename:
        upload = None
    try:
        if values["old"] is None:
            fail(422, "Choose the stored assessment of the earlier version.")
        if len(values["title"]) > 200:
            fail(422, "The title is longer than 200 characters: shorten it.")
        old_row, old_doc = service.load(values["old"])
        sub = service.Submission(title=values["title"] or None, rule_sets=old_row["rule_sets"],
                                 document_kind=old_row["document_kind"], store=not values["no_store"],
                                 previous_document_id=old_row["document_id"])
        _attach_draft(sub, upload, values["text"])
        outcome = service.run(sub)
        if outcome.assessment_id is not None:
            return redirect(url_for("pages.compare", old=values["old"], new=outcome.assessment_id), 303)
        comparison = service.compare_stored(values["old"], 0, new=(outcome.result, outcome.document))
    except HTTPException as exc:
        if not hasattr(exc, "errors") or exc.code not in (413, 415, 422):
            raise
        return render_template("web/compare.html", **_compare_context(
            values["old"], error=exc.description, errors=exc.errors, values=values)), exc.code
    return render_template("web/compare.html", **_compare_context(values["old"], None, comparison,
                                                                  values=values))


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
