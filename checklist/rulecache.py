"""The validated rule library, kept between processes.

Validating every rule file (marshmallow) costs a command about 100 ms, and importing
marshmallow another 50 ms. While no rule file has changed, the library validated last time is
read back instead: a pickle in the user's cache folder (``$CHECKLIST_CACHE_DIR``, else
``$XDG_CACHE_HOME/checklist``, else ``~/.cache/checklist``; ``CHECKLIST_CACHE_DIR=off``
turns it off), named by a SHA-256 over every rule file's bytes and the source of
``checklist/rules.py`` and ``checklist/engine.py`` (so a change of code makes a new key).

Written atomically (a temporary file renamed into place); read only if this user owns it; a
cache that cannot be read or written is silently not used, never an error. A library whose
rule files have problems is never cached: the loader reports them every time.

Imports neither marshmallow nor :mod:`checklist.rules` unless the cache misses.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from .library import Library
from .resources import configured_rules_dir, extra_rules_dirs

CACHE_ENV = "CHECKLIST_CACHE_DIR"
CACHE_FORMAT = b"checklist-library-cache/1"
CACHE_KEEP = 4                   # cache files kept; older keys are removed when one is written


def cache_dir() -> Path | None:
    """Where the validated library is kept: ``$CHECKLIST_CACHE_DIR`` (``off`` for no cache),
    else ``$XDG_CACHE_HOME/checklist``, else ``~/.cache/checklist``; None when off."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return None if env.lower() == "off" else Path(env)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not base:
        try:
            base = Path.home() / ".cache"
        except (RuntimeError, KeyError):      # no home folder: no cache
            return None
    return Path(base) / "checklist"


def cache_key(roots) -> str | None:
    """SHA-256 of every rule file's bytes (and its path) under ``roots``, of this module's and
    the engine's source, of checklist's and Python's versions; None if a file cannot be read
    (then the loader, not the cache, says what is wrong)."""
    from . import __version__
    from .resources import source_bytes

    h = hashlib.sha256(CACHE_FORMAT)
    try:
        h.update(f"{__version__}|{sys.version_info[:3]}|".encode())
        for module in ("rules.py", "library.py", "terms.py", "engine.py", "morphology.py"):
            h.update(b"\0module\0" + source_bytes(module))
        for root in roots:
            root = Path(root).resolve()
            h.update(b"\0root\0" + os.fsencode(root))
            for path in sorted(root.rglob("*.toml")):
                data = path.read_bytes()
                h.update(b"\0file\0" + os.fsencode(path.relative_to(root)) + b"\0%d\0" % len(data) + data)
    except (OSError, ValueError):
        return None
    return h.hexdigest()


def _cache_read(path: Path) -> Library | None:
    """The cached library, or None (no file, not ours, unreadable, from other code)."""
    try:
        with open(path, "rb") as f:
            if hasattr(os, "getuid") and os.fstat(f.fileno()).st_uid != os.getuid():
                return None            # only a file this user wrote is unpickled
            lib = pickle.load(f)
    except Exception:                  # noqa: BLE001 - any unreadable cache means: no cache
        return None
    return lib if isinstance(lib, Library) else None


def _cache_write(folder: Path, path: Path, lib: Library) -> None:
    """Write atomically (a temporary file renamed over the name); on any failure, no cache."""
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".library-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(lib, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        old = sorted(folder.glob("library-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
    except Exception:                  # noqa: BLE001 - a read-only or full disk: no cache
        pass
    finally:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def load_library_cached(root: Path | str | None = None, extras=()) -> Library:
    """:func:`load_library_with`, reusing the validated library from the cache folder while
    the key (:func:`cache_key`) is unchanged. A cache that cannot be read or written is
    silently not used; a library with problems is never cached."""
    root = Path(root) if root else configured_rules_dir()
    extras = [Path(p) for p in extras]
    folder = cache_dir()
    key = cache_key([root, *extras]) if folder is not None and root.is_dir() else None
    path = folder / f"library-{key}.pickle" if key else None
    if path is not None:
        lib = _cache_read(path)
        if lib is not None:
            return lib
    from .rules import load_library_with

    lib = load_library_with(root, extras)
    if path is not None:
        lib.lexicon         # every concept compiled, and their index, kept with the library
        _cache_write(folder, path, lib)
    return lib


@lru_cache(maxsize=8)
def _cached_library(root: str, extras: tuple[str, ...] = ()) -> Library:
    return load_library_cached(root, extras)


def library(extras=()) -> Library:
    """The rule sets of ``$CHECKLIST_RULES`` (default: the bundled ones), those of
    ``$CHECKLIST_RULES_EXTRA`` and of ``extras`` (``--rules-dir``): validated once per process,
    and across processes through the cache."""
    extra = tuple(str(p) for p in [*extra_rules_dirs(), *extras])
    return _cached_library(str(configured_rules_dir()), extra)
