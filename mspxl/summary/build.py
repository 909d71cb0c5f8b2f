"""A period's monthly summary from a book: the figures, the tables and the 12-month trend.

Collections, aging and outstanding balances are those of the collections engine as of the period's last day, so
they match what `mspxl collect --as-of` that day reports. A returned debit whose fee is not yet in the register
counts in the balances as the engine's draft (`unissued_fees` says how many), as it would after `collect`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from mspxl.billing.blocks import prepaid_hours_left
from mspxl.billing.calendar import add_months, last_day, parse_period
from mspxl.collections import STATES, CollectionsResult, run_collections
from mspxl.collections.engine import collections_and_outstanding, outstanding_at
from mspxl.collections.model import ClientStatus
from mspxl.money import ZERO
from mspxl.records import Book, Client, Invoice
from mspxl.summary import figures as F
from mspxl.summary.margin import margin_report
from mspxl.summary.model import CashFigures, ClientRevenue, MonthlySummary, TrendPoint


def collections_as_of(book: Book, period: str) -> CollectionsResult:
    """Collections and aging as of the period's last day."""
    return run_collections(book.settings, book.clients, book.invoices, book.payments, last_day(period))


def collections_and_trend_balances(book: Book, period: str) -> tuple[CollectionsResult, list[Decimal]]:
    """`collections_as_of` the period, and the outstanding balance at the last day of each month of its trend, from
    one replay of each client's history."""
    days = [last_day(p) for p in F.trend_periods(period)]
    return collections_and_outstanding(book.settings, book.clients, book.invoices, book.payments, days[-1], days)


def outstanding_balance(result: CollectionsResult) -> Decimal:
    """The outstanding balance is the sum of every client's balance (unapplied credit nets)."""
    return sum((status.balance for status in result.statuses), ZERO)


def past_due_amount(result: CollectionsResult) -> Decimal:
    """Past due is what is open more than 0 days after its due date (the aging buckets after Current)."""
    return sum((row.days_1_30 + row.days_31_60 + row.days_61_90 + row.over_90 for row in result.aging), ZERO)


def counts_by_state(statuses: tuple[ClientStatus, ...], clients: Mapping[str, Client], day: date) -> dict[str, int]:
    """Clients by collections state: the active clients and every other client with a balance or a state."""
    counted = Counter(
        status.state
        for status in statuses
        if status.on_collections_sheet or (status.client_id in clients and F.is_active(clients[status.client_id], day))
    )
    return {state: counted.get(state, 0) for state in STATES}


def client_rows(
    book: Book, period: str, invoices: tuple[Invoice, ...], result: CollectionsResult,
    covering: Mapping[str, Invoice] | None = None,
) -> tuple[ClientRevenue, ...]:
    """A row for every client billed in the period, counted in its MRR, with a balance or with prepaid hours left,
    in Clients order. `covering`: the period's covering invoices, when already found."""
    clients = {c.id: c for c in book.clients}
    if covering is None:
        covering = F.covering_invoices(book.invoices, clients, period)
    mrr = F.client_mrr(covering, clients)
    users = F.seats_of(covering, "users")
    devices = F.seats_of(covering, "devices")
    statuses = {s.client_id: s for s in result.statuses}
    billed: dict[str, list[Invoice]] = {}
    for inv in invoices:
        billed.setdefault(inv.client_id, []).append(inv)
    order = [c.id for c in book.clients]
    order += [cid for cid in billed if cid not in clients]
    rows = []
    for cid in order:
        status = statuses.get(cid)
        balance = status.balance if status is not None else ZERO
        hours = prepaid_hours_left(book, clients[cid], last_day(period)) if cid in clients else ZERO
        if cid not in billed and cid not in mrr and balance == ZERO and not hours:
            continue
        mine = billed.get(cid, [])
        name = clients[cid].name if cid in clients else mine[0].client_name
        rows.append(ClientRevenue(
            client_id=cid,
            client_name=name,
            by_type=F.totals_of_types(mine, book.of_client(cid, "work"), book.of_client(cid, "charges")),
            subtotal=sum((i.subtotal for i in mine), ZERO),
            tax=sum((i.tax for i in mine), ZERO),
            total=sum((i.total for i in mine), ZERO),
            mrr=mrr.get(cid, ZERO),
            billed_users=users.get(cid, 0),
            billed_devices=devices.get(cid, 0),
            balance=balance,
            state=status.state if status is not None else "",
            block_hours=hours,
        ))
    return tuple(rows)


