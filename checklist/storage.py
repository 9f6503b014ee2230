"""Stored drafts and assessments: plain SQLite through sqlite-utils (no Flask here).

Anyone can open the database with ``sqlite3`` or Datasette. Tables:

``documents``
    One row per distinct draft: ``sha256`` of the uploaded bytes is UNIQUE, so the same draft
    uploaded twice is one document. ``text`` is the plain text the engine read.
``assessments``
    One row per assessment of a document: which ``rule_sets`` (JSON list of ids), the engine
    version, the ``document_kind``, ``summary`` (JSON counts) and the whole ``result``
    (the ``checklist.assessment/1`` JSON).
``findings``
    One row per demand in an assessment (``status``, ``reasons`` and ``evidence`` as JSON), for
    queries such as "every draft where tot-2025/1 is absent".
``reviews`` (migration 2)
    The audit trail of people's reviews, append-only: one row per act. ``action`` 'set' gives a
    demand of an assessment the status ``to_status`` (it read ``from_status`` before), with the
    ``reviewer``'s name and a ``reason``; 'withdraw' ends the current review (``to_status`` is
    then the automatic reading again). The current review of a demand is its latest row when
    that row is a 'set'. ``provisions`` (JSON) lists the evidence provisions the review relied
    on, each ``{"ref", "sha256"}`` with the hash of its normalised wording (label stripped,
    lower-case words), so a review can follow the draft to its next version:
    ``carried_from_review_id`` and ``needs_rereview`` record that (see :func:`carry_reviews`).
    Triggers refuse UPDATE and DELETE of rows, except the cascade from deleting the document.
``documents.previous_id`` (migration 2)
    The document this one is a new version of, if the user said so.
``migrations``
    The schema versions applied, with the time they were applied.

Foreign keys cascade: deleting a document deletes its assessments, their findings and their
reviews (``PRAGMA foreign_keys=ON`` is set on every connection :func:`connect` opens).

Migrations are explicit: :data:`MIGRATIONS` is an ordered list of ``(version, name, function)``;
:func:`migrate` applies, each in its own transaction, those not yet recorded in ``migrations``.
To change the schema, append a function; never edit one that has shipped.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .assessment import STATUS_ORDER
from .documents import Document


# ---------------------------------------------------------------------------------------------
# Migrations


def _m001_initial(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            title TEXT,
            filename TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            language TEXT NOT NULL,
            format TEXT NOT NULL,
            characters INTEGER NOT NULL,
            uploaded_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            rule_sets TEXT NOT NULL,
            engine_version TEXT NOT NULL,
            document_kind TEXT NOT NULL,
            created_at TEXT NOT NULL,
            summary TEXT NOT NULL,
            result TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            demand TEXT NOT NULL,
            rule_set TEXT NOT NULL,
            status TEXT NOT NULL,
            reasons TEXT NOT NULL,
            evidence TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX idx_documents_uploaded_at ON documents(uploaded_at)")
    db.execute("CREATE INDEX idx_assessments_document_id ON assessments(document_id)")
    db.execute("CREATE INDEX idx_assessments_created_at ON assessments(created_at)")
    db.execute("CREATE INDEX idx_findings_assessment_id ON findings(assessment_id)")
    db.execute("CREATE INDEX idx_findings_demand_status ON findings(demand, status)")


APPEND_ONLY = "reviews are append-only: record a new review or a withdrawal instead"


def _m002_reviews(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE documents ADD COLUMN previous_id INTEGER"
               " REFERENCES documents(id) ON DELETE SET NULL")
    db.execute("""
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            demand TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('set', 'withdraw')),
            from_status TEXT NOT NULL,
            to_status TEXT NOT NULL,
            reviewer TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
            reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            created_at TEXT NOT NULL,
            carried_from_review_id INTEGER,
            needs_rereview INTEGER NOT NULL DEFAULT 0 CHECK (needs_rereview IN (0, 1)),
            provisions TEXT NOT NULL DEFAULT '[]'
        )""")
    # carried_from_review_id has no foreign key on purpose: the review it came from goes with
    # the older version's document when that is deleted, and this row must stay as written.
    db.execute("CREATE INDEX idx_reviews_assessment_demand ON reviews(assessment_id, demand, id)")
    db.execute("CREATE INDEX idx_documents_previous_id ON documents(previous_id)")
    db.execute(f"""
        CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""")
    # the cascade from deleting an assessment (or its document) runs after the assessment row
    # is gone, so it passes; deleting a review of an existing assessment does not
    db.execute(f"""
        CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
        WHEN EXISTS (SELECT 1 FROM assessments WHERE id = OLD.assessment_id)
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""")


MIGRATIONS = [
    (1, "initial: documents, assessments, findings", _m001_initial),
    (2, "reviews: append-only audit trail; documents.previous_id", _m002_reviews),
]


def migrate(db: sqlite_utils.Database) -> list[int]:
    """Apply the migrations not yet applied; return their versions (``[]`` when up to date).

    Each migration and its row in ``migrations`` are written in one transaction."""
    db.execute("""
        CREATE TABLE IF NOT EXISTS migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )""")
    applied = []
    conn = db.conn
    for version, name, function in MIGRATIONS:
        if conn.in_transaction:
            conn.commit()
        # Take the write lock first, then look: two processes opening a new database at once
        # (gunicorn workers) must not both apply the same migration.
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = conn.execute("SELECT 1 FROM migrations WHERE version = ?", [version]).fetchone()
            if not done:
                function(db)
                conn.execute("INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                             [version, name, _now()])
                applied.append(version)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    return applied


def schema_version(db: sqlite_utils.Database) -> int:
    """The highest applied migration (0 for a new database)."""
    if "migrations" not in db.table_names():
        return 0
    return db.execute("SELECT coalesce(max(version), 0) FROM migrations").fetchone()[0]


# ---------------------------------------------------------------------------------------------
# Connections


def connect(path: str | Path, run_migrations: bool = True) -> sqlite_utils.Database:
    """Open the database at ``path`` with foreign keys on and WAL journaling; migrate it."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=30))
    db.execute("PRAGMA foreign_keys=ON")
    if str(path) != ":memory:":
        _enable_wal(db)
    if run_migrations:
        migrate(db)
    return db


