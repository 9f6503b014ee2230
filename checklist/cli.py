"""The ``checklist`` command line: a thin layer over the core library.

Every user error is one line on stderr and exit code 2, never a traceback.

Start-up is kept short: the web app (Flask) is imported only for ``serve`` (a lazy command),
WeasyPrint only for a PDF report, pypdfium2 only for a PDF draft, and the rule library comes
from the cache while no rule file has changed (see :mod:`checklist.rules`)."""
from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import ChecklistError
from .runtime import tune_gc

EXIT_BAD_INPUT = 2


class CLIError(click.ClickException):
    exit_code = EXIT_BAD_INPUT

    def show(self, file=None):
        click.echo(f"Error: {self.format_message()}", err=True)


def _fail(exc: Exception):
    raise CLIError(str(exc)) from exc


def _split_sets(value):
    if not value:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


RULES_DIRS = "checklist.rules_dirs"     # click context meta: the --rules-dir folders given


def _remember_rules_dirs(ctx, _param, value):
    if value:
        ctx.meta.setdefault(RULES_DIRS, []).extend(value)
    return value


def rules_dir_option(fn):
    """``--rules-dir DIR`` (repeatable): rule sets of your own beside the bundled ones."""
    return click.option(
        "--rules-dir", "rules_dirs", multiple=True, expose_value=False, is_eager=True,
        type=click.Path(file_okay=False, path_type=Path), callback=_remember_rules_dirs,
        help="A folder of your own rule sets (or one rule set) to use beside the bundled ones; "
             "repeatable. Also $CHECKLIST_RULES_EXTRA.")(fn)


def _library(list_problems: bool = False):
    """The rule library (bundled sets, $CHECKLIST_RULES_EXTRA, --rules-dir). A rule folder that
    fails validation is one line, exit 2; ``list_problems`` first prints every problem."""
    from .errors import RuleError
    from .rulecache import library

    ctx = click.get_current_context(silent=True)
    extras = tuple(ctx.meta.get(RULES_DIRS, ())) if ctx else ()
    try:
        return library(extras)
    except RuleError as exc:
        problems = list(getattr(exc, "problems", None) or ())
        if not problems:
            _fail(exc)
        if list_problems:
            for line in problems:
                click.echo(line)
            raise CLIError(f"{len(problems)} problem(s) in the rule files, listed above: fix them, or leave "
                           f"that folder out of --rules-dir and CHECKLIST_RULES_EXTRA.") from exc
        more = (f" (and {len(problems) - 1} more: `checklist rules test` lists them all)"
                if len(problems) > 1 else "")
        raise CLIError(f"Invalid rule file: {problems[0]}{more}. Fix it, or leave its folder out of "
                       f"--rules-dir and CHECKLIST_RULES_EXTRA.") from exc
    except ChecklistError as exc:
        _fail(exc)


class LazyGroup(click.Group):
    """A group some of whose commands are imported only when used: ``serve`` needs Flask,
    which no other command should pay for (about 140 ms)."""

    def __init__(self, *args, lazy_commands: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_commands))

    def get_command(self, ctx, name):
        if name in self.lazy_commands and name not in self.commands:
            module, _, attr = self.lazy_commands[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, lazy_commands={"serve": "checklist.web.cli:serve"},
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="checklist")
@rules_dir_option
def main():
    """Assess a draft ceasefire or peace text against civil society's humanitarian demands."""
    tune_gc()


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def provisions(file, fmt):
    """Show how a draft was read: its provisions with reference, parent, page and first words.

    Example: checklist provisions draft.pdf
    """
    from .documents import read_file
    from .provisions import split_provisions

    try:
        doc = read_file(file)
    except ChecklistError as exc:
        _fail(exc)
    provs = split_provisions(doc.text, doc.pages or None)
    if fmt == "json":
        out = {"document": {"name": doc.name, "sha256": doc.sha256, "language": doc.language,
                            "format": doc.format, "characters": len(doc.text)},
               "provisions": [{"ref": p.ref, "label": p.label, "parent": p.parent, "heading": p.heading,
                               "kind": p.kind, "depth": p.depth, "start": p.start, "end": p.end,
                               "page": p.page, "text": doc.text[p.start:p.end].strip()} for p in provs]}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, sort_keys=True))
        return
    click.echo(f"{doc.name}: {len(provs)} provisions, language {doc.language}, {len(doc.text)} characters")
    for p in provs:
        words = " ".join(doc.text[p.start:p.end].split())
        if len(words) > 70:
            words = words[:69] + "…"
        page = f" p.{p.page}" if p.page else ""
        parent = f" (in {p.parent})" if p.parent else ""
        click.echo(f"{'  ' * p.depth}{p.ref}{parent}{page} [{p.kind}]: {words}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE...")
