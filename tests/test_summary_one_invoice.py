"""The monthly summary with a One Invoice client: its combined invoice counts in the Managed services, Service and
Project columns of Revenue by client by its lines, as the same month billed separately does; charges have a name on
Revenue by service."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from bookdata import client
from scenario import run_periods
from summary_reference import summary_workbook
from test_rule_one_invoice import month_for

from mspxl.billing.combined_parts import invoice_parts
from mspxl.records import Invoice, InvoiceLine
from mspxl.summary import build_summary

D = Decimal


def test_combined_invoice_counts_in_the_type_columns_by_its_lines() -> None:
    terms = {"Tax Rate": "0.08", "Hourly Rate": 130, "Autopay": "N"}
    book = month_for(client("C1", **{"One Invoice": "Y"}, **terms), client("C2", **terms))
    billed, _ = run_periods(book, "2026-12")
    summary = build_summary(billed, "2026-12", date(2027, 1, 2))
    ws = summary_workbook(summary)["Revenue by client"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(r for r in rows if r[0] == "Client ID")
    at = {name: head.index(name) for name in ("Managed services", "Service (work)", "Project", "Subtotal", "Tax",
                                              "Total")}

    def figures(cid: str) -> tuple[Decimal, ...]:
        row = next(r for r in rows if r[0] == cid)
        return tuple(D(str(row[at[name]])).quantize(D("0.01")) for name in at)

    # C1, one invoice: managed 500.00 + 300.00 = 800.00 with 8% tax 64.00 = 864.00; service work 2 h x 130 = 260.00,
    # untaxed; project 6.5 h x 130 = 845.00 + materials 2 x 389.00 = 778.00, tax 8% of 778.00 = 62.24: 1,685.24.
    # 864.00 + 260.00 + 1,685.24 = 2,809.24, the invoice's total; C2, billed separately, reads the same
    expected = (D("864.00"), D("260.00"), D("1685.24"), D("2683.00"), D("126.24"), D("2809.24"))
    assert figures("C1") == expected == figures("C2")
    by_service = {r.code: (r.name, r.model, r.quantity, r.amount) for r in summary.revenue_by_service}
    assert by_service["CHARGE"] == ("Materials and one-off charges", "charge", D(4), D("1556.00"))
    assert by_service["LABOR"] == ("Labor (work log)", "hourly", D(17), D("2210.00"))


def test_the_parts_tax_adds_up_to_the_invoice_tax_to_the_cent() -> None:
    # two taxable lines of 0.05 at 10%: the invoice's tax is 10% of 0.10 = 0.01, shared half and half as 0.005 each,
    # rounded to 0.01 + 0.01 = 0.02; the part that takes the remainder (the first of the largest) gives back 0.01
    lines = (InvoiceLine(1, "BASE", "Base", D(1), D("0.05"), D("0.05"), True),
             InvoiceLine(2, "CHARGE", "2026-11-12 Cable", D(1), D("0.05"), D("0.05"), True))
    combined = Invoice("INV-000009", "C1", "C1", "combined", "2026-12", date(2026, 12, 5), date(2027, 1, 1),
                       D("0.10"), D("0.01"), D("0.11"), lines=lines)
    parts = invoice_parts(combined, (), ())
    assert [(p.type, p.subtotal, p.tax, p.total) for p in parts] == [
        ("managed", D("0.05"), D("0.00"), D("0.05")), ("service", D("0.05"), D("0.01"), D("0.06"))]
    assert invoice_parts(replace(combined, type="managed"), (), ()) == (replace(combined, type="managed"),)