def _enable_wal(db: sqlite_utils.Database, attempts: int = 100) -> None:
    """Switch to WAL journaling. Switching takes an exclusive lock and SQLite answers "locked"
    at once, without waiting, while another process switches too: look, retry briefly."""
    import time

    for attempt in range(attempts):
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            return
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# ---------------------------------------------------------------------------------------------
# Writing


def save_assessment(db: sqlite_utils.Database, document: Document, result: dict,
                    title: str | None = None, now: str | None = None,
                    previous_document_id: int | None = None) -> tuple[int, int]:
    """Store ``document`` (once per sha256) and its assessment ``result`` with one row per
    finding, all in one transaction; return ``(document_id, assessment_id)``.

    With ``previous_document_id`` the document is recorded as a new version of that one, and
    the current reviews of the previous document's latest assessment are carried over
    (:func:`carry_reviews`). Raises :class:`ReviewError` when there is no such document."""
    now = now or _now()
    with db.atomic():
        if previous_document_id is not None and get_document(db, previous_document_id) is None:
            raise ReviewError(f"There is no document {previous_document_id} to follow: choose a stored "
                              "draft as the previous version, or none.")
        document_id = _document_id(db, document, title, now)
        assessment_id = db.execute(
            "INSERT INTO assessments (document_id, rule_sets, engine_version, document_kind, created_at,"
            " summary, result) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [document_id, json.dumps([rs["id"] for rs in result["rule_sets"]]),
             str(result["engine"]["version"]), result["document_kind"], now,
             json.dumps(result["summary"], sort_keys=True),
             json.dumps(result, sort_keys=True, ensure_ascii=False)]).lastrowid
        _insert_findings(db, assessment_id, result["results"])
        if previous_document_id is not None and previous_document_id != document_id:
            db.execute("UPDATE documents SET previous_id = ? WHERE id = ?", [previous_document_id, document_id])
            previous = latest_assessment_id(db, previous_document_id, before=assessment_id)
            if previous is not None:
                carry_reviews(db, previous, assessment_id, now)
    return document_id, assessment_id


def _document_id(db: sqlite_utils.Database, document: Document, title: str | None, now: str) -> int:
    db.execute(
        "INSERT INTO documents (title, filename, sha256, text, language, format, characters, uploaded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING",
        [title or None, document.name, document.sha256, document.text, document.language,
         document.format, len(document.text), now])
    row = db.execute("SELECT id, title FROM documents WHERE sha256 = ?", [document.sha256]).fetchone()
    if title and not row[1]:
        db.execute("UPDATE documents SET title = ? WHERE id = ?", [title, row[0]])
    return row[0]


