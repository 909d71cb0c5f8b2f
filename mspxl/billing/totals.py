"""Invoice totals: line amounts are rounded per line, tax on the sum of taxable lines, totals are sums."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from mspxl.money import ZERO, cents
from mspxl.records import InvoiceLine


def invoice_totals(lines: Sequence[InvoiceLine], tax_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Tax is computed on the sum of an invoice's taxable lines, then rounded half-up. Totals are sums of rounded
    figures, so every document adds up when a person checks it with a calculator. Returns (subtotal, tax, total)."""
    subtotal = sum((line.amount for line in lines), start=ZERO)
    taxable = sum((line.amount for line in lines if line.taxable), start=ZERO)
    tax = cents(taxable * tax_rate)
    return subtotal, tax, subtotal + tax


def numbered(lines: Sequence[InvoiceLine]) -> tuple[InvoiceLine, ...]:
    """Lines numbered 1, 2, 3... in the order given."""
    return tuple(
        InvoiceLine(i, ln.service_code, ln.description, ln.quantity, ln.unit_price, ln.amount, ln.taxable, ln.unit)
        for i, ln in enumerate(lines, start=1)
    )
