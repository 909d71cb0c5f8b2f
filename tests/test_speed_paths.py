"""The fast paths of reading give exactly what the general paths give: cell readers chosen once per column, the
unusable-cell scan that looks only around formulas and error types, and Excel tables read from the package parts."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from openpyxl.worksheet.table import Table

from mspxl import schema as S
from mspxl.schema import Column, Kind
from mspxl.workbook import package_scan, source_file
from mspxl.workbook.cells import CellError, cell_reader, excel_error, merged_over, read_cell
from mspxl.workbook.raw import RawSheet
from mspxl.workbook.table import read_rows

ODD_VALUES: list[object] = [
    "  Acme ", "x", "", "   ", "tab\there", "line\nbreak", "bell\x07", "del\x7f", "é ü 中", "\u200b", "a" * 32768,
    "2026-11-05", "2026-11-05T10:00:00", "2026-11", "2026-13", "15%", "abc%", "0.15", "1.5", "-2", "1,250.00",
    "Y", "n", "yes", "TRUE", "0", "maybe", "ach", "ACH", "Check", "wire ", "cleared", "card", "monthly", "Per_User",
    0, 1, -1, 2958466, 12.5, 4.0, -0.5, 0.15, 1.01, Decimal("3.10"), True, False,
    date(2026, 11, 5), datetime(2026, 11, 5), datetime(2026, 11, 5, 9, 30), time(9, 30), timedelta(days=-1),
]
KINDS = [Column("t", Kind.TEXT), Column("i", Kind.ID), Column("d", Kind.DATE), Column("m", Kind.MONEY),
         Column("a", Kind.AMOUNT), Column("n", Kind.DECIMAL), Column("y", Kind.YN), Column("p", Kind.PCT),
         Column("q", Kind.PERIOD), Column("c", Kind.CHOICE, choices=S.METHODS),
         Column("s", Kind.CHOICE, choices=("per_user", "Per_User", "flat"))]


def outcome(read: object, value: object) -> tuple[str, object]:
    try:
        return "value", read(value)  # type: ignore[operator]
    except CellError as exc:
        return "error", str(exc)


@pytest.mark.parametrize("column", KINDS, ids=lambda c: c.kind.value + c.header)
def test_a_column_reader_reads_every_value_as_read_cell_does(column: Column) -> None:
    reader = cell_reader(column)
    for value in ODD_VALUES:
        expected = outcome(lambda v: read_cell(column, v), value)
        got = outcome(reader, value)
        assert got == expected, value
        assert type(got[1]) is type(expected[1])


def test_rows_with_blank_unusable_and_bad_cells_are_reported_cell_by_cell_in_order() -> None:
    header = [c.header for c in S.PAYMENTS.columns]
    rows = [header,
            ["P1", "C1", date(2026, 1, 2), 10.5, "ach", None, None, None, "r"],
            ["P2", " ", "2026-02-30", -1, "cash", "lost", "R01", 17.0, "x\x01"],
            [None, None, merged_over("A4:B4"), None, None, None, None, None, None],
            [],
            ["  ", None, None, None, None, None, None, None, None],
            ["P3", "C1", date(2026, 1, 3), "12", excel_error("#REF!"), None, None, None, None]]
    read, problems = read_rows(RawSheet("Payments", rows), S.PAYMENTS)
    assert [r.number for r in read] == [2, 3, 7]
    assert [r.ok for r in read] == [True, False, False]
    assert read[0].values == {"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 1, 2),
                              "Amount": Decimal("10.5"), "Method": "ACH", "Status": "cleared",
                              "Return Code": None, "Invoice Number": None, "Reference": "r", "Debited Account": None}
    assert list(read[2].values) == ["Payment ID", "Client ID", "Date", "Amount", "Status", "Return Code",
                                    "Invoice Number", "Reference", "Debited Account"]
    assert [(p.cell, p.header, p.message, p.value) for p in problems] == [
        ("B3", "Client ID", "is required but blank", None),
        ("C3", "Date", "is not a date (expected YYYY-MM-DD or an Excel date)", "2026-02-30"),
        ("D3", "Amount", "must not be negative", "-1"),
        ("E3", "Method", "is not one of ACH, check, card, wire", "cash"),
        ("F3", "Status", "is not one of cleared, returned, pending", "lost"),
        ("I3", "Reference", "contains the control character U+0001, which Excel cannot store: retype the text",
         "x\u2401"),
        ("E7", "Method", "is an Excel error value: fix the formula or type the value", "#REF!"),
    ]


SHEET_XML = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols><col min="1" max="3"/>'
    b'</cols><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><f>SUM(C1:C2)</f><v>3</v></c>'
    b'<c r="C1"><f>NOW()</f></c><c r="D1" t="e"><v>#DIV/0!</v></c></row>'
    b'<row r="2"><c r="A2" t="str"><f>""</f><v></v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">A2*2</f></c>'
    b'<c r="C2" t="inlineStr"><is><t>&lt;f&gt; t="e" is text</t></is></c><c r="D2" s="1"/>'
    b'<c r="E2"><f t="shared" si="0"/></c><c r="F2" t="e"/><c r="G2"><f>A1&amp;"&lt;c"</f><v> </v></c></row>'
    b'</sheetData><dataValidations count="1"><dataValidation type="list" sqref="A2:A9"><formula1>"a,b"</formula1>'
    b'</dataValidation></dataValidations><conditionalFormatting sqref="A1"><cfRule type="expression" priority="1">'
    b'<formula>A1&gt;0</formula></cfRule></conditionalFormatting></worksheet>'
)


def full_scan(xml: bytes) -> dict:
    return package_scan.unusable_of(package_scan.CELL_RE.finditer(xml))


@pytest.mark.parametrize("xml", [
    SHEET_XML,
    SHEET_XML.replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>").replace(b"<f>", b"<x:f>"),
    SHEET_XML.replace(b"<f>NOW()</f>", b"<x:f>NOW()</x:f>"),
    SHEET_XML.replace(b"<sheetData>", b"<sheetData>" + b'<row r="9"><c r="A9"><v>1</v></c></row>' * 50),
], ids=["plain", "prefixed", "mixed", "long"])
def test_the_scan_around_formulas_finds_what_the_full_scan_finds(xml: bytes) -> None:
    found = package_scan.unusable_in(xml)
    assert found == full_scan(xml)
    assert list(found) == list(full_scan(xml))
    if b"<sheetData><row r=\"1\">" in xml:
        assert sorted(found) == [(0, 2), (0, 3), (1, 1), (1, 4), (1, 5), (1, 6)]


def test_tables_read_from_the_package_are_the_ones_calamine_reads(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Clients & Co"
    for r in range(3, 9):
        for c in range(2, 6):
            first.cell(r, c, f"h{c}" if r == 3 else r * c)
    first.add_table(Table(displayName="Second", ref="B3:E8"))
    other = wb.create_sheet("Users")
    for r in range(1, 5):
        for c in range(1, 4):
            other.cell(r, c, f"u{c}" if r == 1 else r)
            other.cell(r, c + 5, f"v{c}" if r == 1 else r)
    other.add_table(Table(displayName="Zeta", ref="A1:C4"))
    other.add_table(Table(displayName="Alpha", ref="F1:H4"))
    path = tmp_path / "tables.xlsx"
    wb.save(path)
    book = python_calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    try:
        expected = source_file.calamine_tables(book)
        names = list(book.table_names)
    finally:
        book.close()
    with zipfile.ZipFile(path) as package:
        got = package_scan.package_tables(package, package_scan.sheet_parts(package), names)
    assert got == expected
    assert [t.name for t in got["Users"]] == [t.name for t in expected["Users"]]
    assert got["Clients & Co"][0].header_row == 3 and got["Clients & Co"][0].first_col == 1
    with zipfile.ZipFile(path) as package:
        assert package_scan.package_tables(package, package_scan.sheet_parts(package), [*names, "Gone"]) is None
    assert {k: v.tables for k, v in source_file.read_raw(path).items() if v.tables} == expected


W_BODY = ('<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{}</w:body>')


def table(grid: list[int], rows: list[list[str]]) -> str:
    cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in grid)
    body = "".join("<w:tr>" + "".join(f"<w:tc>{cell}<w:p/></w:tc>" for cell in row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblGrid>{cols}</w:tblGrid>{body}</w:tbl>"


SPAN2 = '<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'
TABLES = {
    "fits": table([3000, 3000], [["", ""], ["", ""]]),
    "overfull row": table([3000, 3000], [["", ""], ["", "", ""]]),
    "grid too wide": table([2000, 2000, 2000], [["", ""]]),
    "span fills": table([2000, 2000, 2000], [[SPAN2, ""]]),
    "span short": table([2000, 2000, 2000, 2000], [[SPAN2, ""]]),
    "nested": table([3000, 3000], [["", table([1000], [["", ""]])]]),
    "no rows": table([3000], []),
    "odd span": table([2000, 2000, 2000], [['<w:tcPr><w:gridSpan w:val="2.0"/></w:tcPr>', ""]]),
    "two tables": table([3000], [[""]]) + table([1000, 1000], [[""]]),
}


@pytest.mark.parametrize("body", list(TABLES.values()), ids=list(TABLES))
def test_tables_fixed_as_docxtpl_fixes_them(body: str) -> None:
    from docxtpl import DocxTemplate
    from lxml import etree

    from mspxl.documents.prepared import _fix_tables

    xml = W_BODY.format(body)
    document = DocxTemplate.__new__(DocxTemplate)
    try:
        expected: object = etree.tostring(DocxTemplate.fix_tables(document, xml))
    except Exception as exc:  # noqa: BLE001 - the same failure is what is compared
        expected = type(exc)
    try:
        got: object = etree.tostring(_fix_tables(document, xml))
    except Exception as exc:  # noqa: BLE001
        got = type(exc)
    assert got == expected


@pytest.mark.parametrize("text", ["plain", "two\nlines", "a\ttab", "page\fbreak", "bell\a", "x"])
def test_listings_resolved_as_docxtpl_resolves_them(text: str) -> None:
    from docxtpl import DocxTemplate

    from mspxl.documents.prepared import _resolve_listing

    run = '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>'
    xml = ('<w:p><w:pPr><w:jc w:val="left"/></w:pPr>' + run.format(text) + "</w:p>"
           + "<w:p>" + run.format("other\nline") + run.format("same") + "</w:p><w:pPr/><w:p w:rsidR=\"1\">"
           + run.format(text + " again") + "</w:p>\n")
    document = DocxTemplate.__new__(DocxTemplate)
    assert _resolve_listing(document, xml) == DocxTemplate.resolve_listing(document, xml)
    assert _resolve_listing(document, xml.replace("\n", " ")) == DocxTemplate.resolve_listing(
        document, xml.replace("\n", " "))


def test_a_sheet_written_with_a_namespace_prefix_is_scanned_for_uncomputed_formulas(tmp_path: Path) -> None:
    """Some writers (the Open XML SDK among them) prefix every element (`<x:c>`, `<x:f>`): a formula without its
    computed value there is found like any other, even with no error cell on the sheet to draw the scan to it."""
    wb = openpyxl.Workbook()
    wb.active.title = "Users"
    wb.active["A1"], wb.active["B2"] = "Name", 3
    plain, prefixed = tmp_path / "plain.xlsx", tmp_path / "prefixed.xlsx"
    wb.save(plain)
    with zipfile.ZipFile(plain) as source:
        part = package_scan.sheet_parts(source)["Users"]
        xml = source.read(part)
        cell = b'<x:c r="C3"><x:f>SUM(B2:B2)</x:f></x:c>'
        xml = xml.replace(b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/'
                                        b'spreadsheetml/2006/main" ').replace(b"</sheetData>", b'<row r="3">' + cell
                                                                             + b"</row></sheetData>")
        assert b"<f" not in xml and b't="e"' not in xml
        with zipfile.ZipFile(prefixed, "w") as target:
            for info in source.infolist():
                target.writestr(info, xml if info.filename == part else source.read(info))
    with zipfile.ZipFile(prefixed) as package:
        found = package_scan.unusable_cells(package, package_scan.sheet_parts(package), {"Users"})
    assert list(found) == ["Users"] and list(found["Users"]) == [(2, 2)]