def _insert_findings(db: sqlite_utils.Database, assessment_id: int, results: list[dict]) -> None:
    # plain executemany: sqlite-utils' insert_all would read the table's schema on every call
    db.conn.executemany(
        "INSERT INTO findings (assessment_id, demand, rule_set, status, reasons, evidence)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(assessment_id, r["demand"], r["rule_set"], r["status"],
          json.dumps(r["reasons"], ensure_ascii=False), json.dumps(r["evidence"], ensure_ascii=False))
         for r in results])


def delete_document(db: sqlite_utils.Database, document_id: int) -> bool:
    """Delete a document with all its assessments and findings; False if there was none."""
    with db.atomic():
        cursor = db.execute("DELETE FROM documents WHERE id = ?", [document_id])
    return cursor.rowcount > 0


# ---------------------------------------------------------------------------------------------
# Reading


def get_document(db: sqlite_utils.Database, document_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM documents WHERE id = ?", [document_id]))
    return rows[0] if rows else None


def get_assessment(db: sqlite_utils.Database, assessment_id: int) -> dict | None:
    """The assessment row with ``rule_sets``, ``summary`` and ``result`` decoded, or None."""
    rows = list(db.query("SELECT * FROM assessments WHERE id = ?", [assessment_id]))
    if not rows:
        return None
    return _decode_assessment(rows[0])


def _decode_assessment(row: dict) -> dict:
    out = dict(row)
    for key in ("rule_sets", "summary", "result"):
        if key in out:
            out[key] = json.loads(out[key])
    if isinstance(out.get("result"), dict):
        out["result"].setdefault("speaker", None)     # stored before speakers were read
    return out


def get_findings(db: sqlite_utils.Database, assessment_id: int) -> list[dict]:
    rows = db.query("SELECT * FROM findings WHERE assessment_id = ? ORDER BY id", [assessment_id])
    return [{**r, "reasons": json.loads(r["reasons"]), "evidence": json.loads(r["evidence"])} for r in rows]


def list_documents(db: sqlite_utils.Database) -> list[dict]:
    """Every document (without its text), newest first, each with its ``assessments``
    (newest first, with ``summary`` and ``rule_sets`` decoded; the summary counts reviewed
    statuses, and ``reviewed`` / ``needs_rereview`` count the current reviews)."""
    docs = list(db.query(
        "SELECT d.id, d.title, d.filename, d.sha256, d.language, d.format, d.characters, d.uploaded_at,"
        " d.previous_id,"
        " coalesce(max(a.created_at), d.uploaded_at) AS last_activity"
        " FROM documents d LEFT JOIN assessments a ON a.document_id = d.id"
        " GROUP BY d.id ORDER BY last_activity DESC, max(a.id) DESC, d.id DESC"))
    by_id = {d["id"]: {**d, "assessments": []} for d in docs}
    for row in db.query(
            "SELECT id, document_id, rule_sets, engine_version, document_kind, created_at, summary"
            " FROM assessments ORDER BY created_at DESC, id DESC"):
        if row["document_id"] in by_id:
            by_id[row["document_id"]]["assessments"].append(
                {**_decode_assessment(row), "reviewed": 0, "needs_rereview": 0})
    reviewed = {r[0] for r in db.execute("SELECT DISTINCT assessment_id FROM reviews")}
    for d in by_id.values():
        for a in d["assessments"]:
            if a["id"] in reviewed:
                result = reviewed_result(db, get_assessment(db, a["id"]))
                a["summary"] = result["summary"]
                current = [r["review"] for r in result["results"] if r["review"]]
                a["reviewed"] = len(current)
                a["needs_rereview"] = sum(rv["needs_rereview"] for rv in current)
    return [by_id[d["id"]] for d in docs]


def counts(db: sqlite_utils.Database) -> dict:
    """Rows per table: ``{"documents": n, "assessments": n, "findings": n}``."""
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "assessments", "findings")}


def latest_assessment_id(db: sqlite_utils.Database, document_id: int, before: int | None = None) -> int | None:
    """The newest assessment of a document (other than ``before`` and later ones), or None."""
    row = db.execute("SELECT id FROM assessments WHERE document_id = ? AND (? IS NULL OR id < ?)"
                     " ORDER BY created_at DESC, id DESC LIMIT 1", [document_id, before, before]).fetchone()
    return row[0] if row else None


# ---------------------------------------------------------------------------------------------
# Reviews


class ReviewError(ValueError):
    """A review that cannot be recorded; the message says what to change."""


