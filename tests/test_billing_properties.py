"""Invariants over random valid workbooks: totals re-add, numbers are gapless, a second run is a no-op."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bookdata import book_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario import run_periods

from mspxl.billing.run import plan_period
from mspxl.money import cents

CODES = ("BASE", "STD", "PREM", "SRV", "AV", "STOR")
PERIODS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01")
day = st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 1, 31))
money = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def books(draw: st.DrawFn) -> dict[str, list[dict[str, object]]]:
    n = draw(st.integers(1, 4))
    clients, subs, users, devices, usage, work = [], [], [], [], [], []
    for i in range(n):
        cid = f"C{i}"
        clients.append({"Client ID": cid, "Name": f"Client {i}", "Email": f"c{i}@x.com", "Start Date": draw(day),
                        "Frequency": draw(st.sampled_from(("monthly", "monthly", "quarterly", "annual"))),
                        "Tax Rate": str(draw(st.decimals(0, Decimal("0.2"), places=4))),
                        "Hourly Rate": draw(money)})
        for code in draw(st.lists(st.sampled_from(CODES), unique=True, max_size=4)):
            start = draw(day)
            row: dict[str, object] = {"Client ID": cid, "Service Code": code, "Start Date": start}
            if code == "BASE":
                row["Quantity"] = draw(st.integers(1, 3))
            if draw(st.booleans()):
                row["Unit Price"] = draw(money)
            subs.append(row)
        for j in range(draw(st.integers(0, 6))):
            added = draw(day)
            removed = draw(st.one_of(st.none(), st.integers(1, 300).map(lambda d, a=added: a + timedelta(days=d))))
            users.append({"Client ID": cid, "User Name": f"u{j}", "Added On": added, "Removed On": removed})
            devices.append({"Client ID": cid, "Device Name": f"d{j}", "Added On": added,
                            "Device Type": draw(st.sampled_from(("Server", "Workstation")))})
        for period in draw(st.lists(st.sampled_from(PERIODS), unique=True, max_size=3)):
            usage.append({"Client ID": cid, "Period": period, "Service Code": "STOR",
                          "Quantity": draw(st.integers(0, 2000))})
        for k in range(draw(st.integers(0, 3))):
            work.append({"Entry ID": f"W{i}-{k}", "Client ID": cid, "Date": draw(day),
                         "Hours": str(draw(st.decimals(Decimal("0.25"), 8, places=2))), "Description": "work"})
    return {"Clients": clients, "Subscriptions": subs, "Users": users, "Devices": devices, "Usage": usage,
            "WorkLog": work}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books(), st.lists(st.sampled_from(PERIODS), min_size=1, max_size=4, unique=True).map(sorted))
def test_totals_re_add_numbers_are_gapless_and_a_second_run_is_a_no_op(sheets, periods) -> None:  # noqa: ANN001
    """Periods are billed in calendar order, as an MSP bills them. (Billing an earlier month after a later one can
    turn a month that came to 0.00, and so was not issued, into a month with a bill: the earlier month becomes the
    later one's previous invoice under the true-down rule. Issued invoices are never issued again either way:
    tests/test_rule_register.py.)"""
    book, issued = run_periods(book_of(sheets), *periods)
    every = [inv for run in issued.values() for inv in run]
    for inv in every:
        assert inv.subtotal == sum((ln.amount for ln in inv.lines), start=Decimal(0))
        assert inv.total == inv.subtotal + inv.tax
        for ln in inv.lines:
            assert ln.amount == cents(ln.quantity * ln.unit_price)
            assert ln.amount == ln.amount.quantize(Decimal("0.01"))
    numbers = [int(inv.number[4:]) for inv in book.invoices]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len({inv.key for inv in book.invoices}) == len(book.invoices)
    for period in periods:
        assert plan_period(book, period).new == ()
    entries = [entry for inv in every for entry in inv.work_entry_ids]
    assert len(entries) == len(set(entries))  # no work row billed twice
