"""Charges end to end on a workbook file: `invoice` marks the Charges rows through the package writer, the project
invoice's document shows Labor and Materials with their subtotals and the project's total to date, `check` cites
bad Charges cells and `verify` checks the marks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from bookdata import client, write_book
from test_documents import document_text
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.commands.verify import verify_file
from mspxl.problems import Severity

runner = CliRunner()
TODAY = date(2026, 12, 20)


def sheets() -> dict[str, list[dict[str, object]]]:
    return {
        "Clients": [client("C1", Name="Harbor View Hotel", **{"Tax Rate": "0.08", "Hourly Rate": 130})],
        "Projects": [{"Project ID": "P1", "Client ID": "C1", "Name": "Network refresh"}],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 11, 12), "Hours": "6.5",
                     "Description": "Switch install", "Project ID": "P1"}],
        "Charges": [{"Charge ID": "CH1", "Client ID": "C1", "Date": date(2026, 11, 12),
                     "Description": "Switch, 24-port", "Quantity": 2, "Unit Price": "389.00", "Project ID": "P1"},
                    {"Charge ID": "CH2", "Client ID": "C1", "Date": date(2026, 12, 2),
                     "Description": "Onboarding fee", "Quantity": 1, "Unit Price": 250}],
    }


def test_invoice_marks_charges_and_the_project_document_shows_labor_and_materials(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    result = runner.invoke(cli, ["invoice", str(book), "--period", "2026-12", "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "issued 1 invoice(s) (1 project), total billed $1,685.24" in result.output
    ws = openpyxl.load_workbook(book)["Charges"]
    marks = {row[0].value: row[8].value for row in ws.iter_rows(min_row=2)}
    assert marks == {"CH1": "INV-000001", "CH2": None}  # December's fee waits for the January run
    text = document_text(tmp_path / "d" / "INV-000001 Harbor View Hotel.docx")
    for expected in ("Labor", "November 12, 2026 Switch install", "Labor subtotal", "$845.00",
                     "Materials", "November 12, 2026 Switch, 24-port", "$389.00", "Materials subtotal", "$778.00",
                     "$62.24", "$1,685.24", "Project total to date"):
        assert expected in text, expected
    assert verify_file(book, TODAY) == []
    before = book.read_bytes()
    again = runner.invoke(cli, ["invoice", str(book), "--period", "2026-12", "--out", str(tmp_path / "d")])
    assert again.exit_code == 0, again.output
    assert book.read_bytes() == before  # nothing billed twice


def test_verify_and_check_cite_charges_cells(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    runner.invoke(cli, ["invoice", str(book), "--period", "2026-12", "--out", str(tmp_path / "d")])
    wb = openpyxl.load_workbook(book)
    wb["Charges"]["I2"] = "INV-000042"
    wb.save(book)
    problems = [p.render() for p in verify_file(book, TODAY) if p.severity is Severity.ERROR]
    assert problems == ['Charges!I2 (Invoice Number): "INV-000042" is not on the Invoices sheet']
    assert runner.invoke(cli, ["verify", str(book)]).exit_code == 1
    wb["Charges"]["E3"] = "two"
    wb.save(book)
    result = runner.invoke(cli, ["check", str(book)])
    assert result.exit_code == 1
    assert "Charges!E3 (Quantity)" in result.output
