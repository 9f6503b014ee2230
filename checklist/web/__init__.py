"""The web app: ``create_app`` builds it (Flask tutorial style); blueprints ``pages`` (HTML)
and ``api`` (JSON under ``/api/v1``).

Configuration, each layer overriding the one before:

1. defaults below (database in the instance folder, a random secret key per process,
   20 MB uploads, no access control);
2. ``config.py`` in the instance folder, if there is one;
3. environment variables ``CHECKLIST_DATABASE``, ``CHECKLIST_SECRET_KEY``,
   ``CHECKLIST_MAX_UPLOAD_MB``, ``CHECKLIST_API_TOKEN``, ``CHECKLIST_LOGIN_USER`` and
   ``CHECKLIST_LOGIN_PASSWORD``;
4. ``test_config``.

Run it with ``flask --app checklist.web run`` or ``checklist serve``.
"""
from __future__ import annotations

import os
import secrets

from flask import Flask

from .. import resources
from ..runtime import tune_gc

MB = 1024 * 1024

ENVIRONMENT = {
    "CHECKLIST_DATABASE": "DATABASE",
    "CHECKLIST_SECRET_KEY": "SECRET_KEY",
    "CHECKLIST_MAX_UPLOAD_MB": "MAX_UPLOAD_MB",
    "CHECKLIST_API_TOKEN": "API_TOKEN",
    "CHECKLIST_LOGIN_USER": "LOGIN_USER",
    "CHECKLIST_LOGIN_PASSWORD": "LOGIN_PASSWORD",
}


class ConfigError(ValueError):
    """The configuration cannot work; the message says which setting to fix."""


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(resources.templates_dir()),
                static_folder=str(resources.static_dir()))
    app.config.from_mapping(
        SECRET_KEY=secrets.token_hex(32),          # sessions last as long as the process
        DATABASE=os.path.join(app.instance_path, "checklist.sqlite"),
        MAX_UPLOAD_MB=20,                          # the largest draft file accepted
        MAX_CONTENT_LENGTH=None,                   # derived from MAX_UPLOAD_MB unless set
        API_TOKEN=None,                            # Authorization: Bearer <token> for /api/v1
        LOGIN_USER=None,                           # user and password for the pages
        LOGIN_PASSWORD=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_SORT_KEYS=True,
        TUNE_GC=True,                              # see checklist.runtime.tune_gc
    )
    app.config.from_pyfile("config.py", silent=True)
    for env, key in ENVIRONMENT.items():
        if os.environ.get(env):
            app.config[key] = os.environ[env]
    if test_config is not None:
        app.config.from_mapping(test_config)
    _finish_config(app)

    from . import db
    db.init_app(app)

    from . import security
    security.init_app(app)

    from . import errors
    errors.init_app(app)

    from . import api, pages
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.json.sort_keys = True

    # Read the rule files now, once per process (with `gunicorn --preload`, once for all
    # workers), so that no request pays for it and a broken rule file stops the start.
    from ..rules import bundled_library
    bundled_library()
    if app.config.get("TUNE_GC", True):
        tune_gc()
    return app


def _finish_config(app: Flask) -> None:
    config = app.config
    try:
        mb = float(config["MAX_UPLOAD_MB"])
    except (TypeError, ValueError):
        raise ConfigError(f"CHECKLIST_MAX_UPLOAD_MB must be a number of megabytes, such as 20; "
                          f"got '{config['MAX_UPLOAD_MB']}'.") from None
    if mb <= 0:
        raise ConfigError(f"CHECKLIST_MAX_UPLOAD_MB must be more than 0; got '{config['MAX_UPLOAD_MB']}'.")
    config["MAX_UPLOAD_MB"] = mb
    config["MAX_UPLOAD_BYTES"] = int(mb * MB)
    if not config["MAX_CONTENT_LENGTH"]:
        # the form fields and multipart framing around the file need a little more
        config["MAX_CONTENT_LENGTH"] = config["MAX_UPLOAD_BYTES"] + MB
    # a pasted draft arrives as a form field: allow it as much as a file
    config["MAX_FORM_MEMORY_SIZE"] = config["MAX_CONTENT_LENGTH"]
    if bool(config["LOGIN_USER"]) != bool(config["LOGIN_PASSWORD"]):
        raise ConfigError("Set both CHECKLIST_LOGIN_USER and CHECKLIST_LOGIN_PASSWORD to turn on the "
                          "login, or neither to turn it off.")
    if not config["SECRET_KEY"]:
        raise ConfigError("CHECKLIST_SECRET_KEY is empty: set it to a long random string, or unset it.")
