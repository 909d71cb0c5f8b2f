"""What LibreOffice is given and how the work is cut: conversion copies of an invoice with only the styles it uses
(every other part byte for byte, the PDF's words the document's words), chunks of at most 200 files a soffice
call (its launcher drops the arguments after about 250), lanes each with their own profile, PDFs moved into place
whole, and a PDF not written reported by name."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from test_pdf import needs_soffice
from test_summary_figures import summary_sheets
from test_summary_workbook import write_text_book

from mspxl.commands import invoice
from mspxl.pdf import PdfFailed, conversion_command, convert_to_pdf, find_soffice
from mspxl.pdf.copies import STYLES, W, conversion_copies, styles_named, used_styles
from mspxl.pdf.lanes import MOST_FILES, chunks, scratch_root

TODAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def invoices(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("copies")
    book = write_text_book(folder / "book.xlsx", summary_sheets())
    run = invoice.invoice(book, "2026-11", TODAY)
    return [run.out_dir / inv.file for inv in run.issued]


def style_ids(styles_xml: bytes) -> set[str]:
    root = etree.fromstring(styles_xml)
    return {s.get(f"{{{W}}}styleId") for s in root.iter(f"{{{W}}}style")}


def test_a_copy_keeps_every_part_but_the_unused_styles(invoices: list[Path], tmp_path: Path) -> None:
    document = invoices[0]
    [copy] = conversion_copies([document], tmp_path / "in")
    assert copy.name == document.name and copy.parent == tmp_path / "in"
    with zipfile.ZipFile(document) as before, zipfile.ZipFile(copy) as after:
        assert before.namelist() == after.namelist()
        for name in before.namelist():
            if name != STYLES:
                assert after.read(name) == before.read(name), name
        named = set().union(*(styles_named(before.read(n)) for n in before.namelist() if n != STYLES))
        full, slim = before.read(STYLES), after.read(STYLES)
    assert "Footer" in named and len(slim) * 5 < len(full)
    kept = style_ids(slim)
    assert named <= kept < style_ids(full)
    assert {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "FooterChar"} <= kept  # defaults, links
    assert b"latentStyles" not in slim and b"<w:docDefaults>" in slim


def test_styles_a_kept_style_leans_on_are_kept() -> None:
    styles = (f'<w:styles xmlns:w="{W}"><w:latentStyles w:count="1"/>'
              '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"/>'
              '<w:style w:type="paragraph" w:styleId="Total"><w:basedOn w:val="Strong"/><w:next w:val="After"/>'
              '</w:style><w:style w:type="paragraph" w:styleId="Strong"><w:link w:val="StrongChar"/></w:style>'
              '<w:style w:type="character" w:styleId="StrongChar"/><w:style w:type="paragraph" w:styleId="After"/>'
              '<w:style w:type="paragraph" w:styleId="Unused"/><w:style w:type="paragraph" w:styleId="Odd"><w:rPr>'
              '<w:rStyle w:val="Named"/></w:rPr></w:style><w:style w:type="character" w:styleId="Named"/>'
              '</w:styles>').encode()
    named = styles_named(b'<w:p><w:pPr><w:pStyle w:val="Total"/></w:pPr></w:p>')
    assert named == {"Total"}
    kept = {"Normal", "Total", "Strong", "StrongChar", "After", "Named"}  # Named: named in the styles part
    assert style_ids(used_styles(styles, named)) == kept


def test_what_cannot_be_slimmed_safely_is_converted_as_it_is(invoices: list[Path], tmp_path: Path) -> None:
    not_a_zip = tmp_path / "broken.docx"
    not_a_zip.write_bytes(b"x")
    sheet = tmp_path / "summary.xlsx"
    sheet.write_bytes(b"x")
    other_prefix = tmp_path / "prefix.docx"
    with zipfile.ZipFile(invoices[0]) as source, zipfile.ZipFile(other_prefix, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            out.writestr(name, data.replace(b'<w:p>', b'<x:p xmlns:x="' + W.encode() + b'"/><w:p>', 1)
                         if name == "word/document.xml" else data)
    [slim] = conversion_copies(invoices[:1], tmp_path / "first")
    again = conversion_copies([slim], tmp_path / "again")  # nothing left to take out
    assert conversion_copies([not_a_zip, sheet, other_prefix], tmp_path / "in") == [not_a_zip, sheet, other_prefix]
    assert again == [slim]


def test_a_soffice_call_gets_at_most_200_files_in_even_chunks() -> None:
    month = [Path(f"{n}.docx") for n in range(3694)]
    parts = chunks(month, 2)
    assert len(parts) == 20 and {len(p) for p in parts} == {184, 185} and max(map(len, parts)) <= MOST_FILES
    assert [f for p in parts for f in p] == month
    assert [len(p) for p in chunks(month[:5], 2)] == [3, 2] and chunks(month[:400], 1) == [month[:200], month[200:400]]


def test_the_command_line_is_pinned(tmp_path: Path) -> None:
    command = conversion_command("soffice", [tmp_path / "a.docx"], tmp_path / "out", tmp_path / "p")
    assert command == ["soffice", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless", "--norestore",
                       "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(tmp_path / "a.docx")]


FAKE_SOFFICE = '''#!{python}
"""soffice as mspxl calls it: notes its profile and how many files it got, and writes each PDF but those of files
named `fail*`."""
import os, sys
from pathlib import Path
args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
files = args[args.index("--outdir") + 2:]
with open({log!r}, "a") as handle:
    handle.write(os.environ["TMPDIR"] + " " + args[0].split("=", 1)[1] + " " + str(len(files)) + "\\n")
for name in files:
    if not Path(name).name.startswith("fail"):
        (out / (Path(name).stem + ".pdf")).write_bytes(b"%PDF-1.4 " + Path(name).name.encode())
print("convert done")
'''


def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "calls.log"
    fake = tmp_path / "soffice"
    fake.write_text(FAKE_SOFFICE.format(python=sys.executable, log=str(log)))
    fake.chmod(0o755)
    monkeypatch.setenv("MSPXL_SOFFICE", str(fake))
    return log


def test_a_month_is_converted_in_chunks_over_the_lanes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = fake_soffice(tmp_path, monkeypatch)
    files = []
    for n in range(450):
        files.append(tmp_path / "docs" / f"INV-{n:06} Client.docx")
    files[0].parent.mkdir()
    for file in files:
        file.write_bytes(b"x")
    pdfs = convert_to_pdf(files, tmp_path / "docs", timeout=60, processes=2)
    assert pdfs == [f.with_suffix(".pdf") for f in files]
    assert all(p.read_bytes() == b"%PDF-1.4 " + f.name.encode() for p, f in zip(pdfs, files, strict=True))
    calls = [line.split(" ") for line in log.read_text().splitlines()]
    assert sorted(int(count) for _, _, count in calls) == [112, 112, 113, 113]
    assert len({profile for _, profile, _ in calls}) == 2  # one profile a lane, used for each of its calls
    scratch = {Path(tmp).parent for tmp, _, _ in calls} | {Path(profile[len("file://"):]).parent
                                                           for _, profile, _ in calls}
    assert len(scratch) == 1 and not scratch.pop().exists()  # LibreOffice's temporary files in the scratch folder
    if scratch_root():
        assert all(tmp.startswith(scratch_root() or "") for tmp, _, _ in calls)
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == sorted([f.name for f in files + pdfs])


def test_a_pdf_not_written_is_named_and_the_others_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path, monkeypatch)
    files = [tmp_path / "ok 1.docx", tmp_path / "fail 2.docx", tmp_path / "ok 3.docx"]
    for file in files:
        file.write_bytes(b"x")
    with pytest.raises(PdfFailed, match=r"exit code 0\) did not write fail 2\.pdf: convert done"):
        convert_to_pdf(files, tmp_path / "pdf", timeout=60, processes=2)
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["ok 1.pdf", "ok 3.pdf"]


def document_words(docx: Path) -> Counter[str]:
    """The words a reader sees in the body, header and footer, read from the Word XML."""
    with zipfile.ZipFile(docx) as package:
        xml = " ".join(package.read(n).decode("utf-8") for n in package.namelist()
                       if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n))
    pieces = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:(?:br|tab|cr)\b|</w:p>", xml)
    return Counter(html.unescape("".join(p or " " for p in pieces)).split())


@needs_soffice
def test_the_pdf_reads_as_the_document_and_as_a_pdf_of_the_document_itself(invoices: list[Path],
                                                                          tmp_path: Path) -> None:
    managed = invoices[0]
    [pdf] = convert_to_pdf([managed], tmp_path / "fast")
    plain = subprocess.run(conversion_command(find_soffice() or "soffice", [managed], tmp_path / "plain",
                                              tmp_path / "profile"), capture_output=True, timeout=300, check=False)
    assert plain.returncode == 0, plain.stderr

    def text(path: Path, *options: str) -> str:
        return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True,
                              check=True).stdout

    assert text(pdf, "-layout") == text(tmp_path / "plain" / pdf.name, "-layout")
    assert Counter(text(pdf).split()) == document_words(managed)
