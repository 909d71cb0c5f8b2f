"""The figures of a monthly summary, each one rule computed from the register, the payments and the clients.

Choices where the rules are silent:
- An invoice belongs to the month of its Period (a fee's Period is its return's month; a credit note's is its
  own), so the month's figures add up to the register rows of that Period.
- MRR counts managed invoices only, before tax, and counts a quarterly or annual invoice in every month it
  covers: a third or a twelfth of it, by the client's Frequency, rounded half-up to cents per invoice.
- Billed users and devices of a month are those of each client's managed invoice covering it.
- "Active" clients have Status active, started on or before the month's last day and have not ended by it;
  "new" ones started in the month, "ended" ones have their End Date in it.
- Cash collected is the cleared payments dated in the month (a refund paid out counts negative); returned
  payments are the returned rows dated in the month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from mspxl.billing.calendar import CYCLE_MONTHS, add_months, first_day, last_day, parse_period, period_index
from mspxl.billing.combined_parts import invoice_parts
from mspxl.billing.one_invoice import managed_part
from mspxl.collections.fees import counts_as_paid, returned_amount
from mspxl.money import ZERO, cents
from mspxl.records import CHARGE_CODE, Charge, Client, Invoice, Payment, Service, WorkEntry
from mspxl.summary.model import (
    INVOICE_TYPES,
    CashFigures,
    ClientCounts,
    SeatChange,
    ServiceRevenue,
    TypeTotal,
)

WORK_CODE = "LABOR"
FEE_CODE = "FEE"
BLOCK_CODE = "BLOCK"
OTHER_SERVICES: dict[str, tuple[str, str]] = {
    WORK_CODE: ("Labor (work log)", "hourly"),
    CHARGE_CODE: ("Materials and one-off charges", "charge"),
    BLOCK_CODE: ("Prepaid hours (blocks)", "block"),
    FEE_CODE: ("Processing fees", "fee"),
}


def invoices_of_period(invoices: Iterable[Invoice], period: str) -> tuple[Invoice, ...]:
    """An invoice belongs to the month of its Period."""
    return tuple(inv for inv in invoices if inv.period == period)


def totals_by_type(invoices: Sequence[Invoice]) -> tuple[TypeTotal, ...]:
    """Totals billed by invoice type: count, subtotal, tax and total of the period's register rows of each type;
    credit notes are negative, so the sums net."""
    result = []
    known = [*INVOICE_TYPES, *sorted({inv.type for inv in invoices} - set(INVOICE_TYPES))]
    for kind in known:
        rows = [inv for inv in invoices if inv.type == kind]
        result.append(TypeTotal(
            kind,
            len(rows),
            sum((inv.subtotal for inv in rows), ZERO),
            sum((inv.tax for inv in rows), ZERO),
            sum((inv.total for inv in rows), ZERO),
        ))
    return tuple(result)


def totals_of_types(invoices: Iterable[Invoice], work: Iterable[WorkEntry], charges: Iterable[Charge]
                    ) -> dict[str, Decimal]:
    """A client's billing by invoice type (totals, tax included): a combined invoice counts in the managed, service
    and project columns by its lines (`invoice_parts`), so the columns add up to the client's total."""
    work, charges = tuple(work), tuple(charges)
    parts = [part for inv in invoices for part in invoice_parts(inv, work, charges)]
    return {kind: sum((p.total for p in parts if p.type == kind), ZERO) for kind in INVOICE_TYPES}


def cycle_months(client: Client | None) -> int:
    """A managed invoice covers its client's cycle: 1, 3 or 12 months by the client's Frequency."""
    if client is None:
        return 1
    return CYCLE_MONTHS.get(client.frequency, 1)


def covered(start: int, months: int) -> range:
    """A managed invoice of period Q (as `period_index`) for a cycle of n months covers Q to Q + n - 1."""
    return range(start, start + months)


def covering_invoices(
    invoices: Iterable[Invoice], clients: Mapping[str, Client], period: str
) -> dict[str, Invoice]:
    """For each client, its latest managed invoice whose cycle covers the period."""
    return covering_by_period(invoices, clients, (period,))[period]


def covering_by_period(
    invoices: Iterable[Invoice], clients: Mapping[str, Client], periods: Iterable[str]
) -> dict[str, dict[str, Invoice]]:
    """`covering_invoices` of each of `periods`, the register looked at once: each managed invoice (or combined
    invoice's managed part) counted in the periods its cycle covers (`covered`)."""
    wanted = {period_index(p): p for p in periods}
    found: dict[str, dict[str, Invoice]] = {p: {} for p in wanted.values()}
    start_of: dict[str, int] = {}
    for inv in filter(None, map(managed_part, invoices)):
        start = start_of.get(inv.period)
        if start is None:
            start = start_of[inv.period] = period_index(inv.period)
        for index in covered(start, cycle_months(clients.get(inv.client_id))):
            period = wanted.get(index)
            if period is None:
                continue
            held = found[period].get(inv.client_id)
            if held is None or (inv.period, inv.issue_date) > (held.period, held.issue_date):
                found[period][inv.client_id] = inv
    return found


