"""Read a draft (bytes + file name) into plain text.

Starting point: the ``Document`` shape is fixed (the engine, storage and reports use it);
the readers below are being completed in issue "Reading drafts".
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from .errors import DocumentError


@dataclass(frozen=True)
class PageSpan:
    """Characters ``start``..``end`` of the document text come from page ``page`` (1-based)."""

    page: int
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    name: str                 # file name, or a title for pasted text
    text: str                 # plain text, NFC, "\n" line endings
    format: str               # txt | md | docx | pdf | html
    language: str             # en | uk | ru | und
    sha256: str               # of the original bytes
    pages: tuple[PageSpan, ...] = field(default=())

    def page_at(self, offset: int) -> int | None:
        for span in self.pages:
            if span.start <= offset < span.end:
                return span.page
        return None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_from_text(text: str, name: str = "pasted text") -> Document:
    """A document from text pasted by the user (no file)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise DocumentError("The text is empty: paste the draft's text or upload a file that contains text.")
    return Document(name=name, text=text, format="txt", language="und",
                    sha256=sha256_hex(text.encode("utf-8")))


def read_document(data: bytes, filename: str, limits=None) -> Document:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{filename}: not UTF-8 text.") from exc
    doc = document_from_text(text, filename)
    return Document(name=filename, text=doc.text, format="txt", language="und", sha256=sha256_hex(data))


def read_file(path, limits=None) -> Document:
    from pathlib import Path

    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{p}: cannot read the file ({exc.strerror}); check the path.") from exc
    return read_document(data, p.name, limits)
