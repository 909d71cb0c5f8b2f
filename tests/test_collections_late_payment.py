"""Clients not on autopay who pay late, and autopay clients with an unpaid due invoice but no returned debit:
past_due from the day after the due date; credit_hold from the oldest unpaid due date + Credit Hold Days; then
service_hold from credit-hold date + Service Hold Days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mspxl.collections import run_collections
from mspxl.collections.model import ClientStatus, StateEvent
from mspxl.records import Client, Invoice, Payment, Settings

D = Decimal
SETTINGS = Settings()
BIRCH = Client("C2", "Birch Legal", "ap@birch.test", date(2026, 1, 1), autopay=False)
OCTOBER = Invoice(
    "INV-000010",
    "C2",
    "Birch Legal",
    "managed",
    "2026-10",
    date(2026, 10, 5),
    date(2026, 11, 1),
    D("500.00"),
    D("0.00"),
    D("500.00"),
)


def status_on(
    as_of: date,
    payments: list[Payment] | None = None,
    client: Client = BIRCH,
    previous: dict[str, str] | None = None,
) -> ClientStatus:
    return run_collections(SETTINGS, [client], [OCTOBER], payments or [], as_of, previous).statuses[0]


def test_drifting_past_due_then_credit_hold_then_service_hold() -> None:
    on_due_date = status_on(date(2026, 11, 1))
    assert (on_due_date.state, on_due_date.since, on_due_date.days_past_due) == ("current", None, 0)
    assert on_due_date.next_action == "payment of 500.00 due 2026-11-01"

    day_after = status_on(date(2026, 11, 2))
    assert (day_after.state, day_after.since, day_after.days_past_due) == ("past_due", date(2026, 11, 2), 1)
    assert day_after.next_action == "credit hold starts 2026-12-01"
    assert day_after.next_action_date == date(2026, 12, 1)

    assert status_on(date(2026, 11, 30)).state == "past_due"
    credit = status_on(date(2026, 12, 1))  # 2026-11-01 + 30 days
    assert (credit.state, credit.since, credit.days_past_due) == ("credit_hold", date(2026, 12, 1), 30)
    assert credit.next_action == "service hold starts 2026-12-31"

    assert status_on(date(2026, 12, 30)).state == "credit_hold"
    service = status_on(date(2026, 12, 31))
    assert (service.state, service.since, service.balance) == (
        "service_hold",
        date(2026, 12, 31),
        D("500.00"),
    )
    assert service.events == (
        StateEvent(date(2026, 11, 2), "past_due"),
        StateEvent(date(2026, 12, 1), "credit_hold"),
        StateEvent(date(2026, 12, 31), "service_hold"),
    )
    assert service.fees_charged == D("0.00")


def test_a_partial_payment_keeps_the_state_and_paying_the_rest_releases_the_hold() -> None:
    partial = Payment("P-010", "C2", date(2026, 11, 10), D("200.00"), method="check")
    rest = Payment("P-011", "C2", date(2026, 12, 5), D("300.00"), method="check")
    after_partial = status_on(date(2026, 11, 10), [partial, rest])
    assert (after_partial.state, after_partial.since, after_partial.balance) == (
        "past_due",
        date(2026, 11, 2),
        D("300.00"),
    )
    assert status_on(date(2026, 12, 1), [partial, rest]).state == "credit_hold"
    released = status_on(date(2026, 12, 5), [partial, rest], previous={"C2": "credit_hold"})
    assert (released.state, released.since, released.balance) == ("current", date(2026, 12, 5), D("0.00"))
    assert released.notes == "credit hold released on 2026-12-05"
    assert released.next_action == "release credit hold"


def test_an_autopay_client_whose_debit_was_never_recorded_follows_the_same_path() -> None:
    acme = Client("C2", "Birch Legal", "ap@birch.test", date(2026, 1, 1), autopay=True)
    assert status_on(date(2026, 11, 1), client=acme).next_action == "ACH debit for 500.00 on 2026-11-01"
    assert (status_on(date(2026, 11, 2), client=acme).state) == "past_due"
    assert (status_on(date(2026, 12, 1), client=acme).state) == "credit_hold"
    assert (status_on(date(2026, 12, 31), client=acme).state) == "service_hold"


def test_work_billed_while_on_hold_is_noted_for_the_service_desk() -> None:
    work = Invoice(
        "INV-000011",
        "C2",
        "Birch Legal",
        "service",
        "2026-12",
        date(2026, 12, 5),
        date(2027, 1, 1),
        D("240.00"),
        D("0.00"),
        D("240.00"),
    )
    result = run_collections(SETTINGS, [BIRCH], [OCTOBER, work], [], date(2026, 12, 10))
    status = result.statuses[0]
    assert status.state == "credit_hold"
    assert status.notes == "work billed while on hold: INV-000011"
    assert status.balance == D("740.00")


def test_a_past_due_client_hit_by_a_returned_debit_pays_the_fee_and_awaits_the_retry() -> None:
    returned = Payment("P-012", "C2", date(2026, 11, 5), D("500.00"), status="returned", return_code="R01")
    result = run_collections(SETTINGS, [BIRCH], [OCTOBER], [returned], date(2026, 11, 5))
    status = result.statuses[0]
    assert [fee.total for fee in result.new_fees] == [D("75.00")]
    assert status.events == (
        StateEvent(date(2026, 11, 2), "past_due"),
        StateEvent(date(2026, 11, 5), "payment_failed"),
    )
    assert status.next_action == "retry ACH for 500.00 on 2026-11-12 (fee 75.00 debited separately)"
