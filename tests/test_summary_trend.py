"""The summary's 12-month trend is built in one replay of each client's history, the same replay that gives the
collections as of the period's last day; its outstanding figures are the ones the collections engine gives when run
as of each month's last day, on the sample workbook and on random histories (returned debits, fee drafts, credit
notes, refunds, holds)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from bookdata import book_of
from hypothesis import given
from hypothesis import strategies as st
from scenario import run_periods
from test_collections_properties import CLIENTS, DAYS, FAST, START, histories
from test_summary_figures import summary_sheets

from mspxl.collections import run_collections
from mspxl.collections.engine import collections_and_outstanding, outstanding_at
from mspxl.commands.demo import run_demo
from mspxl.records import Book
from mspxl.summary import build_summary
from mspxl.summary import figures as F
from mspxl.summary.build import collections_as_of, outstanding_balance, trend
from mspxl.summary.model import TrendPoint
from mspxl.workbook.load import load_file


@FAST
@given(histories(), st.lists(st.integers(-5, DAYS + 10), min_size=1, max_size=6))
def test_one_replay_gives_each_days_outstanding_as_a_run_for_that_day(history, offsets) -> None:
    book_settings, invoices, payments = history
    days = sorted({START + timedelta(days=offset) for offset in offsets})
    expected = [sum((s.balance for s in run_collections(book_settings, CLIENTS, invoices, payments, day).statuses),
                    start=Decimal("0.00")) for day in days]
    assert outstanding_at(book_settings, CLIENTS, invoices, payments, days) == expected
    # the summary's single replay: the collections of the last day and every day's outstanding balance
    result, owed = collections_and_outstanding(book_settings, CLIENTS, invoices, payments, days[-1], days)
    assert owed == expected
    assert result == run_collections(book_settings, CLIENTS, invoices, payments, days[-1])


def month_by_month(book: Book, period: str) -> tuple[TrendPoint, ...]:
    """The trend as each month's figures computed on their own, the collections engine run for each month."""
    clients = {c.id: c for c in book.clients}
    points = []
    for p in F.trend_periods(period):
        cash = F.cash_in_period(book.payments, p)
        points.append(TrendPoint(p, sum((inv.total for inv in F.invoices_of_period(book.invoices, p)), Decimal(0)),
                                 F.mrr(book.invoices, clients, p), cash.collected, cash.returned,
                                 outstanding_balance(collections_as_of(book, p))))
    return tuple(points)


def test_the_sample_trend_is_each_month_computed_on_its_own(tmp_path: Path) -> None:
    demo = run_demo(tmp_path, date(2027, 1, 5))
    book = load_file(demo.book, date(2027, 1, 5)).book
    assert book is not None
    for period in ("2026-12", "2027-02", "2026-10"):
        trend = build_summary(book, period, date(2027, 1, 5)).trend
        assert trend == month_by_month(book, period)
    assert trend[-1].outstanding > 0 and trend[-1].billed > 0 and trend[-1].mrr > 0


@pytest.mark.parametrize("one_invoice", ["N", "Y"])
def test_the_trend_of_a_book_with_returns_quarterly_and_annual_clients(one_invoice: str) -> None:
    sheets = summary_sheets()
    sheets["Clients"] = [{**c, "One Invoice": one_invoice} for c in sheets["Clients"]]
    billed, _ = run_periods(book_of(sheets), "2026-10", "2026-11", "2026-12")
    assert {inv.type for inv in billed.invoices} >= ({"combined"} if one_invoice == "Y" else {"managed", "service"})
    clients = {c.id: c for c in billed.clients}
    for period in ("2026-11", "2027-03"):
        assert trend(billed, period, clients) == month_by_month(billed, period)
