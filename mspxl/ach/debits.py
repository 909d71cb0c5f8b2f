"""Which ACH debits are due on a date, and what each one is for.

Choices where the rules are silent:
- One debit per invoice: every managed, service and project invoice of an autopay client due on the date, for what
  is still unpaid of it the day before (cleared payments and credit notes taken off). A fee invoice is not debited
  with them: it is a Return Fee Entry of its own (below).
- A retry (the Nacha Operating Rules' reinitiation) is due on a returned ACH debit's retry date when it is the first
  return of an episode, was returned R01 or R09, and the retry date falls within 180 days of the debit; it is for
  the returned entry's amount, in a batch of its own described `RETRY PYMT`. One retry per returned entry (the seed
  policy; the Rules allow two): a retry that comes back sends the client to collections. When the client has paid
  part of the returned amount since, a retry for the same amount would take too much, so none is written and the
  run says why.
- The fee of a retried debit is debited the same day as a Return Fee Entry of its own (batch `RETURN FEE`), for what
  is unpaid of the fee invoice, when Settings `Debit Return Fee` is Y and the fee invoice has been issued (so the
  client has had notice of it: a fee still only a draft is left out, and the run says so).
- A debit is written once per date and invoice: the Payment ID of a recorded debit starts `ACH-YYYYMMDD-`
  (the date it was written for), and stays so when a return changes the row's Date and Status.
- A client without a valid routing number or an account gets no debit; the run reports it.
- A client whose debit came back because the account cannot be debited (R02, R03, R04, R12, R14, R15, R16, R20) gets
  no debit until other bank details are on the Clients sheet; one whose debit came back because the authorization
  is gone (R05, R07, R08, R10, R11, R29) none until a newer authorization is dated in Clients Debit Authorized On
  (`mspxl/ach/blocks.py`), even once paid up by check: the run reports it, with the return, its date and what
  lifts it (also when the client is on hold, after the hold's reason).
- A client in the collections process (on credit or service hold after returned debits: a second return, or a return
  whose code means the account cannot be debited) gets no new debit: the policy hands it to the billing team, who
  collect by hand; the run reports it. Debits resume once the client is paid up (back to `current`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from mspxl.ach.blocks import blocked_reason, debit_blocks
from mspxl.ach.routing import account_is_valid, routing_is_valid
from mspxl.billing.terms import debit_date
from mspxl.collections import states
from mspxl.collections.fees import fees_by_payment, starts_retry_policy
from mspxl.collections.history import ClientHistory, client_history
from mspxl.money import ZERO, cents
from mspxl.records import PERIOD_TYPES, Book, Client, Invoice, Payment

DEBITED_TYPES = PERIOD_TYPES


@dataclass(frozen=True)
class DueDebit:
    client: Client
    invoice_number: str
    amount: Decimal
    kind: str  # invoice | retry | fee
    retry_of: str = ""  # the returned Payment ID a retry (or its fee) collects again


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
    charged = fees_by_payment(book.invoices)
    invoices_of: dict[str, list[tuple[int, Invoice]]] = defaultdict(list)
    for order, inv in enumerate(book.invoices):
        invoices_of[inv.client_id].append((order, inv))
    payments_of: dict[str, list[Payment]] = defaultdict(list)
    for payment in book.payments:
        payments_of[payment.client_id].append(payment)

    debit_on = {inv.number: debit_date(inv, book.settings) for inv in book.invoices}  # the ACH day, whatever the terms
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
            if debit_on.get(item.number, item.due_date) == on and item.type in DEBITED_TYPES and item.number
        ]
        retries, not_retried = retries_due(book, client, history, on)
        wanted = [d for d in wanted + retries if d.invoice_number not in written]
        left_out += not_retried
        if not wanted:
            continue
        blocks = debit_blocks(client, payments_of[client.id])
        if in_collections(history):
            left_out.append(NotDebited(client.id, client.name, "; ".join(filter(None, (
                f"on {history.state.replace('_', ' ')} since {history.since}: collected by hand until paid up",
                blocked_reason(blocks))))))
            continue
        if not (routing_is_valid(client.bank_routing) and account_is_valid(client.bank_account)):
            left_out.append(NotDebited(client.id, client.name, "no valid Bank Routing and Bank Account"))
            continue
        if blocks:
            left_out.append(NotDebited(client.id, client.name, blocked_reason(blocks)))
            continue
        due.extend(wanted)
    return due, left_out


def clients_not_debited(book: Book, on: date) -> dict[str, str]:
    """The clients whose invoices `mspxl ach` would not debit, judged on `on`, with the reason: not on autopay, no
    valid bank details, awaiting new bank details or a new authorization after a return (`debit_blocks`), or in the
    collections process after returned debits. Their invoices and emails say how to pay instead of promising a debit."""
    returned = {p.client_id for p in book.payments if starts_retry_policy(p)}
    payments_of: dict[str, list[Payment]] = defaultdict(list)  # each client's payments, found once for all clients
    for payment in book.payments:
        payments_of[payment.client_id].append(payment)
    reasons: dict[str, str] = {}
    for client in book.clients:
        if not client.autopay:
            reasons[client.id] = "not on autopay"
        elif not (routing_is_valid(client.bank_routing) and account_is_valid(client.bank_account)):
            reasons[client.id] = "no valid Bank Routing and Bank Account"
        elif blocks := debit_blocks(client, payments_of[client.id]):
            reasons[client.id] = blocked_reason(blocks)
        elif client.id in returned:
            invoices = [(order, inv) for order, inv in enumerate(book.invoices) if inv.client_id == client.id]
            history = client_history(book.settings, client, invoices, payments_of[client.id],
                                     fees_by_payment(book.invoices), on,
                                     draft_order=len(book.invoices))
            if in_collections(history):
                reasons[client.id] = f"on {history.state.replace('_', ' ')}"
    return reasons


def in_collections(history: ClientHistory) -> bool:
    """After returned debits have put the client on credit or service hold, no new debit is written: the collections
    process (the billing team) takes over until the client is paid up."""
    return states.is_hold(history.state) and history.episode is not None and history.episode.returns > 0


def retries_due(book: Book, client: Client, history: ClientHistory, on: date
                ) -> tuple[list[DueDebit], list[NotDebited]]:
    """The retry of the episode's first returned debit when its retry date is `on` (the returned entry's amount),
    and its fee as a Return Fee Entry (what is unpaid of the fee invoice)."""
    episode = history.episode
    retried = episode.retried if episode is not None else None
    if retried is None or retried.retry_on != on:
        return [], []
    payment = retried.payment
    fee = next((inv for inv in book.invoices if inv.client_id == client.id and inv.type == "fee"
                and inv.related_invoice == payment.id), None)
    fee_open = next((item.remaining for item in history.ledger.open_items if fee is not None
                     and item.number == fee.number), ZERO)
    owed = sum((item.remaining for item in history.ledger.open_items if item.type != "fee" and item.due_date < on),
               ZERO)
    due: list[DueDebit] = []
    left_out: list[NotDebited] = []
    if owed >= retried.amount:
        due.append(DueDebit(client, retried.invoice_number, retried.amount, "retry", payment.id))
    elif owed > ZERO:
        left_out.append(NotDebited(client.id, client.name, f"paid {retried.amount - owed:,.2f} of the returned "
                                   f"{retried.amount:,.2f} since: a retry must be for the returned amount; the rest "
                                   "is collected by hand"))
    if not book.settings.debit_return_fee:
        return due, left_out
    if fee is None and history.new_fees:
        left_out.append(NotDebited(client.id, client.name, "return fee not issued yet (run collect first): "
                                   "not debited"))
    elif fee is not None and fee_open > ZERO:
        due.append(DueDebit(client, fee.number, cents(fee_open), "fee", payment.id))
    return due, left_out
