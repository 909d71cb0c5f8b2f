"""The monthly summary's figures on a book billed by the engine, against hand-computed amounts.

A three-client book, billed for October to December 2026.

C1 "+Acme Corp": monthly, tax 10%, BASE 500 flat + STD 100 per user, 3 users (a 4th added 11-10, after the
   November cutoff); 2 hours of work on 10-15 at 120 (billed on the November service invoice, untaxed).
   October: 800.00 + 80.00 tax = 880.00, paid by ACH on 11-01. November: the same 880.00, and 240.00 of work.
C2 "@Globex": quarterly, BASE: October's invoice covers Oct-Dec, 1,500.00 (MRR 500.00). Its 11-02 debit of
   1,500.00 is returned: a 225.00 fee (15%) that is not yet in the register; payment_failed.
C3 "=1+2": annual, SRV 75 per server, 2 servers: October's invoice covers Oct 2026 - Sep 2027, 1,800.00 (MRR
   150.00), paid by check on 11-15.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from bookdata import book_of, client
from scenario import run_periods

from mspxl.records import Book, InvoiceLine
from mspxl.summary import MonthlySummary, build_summary
from mspxl.summary import figures as F
from mspxl.summary.model import SeatChange

D = Decimal
START = date(2026, 10, 1)
HOSTILE = {"C1": "+Acme Corp", "C2": "@Globex", "C3": "=1+2"}


def summary_sheets() -> dict[str, list[dict[str, object]]]:
    return {
        "Clients": [
            client("C1", Name=HOSTILE["C1"], **{"Start Date": START, "Tax Rate": "0.10"}),
            client("C2", Name=HOSTILE["C2"], Frequency="quarterly", **{"Start Date": START}),
            client("C3", Name=HOSTILE["C3"], Frequency="annual", **{"Start Date": START}),
        ],
        "Subscriptions": [
            {"Client ID": "C1", "Service Code": "BASE", "Start Date": START},
            {"Client ID": "C1", "Service Code": "STD", "Start Date": START},
            {"Client ID": "C2", "Service Code": "BASE", "Start Date": START},
            {"Client ID": "C3", "Service Code": "SRV", "Start Date": START},
        ],
        "Users": [{"Client ID": "C1", "User Name": f"u{i}", "Added On": START} for i in range(3)]
        + [{"Client ID": "C1", "User Name": "u3", "Added On": date(2026, 11, 10)}],
        "Devices": [{"Client ID": "C3", "Device Name": f"srv{i}", "Device Type": "Server", "Added On": START}
                    for i in range(2)],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 10, 15), "Hours": 2, "Rate": 120,
                     "Description": "New laptop setup"}],
        "Payments": [
            {"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 11, 1), "Amount": 880},
            {"Payment ID": "P2", "Client ID": "C2", "Date": date(2026, 11, 2), "Amount": 1500,
             "Status": "returned", "Return Code": "R01"},
            {"Payment ID": "P3", "Client ID": "C3", "Date": date(2026, 11, 15), "Amount": 1800, "Method": "check"},
        ],
    }
PREPARED = date(2026, 12, 2)


@pytest.fixture(scope="module")
def billed() -> Book:
    book, _ = run_periods(book_of(summary_sheets()), "2026-10", "2026-11", "2026-12")
    return book


@pytest.fixture(scope="module")
def november(billed: Book) -> MonthlySummary:
    return build_summary(billed, "2026-11", PREPARED)


def test_totals_by_type_are_the_periods_register_rows(november: MonthlySummary) -> None:
    by_type = {t.type: (t.count, t.subtotal, t.tax, t.total) for t in november.by_type}
    assert by_type == {
        "managed": (1, D("800.00"), D("80.00"), D("880.00")),
        "service": (1, D("240.00"), D("0.00"), D("240.00")),
        "project": (0, D("0.00"), D("0.00"), D("0.00")),
        "fee": (0, D("0.00"), D("0.00"), D("0.00")),
        "credit": (0, D("0.00"), D("0.00"), D("0.00")),
    }
    assert november.billed_total == D("1120.00")
    assert [inv.client_id for inv in november.invoices] == ["C1", "C1"]


def test_mrr_counts_quarterly_a_third_and_annual_a_twelfth(november: MonthlySummary) -> None:
    # C1 800.00 before tax + C2 1,500.00 / 3 + C3 1,800.00 / 12
    assert november.mrr == D("800.00") + D("500.00") + D("150.00") == D("1450.00")
    assert november.previous_mrr == D("1450.00")
    mrr = {r.client_id: r.mrr for r in november.revenue_by_client}
    assert mrr == {"C1": D("800.00"), "C2": D("500.00"), "C3": D("150.00")}


def test_mrr_rounds_each_invoice_half_up() -> None:
    book = book_of({
        "Clients": [client("C1", Frequency="quarterly", **{"Start Date": date(2026, 10, 1)})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": date(2026, 10, 1),
                           "Unit Price": "100.01"}],
    })
    book, _ = run_periods(book, "2026-10")
    assert book.invoices[0].subtotal == D("300.03")
    clients = {c.id: c for c in book.clients}
    assert [F.mrr(book.invoices, clients, p) for p in ("2026-09", "2026-10", "2026-12", "2027-01")] == [
        D("0.00"), D("100.01"), D("100.01"), D("0.00")]


def test_cash_collected_and_returned_in_the_month(november: MonthlySummary) -> None:
    assert november.cash.collected == D("2680.00") and november.cash.collected_count == 2
    assert november.cash.returned == D("1500.00") and november.cash.returned_count == 1


def test_outstanding_and_collections_as_of_the_last_day(november: MonthlySummary) -> None:
    # C1: November's 880.00 + 240.00, due 12-01 (current); C2: 1,500.00 + the 225.00 fee, past due; C3: paid
    assert november.as_of == date(2026, 11, 30)
    assert november.outstanding == D("1120.00") + D("1725.00") == D("2845.00")
    assert november.past_due == D("1725.00")
    assert november.unissued_fees == 1
    assert november.states == {"current": 2, "past_due": 0, "payment_failed": 1, "credit_hold": 0,
                               "service_hold": 0}
    assert [(s.client_id, s.state, s.balance) for s in november.collections] == [
        ("C1", "current", D("1120.00")), ("C2", "payment_failed", D("1725.00"))]
    aging = {a.client_id: (a.current, a.days_1_30, a.total) for a in november.aging}
    assert aging == {"C1": (D("1120.00"), D("0.00"), D("1120.00")), "C2": (D("0.00"), D("1725.00"), D("1725.00"))}


def test_clients_and_seats(billed: Book, november: MonthlySummary) -> None:
    assert (november.clients.active, november.clients.new, november.clients.ended) == (3, 0, 0)
    assert november.users == SeatChange(billed=3, previous=3, added=0, decreased=0)
    assert november.devices == SeatChange(billed=2, previous=2, added=0, decreased=0)
    december = build_summary(billed, "2026-12", PREPARED)
    assert december.users == SeatChange(billed=4, previous=3, added=1, decreased=0)
    october = build_summary(billed, "2026-10", PREPARED)
    assert (october.clients.new, october.users.previous, october.users.added) == (3, 0, 3)


def test_seat_change_sums_increases_and_decreases_apart() -> None:
    change = F.seat_change({"A": 5, "B": 2}, {"A": 3, "B": 4, "C": 1})
    assert change == SeatChange(billed=7, previous=8, added=2, decreased=3)
    assert change.change == -1


def test_revenue_by_service_adds_up_to_the_billed_subtotal(november: MonthlySummary) -> None:
    rows = [(r.code, r.name, r.model, r.quantity, r.amount) for r in november.revenue_by_service]
    assert rows == [
        ("BASE", "Managed base plan", "flat", D(1), D("500.00")),
        ("STD", "Standard per-user package", "per_user", D(3), D("300.00")),
        ("LABOR", "Labor (work log)", "hourly", D(2), D("240.00")),
    ]
    assert sum(r.amount for r in november.revenue_by_service) == november.billed_subtotal


def test_revenue_by_client_lists_billed_and_recurring_clients(november: MonthlySummary) -> None:
    rows = {r.client_id: r for r in november.revenue_by_client}
    assert [r.client_name for r in november.revenue_by_client] == [HOSTILE["C1"], HOSTILE["C2"], HOSTILE["C3"]]
    assert (rows["C1"].by_type["managed"], rows["C1"].by_type["service"], rows["C1"].total) == (
        D("880.00"), D("240.00"), D("1120.00"))
    assert (rows["C2"].total, rows["C2"].balance, rows["C2"].state) == (D("0.00"), D("1725.00"), "payment_failed")
    assert (rows["C3"].billed_devices, rows["C3"].balance) == (2, D("0.00"))


def test_trend_has_twelve_periods_ending_with_the_month(november: MonthlySummary) -> None:
    assert [p.period for p in november.trend][0] == "2025-12"
    assert len(november.trend) == 12
    last, before = november.trend[-1], november.trend[-2]
    assert (last.period, last.billed, last.mrr, last.collected, last.returned, last.outstanding) == (
        "2026-11", D("1120.00"), D("1450.00"), D("2680.00"), D("1500.00"), D("2845.00"))
    # October: 880.00 + 1,500.00 + 1,800.00 billed, all due 11-01 or later
    assert (before.billed, before.outstanding) == (D("4180.00"), D("4180.00"))
    assert all(p.billed == D("0.00") for p in november.trend[:-2])


def test_a_credit_note_nets_in_the_totals_and_by_service(billed: Book) -> None:
    managed = next(i for i in billed.invoices if i.period == "2026-11" and i.type == "managed")
    line = InvoiceLine(1, "BASE", "Credit: base plan", D(-1), D("100.00"), D("-100.00"), True)
    note = replace(managed, number="CN-000001", type="credit", subtotal=D("-100.00"), tax=D("-10.00"),
                   total=D("-110.00"), lines=(line,), related_invoice=managed.number, billed_users=None)
    summary = build_summary(replace(billed, invoices=(*billed.invoices, note)), "2026-11", PREPARED)
    credit = next(t for t in summary.by_type if t.type == "credit")
    assert (credit.count, credit.subtotal, credit.tax, credit.total) == (1, D("-100.00"), D("-10.00"), D("-110.00"))
    assert summary.billed_total == D("1010.00")
    assert next(r.amount for r in summary.revenue_by_service if r.code == "BASE") == D("400.00")
    assert summary.mrr == D("1450.00")  # MRR counts managed invoices only
