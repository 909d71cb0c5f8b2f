"""Credit notes: negative register rows that cancel all or part of an issued invoice.

Choices where the rules are silent:
- `--amount` is what the client is credited in all (tax included). On a taxed invoice the tax share of it is the
  invoice's own proportion, `cents(amount x Tax / Total)`, so the credit note re-adds (Subtotal + Tax = Total).
- `--lines` credits those lines of the invoice in full; their tax is the invoice's tax in proportion to the taxable
  amount credited, rounded half-up.
- Without either, the whole invoice is credited: every line mirrored with its tax, or, when earlier credit notes
  already took part of it, one line for what is left.
- A credit note is issued on the day it is made, due that day, for the credited invoice's period; its Related
  Invoice is the credited invoice and each of its lines says why in its Description.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from mspxl.money import ZERO, cents
from mspxl.records import Book, Invoice, InvoiceLine

CREDITABLE_TYPES = ("managed", "service", "project", "combined", "fee")


class CreditRefused(Exception):
    """The credit note cannot be issued as asked; nothing is written. The message says why."""


def credit_notes_for(register: Sequence[Invoice], invoice_number: str) -> list[Invoice]:
    """The credit notes of the register whose Related Invoice is `invoice_number`."""
    return [inv for inv in register if inv.type == "credit" and inv.related_invoice == invoice_number]


def credited_so_far(register: Sequence[Invoice], invoice_number: str) -> Decimal:
    """What earlier credit notes took off the invoice, as a positive amount."""
    return -sum((cn.total for cn in credit_notes_for(register, invoice_number)), start=ZERO)


def uncredited(invoice: Invoice, register: Sequence[Invoice]) -> Decimal:
    """A credit note can never exceed what is left uncredited on its invoice: its total less earlier credit notes."""
    return invoice.total - credited_so_far(register, invoice.number)


def parse_line_numbers(text: str) -> tuple[int, ...]:
    """`2,3` -> (2, 3): the line numbers of the invoice to credit, each once."""
    numbers: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise CreditRefused(f"--lines takes line numbers separated by commas, like 2,3 (found {part!r})")
        if int(part) not in numbers:
            numbers.append(int(part))
    if not numbers:
        raise CreditRefused("--lines names no line")
    return tuple(numbers)


def find_invoice(book: Book, invoice_number: str) -> Invoice:
    """The register row to credit: an issued invoice, not a credit note."""
    for inv in book.invoices:
        if inv.number == invoice_number:
            if inv.type not in CREDITABLE_TYPES:
                raise CreditRefused(f"{invoice_number} is a {inv.type} note, not an invoice: it cannot be credited")
            return inv
    raise CreditRefused(f"{invoice_number} is not on the Invoices sheet")


def _why(reason: str, invoice_number: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise CreditRefused("a credit note needs a reason (--reason)")
    return f"Credit of {invoice_number}: {text}"


def _mirror(line: InvoiceLine, why: str, number: int) -> InvoiceLine:
    return InvoiceLine(number, line.service_code, f"{why} (line {line.line}: {line.description})", -line.quantity,
                       line.unit_price, -line.amount, line.taxable, line.unit)


def _tax_share(invoice: Invoice, taxable_credited: Decimal) -> Decimal:
    """The invoice's tax in proportion to the taxable amount credited."""
    taxable = sum((ln.amount for ln in invoice.lines if ln.taxable), start=ZERO)
    if invoice.tax == ZERO or taxable == ZERO:
        return ZERO
    return cents(invoice.tax * taxable_credited / taxable)


def credit_by_amount(invoice: Invoice, amount: Decimal, why: str) -> tuple[list[InvoiceLine], Decimal]:
    """One line crediting `amount` in all, tax included in the invoice's own proportion."""
    tax = cents(amount * invoice.tax / invoice.total) if invoice.total and invoice.tax else ZERO
    net = amount - tax
    line = InvoiceLine(1, "CREDIT", why, Decimal(-1), net, -net, tax != ZERO)
    return [line], -tax


def credit_by_lines(invoice: Invoice, numbers: Sequence[int], why: str) -> tuple[list[InvoiceLine], Decimal]:
    """The named lines of the invoice mirrored with negative amounts, with their share of the tax."""
    by_number = {ln.line: ln for ln in invoice.lines}
    missing = [n for n in numbers if n not in by_number]
    if missing:
        raise CreditRefused(f"{invoice.number} has no line {', '.join(map(str, missing))} "
                            f"(its lines are 1 to {len(invoice.lines)})")
    chosen = [by_number[n] for n in numbers]
    lines = [_mirror(ln, why, i) for i, ln in enumerate(chosen, start=1)]
    taxable = sum((ln.amount for ln in chosen if ln.taxable), start=ZERO)
    return lines, -_tax_share(invoice, taxable)


def credit_note(book: Book, invoice_number: str, issue_date: date, reason: str, amount: Decimal | None = None,
                lines: Sequence[int] = ()) -> Invoice:
    """A credit note for `invoice_number` (unnumbered), dated `issue_date`: Type credit, negative amounts, Related
    Invoice set, the reason in each line's Description. It can never exceed what is left uncredited on its invoice,
    and is dated on or after the invoice it credits."""
    if amount is not None and lines:
        raise CreditRefused("give --amount or --lines, not both")
    invoice = find_invoice(book, invoice_number)
    if issue_date < invoice.issue_date:
        raise CreditRefused(f"a credit note is dated on or after the invoice it credits: {invoice.number} was issued "
                            f"{invoice.issue_date.isoformat()}, so --date {issue_date.isoformat()} is too early")
    why = _why(reason, invoice.number)
    left = uncredited(invoice, book.invoices)
    if left <= ZERO:
        raise CreditRefused(f"{invoice.number} is already fully credited")
    if amount is not None:
        if amount != cents(amount) or amount <= ZERO:
            raise CreditRefused(f"--amount must be a positive amount in cents, like 125.00 (found {amount})")
        credit_lines, tax = credit_by_amount(invoice, amount, why)
    elif lines:
        credit_lines, tax = credit_by_lines(invoice, lines, why)
    elif left == invoice.total:
        credit_lines, tax = [_mirror(ln, why, i) for i, ln in enumerate(invoice.lines, start=1)], -invoice.tax
    else:
        credit_lines, tax = credit_by_amount(invoice, left, why + " (the rest of the invoice)")
    subtotal = sum((ln.amount for ln in credit_lines), start=ZERO)
    total = subtotal + tax
    if -total > left:
        raise CreditRefused(f"a credit of {-total} exceeds what is left uncredited on {invoice.number}: {left} "
                            f"(total {invoice.total}, already credited {invoice.total - left})")
    return Invoice(
        number="",
        client_id=invoice.client_id,
        client_name=invoice.client_name,
        type="credit",
        period=invoice.period,
        issue_date=issue_date,
        due_date=issue_date,
        subtotal=subtotal,
        tax=tax,
        total=total,
        lines=tuple(credit_lines),
        related_invoice=invoice.number,
        project_id=invoice.project_id,
        tax_rate=_tax_rate(book, invoice) if tax else ZERO,
    )


def _tax_rate(book: Book, invoice: Invoice) -> Decimal:
    """The rate shown beside the tax: the client's Tax Rate (the register keeps the tax, not the rate)."""
    try:
        return book.client(invoice.client_id).tax_rate
    except KeyError:
        return invoice.tax_rate
