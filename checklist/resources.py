"""Where checklist's own data is: the bundled rule sets, the Jinja templates, the sample
drafts and the web app's static files. The only module that works these paths out.

Everything is found through :mod:`importlib.resources` from the ``checklist`` package, the
same way however checklist was installed:

* from a wheel or an sdist (``pip install checklist-*.whl``): the top-level folders
  ``rules/``, ``templates/`` and ``samples/`` are installed as package data under
  ``checklist/_data/`` (``setup.cfg`` maps them there), and the static files stay in
  ``checklist/web/static/``;
* in a source checkout or an editable install (``pip install -e .``): the package has no
  ``_data/`` folder, and the same folders are read where they are, beside the package.

Imports nothing but the standard library, so that every command can call it cheaply.
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ChecklistError

PACKAGE = "checklist"
DATA = "_data"                       # checklist/_data/<name> in an installed wheel
NAMES = ("rules", "templates", "samples")


class ResourceError(ChecklistError):
    """checklist's own data files cannot be found: the installation is incomplete."""


def _as_path(traversable) -> Path:
    """A real folder on disk (the rule loader globs and the web app serves files), or a
    clear error for a checklist imported from a zip archive."""
    if isinstance(traversable, Path):
        return traversable
    raise ResourceError(f"checklist's data ({traversable}) is not a folder on disk: install "
                        "checklist with pip (not as a zip archive) and run it again.")


@lru_cache(maxsize=1)
def package_dir() -> Path:
    """The folder of the ``checklist`` package itself."""
    return _as_path(resources.files(PACKAGE))


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """The folder of one kind of bundled data: ``rules``, ``templates`` or ``samples``."""
    if name not in NAMES:
        raise ValueError(f"unknown data folder '{name}': choose one of {', '.join(NAMES)}")
    package = resources.files(PACKAGE)
    installed = package / DATA / name
    if installed.is_dir():
        return _as_path(installed)
    checkout = package_dir().parent
    # only beside the package in a checkout (setup.cfg is there), never a stray
    # site-packages/rules
    if (checkout / "setup.cfg").is_file() and (checkout / name).is_dir():
        return checkout / name
    raise ResourceError(f"checklist's bundled {name}/ folder is missing (looked in {installed} and "
                        f"{checkout / name}): reinstall checklist with `pip install checklist-*.whl`.")


def rules_dir() -> Path:
    """The bundled rule sets (``CHECKLIST_RULES`` is applied by :mod:`checklist.rules`)."""
    return data_dir("rules")


def configured_rules_dir() -> Path:
    """The main rules folder: ``$CHECKLIST_RULES`` if set, else the bundled rule sets."""
    env = os.environ.get("CHECKLIST_RULES")
    return Path(env) if env else rules_dir()


def extra_rules_dirs() -> list[Path]:
    """A user's own rule-set folders, used beside the main ones: ``$CHECKLIST_RULES_EXTRA``,
    separated by ``os.pathsep`` (``:`` on Linux and macOS, ``;`` on Windows)."""
    env = os.environ.get("CHECKLIST_RULES_EXTRA", "")
    return [Path(p) for p in env.split(os.pathsep) if p.strip()]


def templates_dir() -> Path:
    """The Jinja templates of the reports (``report/``, ``compare/``, ``batch/``) and the web
    pages (``web/``)."""
    return data_dir("templates")


def samples_dir() -> Path:
    """The sample drafts that ``checklist demo`` and ``checklist serve --sample`` assess."""
    return data_dir("samples")


def static_dir() -> Path:
    """The web app's static files (stylesheet, icon): package data of ``checklist.web``."""
    return _as_path(resources.files(PACKAGE) / "web" / "static")


def source_bytes(module: str) -> bytes:
    """The source of one of checklist's own modules (``rules.py``, ``engine.py``), for the
    rule cache's key: a change of code makes a new key."""
    return (resources.files(PACKAGE) / module).read_bytes()
