"""The package writer on workbooks as accountants and other programs leave them: a register widened with the
accountant's own column, a table or defined name already called Invoices or Aging, a sheet-level AutoFilter on a
register sheet, sheets written with a namespace prefix (`<x:row>`), dates stored as ISO text (`t="d"`), Strict Open
XML, formulas with their saved values; and whatever cannot be written is found before any document is written."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from corpus.make import PERIOD, good_book, patch_cell_xml, sheet_part
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableColumn
from package_check import package_faults
from test_ach_support import pending_payments, return_file  # noqa: F401
from test_returns_month import book_for_month
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.commands import collect, invoice
from mspxl.commands.ach import write_ach
from mspxl.commands.returns import import_returns
from mspxl.commands.send import send_invoices
from mspxl.schema import INVOICES_COLUMNS
from mspxl.workbook.load import load_file
from mspxl.writers import update

pytestmark = pytest.mark.usefixtures("no_pdf_converter")  # the .docx is attached: no LibreOffice run

TODAY = date(2026, 12, 20)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
runner = CliRunner()


def rewrite(book: Path, change: Callable[[str, bytes], bytes]) -> None:
    """Every part of the package through `change(name, data)`."""
    with zipfile.ZipFile(book) as package:
        parts = {name: change(name, package.read(name)) for name in package.namelist()}
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def part_xml(book: Path, part: str) -> str:
    with zipfile.ZipFile(book) as package:
        return package.read(part).decode()


def tables(book: Path, sheet: str) -> dict[str, tuple[str, list[str]]]:
    ws = openpyxl.load_workbook(book)[sheet]
    return {t.displayName: (t.ref, [c.name for c in t.tableColumns]) for t in ws.tables.values()}


def test_the_accountant_s_own_register_column_stays_in_the_table_as_it_grows(tmp_path: Path) -> None:
    book = good_book(tmp_path)
    invoice.invoice(book, PERIOD, TODAY, tmp_path / "docs")
    wb = openpyxl.load_workbook(book)
    ws = wb["Invoices"]
    ws["P1"], ws["P2"] = "Notes", "call before billing"
    table = ws.tables["Invoices"]
    table.ref = table.autoFilter.ref = f"A1:P{ws.max_row}"
    table.tableColumns.append(TableColumn(id=16, name="Notes"))
    wb.save(book)
    invoice.invoice(book, "2026-12", TODAY, tmp_path / "docs")
    ws = openpyxl.load_workbook(book)["Invoices"]
    assert ws.max_row > 4 and ws["P1"].value == "Notes" and ws["P2"].value == "call before billing"
    assert tables(book, "Invoices") == {"Invoices": (f"A1:P{ws.max_row}", [h for h, _ in INVOICES_COLUMNS] + ["Notes"])}
    assert package_faults(book) == []


def test_a_table_or_defined_name_already_called_invoices_or_aging_leaves_the_register_a_free_name(
        tmp_path: Path) -> None:
    book = good_book(tmp_path)
    wb = openpyxl.load_workbook(book)
    wb.defined_names["Invoices"] = DefinedName("Invoices", attr_text="Clients!$A$1:$A$3")
    mine = wb.create_sheet("Mine")
    mine.append(["Client", "Note"])
    mine.append(["C1", "prefers email"])
    mine.add_table(Table(displayName="aging", ref="A1:B2"))
    wb.save(book)
    invoice.invoice(book, PERIOD, TODAY, tmp_path / "docs")
    collect.collect(book, TODAY, TODAY, tmp_path / "docs")
    invoice.invoice(book, "2026-12", TODAY, tmp_path / "docs")  # the register's table found again and grown
    assert package_faults(book) == []
    last = openpyxl.load_workbook(book)["Invoices"].max_row
    assert {n: ref for n, (ref, _) in tables(book, "Invoices").items()} == {"Invoices_2": f"A1:O{last}"}
    assert list(tables(book, "Aging")) == ["Aging_2"] and list(tables(book, "Mine")) == ["aging"]
    result = runner.invoke(cli, ["check", str(book)])
    assert result.exit_code == 0, result.output


def test_a_sheet_filter_on_a_register_sheet_moves_into_its_new_table(tmp_path: Path) -> None:
    book = good_book(tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("Invoices")
    ws.append([h for h, _ in INVOICES_COLUMNS])
    ws.auto_filter.ref = "A1:O1"
    ws.auto_filter.add_filter_column(3, ["managed"])
    wb.save(book)
    part = sheet_part(book, "Invoices")
    assert "<autoFilter" in part_xml(book, part)
    invoice.invoice(book, PERIOD, TODAY, tmp_path / "docs")
    assert "autoFilter" not in part_xml(book, part)
    assert "_FilterDatabase" not in part_xml(book, "xl/workbook.xml")
    [table] = openpyxl.load_workbook(book)["Invoices"].tables.values()
    assert table.autoFilter.ref == table.ref and [c.colId for c in table.autoFilter.filterColumn] == [3]
    assert package_faults(book) == []


def prefixed(name: str, data: bytes) -> bytes:
    """A worksheet written with its SpreadsheetML namespace bound to the prefix x (as some programs write it)."""
    if not name.startswith("xl/worksheets/sheet"):
        return data
    text = data.decode().replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"')
    return re.sub(r"<(/?)([A-Za-z]+)([\s>/])", r"<\1x:\2\3", text).encode()


@pytest.mark.usefixtures("pending_payments")
def test_rows_written_into_prefixed_sheets_are_seen_by_every_reader(tmp_path: Path) -> None:
    book = book_for_month(tmp_path)
    invoice.invoice(book, "2026-11", TODAY, tmp_path / "docs")
    rewrite(book, prefixed)
    assert "<x:row" in part_xml(book, sheet_part(book, "Payments"))
    run = write_ach(book, date(2026, 12, 1), TODAY, tmp_path / "docs", datetime(2026, 11, 30, 16, 0))
    invoice.invoice(book, "2026-12", TODAY, tmp_path / "docs")
    loaded = load_file(book, TODAY).book
    assert loaded is not None
    pending = [p.id for p in loaded.payments if p.status == "pending"]
    assert pending == [d.payment_id for d in run.debits] and len(pending) == 3
    assert {i.period for i in loaded.invoices} == {"2026-11", "2026-12"}
    wb = openpyxl.load_workbook(book)
    assert [r[0] for r in wb["Payments"].iter_rows(min_row=2, values_only=True)][-3:] == pending
    assert wb["Invoices"].max_row == len(loaded.invoices) + 1
    assert package_faults(book) == []


def test_dates_stored_as_iso_text_are_read_and_left_as_they_are(tmp_path: Path) -> None:
    book = good_book(tmp_path)
    part = sheet_part(book, "WorkLog")
    iso = '<c r="C2" t="d"><v>2026-10-20T00:00:00</v></c>'
    patch_cell_xml(book, part, "C2", iso)
    assert runner.invoke(cli, ["check", str(book)]).exit_code == 0
    run = invoice.invoice(book, PERIOD, TODAY, tmp_path / "docs")
    assert any(inv.work_entry_ids == ("W1",) for inv in run.issued)
    assert iso in part_xml(book, part)
    ws = openpyxl.load_workbook(book)["WorkLog"]
    assert ws["J2"].value == next(inv.number for inv in run.issued if inv.work_entry_ids)


def strict(name: str, data: bytes) -> bytes:
    """The package as Excel writes a Strict Open XML Spreadsheet: the ISO namespaces instead of the transitional."""
    return (data.replace(MAIN.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main")
            .replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                     b"http://purl.oclc.org/ooxml/officeDocument/relationships"))


def test_strict_open_xml_is_refused_at_check_with_a_sentence(tmp_path: Path) -> None:
    book = good_book(tmp_path)
    rewrite(book, strict)
    before = book.read_bytes()
    for command in (["check", str(book)], ["invoice", str(book), "--period", PERIOD, "--out", str(tmp_path / "d")]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1
        assert ("book.xlsx is saved as a Strict Open XML Spreadsheet, which mspxl cannot update: in Excel choose "
                "File > Save As, pick the type Excel Workbook (*.xlsx), and run again") in " ".join(
                    result.output.split())
    assert book.read_bytes() == before and not (tmp_path / "d").exists()


@pytest.mark.usefixtures("pending_payments")
def test_what_cannot_be_written_is_found_before_any_document_is_written(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    book = book_for_month(tmp_path)
    docs = tmp_path / "docs"
    invoice.invoice(book, "2026-11", TODAY, docs)
    before, files = book.read_bytes(), sorted(docs.iterdir())

    def refuse(*args: object) -> None:
        raise RuntimeError("this workbook cannot take the change")

    monkeypatch.setattr(update, "apply_changes", refuse)
    for attempt in (lambda: invoice.invoice(book, "2026-12", TODAY, docs),
                    lambda: collect.collect(book, TODAY, TODAY, docs),
                    lambda: write_ach(book, date(2026, 12, 1), TODAY, docs, datetime(2026, 11, 30, 16, 0)),
                    lambda: send_invoices(book, "2026-11", datetime(2026, 12, 1, 9, 0), None, False, docs)):
        with pytest.raises(RuntimeError):
            attempt()
        assert book.read_bytes() == before
        assert sorted(docs.iterdir()) == files  # no invoice, notice, ACH file or message written


@pytest.mark.usefixtures("pending_payments")
def test_formulas_keep_their_saved_values_through_ach_returns_and_send(tmp_path: Path) -> None:
    book = book_for_month(tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["Clients"]["Z2"] = "placeholder"
    wb.save(book)
    formula = '<c r="Z2"><f>1+1</f><v>2</v></c>'
    patch_cell_xml(book, sheet_part(book, "Clients"), "Z2", formula)
    docs = tmp_path / "docs"
    invoice.invoice(book, "2026-11", TODAY, docs)
    run = write_ach(book, date(2026, 12, 1), TODAY, docs, datetime(2026, 11, 30, 16, 0))
    returned = tmp_path / "returns.txt"
    returned.write_text(return_file([(run.debits[0].trace_number, "R01", "125000024", 50000, "CLIENT C1")]))
    import_returns(book, returned, TODAY, cleared_through=date(2026, 12, 1))
    send_invoices(book, "2026-11", datetime(2026, 12, 1, 9, 0), None, False, docs)
    assert formula in part_xml(book, sheet_part(book, "Clients"))
    assert invoice.invoice(book, "2026-12", TODAY, docs).issued  # the next month is billed
