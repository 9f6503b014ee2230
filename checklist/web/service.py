"""What the pages and the API share: read a submitted draft, assess it, store it or not."""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from flask import current_app, url_for

from .. import compare as comparing
from .. import report, storage
from ..assessment import assess
from ..documents import Document, Limits, document_from_text, read_document
from ..errors import DocumentError, RuleError
from ..rules import bundled_library
from ..speaker import Speaker
from .db import get_db
from .errors import fail

log = logging.getLogger(__name__)

NOTHING_SENT = "Paste the draft's text or choose a file to upload."
DOWNLOADS = ("json", "csv", "md", "pdf")


@dataclass
class Submission:
    title: str | None = None
    rule_sets: list[str] | None = None
    document_kind: str = "auto"
    speaker: dict | None = None       # {"name", "kind"} when the user gives the speaker
    store: bool = True
    text: str | None = None           # pasted text
    data: bytes | None = None         # or an uploaded file's bytes
    filename: str | None = None
    previous_document_id: int | None = None   # a new version of this stored document


@dataclass
class Outcome:
    result: dict
    document: Document
    document_id: int | None = None
    assessment_id: int | None = None


def limits() -> Limits:
    return replace(Limits(), max_bytes=current_app.config["MAX_UPLOAD_BYTES"])


def read_submission(sub: Submission) -> Document:
    """The submitted draft as a Document; a user error stops the request with 413, 415 or 422."""
    lim = limits()
    if sub.data is not None:
        try:
            return read_document(sub.data, sub.filename or "unnamed file", lim)
        except DocumentError as exc:
            fail({"too_large": 413, "unsupported": 415}.get(exc.kind, 422), str(exc))
    if sub.text is None:
        fail(422, NOTHING_SENT)
    if len(sub.text) > lim.max_characters:
        fail(413, f"The text has {len(sub.text):,} characters; the limit is {lim.max_characters:,}. "
                  "Split the draft.")
    try:
        return document_from_text(sub.text, sub.title or "pasted text")
    except DocumentError as exc:
        fail(422, str(exc))


def run(sub: Submission) -> Outcome:
    """Assess the submission against the chosen rule sets; store it unless ``store`` is off."""
    library = bundled_library()
    try:
        rule_sets = library.select(sub.rule_sets)
    except RuleError as exc:
        fail(422, str(exc))
    document = read_submission(sub)
    speaker = Speaker.given(sub.speaker.get("name", ""), sub.speaker["kind"]) if sub.speaker else None
    result = assess(document, rule_sets, library, document_kind=sub.document_kind, speaker=speaker)
    if not sub.store:
        log.info("assessed a draft in memory (%d characters), nothing stored", len(document.text))
        return Outcome(result, document)
    try:
        document_id, assessment_id = storage.save_assessment(
            get_db(), document, result, sub.title, previous_document_id=sub.previous_document_id)
    except storage.ReviewError as exc:
        fail(422, str(exc))
    log.info("stored assessment %d of document %d", assessment_id, document_id)
    return Outcome(result, document, document_id, assessment_id)


def formats() -> list[str]:
    """The download formats this version of the report module can write."""
    return [f for f in DOWNLOADS if f in report.FORMATS]


def load(assessment_id: int) -> tuple[dict, dict]:
    """The stored assessment row and its document, or 404."""
    db = get_db()
    row = storage.get_assessment(db, assessment_id)
    if row is None:
        fail(404, f"There is no assessment {assessment_id}: it may have been deleted; see the history.")
    return row, storage.get_document(db, row["document_id"])


def reviewed(row: dict) -> dict:
    """The stored result with its reviews: reviewed statuses, the machine's kept beside them."""
    return storage.reviewed_result(get_db(), row)


def for_report(row: dict, document: dict) -> dict:
    """The stored result with its reviews, and the title and date the reports show."""
    return {**reviewed(row), "title": document["title"] or document["filename"],
            "created_at": row["created_at"]}


def urls(assessment_id: int) -> dict:
    out = {"html": url_for("pages.report", assessment_id=assessment_id, _external=True)}
    for fmt in formats():
        out[fmt] = url_for("api.download", assessment_id=assessment_id, fmt=fmt, _external=True)
    return out


def download(assessment_id: int, fmt: str):
    """A stored assessment rendered as ``fmt``, served as an attachment."""
    if fmt not in formats():
        fail(404, f"The {fmt} format is not available: choose one of {', '.join(formats())}.")
    row, document = load(assessment_id)
    if fmt == "json":
        body = report.render(reviewed(row), "json")
    else:
        body = report.render(for_report(row, document), fmt)
    media = getattr(report, "MEDIA_TYPES", {}).get(fmt, "application/octet-stream")
    response = current_app.response_class(body, mimetype=None, content_type=media)
    response.headers["Content-Disposition"] = f'attachment; filename="assessment-{assessment_id}.{fmt}"'
    return response


# ---------------------------------------------------------------- reviews


def add_review(assessment_id: int, demand: str, reviewer: str, reason: str, status: str | None = None,
               action: str = "set") -> dict:
    """Record a review or a withdrawal; 404 for no such assessment, 422 with the reviewer's
    message otherwise."""
    try:
        review = storage.add_review(get_db(), assessment_id, demand, reviewer, reason,
                                    status=status, action=action)
    except LookupError as exc:
        fail(404, str(exc.args[0]))
    except storage.ReviewError as exc:
        fail(422, str(exc))
    log.info("review %d (%s) of %s in assessment %d", review["id"], action, demand, assessment_id)
    return review


# ---------------------------------------------------------------- comparing


def stored_document(document: dict) -> Document:
    """A stored document row as the Document the engine read."""
    return Document(name=document["title"] or document["filename"], text=document["text"],
                    format=document["format"], language=document["language"], sha256=document["sha256"])


def compare_stored(old_id: int, new_id: int, new: tuple[dict, Document] | None = None) -> dict:
    """The comparison (``checklist.comparison/1``) of two stored assessments, or of a stored one
    with ``new`` (an assessment made in memory and its document)."""
    old_row, old_doc = load(old_id)
    if new is None:
        new_row, new_doc = load(new_id)
        new = (reviewed(new_row), stored_document(new_doc))
    try:   # the engine's statuses are compared; reviews are shown beside them
        return comparing.compare_assessments(reviewed(old_row), stored_document(old_doc), *new)
    except ValueError as exc:
        fail(422, str(exc))


def compare_texts(old_text: str, new_text: str, rule_sets: list[str] | None,
                  document_kind: str) -> dict:
    """Assess two pasted versions in memory and compare them; nothing is stored."""
    library = bundled_library()
    try:
        chosen = library.select(rule_sets)
    except RuleError as exc:
        fail(422, str(exc))
    old = read_submission(Submission(text=old_text, title="old version"))
    new = read_submission(Submission(text=new_text, title="new version"))
    return comparing.compare(old, new, chosen, library, document_kind)
