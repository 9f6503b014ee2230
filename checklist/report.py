"""Assessment -> JSON / Markdown / CSV / HTML / PDF.

The only module that imports WeasyPrint, lazily, inside :func:`render_pdf`.

Every report is built from one view (:func:`report_view`): the assessment's results put in
reading order (gaps first, then by theme) and joined with what the rule library knows about
each demand (its source wording, its backers). The HTML and PDF come from the Jinja templates
in ``templates/report/``; Markdown and CSV are written here.

Reports state what the text says, with quoted evidence and the demand's source. They avoid
legal verdicts: a person judges. Every string that comes from a draft is escaped for the
format it lands in, and the PDF renderer is given a URL fetcher that refuses every URL, so no
draft can make it read a local file or reach the network.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from . import __version__
from .assessment import STATUS_ORDER, to_json, speaker_note
from .errors import ChecklistError

FORMATS = ("json", "md", "csv", "html", "pdf")
TEXT_FORMATS = ("json", "md", "csv", "html")
MEDIA_TYPES = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}

# Status as a word and a symbol, so the report reads the same printed in black and white.
STATUS_WORDS = {"contradicted": "CONTRADICTED", "absent": "ABSENT", "partial": "PARTIAL", "met": "MET"}
STATUS_SYMBOLS = {"contradicted": "✗", "absent": "○", "partial": "◐", "met": "●"}
STATUS_PHRASES = {  # "the text ... N demands"
    "contradicted": "contradicts", "absent": "does not address", "partial": "addresses in part",
    "met": "meets"}
REASON_LABELS = {
    "weak": "Weak wording",
    "scope": "Narrower scope",
    "elements": "Missing element",
    "conditional": "Conditional",
    "traded": "Tied to an exchange",
    "preamble": "Only in the preamble",
    "negated": "Negated",
    "contradiction": "Contrary provision",
}
DOCUMENT_KINDS = {"agreement": "Agreement draft", "statement": "Statement by a state or institution"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
MAX_QUOTES = 6            # quotes shown per demand; further provisions are listed by reference
MAX_QUOTE_CHARS = 900     # a longer quote is cut, with an ellipsis
CSV_COLUMNS = ("demand", "title", "rule_set", "theme", "status", "section", "reasons", "provisions", "quotes")
# appended when the assessment has reviews (``machine_status`` on its results)
CSV_REVIEW_COLUMNS = ("machine_status", "reviewed", "reviewer", "review_reason", "reviewed_at", "needs_rereview")


def templates_dir() -> Path:
    """The bundled ``templates/`` folder (see :mod:`checklist.resources`)."""
    from .resources import templates_dir as found

    return found()


@lru_cache(maxsize=1)
def _environment():
    # Jinja is imported for the first HTML or PDF report, not by every command
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(templates_dir())),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["highlight"] = highlight
    return env


# ---------------------------------------------------------------- entry point


def render(assessment: dict, fmt: str, library=None, now: datetime | date | None = None) -> str | bytes:
    """The report in ``fmt`` (one of :data:`FORMATS`): text, or bytes for PDF."""
    if fmt == "json":
        return to_json(assessment)
    if fmt == "md":
        return render_markdown(assessment, library, now)
    if fmt == "csv":
        return render_csv(assessment)
    if fmt == "html":
        return render_html(assessment, library, now)
    if fmt == "pdf":
        return render_pdf(assessment, library, now)
    raise ValueError(f"Unknown format '{fmt}': choose one of {', '.join(FORMATS)}.")


# ---------------------------------------------------------------- the view


def report_view(a: dict, library=None, now: datetime | date | None = None) -> dict:
    """Everything a report shows, in reading order; plain data, not yet escaped."""
    if library is None:
        from .rules import bundled_library
        library = bundled_library()
    themes = library.themes or {}
    results = [_result_view(r, library, themes) for r in a["results"]]
    gaps = [r for r in results if r["section"] == "gaps"]
    asks = [r for r in results if r["section"] != "gaps"]
    doc = a["document"]
    rule_sets = [_rule_set_view(rs, library) for rs in a["rule_sets"]]
    backers = {rs["id"]: rs for rs in rule_sets}
    for r in results:
        r["backers"] = backers.get(r["rule_set"])
    summary = {s: a["summary"].get(s, 0) for s in STATUS_ORDER}
    asks_summary = {s: a.get("summary_asks_to_states", {}).get(s, 0) for s in STATUS_ORDER}
    title = a.get("title") or doc["name"]
    return {
        "title": title,
        "running_title": _shorten(title, 90),
        "document": doc,
        "document_kind": DOCUMENT_KINDS.get(a.get("document_kind"), a.get("document_kind") or ""),
        "speaker_note": speaker_note(a),
        "date": _assessment_date(a.get("created_at"), now),
        "version": __version__,
        "engine": a.get("engine", {}),
        "rule_sets": rule_sets,
        "summary": summary,
        "total": sum(summary.values()),
        "headline": _headline(summary),
        "asks_summary": asks_summary,
        "asks_total": sum(asks_summary.values()),
        "statuses": [{"id": s, "word": STATUS_WORDS[s], "symbol": STATUS_SYMBOLS[s]} for s in STATUS_ORDER],
        "table": _by_status(gaps),
        "themes": _by_theme(gaps, themes),
        "asks_table": _by_status(asks),
        "asks_themes": _by_theme(asks, themes),
        "flags": [dict(f) for f in a.get("flags") or []],
        "reviewed": sum(1 for r in results if r["review"]),
    }


def _result_view(r: dict, library, themes: dict) -> dict:
    try:
        demand = library.demand(r["demand"])
    except ChecklistError:
        demand = None         # a stored assessment whose rule set is no longer installed
    theme = themes.get(r["theme"], {})
    related = []
    for rid in (demand.related if demand else ()):
        try:
            related.append({"id": rid, "title": library.demand(rid).title})
        except ChecklistError:
            related.append({"id": rid, "title": None})
    evidence = [dict(e, quote=_shorten(" ".join(e["quote"].split()), MAX_QUOTE_CHARS),
                     label=provision_label(e["provision"]))
                for e in r["evidence"]]
    review = r.get("review") or None
    machine = r.get("machine_status")
    return {
        "demand": r["demand"],
        "anchor": "d-" + re.sub(r"[^a-z0-9]+", "-", r["demand"].lower()).strip("-"),
        "rule_set": r["rule_set"],
        "number": r["number"],
        "title": r["title"],
        "theme": r["theme"],
        "theme_title": theme.get("title") or r["theme"],
        "theme_order": theme.get("order", len(themes)),
        "section": r["section"],
        "status": r["status"],
        "word": STATUS_WORDS.get(r["status"], r["status"].upper()),
        "symbol": STATUS_SYMBOLS.get(r["status"], ""),
        "message": r.get("message") or "",
        "reasons": [{"code": x["code"], "label": REASON_LABELS.get(x["code"], x["code"]), "text": x["text"]}
                    for x in r["reasons"]],
        "evidence": evidence[:MAX_QUOTES],
        "more_evidence": [e["provision"] for e in evidence[MAX_QUOTES:]],
        "provisions": list(dict.fromkeys(e["provision"] for e in r["evidence"])),
        "source_wording": demand.source_wording if demand else None,
        "related": related,
        "review": review,
        "machine_status": machine if review and machine and machine != r["status"] else None,
        "machine_word": STATUS_WORDS.get(machine, machine) if machine else None,
        "review_date": _display_date(review.get("at")) if review and review.get("at") else None,
        "needs_rereview": bool(review and review.get("needs_rereview")),
        "audit": [dict(x, date=_display_date(x["at"])) for x in r.get("audit") or ()],
    }


def provision_label(ref: str) -> str:
    """``Article 1`` stays as it is; a bare reference such as ``21(b)`` becomes ``Provision 21(b)``."""
    ref = str(ref)
    return ref if ref[:1].isalpha() else f"Provision {ref}"


def _rule_set_view(rs: dict, library) -> dict:
    try:
        meta = dict(library.get(rs["id"]).meta)
    except ChecklistError:
        meta = {}
    organisations = list(meta.get("organisations") or [])
    signatories = list(meta.get("signatories") or [])
    named = {_org_key(o) for o in organisations}
    others = [s for s in signatories if _org_key(s) not in named]
    return {
        "id": rs["id"], "version": rs["version"], "title": rs["title"],
        "source": meta.get("source"), "source_title": meta.get("source_title"),
        "date": _display_date(meta["date"]) if meta.get("date") else None,
        "addressee": meta.get("addressee"), "url": meta.get("url"),
        "organisations": organisations, "signatories": signatories, "others": len(others),
        "known": bool(meta),
    }


def _org_key(name: str) -> str:
    return re.sub(r"^the\s+", "", " ".join(name.lower().split()))


def _status_key(r: dict):
    order = STATUS_ORDER.index(r["status"]) if r["status"] in STATUS_ORDER else len(STATUS_ORDER)
    return order, r["theme_order"], r["theme"], r["rule_set"], _number_key(r["number"])


def _number_key(number: str):
    m = re.match(r"(\d+)(.*)", str(number))
    return (int(m.group(1)), m.group(2)) if m else (10**6, str(number))


def _by_status(results: list[dict]) -> list[dict]:
    """Gaps first: contradicted, absent, partial, met; within a status, by theme."""
    return sorted(results, key=_status_key)


def _by_theme(results: list[dict], themes: dict) -> list[dict]:
    """Themes in the theme map's order; within a theme, gaps first."""
    groups: dict[str, dict] = {}
    for r in sorted(results, key=lambda r: (r["theme_order"], r["theme"]) + _status_key(r)):
        g = groups.setdefault(r["theme"], {"id": r["theme"], "title": r["theme_title"],
                                           "description": themes.get(r["theme"], {}).get("description", ""),
                                           "results": []})
        g["results"].append(r)
    return list(groups.values())


