"""Small helpers shared by several test modules (imported as ``helpers``) and by
``benchmarks/fuzz_readers.py``."""
from __future__ import annotations

import io
import zipfile

from checklist import storage

MB = 1024 * 1024


def zip_of(parts: dict[str, bytes | int], compresslevel: int = 9) -> bytes:
    """A zip archive; an int member is that many zero bytes, streamed (memory stays small)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for name, content in parts.items():
            if isinstance(content, int):
                with archive.open(name, "w", force_zip64=True) as member:
                    chunk = bytes(MB)
                    for _ in range(content // MB):
                        member.write(chunk)
            else:
                archive.writestr(name, content)
    return out.getvalue()


def handmade_pdf(pages: int, text: str | None = None) -> bytes:
    """A PDF with ``pages`` page objects sharing one content stream (blank, or one line of
    Latin-1 text without parentheses or backslashes)."""
    content = b"" if text is None else b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("latin-1")
    resources = b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    kids = b" ".join(b"%d 0 R" % i for i in range(4, 4 + pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R %s >>" % resources
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects + [page] * pages, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    return bytes(out)


def db_counts(app) -> dict:
    """Row counts of the app's database."""
    db = storage.connect(app.config["DATABASE"])
    try:
        return storage.counts(db)
    finally:
        db.close()
