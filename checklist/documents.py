"""Read a draft (bytes + file name) into plain text.

The format is chosen by content first and by file name second: a ``.pdf`` that is really an
HTML page is read as HTML, an image or unknown binary is refused whatever it is called.
Every problem a user can cause raises :class:`~checklist.errors.DocumentError` with one
sentence that starts with the file name and says what to do; library exceptions never escape.

Output text is NFC (NFKC for PDF, to undo ligatures), uses ``"\\n"`` line endings and holds
no control characters other than ``"\\n"`` and ``"\\t"``.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import posixpath
import re
import threading
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from html import unescape as _unescape
from html.parser import HTMLParser
from pathlib import Path
from xml.parsers import expat

import nh3
from charset_normalizer import from_bytes

from .errors import DocumentError

MB = 1024 * 1024

# pypdfium2 (PDFium) is not thread-safe: every call into it holds this lock.
_PDFIUM_LOCK = threading.Lock()


@dataclass(frozen=True)
class PageSpan:
    """Characters ``start``..``end`` of the document text come from page ``page`` (1-based)."""

    page: int
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A draft read into plain text."""

    name: str                 # file name, or a title for pasted text
    text: str                 # plain text, NFC, "\n" line endings
    format: str               # txt | md | docx | pdf | html
    language: str             # en | uk | ru | und
    sha256: str               # of the original bytes
    pages: tuple[PageSpan, ...] = field(default=())

    def pages_without_text(self) -> list[int]:
        """The pages (of a PDF) from which no text was read: scanned images, a picture, or blank."""
        return [span.page for span in self.pages if not self.text[span.start:span.end].strip()]

    def page_at(self, offset: int) -> int | None:
        """The page the character at ``offset`` comes from, or None (not a PDF, out of range)."""
        for span in self.pages:
            if span.start <= offset < span.end:
                return span.page
        return None


@dataclass(frozen=True)
class Limits:
    """What a single upload may cost. Use ``dataclasses.replace(Limits(), ...)`` to change."""

    max_bytes: int = 20 * MB
    max_pdf_pages: int = 1000
    max_docx_uncompressed: int = 100 * MB   # sum of the sizes of a .docx's unpacked parts
    max_docx_ratio: int = 200               # a part bigger than 1 MB compressed more than this
    max_characters: int = 20 * MB           # of extracted text (a 20 MB text file fits)


# ---------------------------------------------------------------------------------------
# Messages: one sentence each, starting with the file name (tests assert them exactly).

_UPLOAD_HINT = "upload a .txt, .md, .docx, .pdf or .html file, or paste the text"


def _refuse(name: str, problem: str, kind: str = "unreadable") -> DocumentError:
    return DocumentError(f"{_display_name(name)}: {problem}", kind)


def _display_name(name: str) -> str:
    """The file name as it can be shown on one line."""
    shown = "".join("?" if unicodedata.category(c)[0] == "C" else c for c in name).strip()
    return shown or "unnamed file"


def _not_text(name: str, what: str) -> DocumentError:
    return _refuse(name, f"this is {what}, not a text document; {_UPLOAD_HINT}.", "unsupported")


def _too_big(name: str, size: int, limit: int) -> DocumentError:
    shown, shown_limit = _format_size(size), _format_size(limit)
    if shown == shown_limit:
        shown, shown_limit = f"{size:,} bytes", f"{limit:,} bytes"
    return _refuse(name, f"the file is {shown}; the limit is {shown_limit}. "
                         "Split the draft or raise the limit.", "too_large")


def _format_size(n: int) -> str:
    """``25.3 MB``, ``20 MB``, ``512 KB``, ``900 bytes``."""
    for unit, size in (("MB", MB), ("KB", 1024)):
        if n >= size:
            return f"{round(n / size, 1):g} {unit}"
    return f"{n} bytes"


def _empty_file(name: str) -> DocumentError:
    return _refuse(name, "the file is empty; choose the file that contains the draft, "
                         "or paste the text.")


def _no_text(name: str) -> DocumentError:
    return _refuse(name, "no text was found in the file; check that it is the right file, "
                         "or paste the text.")


def _too_many_characters(name: str, count: int, limit: int) -> DocumentError:
    return _refuse(name, f"the text has {count:,} characters; the limit is {limit:,}. "
                         "Split the draft or raise the limit.", "too_large")


def _undecodable(name: str) -> DocumentError:
    return _refuse(name, "the text encoding could not be recognised; save the file as "
                         "UTF-8 text and upload it again, or paste the text.")


def _pdf_encrypted(name: str) -> DocumentError:
    return _refuse(name, "this PDF is protected by a password; save an unprotected copy "
                         "and upload that, or paste the text.")


def _pdf_damaged(name: str) -> DocumentError:
    return _refuse(name, "this PDF is damaged or incomplete and cannot be read; export it "
                         "again from the original, or paste the text.")


def _pdf_too_many_pages(name: str, count: int, limit: int) -> DocumentError:
    return _refuse(name, f"this PDF has {count:,} pages; the limit is {limit:,} pages. "
                         "Split the draft or raise the limit.", "too_large")


def _pdf_no_text_layer(name: str) -> DocumentError:
    return _refuse(name, "this PDF has no text layer (it is probably scanned images); "
                         "run OCR on it or paste the text.")


def _docx_too_big(name: str, size: int, limit: int) -> DocumentError:
    return _refuse(name, f"this .docx file would unpack to {_format_size(size)}, more than "
                         f"the {_format_size(limit)} limit, so it was not opened; save it "
                         "again from Word, or paste the text.")


def _docx_compressed(name: str, ratio: int) -> DocumentError:
    return _refuse(name, f"this .docx file has a part compressed more than {ratio} times, "
                         "as zip bombs are, so it was not opened; save it again from Word, "
                         "or paste the text.")


def _docx_damaged(name: str) -> DocumentError:
    return _refuse(name, "this Word document is damaged or incomplete and cannot be read; "
                         "save it again from Word, or paste the text.")


def _html_damaged(name: str) -> DocumentError:
    return _refuse(name, "this HTML file could not be read; save the page as plain text, "
                         "or paste the text.")


# ---------------------------------------------------------------------------------------
# Public functions


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def document_from_text(text: str, name: str = "pasted text") -> Document:
    """A document from text pasted by the user (no file)."""
    text = clean_text(text)
    if not text.strip():
        raise DocumentError("The text is empty: paste the draft's text or upload a file that contains text.")
    return Document(name=name, text=text, format="txt", language=detect_language(text),
                    sha256=sha256_hex(text.encode("utf-8")))


def read_document(data: bytes, filename: str, limits: Limits | None = None) -> Document:
    """Read an uploaded file's bytes into a :class:`Document`, or raise DocumentError."""
    limits = limits or Limits()
    if not data:
        raise _empty_file(filename)
    if len(data) > limits.max_bytes:
        raise _too_big(filename, len(data), limits.max_bytes)
    fmt, text, pages = _extract(data, filename, limits)
    if len(text) > limits.max_characters:
        raise _too_many_characters(filename, len(text), limits.max_characters)
    return Document(name=filename, text=text, format=fmt, language=detect_language(text),
                    sha256=sha256_hex(data), pages=pages)


