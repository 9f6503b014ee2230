"""The ``checklist`` command line: a thin layer over the core library.

Every user error is one line on stderr and exit code 2, never a traceback."""
from __future__ import annotations

import json
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


def _library():
    from .rules import bundled_library

    try:
        return bundled_library()
    except ChecklistError as exc:
        _fail(exc)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="checklist")
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
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rules", "rules_opt", metavar="SET[,SET...]", help="Rule sets to apply (default: all bundled sets).")
@click.option("--format", "fmt", default="json", show_default=True,
              help="Output format: json, md, csv, html or pdf.")
@click.option("--document-kind", type=click.Choice(["agreement", "statement"]), default="agreement",
              show_default=True, help="An agreement draft, or a state/institution statement.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of standard output.")
def assess(file, rules_opt, fmt, document_kind, output):
    """Assess a draft against the demands and print the gap report.

    Example: checklist assess draft.docx --rules tot-2025 --format md -o report.md
    """
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
        result = run(doc, lib.select(_split_sets(rules_opt)), lib, document_kind=document_kind)
    except ChecklistError as exc:
        _fail(exc)
    body = render(result, fmt)
    if output:
        try:
            if isinstance(body, bytes):
                output.write_bytes(body)
            else:
                output.write_text(body, encoding="utf-8")
        except OSError as exc:
            _fail(ValueError(f"Cannot write {output}: {exc.strerror}; choose another path with -o."))
        click.echo(f"wrote {output}", err=True)
    elif isinstance(body, bytes):
        sys.stdout.buffer.write(body)
    else:
        click.echo(body, nl=False)


def _sample_path() -> Path:
    samples = Path(__file__).resolve().parent.parent / "samples"
    found = sorted(samples.glob("*.txt"))
    if not found:
        raise CLIError(f"No sample draft in {samples}: pass a file to `checklist assess` instead.")
    return found[0]


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the reports.")
@click.option("--serve/--no-serve", default=False, help="Then open the web app with the sample stored.")
@click.option("--port", default=5000, show_default=True)
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
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in FORMATS:
        body = render(result, fmt)
        path = out_dir / f"{sample.stem}.{fmt}"
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
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
def rules_test(set_id):
    """Run every rule's examples; exit 1 if any gets the wrong status.

    Example: checklist rules test tot-2025
    """
    from .examples import run_examples
    from .rules import language_gaps

    lib = _library()
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


def _add_web_commands():
    from .web.cli import serve

    main.add_command(serve)


_add_web_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
