"""Hostile input: nothing but DocumentError escapes, every refusal says what to do, and work
grows linearly with the input.

Growth is checked with counts (Python calls made, provisions and sentences produced, characters
output), not with wall-clock time; the one timing check left (the HTML parser, whose quadratic
work happens inside C regex searches that no call count sees) compares two sizes with a
generous ratio. Every hostile file is generated here; nothing is read from disk or network.
"""
from __future__ import annotations

import io
import socket
import sys
import time
import urllib.request
import zipfile
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist import documents
from checklist.assessment import STATUS_ORDER, assess
from checklist.documents import MB, Limits, document_from_text, read_document
from checklist.engine import Reading, Tokens
from checklist.errors import DocumentError
from checklist.provisions import split_provisions, split_sentences
from checklist.rules import bundled_library
from helpers import handmade_pdf, zip_of

# A refusal tells the user what to do: every message has one of these.
ACTIONS = ("upload", "paste", "save", "split", "raise the limit", "run ocr", "export", "check",
           "choose")
_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large]


def hostile(examples: int) -> settings:
    """Bounded hypothesis settings: no deadline (first calls load the rules)."""
    return settings(deadline=None, max_examples=examples, suppress_health_check=_SUPPRESS)


def refusal(data: bytes, name: str, limits: Limits | None = None) -> str:
    with pytest.raises(DocumentError) as info:
        read_document(data, name, limits)
    check_error(info.value)
    return str(info.value)


def check_error(exc: DocumentError) -> None:
    check_message(str(exc))
    assert getattr(exc, "kind", "unreadable") in getattr(DocumentError, "KINDS", ("unreadable",))


def check_message(message: str) -> None:
    """One line, not empty, and it says what to do."""
    assert message and "\n" not in message and "Traceback" not in message
    assert any(action in message.lower() for action in ACTIONS), message


def check_provisions(text: str, provisions) -> None:
    """Spans cover the text in order without overlap; sentences stay inside their provision."""
    if not text:
        assert provisions == []
        return
    assert provisions[0].start == 0 and provisions[-1].end == len(text)
    for before, after in zip(provisions, provisions[1:]):
        assert before.end == after.start and before.start <= before.end
    for p in provisions:
        previous = p.start
        for s, e in split_sentences(text, p.start, p.end):
            assert previous <= s < e <= p.end
            previous = e


def check_assessment(document, result: dict, library) -> None:
    demands = sum(len(rs.demands) for rs in library.select())
    assert len(result["results"]) == demands
    for r in result["results"]:
        assert r["status"] in STATUS_ORDER
        for ev in r["evidence"]:
            assert 0 <= ev["start"] < ev["end"] <= len(document.text)


def run_everything(document) -> dict:
    """Reading, provision splitting and the engine on one document, all checked."""
    library = bundled_library()
    provisions = split_provisions(document.text, document.pages or None)
    check_provisions(document.text, provisions)
    reading = Reading.of(document, provisions)
    assert all(0 <= u.lo < u.hi <= len(reading.tokens.norms) for u in reading.units)
    result = assess(document, library=library, reading=reading)
    check_assessment(document, result, library)
    return result


def python_calls(fn, *args) -> int:
    """How many Python and C functions ``fn(*args)`` calls: a count of work, not a time."""
    count = 0

    def profiler(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profiler)
    try:
        fn(*args)
    finally:
        sys.setprofile(None)
    return count


def assert_linear(fn, small, large, factor: float, slack: float = 1.3) -> None:
    """``fn`` on ``large`` (``factor`` times ``small``) makes at most ``slack * factor`` times
    the calls it makes on ``small``."""
    a, b = python_calls(fn, small), python_calls(fn, large)
    assert b <= slack * factor * a, f"{b:,} calls for x{factor:g} input against {a:,}: x{b / a:.1f}"


def full_reading(text: str) -> None:
    document = document_from_text(text)
    assess(document, library=bundled_library(), reading=Reading.of(document))


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to connect anywhere."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


# ------------------------------------------------------------------------ random input


NAMES = st.one_of(
    st.sampled_from(["d.txt", "d.md", "d.pdf", "d.docx", "d.html", "D.PDF", "d.htm", "d", "",
                     ".docx", "d.txt.exe", "../../etc/passwd", "con.txt", "draft\n.pdf"]),
    st.text(max_size=30),
)
PREFIXES = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"PK\x05\x06", b"<html>", b"<!doctype html>",
            b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"{\\rtf1", b"<p>",
            b"<?xml version='1.0'?>", b"1. ", b"Article 1\n"]


