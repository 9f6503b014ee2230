"""The request's database connection: kept per thread between requests, never shared between
threads, an unfinished transaction rolled back at teardown, a bounded number kept."""
from __future__ import annotations

import threading

import pytest

from checklist.web import create_app
from checklist.web import db as webdb


@pytest.fixture(autouse=True)
def fresh_pool():
    webdb.forget_connections()
    yield
    webdb.forget_connections()


def _db_of_request(app):
    with app.app_context():
        return webdb.get_db()


def test_connection_is_kept_between_requests_of_a_thread(app):
    first = _db_of_request(app)
    second = _db_of_request(app)
    assert first is second
    assert second.execute("SELECT count(*) FROM documents").fetchone() == (0,)   # still open


def test_threads_get_their_own_connection(app):
    mine = _db_of_request(app)
    theirs = []
    worker = threading.Thread(target=lambda: theirs.append(_db_of_request(app)))
    worker.start()
    worker.join()
    assert theirs and theirs[0] is not mine


def test_unfinished_transaction_is_rolled_back_at_teardown(app):
    with app.app_context():
        db = webdb.get_db()
        db.execute("BEGIN")
        db.execute("INSERT INTO documents (filename, sha256, text, language, format, characters, uploaded_at) "
                   "VALUES ('n', 'x', 't', 'en', 'txt', 1, 'now')")
        assert db.conn.in_transaction
    db = _db_of_request(app)
    assert not db.conn.in_transaction
    assert db.execute("SELECT count(*) FROM documents").fetchone() == (0,)


def test_at_most_keep_databases_per_thread(tmp_path):
    apps = [create_app({"TESTING": True, "DATABASE": str(tmp_path / f"db{i}.sqlite"),
                        "SECRET_KEY": "s"}) for i in range(webdb.KEEP + 2)]
    conns = [_db_of_request(a) for a in apps]
    assert len(webdb._kept.pool) == webdb.KEEP
    with pytest.raises(Exception, match="closed"):
        conns[0].execute("SELECT 1")                  # the least recently used was closed
    assert _db_of_request(apps[-1]) is conns[-1]


def test_a_forked_child_does_not_use_its_parents_connection(app, monkeypatch):
    parents = _db_of_request(app)
    monkeypatch.setattr(webdb.os, "getpid", lambda: -1)      # as in a child after fork
    assert _db_of_request(app) is not parents
