"""A returned ACH debit coded account closed, no account or authorization revoked (R02, R03, R07, ...) is not
retried and charges no retry fee: the client goes straight to credit hold, with the reason on the Collections
sheet."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from test_collections_retry_policy import ACME, OCTOBER, SETTINGS, debit

from mspxl.collections import run_collections


def test_account_closed_goes_straight_to_credit_hold_without_a_fee() -> None:
    closed = debit("P-001", date(2026, 11, 2), "1000.00", "returned", "R02")
    result = run_collections(SETTINGS, [ACME], [OCTOBER], [closed], date(2026, 11, 3))
    status = result.status("C1")
    assert result.new_fees == ()
    assert (status.state, status.since, status.balance, status.fees_charged) == (
        "credit_hold", date(2026, 11, 2), Decimal("1000.00"), Decimal("0.00"))
    assert "not retried: R02 account closed: ask the client for new bank details" in status.notes
    assert status.next_action_date == date(2026, 12, 2)  # service hold: credit hold date + 30 days
    later = run_collections(SETTINGS, [ACME], [OCTOBER], [closed], date(2026, 12, 2)).status("C1")
    assert (later.state, later.since) == ("service_hold", date(2026, 12, 2))


def test_paying_by_another_way_releases_the_hold() -> None:
    closed = debit("P-001", date(2026, 11, 2), "1000.00", "returned", "R07")
    wire = debit("P-002", date(2026, 11, 20), "1000.00", method="wire")
    status = run_collections(SETTINGS, [ACME], [OCTOBER], [closed, wire], date(2026, 11, 21)).status("C1")
    assert (status.state, status.since, status.balance) == ("current", date(2026, 11, 20), Decimal("0.00"))
    assert "credit hold released on 2026-11-20" in status.notes
    assert "not retried" not in status.notes


def test_insufficient_funds_is_still_retried_with_a_fee() -> None:
    nsf = debit("P-001", date(2026, 11, 2), "1000.00", "returned", "R01")
    result = run_collections(SETTINGS, [ACME], [OCTOBER], [nsf], date(2026, 11, 3))
    assert [f.total for f in result.new_fees] == [Decimal("150.00")]
    assert result.status("C1").state == "payment_failed"
