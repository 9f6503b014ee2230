"""``checklist serve``: run the web app on this machine."""
from __future__ import annotations

import ipaddress
from pathlib import Path

import click


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Other than this machine only with a login set.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--sample", is_flag=True,
              help="Assess and store the sample drafts in samples/*.txt on start-up.")
def serve(host, port, sample):
    """Serve the web app (pages and the JSON API) on this machine.

    Drafts are stored in the instance folder's database, or in CHECKLIST_DATABASE.

    Example: checklist serve --sample
    """
    from ..errors import ChecklistError
    from . import ConfigError, create_app

    try:
        app = create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    if not _loopback(host) and not (app.config["LOGIN_USER"] and app.config["API_TOKEN"]):
        raise click.ClickException(
            f"Serving on {host} would open confidential drafts to the network: set "
            "CHECKLIST_LOGIN_USER, CHECKLIST_LOGIN_PASSWORD and CHECKLIST_API_TOKEN first, "
            "or serve on 127.0.0.1.")
    if sample:
        try:
            for line in load_samples(app):
                click.echo(line, err=True)
        except ChecklistError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"checklist on http://{host}:{port}/  (Ctrl+C to stop)", err=True)
    from werkzeug.serving import run_simple
    run_simple(host, port, app, threaded=True)


def load_samples(app, folder: Path | None = None) -> list[str]:
    """Assess and store every ``*.txt`` in ``folder`` (default: the bundled samples); one line
    of news per draft."""
    from .. import resources, storage
    from ..assessment import assess
    from ..documents import read_file
    from ..rules import bundled_library

    folder = resources.samples_dir() if folder is None else folder
    if not folder.is_dir():
        return [f"No sample folder at {folder}: nothing to assess."]
    paths = sorted(folder.glob("*.txt"))
    if not paths:
        return [f"No *.txt draft in {folder}: nothing to assess."]
    library = bundled_library()
    db = storage.connect(app.config["DATABASE"])
    out = []
    try:
        for path in paths:
            doc = read_file(path)
            _, assessment_id = storage.save_assessment(db, doc, assess(doc, None, library),
                                                       title=f"Sample: {path.stem}")
            out.append(f"Assessed sample {path.name}: /assessments/{assessment_id}")
    finally:
        db.close()
    return out
