"""Quarterly and annual clients get one invoice every 3 or 12 months for the whole cycle in advance."""

from datetime import date
from decimal import Decimal

from bookdata import book_of, client
from scenario import amounts, managed, run_periods


def test_quarterly_client_is_billed_three_months_then_not_for_two() -> None:
    book = book_of({
        "Clients": [client(**{"Start Date": date(2026, 11, 1), "Frequency": "quarterly"})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": date(2026, 11, 1)}],
    })
    _, issued = run_periods(book, "2026-11", "2026-12", "2027-01", "2027-02")
    nov = managed(issued["2026-11"])
    assert amounts(nov) == [("BASE", "1", "1500.00")]
    assert nov.lines[0].unit_price == Decimal("1500")
    assert "Nov 2026 - Jan 2027" in nov.lines[0].description
    assert issued["2026-12"] == () and issued["2027-01"] == ()
    assert "Feb 2027 - Apr 2027" in managed(issued["2027-02"]).lines[0].description


def test_start_after_the_invoice_day_starts_billing_next_month() -> None:
    book = book_of({
        "Clients": [client(**{"Start Date": date(2026, 11, 10), "Frequency": "annual"})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": date(2026, 11, 10)}],
    })
    _, issued = run_periods(book, "2026-11", "2026-12", "2027-01")
    assert issued["2026-11"] == ()  # 2026-11-05 is before the start
    dec = managed(issued["2026-12"])
    assert amounts(dec) == [("BASE", "1", "6000.00")]
    assert "Dec 2026 - Nov 2027" in dec.lines[0].description
    assert issued["2027-01"] == ()


def test_quarterly_cycle_containing_january_bills_the_actual_count() -> None:
    users = [{"Client ID": "C1", "User Name": f"U{i}", "Added On": date(2026, 1, 2),
              "Removed On": date(2026, 10, 1) if i < 2 else None} for i in range(4)]
    book = book_of({
        "Clients": [client(**{"Start Date": date(2026, 5, 1), "Frequency": "quarterly"})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 5, 1)}],
        "Users": users,
    })
    _, issued = run_periods(book, "2026-05", "2026-08", "2026-11")
    assert amounts(managed(issued["2026-05"])) == [("STD", "4", "1200.00")]
    # Aug - Oct holds no true-down month: 4 users billed even though 2 leave on 10-01 (after the 08-05 cutoff anyway)
    assert amounts(managed(issued["2026-08"])) == [("STD", "4", "1200.00")]
    # Nov - Jan contains January: the actual 2 users are billed, 2 x 100.00 x 3
    assert amounts(managed(issued["2026-11"])) == [("STD", "2", "600.00")]


def test_quarterly_cycle_without_a_true_down_month_keeps_the_higher_count() -> None:
    users = [{"Client ID": "C1", "User Name": f"U{i}", "Added On": date(2026, 1, 2),
              "Removed On": date(2026, 12, 1) if i < 2 else None} for i in range(4)]
    book = book_of({
        "Clients": [client(**{"Start Date": date(2026, 8, 1), "Frequency": "quarterly"})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 8, 1)}],
        "Users": users,
    })
    _, issued = run_periods(book, "2026-08", "2026-11", "2027-02")
    assert amounts(managed(issued["2026-11"])) == [("STD", "4", "1200.00")]  # removals after the cutoff
    assert amounts(managed(issued["2027-02"])) == [("STD", "4", "1200.00")]  # Feb - Apr: the decrease waits
