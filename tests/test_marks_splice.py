"""Marks written into a sheet's XML text are the marks the parsed-tree path writes: same cells, styles, header added,
formula cleared, dimension; every row the marks do not change is the stored bytes."""

from __future__ import annotations

import re
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from mspxl.writers import update
from mspxl.writers.changes import CellMark, WorkbookChanges
from mspxl.writers.package import Package
from mspxl.writers.update import prepared_package

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from make_book import make_book  # noqa: E402

FMT = '"$"#,##0.00;-"$"#,##0.00'


def _book(path: Path) -> Path:
    """A WorkLog whose keys are text, numbers and text with markup characters, a Notes formula on one row, an
    Amount in another column, no Invoice Number column yet; a Usage sheet marked by row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "WorkLog"
    ws.append(["Entry ID", "Client ID", "Notes", "Amount"])
    ws.append(["W1", "C1", "=1+1", 5])
    ws.append([2, "C1", None, 6])
    ws.append(["W<&>3", "C2", "plain", None])
    ws.append(["W4", "C2"])
    ws["C2"].style = "Good"
    usage = wb.create_sheet("Usage")
    usage.append(["Client ID", "Quantity", "Invoice Number"])
    usage.append(["C1", 10])
    usage.append(["C2", 11, "OLD"])
    wb.save(path)
    # the rows as Excel writes them: a `spans` hint on each row, an empty row closed on itself
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<row r="(\d+)"', r'<row r="\1" spans="1:4"', sheet)
    sheet = sheet.replace("</sheetData>", '<row r="9" spans="1:4"/></sheetData>')
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def _changes() -> WorkbookChanges:
    changes = WorkbookChanges()
    for key, header, value, kind in (("W1", "Invoice Number", "INV-1", "text"),
                                     ("2", "Invoice Number", "INV-2", "text"),
                                     ("W<&>3", "Invoice Number", " two  spaces ", "text"),
                                     ("W1", "Notes", "billed", "text"), ("2", "Amount", Decimal("7.50"), "money"),
                                     ("W4", "Client ID", date(2026, 11, 5), "date"), ("W4", "Amount", None, "money")):
        changes.marks.append(CellMark("WorkLog", "Entry ID", key, header, value, kind))
    changes.row_marks += [("Usage", 2, "Invoice Number", "INV-1"), ("Usage", 3, "Invoice Number", "INV-2")]
    return changes


def _parts(package: Package) -> dict[str, bytes]:
    target = package.path.with_name(package.path.stem + "-out.xlsx")
    package.save(target)
    with zipfile.ZipFile(target) as saved:
        return {info.filename: saved.read(info) for info in saved.infolist()}


def _both(path: Path, changes: WorkbookChanges, monkeypatch: pytest.MonkeyPatch
          ) -> tuple[Package, dict[str, bytes], dict[str, bytes]]:
    spliced = prepared_package(path, changes, FMT)
    with monkeypatch.context() as patched:
        patched.setattr(update, "_splice_marks", lambda *args: False)
        tree = prepared_package(path, changes, FMT)
    return spliced, _parts(spliced), _parts(tree)


def _canonical(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data, etree.XMLParser(huge_tree=True)), method="c14n")


def test_spliced_marks_are_the_marks_the_tree_path_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package, spliced, tree = _both(_book(tmp_path / "book.xlsx"), _changes(), monkeypatch)
    assert set(package.spliced) == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
    assert spliced.keys() == tree.keys()
    for name in spliced:
        if name.endswith((".xml", ".rels")):
            assert _canonical(spliced[name]) == _canonical(tree[name]), name
        else:
            assert spliced[name] == tree[name], name
    sheet = spliced["xl/worksheets/sheet1.xml"].decode()
    assert '<c r="E1" t="inlineStr"><is><t>Invoice Number</t></is></c>' in sheet  # the header added
    assert '<t xml:space="preserve"> two  spaces </t>' in sheet and "<f>" not in sheet  # the formula cleared
    assert 'spans=' in sheet and '<dimension ref="A1:E9"/>' in sheet


def test_rows_the_marks_do_not_change_are_the_stored_bytes(tmp_path: Path) -> None:
    path = make_book(6, tmp_path / "book.xlsx")
    package = Package(path)
    worklog = package.sheet_names()["WorkLog"]
    source = package.read(worklog)
    rows = re.findall(rb'<row r="(\d+)".*?</row>', source)
    marked = {int(rows[3]), int(rows[7])}
    keys = {}
    for row in re.finditer(rb'<row r="(\d+)".*?</row>', source):
        if int(row.group(1)) in marked:
            keys[int(row.group(1))] = re.search(rb'<c r="A\d+"[^>]*><is><t>([^<]*)</t>', row.group(0)).group(1)
    changes = WorkbookChanges(marks=[CellMark("WorkLog", "Entry ID", key.decode(), "Invoice Number", "INV-9")
                                     for key in keys.values()])
    written = prepared_package(path, changes, FMT).spliced[worklog]
    for row in re.finditer(rb'<row r="(\d+)".*?</row>', source):
        assert (row.group(0) in written) is (int(row.group(1)) not in marked)
    assert written.count(b"INV-9") == 2


def test_a_sheet_with_a_prefixed_namespace_is_edited_as_a_tree(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx")
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = parts["xl/worksheets/sheet2.xml"].replace(b'xmlns="' + main + b'"', b'xmlns:x="' + main + b'"')
    parts["xl/worksheets/sheet2.xml"] = re.sub(rb"<(/?)(?!\?)([a-zA-Z])", rb"<\1x:\2", sheet)
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    package = prepared_package(path, _changes(), FMT)
    assert set(package.spliced) == {"xl/worksheets/sheet1.xml"} and "Usage" in package.sheets
    assert b"INV-2" in _parts(package)["xl/worksheets/sheet2.xml"]


def test_an_unknown_key_is_refused_as_before(tmp_path: Path) -> None:
    changes = WorkbookChanges(marks=[CellMark("WorkLog", "Entry ID", "nope", "Invoice Number", "INV-1")])
    with pytest.raises(KeyError):
        prepared_package(_book(tmp_path / "book.xlsx"), changes, FMT)
