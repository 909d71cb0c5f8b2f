"""The managed-services invoice: one line per subscription in force (flat, per-user, per-device) plus usage lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from mspxl.billing.additions import addition_lines, additions_only, additions_since
from mspxl.billing.calendar import (
    client_is_billed,
    cycle_label,
    cycle_periods,
    invoice_date,
    month_label,
    period_index,
)
from mspxl.billing.counting import billed_count, count_at_cutoff
from mspxl.billing.minimums import at_minimum, counted_on, minimum_note, seat_noun
from mspxl.billing.one_invoice import managed_part
from mspxl.billing.prices import catalogue_price, own_price, price_in_effect
from mspxl.billing.tiers import bands_text, tier_bands
from mspxl.billing.totals import numbered, period_invoice
from mspxl.money import line_amount
from mspxl.records import Book, Client, Invoice, InvoiceLine, Seat, Service, Subscription, Tier, UsageRow


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


def previous_managed(book: Book, client_id: str, period: str) -> Invoice | None:
    """The client's latest managed invoice for a period before `period` that bills its cycle (an invoice holding
    only additions billed mid-cycle is not one); of a One Invoice client, its combined invoice's managed lines."""
    parts = (managed_part(inv) for inv in book.of_client(client_id, "invoices"))
    earlier = [
        inv for inv in parts
        if inv is not None and period_index(inv.period) < period_index(period) and not additions_only(inv)
    ]
    return max(earlier, key=lambda inv: (period_index(inv.period), inv.issue_date), default=None)


def _same_family(book: Book, service: Service) -> Callable[[str], bool]:
    """Lines of the same Service Code; for per-user services, when the client changed package, the per-user lines
    whatever their code."""
    if service.model != "per_user":
        return lambda code: code == service.code

    def per_user(code: str) -> bool:
        old = book.services.get(code)
        return code == service.code or (old is not None and old.model == "per_user")

    return per_user


def previous_quantity(book: Book, previous: Invoice | None, service: Service,
                      later: Sequence[Invoice] = ()) -> int | None:
    """Billed count of the previous invoice, per service line: the quantity on the previous managed invoice's line for
    the same Service Code; for per-user services, when the client changed package, the previous per-user line's
    quantity whatever its code. Tier bands of one service add up; a count raised to a subscription's minimum counts
    as it was counted; additions billed mid-cycle since (`later`) count too."""
    if previous is None:
        return None
    family = _same_family(book, service)
    codes = [ln.service_code for ln in previous.lines if ln.service_code == service.code]
    if not codes:
        codes = [ln.service_code for ln in previous.lines if family(ln.service_code)][:1]
    if not codes:
        return None
    count = counted_on(previous.lines, codes[0])
    return count + sum(int(ln.quantity) for inv in later for ln in inv.lines if family(ln.service_code))


def seats_of(book: Book, client: Client, service: Service) -> tuple[Seat, ...]:
    """The Users rows of a per-user service, the Devices rows of a per-device one."""
    return book.of_client(client.id, "users" if service.model == "per_user" else "devices")


def subscription_lines(book: Book, client: Client, sub: Subscription, periods: tuple[str, ...],
                       previous: Invoice | None, later: Sequence[Invoice] = ()) -> list[InvoiceLine]:
    """flat: Quantity (default 1) x price; per_user / per_device: billed count x price, never below the
    subscription's Minimum Qty. A cycle line's amount is quantity x monthly price x months in the cycle, rounded once;
    its description says the months covered. A service with tiers is billed by its bands."""
    service = book.services[sub.service_code]
    cutoff = invoice_date(periods[0], book.settings)
    months = len(periods)
    label = cycle_label(periods) + (f" ({months} months)" if months > 1 else "")
    note = ""
    if service.model == "flat":
        quantity = sub.quantity if sub.quantity is not None else Decimal(1)
    else:
        device_type = service.device_type if service.model == "per_device" else ""
        actual = count_at_cutoff(seats_of(book, client, service), client.id, cutoff, device_type)
        counted = billed_count(actual, previous_quantity(book, previous, service, later), periods, book.settings)
        billed = at_minimum(counted, sub.minimum_qty)
        note = minimum_note(counted, billed, seat_noun(service))
        quantity = Decimal(billed)
    own = own_price(book, client.id, service, periods[0], sub)
    tiers = book.tiers.get(service.code, ()) if own is None else ()
    if not tiers:
        price = (own if own is not None else catalogue_price(book, service, periods[0])) * months
        return [InvoiceLine(0, service.code, f"{service.name}, {label}{note}", quantity, price,
                            line_amount(quantity, price), service.taxable, service.unit)]
    return tiered_lines(service, tiers, quantity, months, f"{service.name}, {label}", note)