@click.option("--rules", "rules_opt", metavar="SET[,SET...]", help="Rule sets to apply (default: all bundled sets).")
@click.option("--format", "fmt", default="json", show_default=True,
              help="Output format: json, md, csv, html or pdf; for several drafts, a list (json,csv,pdf).")
@click.option("--document-kind", type=click.Choice(["auto", "agreement", "statement"]), default="auto",
              show_default=True, help="An agreement draft, a state/institution statement, or auto (read from the title).")
@click.option("--speaker", metavar="KIND[:NAME]", default=None,
              help="Who speaks in a statement, when you know it: state, eu, asp, un, icc, otp or other, "
                   "with a name after a colon (eu:'High Representative'). Default: read from the text.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write the report to this file instead of standard output; for several drafts "
                   "or a folder, the folder for the reports.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Several drafts: worker processes (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Several drafts: write into an output folder that holds files.")
@rules_dir_option
def assess(files, rules_opt, fmt, document_kind, speaker, output, jobs, force):
    """Assess a draft against the demands and print the gap report.

    Several drafts, or a folder of them, are a batch: one report per draft per format in the
    output folder, with matrix.csv and matrix.html (drafts x demands); exit 1 if any failed.

    Example: checklist assess draft.docx --rules tot-2025 --format md -o report.md

    Example: checklist assess drafts/ -o reports/ --format json,csv,pdf --jobs 4
    """
    formats = [f.strip() for f in fmt.split(",") if f.strip()]
    given = _speaker(speaker)
    batch = (len(files) > 1 or len(formats) > 1 or any(f.is_dir() for f in files)
             or (output is not None and output.is_dir()))
    if batch:
        if given is not None:
            _fail(ValueError("--speaker names the speaker of one statement: assess the drafts of a batch "
                             "without it, or one at a time."))
        _assess_batch(files, rules_opt, formats, document_kind, output, jobs, force)
        return
    file = files[0]
    from .assessment import assess as run
    from .documents import read_file
    from .report import FORMATS, render

    if fmt not in FORMATS:
        _fail(ValueError(f"Unknown format '{fmt}': choose one of {', '.join(FORMATS)}."))
    if fmt == "pdf" and output is None:
        _fail(ValueError("PDF output needs a file: add -o report.pdf."))
    lib = _library()
    try:
        doc = read_file(file)
        result = run(doc, lib.select(_split_sets(rules_opt)), lib, document_kind=document_kind, speaker=given)
    except ChecklistError as exc:
        _fail(exc)
    body = render(result, fmt, lib)
    if output:
        _write_report(output, body)
        click.echo(f"wrote {output}", err=True)
    elif isinstance(body, bytes):
        sys.stdout.buffer.write(body)
    else:
        click.echo(body, nl=False)


def _write_report(output: Path, body) -> None:
    """Write a report under a temporary name, then rename it: never half a file."""
    from .batch import write_atomic

    try:
        write_atomic(output, body)
    except OSError as exc:
        _fail(ValueError(f"Cannot write {output}: {exc.strerror}; choose another path with -o."))


