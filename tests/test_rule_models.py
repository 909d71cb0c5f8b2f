"""Billing models: flat, per_user, per_device (with Device Type), usage (minus Included Qty), hybrid; prices."""

from datetime import date

from bookdata import book_of, client
from scenario import amounts, managed, run_periods

START = date(2026, 1, 1)


def test_flat_quantity_and_price_override() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": START, "Quantity": 2,
                           "Unit Price": "450.50"}],
    })
    _, issued = run_periods(book, "2026-11")
    assert amounts(managed(issued["2026-11"])) == [("BASE", "2", "901.00")]


def test_per_device_counts_only_its_device_type() -> None:
    devices = [{"Client ID": "C1", "Device Name": f"S{i}", "Device Type": "Server", "Added On": START}
               for i in range(2)]
    devices += [{"Client ID": "C1", "Device Name": f"W{i}", "Device Type": "Workstation", "Added On": START}
                for i in range(3)]
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "SRV", "Start Date": START},
                          {"Client ID": "C1", "Service Code": "AV", "Start Date": START}],
        "Devices": devices,
    })
    _, issued = run_periods(book, "2026-11")
    inv = managed(issued["2026-11"])
    assert amounts(inv) == [("SRV", "2", "150.00"), ("AV", "5", "25.00")]
    assert inv.billed_devices == 5  # 2 servers and 3 workstations: each device counted once


def test_usage_in_arrears_minus_the_allowance_and_zero_lines_shown() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": START},
                          {"Client ID": "C1", "Service Code": "STOR", "Start Date": START}],
        "Usage": [
            {"Client ID": "C1", "Period": "2026-09", "Service Code": "STOR", "Quantity": 300},
            {"Client ID": "C1", "Period": "2026-10", "Service Code": "STOR", "Quantity": "620.5"},
            {"Client ID": "C1", "Period": "2026-11", "Service Code": "STOR", "Quantity": 900},  # not yet
        ],
    })
    book2, issued = run_periods(book, "2026-11", "2026-12")
    nov = managed(issued["2026-11"])
    assert amounts(nov) == [("BASE", "1", "500.00"), ("STOR", "0", "0.00"), ("STOR", "120.5", "12.05")]
    assert "Sep 2026: 300 GB used, 500 GB included" in nov.lines[1].description
    dec = managed(issued["2026-12"])
    assert amounts(dec) == [("BASE", "1", "500.00"), ("STOR", "400", "40.00")]
    assert {u.period: u.invoice_number for u in book2.usage} == {
        "2026-09": nov.number, "2026-10": nov.number, "2026-11": dec.number}


def test_hybrid_client_gets_one_invoice_with_a_line_each() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": c, "Start Date": START} for c in ("BASE", "STD")],
        "Users": [{"Client ID": "C1", "User Name": "A", "Added On": START}],
    })
    _, issued = run_periods(book, "2026-11")
    assert len(issued["2026-11"]) == 1
    assert amounts(managed(issued["2026-11"])) == [("BASE", "1", "500.00"), ("STD", "1", "100.00")]


def test_subscription_start_and_end_by_cutoff() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [
            {"Client ID": "C1", "Service Code": "BASE", "Start Date": START, "End Date": date(2026, 11, 5)},
            {"Client ID": "C1", "Service Code": "AV", "Start Date": date(2026, 11, 6)},
        ],
        "Devices": [{"Client ID": "C1", "Device Name": "PC", "Added On": START}],
    })
    _, issued = run_periods(book, "2026-10", "2026-11", "2026-12")
    assert amounts(managed(issued["2026-10"])) == [("BASE", "1", "500.00")]
    assert issued["2026-11"] == ()  # BASE ended on the cutoff, AV starts after it
    assert amounts(managed(issued["2026-12"])) == [("AV", "1", "5.00")]


def test_all_zero_managed_invoice_is_not_issued() -> None:
    book = book_of({
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": START}],
    })
    from mspxl.billing.run import plan_period

    plan = plan_period(book, "2026-11")
    assert plan.new == ()
    assert [(s.client_id, s.reason) for s in plan.skipped] == [("C1", "all lines come to 0.00")]


def test_inactive_or_ended_client_gets_no_managed_invoice() -> None:
    book = book_of({
        "Clients": [client("C1", Status="inactive"), client("C2", **{"End Date": date(2026, 11, 5)})],
        "Subscriptions": [{"Client ID": c, "Service Code": "BASE", "Start Date": START} for c in ("C1", "C2")],
    })
    _, issued = run_periods(book, "2026-10", "2026-11")
    assert [i.client_id for i in issued["2026-10"]] == ["C2"]
    assert issued["2026-11"] == ()
