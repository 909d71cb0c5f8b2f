"""Decreases take effect only in True-Down Months (default January and July); the first invoice bills the actual
count; elsewhere the billed count is max(actual, previous invoice's count)."""

from datetime import date

from bookdata import book_of, client
from scenario import amounts, managed, run_periods


def five_users_two_leave_in_november() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"Client ID": "C1", "User Name": f"U{i}", "Added On": date(2026, 1, 2)} for i in range(3)
    ]
    rows += [{"Client ID": "C1", "User Name": f"L{i}", "Added On": date(2026, 1, 2),
              "Removed On": date(2026, 11, 1)} for i in range(2)]
    return rows


def test_a_decrease_in_november_bills_the_old_count_until_january() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 1, 1)}],
        "Users": five_users_two_leave_in_november(),
    })
    _, issued = run_periods(book, "2026-10", "2026-11", "2026-12", "2027-01", "2027-02")
    assert amounts(managed(issued["2026-10"])) == [("STD", "5", "500.00")]  # first invoice: actual
    assert amounts(managed(issued["2026-11"])) == [("STD", "5", "500.00")]  # decrease waits
    assert amounts(managed(issued["2026-12"])) == [("STD", "5", "500.00")]
    assert amounts(managed(issued["2027-01"])) == [("STD", "3", "300.00")]  # true-down month
    assert amounts(managed(issued["2027-02"])) == [("STD", "3", "300.00")]


def test_first_invoice_bills_the_actual_count_even_outside_a_true_down_month() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 1, 1)}],
        "Users": five_users_two_leave_in_november(),
    })
    _, issued = run_periods(book, "2026-11")
    assert amounts(managed(issued["2026-11"])) == [("STD", "3", "300.00")]


def test_true_down_months_come_from_settings() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 1, 1)}],
        "Users": five_users_two_leave_in_november(),
    }, settings={"True-Down Months": "12"})
    _, issued = run_periods(book, "2026-10", "2026-11", "2026-12")
    assert amounts(managed(issued["2026-11"])) == [("STD", "5", "500.00")]
    assert amounts(managed(issued["2026-12"])) == [("STD", "3", "300.00")]


def test_package_change_carries_the_previous_per_user_count() -> None:
    """Standard to Premium: the previous per-user line's quantity counts whatever its code."""
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [
            {"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 1, 1), "End Date": date(2026, 11, 20)},
            {"Client ID": "C1", "Service Code": "PREM", "Start Date": date(2026, 11, 20)},
        ],
        "Users": five_users_two_leave_in_november(),
    })
    _, issued = run_periods(book, "2026-10", "2026-11", "2026-12")
    assert amounts(managed(issued["2026-11"])) == [("STD", "5", "500.00")]
    # Dec: Premium in force (upgrade mid-November shows on the next bill); 3 actual, 5 previous -> 5 x 150.00
    assert amounts(managed(issued["2026-12"])) == [("PREM", "5", "750.00")]
