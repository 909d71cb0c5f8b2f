"""A client's open items and unapplied credit, and how payments and credit notes are allocated to them.

The ledger is a frozen value: every function returns a new one. Paid items stay in it (with 0.00 remaining) so
that a payment naming an already paid invoice still finds it and passes its excess on.

Choices where the rules are silent:
- "Oldest" means earliest issue date, then earliest due date, then non-fee before fee, then register order
  (fee drafts of a run come after every register row, in the order they are drafted).
- A credit note (an invoice with a negative total) is allocated like a cleared payment naming its Related
  Invoice.
- A negative cleared payment (a refund paid out) first uses up unapplied credit; the rest is a charge due that
  day.
- A register row with a positive total is a charge whatever its Type; a zero total changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from mspxl.money import ZERO


@dataclass(frozen=True)
class OpenItem:
    """A charge on the client's account and what is still unpaid of it."""

    ref: str  # the invoice number, or a stand-in for a fee draft ("fee:<Payment ID>")
    number: str  # "" for a draft
    type: str
    issue_date: date
    due_date: date
    total: Decimal
    remaining: Decimal
    order: int  # register order, a tie-breaker among items issued and due the same day

    @property
    def fifo_key(self) -> tuple[date, date, bool, int]:
        return (self.issue_date, self.due_date, self.type == "fee", self.order)


@dataclass(frozen=True)
class Ledger:
    items: tuple[OpenItem, ...] = ()  # in FIFO order
    credit: Decimal = ZERO  # unapplied credit, >= 0; while it is positive every item is paid

    @property
    def balance(self) -> Decimal:
        """A client's balance = what is unpaid of its charges - its unapplied credit."""
        return sum((item.remaining for item in self.items), ZERO) - self.credit

    @property
    def open_items(self) -> tuple[OpenItem, ...]:
        return tuple(item for item in self.items if item.remaining > ZERO)


def _settle(items: list[OpenItem], index: int, left: Decimal) -> Decimal:
    item = items[index]
    paid = min(item.remaining, left)
    if paid > ZERO:
        items[index] = replace(item, remaining=item.remaining - paid)
    return left - paid


def later_invoices_consume_credit(ledger: Ledger, item: OpenItem) -> Ledger:
    """What is left over of a payment is a credit that later invoices consume."""
    items = sorted((*ledger.items, item), key=lambda it: it.fifo_key)
    position = items.index(item)
    left = _settle(items, position, ledger.credit)
    return Ledger(tuple(items), left)


def issue_charge(ledger: Ledger, item: OpenItem) -> Ledger:
    """An invoice issued adds its total to the client's balance; unapplied credit pays it first."""
    return later_invoices_consume_credit(ledger, item)


def settle_named_then_oldest(ledger: Ledger, amount: Decimal, invoice_number: str = "") -> Ledger:
    """Cleared payments settle the invoice they name (any excess goes on), else the oldest open invoices
    first; what is left over is a credit that later invoices consume."""
    items = list(ledger.items)
    left = amount
    if invoice_number:
        for index, item in enumerate(items):
            if item.number == invoice_number:
                left = _settle(items, index, left)
    for index in range(len(items)):
        if left <= ZERO:
            break
        left = _settle(items, index, left)
    return Ledger(tuple(items), ledger.credit + left)


def refund_uses_credit_first(ledger: Ledger, amount: Decimal, day: date, ref: str, order: int) -> Ledger:
    """A negative cleared payment (money paid back) first uses up unapplied credit; the rest is owed from that
    day."""
    owed = -amount
    used = min(ledger.credit, owed)
    ledger = Ledger(ledger.items, ledger.credit - used)
    if owed - used > ZERO:
        item = OpenItem(ref, "", "refund", day, day, owed - used, owed - used, order)
        ledger = issue_charge(ledger, item)
    return ledger


def apply_payment(
    ledger: Ledger, amount: Decimal, invoice_number: str, day: date, ref: str, order: int
) -> Ledger:
    """A cleared payment reduces the balance by its amount, allocated to the named invoice, then oldest
    first."""
    if amount < ZERO:
        return refund_uses_credit_first(ledger, amount, day, ref, order)
    return settle_named_then_oldest(ledger, amount, invoice_number)


def is_paid_up(ledger: Ledger, day: date) -> bool:
    """ "Paid up" means nothing past its due date is unpaid, fees included (invoices not yet due do not
    count)."""
    return all(item.due_date >= day for item in ledger.open_items)


def oldest_unpaid_due(ledger: Ledger) -> date | None:
    """The earliest due date among the items not fully paid, or None when nothing is unpaid."""
    dues = [item.due_date for item in ledger.open_items]
    return min(dues) if dues else None


def apply_credit_note(ledger: Ledger, credit_total: Decimal, related_invoice: str) -> Ledger:
    """A credit note (negative total in the register) settles the invoice it corrects, then the oldest open
    ones."""
    return settle_named_then_oldest(ledger, -credit_total, related_invoice)
