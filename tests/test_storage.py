"""Storage: schema, migrations, dedupe by sha256, cascade delete, atomic writes."""
from __future__ import annotations

import sqlite3

import pytest

from checklist import storage
from checklist.assessment import assess
from checklist.documents import document_from_text


@pytest.fixture
def db(tmp_path):
    db = storage.connect(tmp_path / "db.sqlite")
    yield db
    db.close()


@pytest.fixture
def saved(db, draft_text):
    doc = document_from_text(draft_text, "draft.txt")
    result = assess(doc)
    return doc, result


def test_new_database_is_migrated_with_foreign_keys_and_wal(db):
    assert set(db.table_names()) >= {"documents", "assessments", "findings", "migrations"}
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert storage.schema_version(db) == storage.MIGRATIONS[-1][0]
    assert [r["version"] for r in db.query("SELECT version FROM migrations")] == [m[0] for m in storage.MIGRATIONS]
    indexes = {i.name for t in ("documents", "assessments", "findings") for i in db.table(t).indexes}
    assert {"idx_assessments_document_id", "idx_findings_assessment_id"} <= indexes


def test_migrations_are_idempotent(tmp_path):
    path = tmp_path / "db.sqlite"
    db = storage.connect(path, run_migrations=False)
    assert storage.schema_version(db) == 0
    assert storage.migrate(db) == [m[0] for m in storage.MIGRATIONS]
    assert storage.migrate(db) == []
    db.close()
    db = storage.connect(path)          # migrating again on reconnect does nothing
    assert db.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(storage.MIGRATIONS)


def test_a_new_migration_is_applied_once(db, monkeypatch):
    def m_next(d):
        d.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, finding_id INTEGER NOT NULL"
                  " REFERENCES findings(id) ON DELETE CASCADE, note TEXT)")
    version = storage.MIGRATIONS[-1][0] + 1
    monkeypatch.setattr(storage, "MIGRATIONS", storage.MIGRATIONS + [(version, "notes", m_next)])
    assert storage.migrate(db) == [version]
    assert storage.migrate(db) == []
    assert "notes" in db.table_names()


def test_a_failing_migration_leaves_no_trace(db, monkeypatch):
    def broken(d):
        d.execute("CREATE TABLE half_done (id INTEGER)")
        raise RuntimeError("boom")
    last = storage.MIGRATIONS[-1][0]
    monkeypatch.setattr(storage, "MIGRATIONS", storage.MIGRATIONS + [(last + 1, "broken", broken)])
    with pytest.raises(RuntimeError):
        storage.migrate(db)
    assert "half_done" not in db.table_names()
    assert storage.schema_version(db) == last


def test_save_and_read_back(db, saved):
    doc, result = saved
    document_id, assessment_id = storage.save_assessment(db, doc, result, title="My draft",
                                                         now="2025-01-02T03:04:05+00:00")
    row = storage.get_assessment(db, assessment_id)
    assert row["document_id"] == document_id
    assert row["result"] == result
    assert row["summary"] == result["summary"]
    assert row["rule_sets"] == [rs["id"] for rs in result["rule_sets"]]
    assert row["created_at"] == "2025-01-02T03:04:05+00:00"
    stored = storage.get_document(db, document_id)
    assert (stored["title"], stored["filename"], stored["text"]) == ("My draft", "draft.txt", doc.text)
    assert stored["characters"] == len(doc.text)
    findings = storage.get_findings(db, assessment_id)
    assert [f["demand"] for f in findings] == [r["demand"] for r in result["results"]]
    assert findings[0]["evidence"] == result["results"][0]["evidence"]
    assert storage.get_assessment(db, 999) is None and storage.get_document(db, 999) is None


def test_same_draft_twice_is_one_document(db, saved):
    doc, result = saved
    d1, a1 = storage.save_assessment(db, doc, result, now="2025-01-01T00:00:00+00:00")
    d2, a2 = storage.save_assessment(db, doc, result, title="Later title", now="2025-01-02T00:00:00+00:00")
    assert d1 == d2 and a1 != a2
    assert storage.counts(db) == {"documents": 1, "assessments": 2,
                                  "findings": 2 * len(result["results"])}
    assert storage.get_document(db, d1)["title"] == "Later title"   # a missing title is filled in
    listed = storage.list_documents(db)
    assert [a["id"] for a in listed[0]["assessments"]] == [a2, a1]    # newest first
    assert "text" not in listed[0]


def test_history_is_newest_first(db, saved, other_draft_text):
    doc, result = saved
    other = document_from_text(other_draft_text, "other.txt")
    storage.save_assessment(db, doc, result, now="2025-01-01T00:00:00+00:00")
    storage.save_assessment(db, other, assess(other), now="2025-01-02T00:00:00+00:00")
    assert [d["filename"] for d in storage.list_documents(db)] == ["other.txt", "draft.txt"]
    storage.save_assessment(db, doc, result, now="2025-01-03T00:00:00+00:00")
    assert [d["filename"] for d in storage.list_documents(db)] == ["draft.txt", "other.txt"]


def test_delete_cascades_to_assessments_and_findings(db, saved, other_draft_text):
    doc, result = saved
    other = document_from_text(other_draft_text, "other.txt")
    d1, _ = storage.save_assessment(db, doc, result)
    storage.save_assessment(db, doc, result)
    d2, a3 = storage.save_assessment(db, other, assess(other))
    assert storage.delete_document(db, d1) is True
    assert storage.counts(db) == {"documents": 1, "assessments": 1,
                                  "findings": len(storage.get_findings(db, a3))}
    assert storage.delete_document(db, d1) is False
    # the text is really gone from the file, not only hidden
    assert db.execute("SELECT count(*) FROM documents WHERE text LIKE '%arbitrarily detained%'").fetchone()[0] == 0


def test_failure_between_assessment_and_findings_writes_nothing(db, saved, monkeypatch):
    doc, result = saved

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(storage, "_insert_findings", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        storage.save_assessment(db, doc, result)
    assert storage.counts(db) == {"documents": 0, "assessments": 0, "findings": 0}
    monkeypatch.undo()
    storage.save_assessment(db, doc, result)       # the connection is usable afterwards
    assert storage.counts(db)["assessments"] == 1


def test_readable_with_plain_sqlite3(tmp_path, saved):
    doc, result = saved
    path = tmp_path / "db.sqlite"
    db = storage.connect(path)
    storage.save_assessment(db, doc, result)
    db.close()
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT demand, status FROM findings JOIN assessments a ON a.id = assessment_id"
                        " WHERE demand = 'tot-2025/1'").fetchall()
    assert rows == [("tot-2025/1", "met")]
    conn.close()


def test_two_processes_migrating_a_new_database_at_once(tmp_path):
    """gunicorn workers open a new database together: exactly one applies each migration."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    for trial in range(6):
        db_path = tmp_path / f"race{trial}.sqlite"
        barrier = ctx.Barrier(3)
        procs = [ctx.Process(target=_open_after, args=(barrier, str(db_path))) for _ in range(3)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        assert [p.exitcode for p in procs] == [0, 0, 0]
        db = storage.connect(db_path)
        versions = [r["version"] for r in db.query("SELECT version FROM migrations ORDER BY version")]
        assert versions == [v for v, _, _ in storage.MIGRATIONS]
        db.close()


def _open_after(barrier, path):
    barrier.wait()
    storage.connect(path).close()
