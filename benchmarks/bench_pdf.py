"""How long a report takes for a long draft: a synthetic 100-page agreement, assessed against
every bundled rule set, rendered to HTML and to PDF (best of 3 each).

    .venv/bin/python benchmarks/bench_pdf.py [--pages 100] [--repeat 3]

Not part of the test suite. The draft is built from clauses written for this benchmark, in the
register of real ceasefire and framework texts; it is deterministic (no randomness).
"""
from __future__ import annotations

import argparse
import io
import time
from datetime import datetime, timezone

from checklist.assessment import assess
from checklist.documents import document_from_text
from checklist.report import render_html, render_pdf
from checklist.rules import bundled_library

CHARS_PER_PAGE = 3000      # about one A4 page of treaty text

CLAUSES = [
    "The Parties shall observe a complete and comprehensive ceasefire along the entire line of contact, "
    "effective from 00:00 on the day following signature.",
    "The Parties shall withdraw heavy weapons to equal distances from the line of contact in order to "
    "create a security zone at least 50 kilometres wide.",
    "The Parties shall refrain from any offensive operations, including by aircraft, drones and artillery, "
    "against the territory controlled by the other Party.",
    "The Joint Coordination Centre shall meet weekly to review alleged violations of the ceasefire and to "
    "agree on measures to prevent their recurrence.",
    "The Parties shall release and exchange all prisoners of war on the principle of all for all within "
    "thirty days of the entry into force of this Agreement.",
    "The Parties shall release all civilians detained in connection with the conflict, without condition "
    "and without exchange.",
    "The Parties shall ensure safe and unhindered access for the International Committee of the Red Cross "
    "to all prisoners of war and to all persons detained in connection with the conflict.",
    "Gravely wounded and gravely sick prisoners of war shall be repatriated directly, on the findings of "
    "mixed Medical Commissions.",
    "The Parties shall provide international humanitarian organisations with safe and unimpeded access to "
    "the population in all areas affected by the conflict.",
    "Humanitarian corridors shall be opened to allow civilians to leave and enter the areas of hostilities "
    "in safety and dignity.",
    "Crossing points on the line of contact shall operate daily and shall allow the passage of civilians, "
    "pensioners and humanitarian goods.",
    "The Parties shall exchange all available information on persons missing in connection with the "
    "conflict and shall grant search teams access to burial sites.",
    "The Parties shall cooperate in the demining of settlements, agricultural land and civilian "
    "infrastructure, with the assistance of international mine action organisations.",
    "An international monitoring mission shall observe compliance with this Agreement throughout the "
    "territories concerned, including the situation of human rights.",
    "Residents of the territories concerned shall not be compelled to acquire any citizenship or identity "
    "document as a condition of access to services, employment or property.",
    "Pensions and social benefits shall be paid to all persons entitled to them, irrespective of their place "
    "of residence.",
    "Persons displaced by the conflict shall have the right to return voluntarily to their homes in safety "
    "and dignity, or to settle elsewhere.",
    "Children transferred or deported from the territories concerned shall be returned to their families "
    "or legal guardians without delay.",
    "The Parties shall not grant amnesty for war crimes, crimes against humanity or genocide.",
    "The Parties affirm that nothing in this Agreement shall affect the jurisdiction of the International "
    "Criminal Court.",
    "A commission for claims shall be established to register damage, loss and injury caused to natural and "
    "legal persons, and to provide reparation to victims.",
    "The Parties shall protect energy infrastructure, including power plants, substations and transmission "
    "lines, from any attack.",
    "The Parties shall cooperate in the reconstruction of housing, schools, hospitals and water supply in the "
    "areas affected by the conflict.",
    "Trade and transport links between the territories concerned shall be restored within six months.",
    "The Parties shall establish a joint commission to prepare proposals for the economic recovery of the "
    "region and shall invite international financial institutions to take part.",
    "Disputes concerning the interpretation or application of this Agreement shall be settled by "
    "consultation between the Parties.",
    "The Parties may agree to extend the period referred to in paragraph 1 of this Article.",
    "The Parties should endeavour to facilitate the exchange of the remains of the dead.",
    "Nothing in this Article shall prevent either Party from taking measures necessary for its security.",
    "This Agreement shall enter into force on the date of its signature and shall remain in force until "
    "replaced by a comprehensive settlement.",
]
SUBPOINTS = ["a", "b", "c", "d"]


def synthetic_draft(pages: int) -> str:
    """A numbered agreement of about ``pages`` A4 pages: articles with paragraphs and sub-points."""
    target = pages * CHARS_PER_PAGE
    parts = ["AGREEMENT ON A CEASEFIRE AND ON HUMANITARIAN MEASURES\n",
             "The Parties, guided by the principles of international humanitarian law, have agreed as follows:\n"]
    size = sum(map(len, parts))
    article, n = 0, 0
    while size < target:
        article += 1
        lines = [f"\nArticle {article}. Measures, stage {article}\n"]
        for para in range(1, 4):
            clause = CLAUSES[n % len(CLAUSES)]
            n += 1
            lines.append(f"{article}.{para}. {clause}")
            if para == 2:
                for letter in SUBPOINTS[: 1 + article % 4]:
                    lines.append(f"({letter}) {CLAUSES[(n * 7 + ord(letter)) % len(CLAUSES)]}")
        block = "\n".join(lines) + "\n"
        parts.append(block)
        size += len(block)
    return "".join(parts)


def best_of(repeat: int, fn):
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None or elapsed < best else best
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    library = bundled_library()
    now = datetime(2026, 1, 15, tzinfo=timezone.utc)
    text = synthetic_draft(args.pages)
    doc = document_from_text(text, name=f"synthetic-{args.pages}-page-draft.txt")
    t_assess, assessment = best_of(1, lambda: assess(doc, library=library))
    t_html, html = best_of(args.repeat, lambda: render_html(assessment, library, now=now))
    t_pdf, pdf = best_of(args.repeat, lambda: render_pdf(assessment, library, now=now))
    try:
        from pypdf import PdfReader
        report_pages = str(len(PdfReader(io.BytesIO(pdf)).pages))
    except ImportError:
        report_pages = "?"

    print(f"draft: {args.pages} pages, {len(text):,} characters, {assessment['document']['provisions']:,} provisions; "
          f"{len(assessment['results'])} demands in {len(assessment['rule_sets'])} rule sets")
    print(f"{'step':<22}{'seconds':>10}  output")
    print(f"{'assess (once)':<22}{t_assess:>10.3f}  {len(assessment['results'])} results")
    print(f"{'HTML (best of ' + str(args.repeat) + ')':<22}{t_html:>10.3f}  {len(html.encode()):,} bytes")
    print(f"{'PDF (best of ' + str(args.repeat) + ')':<22}{t_pdf:>10.3f}  {len(pdf):,} bytes, {report_pages} pages")


if __name__ == "__main__":
    main()