def _headline(summary: dict) -> str:
    total = sum(summary.values())
    if not total:
        return "No demand was counted."
    parts = [f"{STATUS_PHRASES[s]} {summary[s]}" for s in STATUS_ORDER]
    noun = "demand" if total == 1 else "demands"
    return f"Of {total} {noun}, the text {', '.join(parts[:-1])} and {parts[-1]}."


def _assessment_date(created_at, now) -> str:
    if created_at:
        return _display_date(created_at)
    now = now or datetime.now(timezone.utc)
    return _display_date(now)


def _display_date(value) -> str:
    """``23 November 2026`` from a date, a datetime or an ISO string; other strings as they are."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def highlight(quote: str, terms) -> Markup:
    """``quote`` escaped, with the matched ``terms`` in <strong> (case-insensitive)."""
    terms = sorted({t for t in terms or () if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return escape(quote)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(quote):
        out.append(escape(quote[pos:m.start()]))
        out.append(Markup("<strong>%s</strong>") % m.group(0))
        pos = m.end()
    out.append(escape(quote[pos:]))
    return Markup("").join(out)


# ---------------------------------------------------------------- HTML and PDF


def render_html(assessment: dict, library=None, now: datetime | date | None = None,
                standalone: bool = True) -> str:
    """The report as one self-contained HTML page (inline CSS, no external resource), or with
    ``standalone=False`` only the report's ``<article>``, for a page that has its own head."""
    view = report_view(assessment, library, now)
    env = _environment()
    name = "report/page.html" if standalone else "report/body.html"
    return env.get_template(name).render(r=view)


