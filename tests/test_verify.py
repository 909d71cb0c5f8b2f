"""`mspxl verify`: the register recomputed and cross-checked, each discrepancy named by its cell, exit 1.

The book is the one of test_credit_notes: November issues INV-000001 (C1, 866.00 on rows 2 of Invoices and 2-3 of
InvoiceLines), INV-000002 (C2, 200.00) and INV-000003 (C2 service, 180.00, billing WorkLog row 2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import typer
from test_credit_notes import TODAY, issued_book
from typer.testing import CliRunner

from mspxl.cli.book import verify
from mspxl.cli.credit import credit
from mspxl.commands import common
from mspxl.commands.credit import issue_credit
from mspxl.commands.verify import verify_file
from mspxl.problems import Severity
from mspxl.workbook.verify import verify_book

commands = typer.Typer()
commands.command("verify")(verify)
commands.command("credit")(credit)
runner = CliRunner()


def edit(book: Path, sheet: str, cell: str, value: object) -> None:
    wb = openpyxl.load_workbook(book)
    wb[sheet][cell] = value
    wb.save(book)


def errors_at(book: Path) -> dict[str, str]:
    return {p.place: p.render() for p in verify_file(book, TODAY) if p.severity is Severity.ERROR}


def test_a_register_written_by_mspxl_verifies(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    issue_credit(book, "INV-000001", TODAY, "Wrong count", amount=Decimal("108.25"), out=tmp_path / "d")
    assert verify_file(book, TODAY) == []
    result = runner.invoke(commands, ["verify", str(book)])
    assert result.exit_code == 0, result.output
    assert "the register verifies" in result.output


def test_a_hand_edited_total_is_caught_at_its_cell(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    edit(book, "Invoices", "J3", 210)  # INV-000002: 200.00 + 0.00 tax
    assert errors_at(book) == {
        "Invoices!J3": 'Invoices!J3 (Total): "210.00" does not equal Subtotal + Tax (200.00)'}
    result = runner.invoke(commands, ["verify", str(book)])
    assert result.exit_code == 1
    assert "Invoices!J3 (Total)" in result.output


def test_a_hand_edited_line_amount_is_caught_on_invoicelines(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    edit(book, "InvoiceLines", "G3", 310)  # INV-000001 line 2: 3 x 100.00
    found = errors_at(book)
    assert found["InvoiceLines!G3"] == ('InvoiceLines!G3 (Amount): "310.00" (line 2 of INV-000001) is not Quantity x '
                                        "Unit Price (300.00)")
    assert "Invoices!H2" in found  # the subtotal no longer re-adds either


def test_a_deleted_register_row_leaves_a_gap(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["Invoices"].delete_rows(3)  # INV-000002
    wb["InvoiceLines"].delete_rows(4)
    wb.save(book)
    found = errors_at(book)
    assert found == {"Invoices!A3": 'Invoices!A3 (Invoice Number): "INV-000003" follows a gap in the numbering: '
                                    "INV-000002 missing from the register"}


def test_a_duplicated_number_is_caught(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    edit(book, "Invoices", "A4", "INV-000002")
    found = errors_at(book)
    assert found["Invoices!A4"] == 'Invoices!A4 (Invoice Number): "INV-000002" is a duplicate (already on row 3)'
    assert "WorkLog!J2" in found  # W1 still names INV-000003, which is gone


def test_a_worklog_row_pointing_at_a_missing_invoice_is_caught_and_blocks_a_credit(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    edit(book, "WorkLog", "J2", "INV-000099")
    assert errors_at(book) == {
        "WorkLog!J2": 'WorkLog!J2 (Invoice Number): "INV-000099" is not on the Invoices sheet'}
    before = book.read_bytes()
    with pytest.raises(common.WorkbookHasErrors) as refused:
        issue_credit(book, "INV-000001", TODAY, "Wrong count", out=tmp_path / "d")
    # the refusal lists the workbook's warnings too, as every refusal does; the one error is the mark
    assert [p.message for p in refused.value.problems if p.severity.value == "error"] == [
        "is not on the Invoices sheet"]
    result = runner.invoke(commands, ["credit", str(book), "--invoice", "INV-000001", "--reason", "x"])
    assert result.exit_code == 1
    assert book.read_bytes() == before


def test_credit_notes_must_point_at_an_invoice_of_their_client(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    issue_credit(book, "INV-000002", date(2026, 12, 2), "Wrong count", out=tmp_path / "d")
    loaded, _ = common.load_checked(book, TODAY)
    assert verify_book(loaded) == []
    edit(book, "Invoices", "M5", "INV-000001")  # a C2 credit note naming C1's invoice
    assert errors_at(book) == {
        "Invoices!M5": 'Invoices!M5 (Related Invoice): "INV-000001" is not an invoice of C2'}
    edit(book, "Invoices", "M5", None)
    assert list(errors_at(book)) == ["Invoices!M5"]
