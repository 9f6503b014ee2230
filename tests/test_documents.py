"""Reading drafts: formats, encodings, refusals (exact messages), pages, limits."""
from __future__ import annotations

import io
import re
import socket
import zipfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import docx
import pypdf
import pypdfium2
import pytest
import weasyprint
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist import documents
from checklist.documents import (
    MB,
    Document,
    Limits,
    PageSpan,
    detect_language,
    document_from_text,
    read_document,
    read_file,
)
from checklist.errors import DocumentError
from checklist.provisions import split_provisions, split_sentences
from helpers import zip_of

UK = "Сторони звільняють усіх утримуваних осіб, включно з цивільними, протягом 30 днів."
RU = "Стороны освобождают всех удерживаемых лиц, включая гражданских, в течение 30 дней."
EN = "The parties shall release all detained persons within 30 days of the signature."
HINT = "upload a .txt, .md, .docx, .pdf or .html file, or paste the text."


def refusal(data: bytes, name: str, limits: Limits | None = None) -> str:
    with pytest.raises(DocumentError) as info:
        read_document(data, name, limits)
    return str(info.value)


def pdf_from_html(body: str, css: str = "") -> bytes:
    """A PDF typeset by WeasyPrint from a fragment of HTML (no base_url: nothing fetched)."""
    page = ("<html><head><style>@page { size: A6; margin: 1cm } "
            "body { font-family: 'DejaVu Sans'; font-size: 10pt } "
            f".break {{ break-before: page }} {css}</style></head><body>{body}</body></html>")
    return weasyprint.HTML(string=page).write_pdf()


@pytest.fixture(scope="module")
def three_pages() -> bytes:
    return pdf_from_html(
        "<p>First page: the ceasefire begins at midnight.</p>"
        "<p class='break'>Second page: all detained persons are released.</p>"
        "<p class='break'>Third page: humanitarian corridors open.</p>"
    )


