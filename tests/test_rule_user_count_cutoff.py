"""A user counts when Added On <= cutoff and Removed On is blank or > cutoff; the cutoff is the invoice date."""

from datetime import date
from decimal import Decimal

from bookdata import book_of, client
from scenario import amounts, managed, run_periods


def users(*rows: tuple[str, date, date | None]) -> list[dict[str, object]]:
    return [{"Client ID": "C1", "User Name": n, "Added On": a, "Removed On": r} for n, a, r in rows]


def test_user_added_the_day_after_the_cutoff_appears_one_invoice_later() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 1, 1)}],
        "Users": users(("Ann", date(2026, 1, 10), None),
                       ("Bob", date(2026, 11, 5), None),   # on the cutoff: counts
                       ("Cy", date(2026, 11, 6), None)),   # the day after: next bill
    })
    _, issued = run_periods(book, "2026-11", "2026-12")
    nov, dec = managed(issued["2026-11"]), managed(issued["2026-12"])
    assert nov.issue_date == date(2026, 11, 5)
    assert nov.due_date == date(2026, 12, 1)
    assert amounts(nov) == [("STD", "2", "200.00")]
    assert nov.billed_users == 2
    assert amounts(dec) == [("STD", "3", "300.00")]
    assert dec.total == Decimal("300.00")


def test_user_removed_on_the_cutoff_no_longer_counts() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 1, 1)}],
        "Users": users(("Ann", date(2026, 1, 10), None), ("Bob", date(2026, 1, 10), date(2026, 11, 5))),
    })
    _, issued = run_periods(book, "2026-11")
    assert amounts(managed(issued["2026-11"])) == [("STD", "1", "100.00")]
