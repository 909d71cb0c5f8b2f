"""Cleared payments settle the invoice they name (any excess goes on), else the oldest open invoices first;
what is left over is a credit that later invoices consume. On one day: invoices first, then credit notes, then
payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mspxl.collections import run_collections
from mspxl.collections.ledger import Ledger, OpenItem, apply_payment, is_paid_up, issue_charge
from mspxl.records import Client, Invoice, Payment, Settings

D = Decimal
SETTINGS = Settings()
CEDAR = Client("C3", "Cedar Farms", "ap@cedar.test", date(2026, 1, 1), autopay=False)


def invoice(
    number: str, issued: date, due: date, total: str, kind: str = "managed", related: str = ""
) -> Invoice:
    return Invoice(
        number,
        "C3",
        "Cedar Farms",
        kind,
        issued.strftime("%Y-%m"),
        issued,
        due,
        D(total),
        D("0.00"),
        D(total),
        related_invoice=related,
    )


def paid(pid: str, day: date, amount: str, named: str = "") -> Payment:
    return Payment(pid, "C3", day, D(amount), method="check", invoice_number=named)


A = invoice("INV-000001", date(2026, 9, 5), date(2026, 10, 1), "100.00")
B = invoice("INV-000002", date(2026, 10, 5), date(2026, 11, 1), "200.00")
C = invoice("INV-000003", date(2026, 11, 5), date(2026, 12, 1), "300.00")


def remaining(invoices: list[Invoice], payments: list[Payment], as_of: date) -> dict[str, Decimal]:
    """What is left of each invoice and the unapplied credit, replaying the ledger functions the engine
    uses."""
    ledger = Ledger()
    events = sorted(
        [(inv.issue_date, 0, n, inv) for n, inv in enumerate(invoices)]
        + [(p.date, 2, n, p) for n, p in enumerate(payments)],
        key=lambda e: e[:3],
    )
    for day, kind, order, record in events:
        if day > as_of:
            continue
        if kind == 0:
            item = OpenItem(
                record.number,
                record.number,
                record.type,
                record.issue_date,
                record.due_date,
                record.total,
                record.total,
                order,
            )
            ledger = issue_charge(ledger, item)
        else:
            ledger = apply_payment(ledger, record.amount, record.invoice_number, day, record.id, order)
    return {item.number: item.remaining for item in ledger.items} | {"credit": ledger.credit}


def test_oldest_open_invoices_first() -> None:
    payments = [paid("P-1", date(2026, 11, 10), "250.00")]
    assert remaining([A, B, C], payments, date(2026, 11, 10)) == {
        "INV-000001": D("0.00"),
        "INV-000002": D("50.00"),
        "INV-000003": D("300.00"),
        "credit": D("0.00"),
    }
    status = run_collections(SETTINGS, [CEDAR], [A, B, C], payments, date(2026, 11, 10)).statuses[0]
    assert status.balance == D("350.00")
    assert status.oldest_unpaid_invoice == "INV-000002"
    assert status.days_past_due == 9  # INV-2 was due 2026-11-01


def test_the_named_invoice_first_and_the_excess_goes_on_to_the_oldest() -> None:
    payments = [paid("P-1", date(2026, 11, 10), "350.00", named="INV-000003")]
    assert remaining([A, B, C], payments, date(2026, 11, 10)) == {
        "INV-000001": D("50.00"),
        "INV-000002": D("200.00"),
        "INV-000003": D("0.00"),
        "credit": D("0.00"),
    }
    status = run_collections(SETTINGS, [CEDAR], [A, B, C], payments, date(2026, 11, 10)).statuses[0]
    assert (status.balance, status.oldest_unpaid_invoice, status.days_past_due) == (
        D("250.00"),
        "INV-000001",
        40,
    )


def test_a_payment_naming_a_paid_invoice_passes_it_all_on() -> None:
    payments = [
        paid("P-1", date(2026, 9, 20), "100.00"),
        paid("P-2", date(2026, 10, 20), "150.00", "INV-000001"),
    ]
    assert remaining([A, B], payments, date(2026, 10, 20)) == {
        "INV-000001": D("0.00"),
        "INV-000002": D("50.00"),
        "credit": D("0.00"),
    }


def test_an_overpayment_is_a_credit_the_next_invoice_consumes() -> None:
    payments = [paid("P-1", date(2026, 9, 30), "150.00")]
    early = run_collections(SETTINGS, [CEDAR], [A, B], payments, date(2026, 10, 1))
    assert early.statuses[0].balance == D("-50.00")
    assert early.statuses[0].state == "current"
    (aging,) = early.aging
    assert (aging.current, aging.days_1_30, aging.total) == (D("-50.00"), D("0.00"), D("-50.00"))

    later = run_collections(SETTINGS, [CEDAR], [A, B], payments, date(2026, 10, 5))
    assert later.statuses[0].balance == D("150.00")
    assert remaining([A, B], payments, date(2026, 10, 5)) == {
        "INV-000001": D("0.00"),
        "INV-000002": D("150.00"),
        "credit": D("0.00"),
    }
    (aging,) = later.aging
    assert (aging.current, aging.total) == (D("150.00"), D("150.00"))


def test_a_credit_note_settles_the_invoice_it_corrects() -> None:
    note = invoice(
        "CN-000001", date(2026, 11, 10), date(2026, 11, 10), "-200.00", kind="credit", related="INV-000002"
    )
    status = run_collections(SETTINGS, [CEDAR], [A, B, note], [], date(2026, 11, 10)).statuses[0]
    assert (status.balance, status.oldest_unpaid_invoice) == (D("100.00"), "INV-000001")


def test_on_one_day_invoices_then_credit_notes_then_payments() -> None:
    """An invoice, a credit note and a payment on one day: the invoice is on the account before the payment,
    so nothing is left over as credit, and the client is paid up on that day."""
    note = invoice(
        "CN-000001", date(2026, 11, 2), date(2026, 11, 2), "-50.00", kind="credit", related="INV-000002"
    )
    late = invoice("INV-000004", date(2026, 11, 2), date(2026, 12, 1), "80.00", kind="service")
    payments = [paid("P-1", date(2026, 11, 2), "330.00")]
    result = run_collections(SETTINGS, [CEDAR], [A, B, note, late], payments, date(2026, 11, 2))
    status = result.statuses[0]
    # 100 + 200 + 80 - 50 - 330 = 0.00; A (due 2026-10-01) was past due on 10-02, on credit hold on 10-31
    assert (status.state, status.since, status.balance) == ("current", date(2026, 11, 2), D("0.00"))
    assert [(e.date, e.state) for e in status.events] == [
        (date(2026, 10, 2), "past_due"),
        (date(2026, 10, 31), "credit_hold"),
        (date(2026, 11, 2), "current"),
    ]
    assert status.notes == "credit hold released on 2026-11-02; work billed while on hold: INV-000004"
    assert result.aging == ()


def test_paid_up_ignores_what_is_not_yet_due() -> None:
    item = OpenItem(
        "INV-9", "INV-9", "managed", date(2026, 11, 5), date(2026, 12, 1), D("10.00"), D("10.00"), 0
    )
    ledger = issue_charge(Ledger(), item)
    assert is_paid_up(ledger, date(2026, 12, 1))
    assert not is_paid_up(ledger, date(2026, 12, 2))