REASON_REQUIRED = "Give a reason for the review: say what in the text makes the status different."
WITHDRAW_REASON_REQUIRED = "Give a reason for withdrawing the review."
REVIEWER_REQUIRED = "Give the reviewer's name."
MAX_REVIEWER = 100
MAX_REASON = 2000


def _provision_hashes(text: str) -> tuple[list, list[int]]:
    """Each provision of ``text`` as ``(ref, sha256 of its normalised wording)``, and their starts."""
    from .compare import provision_texts
    from .provisions import split_provisions

    provisions = split_provisions(text)
    out = [(p.ref, hashlib.sha256(" ".join(p.keys).encode("utf-8")).hexdigest())
           for p in provision_texts(text, provisions)]
    return out, [p.start for p in provisions]


def relied_on(text: str, evidence: list[dict]) -> list[dict]:
    """The provisions ``evidence`` quotes, once each, as ``{"ref", "sha256"}``."""
    if not evidence:
        return []
    hashes, starts = _provision_hashes(text)
    out, seen = [], set()
    for ev in evidence:
        i = max(0, bisect.bisect_right(starts, ev["start"]) - 1)
        if hashes and i not in seen:
            seen.add(i)
            out.append({"ref": hashes[i][0], "sha256": hashes[i][1]})
    return out


def add_review(db: sqlite_utils.Database, assessment_id: int, demand: str, reviewer: str, reason: str,
               status: str | None = None, action: str = "set", now: str | None = None) -> dict:
    """Record a review (``action`` 'set' with ``status``) or the withdrawal of the current one;
    return the new row. Raises :class:`ReviewError` with a message for the reviewer, or
    LookupError when there is no such assessment."""
    reviewer, reason = (reviewer or "").strip(), (reason or "").strip()
    if action not in ("set", "withdraw"):
        raise ReviewError(f"Unknown action '{action}': 'set' a status, or 'withdraw' the review.")
    if not reviewer:
        raise ReviewError(REVIEWER_REQUIRED)
    if not reason:
        raise ReviewError(REASON_REQUIRED if action == "set" else WITHDRAW_REASON_REQUIRED)
    if len(reviewer) > MAX_REVIEWER or len(reason) > MAX_REASON:
        raise ReviewError(f"Keep the name within {MAX_REVIEWER} characters and the reason within "
                          f"{MAX_REASON:,}.")
    with db.atomic():
        row = get_assessment(db, assessment_id)
        if row is None:
            raise LookupError(f"There is no assessment {assessment_id}: it may have been deleted; see the history.")
        results = {r["demand"]: r for r in row["result"]["results"]}
        if demand not in results:
            raise ReviewError(f"Assessment {assessment_id} has no demand '{demand}': choose one of its "
                              f"demands, such as {next(iter(results), 'tot-2025/1')}.")
        machine = results[demand]["status"]
        current = current_reviews(db, assessment_id).get(demand)
        shown = current["to_status"] if current else machine
        if action == "withdraw":
            if current is None:
                raise ReviewError(f"{demand} has no review to withdraw.")
            to_status, provisions = machine, current["provisions"]
        else:
            if status not in STATUS_ORDER:
                raise ReviewError(f"Unknown status '{status}': choose one of {', '.join(STATUS_ORDER)}.")
            if status == shown and not (current and current["needs_rereview"]):
                raise ReviewError(f"{demand} already reads {status}: choose another status.")
            to_status = status
            document = get_document(db, row["document_id"])
            provisions = relied_on(document["text"], results[demand]["evidence"])
        review_id = db.table("reviews").insert({
            "assessment_id": assessment_id, "demand": demand, "action": action,
            "from_status": shown, "to_status": to_status, "reviewer": reviewer, "reason": reason,
            "created_at": now or _now(), "carried_from_review_id": None, "needs_rereview": 0,
            "provisions": json.dumps(provisions, ensure_ascii=False),
        }).last_pk
    return get_review(db, review_id)


def _decode_review(row: dict) -> dict:
    return {**row, "needs_rereview": bool(row["needs_rereview"]), "provisions": json.loads(row["provisions"])}