def tiered_lines(service: Service, tiers: Sequence[Tier], quantity: Decimal, months: int, heading: str,
                 note: str) -> list[InvoiceLine]:
    """One line per band used (graduated) or one line at the band reached (volume); the description names the bands,
    the first line carries the minimum's note."""
    bands = tier_bands(tiers, service.tier_mode, quantity)
    noun = seat_noun(service)
    lines = []
    for i, band in enumerate(bands):
        if service.tier_mode == "graduated":
            text = f"{heading}: {noun} {band.label}"
        else:
            text = f"{heading}: {_qty(quantity)} {noun} at the {band.label} price"
        if i == 0:
            text += f"{note} ({bands_text(tiers, service.tier_mode)})"
        price = band.price * months
        lines.append(InvoiceLine(0, service.code, text, band.quantity, price, line_amount(band.quantity, price),
                                 service.taxable, service.unit))
    return lines


def usage_in_arrears(book: Book, client: Client, period: str) -> list[UsageRow]:
    """usage is billed in arrears, like work: the run for period M bills each Usage row of the client and service whose
    Period is before M and that no earlier invoice billed."""
    return [
        row for row in book.of_client(client.id, "usage")
        if not row.invoice_number and period_index(row.period) < period_index(period)
    ]


def usage_line(book: Book, client: Client, row: UsageRow, period: str, cutoff) -> InvoiceLine:  # noqa: ANN001
    """Per row: quantity minus the service's Included Qty (never below 0), x price, on its own line naming the usage
    month, shown even when it comes to 0.00 so the client sees the allowance at work. The price is the one in effect
    on the first day of the invoice's month."""
    service = book.services[row.service_code]
    priced = [s for s in subscriptions_in_force(book, client, cutoff)
              if s.service_code == service.code and s.unit_price is not None]
    price = price_in_effect(book, client.id, service, period, priced[-1] if priced else None)
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
    cutoff = invoice_date(period, settings)
    subs = [s for s in subscriptions_in_force(book, client, cutoff) if s.service_code in book.services]
    if periods is None:
        return additions_invoice(book, client, period, subs)
    if not subs:
        return Skipped(client.id, client.name, "no subscription in force")
    previous = previous_managed(book, client.id, period)
    later = additions_since(book, client.id, previous, period)
    lines = [line for s in subs if book.services[s.service_code].model != "usage"
             for line in subscription_lines(book, client, s, periods, previous, later)]
    usage_rows = [r for r in usage_in_arrears(book, client, period) if r.service_code in book.services]
    usage_rows.sort(key=lambda r: (r.period, r.service_code, r.row))
    lines += [usage_line(book, client, r, period, cutoff) for r in usage_rows]
    if not lines or all(line.amount == 0 for line in lines):
        return Skipped(client.id, client.name, "all lines come to 0.00")
    lines_t = numbered(lines)
    return period_invoice(client, "managed", period, lines_t, settings,
                          billed_users=billed_users(book, lines_t),
                          billed_devices=billed_devices(book, lines_t),
                          usage_rows=tuple(r.row for r in usage_rows))


def additions_invoice(book: Book, client: Client, period: str, subs: Sequence[Subscription]) -> Invoice | None:
    """In a month inside a quarterly or annual cycle: the users and devices added since the cycle invoice, prorated
    (Settings Prorate Additions daily), on a managed invoice of their own; None when there are none."""
    lines = addition_lines(book, client, period, subs)
    if not lines:
        return None
    lines_t = numbered(lines)
    return period_invoice(client, "managed", period, lines_t, book.settings,
                          billed_users=billed_users(book, lines_t),
                          billed_devices=billed_devices(book, lines_t))


def billed_users(book: Book, lines: Sequence[InvoiceLine]) -> int | None:
    """Billed Users counts people, not line quantities: every per-user line (helpdesk, Microsoft 365...) bills the
    same users, so an invoice's count is its largest per-user line's quantity (each line keeps its own quantity,
    which the decrease rule may hold above the actual count). None without a per-user line."""
    quantities = list(_per_service(book, lines, "per_user").values())
    return max(quantities) if quantities else None


def billed_devices(book: Book, lines: Sequence[InvoiceLine]) -> int | None:
    """Billed Devices counts devices once: lines of one Device Type (or of none, which counts every device) bill
    the same devices, lines of different types (servers, workstations) different ones. The count is the larger of
    the untyped lines' largest quantity and the sum over Device Types of each type's largest. None without a
    per-device line."""
    by_type: dict[str, int] = {}
    for code, quantity in _per_service(book, lines, "per_device").items():
        kind = book.services[code].device_type.strip().lower()
        by_type[kind] = max(by_type.get(kind, 0), quantity)
    if not by_type:
        return None
    untyped = by_type.pop("", 0)
    return max(untyped, sum(by_type.values()))


def _per_service(book: Book, lines: Sequence[InvoiceLine], model: str) -> dict[str, int]:
    """The quantity each service of `model` bills on the invoice: its lines added up (tier bands are a line each)."""
    totals: dict[str, int] = {}
    for ln in lines:
        if _model(book, ln) == model:
            totals[ln.service_code] = totals.get(ln.service_code, 0) + int(ln.quantity)
    return totals


def _model(book: Book, line: InvoiceLine) -> str:
    service = book.services.get(line.service_code)
    return service.model if service is not None else ""


__all__ = ["Skipped", "managed_invoice"]