def numbered_docx() -> bytes:
    """A .docx whose numbers exist only as Word's automatic numbering (two levels)."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="42">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="42"><w:abstractNumId w:val="42"/></w:num>'))

    def item(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="42"/></w:numPr>'))

    document.add_paragraph("Ceasefire agreement")
    item("All detained persons shall be released.", 0)
    item("civilians first;", 1)
    item("then combatants.", 1)
    item("Humanitarian access shall be granted.", 0)
    document.add_paragraph("Signed by the parties.", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()




# ------------------------------------------------------------------------- plain text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "cp1251"])
@pytest.mark.parametrize("text, language", [(UK, "uk"), (RU, "ru")], ids=["uk", "ru"])
def test_text_encodings_are_detected(encoding: str, text: str, language: str) -> None:
    data = ("Проект\r\n" + text + "\r\n").encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + "Проект\r\n" + text + "\r\n").encode(encoding)  # explicit BOM
    doc = read_document(data, "draft.txt")
    assert doc.text == "Проект\n" + text + "\n"
    assert (doc.format, doc.language) == ("txt", language)


def test_bomless_utf16_is_recognised_by_its_nul_bytes() -> None:
    for encoding in ("utf-16-le", "utf-16-be"):
        assert read_document(UK.encode(encoding), "draft.txt").text == UK


def test_latin_code_page_is_decoded() -> None:
    text = "Cessez-le-feu : libération des détenus, accès humanitaire garanti."
    assert read_document(text.encode("cp1252"), "projet.txt").text == text


@pytest.mark.parametrize("encoding", ["koi8-r", "koi8-u"])
def test_koi8_text_is_detected(encoding: str) -> None:
    text = RU if encoding == "koi8-r" else UK
    doc = read_document(("Проект\n" + text + "\n").encode(encoding), "draft.txt")
    assert doc.text == "Проект\n" + text + "\n"


HTML_PAGE = "<html><head>{head}</head><body><h1>{title}</h1><p>{body}</p></body></html>"


@pytest.mark.parametrize("head, encoding, title, body", [
    ('<meta charset="koi8-r">', "koi8-r", "Проект", "Статья 1. Стороны освобождают всех заложников."),
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', "cp1251",
     "Проєкт", "Стаття 1. Сторони звільняють усіх цивільних."),
    ("<meta charset='ISO-8859-1'>", "cp1252", "Projet", "Le Comité de Genève veille au cessez-le-feu “sans délai”."),
    ('<meta charset="windows-1250">', "cp1250", "Návrh", "Článek 1. Strany propustí všechny zajatce."),
    ('<?xml version="1.0" encoding="koi8-u"?>', "koi8-u", "Проєкт", "Стаття 1. Сторони звільняють усіх цивільних."),
])
def test_html_declared_charset_is_used(head: str, encoding: str, title: str, body: str) -> None:
    data = HTML_PAGE.format(head=head, title=title, body=body).encode(encoding)
    assert read_document(data, "page.html").text == f"{title}\n\n{body}"


@pytest.mark.parametrize("head", ['<meta charset="iso-8859-1">', '<meta charset="utf-8">',
                                  '<meta charset="unicode_escape">', '<meta charset="rot13">',
                                  '<meta charset="x-no-such-thing">', '<meta charset="utf-7">'])
def test_html_wrong_or_unusable_declaration_falls_back_to_detection(head: str) -> None:
    body = "Стаття 1. Сторони звільняють усіх цивільних заручників."
    data = HTML_PAGE.format(head=head, title="Проєкт", body=body).encode("cp1251")
    assert read_document(data, "page.html").text == f"Проєкт\n\n{body}"


def test_text_is_nfc_without_control_characters() -> None:
    data = b"Cafe\xcc\x81\x07 and\ttab\x0cnext"
    doc = read_document(data, "draft.md")
    assert doc.text == "Café and\ttab\nnext"
    assert doc.format == "md"


def test_document_records_hash_and_name() -> None:
    data = EN.encode()
    doc = read_document(data, "draft.txt")
    assert doc == Document("draft.txt", EN, "txt", "en", doc.sha256, ())
    assert len(doc.sha256) == 64 and doc.page_at(0) is None


def test_pasted_text() -> None:
    doc = document_from_text("Article 1\r\nCafe\u0301\x00 " + EN)
    assert doc.text == "Article 1\nCafé " + EN
    assert (doc.name, doc.format, doc.language) == ("pasted text", "txt", "en")
    with pytest.raises(DocumentError, match="^The text is empty: paste the draft's text"):
        document_from_text(" \n\t")


@pytest.mark.parametrize("text, language", [
    (UK, "uk"), (RU, "ru"), (EN, "en"),
    ("Waffenstillstand sofort, Freilassung der Gefangenen.", "und"),
    ("12345 ...", "und"),
    ("Мир.", "und"),
])
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_read_file(tmp_path) -> None:
    path = tmp_path / "draft.txt"
    path.write_bytes(EN.encode())
    assert read_file(path).name == "draft.txt"
    assert read_file(str(path)).text == EN
    with pytest.raises(DocumentError, match=r"missing\.txt: cannot read the file .*; check the path\.$"):
        read_file(tmp_path / "missing.txt")


def test_read_file_checks_size_before_reading(tmp_path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(DocumentError) as info:
        read_file(path, Limits(max_bytes=1024))
    assert str(info.value) == ("big.txt: the file is 2 KB; the limit is 1 KB. "
                               "Split the draft or raise the limit.")


# ------------------------------------------------------------------------------ HTML


def test_html_without_fetching_or_running_anything(monkeypatch) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    page = b"""<!DOCTYPE html><html><head><title>Hidden title</title>
    <link rel="stylesheet" href="https://example.org/style.css">
    <script src="https://example.org/x.js"></script><style>p { color: red }</style></head>
    <body><script>document.write("injected")</script><noscript>enable js</noscript>
    <h1>Ceasefire&nbsp;draft</h1><p>Article 1 &amp; 2<br>next line
    <img src="https://example.org/track.png" alt="tracker"></p>
    <ol start="3"><li>Release <b>all</b> detainees<ol><li>children</li><li value="5">women</li></ol></li>
    <li>Open corridors</li></ol><ul><li>annex</li></ul>
    <iframe src="https://example.org/frame"></iframe><template>hidden</template></body></html>"""
    doc = read_document(page, "draft.html")
    assert doc.format == "html"
    assert doc.text == ("Ceasefire draft\n\nArticle 1 & 2\nnext line\n\n"
                        "3. Release all detainees\n    (a) children\n    (e) women\n"
                        "4. Open corridors\n- annex")
    for hidden in ("injected", "Hidden title", "enable js", "color", "tracker", "hidden"):
        assert hidden not in doc.text


def test_pdf_named_file_that_is_really_html() -> None:
    page = b"<!doctype html><html><body><p>Release all detainees.</p></body></html>"
    doc = read_document(page, "draft.pdf")
    assert (doc.format, doc.text, doc.pages) == ("html", "Release all detainees.", ())


def test_html_in_windows_1251() -> None:
    page = f"<html><body><p>{UK}</p></body></html>".encode("cp1251")
    doc = read_document(page, "draft.htm")
    assert (doc.text, doc.language) == (UK, "uk")


def test_html_fragment_is_sniffed_unless_named_txt() -> None:
    assert read_document(b"<p>Release&nbsp;all.</p>", "draft").format == "html"
    assert read_document(b"<p>Release all.</p>", "draft.txt").text == "<p>Release all.</p>"


# ------------------------------------------------------------------------------- PDF


def test_pdf_pages(three_pages: bytes) -> None:
    doc = read_document(three_pages, "draft.pdf")
    assert doc.format == "pdf" and doc.language == "en"
    assert [span.page for span in doc.pages] == [1, 2, 3]
    assert doc.pages[0].start == 0 and doc.pages[-1].end == len(doc.text)
    assert all(a.end == b.start for a, b in zip(doc.pages, doc.pages[1:]))
    for page, marker in ((1, "ceasefire begins"), (2, "detained persons"), (3, "corridors")):
        assert doc.page_at(doc.text.index(marker)) == page
    assert doc.text.split("\n\n")[1].replace("\n", " ") == (
        "Second page: all detained persons are released.")
    assert doc.page_at(len(doc.text)) is None


def test_pdf_pages_without_text_are_listed(three_pages: bytes) -> None:
    assert read_document(three_pages, "draft.pdf").pages_without_text() == []
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(three_pages)))
    writer.insert_blank_page(index=1)
    writer.add_blank_page()
    out = io.BytesIO()
    writer.write(out)
    doc = read_document(out.getvalue(), "draft.pdf")
    assert [span.page for span in doc.pages] == [1, 2, 3, 4, 5]
    assert doc.pages_without_text() == [2, 5]
    assert doc.page_at(doc.text.index("detained persons")) == 3
    assert document_from_text("Article 1. Text.").pages_without_text() == []


RUNNING = ("@page { margin: 2cm 1cm; @top-center { content: 'DRAFT - CONFIDENTIAL' } "
           "@bottom-center { content: 'Page ' counter(page) ' of ' counter(pages) } }")
SESSIONS = " ".join(f"The Joint Commission shall meet in session {i} to review the schedule." for i in range(1, 25))
RELEASE_ACROSS = ("The Parties shall release all civilians detained in connection with the conflict, without "
                  "any conditions and without exchange, within thirty days of the signature of this Agreement, "
                  "and shall inform their families.")


def test_pdf_running_header_footer_and_page_numbers_are_dropped() -> None:
    pdf = pdf_from_html(f"<p>Article 1</p><p>{SESSIONS}</p><p>Article 2</p><p>{RELEASE_ACROSS}</p>"
                        f"<p>Article 3</p><p>{SESSIONS}</p>", RUNNING)
    doc = read_document(pdf, "draft.pdf")
    assert len(doc.pages) >= 4
    assert "DRAFT" not in doc.text and "Page " not in doc.text
    assert [p.ref for p in split_provisions(doc.text) if p.ref.startswith("Article")] == [
        "Article 1", "Article 2", "Article 3"]
    assert doc.pages[0].start == 0 and doc.pages[-1].end == len(doc.text)
    assert all(a.end == b.start for a, b in zip(doc.pages, doc.pages[1:]))


def test_pdf_sentence_running_on_to_the_next_page_stays_one_sentence() -> None:
    for lines in range(4, 60):      # as much text before it as makes the sentence cross a page
        fill = "<p>" + " ".join(["The Joint Commission shall meet monthly."] * lines) + "</p>"
        pdf = pdf_from_html(f"<p>Article 1</p>{fill}<p>Article 2</p><p>{RELEASE_ACROSS}</p>", RUNNING)
        doc = read_document(pdf, "draft.pdf")
        start = doc.text.index("The Parties shall release")
        end = doc.text.index("inform their families.") + len("inform their families.")
        if doc.page_at(start) != doc.page_at(end - 1) and doc.text.count("\n", start, end) >= 2:
            break
    else:
        pytest.fail("no layout made the sentence cross a page")
    assert "DRAFT" not in doc.text and "Page " not in doc.text
    article = next(p for p in split_provisions(doc.text) if p.ref == "Article 2")
    spans = split_sentences(doc.text, article.start, article.end)
    assert any(s <= start and end <= e for s, e in spans), spans     # one sentence, not two
    assert " ".join(doc.text[start:end].split()) == RELEASE_ACROSS


def test_pdf_headings_at_the_top_of_pages_and_a_lone_number_are_kept() -> None:
    body = "".join(f"<p class='{'break' if i > 1 else ''}'>Article {i}</p><p>The Parties shall meet in "
                   f"round {i}.</p>" for i in range(1, 5))
    footer = "@page { @bottom-center { content: 'Issued 12 May 2025 · page ' counter(page) ' of ' counter(pages) } }"
    doc = read_document(pdf_from_html(body + "<p>Total rounds:</p><p>4</p>", footer), "draft.pdf")
    assert [p.ref for p in split_provisions(doc.text) if p.ref.startswith("Article")] == [
        "Article 1", "Article 2", "Article 3", "Article 4"]
    assert "Issued" not in doc.text                # a running footer with a date and the page number
    assert doc.text.rstrip().endswith("Total rounds:\n4")


def test_pdf_word_hyphenated_across_a_page_break_is_joined() -> None:
    pages = ["Article 1\nThe Parties shall meet the condi-", "tions of this Agreement. The conditions apply.",
             "Article 2\nAnglo-", "French talks.", "Total:", "none."]
    joined = documents._rejoin_across_pages(pages, documents._Vocabulary.of(pages))
    assert joined == ["Article 1\nThe Parties shall meet the conditions", "of this Agreement. The conditions apply.",
                      "Article 2\nAnglo-French", "talks.", "Total:", "none."]
    text, spans = documents._join_pages(joined)
    assert text == ("Article 1\nThe Parties shall meet the conditions\nof this Agreement. The conditions apply."
                    "\n\nArticle 2\nAnglo-French\ntalks.\n\nTotal:\n\nnone.")
    assert [text[sp.start:sp.end].rstrip("\n") for sp in spans] == joined


def test_pdf_hyphenation_is_undone() -> None:
    pdf = pdf_from_html(
        "<p class='narrow'>Every de&shy;tained per&shy;son</p>"
        "<p>Release of all detai-<br>ned persons, Anglo-<br>French monitors, self-<br>"
        "determination, ﬁnal text.</p>",
        css=".narrow { width: 2.2cm; hyphens: manual }")
    raw = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))
    assert "de\u2010\r\ntained" in raw and "detai\ufffened" in raw  # hyphens at line ends
    doc = read_document(pdf, "draft.pdf")
    assert "Every de-\ntained" not in doc.text and "detained" in doc.text.split("\n\n")[0]
    assert "all detained persons" in doc.text
    assert "Anglo-French monitors" in doc.text
    assert "self-determination" in doc.text
    assert "final text" in doc.text  # NFKC undoes the ligature


def test_pdf_word_split_without_hyphen_is_joined_only_when_safe() -> None:
    pdf = pdf_from_html("<p>All detained persons.<br>Release detai<br>ned now, in<br>to "
                        "the town.</p>")
    text = read_document(pdf, "draft.pdf").text
    assert "Release detained now" in text
    assert "in\nto the town" in text


def test_pdf_extraction_is_thread_safe(three_pages: bytes) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = set(pool.map(lambda _: read_document(three_pages, "d.pdf").text, range(12)))
    assert len(texts) == 1


def test_encrypted_pdf_is_refused(three_pages: bytes) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(three_pages)))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    assert refusal(out.getvalue(), "draft.pdf") == (
        "draft.pdf: this PDF is protected by a password; save an unprotected copy and upload "
        "that, or paste the text.")


DAMAGED_PDF = ("draft.pdf: this PDF is damaged or incomplete and cannot be read; export it "
               "again from the original, or paste the text.")


def test_truncated_pdf_is_refused(three_pages: bytes) -> None:
    assert refusal(three_pages[: len(three_pages) // 2], "draft.pdf") == DAMAGED_PDF


def test_corrupt_pdf_is_refused() -> None:
    assert refusal(b"%PDF-1.7\nthis is not a PDF body\n%%EOF\n", "draft.pdf") == DAMAGED_PDF


def test_pdf_with_too_many_pages_is_refused(three_pages: bytes) -> None:
    assert refusal(three_pages, "draft.pdf", Limits(max_pdf_pages=2)) == (
        "draft.pdf: this PDF has 3 pages; the limit is 2 pages. "
        "Split the draft or raise the limit.")


def test_pdf_without_text_layer_is_refused() -> None:
    assert refusal(pdf_from_html("<div style='height: 3cm; background: black'></div>"),
                   "scan.pdf") == (
        "scan.pdf: this PDF has no text layer (it is probably scanned images); "
        "run OCR on it or paste the text.")


# ------------------------------------------------------------------------------ DOCX


def test_docx_automatic_numbering_is_written_out() -> None:
    doc = read_document(numbered_docx(), "draft.docx")
    assert doc.format == "docx" and doc.language == "en"
    assert doc.text == ("Ceasefire agreement\n\n"
                        "1. All detained persons shall be released.\n"
                        "    (a) civilians first;\n"
                        "    (b) then combatants.\n"
                        "2. Humanitarian access shall be granted.\n"
                        "- Signed by the parties.")


def lists_docx(abstracts: list[str], nums: list[str], build) -> bytes:
    """A .docx built by python-docx, with the given <w:abstractNum> and <w:num> definitions
    (inner XML, w: prefix) added to its numbering part; ``build(document)`` adds the content."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for xml in reversed(abstracts):   # abstractNum elements precede num elements
        xml = xml.replace("<w:abstractNum ", f"<w:abstractNum {nsdecls('w')} ", 1)
        numbering.insert(0, parse_xml(xml))
    for xml in nums:
        numbering.append(parse_xml(xml.replace("<w:num ", f"<w:num {nsdecls('w')} ", 1)))
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def level(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


def abstract(abstract_id: int, *levels: str) -> str:
    return f'<w:abstractNum w:abstractNumId="{abstract_id}">{"".join(levels)}</w:abstractNum>'


def num(num_id: int, abstract_id: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def start_override(ilvl: int, start: int) -> str:
    return f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'


def add_item(document, text: str, num_id: int, ilvl: int = 0):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def docx_text(data: bytes) -> str:
    document = read_document(data, "draft.docx")
    assert document.format == "docx"
    return document.text


def interrupted_list(document) -> None:
    document.add_paragraph("Ceasefire agreement")
    add_item(document, "The parties shall cease fire at midnight.", 50)
    add_item(document, "Heavy weapons shall be withdrawn.", 50)
    document.add_paragraph("The withdrawal is monitored by the mission.")
    add_item(document, "Detained persons shall be released.", 50)


def test_docx_list_interrupted_by_a_paragraph_continues_its_numbering() -> None:
    data = lists_docx([abstract(50, level(0, "decimal", "%1."))], [num(50, 50)], interrupted_list)
    text = docx_text(data)
    assert text == ("Ceasefire agreement\n\n"
                    "1. The parties shall cease fire at midnight.\n"
                    "2. Heavy weapons shall be withdrawn.\n\n"
                    "The withdrawal is monitored by the mission.\n\n"
                    "3. Detained persons shall be released.")
    provisions = {p.ref: p for p in split_provisions(text)}
    assert {"1", "2", "3"} <= set(provisions)
    three = provisions["3"]
    assert text[three.start:three.end].startswith("3. Detained persons")


def test_docx_level_start_value() -> None:
    def build(document) -> None:
        add_item(document, "Fifth point.", 51)
        add_item(document, "Sixth point.", 51)

    data = lists_docx([abstract(51, level(0, "decimal", "%1.", start=5))], [num(51, 51)], build)
    assert docx_text(data) == "5. Fifth point.\n6. Sixth point."


def test_docx_start_override_restarts_a_list_and_other_lists_continue() -> None:
    def build(document) -> None:
        add_item(document, "First list, one.", 52)
        add_item(document, "First list, two.", 52)
        document.add_paragraph("Annex")
        add_item(document, "Second list, one.", 53)
        add_item(document, "Second list, two.", 53)
        document.add_paragraph("More")
        add_item(document, "Third list, no override.", 54)

    data = lists_docx([abstract(52, level(0, "decimal", "%1)"))],
                      [num(52, 52), num(53, 52, start_override(0, 1)), num(54, 52)], build)
    assert docx_text(data) == ("1) First list, one.\n2) First list, two.\n\nAnnex\n\n"
                               "1) Second list, one.\n2) Second list, two.\n\nMore\n\n"
                               "3) Third list, no override.")


def test_docx_two_levels_restart_the_deeper_level() -> None:
    def build(document) -> None:
        add_item(document, "Ceasefire.", 55)
        add_item(document, "on land;", 55, 1)
        add_item(document, "at sea.", 55, 1)
        add_item(document, "Exchange.", 55)
        add_item(document, "of prisoners.", 55, 1)

    data = lists_docx([abstract(55, level(0, "decimal", "%1."), level(1, "lowerLetter", "(%2)"))],
                      [num(55, 55)], build)
    assert docx_text(data) == ("1. Ceasefire.\n    (a) on land;\n    (b) at sea.\n"
                               "2. Exchange.\n    (a) of prisoners.")


def test_docx_multilevel_patterns_and_lvl_restart() -> None:
    def build(document) -> None:
        add_item(document, "Ceasefire", 56)
        add_item(document, "Scope.", 56, 1)
        add_item(document, "Time.", 56, 1)
        add_item(document, "Detail.", 56, 2)
        add_item(document, "Withdrawal", 56)
        add_item(document, "Lines.", 56, 1)
        add_item(document, "Detail continues.", 56, 2)

    never = '<w:lvlRestart w:val="0"/>'
    data = lists_docx([abstract(56, level(0, "decimal", "Article %1"),
                                level(1, "decimal", "%1.%2."),
                                level(2, "lowerLetter", "%3)", extra=never))],
                      [num(56, 56)], build)
    assert docx_text(data) == ("Article 1 Ceasefire\n    1.1. Scope.\n    1.2. Time.\n"
                               "        a) Detail.\nArticle 2 Withdrawal\n    2.1. Lines.\n"
                               "        b) Detail continues.")


def test_docx_roman_and_letter_formats() -> None:
    def build(document) -> None:
        add_item(document, "Principles.", 57)
        add_item(document, "sovereignty;", 57, 1)
        add_item(document, "integrity;", 57, 1)
        add_item(document, "non-aggression.", 57, 1)
        add_item(document, "Guarantees.", 57)

    data = lists_docx([abstract(57, level(0, "upperLetter", "%1."),
                                level(1, "lowerRoman", "(%2)"))], [num(57, 57)], build)
    assert docx_text(data) == ("A. Principles.\n    (i) sovereignty;\n    (ii) integrity;\n"
                               "    (iii) non-aggression.\nB. Guarantees.")
    numbers = [documents._word_number(n, f) for n, f in
               ((27, "lowerLetter"), (4, "upperRoman"), (1999, "lowerRoman"), (3, "decimalZero"),
                (0, "lowerLetter"), (5, "none"), (12, "ordinal"), (7, "cardinalText"))]
    assert numbers == ["aa", "IV", "mcmxcix", "03", "0", "", "12th", "7"]


def test_docx_cyrillic_letter_lists_keep_their_letters() -> None:
    def build(document) -> None:
        add_item(document, "Сторони зобов’язуються:", 58)
        add_item(document, "звільнити всіх цивільних;", 58, 1)
        add_item(document, "обміняти полонених.", 58, 1)
        add_item(document, "Гарантії.", 58)

    data = lists_docx([abstract(58, level(0, "decimal", "%1."),
                                level(1, "russianLower", "%2)"))], [num(58, 58)], build)
    text = docx_text(data)
    assert text == ("1. Сторони зобов’язуються:\n    а) звільнити всіх цивільних;\n"
                    "    б) обміняти полонених.\n2. Гарантії.")
    assert [p.ref for p in split_provisions(text)] == ["1", "1(а)", "1(б)", "2"]
    numbers = [documents._word_number(n, f) for n, f in
               ((6, "russianLower"), (7, "russianLower"), (9, "russianLower"), (10, "russianLower"),
                (28, "russianLower"), (29, "russianLower"), (57, "russianLower"), (3, "russianUpper"))]
    assert numbers == ["е", "ж", "и", "к", "я", "аа", "ааа", "В"]


def test_docx_numbering_from_the_paragraph_style() -> None:
    def build(document) -> None:
        document.add_paragraph("Agreement")
        document.add_paragraph("The parties cease fire.", style="List Number")
        document.add_paragraph("The parties exchange prisoners.", style="List Number")
        heading = document.styles["Heading 1"].element.get_or_add_pPr()
        heading.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="58"/></w:numPr>'))
        document.add_paragraph("Guarantees", style="Heading 1")
        document.add_paragraph("Guarantors", style="Heading 1")
        no_number = document.add_paragraph("Unnumbered heading", style="Heading 1")
        no_number._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:numId w:val="0"/></w:numPr>'))

    data = lists_docx([abstract(58, level(0, "upperRoman", "Article %1:"))], [num(58, 58)], build)
    text = docx_text(data)
    assert text == ("Agreement\n\n1. The parties cease fire.\n2. The parties exchange prisoners.\n"
                    "Article I: Guarantees\nArticle II: Guarantors\n\nUnnumbered heading")
    assert {"1", "2"} <= {p.ref for p in split_provisions(text)}


def test_docx_table_cells_are_read() -> None:
    def build(document) -> None:
        document.add_paragraph("Schedule")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "Phase"
        table.cell(0, 1).text = "Deadline"
        table.cell(1, 0).text = "Withdrawal"
        table.cell(1, 1).paragraphs[0].add_run("30 days")
        table.cell(1, 1).add_paragraph("after signature")
        add_item(document, "Monitoring.", 59)

    data = lists_docx([abstract(59, level(0, "decimal", "%1."))], [num(59, 59)], build)
    assert docx_text(data) == ("Schedule\n\nPhase\n\nDeadline\n\nWithdrawal\n\n30 days\n\n"
                               "after signature\n\n1. Monitoring.")


def rewrite_part(data: bytes, part: str, change) -> bytes:
    """The same .docx with one XML part replaced by ``change(text)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, content)
    return out.getvalue()


def test_docx_runs_hyperlinks_revisions_and_hidden_text() -> None:
    document = docx.Document()
    document.add_paragraph("PLACEHOLDER")
    out = io.BytesIO()
    document.save(out)
    w = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    runs = ('<w:r><w:t xml:space="preserve">Release </w:t></w:r>'
            '<w:hyperlink r:id="rId99"><w:r><w:t>all</w:t></w:r></w:hyperlink>'
            '<w:del w:id="1" w:author="x"><w:r><w:delText> no</w:delText></w:r></w:del>'
            '<w:ins w:id="2" w:author="x">'
            '<w:r><w:t xml:space="preserve"> detained</w:t></w:r></w:ins>'
            '<w:r><w:rPr><w:vanish/></w:rPr><w:t>HIDDEN</w:t></w:r>'
            '<w:r><w:t xml:space="preserve"> persons</w:t><w:tab/><w:t>re</w:t><w:noBreakHyphen/>'
            '<w:t>entry</w:t><w:br/><w:t>next line</w:t><w:instrText>PAGE</w:instrText></w:r>'
            '<w:r><w:drawing><w:t>image text</w:t></w:drawing></w:r>')

    def change(xml: str) -> str:
        xml = xml.replace("<w:document ", f"<w:document {w} ", 1) if "xmlns:r=" not in xml else xml
        return xml.replace("<w:r><w:t>PLACEHOLDER</w:t></w:r>", runs)

    assert docx_text(rewrite_part(out.getvalue(), "word/document.xml", change)) == (
        "Release all detained persons\tre-entry\nnext line")


W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def notes_part(kind: str, notes: dict[str, str]) -> str:
    """word/footnotes.xml or endnotes.xml: Word's two separator notes, then ``notes``."""
    body = "".join(f'<w:{kind} w:type="{t}" w:id="{i}"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
                   for i, t in (("-1", "separator"), ("0", "continuationSeparator")))
    for note_id, text in notes.items():
        paragraphs = "".join(f'<w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> {p}</w:t></w:r></w:p>'
                             for p in text.split("\n"))
        body += f'<w:{kind} w:id="{note_id}">{paragraphs}</w:{kind}>'
    return f'<w:{kind}s xmlns:w="{W_MAIN}">{body}</w:{kind}s>'


def docx_with_notes(paragraphs: list[str], footnotes: dict[str, str] | None = None,
                    endnotes: dict[str, str] | None = None) -> bytes:
    """A .docx whose paragraphs may hold references written ``{f:ID}`` (footnote) and ``{e:ID}``
    (endnote), with the notes parts and their relationships added as Word writes them."""
    document = docx.Document()
    for i, _ in enumerate(paragraphs):
        document.add_paragraph(f"PARAGRAPH{i}")
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()

    def runs(text: str) -> str:
        xml = ""
        for piece in re.split(r"(\{[fe]:-?\d+\})", text):
            if re.fullmatch(r"\{[fe]:-?\d+\}", piece):
                kind = "footnote" if piece[1] == "f" else "endnote"
                xml += f'<w:r><w:{kind}Reference w:id="{piece[3:-1]}"/></w:r>'
            elif piece:
                xml += f'<w:r><w:t xml:space="preserve">{piece}</w:t></w:r>'
        return xml

    def change_document(xml: str) -> str:
        for i, text in enumerate(paragraphs):
            xml = xml.replace(f"<w:r><w:t>PARAGRAPH{i}</w:t></w:r>", runs(text), 1)
        return xml

    data = rewrite_part(data, "word/document.xml", change_document)
    added = {}
    for kind, notes in (("footnote", footnotes), ("endnote", endnotes)):
        if notes is not None:
            added[kind] = notes_part(kind, notes)

    def change_rels(xml: str) -> str:
        rels = "".join(f'<Relationship Id="rIdNote{k}" Type="{REL_BASE}/{k}s" Target="{k}s.xml"/>'
                       for k in added)
        return xml.replace("</Relationships>", rels + "</Relationships>")

    def change_types(xml: str) -> str:
        types = "".join(f'<Override PartName="/word/{k}s.xml" ContentType="application/'
                        f'vnd.openxmlformats-officedocument.wordprocessingml.{k}s+xml"/>' for k in added)
        return xml.replace("</Types>", types + "</Types>")

    data = rewrite_part(rewrite_part(data, "word/_rels/document.xml.rels", change_rels),
                        "[Content_Types].xml", change_types)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        for kind, xml in added.items():
            target.writestr(f"word/{kind}s.xml", xml)
    return out.getvalue()


def test_docx_footnote_is_read_in_the_paragraph_that_refers_to_it() -> None:
    data = docx_with_notes(
        ["Article 1", "The Parties shall release all civilians{f:1} within 30 days.",
         "Article 2", "An amnesty shall apply to all participants."],
        footnotes={"1": "Except persons convicted by a court.\nThe list is in Annex 2."})
    text = docx_text(data)
    assert text == ("Article 1\n\nThe Parties shall release all civilians[1] within 30 days. "
                    "[Footnote 1: Except persons convicted by a court. The list is in Annex 2.]\n\n"
                    "Article 2\n\nAn amnesty shall apply to all participants.")
    provisions = {p.ref: text[p.start:p.end] for p in split_provisions(text)}
    assert "Except persons convicted" in provisions["Article 1"]
    assert "Except persons convicted" not in provisions["Article 2"]


def test_docx_notes_are_numbered_as_word_shows_them_and_given_once() -> None:
    data = docx_with_notes(
        ["First{f:7} and second{f:3}.", "Again the first{f:7}; an endnote{e:2}, another{e:5}."],
        footnotes={"3": "Note three.", "7": "Note seven."},
        endnotes={"2": "End two.", "5": "End five."})
    assert docx_text(data) == (
        "First[1] and second[2]. [Footnote 1: Note seven.] [Footnote 2: Note three.]\n\n"
        "Again the first[1]; an endnote[i], another[ii]. [Endnote i: End two.] [Endnote ii: End five.]")


def test_docx_missing_separator_or_empty_notes_add_nothing() -> None:
    data = docx_with_notes(["Release{f:9} all{f:-1} detainees{f:4}{e:1}."],
                           footnotes={"4": "  "}, endnotes=None)
    assert docx_text(data) == "Release all detainees."


def test_docx_a_long_note_referred_to_many_times_is_written_once() -> None:
    long_note = "The Parties shall exchange lists. " * 2000
    data = docx_with_notes(["Refer{f:1}" + "{f:1}" * 5000 + "."], footnotes={"1": long_note})
    text = docx_text(data)
    assert text.count("exchange lists") == 2000
    assert text.count("[1]") == 5001


def test_docx_with_a_doctype_is_refused() -> None:
    data = numbered_docx()

    def add_doctype(xml: str) -> str:
        head, rest = xml.split("?>", 1)
        return f'{head}?><!DOCTYPE w:document [<!ENTITY x "lol">]>{rest}'

    for part in ("word/document.xml", "word/numbering.xml"):
        assert refusal(rewrite_part(data, part, add_doctype), "draft.docx") == DAMAGED_DOCX


def test_docx_zip_bomb_is_refused_before_unpacking(monkeypatch) -> None:
    monkeypatch.setattr(documents, "_unpack_docx", lambda *a: pytest.fail("unpacked"))
    bomb = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": 200 * MB})
    assert len(bomb) < 1 * MB
    assert refusal(bomb, "draft.docx") == (
        "draft.docx: this .docx file would unpack to 200 MB, more than the 100 MB limit, "
        "so it was not opened; save it again from Word, or paste the text.")


def test_docx_part_compressed_like_a_zip_bomb_is_refused() -> None:
    bomb = zip_of({"word/document.xml": 4 * MB})
    assert refusal(bomb, "draft.docx") == (
        "draft.docx: this .docx file has a part compressed more than 200 times, as zip bombs "
        "are, so it was not opened; save it again from Word, or paste the text.")
    assert "would unpack" in refusal(bomb, "draft.docx", Limits(max_docx_uncompressed=MB))


DAMAGED_DOCX = ("draft.docx: this Word document is damaged or incomplete and cannot be read; "
                "save it again from Word, or paste the text.")


def test_truncated_docx_is_refused() -> None:
    data = numbered_docx()
    assert refusal(data[: len(data) // 2], "draft.docx") == DAMAGED_DOCX


def test_docx_with_broken_xml_is_refused() -> None:
    assert refusal(zip_of({"word/document.xml": b"<w:document"}), "draft.docx") == DAMAGED_DOCX


def test_empty_docx_is_refused() -> None:
    out = io.BytesIO()
    docx.Document().save(out)
    assert refusal(out.getvalue(), "draft.docx") == (
        "draft.docx: no text was found in the file; check that it is the right file, "
        "or paste the text.")


# -------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("data, name, what", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "draft.png", "a PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "draft.pdf", "a JPEG image"),
    (b"GIF89a\x01\x00\x01\x00", "draft.txt", "a GIF image"),
    (b"\x7fELF\x02\x01\x01\x00", "draft.docx", "a program (ELF executable)"),
    (b"Release all\x00\x00 detainees\x00", "draft.txt", "an unrecognised binary file"),
    (bytes(range(256)) * 4, "draft", "an unrecognised binary file"),
], ids=["png", "jpeg", "gif", "elf", "nul", "binary"])
def test_binary_files_are_refused(data: bytes, name: str, what: str) -> None:
    assert refusal(data, name) == f"{name}: this is {what}, not a text document; {HINT}"


def test_png_refusal_message_as_in_the_issue() -> None:
    assert refusal(b"\x89PNG\r\n\x1a\n", "draft.png") == (
        "draft.png: this is a PNG image, not a text document; upload a .txt, .md, .docx, "
        ".pdf or .html file, or paste the text.")


def test_zip_that_is_not_docx_is_refused() -> None:
    assert refusal(zip_of({"notes.txt": b"hello"}), "draft.docx") == (
        f"draft.docx: this is a ZIP archive without a Word document inside, not a text "
        f"document; {HINT}")


def test_too_large_file_is_refused() -> None:
    data = b"a" * int(25.3 * MB)
    assert refusal(data, "draft.txt") == (
        "draft.txt: the file is 25.3 MB; the limit is 20 MB. Split the draft or raise the limit.")


def test_too_large_by_a_little_shows_bytes() -> None:
    assert refusal(b"a" * (MB + 1), "draft.txt", Limits(max_bytes=MB)) == (
        "draft.txt: the file is 1,048,577 bytes; the limit is 1,048,576 bytes. "
        "Split the draft or raise the limit.")


def test_too_many_characters_is_refused() -> None:
    assert refusal(EN.encode(), "draft.txt", replace(Limits(), max_characters=10)) == (
        f"draft.txt: the text has {len(EN)} characters; the limit is 10. "
        "Split the draft or raise the limit.")


def test_empty_file_is_refused() -> None:
    assert refusal(b"", "draft.txt") == (
        "draft.txt: the file is empty; choose the file that contains the draft, "
        "or paste the text.")


@pytest.mark.parametrize("data, name", [
    (b" \r\n\t\r\n", "draft.txt"),
    (b"<html><head><title>x</title></head><body><script>x()</script></body></html>", "d.html"),
])
def test_file_without_text_is_refused(data: bytes, name: str) -> None:
    assert refusal(data, name) == (
        f"{name}: no text was found in the file; check that it is the right file, "
        "or paste the text.")


def test_undecodable_text_is_refused() -> None:
    data = b"Article 1 " + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 3
    assert refusal(data, "draft.txt") == (
        "draft.txt: the text encoding could not be recognised; save the file as UTF-8 text "
        "and upload it again, or paste the text.")


def test_unprintable_file_name_is_shown_safely() -> None:
    assert refusal(b"", "") .startswith("unnamed file: the file is empty")
    assert refusal(b"", "a\nb.txt").startswith("a?b.txt: the file is empty")


def test_limits_defaults() -> None:
    assert Limits() == Limits(max_bytes=20 * MB, max_pdf_pages=1000,
                              max_docx_uncompressed=100 * MB, max_docx_ratio=200,
                              max_characters=20 * MB)
    assert PageSpan(1, 0, 5) == PageSpan(page=1, start=0, end=5)


# ------------------------------------------------------------------------ properties

PREFIXES = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"PK\x05\x06", b"\xef\xbb\xbf", b"\xff\xfe",
            b"\xfe\xff", b"<html><body><ol start='x'><li>", b"\x89PNG\r\n\x1a\n", b"{\\rtf1"]
NAMES = st.one_of(st.sampled_from(["d.txt", "d.md", "d.pdf", "d.docx", "d.html", "d.png", ""]),
                  st.text(max_size=20))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=2048), name=NAMES)
def test_arbitrary_bytes_never_raise_anything_but_document_error(prefix, body, name) -> None:
    try:
        doc = read_document(prefix + body, name)
    except DocumentError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert doc.text.strip()
        assert not any(c < " " and c not in "\n\t" for c in doc.text)


def test_error_kinds_for_callers_that_map_codes() -> None:
    from checklist.errors import DocumentError

    def kind(data, name, limits=None):
        with pytest.raises(DocumentError) as exc:
            read_document(data, name, limits)
        return exc.value.kind

    assert kind(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "a.png") == "unsupported"
    assert kind(b"x" * 100, "a.txt", replace(Limits(), max_bytes=10)) == "too_large"
    assert kind(b"", "a.txt") == "unreadable"