def report_css() -> str:
    """The report's stylesheet (scoped to ``.checklist-report``), for pages that embed the body."""
    return (templates_dir() / "report" / "report.css").read_text(encoding="utf-8")


def url_fetcher():
    """A WeasyPrint URL fetcher that refuses every URL: the report needs none, and a draft's
    text must never make the renderer read a file or reach the network."""
    from weasyprint.urls import URLFetcher

    class RefusingURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"checklist reports load no external resources; refused {url[:200]!r}")

        def open(self, url, data=None, timeout=None):
            return self.fetch(getattr(url, "full_url", url))

    return RefusingURLFetcher(timeout=1, allowed_protocols=(), allow_redirects=False)


def render_pdf(assessment: dict, library=None, now: datetime | date | None = None) -> bytes:
    """The HTML report printed to A4 PDF by WeasyPrint, with no base URL and a fetcher that
    refuses every URL."""
    import weasyprint

    html = render_html(assessment, library, now)
    return weasyprint.HTML(string=html, url_fetcher=url_fetcher()).write_pdf()


# ---------------------------------------------------------------- CSV


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A spreadsheet cell that cannot be read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def render_csv(a: dict) -> str:
    """One row per demand, UTF-8 with a byte-order mark (so spreadsheets detect the encoding)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
    reviewed = any("machine_status" in r for r in a["results"])
    writer.writerow(CSV_COLUMNS + (CSV_REVIEW_COLUMNS if reviewed else ()))
    for r in a["results"]:
        row = [
            r["demand"], r["title"], r["rule_set"], r["theme"], r["status"], r["section"],
            " | ".join(x["text"] for x in r["reasons"]),
            " | ".join(dict.fromkeys(e["provision"] for e in r["evidence"])),
            " | ".join(" ".join(e["quote"].split()) for e in r["evidence"]),
        ]
        if reviewed:
            rv = r.get("review") or {}
            row += [r.get("machine_status", r["status"]), "reviewed" if rv else "", rv.get("reviewer", ""),
                    rv.get("reason", ""), rv.get("at", ""), "needs re-review" if rv.get("needs_rereview") else ""]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


# ---------------------------------------------------------------- Markdown


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?\w+;))")
_MD_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+>=#])")


def md_escape(text: str, line_start: bool = False) -> str:
    """Draft text made inert in Markdown: one line, punctuation with a meaning escaped; with
    ``line_start``, also what would open a list, a quote or a heading at the start of a line."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    if not line_start:
        return text
    return _MD_LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}" if m.group(2)
                              else f"{m.group(4)}\\{m.group(5)}", text)