PROGRESS_FROM = 4           # a progress bar for this many drafts or more


def _speaker(value: str | None):
    """--speaker KIND[:NAME] as a Speaker, or None; a bad kind is a one-line usage error."""
    if not value:
        return None
    from .speaker import SPEAKER_KINDS, Speaker

    kind, _, name = value.partition(":")
    if kind.strip() not in SPEAKER_KINDS:
        _fail(ValueError(f"--speaker: '{kind}' is not a kind of speaker; use one of {', '.join(SPEAKER_KINDS)}, "
                         "optionally with a name: --speaker eu:'High Representative'."))
    return Speaker.given(name.strip(), kind.strip())


def _assess_batch(files, rules_opt, formats, document_kind, output, jobs, force):
    from . import batch
    from .report import FORMATS

    for f in formats:
        if f not in FORMATS:
            _fail(ValueError(f"Unknown format '{f}': choose from {', '.join(FORMATS)} (a list such as json,csv)."))
    if not formats:
        _fail(ValueError(f"No format given: use --format with one or more of {', '.join(FORMATS)}."))
    if output is None:
        _fail(ValueError("Several drafts need a folder for the reports: add -o reports/."))
    set_ids = _split_sets(rules_opt)
    lib = _library()
    try:
        lib.select(set_ids)
        todo = batch.collect(list(files))
        batch.check_output_folder(output, force)
    except ChecklistError as exc:
        _fail(exc)
    workers = jobs or _cpu_count()
    workers = max(1, min(workers, len(todo)))
    try:
        if len(todo) >= PROGRESS_FROM:
            with click.progressbar(length=len(todo), label=f"Assessing {len(todo)} drafts", file=sys.stderr,
                                   show_pos=True) as bar:
                outcomes = batch.run(todo, lib, set_ids, document_kind, formats, output, workers, bar.update)
        else:
            outcomes = batch.run(todo, lib, set_ids, document_kind, formats, output, workers)
    except KeyboardInterrupt:
        click.echo("", err=True)
        raise CLIError(f"Interrupted: the reports already in {output} are complete, matrix.csv and "
                       f"matrix.html were not written; run again with --force to redo the batch.") from None
    try:
        batch.write_matrix(output, outcomes, lib, set_ids, formats)
    except OSError as exc:
        _fail(ValueError(f"Cannot write the matrix in {output}: {exc.strerror}; choose another folder with -o."))
    failed = [o for o in outcomes if not o.ok]
    click.echo(f"Assessed {len(outcomes) - len(failed)} of {len(outcomes)} drafts into {output} "
               f"({', '.join(formats)} each; matrix.csv, matrix.html)"
               + (f"; {len(failed)} failed:" if failed else "."), err=True)
    for o in failed:
        click.echo(f"  failed: {o.error}", err=True)
    if failed:
        sys.exit(1)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _sample_path() -> Path:
    from .resources import ResourceError, samples_dir

    try:
        samples = samples_dir()
    except ResourceError as exc:
        _fail(exc)
    found = sorted(samples.glob("*.txt"))
    if not found:
        raise CLIError(f"No sample draft in {samples}: pass a file to `checklist assess` instead.")
    return found[0]


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the reports.")
@click.option("--serve/--no-serve", default=False, help="Then open the web app with the sample stored.")
@click.option("--port", default=5000, show_default=True)
@rules_dir_option
def demo(out_dir, serve, port):
    """Assess the bundled sample draft against every rule set and write the reports.

    Example: checklist demo --out out
    """
    from .assessment import assess as run
    from .documents import read_file
    from .report import FORMATS, render

    lib = _library()
    sample = _sample_path()
    try:
        doc = read_file(sample)
        result = run(doc, lib.select(), lib)
    except ChecklistError as exc:
        _fail(exc)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(ValueError(f"Cannot create {out_dir} ({exc.strerror}); choose another folder with --out."))
    written = []
    for fmt in FORMATS:
        path = out_dir / f"{sample.stem}.{fmt}"
        _write_report(path, render(result, fmt, lib))
        written.append(path)
    s = result["summary"]
    click.echo(f"Assessed {sample.name} ({result['document']['provisions']} provisions) against "
               f"{', '.join(rs['id'] for rs in result['rule_sets'])}:")
    click.echo(f"  {s['contradicted']} contradicted, {s['absent']} absent, {s['partial']} partial, {s['met']} met"
               + (f" (+ {sum(result['summary_asks_to_states'].values())} asks addressed to states, reported separately)"
                  if sum(result['summary_asks_to_states'].values()) else ""))
    for flag in result.get("flags", []):
        click.echo(f"  context: {flag['title']}" + (f" ({flag['provision']})" if flag.get("provision") else ""))
    click.echo("Reports:")
    for path in written:
        click.echo(f"  {path}")
    if serve:
        from .web.cli import serve as serve_cmd

        click.get_current_context().invoke(serve_cmd, host="127.0.0.1", port=port, sample=True)


