"""The seed's missed-payment policy: a returned ACH debit is retried within seven days with a 15% processing
fee; a second failure puts the client on credit hold; 30 days later, service hold; paying everything releases
the hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from mspxl.collections import CollectionsResult, run_collections
from mspxl.collections.model import StateEvent
from mspxl.records import Client, Invoice, Payment, Settings

D = Decimal
SETTINGS = Settings()  # Retry Days 7, Retry Fee 15%, Service Hold Days 30, Credit Hold Days 30
ACME = Client("C1", "Acme Dental", "ap@acme.test", date(2026, 1, 1), autopay=True)


def invoice(number: str, issued: date, due: date, total: str, kind: str = "managed") -> Invoice:
    return Invoice(
        number,
        "C1",
        "Acme Dental",
        kind,
        issued.strftime("%Y-%m"),
        issued,
        due,
        D(total),
        D("0.00"),
        D(total),
    )


def debit(
    pid: str, day: date, amount: str, status: str = "cleared", code: str = "", method: str = "ACH"
) -> Payment:
    return Payment(pid, "C1", day, D(amount), method=method, status=status, return_code=code)


OCTOBER = invoice("INV-000001", date(2026, 10, 5), date(2026, 11, 1), "1000.00")
RETURNED = debit("P-001", date(2026, 11, 1), "1000.00", "returned", "R01")
RETRY_RETURNED = debit("P-002", date(2026, 11, 8), "1150.00", "returned", "R01")
PAID_IN_FULL = debit("P-003", date(2026, 12, 15), "1150.00")
PAYMENTS = [RETURNED, RETRY_RETURNED, PAID_IN_FULL]


def run(
    as_of: date,
    invoices: list[Invoice] | None = None,
    payments: list[Payment] | None = None,
    previous: dict[str, str] | None = None,
) -> CollectionsResult:
    return run_collections(
        SETTINGS, [ACME], invoices or [OCTOBER], PAYMENTS if payments is None else payments, as_of, previous
    )


def test_first_returned_debit_charges_a_fee_and_schedules_the_retry() -> None:
    result = run(date(2026, 11, 1))
    (fee,) = result.new_fees
    assert fee.number == ""
    assert (fee.client_id, fee.client_name, fee.type, fee.period) == ("C1", "Acme Dental", "fee", "2026-11")
    assert (fee.issue_date, fee.due_date) == (date(2026, 11, 1), date(2026, 11, 8))
    assert (fee.subtotal, fee.tax, fee.total) == (D("150.00"), D("0.00"), D("150.00"))
    assert fee.related_invoice == "P-001"
    (line,) = fee.lines
    assert (line.service_code, line.quantity, line.unit_price, line.amount, line.taxable) == (
        "FEE",
        D(1),
        D("150.00"),
        D("150.00"),
        False,
    )
    assert line.description == (  # the invoice the debit paid (the oldest open one: the row names none)
        "15% processing fee: the ACH debit of $1,000.00 on November 1, 2026 for INV-000001 was returned (R01: "
        "insufficient funds); it is debited again for $1,000.00 on November 8, 2026.")
    status = result.statuses[0]
    assert (status.state, status.since) == ("payment_failed", date(2026, 11, 1))
    assert status.balance == D("1150.00")
    assert status.fees_charged == D("150.00")
    assert status.next_action == "retry ACH for 1,000.00 on 2026-11-08 (fee 150.00 debited separately)"
    assert status.next_action_date == date(2026, 11, 8)
    assert status.oldest_unpaid_invoice == "INV-000001"
    assert status.changed


def test_second_returned_debit_is_credit_hold_then_service_hold_thirty_days_on() -> None:
    on_retry = run(date(2026, 11, 8)).statuses[0]
    assert (on_retry.state, on_retry.since) == ("credit_hold", date(2026, 11, 8))
    assert on_retry.next_action == "service hold starts 2026-12-08"
    assert on_retry.next_action_date == date(2026, 12, 8)

    day_before = run(date(2026, 12, 7)).statuses[0]
    assert (day_before.state, day_before.since) == ("credit_hold", date(2026, 11, 8))
    assert day_before.balance == D("1150.00")
    assert day_before.days_past_due == 36  # 2026-11-01 to 2026-12-07

    on_the_day = run(date(2026, 12, 8)).statuses[0]
    assert (on_the_day.state, on_the_day.since) == ("service_hold", date(2026, 12, 8))
    assert on_the_day.next_action == "refuse support and pause applications"
    assert on_the_day.fees_charged == D("150.00")


def test_paying_everything_returns_to_current_and_records_the_release() -> None:
    result = run(date(2026, 12, 15), previous={"C1": "service_hold"})
    status = result.statuses[0]
    assert (status.state, status.since, status.balance) == ("current", date(2026, 12, 15), D("0.00"))
    assert status.notes == "service hold released on 2026-12-15"
    assert status.next_action == "release service hold"
    assert status.next_action_date == date(2026, 12, 15)
    assert status.changed and status.on_collections_sheet
    assert status.events == (
        StateEvent(date(2026, 11, 1), "payment_failed"),
        StateEvent(date(2026, 11, 8), "credit_hold"),
        StateEvent(date(2026, 12, 8), "service_hold"),
        StateEvent(date(2026, 12, 15), "current"),
    )
    (desk,) = result.service_desk
    assert (desk.client_id, desk.action, desk.date) == ("C1", "release service hold", date(2026, 12, 15))
    assert result.aging == ()


def test_the_service_desk_hears_of_each_new_hold_once() -> None:
    (credit,) = run(date(2026, 11, 8)).service_desk
    assert credit.action == "credit hold: no new purchases"
    assert run(date(2026, 11, 20), previous={"C1": "credit_hold"}).service_desk == ()
    (service,) = run(date(2026, 12, 8), previous={"C1": "credit_hold"}).service_desk
    assert service.action == "service hold: refuse support and pause applications"


def test_the_fee_is_charged_once_and_every_date_reruns_the_same() -> None:
    dates = [
        date(2026, 11, 1),
        date(2026, 11, 7),
        date(2026, 11, 8),
        date(2026, 12, 7),
        date(2026, 12, 8),
        date(2026, 12, 15),
    ]
    fee = replace(run(date(2026, 11, 1)).new_fees[0], number="INV-000002")
    for as_of in dates:
        drafted = run(as_of)
        in_register = run(as_of, invoices=[OCTOBER, fee])
        assert in_register.new_fees == ()
        assert [f.total for f in drafted.new_fees] == [D("150.00")]
        assert drafted.statuses[0].fees_charged == in_register.statuses[0].fees_charged == D("150.00")
        first, second = drafted.statuses[0], in_register.statuses[0]
        assert (first.state, first.since, first.balance, first.events) == (
            second.state,
            second.since,
            second.balance,
            second.events,
        )
        assert run(as_of) == drafted
    # a run for a past date ignores what was recorded after it
    assert run(date(2026, 12, 7)) == run(date(2026, 12, 7), payments=[RETURNED, RETRY_RETURNED])


def test_three_months_paying_what_is_past_due_is_paid_up() -> None:
    november = invoice("INV-000003", date(2026, 11, 5), date(2026, 12, 1), "1000.00")
    december = invoice("INV-000004", date(2026, 12, 5), date(2027, 1, 1), "1000.00")
    invoices = [OCTOBER, november, december]
    payments = [RETURNED, RETRY_RETURNED, debit("P-003", date(2026, 12, 15), "2150.00")]

    before = run(date(2026, 12, 7), invoices, payments).statuses[0]
    assert (before.state, before.balance) == ("credit_hold", D("3150.00"))  # 1,000 x 3 + 150 fee
    aging = run(date(2026, 12, 7), invoices, payments).aging[0]
    # INV-1 is 36 days late, the fee 29, INV-3 6; INV-4 is not due
    assert (
        aging.current,
        aging.days_1_30,
        aging.days_31_60,
        aging.days_61_90,
        aging.over_90,
        aging.total,
    ) == (D("1000.00"), D("1150.00"), D("1000.00"), D("0.00"), D("0.00"), D("3150.00"))

    after = run(date(2026, 12, 15), invoices, payments).statuses[0]
    assert (after.state, after.since, after.balance) == ("current", date(2026, 12, 15), D("1000.00"))
    assert after.oldest_unpaid_invoice == "INV-000004"
    assert after.days_past_due == 0
    assert after.next_action == "ACH debit for 1,000.00 on 2027-01-01"


def test_a_later_failure_after_being_paid_up_starts_a_new_episode_with_its_own_fee() -> None:
    november = invoice("INV-000003", date(2026, 11, 5), date(2026, 12, 1), "1000.00")
    retry_cleared = debit("P-002", date(2026, 11, 8), "1150.00")
    december_returned = debit("P-003", date(2026, 12, 1), "1000.00", "returned", "R09")
    result = run(date(2026, 12, 1), [OCTOBER, november], [RETURNED, retry_cleared, december_returned])
    assert [(fee.related_invoice, fee.total, fee.due_date) for fee in result.new_fees] == [
        ("P-001", D("150.00"), date(2026, 11, 8)),
        ("P-003", D("150.00"), date(2026, 12, 8)),
    ]
    status = result.statuses[0]
    assert (status.state, status.since) == ("payment_failed", date(2026, 12, 1))
    assert status.events == (
        StateEvent(date(2026, 11, 1), "payment_failed"),
        StateEvent(date(2026, 11, 8), "current"),
        StateEvent(date(2026, 12, 1), "payment_failed"),
    )
    assert status.fees_charged == D("300.00")
    assert status.balance == D("1150.00")
    assert status.next_action == "retry ACH for 1,000.00 on 2026-12-08 (fee 150.00 debited separately)"


def test_a_returned_check_is_simply_not_paid() -> None:
    bounced = debit("P-001", date(2026, 10, 28), "1000.00", "returned", "NSF", method="check")
    result = run(date(2026, 11, 1), payments=[bounced])
    assert result.new_fees == ()
    status = result.statuses[0]
    assert (status.state, status.balance, status.fees_charged) == ("current", D("1000.00"), D("0.00"))
    later = run(date(2026, 11, 2), payments=[bounced]).statuses[0]
    assert (later.state, later.since) == ("past_due", date(2026, 11, 2))


def test_a_fee_in_the_register_counts_where_its_draft_did() -> None:
    """A cleared payment listed before the return on the same day pays older items before the fee exists."""
    small = invoice("INV-000001", date(2026, 10, 5), date(2026, 11, 1), "100.00")
    project = invoice("INV-000002", date(2026, 11, 1), date(2026, 12, 1), "500.00", kind="project")
    wire = debit("P-001", date(2026, 11, 1), "300.00", method="wire")
    returned = debit("P-002", date(2026, 11, 1), "1000.00", "returned", "R01")
    drafted = run(date(2026, 11, 20), [small, project], [wire, returned])
    fee = replace(drafted.new_fees[0], number="INV-000003")
    registered = run(date(2026, 11, 20), [small, project, fee], [wire, returned])
    # 300.00 pays INV-1 (100.00) and 200.00 of INV-2; the 150.00 fee, due 11-08, is 12 days late
    for result in (drafted, registered):
        aging = result.aging[0]
        assert (aging.current, aging.days_1_30, aging.total) == (D("300.00"), D("150.00"), D("450.00"))
        assert result.statuses[0].days_past_due == 12
