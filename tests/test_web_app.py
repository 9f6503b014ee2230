"""The app factory's configuration layers, the init-db and serve commands."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checklist import storage
from checklist.web import ConfigError, create_app
from checklist.web.cli import load_samples, serve

ENV = ("CHECKLIST_DATABASE", "CHECKLIST_SECRET_KEY", "CHECKLIST_MAX_UPLOAD_MB", "CHECKLIST_API_TOKEN",
       "CHECKLIST_LOGIN_USER", "CHECKLIST_LOGIN_PASSWORD")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def test_defaults(tmp_path, instance):
    app = create_app({"DATABASE": str(tmp_path / "db.sqlite")})
    assert app.config["MAX_UPLOAD_MB"] == 20
    assert app.config["MAX_UPLOAD_BYTES"] == 20 * 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] == 21 * 1024 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] == 21 * 1024 * 1024
    assert app.config["API_TOKEN"] is None and app.config["LOGIN_USER"] is None
    assert len(app.config["SECRET_KEY"]) == 64
    assert create_app({"DATABASE": str(tmp_path / "db.sqlite")}).config["SECRET_KEY"] != app.config["SECRET_KEY"]
    assert (tmp_path / "db.sqlite").exists()                    # migrated at start-up


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """Point the app's instance folder at a temporary folder."""
    import flask
    folder = tmp_path / "instance"
    folder.mkdir()
    real = flask.Flask.__init__

    def init(self, *args, **kwargs):
        real(self, *args, **{**kwargs, "instance_path": str(folder)})
    monkeypatch.setattr(flask.Flask, "__init__", init)
    return folder


def test_default_database_is_in_the_instance_folder(instance):
    app = create_app()
    assert app.config["DATABASE"] == str(instance / "checklist.sqlite")
    assert (instance / "checklist.sqlite").exists()


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKLIST_DATABASE", str(tmp_path / "env.sqlite"))
    monkeypatch.setenv("CHECKLIST_SECRET_KEY", "from-env")
    monkeypatch.setenv("CHECKLIST_MAX_UPLOAD_MB", "5")
    monkeypatch.setenv("CHECKLIST_API_TOKEN", "tok")
    monkeypatch.setenv("CHECKLIST_LOGIN_USER", "u")
    monkeypatch.setenv("CHECKLIST_LOGIN_PASSWORD", "p")
    app = create_app()
    assert app.config["DATABASE"] == str(tmp_path / "env.sqlite")
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["MAX_UPLOAD_BYTES"] == 5 * 1024 * 1024
    assert (app.config["API_TOKEN"], app.config["LOGIN_USER"], app.config["LOGIN_PASSWORD"]) == ("tok", "u", "p")
    # test_config comes last
    assert create_app({"SECRET_KEY": "test"}).config["SECRET_KEY"] == "test"


def test_instance_config_file(tmp_path, instance, monkeypatch):
    (instance / "config.py").write_text(f"DATABASE = {str(tmp_path / 'file.sqlite')!r}\nMAX_UPLOAD_MB = 2\n")
    app = create_app()
    assert app.config["DATABASE"] == str(tmp_path / "file.sqlite")
    assert app.config["MAX_UPLOAD_MB"] == 2
    monkeypatch.setenv("CHECKLIST_MAX_UPLOAD_MB", "3")          # the environment wins over the file
    assert create_app().config["MAX_UPLOAD_MB"] == 3


@pytest.mark.parametrize("config, message", [
    ({"MAX_UPLOAD_MB": "lots"}, "CHECKLIST_MAX_UPLOAD_MB must be a number of megabytes, such as 20; got 'lots'."),
    ({"MAX_UPLOAD_MB": "0"}, "CHECKLIST_MAX_UPLOAD_MB must be more than 0; got '0'."),
    ({"LOGIN_USER": "u"}, "Set both CHECKLIST_LOGIN_USER and CHECKLIST_LOGIN_PASSWORD to turn on the login, "
                          "or neither to turn it off."),
    ({"SECRET_KEY": ""}, "CHECKLIST_SECRET_KEY is empty: set it to a long random string, or unset it."),
])
def test_bad_configuration(tmp_path, config, message):
    with pytest.raises(ConfigError) as exc:
        create_app({"DATABASE": str(tmp_path / "db.sqlite"), **config})
    assert str(exc.value) == message


def test_init_db_command(runner, app):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0
    assert result.output == f"{app.config['DATABASE']} is up to date.\n"


def test_flask_app_option_finds_the_factory(tmp_path):
    env = {**os.environ, "CHECKLIST_DATABASE": str(tmp_path / "db.sqlite")}
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "checklist.web", "routes"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "api.create_assessment" in out.stdout and "pages.report" in out.stdout


# ---------------------------------------------------------------- serve


def test_serve_refuses_the_network_without_access_control(monkeypatch, tmp_path):
    monkeypatch.setenv("CHECKLIST_DATABASE", str(tmp_path / "db.sqlite"))
    result = CliRunner().invoke(serve, ["--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert result.output == ("Error: Serving on 0.0.0.0 would open confidential drafts to the network: set "
                             "CHECKLIST_LOGIN_USER, CHECKLIST_LOGIN_PASSWORD and CHECKLIST_API_TOKEN first, "
                             "or serve on 127.0.0.1.\n")


def test_serve_reports_bad_configuration(monkeypatch):
    monkeypatch.setenv("CHECKLIST_MAX_UPLOAD_MB", "x")
    result = CliRunner().invoke(serve, [])
    assert result.exit_code == 1
    assert "Error: CHECKLIST_MAX_UPLOAD_MB must be a number of megabytes, such as 20; got 'x'." in result.output


def test_serve_runs_on_localhost_with_samples(monkeypatch, tmp_path):
    monkeypatch.setenv("CHECKLIST_DATABASE", str(tmp_path / "db.sqlite"))
    calls = []
    import werkzeug.serving
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda host, port, app, **kw: calls.append((host, port)))
    result = CliRunner().invoke(serve, ["--sample", "--port", "5055"])
    assert result.exit_code == 0, result.output
    assert calls == [("127.0.0.1", 5055)]
    assert "checklist on http://127.0.0.1:5055/" in result.output
    samples = sorted(Path(__file__).resolve().parent.parent.joinpath("samples").glob("*.txt"))
    if samples:
        assert f"Assessed sample {samples[0].name}: /assessments/1" in result.output


def test_load_samples(app, tmp_path, draft_text):
    folder = tmp_path / "samples"
    assert load_samples(app, folder) == [f"No sample folder at {folder}: nothing to assess."]
    folder.mkdir()
    assert load_samples(app, folder) == [f"No *.txt draft in {folder}: nothing to assess."]
    (folder / "a.txt").write_text(draft_text)
    assert load_samples(app, folder) == ["Assessed sample a.txt: /assessments/1"]
    db = storage.connect(app.config["DATABASE"])
    assert storage.get_document(db, 1)["title"] == "Sample: a"
    db.close()


def test_serve_help_has_an_example():
    result = CliRunner().invoke(serve, ["--help"])
    assert "Example: checklist serve --sample" in result.output