@main.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rules", "rules_opt", metavar="SET[,SET...]", help="Rule sets to apply (default: all bundled sets).")
@click.option("--document-kind", type=click.Choice(["agreement", "statement"]), default="agreement",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@rules_dir_option
def compare(old, new, rules_opt, document_kind, fmt, output):
    """Compare two versions of a draft: what got better, what got worse, and which provisions changed.

    Example: checklist compare draft-v1.docx draft-v2.docx --format html -o changes.html
    """
    from . import compare as cmp
    from .documents import read_file

    lib = _library()
    try:
        result = cmp.compare(read_file(old), read_file(new), lib.select(_split_sets(rules_opt)), lib,
                             document_kind=document_kind)
    except (ChecklistError, ValueError) as exc:
        _fail(exc)
    body = {"json": cmp.to_json, "md": cmp.render_markdown, "html": cmp.render_html}[fmt](result)
    if output:
        try:
            output.write_text(body, encoding="utf-8")
        except OSError as exc:
            _fail(ValueError(f"Cannot write {output}: {exc.strerror}; choose another path with -o."))
        click.echo(f"wrote {output}", err=True)
        click.echo(result["summary"]["text"], err=True)
    else:
        click.echo(body, nl=False)


@main.group()
def rules():
    """List, show and test the rule sets."""


@rules.command("list")
@rules_dir_option
def rules_list():
    """List every bundled rule set and its demands.

    Example: checklist rules list
    """
    lib = _library()
    for rs in lib.select():
        click.echo(f"{rs.id} (version {rs.version}, {rs.meta['date']}): {rs.title}")
        for d in rs.demands:
            click.echo(f"  {d.id:<22} [{d.theme}] {d.title}")


@rules.command("show")
@click.argument("demand_id")
@rules_dir_option
def rules_show(demand_id):
    """Show one demand: its source wording, match specification and examples.

    Example: checklist rules show tot-2025/1
    """
    lib = _library()
    try:
        d = lib.demand(demand_id)
    except ChecklistError as exc:
        _fail(exc)
    rs = lib.get(d.rule_set)
    click.echo(f"{d.id}: {d.title}")
    click.echo(f"source: {rs.meta['source_title'] or rs.meta['source']} ({rs.meta['date']})")
    click.echo(f"theme: {d.theme}; where it can be met: {d.where}")
    click.echo(f"wording: \"{d.source_wording}\"")
    click.echo(f"file: {d.path}")
    click.echo("topic: " + " | ".join(" + ".join(g) for g in d.match["topic"]))
    for el in d.match["element"]:
        click.echo(f"element: {el['name']} ({', '.join(el['any'])})")
    for q in d.match["narrow"]:
        click.echo(f"narrow ({q['code']}): {', '.join(q['any'])}: {q['text']}")
    for c in d.match["contradict"]:
        click.echo(f"contradict: {' + '.join(c['all'])}: {c['text']}")
    click.echo("examples:")
    for i, ex in enumerate(d.examples, 1):
        todo = " (todo)" if ex.get("todo") else ""
        click.echo(f"  {i}. {ex['status']}{todo}: {' '.join(ex['text'].split())}")


@rules.command("test")
@click.argument("set_id", required=False)
@rules_dir_option
def rules_test(set_id):
    """Run every rule's examples; exit 1 if any gets the wrong status.

    Example: checklist rules test tot-2025
    """
    from .examples import run_examples
    from .rules import language_gaps

    lib = _library(list_problems=True)
    try:
        results = run_examples(lib, [set_id] if set_id else None)
    except ChecklistError as exc:
        _fail(exc)
    failures = [r for r in results if not r.ok]
    for r in failures:
        click.echo(r.describe())
    gaps = [g for g in language_gaps(lib)
            if not set_id or f"/{set_id}/" in g or f"{set_id}/" in g.split("used by ", 1)[-1]]
    for g in gaps:
        click.echo(g)
    todo = sum(1 for r in results if r.todo)
    click.echo(f"{len(results) - len(failures)} passed, {len(failures)} failed"
               + (f" ({todo} todo examples still failing as expected)" if todo else "")
               + (f"; {len(gaps)} concept(s) without Ukrainian or Russian terms" if gaps else ""))
    if failures or gaps:
        sys.exit(1)


@rules.command("coverage")
@rules_dir_option
def rules_coverage():
    """For each source document, each of its numbered demands and the rule that encodes it.

    Exits 1 if a demand the source lists has no rule.

    Example: checklist rules coverage
    """
    from .rules import coverage

    lib = _library()
    rows = coverage(lib)
    missing = 0
    current = None
    for row in rows:
        if row["rule_set"] != current:
            current = row["rule_set"]
            rs = lib.get(current)
            click.echo(f"{current}: {rs.meta.get('source_title') or rs.title} ({row['source']}, {rs.meta['date']})")
        if row["rule"] is None:
            missing += 1
            click.echo(f"  {row['number']:<4} MISSING: no rule file for {row['demand']}")
        else:
            note = "" if row["listed_in_source"] else "  (not in the set's source_demands)"
            click.echo(f"  {row['number']:<4} {row['demand']:<22} {Path(row['rule']).name}  {row['title']}{note}")
    click.echo(f"{len(rows) - missing} demands encoded, {missing} missing")
    if missing:
        sys.exit(1)


@main.command("eval")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder of corpus texts.")
@click.option("--gold", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder of gold label files (TOML).")
@click.option("--rules", "rules_opt", metavar="SET[,SET...]", help="Score only these rule sets.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--by", "by", multiple=True, type=click.Choice(["language", "phenomenon", "rule_set", "demand"]),
              help="Also give the figures for each language, phenomenon, rule set or demand (repeatable).")
@rules_dir_option
def eval_cmd(corpus, gold, rules_opt, as_json, by):
    """Score the engine against expert gold labels.

    Example: checklist eval --corpus ../shared/probes/corpus --gold ../shared/probes/gold --by language
    """
    from .evaluation import evaluate, format_groups, format_text, metrics_by

    lib = _library()
    try:
        m = evaluate(corpus, gold, lib, _split_sets(rules_opt))
    except ChecklistError as exc:
        _fail(exc)
    groups = {key: metrics_by(m["pairs"], key) for key in by}
    if as_json:
        out = {k: v for k, v in m.items() if k != "pairs"}
        if groups:
            out["by"] = {key: {g: {k: v for k, v in gm.items() if k not in ("pairs", "disagreements")}
                               for g, gm in val.items()} for key, val in groups.items()}
        click.echo(json.dumps(out, sort_keys=True, ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(m))
        for key, val in groups.items():
            click.echo("")
            click.echo(format_groups(val, key))


if __name__ == "__main__":  # pragma: no cover
    main()
