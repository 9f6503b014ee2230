"""Findings -> an assessment: the JSON-ready record every report and the API are made from.

Shape (schema ``checklist.assessment/1``; keys sorted when written)::

    {"schema", "engine", "document": {"name", "sha256", "characters", "provisions", "language", "format"},
     "document_kind", "rule_sets": [{"id", "version", "title"}],
     "results": [{"demand", "rule_set", "number", "title", "theme", "where", "status", "message",
                  "reasons": [{"code", "text"}], "evidence": [{"provision", "quote", "start", "end", "terms"}]}],
     "summary": {"met", "partial", "absent", "contradicted"}, "summary_asks_to_states": {...}}

For an agreement draft, demands addressed to states or institutions (``where = "policy"``)
are in section "asks-to-states" and are not counted in ``summary``; for a statement by a
state or institution every demand is counted.
"""
from __future__ import annotations

import json

from . import __version__
from .documents import Document
from .engine import ENGINE_VERSION, Matcher, Reading, for_speaker
from .library import Library, RuleSet
from .speaker import Speaker, detect_kind, detect_speaker

SCHEMA = "checklist.assessment/1"
STATUS_ORDER = ("contradicted", "absent", "partial", "met")
DOCUMENT_KINDS = ("agreement", "statement")
KIND_CHOICES = DOCUMENT_KINDS + ("auto",)


def assess(document: Document, rule_sets: list[RuleSet] | None = None, library: Library | None = None,
           document_kind: str = "agreement", reading: Reading | None = None,
           speaker: Speaker | None = None) -> dict:
    """Assess ``document`` against ``rule_sets`` (default: every bundled set).

    ``document_kind`` "auto" reads it from the text (``checklist.speaker.detect_kind``). In a
    statement, the asks of states and institutions are read by who speaks: ``speaker`` when
    the user gives it, else the speaker read from the text (``detect_speaker``)."""
    if library is None:
        from .rulecache import library as bundled_library

        library = bundled_library()
    if rule_sets is None:
        rule_sets = library.select()
    if document_kind == "auto":
        document_kind = detect_kind(document.text)
    if document_kind not in DOCUMENT_KINDS:
        raise ValueError(f"document_kind must be one of {KIND_CHOICES}")
    if document_kind == "statement" and speaker is None:
        speaker = detect_speaker(document.text)
    reading = reading or Reading.of(document)
    matcher = Matcher(reading, library, statement=document_kind == "statement")
    results = []
    for rs in rule_sets:
        for demand in rs.demands:
            finding = matcher.evaluate(demand)
            if document_kind == "statement":
                finding = for_speaker(finding, demand, speaker)
            counted = document_kind == "statement" or demand.where == "agreement"
            results.append({
                "demand": demand.id,
                "section": "gaps" if counted else "asks-to-states",
                "rule_set": rs.id,
                "number": demand.number,
                "title": demand.title,
                "theme": demand.theme,
                "where": demand.where,
                "status": finding.status,
                "message": demand.messages.get(finding.status) or "",
                "reasons": [r.as_dict() for r in finding.reasons],
                "evidence": [e.as_dict() for e in finding.evidence],
            })
    flags = []
    for spec in library.flags:
        for ev in matcher.flag(spec):
            flags.append({"code": spec["code"], "title": spec["title"], "text": spec["text"],
                          "provision": ev.provision, "quote": ev.quote, "start": ev.start, "end": ev.end})
    unread = document.pages_without_text()
    if unread:
        flags.append(_unread_pages_flag(unread, len(document.pages)))
    summary = {s: 0 for s in STATUS_ORDER}
    asks = {s: 0 for s in STATUS_ORDER}
    for r in results:
        (summary if r["section"] == "gaps" else asks)[r["status"]] += 1
    return {
        "schema": SCHEMA,
        "engine": {"version": ENGINE_VERSION, "checklist": __version__},
        "document": {
            "name": document.name,
            "sha256": document.sha256,
            "characters": len(document.text),
            "provisions": len(reading.provisions),
            "language": document.language,
            "format": document.format,
        },
        "document_kind": document_kind,
        "speaker": speaker.as_dict() if document_kind == "statement" and speaker is not None else None,
        "rule_sets": [{"id": rs.id, "version": rs.version, "title": rs.title} for rs in rule_sets],
        "results": results,
        "summary": summary,
        "summary_asks_to_states": asks,
        "flags": flags,
    }


def _unread_pages_flag(pages: list[int], total: int) -> dict:
    """A context note for pages of a PDF that gave no text: what they say was not assessed."""
    runs: list[list[int]] = []
    for page in pages:
        if runs and page == runs[-1][1] + 1:
            runs[-1][1] = page
        else:
            runs.append([page, page])
    shown = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:10]]
    if len(runs) > 10:
        shown.append("others")
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    which = f"Page {listed} of {total} has" if len(pages) == 1 else f"Pages {listed} of {total} have"
    return {"code": "pages-without-text", "title": "Pages without text",
            "text": f"{which} no text that could be read: a scanned image, a picture or a blank "
                    "page. Whatever they say was not assessed, so a demand reported absent may be "
                    "taken up there. Run the file through OCR, or paste its text, and assess it again.",
            "provision": None, "quote": None, "start": None, "end": None}


def to_json(assessment: dict) -> str:
    return json.dumps(assessment, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def speaker_note(assessment: dict) -> str | None:
    """One line on who speaks in a statement, for every report format (None for an
    agreement): the speaker and how it is known, or that it could not be determined."""
    if assessment.get("document_kind") != "statement":
        return None
    sp = assessment.get("speaker") or {}
    if sp.get("kind") in (None, "unknown"):
        return ("The speaker of this statement could not be determined from the text: asks of states and "
                "institutions are coded conservatively (never met). Give the speaker to settle it.")
    how = "as given" if sp.get("source") == "given" else f"read from the text ('{sp.get('evidence', '')[:80]}')"
    return f"Speaker: {sp.get('name') or sp['kind']} ({sp['kind']}), {how}."
