"""`mspxl reconcile` on a workbook file: the Reconcile and Proposed Changes sheets, a Runs row, re-runs that replace
their own rows, and bad input that writes nothing."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
from bookdata import write_book
from test_reconcile_scenarios import M365, MS_HEADERS, ms_row, services
from typer.testing import CliRunner

from mspxl.cli import cli

START = date(2026, 1, 1)


def book_file(tmp_path: Path, vendor_map: list[dict[str, object]] | None = None) -> Path:
    users = [{"Client ID": "C1", "User Name": f"User {i}", "Added On": START} for i in range(10)]
    return write_book(tmp_path / "Book.xlsx", {
        "Services": services(), "Clients": [{"Client ID": "C1", "Name": "Acme Dental", "Email": "a@example.com",
                                             "Start Date": START}],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "M365", "Start Date": START}], "Users": users,
        "VendorMap": vendor_map if vendor_map is not None else [{"Vendor Item": M365, "Service Code": "M365"}],
    })


def vendor_csv(tmp_path: Path, *rows: list[object]) -> Path:
    path = tmp_path / "recon.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(MS_HEADERS)
        writer.writerows(rows)
    return path


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def sheet(path: Path, name: str) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path)[name]
    return [row for row in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in row)]


def test_findings_money_at_stake_proposals_and_a_runs_row(tmp_path: Path) -> None:
    book = book_file(tmp_path)
    vendor = vendor_csv(tmp_path, ms_row("Acme Dental", M365, "cycleCharge", 12),
                        ms_row("Zenith Labs", M365, "cycleCharge", 2))
    result = run("reconcile", book, "--period", "2026-12", "--vendor-file", vendor, "--propose")
    assert result.exit_code == 0, result.output
    assert "2026-12 microsoft (recon.csv): 1 under-billed, 1 unmapped; 0 matched. Money at stake a month: $44.00 " \
           "to bill (under-billed $44.00, new revenue $0.00)" in result.output
    assert "unmapped vendor cost $25.00." in result.output
    rows = sheet(book, "Reconcile")
    assert [r[:11] for r in rows] == [
        ("C1", "M365", "2026-12", 10, 12, 2, 22, 44, 12.5, 25, "under-billed"),
        (None, None, "2026-12", 0, 2, 2, None, None, 12.5, 25, "unmapped"),
    ]
    assert rows[1][12:16] == ("Zenith Labs", M365, "recon.csv", "3")
    assert sheet(book, "Proposed Changes") == [
        ("C1", "M365", "add users", 10, 12, datetime(2027, 1, 1), 22, 44, "under-billed", 2,
         "2026-12", "microsoft")]
    runs = sheet(book, "Runs")
    assert [(r[2], r[8]) for r in runs] == [("reconcile", "under-billed 1, unmapped 1")]
    # the same file again: its rows are replaced, not added; a Runs row each time
    assert run("reconcile", book, "--period", "2026-12", "--vendor-file", vendor).exit_code == 0
    assert len(sheet(book, "Reconcile")) == 2 and len(sheet(book, "Proposed Changes")) == 1
    assert len(sheet(book, "Runs")) == 2


def test_a_bad_vendor_file_writes_nothing_and_names_each_row(tmp_path: Path) -> None:
    book = book_file(tmp_path)
    before = book.read_bytes()
    vendor = vendor_csv(tmp_path, ms_row("Acme Dental", M365, "cycleCharge", "twelve"),
                        ms_row("Acme Dental", M365, "cycleCharge", 3, start="13/1/2026"))
    result = run("reconcile", book, "--period", "2026-12", "--vendor-file", vendor)
    assert result.exit_code == 1
    assert 'recon.csv row 2 (BillableQuantity): "twelve" is not a number' in result.output
    assert 'recon.csv row 3 (ChargeStartDate): "13/1/2026" is not a date' in result.output
    assert "recon.csv has 2 problem(s); nothing was written." in result.output
    assert book.read_bytes() == before
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Name,Seats\nAcme,3\n", encoding="utf-8")
    result = run("reconcile", book, "--period", "2026-12", "--vendor-file", wrong, "--format", "pax8")
    assert result.exit_code == 1 and "wrong.csv row 1 (the headings): no Company Name or SKU" in result.output
    result = run("reconcile", book, "--period", "2026-12", "--vendor-file", wrong, "--format", "ingram")
    assert result.exit_code == 2 and '"ingram" is not a vendor format' in result.output
    assert book.read_bytes() == before


def test_a_vendor_map_row_naming_an_unknown_client_is_an_error_with_its_cell(tmp_path: Path) -> None:
    book = book_file(tmp_path, [{"Vendor Customer": "Zenith Labs", "Client ID": "C9"},
                                {"Vendor Item": M365}])
    before = book.read_bytes()
    result = run("reconcile", book, "--period", "2026-12", "--vendor-file",
                 vendor_csv(tmp_path, ms_row("Acme Dental", M365, "cycleCharge", 12)))
    assert result.exit_code == 1
    assert 'VendorMap!C2 (Client ID): "C9" is not a Client ID of the Clients sheet' in result.output
    assert "VendorMap!E3 (Service Code): is blank: a VendorMap row maps a Vendor Item to a Service Code" in \
        result.output
    assert book.read_bytes() == before
