"""The package writer against the openpyxl reference: same cells, same formats; Excel-only parts kept byte for byte."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zipfile
import zlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from bookdata import client, write_book
from openpyxl.chart import BarChart, Reference

from mspxl import schema
from mspxl.init_book import build_workbook, fill_sheet, save_workbook
from mspxl.schema import OUTPUT_SHEETS
from mspxl.writers import xlsx
from mspxl.writers.changes import CellMark, WorkbookChanges
from mspxl.writers.update import update_package

FMT = xlsx.money_format("USD", "en_US")
INVOICE = ("INV-000101", "C1", "=cmd|' /C calc'!A0", "managed", "2026-11", date(2026, 11, 5), date(2026, 12, 5),
           Decimal("300.00"), Decimal("24.75"), Decimal("324.75"), 3, 0, None, None, "INV-000101 C1.docx")
LINES = [("INV-000101", 1, "STD", "+ Standard per-user package", Decimal(3), Decimal("100.00"),
          Decimal("300.00"), "Y"),
         ("INV-000101", 2, "LABOR", "-- on site\t@night", Decimal("1.25"), Decimal("150.00"), Decimal("187.50"),
          "N")]


def changes() -> WorkbookChanges:
    ch = WorkbookChanges(append={"Invoices": [INVOICE], "InvoiceLines": list(LINES)})
    ch.marks.append(CellMark("WorkLog", "Entry ID", "W2", "Invoice Number", "INV-000101"))
    ch.row_marks.append(("Usage", 2, "Invoice Number", "INV-000101"))
    if "Runs" in OUTPUT_SHEETS:  # a text column handed a date and time gets a date format, as openpyxl gives it
        runs = [None] * len(OUTPUT_SHEETS["Runs"])
        runs[0], runs[1], runs[2] = datetime(2026, 11, 25, 13, 45, 7), date(2026, 11, 25), "invoice"
        ch.append["Runs"] = [tuple(runs)]
    ch.replace["Collections"] = [("C1", "Client <1> & Co", "past_due", date(2026, 11, 20), Decimal("-12.50"),
                                  "INV-000090", 15, Decimal("0"), "Send notice", date(2026, 11, 28), None,
                                  date(2026, 11, 25))]
    ch.replace["Aging"] = [("C1", "Client 1", Decimal("0"), Decimal("12.5"), Decimal(0), Decimal(0), Decimal(0),
                            Decimal("12.50"), date(2026, 11, 25))]
    return ch


def init_book(path: Path) -> Path:
    """A workbook as `mspxl init` lays it out, with a few input rows."""
    book = build_workbook()
    fill_sheet(book["Clients"], schema.CLIENTS, [client("C1")])
    fill_sheet(book["WorkLog"], schema.WORKLOG, [
        {"Entry ID": e, "Client ID": "C1", "Date": date(2026, 10, 3), "Hours": 1, "Description": "x"}
        for e in ("W1", "W2", "W3")])
    fill_sheet(book["Usage"], schema.USAGE, [{"Client ID": "C1", "Period": "2026-11", "Service Code": "STOR",
                                              "Quantity": 10}])
    save_workbook(book, path)
    return path


def plain_book(path: Path) -> Path:
    """A workbook with no output sheets and a WorkLog with no Invoice Number column (written by hand)."""
    return write_book(path, {"Clients": [client("C1")],
                             "WorkLog": [{"Entry ID": e, "Client ID": "C1", "Date": date(2026, 10, 3), "Hours": 1,
                                          "Description": "x"} for e in ("W1", "W2")],
                             "Usage": [{"Client ID": "C1", "Period": "2026-11", "Service Code": "STOR",
                                        "Quantity": 10}]})


def both_ways(src: Path, tmp_path: Path, runs: int = 1) -> tuple[Path, Path]:
    reference, package = tmp_path / "reference.xlsx", tmp_path / "package.xlsx"
    shutil.copy(src, reference)
    shutil.copy(src, package)
    for _ in range(runs):
        xlsx.update_workbook(reference, changes(), "USD", "en_US", writer="openpyxl")
        update_package(package, changes(), FMT)
    return reference, package


def cells(path: Path) -> dict[tuple[str, str], tuple[object, str | None, str]]:
    """Every cell with a value: (sheet, ref) -> (value, number format, data type)."""
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): (c.value, c.number_format, c.data_type)
            for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}


def tables(path: Path) -> dict[str, dict[str, str]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: dict(ws.tables.items()) for ws in wb.worksheets}


@pytest.mark.parametrize("make", [init_book, plain_book], ids=["init layout", "no output sheets"])
@pytest.mark.parametrize("runs", [1, 2], ids=["first run", "second run appends"])
def test_both_writers_give_the_same_cells_formats_and_tables(tmp_path: Path, make, runs: int) -> None:  # noqa: ANN001
    reference, package = both_ways(make(tmp_path / "src.xlsx"), tmp_path, runs)
    expected = cells(reference)
    assert cells(package) == expected
    assert tables(package) == tables(reference)
    assert openpyxl.load_workbook(reference).sheetnames == openpyxl.load_workbook(package).sheetnames
    assert sum(1 for sheet, _ in expected if sheet == "InvoiceLines") == 8 * (1 + 2 * runs)


def test_values_formats_and_formula_like_text(tmp_path: Path) -> None:
    _, package = both_ways(init_book(tmp_path / "src.xlsx"), tmp_path)
    wb = openpyxl.load_workbook(package)
    invoices, lines = wb["Invoices"], wb["InvoiceLines"]
    assert [c.value for c in invoices[2]][:3] == ["INV-000101", "C1", "=cmd|' /C calc'!A0"]
    assert invoices["C2"].data_type == "s"
    assert lines["D2"].value == "+ Standard per-user package" and lines["D3"].value == "-- on site\t@night"
    assert invoices["F2"].is_date and invoices["F2"].value.date() == date(2026, 11, 5)
    assert invoices["F2"].number_format == "yyyy-mm-dd"
    assert invoices["J2"].value == 324.75 and invoices["J2"].number_format == FMT
    assert invoices["K2"].number_format == "0"
    assert lines["E3"].value == 1.25 and lines["E3"].number_format == "General"
    assert wb["Collections"]["E2"].value == -12.5 and wb["Collections"]["B2"].value == "Client <1> & Co"
    worklog = {r[0].value: r[9].value for r in wb["WorkLog"].iter_rows(min_row=2)}
    assert worklog == {"W1": None, "W2": "INV-000101", "W3": None}
    assert wb["Usage"]["E2"].value == "INV-000101"


def test_replace_clears_the_rows_it_does_not_rewrite(tmp_path: Path) -> None:
    src = init_book(tmp_path / "src.xlsx")
    first = changes()
    first.replace["Aging"] = first.replace["Aging"] * 3
    update_package(src, first, FMT)
    reference, package = both_ways(src, tmp_path)
    assert cells(package) == cells(reference)
    assert openpyxl.load_workbook(package)["Aging"]["A3"].value is None


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


PIC = ('<xdr:oneCellAnchor xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<xdr:from><xdr:col>12</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row><xdr:rowOff>0</xdr:rowOff>'
       '</xdr:from><xdr:ext cx="95250" cy="95250"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="9" name="Logo"/>'
       '<xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rIdLogo"/><a:stretch><a:fillRect/></a:stretch>'
       '</xdr:blipFill><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>'
       '<xdr:clientData/></xdr:oneCellAnchor>')
VBA_CT = "application/vnd.ms-office.vbaProject"
MACRO_BOOK_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
BOOK_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def book_with_excel_parts(tmp_path: Path) -> Path:
    """An .xlsm with a chart and a picture on the Users sheet and a VBA project."""
    src = init_book(tmp_path / "plain.xlsx")
    wb = openpyxl.load_workbook(src)
    chart = BarChart()
    chart.add_data(Reference(wb["Clients"], min_col=11, min_row=1, max_row=2))
    wb["Users"].add_chart(chart, "H2")
    wb.save(src)
    target = tmp_path / "book.xlsm"
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(BOOK_CT.encode(), MACRO_BOOK_CT.encode()).replace(
                    b"</Types>", f'<Default Extension="bin" ContentType="{VBA_CT}"/>'
                                 '<Default Extension="png" ContentType="image/png"/></Types>'.encode())
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft'
                                    b'.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                    b"</Relationships>")
            elif info.filename == "xl/drawings/_rels/drawing1.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdLogo" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/image" '
                                    b'Target="../media/image1.png"/></Relationships>')
            elif info.filename == "xl/drawings/drawing1.xml":
                data = data.replace(b"</xdr:wsDr>", PIC.encode() + b"</xdr:wsDr>")
            new.writestr(info, data)
        new.writestr("xl/media/image1.png", tiny_png())
        new.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    return target


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_charts_images_and_vba_survive_byte_identical(tmp_path: Path) -> None:
    book = book_with_excel_parts(tmp_path)
    before = parts(book)
    kept = [n for n in before if n.startswith(("xl/charts/", "xl/drawings/", "xl/media/")) or n.endswith(".bin")]
    assert {"xl/media/image1.png", "xl/vbaProject.bin", "xl/charts/chart1.xml"} <= set(kept)
    with pytest.raises(xlsx.WorkbookRefused, match="charts"):
        xlsx.refuse_if_lossy(book, writer="openpyxl")
    xlsx.refuse_if_lossy(book, writer="package")
    xlsx.update_workbook(book, changes(), "USD", "en_US", writer="package")
    after = parts(book)
    with zipfile.ZipFile(book) as package:
        assert package.testzip() is None
    assert {n: after[n] for n in kept} == {n: before[n] for n in kept}
    changed = {n for n in before if after.get(n) != before[n]}
    users_sheet = "xl/worksheets/sheet5.xml"  # the chart's sheet is not rewritten either
    assert users_sheet not in changed and after[users_sheet] == before[users_sheet]
    assert MACRO_BOOK_CT.encode() in after["[Content_Types].xml"]
    wb = openpyxl.load_workbook(book, keep_vba=True)
    assert wb["Invoices"]["A2"].value == "INV-000101"


def test_an_unknown_writer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSPXL_WRITER", "xlsxwriter")
    with pytest.raises(ValueError, match="unknown workbook writer"):
        xlsx.writer_name()
    monkeypatch.setenv("MSPXL_WRITER", "openpyxl")
    assert xlsx.writer_name() == "openpyxl"
    assert xlsx.writer_name("package") == "package"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_written_workbook(tmp_path: Path) -> None:
    book = book_with_excel_parts(tmp_path)
    xlsx.update_workbook(book, changes(), "USD", "en_US", writer="package")
    out = tmp_path / "lo"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(book)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    converted = openpyxl.load_workbook(out / "book.xlsx")
    assert [c.value for c in converted["Invoices"][2]][:3] == ["INV-000101", "C1", "=cmd|' /C calc'!A0"]
    assert converted["InvoiceLines"]["D2"].value == "+ Standard per-user package"
    assert converted["Invoices"]["J2"].value == 324.75
    assert converted["WorkLog"]["J3"].value == "INV-000101"
