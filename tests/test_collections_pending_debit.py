"""A pending ACH debit (written to the bank's file, not yet cleared or returned) is not paid, and keeps the client
from turning past due while the bank has not answered."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from test_collections_retry_policy import ACME, OCTOBER, SETTINGS, debit

from mspxl.collections import run_collections


def test_pending_debit_is_owed_but_not_past_due() -> None:
    pending = debit("ACH-20261101-0000001", date(2026, 11, 1), "1000.00", "pending")
    status = run_collections(SETTINGS, [ACME], [OCTOBER], [pending], date(2026, 11, 4)).status("C1")
    assert (status.state, status.balance, status.days_past_due) == ("current", Decimal("1000.00"), 3)


def test_without_the_debit_the_client_is_past_due_the_day_after_the_due_date() -> None:
    status = run_collections(SETTINGS, [ACME], [OCTOBER], [], date(2026, 11, 4)).status("C1")
    assert (status.state, status.since) == ("past_due", date(2026, 11, 2))


def test_a_debit_pending_for_credit_hold_days_still_ends_in_credit_hold() -> None:
    pending = debit("ACH-20261101-0000001", date(2026, 11, 1), "1000.00", "pending")
    status = run_collections(SETTINGS, [ACME], [OCTOBER], [pending], date(2026, 12, 1)).status("C1")
    assert (status.state, status.since) == ("credit_hold", date(2026, 12, 1))
