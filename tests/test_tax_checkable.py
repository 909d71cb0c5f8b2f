"""The tax a client can check: taxable lines marked T, the base printed ("Sales tax 8.7% on $207.00"), and Settings
Tax Rounding `invoice` (one rounding of the sum) or `line` (each taxable line's tax rounded, then added).

C1, tax 8.7%: HELP 9 users x 120.00 = 1,080.00 (untaxed); FW 103.50 and BKP 103.50, taxable: 207.00.
Subtotal 1,287.00. invoice: 207.00 x 0.087 = 18.009 -> 18.01, total 1,305.01.
line: 103.50 x 0.087 = 9.0045 -> 9.00, twice: 18.00, total 1,305.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from bookdata import book_of, client, load
from scenario import managed, run_periods
from test_documents import document_text, line_rows

from mspxl.documents import InvoiceRenderer, default_template_dir
from mspxl.workbook.verify import verify_book

D = Decimal
START = date(2026, 1, 1)
SERVICES = [
    {"Service Code": "HELP", "Name": "Helpdesk", "Model": "per_user", "Unit Price": 120, "Taxable": "N"},
    {"Service Code": "FW", "Name": "Firewall appliance rental", "Model": "flat", "Unit Price": "103.50"},
    {"Service Code": "BKP", "Name": "Backup appliance rental", "Model": "flat", "Unit Price": "103.50"},
]


def sheets() -> dict[str, list[dict[str, object]]]:
    return {
        "Services": SERVICES,
        "Clients": [client(**{"Tax Rate": "8.7%"})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": c, "Start Date": START} for c in ("HELP", "FW", "BKP")],
        "Users": [{"Client ID": "C1", "User Name": f"u{i}", "Added On": START} for i in range(9)],
    }


@pytest.mark.parametrize(("rounding", "tax", "total"), [
    (None, "18.01", "1305.01"), ("invoice", "18.01", "1305.01"), ("Line", "18.00", "1305.00")])
def test_tax_rounding_per_invoice_or_per_line(rounding: str | None, tax: str, total: str, tmp_path: Path) -> None:
    book = book_of(sheets(), {"Tax Rounding": rounding} if rounding else None)
    book, issued = run_periods(book, "2026-11")
    inv = managed(issued["2026-11"])
    assert (inv.subtotal, inv.tax, inv.total) == (D("1287.00"), D(tax), D(total))
    assert verify_book(book) == []  # either rounding re-adds

    path = InvoiceRenderer(default_template_dir()).render(inv, book.client("C1"), book.settings, tmp_path)
    text = document_text(path)
    assert f"Subtotal\n$1,287.00\nSales tax 8.7% on $207.00\n${tax}\nTotal\n${total[0]},{total[1:]}" in text
    assert "T: a taxable line; sales tax of 8.7% is charged on these lines." in text
    assert [(row[0].split(",")[0], row[4], row[5]) for row in line_rows(path)] == [
        ("Helpdesk", "$1,080.00", ""), ("Firewall appliance rental", "$103.50", "T"),
        ("Backup appliance rental", "$103.50", "T")]


def test_an_unknown_tax_rounding_is_an_error_at_its_cell() -> None:
    problems = [p.render() for p in load(sheets(), {"Tax Rounding": "per line"}).problems]
    assert any(p.startswith("Settings!B2") and "is not invoice or line" in p for p in problems), problems
