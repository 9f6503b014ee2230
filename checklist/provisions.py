"""Split a document's text into the provisions it numbers itself.

Starting point: the ``Provision`` shape and the two functions' signatures are fixed (the
engine relies on them); the splitting rules are being completed in issue "Reading drafts".
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Provision:
    ref: str                  # canonical reference: "5", "3(b)", "Article 4.2", "para 2", "preamble"
    label: str                # as the document writes it: "5.", "(b)", "Article 4.2", "" when unnumbered
    parent: str | None        # canonical ref of the parent provision, None at top level
    heading: str | None       # "Prisoner Exchanges" in "Article IX: Prisoner Exchanges"
    start: int                # offsets of this provision's own text (children excluded) in the document text
    end: int
    page: int | None = None   # page of ``start`` for PDFs
    kind: str = "numbered"    # numbered | paragraph | preamble | heading
    depth: int = 0            # 0 at top level

    @property
    def preamble(self) -> bool:
        return self.kind == "preamble"


_NUM = re.compile(r"^[ \t]*(?:[-•—][ \t]*)?(\d{1,3})[.)][ \t]+(?=\S)", re.M)
_LETTER = re.compile(r"^[ \t]*\(?([a-z])[.)][ \t]+(?=\S)", re.M)


def split_provisions(text: str, pages=None) -> list[Provision]:
    """Provisions in document order; their spans never overlap and cover the text."""
    marks = []
    for m in _NUM.finditer(text):
        marks.append((m.start(), m.group(1), None))
    current = None
    for m in _LETTER.finditer(text):
        marks.append((m.start(), None, m.group(1)))
    marks.sort()
    out: list[Provision] = []
    if not marks or marks[0][0] > 0:
        end = marks[0][0] if marks else len(text)
        out.append(Provision("preamble", "", None, None, 0, end, kind="preamble"))
    for i, (start, num, letter) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        if num:
            current = num
            out.append(Provision(num, num + ".", None, None, start, end))
        else:
            ref = f"{current}({letter})" if current else f"({letter})"
            out.append(Provision(ref, letter + ".", current, None, start, end, depth=1 if current else 0))
    return out


_SENT_END = re.compile(r"(?<=[.!?;])[\"'”’)]*\s+(?=[\"'“‘(]*[A-ZА-ЯІЇЄҐ0-9•\-])|\n\s*\n|\n(?=\s*[-•—]\s)")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (document offsets) within text[start:end]."""
    end = len(text) if end is None else end
    spans = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        spans.append((pos, end))
    return [(s, e) for s, e in spans if text[s:e].strip()]
