"""The database connection of a request lives on ``g``; between requests it is kept, one per
thread and database, instead of being closed at teardown.

Opening a connection costs about 0.6 ms and closing the last one to a database about 1 ms
(SQLite checkpoints the write-ahead log when its last connection closes): together 6% of an
assessment request. A kept connection is never shared between threads (sqlite3 forbids it),
one made before a fork is not used after it, a request that ends inside a transaction has it
rolled back at teardown, and each thread keeps at most ``KEEP`` databases open (tests create
many).
"""
from __future__ import annotations

import os
import threading

import click
from flask import Flask, current_app, g
from flask.cli import with_appcontext

from .. import storage

KEEP = 4
_kept = threading.local()


def get_db():
    if "db" not in g:
        g.db = _connection(current_app.config["DATABASE"])
    return g.db


def _connection(path):
    pool = getattr(_kept, "pool", None)
    if pool is None or getattr(_kept, "pid", None) != os.getpid():
        pool = _kept.pool = {}          # a fork's child opens its own
        _kept.pid = os.getpid()
    key = str(path)
    db = pool.pop(key, None)
    if db is None:
        db = storage.connect(path, run_migrations=False)
        while len(pool) >= KEEP:
            pool.pop(next(iter(pool))).close()
    pool[key] = db                      # most recently used last
    return db


def close_db(exc=None) -> None:
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()              # never carry a request's half-done work into the next


def forget_connections() -> None:
    """Close this thread's kept connections (for tests and shutdown)."""
    for db in getattr(_kept, "pool", {}).values():
        db.close()
    _kept.pool, _kept.pid = {}, os.getpid()


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or migrate the database.

    Example: flask --app checklist.web init-db
    """
    db = storage.connect(current_app.config["DATABASE"], run_migrations=False)
    applied = storage.migrate(db)
    db.close()
    click.echo(f"Applied migrations {applied} to {current_app.config['DATABASE']}." if applied
               else f"{current_app.config['DATABASE']} is up to date.")


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
    # migrate once at start-up, so a new instance works without `init-db`
    storage.connect(app.config["DATABASE"]).close()
