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
from mspxl.records import Book, Invoice

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


def assert_re_adds_and_a_second_run_is_a_no_op(book: Book, issued: list[Invoice], periods: list[str]) -> None:
    """Every invoice re-adds from its lines (each line quantity x unit price, rounded to cents), and billing the
    same periods again issues nothing."""
    for inv in issued:
        assert inv.subtotal == sum((ln.amount for ln in inv.lines), start=Decimal(0))
        assert inv.total == inv.subtotal + inv.tax
        for ln in inv.lines:
            assert ln.amount == cents(ln.quantity * ln.unit_price)
            assert ln.amount == ln.amount.quantize(Decimal("0.01"))
    for period in periods:
        assert plan_period(book, period).new == ()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books(), st.lists(st.sampled_from(PERIODS), min_size=1, max_size=4, unique=True).map(sorted))
def test_totals_re_add_numbers_are_gapless_and_a_second_run_is_a_no_op(sheets, periods) -> None:  # noqa: ANN001
    """Periods are billed in calendar order, as an MSP bills them. (Billing an earlier month after a later one can
    turn a month that came to 0.00, and so was not issued, into a month with a bill: the earlier month becomes the
    later one's previous invoice under the true-down rule. Issued invoices are never issued again either way:
    tests/test_rule_register.py.)"""
    book, issued = run_periods(book_of(sheets), *periods)
    every = [inv for run in issued.values() for inv in run]
    assert_re_adds_and_a_second_run_is_a_no_op(book, every, periods)
    numbers = [int(inv.number[4:]) for inv in book.invoices]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len({inv.key for inv in book.invoices}) == len(book.invoices)
    entries = [entry for inv in every for entry in inv.work_entry_ids]
    assert len(entries) == len(set(entries))  # no work row billed twice


@st.composite
def books_with_models(draw: st.DrawFn) -> tuple[dict[str, list[dict[str, object]]], dict[str, object]]:
    """The same random books with the billing models on top: tiers on STD and AV, minimums, prepaid blocks, and
    prorated additions on or off."""
    from bookdata import SERVICES

    sheets = draw(books())
    mode = st.sampled_from(("graduated", "volume"))
    modes = {"STD": draw(mode), "AV": draw(mode)}
    sheets["Services"] = [{**s, "Tier Mode": modes.get(str(s["Service Code"]))} for s in SERVICES]
    sheets["Tiers"] = [{"Service Code": code, "From Qty": start, "Unit Price": draw(money)}
                       for code in modes for start in (1, *sorted(draw(st.sets(st.integers(2, 8), max_size=2))))]
    for sub in sheets["Subscriptions"]:
        if sub["Service Code"] in ("STD", "PREM", "SRV", "AV") and draw(st.booleans()):
            sub["Minimum Qty"] = draw(st.integers(0, 5))
    sheets["Blocks"] = [
        {"Block ID": f"B{i}", "Client ID": c["Client ID"], "Hours": draw(st.integers(1, 10)), "Price": draw(money),
         "Purchased On": draw(day), "Expires On": draw(st.one_of(st.none(), st.just(date(2026, 12, 31))))}
        for i, c in enumerate(sheets["Clients"]) if draw(st.booleans())
    ]
    for block in sheets["Blocks"]:
        if block["Expires On"] is not None and block["Expires On"] < block["Purchased On"]:  # type: ignore[operator]
            block["Expires On"] = None
    return sheets, {"Prorate Additions": draw(st.sampled_from(("none", "daily")))}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books_with_models(), st.lists(st.sampled_from(PERIODS), min_size=1, max_size=4, unique=True).map(sorted))
def test_tiers_minimums_additions_and_blocks_keep_totals_and_a_second_run_a_no_op(case, periods) -> None:  # noqa: ANN001
    sheets, setting_rows = case
    book, issued = run_periods(book_of(sheets, settings=setting_rows), *periods)
    every = [inv for run in issued.values() for inv in run]
    assert_re_adds_and_a_second_run_is_a_no_op(book, every, periods)
    bought = [b for inv in every for b in inv.block_ids]
    assert len(bought) == len(set(bought))  # a block's purchase is billed once
    drawn: dict[str, Decimal] = {}
    for inv in every:
        for ln in inv.lines:
            if " from block " in ln.description:
                block_id = ln.description.split(" from block ")[1].split(":")[0]
                drawn[block_id] = drawn.get(block_id, Decimal(0)) + ln.quantity
    hours = {b.block_id: b.hours for b in book.blocks}
    assert all(drawn[b] <= hours[b] for b in drawn)  # never more hours from a block than it holds


def _billed_lines(issued: dict[str, tuple[Invoice, ...]]) -> dict[tuple[str, str], list[tuple[object, ...]]]:
    lines: dict[tuple[str, str], list[tuple[object, ...]]] = {}
    for period, run in issued.items():
        for inv in run:
            lines.setdefault((inv.client_id, period), []).extend(
                (ln.service_code, ln.quantity, ln.unit_price, ln.amount) for ln in inv.lines)
    return lines


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books(), st.lists(st.sampled_from(PERIODS), min_size=1, max_size=4, unique=True).map(sorted), st.data())
def test_one_invoice_bills_the_same_lines_once_and_price_changes_keep_totals(sheets, periods, data) -> None:  # noqa: ANN001
    """With random clients on One Invoice and random Price Changes, each client's month bills the same lines as it
    would on separate invoices, on one invoice; totals re-add, numbers stay gapless, a second run is a no-op."""
    sheets["Price Changes"] = [{"Service Code": code, "Client ID": data.draw(st.sampled_from(
        [None, *(c["Client ID"] for c in sheets["Clients"])])), "Effective From": period, "Unit Price": price}
        for code, period, price in data.draw(st.lists(st.tuples(st.sampled_from(CODES), st.sampled_from(PERIODS),
                                                                money), max_size=3, unique_by=lambda t: t[:2]))]
    _, separate = run_periods(book_of(sheets), *periods)
    ones = {str(c["Client ID"]) for c in sheets["Clients"] if data.draw(st.booleans())}
    sheets["Clients"] = [{**c, "One Invoice": "Y" if c["Client ID"] in ones else "N"} for c in sheets["Clients"]]
    book, combined = run_periods(book_of(sheets), *periods)
    assert _billed_lines(combined) == _billed_lines(separate)
    def subtotals(issued: dict[str, tuple[Invoice, ...]]) -> dict[tuple[str, str], Decimal]:
        sums: dict[tuple[str, str], Decimal] = {}
        for period, run in issued.items():
            for inv in run:
                sums[(inv.client_id, period)] = sums.get((inv.client_id, period), Decimal(0)) + inv.subtotal
        return sums

    assert subtotals(combined) == subtotals(separate)
    for run in combined.values():
        assert all((inv.type == "combined") == (inv.client_id in ones) for inv in run)
        assert len({inv.client_id for inv in run if inv.client_id in ones}) == sum(inv.client_id in ones for inv in run)
    every = [inv for run in combined.values() for inv in run]
    assert_re_adds_and_a_second_run_is_a_no_op(book, every, periods)
    numbers = [int(inv.number[4:]) for inv in book.invoices]
    assert numbers == list(range(1, len(numbers) + 1))
