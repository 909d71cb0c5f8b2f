"""The managed-services invoice: one line per subscription in force (flat, per-user, per-device) plus usage lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from mspxl.billing.calendar import (
    client_is_billed,
    cycle_label,
    cycle_periods,
    invoice_date,
    month_label,
    period_index,
)
from mspxl.billing.counting import billed_count, count_at_cutoff
from mspxl.billing.totals import numbered, period_invoice
from mspxl.money import line_amount
from mspxl.records import Book, Client, Invoice, InvoiceLine, Service, Subscription, UsageRow


@dataclass(frozen=True)
class Skipped:
    """A client that gets no managed invoice this period, and why (reported by the run)."""

    client_id: str
    client_name: str
    reason: str


def subscriptions_in_force(book: Book, client: Client, cutoff) -> list[Subscription]:  # noqa: ANN001
    """A subscription applies to period M when its Start Date <= the cutoff and End Date is blank or > the cutoff,
    so an upgrade or downgrade entered mid-month shows on the next bill."""
    return [s for s in book.of_client(client.id, "subscriptions") if s.in_force(cutoff)]


def unit_price(subscription: Subscription, service: Service) -> Decimal:
    """A price in the Subscriptions row overrides the catalog."""
    return subscription.unit_price if subscription.unit_price is not None else service.unit_price


def previous_managed(book: Book, client_id: str, period: str) -> Invoice | None:
    """The client's latest managed invoice for a period before `period`."""
    earlier = [
        inv for inv in book.of_client(client_id, "invoices")
        if inv.type == "managed" and period_index(inv.period) < period_index(period)
    ]
    return max(earlier, key=lambda inv: (period_index(inv.period), inv.issue_date), default=None)


def previous_quantity(book: Book, previous: Invoice | None, service: Service) -> int | None:
    """Billed count of the previous invoice, per service line: the quantity on the previous managed invoice's line for
    the same Service Code; for per-user services, when the client changed package, the previous per-user line's
    quantity whatever its code."""
    if previous is None:
        return None
    for line in previous.lines:
        if line.service_code == service.code:
            return int(line.quantity)
    if service.model == "per_user":
        for line in previous.lines:
            old = book.services.get(line.service_code)
            if old is not None and old.model == "per_user":
                return int(line.quantity)
    return None


def subscription_line(book: Book, client: Client, sub: Subscription, periods: tuple[str, ...],
                      previous: Invoice | None) -> InvoiceLine:
    """flat: Quantity (default 1) x price; per_user / per_device: billed count x price. A cycle line's amount is
    quantity x monthly price x months in the cycle, rounded once; its description says the months covered."""
    service = book.services[sub.service_code]
    cutoff = invoice_date(periods[0], book.settings)
    months = len(periods)
    price = unit_price(sub, service) * months
    if service.model == "flat":
        quantity = sub.quantity if sub.quantity is not None else Decimal(1)
    else:
        seats = book.of_client(client.id, "users" if service.model == "per_user" else "devices")
        device_type = service.device_type if service.model == "per_device" else ""
        actual = count_at_cutoff(seats, client.id, cutoff, device_type)
        quantity = Decimal(billed_count(actual, previous_quantity(book, previous, service), periods, book.settings))
    description = f"{service.name}, {cycle_label(periods)}"
    if months > 1:
        description += f" ({months} months)"
    return InvoiceLine(0, service.code, description, quantity, price, line_amount(quantity, price),
                       service.taxable, service.unit)


def usage_in_arrears(book: Book, client: Client, period: str) -> list[UsageRow]:
    """usage is billed in arrears, like work: the run for period M bills each Usage row of the client and service whose
    Period is before M and that no earlier invoice billed."""
    return [
        row for row in book.of_client(client.id, "usage")
        if not row.invoice_number and period_index(row.period) < period_index(period)
    ]


def usage_line(book: Book, client: Client, row: UsageRow, cutoff) -> InvoiceLine:  # noqa: ANN001
    """Per row: quantity minus the service's Included Qty (never below 0), x price, on its own line naming the usage
    month, shown even when it comes to 0.00 so the client sees the allowance at work."""
    service = book.services[row.service_code]
    price = service.unit_price
    for sub in subscriptions_in_force(book, client, cutoff):
        if sub.service_code == service.code and sub.unit_price is not None:
            price = sub.unit_price
    billable = max(row.quantity - service.included_qty, Decimal(0))
    unit = f" {service.unit}" if service.unit else ""
    description = (f"{service.name}, {month_label(row.period)}: {_qty(row.quantity)}{unit} used, "
                   f"{_qty(service.included_qty)}{unit} included")
    return InvoiceLine(0, service.code, description, billable, price, line_amount(billable, price),
                       service.taxable, service.unit)


def _qty(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def managed_invoice(book: Book, client: Client, period: str) -> Invoice | Skipped | None:
    """The client's managed invoice for `period`, a Skipped with the reason, or None when the period is not the
    start of the client's cycle (quarterly and annual clients) or the client is not billed."""
    settings = book.settings
    if not client_is_billed(client, period, settings):
        return None
    periods = cycle_periods(client, period, settings)
    if periods is None:
        return None
    cutoff = invoice_date(period, settings)
    subs = [s for s in subscriptions_in_force(book, client, cutoff) if s.service_code in book.services]
    if not subs:
        return Skipped(client.id, client.name, "no subscription in force")
    previous = previous_managed(book, client.id, period)
    lines = [subscription_line(book, client, s, periods, previous)
             for s in subs if book.services[s.service_code].model != "usage"]
    usage_rows = [r for r in usage_in_arrears(book, client, period) if r.service_code in book.services]
    usage_rows.sort(key=lambda r: (r.period, r.service_code, r.row))
    lines += [usage_line(book, client, r, cutoff) for r in usage_rows]
    if not lines or all(line.amount == 0 for line in lines):
        return Skipped(client.id, client.name, "all lines come to 0.00")
    lines_t = numbered(lines)
    return period_invoice(client, "managed", period, lines_t, settings,
                          billed_users=billed_users(book, lines_t),
                          billed_devices=billed_devices(book, lines_t),
                          usage_rows=tuple(r.row for r in usage_rows))


def billed_users(book: Book, lines: Sequence[InvoiceLine]) -> int | None:
    """Billed Users counts people, not line quantities: every per-user line (helpdesk, Microsoft 365...) bills the
    same users, so an invoice's count is its largest per-user line's quantity (each line keeps its own quantity,
    which the decrease rule may hold above the actual count). None without a per-user line."""
    quantities = [int(ln.quantity) for ln in lines if _model(book, ln) == "per_user"]
    return max(quantities) if quantities else None


def billed_devices(book: Book, lines: Sequence[InvoiceLine]) -> int | None:
    """Billed Devices counts devices once: lines of one Device Type (or of none, which counts every device) bill
    the same devices, lines of different types (servers, workstations) different ones. The count is the larger of
    the untyped lines' largest quantity and the sum over Device Types of each type's largest. None without a
    per-device line."""
    by_type: dict[str, int] = {}
    for ln in lines:
        if _model(book, ln) == "per_device":
            kind = book.services[ln.service_code].device_type.strip().lower()
            by_type[kind] = max(by_type.get(kind, 0), int(ln.quantity))
    if not by_type:
        return None
    untyped = by_type.pop("", 0)
    return max(untyped, sum(by_type.values()))


def _model(book: Book, line: InvoiceLine) -> str:
    service = book.services.get(line.service_code)
    return service.model if service is not None else ""


__all__ = ["Skipped", "managed_invoice"]