def monthly_recurring_revenue(invoice: Invoice, months: int) -> Decimal:
    """A managed invoice counts towards MRR as its subtotal (before tax) divided by the months it covers, rounded
    half-up to cents: a quarterly invoice counts a third, an annual one a twelfth."""
    return cents(invoice.subtotal / Decimal(months))


def client_mrr(covering: Mapping[str, Invoice], clients: Mapping[str, Client]) -> dict[str, Decimal]:
    """Each client's MRR in a period, from the period's covering invoices: its covering managed invoice normalised
    to a month."""
    return {cid: monthly_recurring_revenue(inv, cycle_months(clients.get(cid))) for cid, inv in covering.items()}


def mrr(invoices: Iterable[Invoice], clients: Mapping[str, Client], period: str) -> Decimal:
    """MRR = the managed invoices covering the period, each normalised to a month."""
    return mrr_of(covering_invoices(invoices, clients, period), clients)


def mrr_of(covering: Mapping[str, Invoice], clients: Mapping[str, Client]) -> Decimal:
    """`mrr` from the period's covering invoices."""
    return sum(client_mrr(covering, clients).values(), ZERO)


def seats_of(covering: Mapping[str, Invoice], kind: str) -> dict[str, int]:
    """Billed users (kind "users") or devices ("devices") of each client, from the period's covering invoices: those
    of its covering managed invoice."""
    return {cid: (inv.billed_users if kind == "users" else inv.billed_devices) or 0 for cid, inv in covering.items()}


def seat_change(now: Mapping[str, int], before: Mapping[str, int]) -> SeatChange:
    """Billed count against the month before: the clients' increases (net new users, new clients) and their
    decreases (a true-down, an ended client) summed apart."""
    added = decreased = 0
    for cid in now.keys() | before.keys():
        delta = now.get(cid, 0) - before.get(cid, 0)
        if delta > 0:
            added += delta
        else:
            decreased -= delta
    return SeatChange(sum(now.values()), sum(before.values()), added, decreased)


def in_period(day: date, period: str) -> bool:
    return first_day(period) <= day <= last_day(period)


def cash_by_period(payments: Iterable[Payment], periods: Sequence[str]) -> dict[str, CashFigures]:
    """`cash_in_period` of each of `periods`, the payments looked at once (each by its date's month)."""
    dated: dict[tuple[int, int], list[Payment]] = {parse_period(p): [] for p in periods}
    for payment in payments:
        month = dated.get((payment.date.year, payment.date.month))
        if month is not None:
            month.append(payment)
    return {p: cash_in_period(dated[parse_period(p)], p) for p in periods}


def cash_in_period(payments: Iterable[Payment], period: str) -> CashFigures:
    """Cash collected is the cleared payments dated in the month; returned payments are the returned rows dated
    in the month (a returned row never counted as paid)."""
    collected: list[Decimal] = []
    returned: list[Decimal] = []
    first, last = first_day(period), last_day(period)
    for payment in payments:
        if not first <= payment.date <= last:
            continue
        if counts_as_paid(payment):
            collected.append(payment.amount)
        else:
            returned.append(returned_amount(payment))
    return CashFigures(sum(collected, ZERO), len(collected), sum(returned, ZERO), len(returned))


def is_active(client: Client, day: date) -> bool:
    """An active client has Status active, started on or before the day and has not ended by it."""
    return (
        client.status == "active"
        and client.start_date <= day
        and (client.end_date is None or client.end_date > day)
    )


def client_counts(clients: Iterable[Client], period: str) -> ClientCounts:
    """Clients active at the month's end, new (Start Date in the month) and ended (End Date in the month)."""
    clients = list(clients)
    end = last_day(period)
    return ClientCounts(
        active=sum(1 for c in clients if is_active(c, end)),
        new=sum(1 for c in clients if in_period(c.start_date, period)),
        ended=sum(1 for c in clients if c.end_date is not None and in_period(c.end_date, period)),
    )


def service_name(code: str, services: Mapping[str, Service]) -> tuple[str, str]:
    """A line's service name and model: the catalog's, else labor and fees by their codes."""
    service = services.get(code)
    if service is not None:
        return service.name, service.model
    return OTHER_SERVICES.get(code, (code or "(no code)", ""))


def revenue_by_service(invoices: Sequence[Invoice], services: Mapping[str, Service]) -> tuple[ServiceRevenue, ...]:
    """The period's invoice lines summed by Service Code (quantity and amount, before tax), in catalog order,
    then labor, charges, prepaid blocks, fees and any other code."""
    quantity: dict[str, Decimal] = defaultdict(lambda: Decimal(0))
    amount: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for inv in invoices:
        for line in inv.lines:
            quantity[line.service_code] += line.quantity
            amount[line.service_code] += line.amount
    order = [code for code in services if code in amount]
    order += [code for code in OTHER_SERVICES if code in amount and code not in services]
    order += [code for code in amount if code not in order]
    return tuple(
        ServiceRevenue(code, *service_name(code, services), quantity[code], amount[code]) for code in order
    )


def trend_periods(period: str, months: int = 12) -> tuple[str, ...]:
    """The last `months` periods, oldest first, ending with `period`."""
    return tuple(add_months(period, offset) for offset in range(1 - months, 1))