@hostile(150)
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=3000), name=NAMES)
def test_random_bytes_with_random_names(prefix: bytes, body: bytes, name: str) -> None:
    try:
        document = read_document(prefix + body, name)
    except DocumentError as exc:
        check_error(exc)
        return
    assert document.text.strip()
    assert not any(c < " " and c not in "\n\t" for c in document.text)
    run_everything(document)


LABELS = ["1.", "2)", "(3)", "1.1", "1.1.1.", "(a)", "b)", "c.", "(ii)", "IV.", "Article 5",
          "ART. 7:", "Section II", "Annex 1", "Point 12", "Стаття 3.", "Пункт 4", "•", "-", "*",
          "#", "##", "[...]", "1.5 million", "10.11.2020"]
WORDS = ["the", "Parties", "shall", "release", "all", "detainees", "civilians", "amnesty",
         "not", "without", "ceasefire", "return", "e.g.", "Art.", "U.S.", "V.V.", "Putin", ";",
         ":", "and", "or", "…", "звільняють", "—", "\u00a0", "\t", "", "ﬁ", "İ", "ß"]
LINES = st.one_of(
    st.builds(lambda label, words, tail: " ".join([label, *words]) + tail,
              st.sampled_from(LABELS), st.lists(st.sampled_from(WORDS), max_size=12),
              st.sampled_from(["", ".", ":", ";", "; and", " ", "."])),
    st.text(max_size=80),
)


@hostile(80)
@given(lines=st.lists(LINES, max_size=40), joiner=st.sampled_from(["\n", "\n\n", "\r\n", "\r", " "]))
def test_random_unicode_text_through_the_engine(lines: list[str], joiner: str) -> None:
    text = joiner.join(lines)
    try:
        document = document_from_text(text)
    except DocumentError as exc:
        assert not documents.clean_text(text).strip()
        check_message(str(exc))
        return
    run_everything(document)


@hostile(60)
@given(text=st.text(max_size=2000), start=st.integers(-5, 3000), end=st.integers(-5, 3000))
def test_split_sentences_takes_any_bounds(text: str, start: int, end: int) -> None:
    spans = split_sentences(text, start, end)
    lo = max(0, min(start, len(text)))
    for s, e in spans:
        assert lo <= s < e <= len(text)
    assert spans == sorted(spans)


# ------------------------------------------------------------------------ big and deep text


