"""Prepaid blocks through the command line on a workbook file: the purchase marked on the Blocks sheet by the package
writer, the register verifying, expired hours reported by the run."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
from bookdata import client, write_book
from typer.testing import CliRunner

from mspxl.cli import cli

runner = CliRunner()


def test_invoice_marks_the_block_bought_and_reports_expired_hours(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client(**{"Hourly Rate": 150})],
        "Blocks": [{"Block ID": "B1", "Client ID": "C1", "Hours": 10, "Price": 1200, "Purchased On": date(2026, 10, 1)},
                   {"Block ID": "OLD", "Client ID": "C1", "Hours": 5, "Price": 450, "Purchased On": date(2026, 9, 1),
                    "Expires On": date(2026, 9, 30)}],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 10, 10), "Hours": "3.5",
                     "Description": "Printer"}],
    })
    result = runner.invoke(cli, ["invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "docs"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["total"] == "1650.00"  # both blocks bought (1,200.00 + 450.00); the 3.5 h from B1 at 0.00
    assert report["notes"] == ["C1 Client C1: prepaid block OLD expired on 2026-09-30 with 5 h unused (not billed)"]
    sheet = openpyxl.load_workbook(book)["Blocks"]
    headers = [c.value for c in sheet[1]]
    marks = {row[0]: row[headers.index("Invoice Number")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert marks == {"B1": "INV-000001", "OLD": "INV-000001"}
    verify = runner.invoke(cli, ["verify", str(book)])
    assert verify.exit_code == 0, verify.output
    again = runner.invoke(cli, ["invoice", str(book), "--period", "2026-12", "--out", str(tmp_path / "docs")])
    assert again.exit_code == 0, again.output
    assert "prepaid block OLD expired on 2026-09-30 with 5 h unused (not billed)" in again.output
