"""The database connection of a request lives on ``g`` and is closed at teardown."""
from __future__ import annotations

import click
from flask import Flask, current_app, g
from flask.cli import with_appcontext

from .. import storage


def get_db():
    if "db" not in g:
        g.db = storage.connect(current_app.config["DATABASE"], run_migrations=False)
    return g.db


def close_db(exc=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


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
