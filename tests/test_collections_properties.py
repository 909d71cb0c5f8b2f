"""Properties of collections over random payment histories.

- balance = invoices issued - cleared payments - credit notes (fee drafts of the run included), and the aging
  total;
- re-running for the same date, or with records dated later, gives identical results;
- running day by day (each run's fee drafts numbered and put in the register) and jumping straight to the last
  day give the same states, balances and fees;
- a client's state never moves to a lower state without a cleared payment or a credit note on that day.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mspxl.collections import ClientStatus, client_balance, run_collections
from mspxl.collections.states import rank
from mspxl.records import Client, Invoice, Payment, Settings

START = date(2026, 10, 1)
DAYS = 100
END = START + timedelta(days=DAYS - 1)
CLIENTS = (
    Client("C1", "Acme Dental", "ap@acme.test", date(2026, 1, 1), autopay=True),
    Client("C2", "Birch Legal", "ap@birch.test", date(2026, 1, 1), autopay=False),
)

amounts = st.integers(min_value=1, max_value=300_000).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def histories(draw: st.DrawFn) -> tuple[Settings, list[Invoice], list[Payment]]:
    book_settings = Settings(
        retry_days=draw(st.integers(1, 10)),
        retry_fee=draw(st.sampled_from([Decimal("0.15"), Decimal("0.125"), Decimal("0.10")])),
        credit_hold_days=draw(st.integers(1, 35)),
        service_hold_days=draw(st.integers(1, 35)),
    )
    invoices: list[Invoice] = []
    for n in range(draw(st.integers(0, 7))):
        client = draw(st.sampled_from(CLIENTS))
        issue = START + timedelta(days=draw(st.integers(0, DAYS - 1)))
        total = draw(amounts)
        if invoices and draw(st.integers(0, 5)) == 0:
            target = draw(st.sampled_from(invoices))
            invoices.append(
                Invoice(
                    f"CN-{n + 1:06d}",
                    target.client_id,
                    target.client_name,
                    "credit",
                    target.period,
                    issue,
                    issue,
                    -total,
                    Decimal("0.00"),
                    -total,
                    related_invoice=target.number,
                )
            )
            continue
        due = issue + timedelta(days=draw(st.integers(0, 40)))
        kind = draw(st.sampled_from(["managed", "service", "project"]))
        invoices.append(
            Invoice(
                f"INV-{n + 1:06d}",
                client.id,
                client.name,
                kind,
                issue.strftime("%Y-%m"),
                issue,
                due,
                total,
                Decimal("0.00"),
                total,
            )
        )
    payments: list[Payment] = []
    for n in range(draw(st.integers(0, 9))):
        client = draw(st.sampled_from(CLIENTS))
        mine = [inv for inv in invoices if inv.client_id == client.id and inv.total > 0]
        # debits land on due dates and on each other's days more often than chance would have it
        days = [inv.due_date for inv in mine] + [p.date for p in payments if p.client_id == client.id]
        if days and draw(st.booleans()):
            day = draw(st.sampled_from(days))
        else:
            day = START + timedelta(days=draw(st.integers(0, DAYS - 1)))
        amount = (
            draw(st.one_of(amounts, st.sampled_from([inv.total for inv in mine]))) if mine else draw(amounts)
        )
        named = draw(st.sampled_from(["", *[inv.number for inv in mine]])) if mine else ""
        payments.append(
            Payment(
                f"P{n + 1:03d}",
                client.id,
                day,
                amount,
                method=draw(st.sampled_from(["ACH", "ACH", "check"])),
                status=draw(st.sampled_from(["cleared", "returned"])),
                return_code="R01",
                invoice_number=named,
            )
        )
    return book_settings, invoices, payments


def numbered(fees: tuple[Invoice, ...], first: int) -> list[Invoice]:
    return [replace(fee, number=f"INV-{first + k:06d}") for k, fee in enumerate(fees)]


def comparable(status: ClientStatus) -> tuple[object, ...]:
    return (
        status.client_id,
        status.state,
        status.since,
        status.balance,
        status.days_past_due,
        status.fees_charged,
        status.next_action,
        status.next_action_date,
        status.notes,
        status.events,
    )


def fee_identity(fee: Invoice) -> tuple[object, ...]:
    return (
        fee.client_id,
        fee.related_invoice,
        fee.period,
        fee.issue_date,
        fee.due_date,
        fee.total,
        fee.lines[0].description,
    )


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(histories(), st.integers(0, DAYS + 10))
def test_balance_is_invoices_issued_less_cleared_payments_less_credits(history, offset) -> None:
    book_settings, invoices, payments = history
    as_of = START + timedelta(days=offset)
    result = run_collections(book_settings, CLIENTS, invoices, payments, as_of)
    register = [*invoices, *result.new_fees]
    aging = {row.client_id: row for row in result.aging}
    for status in result.statuses:
        expected = client_balance(status.client_id, register, payments, as_of)
        assert status.balance == expected
        assert (aging[status.client_id].total if status.client_id in aging else Decimal("0.00")) == expected


@FAST
@given(histories(), st.integers(0, DAYS - 1))
def test_rerunning_a_date_gives_the_same_answer_whatever_was_recorded_later(history, offset) -> None:
    book_settings, invoices, payments = history
    as_of = START + timedelta(days=offset)
    first = run_collections(book_settings, CLIENTS, invoices, payments, as_of)
    assert run_collections(book_settings, CLIENTS, invoices, payments, as_of) == first
    earlier_invoices = [inv for inv in invoices if inv.issue_date <= as_of]
    earlier_payments = [p for p in payments if p.date <= as_of]
    assert run_collections(book_settings, CLIENTS, earlier_invoices, earlier_payments, as_of) == first


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_day_by_day_runs_agree_with_one_run_for_the_last_day(history) -> None:
    book_settings, invoices, payments = history
    register = list(invoices)
    charged: list[Invoice] = []
    before = {client.id: "current" for client in CLIENTS}
    day = START
    while day <= END:
        result = run_collections(book_settings, CLIENTS, register, payments, day)
        fees = numbered(result.new_fees, first=900 + len(charged))
        charged += fees
        register += fees
        for status in result.statuses:
            if rank(status.state) < rank(before[status.client_id]):
                assert cleared_or_credited_on(status.client_id, day, invoices, payments)
            before[status.client_id] = status.state
        day += timedelta(days=1)
    daily = run_collections(book_settings, CLIENTS, register, payments, END)
    jump = run_collections(book_settings, CLIENTS, invoices, payments, END)
    assert daily.new_fees == ()
    assert [fee_identity(fee) for fee in charged] == [fee_identity(fee) for fee in jump.new_fees]
    assert [comparable(s) for s in daily.statuses] == [comparable(s) for s in jump.statuses]
    assert [
        (r.client_id, r.current, r.days_1_30, r.days_31_60, r.days_61_90, r.over_90) for r in daily.aging
    ] == [(r.client_id, r.current, r.days_1_30, r.days_31_60, r.days_61_90, r.over_90) for r in jump.aging]


def cleared_or_credited_on(
    client_id: str, day: date, invoices: list[Invoice], payments: list[Payment]
) -> bool:
    return any(p.client_id == client_id and p.date == day and p.status == "cleared" for p in payments) or any(
        inv.client_id == client_id and inv.issue_date == day and inv.total < 0 for inv in invoices
    )


@FAST
@given(histories())
def test_states_never_move_backwards_without_a_cleared_payment_that_day(history) -> None:
    book_settings, invoices, payments = history
    result = run_collections(book_settings, CLIENTS, invoices, payments, END)
    for status in result.statuses:
        state = "current"
        last = START - timedelta(days=1)
        for event in status.events:
            assert event.date >= last
            if rank(event.state) < rank(state):
                assert cleared_or_credited_on(status.client_id, event.date, invoices, payments)
            assert event.state != state
            state, last = event.state, event.date
        assert state == status.state
        assert status.since == (status.events[-1].date if status.events else None)