def trend(book: Book, period: str, clients: Mapping[str, Client],
          covering: Mapping[str, Mapping[str, Invoice]] | None = None,
          cash: Mapping[str, CashFigures] | None = None,
          outstanding: Sequence[Decimal] | None = None) -> tuple[TrendPoint, ...]:
    """The twelve months ending with `period`, each with its billed total, MRR, cash collected and returned, and the
    outstanding balance at its last day; the register, the payments and each client's history are gone through
    once for all twelve (the outstanding figures are those `collections_as_of` gives month by month).
    `covering`, `cash` and `outstanding`: each month's covering invoices, cash figures and outstanding balance,
    when already worked out."""
    periods = F.trend_periods(period)
    billed = dict.fromkeys(periods, ZERO)
    for inv in book.invoices:
        if inv.period in billed:
            billed[inv.period] += inv.total
    if covering is None:
        covering = F.covering_by_period(book.invoices, clients, periods)
    mrr = {p: F.mrr_of(covering[p], clients) for p in periods}
    if cash is None:
        cash = F.cash_by_period(book.payments, periods)
    if outstanding is None:
        outstanding = outstanding_at(book.settings, book.clients, book.invoices, book.payments,
                                     [last_day(p) for p in periods])
    return tuple(TrendPoint(period=p, billed=billed[p], mrr=mrr[p], collected=cash[p].collected,
                            returned=cash[p].returned, outstanding=owed)
                 for p, owed in zip(periods, outstanding, strict=True))


def build_summary(
    book: Book, period: str, prepared_on: date, documents: Mapping[str, str] | None = None
) -> MonthlySummary:
    """The monthly summary of `period`; `documents` maps invoice numbers to links to their documents."""
    parse_period(period)
    clients = {c.id: c for c in book.clients}
    invoices = F.invoices_of_period(book.invoices, period)
    result, outstanding = collections_and_trend_balances(book, period)
    as_of = last_day(period)
    previous = add_months(period, -1)
    months = F.trend_periods(period)  # the previous period among them
    covering = F.covering_by_period(book.invoices, clients, months)
    cash = F.cash_by_period(book.payments, months)
    return MonthlySummary(
        period=period,
        as_of=as_of,
        prepared_on=prepared_on,
        settings=book.settings,
        by_type=F.totals_by_type(invoices),
        mrr=F.mrr_of(covering[period], clients),
        previous_mrr=F.mrr_of(covering[previous], clients),
        cash=cash[period],
        outstanding=outstanding_balance(result),
        past_due=past_due_amount(result),
        clients=F.client_counts(book.clients, period),
        users=F.seat_change(F.seats_of(covering[period], "users"), F.seats_of(covering[previous], "users")),
        devices=F.seat_change(F.seats_of(covering[period], "devices"), F.seats_of(covering[previous], "devices")),
        states=counts_by_state(result.statuses, clients, as_of),
        revenue_by_client=client_rows(book, period, invoices, result, covering[period]),
        revenue_by_service=F.revenue_by_service(invoices, book.services),
        invoices=invoices,
        collections=tuple(s for s in result.statuses if s.on_collections_sheet),
        aging=result.aging,
        trend=trend(book, period, clients, covering, cash, outstanding),
        documents=dict(documents or {}),
        unissued_fees=len(result.new_fees),
        margin=margin_report(book, invoices),
    )
