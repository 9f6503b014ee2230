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
``migrations``
    The schema versions applied, with the time they were applied.

Foreign keys cascade: deleting a document deletes its assessments and their findings
(``PRAGMA foreign_keys=ON`` is set on every connection :func:`connect` opens).

Migrations are explicit: :data:`MIGRATIONS` is an ordered list of ``(version, name, function)``;
:func:`migrate` applies, each in its own transaction, those not yet recorded in ``migrations``.
To change the schema, append a function; never edit one that has shipped. The reviews issue,
for instance, adds ``(2, "reviews", _m002_reviews)`` creating a ``reviews`` table whose
``finding_id`` references ``findings(id) ON DELETE CASCADE``, so deleting a draft removes its
reviews too.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

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


MIGRATIONS = [
    (1, "initial: documents, assessments, findings", _m001_initial),
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
    done = {row["version"] for row in db.query("SELECT version FROM migrations")}
    applied = []
    for version, name, function in MIGRATIONS:
        if version in done:
            continue
        with db.atomic():
            function(db)
            db.execute("INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                       [version, name, _now()])
        applied.append(version)
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
        db.enable_wal()
    if run_migrations:
        migrate(db)
    return db


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# ---------------------------------------------------------------------------------------------
# Writing


def save_assessment(db: sqlite_utils.Database, document: Document, result: dict,
                    title: str | None = None, now: str | None = None) -> tuple[int, int]:
    """Store ``document`` (once per sha256) and its assessment ``result`` with one row per
    finding, all in one transaction; return ``(document_id, assessment_id)``."""
    now = now or _now()
    with db.atomic():
        document_id = _document_id(db, document, title, now)
        assessment_id = db.table("assessments").insert({
            "document_id": document_id,
            "rule_sets": json.dumps([rs["id"] for rs in result["rule_sets"]]),
            "engine_version": str(result["engine"]["version"]),
            "document_kind": result["document_kind"],
            "created_at": now,
            "summary": json.dumps(result["summary"], sort_keys=True),
            "result": json.dumps(result, sort_keys=True, ensure_ascii=False),
        }).last_pk
        _insert_findings(db, assessment_id, result["results"])
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
    db.table("findings").insert_all(({
        "assessment_id": assessment_id,
        "demand": r["demand"],
        "rule_set": r["rule_set"],
        "status": r["status"],
        "reasons": json.dumps(r["reasons"], ensure_ascii=False),
        "evidence": json.dumps(r["evidence"], ensure_ascii=False),
    } for r in results))


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
    return out


def get_findings(db: sqlite_utils.Database, assessment_id: int) -> list[dict]:
    rows = db.query("SELECT * FROM findings WHERE assessment_id = ? ORDER BY id", [assessment_id])
    return [{**r, "reasons": json.loads(r["reasons"]), "evidence": json.loads(r["evidence"])} for r in rows]


def list_documents(db: sqlite_utils.Database) -> list[dict]:
    """Every document (without its text), newest first, each with its ``assessments``
    (newest first, with ``summary`` and ``rule_sets`` decoded)."""
    docs = list(db.query(
        "SELECT d.id, d.title, d.filename, d.sha256, d.language, d.format, d.characters, d.uploaded_at,"
        " coalesce(max(a.created_at), d.uploaded_at) AS last_activity"
        " FROM documents d LEFT JOIN assessments a ON a.document_id = d.id"
        " GROUP BY d.id ORDER BY last_activity DESC, max(a.id) DESC, d.id DESC"))
    by_id = {d["id"]: {**d, "assessments": []} for d in docs}
    for row in db.query(
            "SELECT id, document_id, rule_sets, engine_version, document_kind, created_at, summary"
            " FROM assessments ORDER BY created_at DESC, id DESC"):
        if row["document_id"] in by_id:
            by_id[row["document_id"]]["assessments"].append(_decode_assessment(row))
    return [by_id[d["id"]] for d in docs]


def counts(db: sqlite_utils.Database) -> dict:
    """Rows per table: ``{"documents": n, "assessments": n, "findings": n}``."""
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "assessments", "findings")}
