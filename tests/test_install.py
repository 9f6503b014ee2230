"""checklist installs like a library: the sdist and the wheel carry the rule sets, templates,
sample and static files, and checklist.resources finds them (in this checkout, and in an
unpacked wheel). .ci/wheel-install goes further: a fresh virtualenv, run from another folder."""
from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from checklist import resources

ROOT = Path(__file__).resolve().parents[1]


def _tree(folder: Path, *patterns) -> set[str]:
    return {p.relative_to(folder).as_posix() for pat in patterns for p in folder.rglob(pat) if p.is_file()}


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """The sdist, and the wheel built from it (python -m build, no isolation: offline)."""
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--skip-dependency-check",
                        "--outdir", str(out), str(ROOT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    (sdist,) = out.glob("checklist-*.tar.gz")
    (wheel,) = out.glob("checklist-*.whl")
    return sdist, wheel


def test_wheel_holds_every_data_file(dist):
    _, wheel = dist
    names = set(zipfile.ZipFile(wheel).namelist())
    rules = _tree(ROOT / "rules", "*.toml")
    templates = _tree(ROOT / "templates", "*.html", "*.css")
    assert len(rules) >= 50 and "tot-2025/01.toml" in rules and "concepts.d/justice.toml" in rules
    assert {f"checklist/_data/rules/{p}" for p in rules} <= names
    assert {f"checklist/_data/templates/{p}" for p in templates} <= names
    assert "checklist/_data/templates/batch/matrix.html" in names
    assert {f"checklist/_data/samples/{p}" for p in _tree(ROOT / "samples", "*.txt")} <= names
    assert {"checklist/web/static/checklist.css", "checklist/web/static/favicon.svg"} <= names
    assert "checklist/resources.py" in names and "checklist/rulecache.py" in names
    assert not any(n.startswith(("tests/", "rules/", "templates/")) for n in names)


def test_sdist_holds_the_data_folders(dist):
    sdist, _ = dist
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {f"rules/{p}" for p in _tree(ROOT / "rules", "*.toml")} <= names
    assert {f"templates/{p}" for p in _tree(ROOT / "templates", "*.html", "*.css")} <= names
    assert {"samples/draft-ceasefire-memorandum.txt", "checklist/web/static/checklist.css",
            "setup.cfg", "pyproject.toml", "README.md"} <= names


def test_unpacked_wheel_finds_its_own_data(dist, tmp_path):
    """Imported from an unpacked wheel (as site-packages holds it), away from the checkout,
    checklist finds checklist/_data/ and loads every bundled rule set."""
    _, wheel = dist
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import checklist, checklist.resources as r, checklist.rules as rules;"
            "print(checklist.__file__); print(r.rules_dir()); print(r.templates_dir()); print(r.static_dir());"
            "print(','.join(sorted(rules.load_library().rule_sets)))")
    env = {"PATH": "/usr/bin:/bin", "CHECKLIST_CACHE_DIR": "off"}
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                         cwd=tmp_path, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == str(site / "checklist" / "__init__.py")
    assert lines[1:4] == [str(site / "checklist" / "_data" / "rules"), str(site / "checklist" / "_data" / "templates"),
                          str(site / "checklist" / "web" / "static")]
    assert lines[4] == ",".join(sorted(p.name for p in (ROOT / "rules").iterdir()
                                       if p.is_dir() and p.name != "concepts.d"))


def test_resources_in_the_checkout():
    assert resources.rules_dir() == ROOT / "rules"
    assert resources.templates_dir() == ROOT / "templates"
    assert resources.samples_dir() == ROOT / "samples"
    assert resources.static_dir() == ROOT / "checklist" / "web" / "static"
    assert resources.source_bytes("engine.py") == (ROOT / "checklist" / "engine.py").read_bytes()


def test_resources_configured_and_extra_folders(monkeypatch, tmp_path):
    monkeypatch.delenv("CHECKLIST_RULES", raising=False)
    monkeypatch.delenv("CHECKLIST_RULES_EXTRA", raising=False)
    assert resources.configured_rules_dir() == ROOT / "rules"
    assert resources.extra_rules_dirs() == []
    monkeypatch.setenv("CHECKLIST_RULES", str(tmp_path))
    monkeypatch.setenv("CHECKLIST_RULES_EXTRA", f"{tmp_path / 'a'}{__import__('os').pathsep}{tmp_path / 'b'}")
    assert resources.configured_rules_dir() == tmp_path
    assert resources.extra_rules_dirs() == [tmp_path / "a", tmp_path / "b"]


def test_unknown_data_folder():
    with pytest.raises(ValueError):
        resources.data_dir("secrets")


def test_commands_that_do_not_serve_import_no_flask_weasyprint_pdfium_or_marshmallow(tmp_path):
    """checklist assess of a .txt, JSON out, with the rule cache warm: none of the heavy imports."""
    draft = ROOT / "tests" / "data" / "drafts" / "silent.txt"
    code = ("import sys\nfrom checklist.cli import main\n"
            f"main(['assess', {str(draft)!r}, '-o', {str(tmp_path / 'a.json')!r}], standalone_mode=False)\n"
            "print(' '.join(m for m in ('flask', 'weasyprint', 'pypdfium2', 'marshmallow', 'jinja2',"
            " 'multiprocessing') if m in sys.modules))")
    env = {"PATH": "/usr/bin:/bin", "CHECKLIST_CACHE_DIR": str(tmp_path / "cache")}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert "flask" not in first.stdout.split() and "weasyprint" not in first.stdout.split()
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == ""          # cache warm: not even marshmallow
    assert (tmp_path / "a.json").read_text().startswith("{")


def test_serve_is_still_a_command():
    from click.testing import CliRunner

    from checklist.cli import main
    r = CliRunner().invoke(main, ["--help"])
    assert "serve" in r.output and r.exit_code == 0
    r = CliRunner().invoke(main, ["serve", "--help"])
    assert r.exit_code == 0 and "Example: checklist serve --sample" in r.output