def test_one_megabyte_single_line() -> None:
    line = ("The Parties shall release all detained civilians without delay; " * 16000)[:MB]
    assert "\n" not in line
    provisions = split_provisions(line)
    assert len(provisions) == 1
    assert len(split_sentences(line)) == line.count(";") + 1 - (line.rstrip()[-1] == ";")
    assert_linear(split_provisions, line[: MB // 10], line, 10)
    assert_linear(split_sentences, line[: MB // 10], line, 10)


def test_one_megabyte_single_line_without_spaces_or_sentences() -> None:
    for line in ("a" * MB, "1.1." * (MB // 4), "(" * MB, "." * MB):
        document = document_from_text(line)
        run_everything(document)
        assert len(split_sentences(line)) <= 1


def test_one_megabyte_line_assessed_in_linear_work() -> None:
    line = ("Article 1 the Parties shall release all detainees, e.g. civilians, "
            "U.S. citizens and others. ") * 1500
    assert_linear(full_reading, line[: len(line) // 10], line, 10)


def test_decimal_numbering_two_hundred_levels_deep() -> None:
    lines = [".".join(["1"] * depth) + ". The Parties shall release detainees." for depth in range(1, 201)]
    text = "\n".join(lines)
    provisions = split_provisions(text)
    check_provisions(text, provisions)
    assert len(provisions) <= len(lines)
    assert max(p.depth for p in provisions) <= 10
    run_everything(document_from_text(text))


def test_letter_sub_points_nested_two_hundred_levels() -> None:
    text = "1. The Parties shall release:\n" + "\n".join(
        "    " * depth + "(a) (a) (i) detainees held in camp " + str(depth) + ";" for depth in range(200))
    run_everything(document_from_text(text))
    nested = "(" * 200 + "a" + ")" * 200 + " The Parties shall release detainees."
    run_everything(document_from_text(nested))


def test_ten_thousand_numbered_points() -> None:
    def points(n: int) -> str:
        return "\n".join(f"{i}. The Parties shall release group {i} of detainees." for i in range(1, n + 1))

    text = points(10_000)
    provisions = split_provisions(text)
    check_provisions(text, provisions)
    # Four-digit labels count when they continue the numbering (999 -> 1000), so every point
    # is a provision; a year such as "2020." starting a wrapped line is not a label.
    assert len(provisions) == 10_000
    assert [p.ref for p in split_provisions("1. Signed in\n2020. The end.\n2. Next.")] == ["1", "2"]
    sentences = sum(len(split_sentences(text, p.start, p.end)) for p in provisions)
    assert 10_000 <= sentences <= 2 * 10_000
    assert_linear(split_provisions, points(1000), text, 10)
    assert_linear(full_reading, points(100), points(1000), 10)


def test_ten_thousand_bullets_and_blank_lines() -> None:
    text = "1. The Parties shall release:\n" + "\n\n".join(
        f"- detained person number {i};" for i in range(10_000))
    provisions = split_provisions(text)
    check_provisions(text, provisions)
    assert len(provisions) == 10_001


# ------------------------------------------------------------------------ size limits


def text_of_size(size: int) -> bytes:
    line = b"The Parties shall release all detained civilians without delay.\n"
    data = line * (size // len(line) + 1)
    return data[:size]


def test_text_just_under_the_size_limit_is_accepted() -> None:
    data = text_of_size(int(19.9 * MB))
    document = read_document(data, "long.txt")
    assert document.format == "txt"
    assert len(document.text) == len(data.rstrip(b"\n"))
    assert len(split_provisions(document.text[:MB])) == 1


def test_text_just_over_the_size_limit_is_refused_before_reading(monkeypatch) -> None:
    data = text_of_size(int(20.1 * MB))
    monkeypatch.setattr(documents, "decode_text", lambda *a: pytest.fail("decoded"))
    message = refusal(data, "long.txt")
    assert message == ("long.txt: the file is 20.1 MB; the limit is 20 MB. "
                       "Split the draft or raise the limit.")
    check_message(message)


# ------------------------------------------------------------------------ DOCX


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')




@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    return zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": 150 * MB})


def test_zip_bomb_docx_is_refused_before_unpacking(zip_bomb: bytes, monkeypatch) -> None:
    assert len(zip_bomb) < MB
    monkeypatch.setattr(documents, "_unpack_docx", lambda *a: pytest.fail("unpacked"))
    message = refusal(zip_bomb, "draft.docx")
    assert message == ("draft.docx: this .docx file would unpack to 150 MB, more than the 100 MB "
                       "limit, so it was not opened; save it again from Word, or paste the text.")
    check_message(message)
    # the same bytes under any name, or none
    assert refusal(zip_bomb, "report.pdf") == message.replace("draft.docx", "report.pdf")


def test_docx_part_compressed_like_a_bomb_is_refused() -> None:
    bomb = zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": 8 * MB})
    assert refusal(bomb, "draft.docx") == (
        "draft.docx: this .docx file has a part compressed more than 200 times, as zip bombs "
        "are, so it was not opened; save it again from Word, or paste the text.")


def lie_about_sizes(archive: bytes, member: bytes, size: int) -> bytes:
    """Rewrite the sizes a zip declares for ``member`` (local and central headers)."""
    data = bytearray(archive)
    local = data.index(b"PK\x03\x04" + bytes(data[4:6]))  # first local header
    central = data.index(b"PK\x01\x02")
    for sig, size_at, name_at, name_len_at in ((b"PK\x03\x04", 22, 30, 26), (b"PK\x01\x02", 24, 46, 28)):
        pos = data.find(sig, local if sig == b"PK\x03\x04" else central)
        while pos >= 0:
            n = int.from_bytes(data[pos + name_len_at: pos + name_len_at + 2], "little")
            if bytes(data[pos + name_at: pos + name_at + n]) == member:
                data[pos + size_at: pos + size_at + 4] = size.to_bytes(4, "little")
            pos = data.find(sig, pos + 4)
    return bytes(data)


def test_docx_that_understates_its_size_is_refused_as_damaged() -> None:
    # declares 1 KB, holds 30 MB: the bomb check trusts the declaration, so decompression must
    # stop at the declared size (zipfile does: the CRC check then fails).
    honest = zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": 30 * MB})
    lying = lie_about_sizes(honest, b"word/document.xml", 1024)
    assert [m.file_size for m in zipfile.ZipFile(io.BytesIO(lying)).infolist()][-1] == 1024
    assert refusal(lying, "draft.docx") == (
        "draft.docx: this Word document is damaged or incomplete and cannot be read; "
        "save it again from Word, or paste the text.")


def test_docx_with_an_entity_expansion_bomb_is_refused() -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{laughs}]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>").encode()
    bomb = zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": xml})
    try:
        document = read_document(bomb, "laughs.docx")
    except DocumentError as exc:
        check_message(str(exc))
    else:
        assert len(document.text) < MB


def test_docx_with_ten_thousand_parts() -> None:
    parts = {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<broken"}
    parts.update({f"word/media/p{i}.bin": b"x" for i in range(10_000)})
    message = refusal(zip_of(parts), "many.docx")
    check_message(message)


# ------------------------------------------------------------------------ PDF


def test_handmade_pdf_is_read() -> None:
    document = read_document(handmade_pdf(3, "The Parties shall release all detainees."), "d.pdf")
    assert document.format == "pdf" and len(document.pages) == 3
    assert document.text.count("release all detainees") == 3
    run_everything(document)


def test_pdf_with_ten_thousand_blank_pages_is_refused_before_extraction(monkeypatch) -> None:
    pdf = handmade_pdf(10_000)
    assert len(pdf) < 2 * MB
    monkeypatch.setattr(documents, "_pdf_page_text", lambda *a: pytest.fail("a page was extracted"))
    message = refusal(pdf, "blank.pdf")
    assert message == ("blank.pdf: this PDF has 10,000 pages; the limit is 1,000 pages. "
                       "Split the draft or raise the limit.")
    check_message(message)


def test_pdf_at_the_page_limit_is_read_and_one_more_page_is_refused() -> None:
    limits = Limits(max_pdf_pages=300)
    document = read_document(handmade_pdf(300, "Release all detainees."), "limit.pdf", limits)
    assert len(document.pages) == 300
    assert refusal(handmade_pdf(301, "Release all detainees."), "limit.pdf", limits) == (
        "limit.pdf: this PDF has 301 pages; the limit is 300 pages. Split the draft or raise the limit.")


def test_pdf_with_blank_pages_only_has_no_text_layer() -> None:
    assert refusal(handmade_pdf(20), "scan.pdf") == (
        "scan.pdf: this PDF has no text layer (it is probably scanned images); "
        "run OCR on it or paste the text.")


def test_encrypted_pdf_is_refused() -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(handmade_pdf(1, "Secret."))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    message = refusal(out.getvalue(), "locked.pdf")
    assert message == ("locked.pdf: this PDF is protected by a password; save an unprotected copy "
                       "and upload that, or paste the text.")


def test_pdf_that_is_really_html(no_network) -> None:
    page = b"<!DOCTYPE html><html><body><script>fetch('https://example.org')</script>" \
           b"<p>1. The Parties shall release all detainees.</p></body></html>"
    document = read_document(page, "draft.pdf")
    assert (document.format, document.text) == ("html", "1. The Parties shall release all detainees.")


def test_html_behind_a_pdf_header_is_refused_as_damaged() -> None:
    assert refusal(b"%PDF-1.7\n<html><body><p>Release</p></body></html>", "draft.pdf") == (
        "draft.pdf: this PDF is damaged or incomplete and cannot be read; export it again "
        "from the original, or paste the text.")


def test_pdf_with_a_page_tree_loop_is_refused_or_read() -> None:
    pdf = handmade_pdf(2, "Release.").replace(b"/Parent 2 0 R", b"/Parent 2 0 R /Kids [2 0 R]", 1)
    try:
        read_document(pdf, "loop.pdf")
    except DocumentError as exc:
        check_message(str(exc))


# ------------------------------------------------------------------------ HTML


HOSTILE_PAGE = b"""<!DOCTYPE html><html><head><base href="https://evil.example/">
<meta http-equiv="refresh" content="0; url=https://evil.example/">
<link rel="stylesheet" href="https://evil.example/a.css"><link rel="import" href="//evil.example/i">
<style>@import url("https://evil.example/b.css"); body { background: url(https://evil.example/c) }</style>
<script src="https://evil.example/x.js"></script><script>new Image().src = "https://evil.example/t";</script>
</head><body onload="fetch('https://evil.example/onload')">
<h1>Draft &lt;img src=https://evil.example/q&gt;</h1>
<p>1. The Parties shall release all detained civilians.<img src="https://evil.example/p.png" srcset="//evil.example/s 2x"></p>
<iframe src="https://evil.example/f" srcdoc="<p>frame text</p>"></iframe>
<object data="https://evil.example/o"></object><embed src="https://evil.example/e">
<svg><image href="https://evil.example/svg"/><script>alert(1)</script></svg>
<video src="https://evil.example/v" poster="https://evil.example/poster"></video>
<form action="https://evil.example/post"><input value="typed"></form>
<p>2. Humanitarian corridors shall be opened.</p><noscript>enable scripts</noscript>
<script>document.write("<p>injected</p>")</script></body></html>"""


def test_html_with_scripts_and_remote_references_fetches_nothing(no_network) -> None:
    document = read_document(HOSTILE_PAGE, "page.html")
    assert document.text == ("Draft <img src=https://evil.example/q>\n\n"
                             "1. The Parties shall release all detained civilians.\n\n"
                             "2. Humanitarian corridors shall be opened.")
    result = run_everything(document)
    try:
        from checklist.report import render
    except ImportError:
        return
    html = render(result, "html")
    assert "<img src=https://evil.example" not in html       # the quote is escaped
    if "pdf" in getattr(sys.modules["checklist.report"], "FORMATS", ("pdf",)):
        assert render(result, "pdf")[:5] == b"%PDF-"


@pytest.mark.parametrize("fragment", [b"<a ", b"<!--x", b"</", b"<?", b"<!", b"<a b='", b"&#",
                                      b"&", b"&amp;", b"&a", b"&#38;"])
def test_html_reading_is_linear_on_unclosed_constructs(fragment: bytes) -> None:
    # html.parser alone does quadratic work on these (CPython, cf. CVE-2025-6069: 30 KB of
    # "<a " took 10 s); the reader normalises the page with nh3 first, and nh3 in turn slows
    # quadratically with the "&" in the text, so references are decoded before it. Work
    # happens in C regex searches no call count sees, so this compares times, with a
    # generous ratio (x10 linear, x100 quadratic).
    def seconds(n: int) -> float:
        page = b"<html><body><p>Release all detainees.</p>" + fragment * n
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            try:
                read_document(page, "tags.html")
            except DocumentError as exc:
                check_error(exc)
            best = min(best, time.perf_counter() - t0)
        return best

    small, large = seconds(10_000), seconds(100_000)
    assert large < 30 * max(small, 2e-3), f"x10 input took x{large / small:.0f} the time"


def test_nested_html_lists_output_grows_linearly() -> None:
    def text_length(depth: int) -> int:
        page = b"<html><body>" + b"<ol><li>x" * depth
        return len(read_document(page, "lists.html", Limits(max_characters=10**9)).text)

    assert text_length(800) <= 2.5 * text_length(400)


def test_two_hundred_nested_html_lists_are_read() -> None:
    page = b"<html><body>" + b"<ol><li>The Parties shall release detainees." * 200 + b"</li></ol>" * 200
    document = read_document(page, "lists.html")
    run_everything(document)


# ------------------------------------------------------------------------ splitting


def test_wrapped_reference_to_an_annex_is_not_an_annex() -> None:
    text = ("1. A line of contact shall be established as shown in\nAnnex 1.\n"
            "2. The Parties shall release all detained civilians.\n")
    refs = [(p.ref, p.parent) for p in split_provisions(text)]
    assert refs == [("1", None), ("2", None)]


def test_tokens_of_hostile_text_is_linear() -> None:
    text = "ﬁ’s-\n  x " * 20_000 + "İ" * 20_000
    assert_linear(Tokens.of, text[: len(text) // 10], text, 10)


def test_limits_can_only_be_tightened_by_replace() -> None:
    tight = replace(Limits(), max_bytes=10)
    assert refusal(b"x" * 11, "small.txt", tight) == (
        "small.txt: the file is 11 bytes; the limit is 10 bytes. Split the draft or raise the limit.")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7e), min_size=0, max_size=45),
       body=st.binary(max_size=300))
def test_any_declared_charset_is_read_or_refused_with_our_error(label, body) -> None:
    data = b'<html><head><meta charset="' + label.encode() + b'"></head><body><p>' + body + b"</p></body></html>"
    try:
        document = read_document(data, "page.html")
    except DocumentError as exc:
        check_message(str(exc))
    else:
        assert isinstance(document.text, str)
