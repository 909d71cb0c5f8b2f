"""A client's balance by the formula of the rules, and the rows of a statement of account.

Choice where the rules are silent: on a statement, a returned payment is a row of its own with no effect on
the balance (it never reduced it); its description gives the amount that came back and the return code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from mspxl.ach.returncodes import describe
from mspxl.collections.actions import money_text
from mspxl.collections.fees import counts_as_paid
from mspxl.collections.model import StatementLine
from mspxl.money import ZERO
from mspxl.records import Invoice, Payment


def client_balance(
    client_id: str, invoices: Sequence[Invoice], payments: Sequence[Payment], as_of: date
) -> Decimal:
    """A client's balance as of date D = totals of invoices issued on or before D - cleared payments dated on
    or before D - credit notes (negative totals in the register, so they are summed with the invoices)."""
    issued = sum(
        (inv.total for inv in invoices if inv.client_id == client_id and inv.issue_date <= as_of), ZERO
    )
    paid = sum(
        (p.amount for p in payments if p.client_id == client_id and p.date <= as_of and counts_as_paid(p)),
        ZERO,
    )
    return issued - paid


WHAT = {"managed": "managed services", "service": "services", "project": "project", "combined": "monthly invoice"}


def _invoice_line(invoice: Invoice, paid_by: dict[str, str]) -> tuple[str, str]:
    """Every charge and credit names its number: `Invoice INV-000001: managed services 2027-05, due 2027-06-01`,
    `Processing fee INV-000004 on the returned debit of INV-000001`, `Credit note CN-000001 for INV-000002`."""
    number = invoice.number or "(number to follow)"
    if invoice.total < ZERO:
        related = f" for {invoice.related_invoice}" if invoice.related_invoice else ""
        return "credit", f"Credit note {number}{related}"
    if invoice.type == "fee":
        paid = paid_by.get(invoice.related_invoice, "")
        return "fee", f"Processing fee {number} on the returned debit" + (f" of {paid}" if paid else "")
    what = WHAT.get(invoice.type, invoice.type)
    period = f" {invoice.period}" if invoice.period else ""
    return "invoice", f"Invoice {number}: {what}{period}, due {invoice.due_date.isoformat()}"


def _payment_line(payment: Payment) -> tuple[str, str, Decimal]:
    named = f" for {payment.invoice_number}" if payment.invoice_number else ""
    if counts_as_paid(payment):
        return "payment", f"{payment.method} payment{named}", -payment.amount
    code = payment.return_code.strip().upper()
    why = f": {describe(code)} ({code})" if code else ""
    return "return", f"{payment.method} payment of {money_text(abs(payment.amount))}{named} returned{why}", ZERO


def statement_lines(
    client_id: str, invoices: Sequence[Invoice], payments: Sequence[Payment], start: date, end: date
) -> tuple[StatementLine, ...]:
    """A statement of account from `start` to `end`: the opening balance (as of the day before `start`), each
    invoice, fee, credit note, payment and returned payment in date order (on one day: invoices first, then
    credit notes, then payments), a running balance, and the closing balance as of `end`."""
    balance = client_balance(client_id, invoices, payments, start - timedelta(days=1))
    rows = [StatementLine(start, "opening", "", "Opening balance", ZERO, balance)]
    entries: list[tuple[date, int, int, StatementLine]] = []
    paid_by = {p.id: p.invoice_number for p in payments if p.client_id == client_id and p.invoice_number}
    for order, inv in enumerate(invoices):
        if inv.client_id != client_id or not start <= inv.issue_date <= end:
            continue
        kind, text = _invoice_line(inv, paid_by)
        rank = 1 if kind == "credit" else 0
        entries.append(
            (
                inv.issue_date,
                rank,
                order,
                StatementLine(inv.issue_date, kind, inv.number, text, inv.total, ZERO),
            )
        )
    for order, payment in enumerate(payments):
        if payment.client_id != client_id or not start <= payment.date <= end:
            continue
        kind, text, amount = _payment_line(payment)
        entries.append(
            (payment.date, 2, order, StatementLine(payment.date, kind, payment.id, text, amount, ZERO))
        )
    for _, _, _, line in sorted(entries, key=lambda entry: entry[:3]):
        balance += line.amount
        rows.append(
            StatementLine(line.date, line.kind, line.reference, line.description, line.amount, balance)
        )
    rows.append(StatementLine(end, "closing", "", "Closing balance", ZERO, balance))
    return tuple(rows)
