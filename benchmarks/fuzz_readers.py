"""Fuzz ``read_document`` over every format: any exception but DocumentError is a crash.

    .venv/bin/python benchmarks/fuzz_readers.py                    # atheris, 60 s
    .venv/bin/python benchmarks/fuzz_readers.py --seconds 120
    .venv/bin/python benchmarks/fuzz_readers.py -runs=5000         # libFuzzer flags pass through
    .venv/bin/python benchmarks/fuzz_readers.py --hypothesis       # no atheris: hypothesis

The first byte of each input chooses the file name (so the same bytes are tried as .txt, .pdf,
.docx, .html, ...); the rest is the file. atheris starts from a seed corpus written to a
temporary folder (a text draft, an HTML page, a .docx, a PDF), or from ``--corpus DIR``, which
keeps what it finds. Exit status: 0 when no crash was found, non-zero otherwise (libFuzzer
writes the crashing input to ``crash-<sha1>`` in the current folder).

Install atheris into the venv first: ``.venv/bin/pip install atheris``. Without it (or with
``--hypothesis``) the same check runs as batches of hypothesis examples for the time given.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "tests")]

NAMES = ("draft.txt", "draft.md", "draft.pdf", "draft.docx", "draft.html", "draft.htm", "draft",
         "DRAFT.PDF", "scan.png", "", "draft.txt.exe", "проект.docx", "a\nb.pdf", "draft.xhtml")
LIMIT_SECONDS_PER_INPUT = 20
MAX_LEN = 256 * 1024

try:
    import atheris
except ImportError:        # the hypothesis fallback below still works
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["checklist"]):
        from checklist.documents import read_document
        from checklist.errors import DocumentError
else:
    from checklist.documents import read_document
    from checklist.errors import DocumentError


def one_input(data: bytes) -> None:
    """The harness: DocumentError is an answer; anything else propagates as a crash."""
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    try:
        document = read_document(data[1:], name)
    except DocumentError as exc:
        message = str(exc)
        if not message or "\n" in message:
            raise AssertionError(f"bad refusal message: {message!r}") from exc
        return
    if not document.text.strip():
        raise AssertionError("a document without text was accepted")
    if any(c < " " and c not in "\n\t" for c in document.text):
        raise AssertionError("control characters in the text")


# ---------------------------------------------------------------- seeds


def seeds() -> dict[str, bytes]:
    """Small valid files of each format, each prefixed with the byte that names it so."""
    from clauses import make_draft

    text = make_draft(0.3, seed=1)
    html = ("<!doctype html><html><body><h1>Draft</h1><ol><li>The Parties shall release all "
            "detainees.<ol><li>civilians</li></ol></li></ol><script>x()</script></body></html>")
    out = {"txt": text.encode(), "md": ("# Draft\n\n" + text).encode(), "html": html.encode(),
           "cp1251": "Стаття 1. Сторони звільняють усіх.".encode("cp1251"),
           "utf16": "Article 1. Release all.".encode("utf-16"), "pdf": _pdf(text[:400]),
           "docx": _docx(text[:2000])}
    index = {"txt": 0, "md": 1, "html": 4, "cp1251": 0, "utf16": 0, "pdf": 2, "docx": 3}
    return {k: bytes([index[k]]) + v for k, v in out.items()}


def _pdf(text: str) -> bytes:
    from helpers import handmade_pdf          # tests/helpers.py

    safe = "".join(c for c in text if c.isascii() and c.isprintable() and c not in "()\\")
    return handmade_pdf(1, safe[:200])


def _docx(text: str) -> bytes:
    try:
        import docx
    except ImportError:
        body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text.splitlines()
                       if line and "<" not in line and "&" not in line)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                       f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
        return out.getvalue()
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- runners


def run_atheris(seconds: int, corpus: str | None, extra: list[str]) -> None:
    folder = corpus or tempfile.mkdtemp(prefix="fuzz-readers-")
    Path(folder).mkdir(parents=True, exist_ok=True)
    for name, data in seeds().items():
        (Path(folder) / f"seed-{name}").write_bytes(data)
    argv = [sys.argv[0], folder, f"-max_len={MAX_LEN}", f"-timeout={LIMIT_SECONDS_PER_INPUT}",
            "-rss_limit_mb=3072", "-print_final_stats=1"]
    if not any(a.startswith("-runs=") for a in extra):
        argv.append(f"-max_total_time={seconds}")
    atheris.Setup(argv + extra, one_input)
    atheris.Fuzz()


def run_hypothesis(seconds: int) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    seed_values = list(seeds().values())
    inputs = st.one_of(
        st.binary(min_size=1, max_size=4096),
        st.builds(lambda seed, cut, junk: seed[:cut] + junk + seed[cut + len(junk):],
                  st.sampled_from(seed_values), st.integers(1, 4096), st.binary(max_size=64)),
    )

    @settings(max_examples=500, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=inputs)
    def batch(data: bytes) -> None:
        one_input(data)

    deadline, runs = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        batch()               # an exception other than DocumentError propagates: exit 1
        runs += 500
    print(f"hypothesis fallback: {runs:,} inputs in {seconds} s, no crash")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="how long to fuzz (default 60)")
    parser.add_argument("--corpus", help="corpus folder to use and grow (default: a temporary one)")
    parser.add_argument("--hypothesis", action="store_true", help="use hypothesis, not atheris")
    args, extra = parser.parse_known_args()
    if args.hypothesis or atheris is None:
        if atheris is None and not args.hypothesis:
            print("atheris is not installed: running the hypothesis fallback", file=sys.stderr)
        return run_hypothesis(args.seconds)
    run_atheris(args.seconds, args.corpus, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
