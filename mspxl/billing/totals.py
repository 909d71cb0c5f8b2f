"""Invoice totals: line amounts are rounded per line, tax on the taxable lines (rounded once per invoice or per
line, Settings Tax Rounding), totals are sums."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from mspxl.billing.calendar import due_date, invoice_date
from mspxl.billing.terms import terms_due_date
from mspxl.money import ZERO, cents
from mspxl.records import Client, Invoice, InvoiceLine, Settings


def invoice_tax(lines: Sequence[InvoiceLine], tax_rate: Decimal, rounding: str = "invoice") -> Decimal:
    """Tax is computed on the sum of an invoice's taxable lines, then rounded half-up (Settings Tax Rounding
    `invoice`); with Tax Rounding `line` each taxable line's tax is rounded half-up and the results are added, as
    Xero and several accounting systems do, so the invoice's tax matches theirs to the cent."""
    if rounding == "line":
        return sum((cents(line.amount * tax_rate) for line in lines if line.taxable), start=ZERO)
    return cents(taxable_amount(lines) * tax_rate)


def taxable_amount(lines: Sequence[InvoiceLine]) -> Decimal:
    """The sum of the taxable lines: the amount the tax is charged on."""
    return sum((line.amount for line in lines if line.taxable), start=ZERO)


def invoice_totals(lines: Sequence[InvoiceLine], tax_rate: Decimal,
                   rounding: str = "invoice") -> tuple[Decimal, Decimal, Decimal]:
    """Totals are sums of rounded figures, so every document adds up when a person checks it with a calculator.
    Returns (subtotal, tax, total); the tax as `invoice_tax` rounds it."""
    subtotal = sum((line.amount for line in lines), start=ZERO)
    tax = invoice_tax(lines, tax_rate, rounding)
    return subtotal, tax, subtotal + tax


def numbered(lines: Sequence[InvoiceLine]) -> tuple[InvoiceLine, ...]:
    """Lines numbered 1, 2, 3... in the order given."""
    return tuple(replace(ln, line=i) for i, ln in enumerate(lines, start=1))


def period_invoice(client: Client, kind: str, period: str, lines: Sequence[InvoiceLine], settings: Settings,
                   **extra: object) -> Invoice:
    """An unnumbered invoice of the run for period M: issued on Invoice Day of M, due on ACH Day of M+1 or as the
    client's Terms say, its totals from its lines and the client's tax rate."""
    subtotal, tax, total = invoice_totals(lines, client.tax_rate, settings.tax_rounding)
    return Invoice(
        number="",
        client_id=client.id,
        client_name=client.name,
        type=kind,
        period=period,
        issue_date=invoice_date(period, settings),
        due_date=terms_due_date(invoice_date(period, settings), client.terms, due_date(period, settings)),
        subtotal=subtotal,
        tax=tax,
        total=total,
        lines=tuple(lines),
        tax_rate=client.tax_rate,
        **extra,  # type: ignore[arg-type]
    )
