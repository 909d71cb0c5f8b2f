"""Subscriptions Minimum Qty: the billed count is never below it, and the line says so; the true-down rule works
on the count before the minimum."""

from datetime import date

from bookdata import book_of, client, load
from scenario import amounts, managed, run_periods


def people(names: str, added: date, removed: date | None = None) -> list[dict[str, object]]:
    return [{"Client ID": "C1", "User Name": n, "Added On": added, "Removed On": removed} for n in names.split()]


def test_a_minimum_of_10_with_7_users_and_a_true_down_month() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 1, 1),
                           "Minimum Qty": 10}],
        "Users": people("A B C D E F G", date(2026, 9, 1))
        + people("H I J K L", date(2026, 11, 1), removed=date(2026, 12, 1)),
    })
    _, issued = run_periods(book, "2026-10", "2026-11", "2026-12", "2027-01")
    october = managed(issued["2026-10"])
    assert amounts(october) == [("STD", "10", "1000.00")]  # 7 counted, billed at the minimum of 10 x 100.00
    assert october.lines[0].description == "Standard per-user package, Oct 2026, minimum 10 users (7 counted)"
    assert amounts(managed(issued["2026-11"])) == [("STD", "12", "1200.00")]  # above the minimum: no note
    assert "minimum" not in managed(issued["2026-11"]).lines[0].description
    assert amounts(managed(issued["2026-12"])) == [("STD", "12", "1200.00")]  # 5 left on 12-01: waits for January
    january = managed(issued["2027-01"])  # true-down: 7 counted, the minimum brings it to 10
    assert amounts(january) == [("STD", "10", "1000.00")]
    assert january.lines[0].description.endswith("minimum 10 users (7 counted)")


def test_the_decrease_rule_starts_from_the_count_before_the_minimum() -> None:
    """January billed the minimum of 10 for 7 users; the minimum ends; February (no true-down month) bills the 7
    counted in January, not the 10 of the minimum."""
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [
            {"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 1, 1), "End Date": date(2027, 2, 1),
             "Minimum Qty": 10},
            {"Client ID": "C1", "Service Code": "STD", "Start Date": date(2027, 2, 1)},
        ],
        "Users": people("A B C D E F G", date(2026, 9, 1)),
    })
    _, issued = run_periods(book, "2027-01", "2027-02")
    assert amounts(managed(issued["2027-01"])) == [("STD", "10", "1000.00")]
    assert amounts(managed(issued["2027-02"])) == [("STD", "7", "700.00")]


def test_a_minimum_on_a_flat_service_or_a_fraction_is_an_error() -> None:
    loaded = load({
        "Clients": [client()],
        "Subscriptions": [
            {"Client ID": "C1", "Service Code": "BASE", "Start Date": date(2026, 1, 1), "Minimum Qty": 3},
            {"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 1, 1), "Minimum Qty": "2.5"},
        ],
    })
    rendered = [p.render() for p in loaded.problems if p.severity.value == "error"]
    assert 'Subscriptions!H2 (Minimum Qty): "3" applies to per-user and per-device services, not to a flat one' \
        in rendered
    assert 'Subscriptions!H3 (Minimum Qty): "2.5" is not a whole number' in rendered
