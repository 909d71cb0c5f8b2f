"""Materials and one-off charges (the Charges sheet), billed in arrears as work is."""

from __future__ import annotations

from collections.abc import Iterable

from mspxl.billing.calendar import add_months, last_day
from mspxl.money import line_amount
from mspxl.records import CHARGE_CODE, Book, Charge, Client, InvoiceLine

LABOR, MATERIALS, CHARGES = "Labor", "Materials", "Charges"  # the sections of a service or project invoice


def charges_in_arrears(book: Book, client: Client, period: str) -> list[Charge]:
    """Charges are billed in arrears as work is: the run for month M takes the client's charges not yet invoiced and
    dated up to the end of M-1."""
    end = last_day(add_months(period, -1))
    return [c for c in book.of_client(client.id, "charges") if not c.invoice_number and c.date <= end]


def charge_line(charge: Charge, section: str = "") -> InvoiceLine:
    """A charge's line is its Quantity x Unit Price, rounded half-up to cents, taxed when its row is Taxable (the
    default); it reads `2026-11-14 Switch, 24-port`."""
    return InvoiceLine(0, CHARGE_CODE, charge_description(charge), charge.quantity, charge.unit_price,
                       line_amount(charge.quantity, charge.unit_price), charge.taxable, "", section)


def charge_description(charge: Charge) -> str:
    return f"{charge.date.isoformat()} {charge.description}"


def charge_lines(charges: Iterable[Charge], section: str) -> list[InvoiceLine]:
    """The charges' lines in date order (then sheet order), under `section`."""
    return [charge_line(c, section) for c in sorted(charges, key=lambda c: (c.date, c.row))]


def ordered_charges(charges: Iterable[Charge]) -> tuple[str, ...]:
    return tuple(c.charge_id for c in sorted(charges, key=lambda c: (c.date, c.row)))

