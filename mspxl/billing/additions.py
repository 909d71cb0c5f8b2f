"""Users and devices added mid-term on quarterly and annual clients (Settings `Prorate Additions`).

With `none` (the default) an addition waits for the next cycle invoice. With `daily`, a net addition after a cycle
invoice is billed on the next monthly run, on a managed invoice of that month holding only such lines:
added count x cycle price x (days left in the cycle / days in the cycle). The prorated unit price is rounded half-up
to cents and the line is quantity x that price, so the line re-adds with a calculator. Decreases keep the
twice-a-year rule: nothing is refunded mid-cycle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from mspxl.billing.calendar import (
    CYCLE_MONTHS,
    add_months,
    cycle_label,
    cycle_periods,
    first_day,
    invoice_date,
    last_day,
    period_index,
)
from mspxl.billing.counting import count_at_cutoff
from mspxl.billing.minimums import seat_noun
from mspxl.billing.one_invoice import managed_part
from mspxl.billing.prices import price_in_effect
from mspxl.money import cents, line_amount
from mspxl.records import Book, Client, Invoice, InvoiceLine, Seat, Service, Subscription

_ADDED = re.compile(r" added on .+, prorated (\d+)/(\d+) days of ")


def is_addition_line(line: InvoiceLine) -> bool:
    """A line billing users or devices added mid-cycle (its description says so)."""
    return bool(_ADDED.search(line.description))


def additions_only(invoice: Invoice) -> bool:
    """A managed invoice that holds only additions billed mid-cycle."""
    return bool(invoice.lines) and all(is_addition_line(ln) for ln in invoice.lines)


def additions_since(book: Book, client_id: str, previous: Invoice | None, period: str) -> list[Invoice]:
    """The client's invoices of additions billed after its cycle invoice `previous` and before `period`."""
    if previous is None:
        return []
    low, high = period_index(previous.period), period_index(period)
    parts = (managed_part(inv) for inv in book.of_client(client_id, "invoices"))
    return [inv for inv in parts if inv is not None and low < period_index(inv.period) < high and additions_only(inv)]


def current_cycle(client: Client, period: str, book: Book) -> tuple[str, ...] | None:
    """The months of the cycle that `period` falls in, when it is not the cycle's first month."""
    months = CYCLE_MONTHS[client.frequency]
    for back in range(1, months):
        periods = cycle_periods(client, add_months(period, -back), book.settings)
        if periods is not None:
            return periods if period in periods else None
    return None


def cycle_invoice(book: Book, client: Client, periods: tuple[str, ...]) -> Invoice | None:
    """The managed invoice that billed the cycle, when it was issued."""
    for inv in map(managed_part, book.of_client(client.id, "invoices")):
        if inv is not None and inv.period == periods[0] and not additions_only(inv):
            return inv
    return None


def prorated_price(cycle_price: Decimal, added_on: date, periods: tuple[str, ...]) -> tuple[Decimal, int, int]:
    """cycle price x (days left in the cycle / days in the cycle), rounded half-up to cents; with the days left
    (the day added counts) and the days in the cycle."""
    start, end = first_day(periods[0]), last_day(periods[-1])
    days = (end - start).days + 1
    left = (end - max(added_on, start)).days + 1
    return cents(cycle_price * left / days), left, days


def _newcomers(seats: Sequence[Seat], client_id: str, since: date, cutoff: date, device_type: str) -> list[Seat]:
    """Seats counted at `cutoff` that were added after `since`, the latest first."""
    wanted = device_type.strip().lower()
    found = [s for s in seats if s.client_id == client_id and s.counts_at(cutoff) and s.added_on > since
             and (not wanted or s.kind.strip().lower() == wanted)]
    return sorted(found, key=lambda s: (s.added_on, s.row), reverse=True)


def _cycle_price(book: Book, sub: Subscription, service: Service, billed_lines: Sequence[InvoiceLine],
                 periods: Sequence[str]) -> Decimal:
    """The price per unit for the whole cycle: the cycle invoice's price for the service (its last tier band's, the
    marginal one), else the price in effect when the cycle began x months."""
    if billed_lines:
        return billed_lines[-1].unit_price
    return price_in_effect(book, sub.client_id, service, periods[0], sub) * len(periods)


def addition_lines(book: Book, client: Client, period: str, subs: Sequence[Subscription]) -> list[InvoiceLine]:
    """Prorate Additions daily: a net addition after a cycle invoice is billed on the next monthly run as a prorated
    line: added count x cycle price x (days left in the cycle / days in the cycle), rounded half-up per line,
    described with its dates. Decreases keep the twice-a-year rule."""
    if book.settings.prorate_additions != "daily" or client.frequency == "monthly":
        return []
    periods = current_cycle(client, period, book)
    billed_cycle = cycle_invoice(book, client, periods) if periods else None
    if periods is None or billed_cycle is None:
        return []
    earlier = additions_since(book, client.id, billed_cycle, period)
    cycle_cutoff, cutoff = invoice_date(periods[0], book.settings), invoice_date(period, book.settings)
    lines: list[InvoiceLine] = []
    for sub in subs:
        service = book.services[sub.service_code]
        if service.model not in ("per_user", "per_device"):
            continue
        seats = book.of_client(client.id, "users" if service.model == "per_user" else "devices")
        device_type = service.device_type if service.model == "per_device" else ""
        on_cycle = [ln for ln in billed_cycle.lines if ln.service_code == service.code]
        billed = sum((ln.quantity for ln in on_cycle), start=Decimal(0))
        billed += sum((ln.quantity for inv in earlier for ln in inv.lines if ln.service_code == service.code),
                      start=Decimal(0))
        net = count_at_cutoff(seats, client.id, cutoff, device_type) - int(billed)
        if net <= 0:
            continue
        price = _cycle_price(book, sub, service, on_cycle, periods)
        added = _newcomers(seats, client.id, cycle_cutoff, cutoff, device_type)[:net]
        dates = [s.added_on for s in added] + [cutoff] * (net - len(added))
        for day in sorted(set(dates)):
            count = Decimal(dates.count(day))
            unit, left, days = prorated_price(price, day, periods)
            text = (f"{service.name}: {int(count)} {seat_noun(service)} added on {day.isoformat()}, prorated "
                    f"{left}/{days} days of {cycle_label(periods)} at {price:.2f}")
            lines.append(InvoiceLine(0, service.code, text, count, unit, line_amount(count, unit),
                                     service.taxable, service.unit))
    return lines
