"""A client's balance as of date D = invoices issued on or before D - cleared payments dated on or before D -
credit notes; a statement of account lists what moved it between two dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mspxl.collections import client_balance, statement_lines
from mspxl.records import Invoice, Payment

D = Decimal


def invoice(
    number: str, client: str, issued: date, total: str, kind: str = "managed", related: str = ""
) -> Invoice:
    return Invoice(
        number,
        client,
        client,
        kind,
        issued.strftime("%Y-%m"),
        issued,
        date(2026, 12, 1),
        D(total),
        D("0.00"),
        D(total),
        related_invoice=related,
    )


INVOICES = [
    invoice("INV-000001", "C1", date(2026, 10, 5), "1000.00"),
    invoice("INV-000002", "C2", date(2026, 10, 5), "999.99"),
    invoice("INV-000003", "C1", date(2026, 11, 1), "150.00", kind="fee", related="P-001"),
    invoice("CN-000001", "C1", date(2026, 11, 20), "-100.00", kind="credit", related="INV-000001"),
    invoice("INV-000004", "C1", date(2026, 12, 5), "1000.00"),
]
PAYMENTS = [
    Payment("P-001", "C1", date(2026, 11, 1), D("1000.00"), status="returned", return_code="R01"),
    Payment("P-002", "C1", date(2026, 11, 8), D("1150.00")),
    Payment("P-003", "C2", date(2026, 11, 8), D("999.99")),
    Payment("P-004", "C1", date(2026, 12, 20), D("500.00"), method="check", invoice_number="INV-000004"),
]


def test_client_balance_by_the_formula() -> None:
    assert client_balance("C1", INVOICES, PAYMENTS, date(2026, 10, 31)) == D("1000.00")
    assert client_balance("C1", INVOICES, PAYMENTS, date(2026, 11, 1)) == D("1150.00")  # a return is not paid
    assert client_balance("C1", INVOICES, PAYMENTS, date(2026, 11, 8)) == D("0.00")
    assert client_balance("C1", INVOICES, PAYMENTS, date(2026, 11, 20)) == D("-100.00")
    assert client_balance("C1", INVOICES, PAYMENTS, date(2026, 12, 31)) == D("400.00")
    assert client_balance("C2", INVOICES, PAYMENTS, date(2026, 12, 31)) == D("0.00")


def test_statement_of_account() -> None:
    rows = statement_lines("C1", INVOICES, PAYMENTS, date(2026, 11, 1), date(2026, 11, 30))
    assert [(r.date, r.kind, r.reference, r.amount, r.balance) for r in rows] == [
        (date(2026, 11, 1), "opening", "", D("0.00"), D("1000.00")),
        (date(2026, 11, 1), "fee", "INV-000003", D("150.00"), D("1150.00")),
        (date(2026, 11, 1), "return", "P-001", D("0.00"), D("1150.00")),
        (date(2026, 11, 8), "payment", "P-002", D("-1150.00"), D("0.00")),
        (date(2026, 11, 20), "credit", "CN-000001", D("-100.00"), D("-100.00")),
        (date(2026, 11, 30), "closing", "", D("0.00"), D("-100.00")),
    ]
    assert "1,000.00" in rows[2].description and "R01" in rows[2].description
    december = statement_lines("C1", INVOICES, PAYMENTS, date(2026, 12, 1), date(2026, 12, 31))
    assert [(r.kind, r.balance) for r in december] == [
        ("opening", D("-100.00")),
        ("invoice", D("900.00")),
        ("payment", D("400.00")),
        ("closing", D("400.00")),
    ]