def read_file(path: str | Path, limits: Limits | None = None) -> Document:
    """Read a draft from disk; the size limit is checked before the file is loaded."""
    limits = limits or Limits()
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise _too_big(p.name, size, limits.max_bytes)
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{p}: cannot read the file ({exc.strerror}); check the path.") from exc
    return read_document(data, p.name, limits)


# ---------------------------------------------------------------------------------------
# Text clean-up and language


_NEWLINE_CHARS = "\r\x0b\x0c\x85\u2028\u2029"                            # line breaks other than \n
_INVISIBLE = "\u00ad\u200b\u2060\ufeff\ufffe\uffff"                     # soft hyphen, zero widths
_DROPPED_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + _INVISIBLE   # Cc, Cs (not \t \n), invisibles
_NEWLINES = re.compile(f"[{_NEWLINE_CHARS}]")          # after "\r\n" -> "\n" (a class scans faster)
_DROPPED = re.compile(f"[{_DROPPED_CHARS}]")
_NEEDS_CLEANING = re.compile(f"[{_NEWLINE_CHARS}{_DROPPED_CHARS}]")   # either of the two


def unify_newlines(text: str) -> str:
    """Every line break (CR LF, CR, VT, FF, NEL, LS, PS) as "\\n"."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return _NEWLINES.sub("\n", text)


def clean_text(text: str, form: str = "NFC") -> str:
    """Normalise line endings and Unicode form; drop control and invisible characters."""
    if _NEEDS_CLEANING.search(text):                  # one pass decides: most texts need none
        text = _DROPPED.sub("", unify_newlines(text))
    if form == "NFC" and unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize(form, text)


_UK_ONLY = frozenset("іїєґІЇЄҐ")
_RU_ONLY = frozenset("ыэъёЫЭЪЁ")
_EN_WORDS = frozenset(
    w.encode("ascii") for w in
    "the and of to in shall be all a an for by on with or not any is are this that as from "
    "at will their its which parties party who have has other such under within".split()
)
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# bytes -> lower-case ASCII letters, everything else (UTF-8 bytes of other letters too) a space
_ASCII_WORDS = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32 for c in range(256))
_CYRILLIC_LEADS = (b"\xd0", b"\xd1", b"\xd2", b"\xd3")        # UTF-8 lead bytes of U+0400-U+04FF


def detect_language(text: str) -> str:
    """``uk``, ``ru``, ``en`` or ``und`` (undetermined), from letters and common words.

    Counted on bytes (a few C passes, no Python loop over the text): Cyrillic letters by their
    UTF-8 lead bytes, Latin letters as ASCII letters, English by the share of common words."""
    sample = text[:50_000]                                        # some fifteen pages decide
    data = sample.encode("utf-8", "replace")
    cyrillic = sum(map(data.count, _CYRILLIC_LEADS))
    latin = len(data) - len(data.translate(None, _ASCII_LETTERS))
    if cyrillic > latin:
        uk = sum(sample.count(c) for c in _UK_ONLY)
        ru = sum(sample.count(c) for c in _RU_ONLY)
        return "uk" if uk > ru else "ru" if ru > uk else "und"
    words = data[:10_000].translate(_ASCII_WORDS).split()         # a few pages decide
    hits = sum(map(_EN_WORDS.__contains__, words))
    return "en" if hits and hits >= 0.1 * len(words) else "und"


# ---------------------------------------------------------------------------------------
# Choosing the reader


_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
_BINARIES = (
    (b"\x7fELF", "a program (ELF executable)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-format Office file (.doc, .xls or .ppt)"),
    (b"{\\rtf", "a Rich Text Format (.rtf) file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
_UNKNOWN_BINARY = "an unrecognised binary file"


def _extract(data: bytes, name: str, limits: Limits) -> tuple[str, str, tuple[PageSpan, ...]]:
    """(format, text, pages) for any upload, by content first."""
    if data.lstrip()[:5] == b"%PDF-":
        text, pages = _read_pdf(data, name, limits)
        return "pdf", text, pages
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "docx", _read_docx(data, name, limits), ()
    _refuse_known_binary(data, name)
    text = decode_text(data, name)
    if _looks_like_html(text, name):
        return "html", _nonempty(name, html_to_text(text, name)), ()
    fmt = "md" if name.lower().endswith((".md", ".markdown")) else "txt"
    return fmt, _nonempty(name, clean_text(text)), ()


def _refuse_known_binary(data: bytes, name: str) -> None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise _not_text(name, "a WebP image")
    for magic, what in _IMAGES + _BINARIES:
        if data.startswith(magic):
            raise _not_text(name, what)


def _nonempty(name: str, text: str) -> str:
    if not text.strip():
        raise _no_text(name)
    return text


_HTML_STRONG = re.compile(  # atomic group: no catastrophic backtracking over comments
    r"\s*(?:<\?xml[^>]*>\s*)?(?>(?:<!--.*?-->\s*)*)<(!doctype\s+html|html|head|body)[\s>]",
    re.I | re.S)
_HTML_WEAK = re.compile(r"\s*<(p|div|h[1-6]|table|ul|ol|meta|title|article|section)[\s>/]", re.I)


def _looks_like_html(text: str, name: str) -> bool:
    """HTML by name, by a document-level tag at the start, or by a block tag unless .txt/.md."""
    lower = name.lower()
    if lower.endswith((".html", ".htm", ".xhtml")):
        return True
    head = text[:4096].lstrip("\ufeff")
    if _HTML_STRONG.match(head):
        return True
    return not lower.endswith((".txt", ".md", ".markdown")) and bool(_HTML_WEAK.match(head))


# ---------------------------------------------------------------------------------------
# Text encodings: BOM, then BOM-less UTF-16, UTF-8, Windows-1251, then Latin code pages.


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_LATIN_CODEPAGES = ["cp1252", "cp1250", "iso8859_15"]


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file without being told its encoding, deterministically."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_unicode(data[len(bom):], encoding, name)
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return utf16
    if b"\x00" in data or _too_many_controls(data[:65536]):
        if b"%PDF-" in data[:1024]:
            raise _pdf_damaged(name)
        raise _not_text(name, _UNKNOWN_BINARY)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guessed = _cyrillic_codepage(data) or _latin_codepage(data)
    declared = _declared(data)
    if declared is not None and (guessed is None or _oddities(declared) <= _oddities(guessed)):
        return declared      # what the page says it is, unless that reads as garbage and the guess does not
    if guessed is not None:
        return guessed
    raise _undecodable(name)


# An HTML page's <meta charset> or http-equiv Content-Type, or an XML declaration's encoding,
# near the start of the file (browsers look in the first 1,024 bytes).
_DECLARED_CHARSET = re.compile(
    rb"""<meta\b[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})"""
    rb"""|<\?xml\b[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)
