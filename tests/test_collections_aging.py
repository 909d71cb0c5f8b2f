"""AR aging buckets by days past due as of D: current (not yet due), 1-30, 31-60, 61-90, over 90; unapplied
credit shows as a negative amount under Current."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from mspxl.collections import run_collections
from mspxl.collections.aging import aging_bucket, aging_totals, days_past_due
from mspxl.records import Client, Invoice, Payment, Settings

D = Decimal
AS_OF = date(2026, 12, 31)
DOGWOOD = Client("C4", "Dogwood Inc", "ap@dogwood.test", date(2026, 1, 1), autopay=False)
ELM = Client("C5", "Elm Bakery", "ap@elm.test", date(2026, 1, 1), autopay=False)


def due_days_ago(number: int, days: int, total: str) -> Invoice:
    due = AS_OF - timedelta(days=days)
    issued = due - timedelta(days=26)
    return Invoice(
        f"INV-{number:06d}",
        "C4",
        "Dogwood Inc",
        "managed",
        issued.strftime("%Y-%m"),
        issued,
        due,
        D(total),
        D("0.00"),
        D(total),
    )


def test_bucket_boundaries() -> None:
    assert [aging_bucket(days) for days in (0, 1, 30, 31, 60, 61, 90, 91)] == [
        "current",
        "1-30",
        "1-30",
        "31-60",
        "31-60",
        "61-90",
        "61-90",
        "over 90",
    ]
    assert days_past_due(date(2027, 1, 5), AS_OF) == 0
    assert days_past_due(date(2026, 12, 30), AS_OF) == 1


def test_aging_row_by_days_past_due() -> None:
    invoices = [
        due_days_ago(1, -5, "1.00"),  # not yet due
        due_days_ago(2, 0, "2.00"),  # due today: current
        due_days_ago(3, 1, "4.00"),
        due_days_ago(4, 30, "8.00"),
        due_days_ago(5, 31, "16.00"),
        due_days_ago(6, 60, "32.00"),
        due_days_ago(7, 61, "64.00"),
        due_days_ago(8, 90, "128.00"),
        due_days_ago(9, 91, "256.00"),
    ]
    result = run_collections(Settings(), [DOGWOOD, ELM], invoices, [], AS_OF)
    (row,) = result.aging
    assert (row.client_id, row.client_name) == ("C4", "Dogwood Inc")
    assert (row.current, row.days_1_30, row.days_31_60, row.days_61_90, row.over_90, row.total) == (
        D("3.00"),
        D("12.00"),
        D("48.00"),
        D("192.00"),
        D("256.00"),
        D("511.00"),
    )
    assert result.statuses[0].days_past_due == 91
    assert result.statuses[0].balance == D("511.00")


def test_unapplied_credit_is_negative_under_current() -> None:
    invoices = [due_days_ago(1, 45, "100.00")]
    elm_invoice = Invoice(
        "INV-000002",
        "C5",
        "Elm Bakery",
        "managed",
        "2026-11",
        date(2026, 11, 5),
        date(2026, 12, 1),
        D("40.00"),
        D("0.00"),
        D("40.00"),
    )
    payments = [Payment("P-1", "C5", date(2026, 12, 20), D("65.50"), method="check")]
    result = run_collections(Settings(), [DOGWOOD, ELM], [*invoices, elm_invoice], payments, AS_OF)
    dogwood, elm = result.aging
    assert (dogwood.days_31_60, dogwood.total) == (D("100.00"), D("100.00"))
    assert (elm.client_id, elm.current, elm.days_1_30, elm.total) == (
        "C5",
        D("-25.50"),
        D("0.00"),
        D("-25.50"),
    )
    total = aging_totals(result.aging)
    assert (total.client_id, total.current, total.days_31_60, total.total) == (
        "Total",
        D("-25.50"),
        D("100.00"),
        D("74.50"),
    )
