"""Which ACH debits are due on a date, and what each one is for.

Choices where the rules are silent:
- One debit per invoice: every managed, service and project invoice of an autopay client due on the date, for what
  is still unpaid of it the day before (cleared payments and credit notes taken off). A fee invoice is not debited
  on its own: it is collected by the retry of the debit it charges for.
- A retry is due on a returned ACH debit's retry date when a fee was charged for it (the first return of an
  episode; a second return sends the client to collections instead), for the returned amount plus the fee, never
  more than the client's balance the day before. A return whose code makes a retry pointless is not retried.
- A debit is written once per date and invoice: the Payment ID of a recorded debit starts `ACH-YYYYMMDD-`
  (the date it was written for), and stays so when a return changes the row's Date and Status.
- A client without a valid routing number or an account gets no debit; the run reports it.
- A client in the collections process (on credit or service hold after returned debits: a second return, or a return
  whose code means the account cannot be debited) gets no new debit: the policy hands it to the billing team, who
  collect by hand; the run reports it. Debits resume once the client is paid up (back to `current`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from mspxl.ach.returncodes import retry_is_pointless
from mspxl.ach.routing import account_is_valid, routing_is_valid
from mspxl.collections import fees as fee_rules
from mspxl.collections import states
from mspxl.collections.history import ClientHistory, client_history
from mspxl.money import ZERO
from mspxl.records import Book, Client, Invoice, Payment

DEBITED_TYPES = ("managed", "service", "project")


@dataclass(frozen=True)
class DueDebit:
    client: Client
    invoice_number: str
    amount: Decimal
    kind: str  # invoice | retry
    retry_of: str = ""  # the returned Payment ID a retry collects again


@dataclass(frozen=True)
class NotDebited:
    client_id: str
    client_name: str
    reason: str


def payment_id_prefix(on: date) -> str:
    """Debits written for a date carry Payment IDs `ACH-YYYYMMDD-...`."""
    return f"ACH-{on:%Y%m%d}-"


def already_written(payments: tuple[Payment, ...], on: date) -> set[str]:
    """The invoice numbers a debit was already written for on this date."""
    prefix = payment_id_prefix(on)
    return {p.invoice_number for p in payments if p.id.startswith(prefix)}


def debits_due(book: Book, on: date) -> tuple[list[DueDebit], list[NotDebited]]:
    """Every autopay client's debits due on `on`: open invoices due that day and retries whose retry date it is,
    except those already written for that date; and the clients left out, with the reason."""
    day_before = on - timedelta(days=1)
    written = already_written(book.payments, on)
    charged = fee_rules.fees_by_payment(book.invoices)
    invoices_of: dict[str, list[tuple[int, Invoice]]] = defaultdict(list)
    for order, inv in enumerate(book.invoices):
        invoices_of[inv.client_id].append((order, inv))
    payments_of: dict[str, list[Payment]] = defaultdict(list)
    for payment in book.payments:
        payments_of[payment.client_id].append(payment)

    due: list[DueDebit] = []
    left_out: list[NotDebited] = []
    for client in book.clients:
        if not client.autopay:
            continue
        history = client_history(book.settings, client, invoices_of[client.id], payments_of[client.id], charged,
                                 day_before, draft_order=len(book.invoices))
        wanted = [
            DueDebit(client, item.number, item.remaining, "invoice")
            for item in history.ledger.open_items
            if item.due_date == on and item.type in DEBITED_TYPES and item.number
        ]
        wanted += retries_due(book, client, history.new_fees, payments_of[client.id], on, history.ledger.balance)
        wanted = [d for d in wanted if d.invoice_number not in written]
        if not wanted:
            continue
        if in_collections(history):
            left_out.append(NotDebited(client.id, client.name, f"on {history.state.replace('_', ' ')} since "
                                       f"{history.since}: collected by hand until paid up"))
            continue
        if not (routing_is_valid(client.bank_routing) and account_is_valid(client.bank_account)):
            left_out.append(NotDebited(client.id, client.name, "no valid Bank Routing and Bank Account"))
            continue
        due.extend(wanted)
    return due, left_out


def in_collections(history: ClientHistory) -> bool:
    """After returned debits have put the client on credit or service hold, no new debit is written: the collections
    process (the billing team) takes over until the client is paid up."""
    return states.is_hold(history.state) and history.episode is not None and history.episode.returns > 0


def retries_due(book: Book, client: Client, drafts: tuple[Invoice, ...], payments: list[Payment], on: date,
                balance: Decimal) -> list[DueDebit]:
    """The retry of each returned debit whose fee is due on `on`: the returned amount plus the fee, at most the
    balance."""
    fees = [inv for inv in (*book.invoices, *drafts)
            if inv.client_id == client.id and inv.type == "fee" and inv.due_date == on]
    returned = {p.id: p for p in payments if fee_rules.starts_retry_policy(p)}
    result = []
    for fee in fees:
        payment = returned.get(fee.related_invoice)
        if payment is None or retry_is_pointless(payment.return_code):
            continue
        amount = min(fee_rules.retry_amount(fee_rules.returned_amount(payment), fee.total), balance)
        if amount <= ZERO:
            continue
        balance -= amount
        result.append(DueDebit(client, payment.invoice_number or fee.number, amount, "retry", payment.id))
    return result