def render_markdown(a: dict, library=None, now: datetime | date | None = None) -> str:
    """A short report to paste into an email or a wiki: counts, then each theme's demands."""
    v = report_view(a, library, now)
    doc = v["document"]
    lines = [f"# Gap report: {md_escape(v['title'])}", ""]
    lines.append(f"File {md_escape(doc['name'])}, SHA-256 {doc['sha256']}. "
                 f"{md_escape(v['document_kind'])}, assessed on {md_escape(v['date'])}.")
    if v["speaker_note"]:
        lines.append(md_escape(v["speaker_note"]))
    for rs in v["rule_sets"]:
        lines.append(f"Demands: {md_escape(rs['title'])} ({md_escape(rs['id'])}, version {md_escape(rs['version'])}).")
    lines += ["", "**" + " · ".join(f"{v['summary'][s['id']]} {s['symbol']} {s['word']}" for s in v["statuses"])
              + "**", "", md_escape(v["headline"]), ""]
    if v["flags"]:
        lines += ["## Context notes", ""]
        for f in v["flags"]:
            where = f" ({md_escape(f['provision'])})" if f.get("provision") else ""
            lines.append(f"- {md_escape(f['text'])}{where}")
            if f.get("quote"):
                lines.append(f"  > {md_escape(f['quote'])}")
        lines.append("")
    for group in v["themes"]:
        lines += _md_theme(group, "##")
    if v["asks_total"]:
        lines += ["## Asks addressed to states and institutions", "",
                  "These demands are addressed to states and institutions rather than to the parties; "
                  "they are not counted as gaps in the text.", ""]
        for group in v["asks_themes"]:
            lines += _md_theme(group, "###")
    lines.append(f"_Generated by checklist {__version__}. The report states what the text says; "
                 "a person should check each finding._")
    return "\n".join(lines) + "\n"


def _md_theme(group: dict, level: str) -> list[str]:
    lines = [f"{level} {md_escape(group['title'])}", ""]
    for r in group["results"]:
        lines.append(f"- **{r['symbol']} {r['word']}** {md_escape(r['title'])} ({md_escape(r['demand'])})")
        if r["message"]:
            lines.append(f"  {md_escape(r['message'], line_start=True)}")
        for x in r["reasons"]:
            lines.append(f"  - {md_escape(x['label'])}: {md_escape(x['text'])}")
        for e in r["evidence"]:
            lines.append(f"  > {md_escape(e['label'])}: “{md_escape(e['quote'])}”")
        if r["more_evidence"]:
            lines.append(f"  - Also: {md_escape(', '.join(r['more_evidence']))}")
        if r["review"]:
            lines.append(f"  - {md_escape(_review_line(r))}")
    lines.append("")
    return lines


def _review_line(r: dict) -> str:
    rv = r["review"]
    who = f" by {rv['reviewer']}" if rv.get("reviewer") else ""
    when = f" on {r['review_date']}" if r.get("review_date") else ""
    why = f": {rv['reason']}" if rv.get("reason") else ""
    machine = f" (automatic reading: {r['machine_word']})" if r.get("machine_word") and r["machine_status"] else ""
    again = " Needs re-review: carried over from the previous version, whose wording changed." \
        if r.get("needs_rereview") else ""
    return f"Reviewed{who}{when}{why}{machine}{again}"
