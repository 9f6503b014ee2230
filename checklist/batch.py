"""Many drafts at once: ``checklist assess drafts/ -o reports/ --format json,csv --jobs N``.

Each draft is read and assessed in a worker process (pypdfium2 is not thread-safe, and the
engine is pure Python: processes, not threads, use several cores), which writes one report
per format into the output folder, each under a temporary name renamed into place. The main
process gathers every document's statuses into ``matrix.csv`` (one row a document, one
column a demand) and ``matrix.html`` (the same table coloured by status).

A draft that cannot be read is a failure of that draft only: it is listed with its one-line
reason and the others go on. No Flask here; WeasyPrint only when PDF reports are asked for.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ChecklistError

DRAFT_SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm", ".xhtml")
MATRIX_FILES = ("matrix.csv", "matrix.html")
MATRIX_COLUMNS = ("file", "title", "sha256", "error")
TITLE_CHARS = 120
MAX_CHUNK = 16              # drafts a worker takes at a time (fewer round trips to the pool)


class BatchError(ChecklistError):
    """The batch cannot start (no draft, an output folder that holds other files...)."""


@dataclass(frozen=True)
class Job:
    path: Path              # the draft
    label: str              # how it is named in messages and in the matrix
    base: str               # report file names: <base>.<format>


@dataclass
class Outcome:
    label: str
    base: str
    ok: bool
    error: str = ""
    title: str = ""
    sha256: str = ""
    statuses: dict = field(default_factory=dict)       # demand id -> status


# ---------------------------------------------------------------- which files


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def collect(inputs: list[Path]) -> list[Job]:
    """The drafts to assess: each file named, and each draft file (by suffix) in each folder
    named, its subfolders included. Raise BatchError for a folder without a draft."""
    found: list[tuple[Path, str, str]] = []       # (path, label, base before de-duplication)
    for item in inputs:
        if item.is_dir():
            files = sorted(p for p in item.rglob("*") if p.suffix.lower() in DRAFT_SUFFIXES
                           and not _is_hidden(p, item) and p.is_file())
            if not files:
                raise BatchError(f"{item}: no draft to assess (no {', '.join(DRAFT_SUFFIXES[:-1])} or "
                                 f"{DRAFT_SUFFIXES[-1]} file in it); put the drafts there or name the files.")
            for p in files:
                rel = p.relative_to(item)
                found.append((p, str(p), "__".join(rel.with_suffix("").parts)))
        else:
            found.append((item, str(item), item.stem))
    jobs, seen, used = [], set(), set()
    counts: dict[str, int] = {}
    for path, _label, base in found:
        counts[base] = counts.get(base, 0) + 1
    for path, label, base in found:
        key = os.path.abspath(path)
        if key in seen:
            continue                                   # the same file named twice
        seen.add(key)
        if counts[base] > 1 and path.suffix:
            base = f"{base}-{path.suffix.lstrip('.').lower()}"
        name, n = _safe_name(base), 2
        while name.lower() in used or name.lower() in MATRIX_FILES:
            name, n = f"{_safe_name(base)}-{n}", n + 1
        used.add(name.lower())
        jobs.append(Job(path=path, label=label, base=name))
    return jobs


def _safe_name(base: str) -> str:
    name = re.sub(r"[\x00-\x1f/\\:*?\"<>|]+", "_", base).strip(" .") or "draft"
    return name[:150]


def check_output_folder(out: Path, force: bool) -> None:
    """Refuse an output folder that is a file, or that holds files, unless ``force``."""
    if out.exists() and not out.is_dir():
        raise BatchError(f"{out} is a file, not a folder: give -o a new or empty folder for the reports.")
    if out.is_dir() and not force:
        try:
            held = sum(1 for _ in out.iterdir())
        except OSError as exc:
            raise BatchError(f"{out}: cannot list the folder ({exc.strerror}); choose another with -o.") from exc
        if held:
            raise BatchError(f"{out} already holds {held} file(s): choose a new or empty folder with -o, "
                             f"or add --force to write the reports among them.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"Cannot create {out} ({exc.strerror}); choose another folder with -o.") from exc


# ---------------------------------------------------------------- writing


def write_atomic(path: Path, body: str | bytes) -> None:
    """Write ``body`` to a temporary name beside ``path``, then rename it into place: a
    reader (or a crash) never sees half a report."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(body, bytes):
            tmp.write_bytes(body)
        else:
            tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def document_title(text: str) -> str:
    """The first non-blank line of the draft, shortened."""
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line:
            return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS - 1].rstrip() + "…"
    return ""


# ---------------------------------------------------------------- the work (in a worker)


_WORKER: dict = {}


def _init_worker(library, set_ids, document_kind, formats, out_dir) -> None:
    from .runtime import tune_gc

    _WORKER.update(library=library, rule_sets=library.select(set_ids), document_kind=document_kind,
                   formats=tuple(formats), out=Path(out_dir))
    tune_gc()


