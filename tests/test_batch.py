"""checklist assess over several drafts or a folder: one report per draft per format, the
matrix, failures listed without stopping the others, exit 0/1/2, nothing half-written."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checklist.cli import main
from checklist.documents import read_document
from checklist.errors import DocumentError

DRAFTS = Path(__file__).parent / "data" / "drafts"
BROKEN_PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def reader_message(data: bytes, name: str) -> str:
    with pytest.raises(DocumentError) as exc:
        read_document(data, name)
    return str(exc.value).removeprefix(f"{name}: ")


@pytest.fixture
def drafts(tmp_path):
    folder = tmp_path / "drafts"
    folder.mkdir()
    for name in ("met-release-and-return.txt", "silent.txt"):
        shutil.copy(DRAFTS / name, folder / name)
    (folder / "broken.pdf").write_bytes(BROKEN_PDF)
    (folder / "picture.png").write_bytes(b"\x89PNG not a draft")   # not a draft suffix: left out
    (folder / ".hidden.txt").write_text("The Parties shall release all civilians.")
    return folder


def test_folder_with_a_good_and_an_unreadable_draft(drafts, tmp_path):
    out = tmp_path / "reports"
    r = invoke("assess", drafts, "-o", out, "--format", "json,csv", "--jobs", "2", "--rules", "tot-2025")
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        f"Assessed 2 of 3 drafts into {out} (json, csv each; matrix.csv, matrix.html); 1 failed:",
        f"  failed: {drafts / 'broken.pdf'}: {reader_message(BROKEN_PDF, 'broken.pdf')}",
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "matrix.csv", "matrix.html", "met-release-and-return.csv", "met-release-and-return.json",
        "silent.csv", "silent.json"]
    # each report is what the single-file command writes
    single = invoke("assess", drafts / "silent.txt", "--rules", "tot-2025")
    assert (out / "silent.json").read_text(encoding="utf-8") == single.stdout
    single_csv = tmp_path / "single.csv"
    invoke("assess", drafts / "silent.txt", "--rules", "tot-2025", "--format", "csv", "-o", single_csv)
    assert (out / "silent.csv").read_bytes() == single_csv.read_bytes()


def test_matrix_has_a_row_a_document_and_a_column_a_demand(drafts, tmp_path):
    out = tmp_path / "reports"
    invoke("assess", drafts, "-o", out, "--rules", "tot-2025")
    rows = list(csv.reader((out / "matrix.csv").open(encoding="utf-8-sig")))
    assert rows[0] == ["file", "title", "sha256", "error"] + [f"tot-2025/{n}" for n in range(1, 11)]
    by_file = {row[0]: row for row in rows[1:]}
    assert list(by_file) == [str(drafts / n) for n in ("broken.pdf", "met-release-and-return.txt", "silent.txt")]
    report = json.loads((out / "met-release-and-return.json").read_text(encoding="utf-8"))
    row = by_file[str(drafts / "met-release-and-return.txt")]
    assert row[2] == report["document"]["sha256"]
    first_line = (drafts / "met-release-and-return.txt").read_text().strip().splitlines()[0].strip()
    assert row[1] == " ".join(first_line.split())
    assert row[3] == ""
    assert row[4:] == [x["status"] for x in report["results"]]
    broken = by_file[str(drafts / "broken.pdf")]
    assert broken[2] == "" and broken[3].startswith(f"{drafts / 'broken.pdf'}: ") and broken[4:] == [""] * 10
    html = (out / "matrix.html").read_text(encoding="utf-8")
    assert "Gap matrix: 3 drafts × 10 demands" in html
    assert html.count('<th class="doc" scope="row"') == 3
    for status in report["summary"]:
        if report["summary"][status]:
            assert f'class="s {status}' in html
    assert '<a href="met-release-and-return.html">' not in html     # no HTML report asked for


def test_several_named_files_one_missing(tmp_path):
    out = tmp_path / "reports"
    missing = tmp_path / "gone.txt"
    r = invoke("assess", DRAFTS / "silent.txt", missing, "-o", out, "--rules", "tot-2025", "--format", "md")
    assert r.exit_code == 1
    assert f"  failed: {missing}: cannot read the file (No such file or directory); check the path." in r.stderr
    assert (out / "silent.md").read_text().startswith("# Gap report: silent.txt")


def test_all_good_exits_0_and_same_stems_do_not_collide(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    shutil.copy(DRAFTS / "silent.txt", a / "draft.txt")
    shutil.copy(DRAFTS / "silent.txt", a / "draft.md")
    shutil.copy(DRAFTS / "met-release-and-return.txt", b / "draft.txt")
    out = tmp_path / "out"
    r = invoke("assess", a, b, "-o", out, "--rules", "tot-2025")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["draft-md.json", "draft-txt-2.json", "draft-txt.json",
                                                     "matrix.csv", "matrix.html"]


def test_output_folder_holding_files_is_refused_unless_force(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    r = invoke("assess", DRAFTS / "silent.txt", DRAFTS / "met-release-and-return.txt", "-o", out)
    assert r.exit_code == 2
    assert r.output == (f"Error: {out} already holds 1 file(s): choose a new or empty folder with -o, or add "
                        f"--force to write the reports among them.\n")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    r = invoke("assess", DRAFTS / "silent.txt", DRAFTS / "met-release-and-return.txt", "-o", out, "--force")
    assert r.exit_code == 0
    assert (out / "notes.txt").read_text() == "mine" and (out / "silent.json").exists()


@pytest.mark.parametrize("make,args,message", [
    (lambda t: (t / "empty").mkdir(), ["{t}/empty", "-o", "{t}/out"],
     "Error: {t}/empty: no draft to assess (no .txt, .md, .markdown, .docx, .pdf, .html, .htm or .xhtml file "
     "in it); put the drafts there or name the files.\n"),
    (None, [str(DRAFTS), "--format", "json"],
     "Error: Several drafts need a folder for the reports: add -o reports/.\n"),
    (None, [str(DRAFTS), "-o", "{t}/out", "--format", "json,docx"],
     "Error: Unknown format 'docx': choose from json, md, csv, html, pdf (a list such as json,csv).\n"),
    (lambda t: (t / "file").write_text("x"), [str(DRAFTS), "-o", "{t}/file/"],
     "Error: {t}/file is a file, not a folder: give -o a new or empty folder for the reports.\n"),
    (None, [str(DRAFTS), "-o", "{t}/out", "--rules", "nope"], None),
    (None, [str(DRAFTS), "-o", "{t}/out", "--jobs", "0"], None),
])
def test_bad_usage_is_one_line_exit_2(tmp_path, make, args, message):
    if make:
        make(tmp_path)
    r = invoke("assess", *[a.format(t=tmp_path) for a in args])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    if message:
        assert r.output == message.format(t=tmp_path)
    else:
        assert r.output.strip().splitlines()[-1].startswith("Error: ")
    assert not (tmp_path / "out").exists()


def test_no_temporary_file_is_left(drafts, tmp_path):
    out = tmp_path / "reports"
    invoke("assess", drafts, "-o", out, "--format", "json,md,html")
    assert not [p for p in out.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")]


def test_single_file_to_an_existing_folder_is_a_batch_of_one(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    r = invoke("assess", DRAFTS / "silent.txt", "-o", out, "--rules", "tot-2025")
    assert r.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["matrix.csv", "matrix.html", "silent.json"]


def test_single_file_output_is_written_whole(tmp_path):
    out = tmp_path / "r.json"
    r = invoke("assess", DRAFTS / "silent.txt", "--rules", "tot-2025", "-o", out)
    assert r.exit_code == 0 and r.stderr == f"wrote {out}\n"
    assert json.loads(out.read_text())["schema"] == "checklist.assessment/1"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
