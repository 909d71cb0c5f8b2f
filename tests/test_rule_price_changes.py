"""Prices with effective dates: month M is billed at the price in effect on M's first day, a client's own price
(Subscriptions Unit Price or a client-specific change) before the catalogue's, and a reissue of an old month at
that month's prices."""

from datetime import date
from decimal import Decimal

from bookdata import book_of, client, load
from scenario import amounts, managed, run_periods

from mspxl.billing.prices import price_in_effect
from mspxl.commands.credit import plan_credit

START = date(2026, 1, 1)


def users(*ids: str) -> list[dict[str, object]]:
    return [{"Client ID": c, "User Name": f"u{i}", "Added On": START} for c in ids for i in range(3)]


def change(code: str, month: str, price: str, cid: str = "") -> dict[str, object]:
    return {"Service Code": code, "Client ID": cid or None, "Effective From": month, "Unit Price": price}


def test_a_change_effective_in_march_is_billed_in_march_not_february_and_february_reissued_at_its_price() -> None:
    book = book_of({
        "Clients": [client("C1")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": START},
                          {"Client ID": "C1", "Service Code": "STOR", "Start Date": START}],
        "Users": users("C1"),
        "Usage": [{"Client ID": "C1", "Period": "2027-02", "Service Code": "STOR", "Quantity": 800}],
        "Price Changes": [change("STD", "2027-03", "110.00"), change("STOR", "2027-03", "0.12")],
    })
    book2, issued = run_periods(book, "2027-02", "2027-03")
    february, march = managed(issued["2027-02"]), managed(issued["2027-03"])
    assert amounts(february) == [("STD", "3", "300.00")]  # 3 users x 100.00, the Services price
    # 3 x 110.00 = 330.00; February's 800 GB less 500 included = 300 GB x 0.12 (March's price) = 36.00
    assert amounts(march) == [("STD", "3", "330.00"), ("STOR", "300", "36.00")]
    assert march.total == Decimal("366.00")
    # In April, February is credited and reissued: at February's 100.00, not the 110.00 in effect now
    credited, note, reissued = plan_credit(book2, february.number, date(2027, 4, 10), "wrong contact", reissue=True)
    assert note.total == Decimal("-300.00")
    assert reissued is not None and reissued.period == "2027-02"
    assert amounts(reissued) == [("STD", "3", "300.00")] and reissued.total == Decimal("300.00")


def test_a_clients_own_price_and_a_later_client_change_win_over_the_catalogue() -> None:
    book = book_of({
        "Clients": [client("C2"), client("C3"), client("C4")],
        "Subscriptions": [{"Client ID": "C2", "Service Code": "STD", "Start Date": START, "Unit Price": 90},
                          {"Client ID": "C3", "Service Code": "STD", "Start Date": date(2027, 2, 1),
                           "Unit Price": 80},
                          {"Client ID": "C4", "Service Code": "STD", "Start Date": START}],
        "Users": users("C2", "C3", "C4"),
        "Price Changes": [change("STD", "2027-03", "110.00"), change("STD", "2027-04", "95.00", "C2"),
                          change("STD", "2027-01", "85.00", "C3"), change("STD", "2027-03", "99.00", "C4")],
    })
    _, issued = run_periods(book, "2027-02", "2027-03", "2027-04")
    totals = {(inv.client_id, inv.period): inv.total for month in issued.values() for inv in month}
    assert totals == {
        ("C2", "2027-02"): Decimal("270.00"),  # 3 x 90.00, the Subscriptions price
        ("C2", "2027-03"): Decimal("270.00"),  # the catalogue's 110.00 does not touch it
        ("C2", "2027-04"): Decimal("285.00"),  # 3 x 95.00: C2's own change, later than its subscription
        ("C3", "2027-02"): Decimal("240.00"),  # 3 x 80.00: the subscription started after C3's January change
        ("C3", "2027-03"): Decimal("240.00"),
        ("C3", "2027-04"): Decimal("240.00"),
        ("C4", "2027-02"): Decimal("300.00"),  # 3 x 100.00 until its own change
        ("C4", "2027-03"): Decimal("297.00"),  # 3 x 99.00: its own change beats the catalogue's 110.00
        ("C4", "2027-04"): Decimal("297.00"),
    }
    std = book.services["STD"]
    assert price_in_effect(book, "C9", std, "2027-02") == Decimal("100")
    assert price_in_effect(book, "C9", std, "2027-03") == Decimal("110.00")


def test_check_cites_every_bad_price_change_cell() -> None:
    loaded = load({
        "Clients": [client("C1")],
        "Tiers": [{"Service Code": "AV", "From Qty": 1, "Unit Price": 5}],
        "Services": [{"Service Code": "STD", "Name": "Std", "Model": "per_user", "Unit Price": 100},
                     {"Service Code": "AV", "Name": "AV", "Model": "per_device", "Unit Price": 5,
                      "Tier Mode": "volume"}],
        "Price Changes": [change("STD", "2027-03", "110"), change("NOPE", "2027-03", "1"),
                          change("STD", "2027-03", "1", "C9"), change("STD", "March", "1"),
                          change("STD", "2027-04", "-5"), change("STD", "2027-03", "120"),
                          change("AV", "2027-03", "6")],
    })
    errors = sorted(p.render() for p in loaded.problems if p.severity.value == "error")
    assert errors == [
        'Price Changes!A3 (Service Code): "NOPE" is not a known Service Code (Services)',
        'Price Changes!A8 (Service Code): "AV" is priced by its Tiers rows, so a change for every client would not '
        'apply: change the Tiers rows, or give a Client ID',
        'Price Changes!B4 (Client ID): "C9" is not a known Client ID (Clients sheet)',
        'Price Changes!C5 (Effective From): "March" is not a period (expected YYYY-MM, e.g. 2026-11)',
        'Price Changes!C7 (Effective From): "2027-03" repeats row 2: a second price of STD for every client from '
        'that month',
        'Price Changes!D6 (Unit Price): "-5" must not be negative',
    ]