def _init_pool_worker(*args) -> None:
    """A worker process leaves Ctrl+C to the main process, which stops the batch."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(*args)


def _assess_one(job: Job) -> Outcome:
    from .assessment import assess
    from .documents import read_file
    from .report import render

    w = _WORKER
    try:
        doc = read_file(job.path)
        result = assess(doc, w["rule_sets"], w["library"], document_kind=w["document_kind"])
        for fmt in w["formats"]:
            write_atomic(w["out"] / f"{job.base}.{fmt}", render(result, fmt, w["library"]))
    except ChecklistError as exc:
        return Outcome(job.label, job.base, False, error=_named(job, str(exc)))
    except OSError as exc:
        return Outcome(job.label, job.base, False,
                       error=_one_line(f"{job.label}: cannot write its report ({exc.strerror or exc})"))
    except Exception as exc:  # noqa: BLE001 - one draft's failure must not stop the others
        return Outcome(job.label, job.base, False,
                       error=_one_line(f"{job.label}: could not be assessed ({type(exc).__name__}: {exc})"))
    return Outcome(job.label, job.base, True, title=document_title(doc.text), sha256=doc.sha256,
                   statuses={r["demand"]: r["status"] for r in result["results"]})


def _assess_chunk(jobs: list[Job]) -> list[Outcome]:
    return [_assess_one(job) for job in jobs]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _named(job: Job, message: str) -> str:
    """The reader's one-line message, naming the draft as the batch was given it."""
    message = _one_line(message)
    for prefix in (f"{job.label}: ", f"{job.path.name}: "):
        if message.startswith(prefix):
            message = message[len(prefix):]
            break
    return f"{job.label}: {message}"


def run(jobs: list[Job], library, set_ids, document_kind: str, formats, out_dir: Path,
        workers: int = 1, progress=None) -> list[Outcome]:
    """Assess every job, writing its reports; outcomes in the order of ``jobs``. ``progress``
    is called with the number of drafts just finished."""
    args = (library, set_ids, document_kind, formats, out_dir)
    done: dict[int, Outcome] = {}
    if workers <= 1 or len(jobs) <= 1:
        _init_worker(*args)
        for i, job in enumerate(jobs):
            done[i] = _assess_one(job)
            if progress:
                progress(1)
        return [done[i] for i in range(len(jobs))]
    # imported here: multiprocessing costs a single-draft command about 35 ms
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, min(MAX_CHUNK, len(jobs) // (workers * 4)))
    chunks = [list(range(i, min(i + size, len(jobs)))) for i in range(0, len(jobs), size)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_pool_worker, initargs=args) as pool:
        futures = {pool.submit(_assess_chunk, [jobs[i] for i in chunk]): chunk for chunk in chunks}
        try:
            for future in as_completed(futures):
                chunk = futures[future]
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    outcomes = [Outcome(jobs[i].label, jobs[i].base, False,
                                        error=f"{jobs[i].label}: the worker process assessing it stopped "
                                              f"(out of memory?); assess it alone to see why")
                                for i in chunk]
                for i, outcome in zip(chunk, outcomes):
                    done[i] = outcome
                if progress:
                    progress(len(chunk))
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [done[i] for i in range(len(jobs))]


# ---------------------------------------------------------------- the matrix


def demand_columns(library, set_ids) -> list[dict]:
    """The demands of the chosen rule sets, in report order: set, then number."""
    return [{"id": d.id, "title": d.title, "rule_set": rs.id, "number": d.number, "where": d.where}
            for rs in library.select(set_ids) for d in rs.demands]


def matrix_csv(outcomes: list[Outcome], demands: list[dict]) -> str:
    """One row a document, one column a demand, its status in each cell; UTF-8 with a BOM."""
    from .report import _cell

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(list(MATRIX_COLUMNS) + [d["id"] for d in demands])
    for o in outcomes:
        writer.writerow([_cell(v) for v in (o.label, o.title, o.sha256, o.error)]
                        + [o.statuses.get(d["id"], "") for d in demands])
    return out.getvalue()


def matrix_html(outcomes: list[Outcome], demands: list[dict], formats, library) -> str:
    """Documents x demands, each cell coloured by status (and marked by a symbol, for print),
    from the template ``templates/batch/matrix.html``."""
    from . import __version__
    from .assessment import STATUS_ORDER
    from .report import STATUS_SYMBOLS, STATUS_WORDS, _environment

    sets = []
    for rs in library.select(sorted({d["rule_set"] for d in demands})):
        cols = [d for d in demands if d["rule_set"] == rs.id]
        if cols:
            sets.append({"id": rs.id, "title": rs.title, "demands": cols})
    rows = []
    for o in outcomes:
        counts = {s: 0 for s in STATUS_ORDER}
        for d in demands:
            status = o.statuses.get(d["id"])
            if status in counts:
                counts[status] += 1
        rows.append({"o": o, "counts": counts,
                     "cells": [o.statuses.get(d["id"], "") for d in demands],
                     "report": f"{o.base}.html" if o.ok and "html" in formats else None})
    return _environment().get_template("batch/matrix.html").render(
        sets=sets, demands=demands, rows=rows, version=__version__,
        statuses=[{"id": s, "word": STATUS_WORDS[s], "symbol": STATUS_SYMBOLS[s]} for s in STATUS_ORDER],
        symbols=STATUS_SYMBOLS, words=STATUS_WORDS,
        failed=sum(1 for o in outcomes if not o.ok), total=len(outcomes))


def write_matrix(out_dir: Path, outcomes: list[Outcome], library, set_ids, formats) -> list[Path]:
    demands = demand_columns(library, set_ids)
    paths = [out_dir / name for name in MATRIX_FILES]
    write_atomic(paths[0], matrix_csv(outcomes, demands))
    write_atomic(paths[1], matrix_html(outcomes, demands, formats, library))
    return paths
