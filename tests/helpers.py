"""Small helpers shared by several test modules (imported as ``helpers``)."""
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


def db_counts(app) -> dict:
    """Row counts of the app's database."""
    db = storage.connect(app.config["DATABASE"])
    try:
        return storage.counts(db)
    finally:
        db.close()