# The single-byte code pages a declaration may name (Python's names), and what a label means as
# browsers read it (the WHATWG Encoding Standard: "iso-8859-1" and "ascii" are windows-1252).
_DECLARABLE = frozenset({"cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256",
                         "cp1257", "cp1258", "koi8-r", "koi8-u", "cp866", "mac-cyrillic",
                         "mac-roman", "iso8859-2", "iso8859-4", "iso8859-5", "iso8859-7",
                         "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16"})
_AS_BROWSERS_READ = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252",
                     "iso8859-9": "cp1254", "iso8859-11": "cp874"}


def _declared(data: bytes) -> str | None:
    """The text in the code page the file declares, when it names one and the bytes fit it."""
    m = _DECLARED_CHARSET.search(data[:1024])
    if m is None:
        return None
    try:
        encoding = codecs.lookup((m.group(1) or m.group(2)).decode("ascii")).name
    except (LookupError, ValueError):
        return None
    encoding = _AS_BROWSERS_READ.get(encoding, encoding)
    if encoding not in _DECLARABLE:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _plausible(text) else None


def _too_many_controls(data: bytes) -> bool:
    """Binary, not text: more than a stray control byte or two (and more than 1 %)."""
    return len(_CONTROL_BYTES.findall(data)) > max(2, 0.01 * len(data))


