"""A pending ACH debit (written to the bank's file, not yet cleared or returned) is not paid, and keeps the client
from turning past due while the bank has not answered."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
from bookdata import client, write_book
from test_collections_retry_policy import ACME, OCTOBER, SETTINGS, debit
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.collections import run_collections

runner = CliRunner()


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


def test_a_debit_sent_is_not_announced_again_but_said_to_be_pending() -> None:
    on_due_date = run_collections(SETTINGS, [ACME], [OCTOBER], [], date(2026, 11, 1)).status("C1")
    assert (on_due_date.next_action, on_due_date.next_action_date) == (
        "ACH debit for 1,000.00 on 2026-11-01", date(2026, 11, 1))
    pending = debit("ACH-20261101-0000001", date(2026, 11, 1), "1000.00", "pending")
    day_after = run_collections(SETTINGS, [ACME], [OCTOBER], [pending], date(2026, 11, 2)).status("C1")
    assert (day_after.next_action, day_after.next_action_date) == (
        "ACH debit of 1,000.00 pending since 2026-11-01", None)
    cleared = replace(pending, status="cleared")
    paid = run_collections(SETTINGS, [ACME], [OCTOBER], [cleared], date(2026, 11, 4)).status("C1")
    assert (paid.balance, paid.next_action) == (Decimal("0.00"), "")


def test_collect_prints_and_writes_the_pending_debit(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C1", Name="Alpha Dental")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": date(2026, 1, 1)}],
        "Payments": [{"Payment ID": "ACH-1", "Client ID": "C1", "Date": date(2026, 11, 1), "Amount": 500,
                      "Method": "ACH", "Status": "pending"}],
    })
    docs = ["--out", str(tmp_path / "docs")]
    assert runner.invoke(cli, ["invoice", str(book), "--period", "2026-10", *docs]).exit_code == 0
    result = runner.invoke(cli, ["collect", str(book), "--as-of", "2026-11-02", *docs])
    assert result.exit_code == 0, result.output
    assert "C1 Alpha Dental: current, balance $500.00; next: ACH debit of 500.00 pending since 2026-11-01" \
        in result.output
    ws = openpyxl.load_workbook(book)["Collections"]
    head = [c.value for c in ws[1]]
    (row,) = [dict(zip(head, (c.value for c in r), strict=False)) for r in ws.iter_rows(min_row=2)]
    assert (row["Next Action"], row["Next Action Date"]) == ("ACH debit of 500.00 pending since 2026-11-01", None)
