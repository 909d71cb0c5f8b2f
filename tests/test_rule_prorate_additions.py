"""Settings Prorate Additions daily: users added after a quarterly or annual cycle invoice are billed on the next
monthly run, prorated: added count x cycle price x (days left in the cycle / days in the cycle)."""

from datetime import date
from decimal import Decimal

from bookdata import book_of, client
from scenario import amounts, managed, run_periods


def annual_client_with_two_users_added_on_day_100(prorate: str = "daily") -> dict:
    users = [{"Client ID": "C1", "User Name": f"U{i}", "Added On": date(2026, 11, 1)} for i in range(5)]
    # The cycle runs 2026-12-01 to 2027-11-30 (365 days); day 100 is 2027-03-10.
    users += [{"Client ID": "C1", "User Name": f"N{i}", "Added On": date(2027, 3, 10)} for i in range(2)]
    return book_of({
        "Clients": [client(Frequency="annual", **{"Start Date": date(2026, 12, 1)})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 12, 1)}],
        "Users": users,
    }, settings={"Prorate Additions": prorate})


def test_an_annual_client_adding_2_users_on_day_100_of_a_365_day_cycle() -> None:
    book = annual_client_with_two_users_added_on_day_100()
    _, issued = run_periods(book, "2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-12")
    assert amounts(managed(issued["2026-12"])) == [("STD", "5", "6000.00")]  # 5 x 100.00 x 12 months
    assert issued["2027-03"] == ()  # the cutoff of 03-05 is before the addition
    april = managed(issued["2027-04"])
    # days left 2027-03-10..2027-11-30 = 266 of 365; 1,200.00 x 266 / 365 = 874.5205 -> 874.52; x 2 = 1,749.04
    assert amounts(april) == [("STD", "2", "1749.04")]
    assert april.lines[0].unit_price == Decimal("874.52")
    assert april.lines[0].description == (
        "Standard per-user package: 2 users added on 2027-03-10, prorated 266/365 days of Dec 2026 - Nov 2027 "
        "at 1200.00")
    assert (april.issue_date, april.due_date, april.billed_users) == (date(2027, 4, 5), date(2027, 5, 1), 2)
    assert issued["2027-05"] == ()  # billed once
    # the next cycle bills the 7 users in full
    assert amounts(managed(issued["2027-12"])) == [("STD", "7", "8400.00")]


def test_without_prorating_an_addition_waits_for_the_next_cycle() -> None:
    book = annual_client_with_two_users_added_on_day_100("none")
    _, issued = run_periods(book, "2026-12", "2027-04", "2027-12")
    assert issued["2027-04"] == ()
    assert amounts(managed(issued["2027-12"])) == [("STD", "7", "8400.00")]


def test_a_decrease_mid_cycle_is_not_refunded_and_a_later_addition_nets_it() -> None:
    users = [{"Client ID": "C1", "User Name": f"U{i}", "Added On": date(2026, 11, 1)} for i in range(4)]
    users.append({"Client ID": "C1", "User Name": "Leaver", "Added On": date(2026, 11, 1),
                  "Removed On": date(2027, 1, 10)})
    users.append({"Client ID": "C1", "User Name": "Joiner", "Added On": date(2027, 1, 20)})
    users.append({"Client ID": "C1", "User Name": "Second", "Added On": date(2027, 2, 1)})
    book = book_of({
        "Clients": [client(Frequency="quarterly", **{"Start Date": date(2026, 12, 1)})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 12, 1)}],
        "Users": users,
    }, settings={"Prorate Additions": "daily"})
    _, issued = run_periods(book, "2026-12", "2027-01", "2027-02")
    assert amounts(managed(issued["2026-12"])) == [("STD", "5", "1500.00")]  # 5 x 100.00 x 3
    assert issued["2027-01"] == ()  # one left, none counted yet: nothing refunded, nothing billed
    # 02-05: 6 counted against 5 billed: one net addition, the latest newcomer (02-01):
    # cycle 2026-12-01..2027-02-28 = 90 days; left 02-01..02-28 = 28; 300.00 x 28 / 90 = 93.33
    assert amounts(managed(issued["2027-02"])) == [("STD", "1", "93.33")]
