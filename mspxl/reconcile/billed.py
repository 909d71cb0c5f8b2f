"""What the workbook bills each client for each service in a month: the quantity on the managed invoice that covers
the month (issued, or as `mspxl invoice` would issue it), and for usage services the month's Usage rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from mspxl.billing.calendar import add_months, cycle_periods, invoice_date
from mspxl.billing.managed import managed_invoice
from mspxl.billing.one_invoice import managed_part
from mspxl.billing.prices import price_in_effect
from mspxl.records import Book, Client, Invoice, Subscription


@dataclass(frozen=True)
class Billed:
    quantity: Decimal
    unit_price: Decimal | None  # a month's price of one unit
    subscription: Subscription | None  # the Subscriptions row in force, when there is one
    invoice: str = ""  # the invoice number that billed it ("" when not issued yet)


def covering_invoice(book: Book, client: Client, period: str) -> tuple[Invoice | None, int]:
    """The client's managed invoice whose cycle holds `period` (a quarterly client's December is billed on the
    invoice of its cycle's first month), issued or drafted, and the months it covers."""
    for back in range(12):
        start = add_months(period, -back)
        months = cycle_periods(client, start, book.settings)
        if months is None or period not in months:
            continue
        issued = [part for part in map(managed_part, book.of_client(client.id, "invoices"))
                  if part is not None and part.period == start]
        if issued:
            return issued[0], len(months)
        draft = managed_invoice(book, client, start)
        return (draft if isinstance(draft, Invoice) else None), len(months)
    return None, 1


def subscriptions_at(book: Book, client: Client, period: str) -> dict[str, Subscription]:
    """Service Code -> the client's Subscriptions row in force at the month's invoice date."""
    cutoff = invoice_date(period, book.settings)
    return {s.service_code: s for s in book.of_client(client.id, "subscriptions")
            if s.in_force(cutoff) and s.service_code in book.services}


def billed_quantities(book: Book, period: str) -> dict[tuple[str, str], Billed]:
    """(Client ID, Service Code) -> what is billed for the month."""
    result: dict[tuple[str, str], Billed] = {}
    for client in book.clients:
        subs = subscriptions_at(book, client, period)
        invoice, months = covering_invoice(book, client, period)
        quantities: dict[str, Decimal] = defaultdict(Decimal)
        prices: dict[str, Decimal] = {}
        for line in invoice.lines if invoice else ():
            service = book.services.get(line.service_code)
            if service is None or service.model == "usage":
                continue
            quantities[line.service_code] += line.quantity
            prices[line.service_code] = line.unit_price / months
        for row in book.of_client(client.id, "usage"):
            if row.period == period and row.service_code in book.services:
                quantities[row.service_code] += row.quantity
        for code in set(quantities) | set(subs):
            sub = subs.get(code)
            price = prices.get(code)
            if price is None:
                price = price_in_effect(book, client.id, book.services[code], period, sub)
            number = invoice.number if invoice is not None and code in prices else ""
            result[(client.id, code)] = Billed(quantities.get(code, Decimal(0)), price, sub, number)
    return result


def unit_cost(book: Book, billed: Billed | None, service_code: str) -> Decimal | None:
    """A unit's monthly cost: the Subscriptions row's Unit Cost, else the catalog's."""
    if billed is not None and billed.subscription is not None and billed.subscription.unit_cost is not None:
        return billed.subscription.unit_cost
    service = book.services.get(service_code)
    return service.unit_cost if service is not None else None