def _decode_unicode(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _undecodable(name) from exc
    if not _plausible(text):
        raise _not_text(name, _UNKNOWN_BINARY)
    return text


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark, recognised by NUL bytes on one side of each pair."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    for encoding, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 0.05 * half and others <= 0.01 * half:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return text if _plausible(text) else None
    return None


def _plausible(text: str) -> bool:
    """Decoded text, not binary: few control, unassigned or private-use characters."""
    sample = text[:100_000]
    bad = sum(1 for c in sample if (c not in "\n\r\t\x0c" and unicodedata.category(c) in
                                    ("Cc", "Cn", "Co", "Cs")))
    return bad <= 0.01 * len(sample)


_CP1251_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯіїєґІЇЄҐ"
_CP1251_PUNCTUATION = "«»„“”‘’–—…№•·§°±©®\u00a0"
_NOT_CP1251_TEXT = re.compile(f"[^\x00-\x7f{_CP1251_CYRILLIC}{_CP1251_PUNCTUATION}]")


def _cp1251(data: bytes, encoding: str = "cp1251") -> str | None:
    """Windows-1251 (or ``encoding``) if every non-ASCII character is Russian/Ukrainian or
    common punctuation, and words do not mix Latin and Cyrillic letters (which is what Latin-1
    text looks like when decoded as Windows-1251)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if _NOT_CP1251_TEXT.search(text):
        return None
    words = [w for w in re.findall(r"[^\W\d_]+", text) if not w.isascii()]
    mixed = sum(1 for w in words if re.search(r"[A-Za-z]", w))
    return text if words and mixed <= 0.1 * len(words) else None


def _cyrillic_codepage(data: bytes) -> str | None:
    """Windows-1251 or KOI8 (KOI8-U, which also reads KOI8-R text), whichever gives words
    written as words are: KOI8 bytes read as Windows-1251 swap capitals and small letters
    ("уФБФШС" for "Статья"), and the other way round."""
    candidates = [t for t in (_cp1251(data), _cp1251(data, "koi8-u")) if t is not None]
    if not candidates:
        return None
    return min(candidates, key=_odd_case_words)       # a tie keeps Windows-1251


_ODD_CASE = re.compile(r"[^\W\d_][^\W\d_]*[А-ЯЁІЇЄҐ][^\W\d_]*")   # a capital after a word's first letter
_CYRILLIC_WORD = re.compile(r"[а-яёіїєґА-ЯЁІЇЄҐ]{2,}")


def _odd_case_words(text: str) -> int:
    return sum(1 for w in _CYRILLIC_WORD.findall(text[:100_000]) if _ODD_CASE.fullmatch(w) and not w.isupper())


def _oddities(text: str) -> int:
    """Signs of text read in the wrong code page: Cyrillic words with capitals inside, words
    mixing Latin and Cyrillic letters, words mostly of accented Latin letters ("Ñòàòüÿ" is
    "Статья" in Windows-1251 read as Windows-1252), and C1 control characters."""
    sample = text[:100_000]
    words = _WORD.findall(sample)
    mixed = sum(1 for w in words if not w.isascii() and _LATIN_LETTER.search(w) and _CYRILLIC_LETTER.search(w))
    accented = sum(1 for w in words if len(w) >= 4 and not w.isascii()
                   and 2 * sum(1 for c in w if "\u00c0" <= c <= "\u024f") > len(w))
    controls = sum(1 for c in sample if "\x80" <= c <= "\x9f")
    return _odd_case_words(sample) + mixed + accented + controls


_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")


def _latin_codepage(data: bytes) -> str | None:
    """A Western or Central European code page, as charset-normalizer judges it."""
    best = from_bytes(data, cp_isolation=_LATIN_CODEPAGES).best()
    if best is None:
        return None
    text = str(best)
    return text if _plausible(text) else None


# ---------------------------------------------------------------------------------------
# HTML


# nh3 (html5ever, linear time) first reduces the page to these tags, and drops the content
# of the _HIDDEN ones; html.parser then only ever sees well-formed, harmless markup.
_HIDDEN = frozenset({"script", "style", "title", "template", "noscript", "iframe", "object",
                     "embed", "svg", "math", "select", "canvas", "textarea"})
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote",
                         "pre", "figure", "hr", "address", "form", "fieldset", "details", "dl"})
_LINES = frozenset({"div", "li", "tr", "td", "th", "dt", "dd", "section", "article", "header",
                    "footer", "nav", "aside", "main", "caption", "figcaption", "summary",
                    "ul", "ol"})
_STRUCTURE = _PARAGRAPHS | _LINES | {"br", "thead", "tbody", "tfoot"}
_LIST_ATTRIBUTES = {"ol": {"start", "type"}, "li": {"value"}}
_LIST_STYLES = ("1", "a", "i")  # ordered lists by depth: 1. / (a) / (i), then again
_MAX_INDENT = 8                 # list levels shown by indentation; deeper ones share the last


class _HtmlToText(HTMLParser):
    """Collects an HTML page's visible text; never fetches or runs anything."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list] = []        # [ordered, counter, style] per open list
        self.ordered_depth = 0             # how many of the open lists are ordered
        self.pending_break = 0             # newlines owed before the next text
        self.pending_prefix = ""           # list marker owed before the next text
        self.at_line_start = True
        self.pre = 0

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ol", "ul"):
            self._open_list(tag, dict(attrs))
        elif tag == "li":
            self._open_item(dict(attrs))
        elif tag == "br":
            self._emit("\n")
        elif tag == "pre":
            self.pre += 1
        self._block(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ol", "ul") and self.lists:
            if self.lists.pop()[0]:
                self.ordered_depth -= 1
        elif tag == "pre" and self.pre:
            self.pre -= 1
        if tag == "li":
            self.pending_prefix = ""
        self._block(tag)

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            after_space = bool(self.parts) and self.parts[-1].endswith(" ")
            if self.at_line_start or self.pending_break or after_space:
                data = data.lstrip(" ")
        if data:
            self._emit(data)

    # -- helpers
    def _block(self, tag: str) -> None:
        level = 2 if tag in _PARAGRAPHS else 1 if tag in _LINES else 0
        if tag in ("ul", "ol", "li") and self.lists:
            level = 1                      # lists inside lists stay tight
        self.pending_break = max(self.pending_break, level)

    def _open_list(self, tag: str, attrs: dict[str, str | None]) -> None:
        ordered = tag == "ol"
        start = _int_attr(attrs.get("start"))
        style = attrs.get("type") or _LIST_STYLES[self.ordered_depth % len(_LIST_STYLES)]
        self.lists.append([ordered, (start if start is not None else 1) - 1, style])
        self.ordered_depth += ordered

    def _open_item(self, attrs: dict[str, str | None]) -> None:
        if not self.lists:
            self.lists.append([False, 0, "1"])
        current = self.lists[-1]
        value = _int_attr(attrs.get("value"))
        current[1] = value if value is not None else current[1] + 1
        indent = "    " * min(len(self.lists) - 1, _MAX_INDENT)   # deep nesting stays linear
        marker = _list_marker(current[1], current[2]) if current[0] else "- "
        self.pending_prefix = indent + marker

    def _emit(self, data: str) -> None:
        if data == "\n":
            if self.pending_break and self.parts:
                self.parts.append("\n" * self.pending_break)
            self.pending_break = 0
            self.parts.append("\n")
            self.at_line_start = True
            return
        if self.pending_break and self.parts:
            self.parts.append("\n" * self.pending_break)
            self.at_line_start = True
        self.pending_break = 0
        if self.pending_prefix:
            self.parts.append(self.pending_prefix)
            self.pending_prefix = ""
        self.parts.append(data)
        self.at_line_start = data.endswith("\n")

    def text(self) -> str:
        text = "\n".join(line.rstrip(" \t") for line in "".join(self.parts).split("\n"))
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _int_attr(value: str | None) -> int | None:
    if value is None or not re.fullmatch(r"\s*-?\d{1,9}\s*", value):
        return None
    return int(value)


def _list_marker(number: int, style: str) -> str:
    """``1. ``, ``(a) ``, ``(iv) `` ... for an ordered-list item."""
    if style in ("a", "A") and number > 0:
        label = _alphabetic(number)
        return f"({label.upper() if style == 'A' else label}) "
    if style in ("i", "I") and 0 < number < 4000:
        label = _roman(number)
        return f"({label.upper() if style == 'I' else label}) "
    return f"{number}. "


def _alphabetic(number: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _roman(number: int) -> str:
    """1 -> i, 4 -> iv, 1999 -> mcmxcix."""
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        count, number = divmod(number, value)
        out += numeral * count
    return out


# nh3 is not linear on every page: its output grows quadratically slower with the number of
# "&" in the text (200,000 of "&#" took 0.9 s, ten times fewer 0.01 s), whatever reference
# spelt them. So every character reference is decoded here, in one linear pass, and each "&"
# it yields (or a bare "&") travels through nh3 and html.parser as a private-use character.
_AMPERSAND = "\ue000"
_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)?")
_MARKUP = str.maketrans({"&": _AMPERSAND, "<": "&lt;", ">": "&gt;", '"': "&quot;",
                         "'": "&#39;"})


def _decode_references(html: str) -> str:
    """`html` with character references decoded and "&" as _AMPERSAND; markup is kept."""
    return _REFERENCE.sub(lambda m: _unescape(m.group()).translate(_MARKUP),
                          html.replace(_AMPERSAND, ""))


def html_to_text(html: str, name: str = "page.html") -> str:
    """Visible text of an HTML page: scripts and styles dropped, lists numbered."""
    parser = _HtmlToText()
    try:
        safe = nh3.clean(_decode_references(html), tags=set(_STRUCTURE), clean_content_tags=set(_HIDDEN),
                         attributes=_LIST_ATTRIBUTES, strip_comments=True, link_rel=None)
        parser.feed(safe)
        parser.close()
    except Exception as exc:  # a parser's failure on hostile input; never show a traceback
        raise _html_damaged(name) from exc
    return clean_text(parser.text().replace(_AMPERSAND, "&"))


# ---------------------------------------------------------------------------------------
# DOCX: word/document.xml, numbering.xml and styles.xml read with the standard library
#
# The text is what Word shows: paragraphs in order (table cells row by row, one paragraph a
# line), runs' text (tabs, line breaks, non-breaking hyphens; deleted and hidden text, field
# codes, images, text boxes, footnotes, comments, headers and footers are left out; hyperlinks
# keep their text), and the automatic numbering Word draws: counters shared by every list of
# one abstractNum, start values and startOverride, deeper levels restarting (lvlRestart), the
# number formats and lvlText patterns ("%1.", "(%2)", "%1.%2.", "Article %1"), isLgl, and
# numbering given by a paragraph style ("List Number", numbered headings). A numbered paragraph
# is written "<label> <text>", indented four spaces per level below the first; a bullet is
# "- <text>". Consecutive list paragraphs are separated by a newline, anything else by a blank
# line, as the HTML reader does for <li> and <p>.

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_TYPES = {"numbering": "/numbering", "styles": "/styles", "footnotes": "/footnotes",
              "endnotes": "/endnotes"}      # the order of _unpack_docx's parts after document.xml

# Elements whose children are paragraphs (block level) or runs (inside a paragraph); any
# other element (w:del, w:moveFrom, w:drawing, w:pict, w:instrText, w:sectPr ...) is skipped.
_BLOCK_CONTAINERS = frozenset(_W + t for t in (
    "tbl", "tr", "tc", "sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"))
_RUN_CONTAINERS = frozenset(_W + t for t in (
    "r", "hyperlink", "smartTag", "customXml", "fldSimple", "ins", "moveTo", "sdt",
    "sdtContent", "bdo", "dir"))
_NOTE_REFERENCES = {_W + "footnoteReference": "footnote", _W + "endnoteReference": "endnote"}
_RUN_TEXT = {_W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n",
             _W + "noBreakHyphen": "-"}
_FALSE = frozenset({"0", "false", "off"})
_LEVELS = 9


def _read_docx(data: bytes, name: str, limits: Limits) -> str:
    """Text of a .docx, with its automatic list numbering written out as Word shows it.

    The main document part is read, with each footnote and endnote written into the paragraph
    that refers to it (a marker ``[1]`` where the reference is, the note's text at the end of
    the paragraph: ``[Footnote 1: ...]``), so a note is read as part of the provision it
    qualifies. Comments, headers, footers and text boxes are ignored, as are images;
    hyperlinks keep their text."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception as exc:  # zipfile raises many types on damaged archives
        if name.lower().endswith(".docx") or b"word/" in data[:4096]:
            raise _docx_damaged(name) from exc
        raise _not_text(name, "a damaged ZIP archive") from exc
    if not any(m.filename == "word/document.xml" for m in members):
        raise _not_text(name, "a ZIP archive without a Word document inside")
    _check_zip_bomb(members, name, limits)
    parts = _unpack_docx(data, name)
    try:
        text = _docx_text(*parts)
    except Exception as exc:  # XML errors, a DOCTYPE, hostile nesting (RecursionError) ...
        raise _docx_damaged(name) from exc
    return _nonempty(name, clean_text(text))


def _check_zip_bomb(members: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    """Refuse before unpacking: too much in total, or one part compressed suspiciously well."""
    total = sum(m.file_size for m in members)
    if total > limits.max_docx_uncompressed:
        raise _docx_too_big(name, total, limits.max_docx_uncompressed)
    for m in members:
        if m.file_size > MB and m.file_size > limits.max_docx_ratio * max(m.compress_size, 1):
            raise _docx_compressed(name, limits.max_docx_ratio)


def _unpack_docx(data: bytes, name: str) -> tuple[bytes, ...]:
    """(document.xml, then the numbering, styles, footnotes and endnotes parts, each None when
    absent); called only after :func:`_check_zip_bomb`. zipfile stops at each part's declared
    size (CRC error)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            document = archive.read("word/document.xml")
            targets = {kind: f"word/{kind}.xml" for kind in _REL_TYPES}
            if "word/_rels/document.xml.rels" in names:
                targets.update(_related_parts(archive.read("word/_rels/document.xml.rels")))
            parts = [archive.read(targets[k]) if targets[k] in names else None for k in _REL_TYPES]
    except Exception as exc:  # bad CRC, truncated data, broken relationships part
        raise _docx_damaged(name) from exc
    return (document, *parts)



def _related_parts(rels: bytes) -> dict[str, str]:
    """Part names of the numbering, styles, footnotes and endnotes parts the document's
    relationships name."""
    found = {}
    for rel in _parse_xml(rels).iter(_RELS + "Relationship"):
        kind = next((k for k, suffix in _REL_TYPES.items()
                     if rel.get("Type", "").endswith(suffix)), None)
        target = rel.get("Target", "")
        if kind and target and rel.get("TargetMode") != "External":
            path = target.lstrip("/") if target.startswith("/") else f"word/{target}"
            found[kind] = posixpath.normpath(path)
    return found


class _Doctype(ValueError):
    """A part declares a DOCTYPE (Word never writes one; entity bombs need one)."""


class _RootReached(Exception):
    pass


def _refuse_doctype(xml: bytes) -> None:
    """Raise _Doctype if the prolog declares a DOCTYPE; reads only up to the root element."""
    def doctype(*args: object) -> None:
        raise _Doctype("DOCTYPE")

    def root(*args: object) -> None:
        raise _RootReached

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        parser.Parse(xml, True)
    except _RootReached:
        return


def _parse_xml(xml: bytes) -> ET.Element:
    _refuse_doctype(xml)
    return ET.fromstring(xml)


def _body_blocks(xml: bytes):
    """The elements directly inside w:body, one at a time; each is dropped once used, so memory
    holds one top-level block (paragraph or table), not the whole document."""
    _refuse_doctype(xml)
    stack: list[ET.Element] = []
    for event, element in ET.iterparse(io.BytesIO(xml), events=("start", "end")):
        if event == "start":
            stack.append(element)
            continue
        stack.pop()
        if len(stack) == 2 and stack[1].tag == _W + "body":
            yield element
            stack[1].clear()


def _docx_text(document: bytes, numbering: bytes | None, styles: bytes | None,
               footnotes: bytes | None = None, endnotes: bytes | None = None) -> str:
    style_sheet = _Styles(_parse_xml(styles) if styles else None)
    lists = _Numbering(_parse_xml(numbering) if numbering else None, style_sheet)
    notes = _Notes(footnotes, endnotes)
    out: list[str] = []
    previous_in_list = False
    for block in _body_blocks(document):
        for paragraph in _paragraphs(block):
            line, in_list = _paragraph_line(paragraph, style_sheet, lists, notes)
            if not line:
                continue
            if out:
                out.append("\n" if previous_in_list and in_list else "\n\n")
            out.append(line)
            previous_in_list = in_list
    return re.sub(r"\n{3,}", "\n\n", "".join(out))


def _paragraphs(element: ET.Element):
    """Paragraphs of a block in reading order (tables row by row, cell by cell)."""
    if element.tag == _W + "p":
        yield element
    elif element.tag in _BLOCK_CONTAINERS:
        for child in element:
            yield from _paragraphs(child)


def _paragraph_line(paragraph: ET.Element, styles: _Styles, lists: _Numbering,
                    notes: "_Notes | None" = None) -> tuple[str, bool]:
    """(text with its number, is a list paragraph); numbering counts even an empty paragraph.
    The notes the paragraph refers to for the first time end it."""
    parts: list[str] = []
    _run_text(paragraph, parts, notes)
    lines = [line.strip(" \t") for line in "".join(parts).split("\n")]
    text = "\n".join(lines).strip("\n")
    if notes is not None and notes.pending:
        text = " ".join([text, *notes.take()]).strip()
    numbered = lists.label(*_numbering_of(paragraph, styles, lists))
    if numbered is None:
        return text, False
    label, level = numbered
    if not text:
        return "", True
    prefix = "    " * min(level, _MAX_INDENT) + (f"{label} " if label else "")
    return prefix + text, True


def _run_text(element: ET.Element, out: list[str], notes: "_Notes | None" = None) -> None:
    for child in element:
        tag = child.tag
        if tag == _W + "t":
            out.append(child.text or "")
        elif tag in _RUN_TEXT:
            out.append(_RUN_TEXT[tag])
        elif tag == _W + "r":
            if not _hidden(child):
                _run_text(child, out, notes)
        elif tag in _RUN_CONTAINERS:
            _run_text(child, out, notes)
        elif tag in _NOTE_REFERENCES:
            if notes is not None:
                out.append(notes.reference(_NOTE_REFERENCES[tag], child.get(_W + "id")))
        elif tag == _MC + "AlternateContent":
            choice = child.find(_MC + "Choice")
            if choice is not None:
                _run_text(choice, out, notes)


class _Notes:
    """A document's footnotes and endnotes, numbered as Word shows them (in the order they are
    first referred to: footnotes 1, 2, 3 ..., endnotes i, ii, iii ...). A note's text is given
    once, at its first reference; a later reference to the same note is only its marker, so a
    hostile file cannot multiply a long note by referring to it again and again."""

    def __init__(self, footnotes: bytes | None, endnotes: bytes | None) -> None:
        self.texts: dict[tuple[str, str], str] = {}
        for kind, xml in (("footnote", footnotes), ("endnote", endnotes)):
            if xml:
                for note in _parse_xml(xml).iter(_W + kind):
                    if note.get(_W + "type", "normal") == "normal" and note.get(_W + "id"):
                        self.texts[kind, note.get(_W + "id")] = self._text(note)
        self.marks: dict[tuple[str, str], str] = {}
        self.counts = {"footnote": 0, "endnote": 0}
        self.pending: list[str] = []

    @staticmethod
    def _text(note: ET.Element) -> str:
        parts: list[str] = []
        for paragraph in note.iter(_W + "p"):
            _run_text(paragraph, parts)
            parts.append(" ")
        return " ".join("".join(parts).split())

    def reference(self, kind: str, note_id: str | None) -> str:
        key = (kind, note_id or "")
        if key in self.marks:
            return f"[{self.marks[key]}]"
        text = self.texts.get(key)
        if not text:
            return ""              # a note that is missing or empty: nothing to read
        self.counts[kind] += 1
        mark = self.marks[key] = (str(self.counts[kind]) if kind == "footnote"
                                  else _roman(self.counts[kind]))
        self.pending.append(f"[{kind.capitalize()} {mark}: {text}]")
        return f"[{mark}]"

    def take(self) -> list[str]:
        pending, self.pending = self.pending, []
        return pending


def _hidden(run: ET.Element) -> bool:
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(_W + "val", "true").lower() not in _FALSE


def _val(element: ET.Element | None, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return found.get(_W + "val") if found is not None else None


def _small_int(value: str | None) -> int | None:
    """An integer attribute, or None when it is missing or absurd (hostile files)."""
    if value is None or not re.fullmatch(r"\s*-?\d{1,9}\s*", value):
        return None
    return int(value)


def _numbering_of(paragraph: ET.Element, styles: _Styles,
                  lists: _Numbering) -> tuple[str | None, int]:
    """(numId, ilvl) from the paragraph's own numPr, else from its paragraph style."""
    properties = paragraph.find(_W + "pPr")
    style_id = _val(properties, _W + "pStyle") or styles.default
    num_id = _val(properties, f"{_W}numPr/{_W}numId")
    level = _small_int(_val(properties, f"{_W}numPr/{_W}ilvl"))
    style_num, style_level = styles.numbering(style_id)
    if num_id is None and style_num is not None:
        num_id = style_num
        if level is None:
            level = (style_level if style_level is not None
                     else lists.level_of_style(num_id, style_id))
    return num_id, level or 0


class _Styles:
    """Paragraph styles' numbering (numId, ilvl), following w:basedOn."""

    def __init__(self, root: ET.Element | None) -> None:
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.default: str | None = None
        for style in root.iter(_W + "style") if root is not None else ():
            style_id = style.get(_W + "styleId")
            kind = style.get(_W + "type", "paragraph")
            if style_id is None or kind not in ("paragraph", "numbering"):
                continue
            properties = style.find(_W + "pPr")
            self.styles[style_id] = (_val(style, _W + "basedOn"),
                                     _val(properties, f"{_W}numPr/{_W}numId"),
                                     _val(properties, f"{_W}numPr/{_W}ilvl"))
            if kind == "paragraph" and style.get(_W + "default", "").lower() in ("1", "true", "on"):
                self.default = style_id

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        num_id = level = None
        seen = set()
        while style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            based_on, style_num, style_level = self.styles[style_id]
            num_id = num_id if num_id is not None else style_num
            level = level if level is not None else _small_int(style_level)
            style_id = based_on
        return num_id, level


@dataclass
class _Level:
    start: int = 1
    format: str = "decimal"
    text: str = ""
    restart: int | None = None   # lvlRestart: restarts after levels shallower than this
    legal: bool = False          # isLgl: every number in the label as a decimal
    style: str | None = None     # pStyle: the paragraph style bound to this level

    @classmethod
    def of(cls, element: ET.Element, base: _Level | None = None) -> _Level:
        base = base or cls()
        legal = element.find(_W + "isLgl")
        start = _small_int(_val(element, _W + "start"))
        return cls(start=start if start is not None else base.start,
                   format=_val(element, _W + "numFmt") or base.format,
                   text=(_val(element, _W + "lvlText") or "")
                   if element.find(_W + "lvlText") is not None else base.text,
                   restart=_small_int(_val(element, _W + "lvlRestart")) if element.find(
                       _W + "lvlRestart") is not None else base.restart,
                   legal=(legal.get(_W + "val", "true").lower() not in _FALSE)
                   if legal is not None else base.legal,
                   style=_val(element, _W + "pStyle") or base.style)


class _Numbering:
    """numbering.xml, and the counters Word keeps while it lays the document out."""

    def __init__(self, root: ET.Element | None, styles: _Styles) -> None:
        self.styles = styles
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}       # abstractNumId -> numbering style
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, ET.Element]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.used: set[str] = set()
        for element in root if root is not None else ():
            if element.tag == _W + "abstractNum":
                abstract_id = element.get(_W + "abstractNumId")
                self.abstract[abstract_id] = {
                    level: _Level.of(lvl) for lvl in element.findall(_W + "lvl")
                    if (level := _small_int(lvl.get(_W + "ilvl"))) is not None
                    and 0 <= level < _LEVELS}
                link = _val(element, _W + "numStyleLink")
                if link:
                    self.style_link[abstract_id] = link
            elif element.tag == _W + "num":
                starts, levels = {}, {}
                for override in element.findall(_W + "lvlOverride"):
                    level = _small_int(override.get(_W + "ilvl"))
                    if level is None or not 0 <= level < _LEVELS:
                        continue
                    start = _small_int(_val(override, _W + "startOverride"))
                    if start is not None:
                        starts[level] = start
                    if (lvl := override.find(_W + "lvl")) is not None:
                        levels[level] = lvl
                self.nums[element.get(_W + "numId")] = (
                    _val(element, _W + "abstractNumId"), starts, levels)

    def _definition(self, num_id: str) -> tuple[str, dict[int, _Level], dict[int, int]] | None:
        """(abstractNumId whose counters apply, levels, start overrides) for a numId."""
        if num_id not in self.nums:
            return None
        abstract_id, starts, overrides = self.nums[num_id]
        seen = set()
        while abstract_id in self.style_link and abstract_id not in seen:  # numStyleLink
            seen.add(abstract_id)
            linked = self.styles.numbering(self.style_link[abstract_id])[0]
            if linked not in self.nums:
                break
            abstract_id = self.nums[linked][0]
        if abstract_id not in self.abstract:
            return None
        levels = dict(self.abstract[abstract_id])
        for level, element in overrides.items():
            levels[level] = _Level.of(element, levels.get(level))
        return abstract_id, levels, starts

    def level_of_style(self, num_id: str, style_id: str | None) -> int:
        definition = self._definition(num_id)
        if definition and style_id:
            for level, lvl in definition[1].items():
                if lvl.style == style_id:
                    return level
        return 0

    def label(self, num_id: str | None, level: int) -> tuple[str, int] | None:
        """Advance the counters for one paragraph and return (label, level), or None when the
        paragraph is not numbered (numId 0, an unknown list or level)."""
        if num_id is None or num_id == "0" or not 0 <= level < _LEVELS:
            return None
        definition = self._definition(num_id)
        if definition is None or level not in definition[1]:
            return None
        abstract_id, levels, starts = definition
        counters = self.counters.setdefault(abstract_id, [None] * _LEVELS)
        if num_id not in self.used:
            self.used.add(num_id)
            for overridden in starts:
                counters[overridden] = None       # this list starts again at its override

        def start(n: int) -> int:
            return starts.get(n, levels[n].start if n in levels else 1)

        counters[level] = start(level) if counters[level] is None else counters[level] + 1
        for deeper in range(level + 1, _LEVELS):
            restart = levels[deeper].restart if deeper in levels else None
            if level < (deeper if restart is None else restart):
                counters[deeper] = None
        this = levels[level]
        if this.format == "bullet":
            return "-", level

        def number(match: re.Match) -> str:
            n = int(match.group(1)) - 1
            value = counters[n] if counters[n] is not None else start(n)
            fmt = levels[n].format if n in levels else "decimal"
            if this.legal and fmt not in ("none", "bullet"):
                fmt = "decimal"
            return _word_number(value, fmt)

        return re.sub(r"%([1-9])", number, this.text).strip(), level


# Word's letter lists: a) b) ... z), then aa) bb) ...; its Cyrillic ones (а), б), в) ..., used
# for Ukrainian and Russian drafts alike) skip ё, й, ъ, ы and ь. Format -> (letters, capitals).
_WORD_CYRILLIC = "абвгдежзиклмнопрстуфхцчшщэюя"
_WORD_LETTERS = {"lowerLetter": ("abcdefghijklmnopqrstuvwxyz", False),
                 "upperLetter": ("abcdefghijklmnopqrstuvwxyz", True),
                 "russianLower": (_WORD_CYRILLIC, False), "russianUpper": (_WORD_CYRILLIC, True)}


def _word_number(number: int, fmt: str) -> str:
    """A counter in one of Word's number formats (decimal for formats not listed here)."""
    if fmt == "none":
        return ""
    if fmt in _WORD_LETTERS and 0 < number <= len(_WORD_LETTERS[fmt][0]) * 50:
        alphabet, capitals = _WORD_LETTERS[fmt]
        round_, index = divmod(number - 1, len(alphabet))
        letters = alphabet[index] * (round_ + 1)                        # z, aa, bb
        return letters.upper() if capitals else letters
    if fmt in ("lowerRoman", "upperRoman") and 0 < number < 4000:
        return _roman(number).upper() if fmt == "upperRoman" else _roman(number)
    if fmt == "decimalZero" and 0 <= number < 10:
        return f"0{number}"
    if fmt == "ordinal" and number >= 0:
        suffix = "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix}"
    return str(number)


# ---------------------------------------------------------------------------------------
# PDF through pypdfium2


def _read_pdf(data: bytes, name: str, limits: Limits) -> tuple[str, tuple[PageSpan, ...]]:
    """Text of a PDF, with the span of each page. Running headers and footers and page numbers
    are dropped; pages are joined by a blank line, or by a line break where a paragraph runs on
    to the next page."""
    if b"%%EOF" not in data.rstrip(b"\x00\t\n\r\x0c ")[-1024:]:
        raise _pdf_damaged(name)   # readers require %%EOF in the last 1024 bytes
    raw_pages = _pdf_page_texts(data, name, limits)
    pages = _without_running_lines([_tidy_pdf_page(t) for t in raw_pages])
    vocabulary = _Vocabulary.of(pages)
    pages = _rejoin_across_pages([_rejoin_words(t, vocabulary) for t in pages], vocabulary)
    text, spans = _join_pages(pages)
    if not text.strip():
        raise _pdf_no_text_layer(name)
    return text, spans


def _pdfium():
    """pypdfium2 and its raw bindings, imported on the first PDF: a command that reads no
    PDF does not pay for loading PDFium (about 30 ms)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    return pdfium, pdfium_c


def _pdf_page_texts(data: bytes, name: str, limits: Limits) -> list[str]:
    pdfium, pdfium_c = _pdfium()
    with _PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
                raise _pdf_encrypted(name) from exc
            raise _pdf_damaged(name) from exc
        try:
            count = len(pdf)
            if count == 0:
                raise _pdf_damaged(name)
            if count > limits.max_pdf_pages:
                raise _pdf_too_many_pages(name, count, limits.max_pdf_pages)
            return [_pdf_page_text(pdf, i, name) for i in range(count)]
        finally:
            pdf.close()


def _pdf_page_text(pdf, index: int, name: str) -> str:
    """One page's text of a ``pypdfium2.PdfDocument``; the caller holds the pdfium lock."""
    pdfium, _ = _pdfium()
    try:
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            try:
                return textpage.get_text_range()
            finally:
                textpage.close()
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise _pdf_damaged(name) from exc


def _tidy_pdf_page(text: str) -> str:
    """NFKC (ligatures), \\n line endings, lines right-stripped. PDFium joins a line that ends
    in "-" to the next and marks the hyphen U+FFFE (or U+0002): put the break back for
    :func:`_rejoin_words` to judge."""
    text = _PDFIUM_HYPHEN.sub("-\n", text)
    text = unify_newlines(text)
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\u00ad(?=[ \t]*\n)", "\u2010", text)  # a soft hyphen where a line broke
    text = clean_text(text, "NFKC")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


_PDFIUM_HYPHEN = re.compile(r"[\ufffe\x02][ \t]*(?:\r\n|\r|\n)?")


_LAST_WORD_HYPHEN = re.compile(r"(?<![^\W\d_])[^\W\d_]+[-\u2010]+[ \t]*\Z")
_FIRST_WORD = re.compile(r"[ \t]*([^\W\d_]+)")


def _rejoin_across_pages(pages: list[str], vocabulary: "_Vocabulary") -> list[str]:
    """A word hyphenated across a page break ("condi-" | "tions are met") is judged as one
    broken at a line end, and when joined it ends the earlier page."""
    pages = list(pages)
    for k in range(len(pages) - 1):
        tail = _LAST_WORD_HYPHEN.search(pages[k])
        head = _FIRST_WORD.match(pages[k + 1])
        if tail is None or head is None:
            continue
        broken = tail.group(0).rstrip(" \t") + "\n" + head.group(1)
        joined = _rejoin_words(broken, vocabulary)
        if "\n" not in joined:
            pages[k] = pages[k][:tail.start()] + joined
            pages[k + 1] = pages[k + 1][head.end():].lstrip(" \t")
    return pages


def _join_pages(pages: list[str]) -> tuple[str, tuple[PageSpan, ...]]:
    """Pages joined by "\\n\\n", or by "\\n" where a sentence runs on (the page ends without
    closing punctuation and the next begins with a small letter); each span covers its page and
    the separator after it."""
    spans, start, parts = [], 0, []
    for number, page in enumerate(pages, 1):
        separator = ""
        if number < len(pages):
            following = pages[number].lstrip()
            runs_on = (page.rstrip()[-1:] not in _PAGE_END and following[:1].islower())
            separator = "\n" if runs_on else "\n\n"
        parts += [page, separator]
        end = start + len(page) + len(separator)
        spans.append(PageSpan(number, start, end))
        start = end
    return "".join(parts), tuple(spans)


_PAGE_END = frozenset(".;:!?)]»”\"'")   # and "" (an empty page): a paragraph ends with the page


_PAGE_WORD = r"(?:page|p\.|pg\.?|стор(?:інка)?\.?|стр(?:аница)?\.?)"     # "Page", "Стор." ...
_OF_PAGES = r"(?:\s*(?:of|/|из|з|із)\s*\d{1,4})?"                      # " of 12", "/12" ...
# A page number on a line of its own: "3", "- 3 -", "Page 3", "Page 3 of 12", "3/12", "Стор. 3".
_PAGE_NUMBER = re.compile(
    rf"(?:(?:{_PAGE_WORD}|с\.)\s*)?[-–—(]?\s*\d{{1,4}}\s*[-–—)]?{_OF_PAGES}", re.IGNORECASE)
# A page number inside a longer running line: "Assessed 23 May · page 4 of 33", "Draft - 4 -".
_PAGE_NUMBER_IN_LINE = re.compile(
    rf"\b{_PAGE_WORD}\s*\d{{1,4}}{_OF_PAGES}|[-–—]\s*\d{{1,4}}\s*[-–—]|\b\d{{1,4}}\s*/\s*\d{{1,4}}\b",
    re.IGNORECASE)
_RUNNING_LINES = 3          # lines at the top and at the bottom of a page looked at
_RUNNING_CHARS = 120        # a running header or footer is no longer than this
_DIGITS = re.compile(r"\d+")


def _without_running_lines(pages: list[str]) -> list[str]:
    """Pages without their running headers and footers: among the first and last few lines of
    each page, a page number on a line of its own ("3", "- 3 -", "Page 3 of 12") when half of
    the pages, two or more, have one, and a line that stands there on half of the pages, two or
    more: the same words ("DRAFT - CONFIDENTIAL"), or the same words around a page number
    ("Assessed 23 May 2026 · page 4 of 33"). A line with other digits ("Article 5" at the top
    of a page) is text, and a page is never emptied."""
    def edges(lines: list[str]) -> list[int]:
        filled = [k for k, line in enumerate(lines) if line.strip()]
        return sorted(set(filled[:_RUNNING_LINES] + filled[-_RUNNING_LINES:]))

    def running_key(line: str) -> str | None:
        """What a running line has in common from page to page: its words, with the page number
        made a "#" when the line has one; None for a line with other digits, or a long one."""
        if len(line) > _RUNNING_CHARS:
            return None
        key = " ".join(line.split())
        if not _DIGITS.search(key):
            return key
        return _DIGITS.sub("#", key) if _PAGE_NUMBER_IN_LINE.search(key) else None

    split = [page.split("\n") for page in pages]
    keys = [{k: running_key(lines[k]) for k in edges(lines)} for lines in split]   # per page
    seen = Counter(key for page_keys in keys for key in set(page_keys.values()) - {None})
    repeated = {line for line, count in seen.items() if count >= max(2, len(pages) / 2)}
    numbered = [{k for k in page_keys if _PAGE_NUMBER.fullmatch(lines[k].strip())}
                for lines, page_keys in zip(split, keys)]
    if sum(1 for n in numbered if n) < max(2, len(pages) / 2):
        numbered = [set() for _ in split]    # a number here and there is text (a table's cell)
    out = []
    for page, lines, page_keys, numbers in zip(pages, split, keys, numbered):
        drop = numbers | {k for k, key in page_keys.items() if key in repeated}
        kept = "\n".join(line for k, line in enumerate(lines) if k not in drop).strip("\n")
        out.append(kept if drop and kept.strip() else page)    # a page is never emptied
    return out


# Whole words only (look-behind, possessive): linear time even on a page of one long "word".
_LETTERS = r"(?<![^\W\d_])[^\W\d_]++"
_WORD = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(rf"{_LETTERS}-[^\W\d_]+")
_HYPHEN_BREAK = re.compile(rf"({_LETTERS})([-\u2010]++)[ \t]*+\n[ \t]*+([^\W\d_]+)")
_PLAIN_BREAK = re.compile(rf"({_LETTERS})\n([^\W\d_]+)")
# English prefixes that keep their hyphen ("self-determination", "non-governmental").
_HYPHEN_PREFIXES = frozenset({"self", "non", "ex", "well", "cross", "so", "all", "half",
                              "quasi", "anti", "long", "short", "full", "low", "high"})


@dataclass(frozen=True)
class _Vocabulary:
    """How often each word and each hyphenated compound occurs in the document (lower case)."""

    words: Counter
    compounds: Counter

    @classmethod
    def of(cls, pages: list[str]) -> _Vocabulary:
        text = "\n".join(pages).lower()
        return cls(Counter(_WORD.findall(text)), Counter(_COMPOUND.findall(text)))


def _rejoin_words(text: str, vocabulary: _Vocabulary) -> str:
    """Undo line-end hyphenation, and join a word split without a hyphen when it is safe."""
    text = _HYPHEN_BREAK.sub(lambda m: _join_hyphenated(m, vocabulary), text)
    return _PLAIN_BREAK.sub(lambda m: _join_plain(m, vocabulary), text)


def _join_hyphenated(match: re.Match, vocabulary: _Vocabulary) -> str:
    """``detai-\\nned`` -> ``detained``; ``Anglo-\\nFrench`` -> ``Anglo-French``."""
    left, hyphens, right = match.groups()
    if "-" in hyphens and "\u2010" in hyphens:
        return f"{left}-{right}"          # a real hyphen where the typesetter broke the line
    if hyphens == "\u2010":
        return left + right               # a typesetter's (soft) hyphen
    if right[0].isupper() or not left[-1].islower():
        return f"{left}-{right}"
    compound, joined = f"{left}-{right}".lower(), (left + right).lower()
    if vocabulary.compounds[compound] > 0:
        return f"{left}-{right}"
    if vocabulary.words[joined] > 0 or left.lower() not in _HYPHEN_PREFIXES:
        return left + right
    return f"{left}-{right}"


def _join_plain(match: re.Match, vocabulary: _Vocabulary) -> str:
    """``detai\\nned`` -> ``detained`` only if "detained" occurs elsewhere in the document and
    neither piece occurs anywhere else as a word."""
    left, right = match.groups()
    joined = (left + right).lower()
    safe = (right[0].islower() and vocabulary.words[joined] > 0
            and vocabulary.words[left.lower()] == 1 and vocabulary.words[right.lower()] == 1)
    return left + right if safe else match.group(0)
