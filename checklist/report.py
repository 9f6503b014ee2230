"""Assessment -> JSON / Markdown (CSV, HTML and PDF are added in issue "PDF briefing").

The only module that may import WeasyPrint (lazily, for PDF)."""
from __future__ import annotations

from .assessment import STATUS_ORDER, to_json

FORMATS = ("json", "md")
TEXT_FORMATS = ("json", "md")


def render(assessment: dict, fmt: str) -> str | bytes:
    if fmt == "json":
        return to_json(assessment)
    if fmt == "md":
        return render_markdown(assessment)
    raise ValueError(fmt)


def render_markdown(a: dict) -> str:
    doc = a["document"]
    lines = [f"# Gap report: {doc['name']}", "",
             "| " + " | ".join(STATUS_ORDER) + " |", "|" + "---|" * len(STATUS_ORDER),
             "| " + " | ".join(str(a["summary"][s]) for s in STATUS_ORDER) + " |", ""]
    for r in a["results"]:
        lines.append(f"## {r['demand']}: {r['title']} - **{r['status'].upper()}**")
        lines.append("")
        lines.append(r["message"])
        for reason in r["reasons"]:
            lines.append(f"- {reason['text']}")
        for ev in r["evidence"]:
            lines.append(f"> ({ev['provision']}) {ev['quote']}")
        lines.append("")
    return "\n".join(lines)
