"""The worksheet functions on a sample workbook: as plain functions of the records, and as Excel calls them
(through the xlwings stand-in) before and after Generate Invoices."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from bookdata import book_of
from xlbooks import TODAY, in_cell, sheets, twin

from mspxl.xl import buttons, udfs

PAYMENT = {"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 12, 1), "Amount": "324.75"}


def test_billed_users_counts_at_the_cutoff() -> None:
    data = sheets()
    data["Users"].append({"Client ID": "C1", "User Name": "late", "Added On": date(2026, 11, 10)})
    book = book_of(data)
    assert udfs.billed_users(book, "C1", "2026-11") == 3  # added after the 5 November cutoff
    assert udfs.billed_users(book, "C1", "2026-12") == 4


def test_invoice_total_sums_the_periods_invoices() -> None:
    book = book_of(sheets())
    assert udfs.invoice_total(book, "C1", "2026-11") == Decimal("324.75")  # 3 x 100.00 + 8.25% tax
    assert udfs.invoice_total(book, "C2", "2026-11") == Decimal("480.00")  # 300.00 + 1.5 h x 120.00


def test_preview_lists_the_lines() -> None:
    rows = udfs.preview(book_of(sheets()), "C2", "2026-11")
    assert rows == [
        ["Invoice Number", "Type", "Description", "Quantity", "Unit Price", "Amount"],
        ["INV-000002", "managed", "Standard per-user package, Nov 2026", Decimal(3), Decimal(100), Decimal(300)],
        ["INV-000003", "service", "2026-10-03 New user setup", Decimal("1.5"), Decimal(120), Decimal("180.00")],
    ]


def test_functions_in_excel_answer_the_same_before_and_after_invoicing(engine: object, tmp_path: Path) -> None:
    data = sheets()
    data["Payments"] = [PAYMENT]
    _, xl = twin(tmp_path, engine, data)
    before = in_cell(xl, "Z1", "MSPXL_INVOICE_TOTAL", "C2", "2026-11")
    assert before == 480.0
    assert in_cell(xl, "Z1", "MSPXL_BILLED_USERS", "C1", datetime(2026, 11, 1)) == 3  # Excel made 2026-11 a date
    buttons.generate_invoices(xl, today=TODAY)
    udfs._cache.clear()
    assert in_cell(xl, "Z1", "MSPXL_INVOICE_TOTAL", "C2", "2026-11") == before
    assert in_cell(xl, "Z1", "MSPXL_PREVIEW", "C1", "2026-11") == [
        ["Invoice Number", "Type", "Description", "Quantity", "Unit Price", "Amount"],
        ["INV-000001", "managed", "Standard per-user package, Nov 2026", 3.0, 100.0, 300.0]]
    assert in_cell(xl, "Z1", "MSPXL_BALANCE", "C1", datetime(2026, 11, 4)) == 0.0
    assert in_cell(xl, "Z1", "MSPXL_BALANCE", "C1", "2026-11-05") == 324.75
    assert in_cell(xl, "Z1", "MSPXL_BALANCE", "C1", 46357.0) == 0.0  # =DATE(2026,12,1): paid on the due date
    assert in_cell(xl, "Z1", "MSPXL_STATE", "C1", datetime(2026, 12, 10)) == "current"
    assert in_cell(xl, "Z1", "MSPXL_STATE", "C2", datetime(2026, 12, 1)) == "current"  # due today
    assert in_cell(xl, "Z1", "MSPXL_STATE", "C2", datetime(2026, 12, 2)) == "past_due"  # pays by hand, has not paid
    xl.sheets["Clients"].range("Y1").value = [["C1", datetime(2026, 11, 5)]]  # arguments from cells
    assert in_cell(xl, "Z1", "MSPXL_BALANCE", xl.sheets["Clients"].range("Y1"),
                   xl.sheets["Clients"].range("Z1")) == 324.75


def test_a_question_without_an_answer_says_why(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine)
    assert in_cell(xl, "Z1", "MSPXL_BALANCE", "C9", "2026-11-05") == '#mspxl: unknown client "C9"'
    assert in_cell(xl, "Z1", "MSPXL_INVOICE_TOTAL", "C1", "Nov") == (
        '#mspxl: "Nov" is not a period (expected YYYY-MM, e.g. 2026-11)')
    assert in_cell(xl, "Z1", "MSPXL_STATE", "C1", "soon").startswith('#mspxl: "soon" is not a date')
    assert in_cell(xl, "Z1", "MSPXL_BILLED_USERS", "C2", "2025-01") == "#mspxl: no managed invoice for C2 in 2025-01"
    xl.sheets["Users"].range("D2").value = "31/02/2026"
    udfs._cache.clear()
    assert in_cell(xl, "Z1", "MSPXL_BALANCE", "C1", "2026-11-05") == (
        "#mspxl: the workbook has errors: press Check Workbook")


def test_every_function_is_declared_to_excel_as_xlwings_reads_it(engine: object) -> None:
    """xlwings' `xlfunc` turns each annotation into a converter; each must be one xlwings can read with."""
    from xlfake import WINDOWS

    for name in ("MSPXL_BILLED_USERS", "MSPXL_INVOICE_TOTAL", "MSPXL_BALANCE", "MSPXL_STATE", "MSPXL_PREVIEW"):
        info = WINDOWS.udfs.xlfunc(getattr(udfs, name)).__xlfunc__
        for arg in info["args"] + [info["ret"]]:
            WINDOWS.udfs.conversion.read(None, "C1", arg["options"])


def test_values_reaching_excel_are_not_decimals() -> None:
    assert udfs.excel_value(Decimal("324.75")) == 324.75
    assert udfs.excel_value(date(2026, 11, 5)) == datetime(2026, 11, 5)