def get_review(db: sqlite_utils.Database, review_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM reviews WHERE id = ?", [review_id]))
    return _decode_review(rows[0]) if rows else None


def list_reviews(db: sqlite_utils.Database, assessment_id: int) -> list[dict]:
    """The audit trail of an assessment: every review row, oldest first."""
    return [_decode_review(r) for r in
            db.query("SELECT * FROM reviews WHERE assessment_id = ? ORDER BY id", [assessment_id])]


def current_reviews(db: sqlite_utils.Database, assessment_id: int) -> dict[str, dict]:
    """Demand -> its current review (the latest row, when it is a 'set')."""
    latest: dict[str, dict] = {}
    for r in list_reviews(db, assessment_id):
        latest[r["demand"]] = r
    return {d: r for d, r in latest.items() if r["action"] == "set"}


def carry_reviews(db: sqlite_utils.Database, from_assessment_id: int, to_assessment_id: int,
                  now: str | None = None) -> list[dict]:
    """Carry the current reviews of one assessment to the assessment of a new version.

    A review is carried as a new row pointing back with ``carried_from_review_id``. It needs
    re-review (``needs_rereview`` 1) when a provision it relied on is no longer in the new text
    with the same wording (changed or removed; found by the hash of the normalised wording, so
    renumbering alone does not count), when the automatic reading of the demand changed, or
    when the review it came from already needed re-review. Demands the new assessment does not
    have are not carried. Returns the new rows."""
    reviews = current_reviews(db, from_assessment_id)
    if not reviews:
        return []
    old_row, new_row = get_assessment(db, from_assessment_id), get_assessment(db, to_assessment_id)
    old_machine = {r["demand"]: r["status"] for r in old_row["result"]["results"]}
    new_results = {r["demand"]: r for r in new_row["result"]["results"]}
    hashes, _ = _provision_hashes(get_document(db, new_row["document_id"])["text"])
    new_ref = {}
    for ref, digest in hashes:
        new_ref.setdefault(digest, ref)
    now = now or _now()
    carried = []
    for demand, review in reviews.items():
        result = new_results.get(demand)
        if result is None:
            continue
        provisions = [{"ref": new_ref.get(p["sha256"], p["ref"]), "sha256": p["sha256"],
                       "unchanged": p["sha256"] in new_ref} for p in review["provisions"]]
        changed = (not all(p["unchanged"] for p in provisions)
                   or old_machine.get(demand) != result["status"] or review["needs_rereview"])
        carried.append(db.table("reviews").insert({
            "assessment_id": to_assessment_id, "demand": demand, "action": "set",
            "from_status": result["status"], "to_status": review["to_status"],
            "reviewer": review["reviewer"], "reason": review["reason"], "created_at": now,
            "carried_from_review_id": review["id"], "needs_rereview": int(bool(changed)),
            "provisions": json.dumps(provisions, ensure_ascii=False),
        }).last_pk)
    return [get_review(db, i) for i in carried]


def reviewed_result(db: sqlite_utils.Database, row: dict) -> dict:
    """The stored result of assessment ``row`` as the reports show it, with its reviews.

    The stored engine result is not changed. When the assessment has any review row, every
    result gets ``machine_status`` (the engine's), ``review`` (the current review as
    ``{status, reviewer, reason, at, needs_rereview, carried_from_review_id, provisions}``, or
    None) and ``audit`` (its rows, oldest first), ``status`` becomes the reviewed status and
    the summaries count the reviewed statuses. Without reviews the result is as stored."""
    result = row["result"]
    trail = list_reviews(db, row["id"])
    if not trail:
        return result
    current = current_reviews(db, row["id"])
    by_demand: dict[str, list] = {}
    for r in trail:
        by_demand.setdefault(r["demand"], []).append(
            {"id": r["id"], "action": r["action"], "from": r["from_status"], "to": r["to_status"],
             "reviewer": r["reviewer"], "reason": r["reason"], "at": r["created_at"],
             "carried_from_review_id": r["carried_from_review_id"], "needs_rereview": r["needs_rereview"]})
    out = dict(result)
    out["results"] = []
    summary = {s: 0 for s in STATUS_ORDER}
    asks = {s: 0 for s in STATUS_ORDER}
    for r in result["results"]:
        review = current.get(r["demand"])
        r = {**r, "machine_status": r["status"], "audit": by_demand.get(r["demand"], []), "review": None}
        if review:
            r["status"] = review["to_status"]
            r["review"] = {"status": review["to_status"], "reviewer": review["reviewer"],
                           "reason": review["reason"], "at": review["created_at"],
                           "needs_rereview": review["needs_rereview"],
                           "carried_from_review_id": review["carried_from_review_id"],
                           "provisions": review["provisions"]}
        (summary if r["section"] == "gaps" else asks)[r["status"]] += 1
        out["results"].append(r)
    out["summary"], out["summary_asks_to_states"] = summary, asks
    return out
