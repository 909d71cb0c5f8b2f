"""One client's collections history, replayed from its register rows and payments up to the run date.

Days are replayed in date order. On each day: first the states the calendar brings (a hold's date counts from
the start of its day), then invoices, then credit notes, then payments in Payments-sheet order ("on one day:
invoices first, then credit notes, then payments"). Nothing dated after the run date is read, so a run for a
past date gives the same answer whatever was recorded since.

Choices where the rules are silent:
- An episode starts when the client leaves `current` (a returned ACH debit or the calendar) and ends when it
  is paid up again; the retry policy counts returned ACH debits within it.
- A state the calendar brings because of a charge issued on a later day than its due date (a back-dated
  invoice) starts on the day that charge was issued, not before.
- A fee in the register dated the day of the returned payment it names is charged when that return is
  replayed (after the payments listed before it that day), exactly where a fee draft would be, so a run that
  finds the fee in the register gives the same answer as the run that drafted it.
- Work billed while on hold: a service or project invoice issued on a day the client is on credit or service
  hold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from mspxl.collections import fees as fee_rules
from mspxl.collections import ledger as ledger_rules
from mspxl.collections import states
from mspxl.collections.ledger import Ledger, OpenItem
from mspxl.collections.model import StateEvent
from mspxl.collections.returned import ReturnedDebit, returned_debit
from mspxl.money import ZERO
from mspxl.records import Client, Invoice, Payment, Settings

WORK_TYPES = ("service", "project")


@dataclass(frozen=True)
class Episode:
    """From leaving `current` to being paid up again."""

    started: date
    returns: int = 0  # returned ACH debits in this episode
    first_return: Payment | None = None
    fee: Decimal = ZERO  # the fee charged for the first returned debit
    retried: ReturnedDebit | None = None  # the first returned debit, retried (R01/R09)
    last_returned: ReturnedDebit | None = None  # the latest returned debit of the episode
    no_retry: str = ""  # why the debit is not retried: a return code that makes a retry pointless
    work_on_hold: tuple[str, ...] = ()  # service / project invoices issued while on hold
    ended: date | None = None
    ended_from: str = ""  # the state the client left when it was paid up


@dataclass(frozen=True)
class ClientHistory:
    client: Client
    state: str
    since: date | None
    events: tuple[StateEvent, ...]
    ledger: Ledger
    new_fees: tuple[Invoice, ...]  # fee drafts this replay charged, in return-date order
    fees_charged: Decimal
    episode: Episode | None  # the open episode, else the last one that ended
    pending_debits: tuple[Payment, ...] = ()  # ACH debits sent and not yet cleared or returned, in date order


def invoice_ref(invoice: Invoice, order: int) -> str:
    """The reference of a register row on the ledger: its number, or a stand-in for a draft."""
    if invoice.number:
        return invoice.number
    return f"{invoice.type}:{invoice.related_invoice or order}"


def is_credit_note(invoice: Invoice) -> bool:
    """A credit note's amounts are negative in the register, so sums net."""
    return invoice.total < ZERO


class _Replay:
    """The running state of one client's replay; used only inside `client_history`."""

    def __init__(self, settings: Settings, client: Client, charged: Mapping[str, Invoice], draft_order: int):
        self.settings = settings
        self.client = client
        self.charged = charged
        self.draft_order = draft_order
        self.ledger = Ledger()
        self.state = states.CURRENT
        self.since: date | None = None
        self.events: list[StateEvent] = []
        self.episode: Episode | None = None
        self.clock: date | None = None  # the last day whose records were replayed
        self.new_fees: list[Invoice] = []
        # register fees dated their returned payment's day: charged when that return is replayed, like drafts
        self.fees_due_with_return: dict[str, tuple[int, Invoice]] = {}
        self.pending_debit: date | None = None  # the latest ACH debit sent and not yet cleared or returned
        self.pending_debits: list[Payment] = []

    def move(self, day: date, state: str) -> None:
        if state == self.state:
            return
        if self.state == states.CURRENT:
            self.episode = Episode(started=day)
        self.state = state
        self.since = day
        self.events.append(StateEvent(day, state))

    def advance(self, day: date) -> None:
        """Apply the states the calendar brings up to and including `day`."""
        while True:
            oldest_due = ledger_rules.oldest_unpaid_due(self.ledger)
            event = states.next_time_transition(
                self.settings,
                self.state,
                self.since,
                oldest_due,
                self.ledger.balance,
                debit_pending=self.pending_debit is not None and oldest_due is not None
                and self.pending_debit >= oldest_due,
            )
            if event is None:
                return
            when = max(event.date, self.clock) if self.clock is not None else event.date
            if when > day:
                return
            self.move(when, event.state)

    def issue(self, day: date, invoice: Invoice, order: int) -> None:
        ref = invoice_ref(invoice, order)
        item = OpenItem(
            ref,
            invoice.number,
            invoice.type,
            invoice.issue_date,
            invoice.due_date,
            invoice.total,
            invoice.total,
            order,
        )
        self.ledger = ledger_rules.issue_charge(self.ledger, item)
        if invoice.type in WORK_TYPES and states.is_hold(self.state) and self.episode is not None:
            self.episode = replace(self.episode, work_on_hold=(*self.episode.work_on_hold, ref))

    def credit(self, day: date, invoice: Invoice) -> None:
        self.ledger = ledger_rules.apply_credit_note(self.ledger, invoice.total, invoice.related_invoice)
        self.release_if_paid_up(day)

    def pay(self, day: date, payment: Payment, order: int) -> None:
        self.ledger = ledger_rules.apply_payment(
            self.ledger, payment.amount, payment.invoice_number, day, f"payment:{payment.id}", order
        )
        self.release_if_paid_up(day)

    def release_if_paid_up(self, day: date) -> None:
        """Becoming paid up returns the client to `current` on that payment's date, whatever the hold, and
        ends the episode."""
        if self.state == states.CURRENT or not ledger_rules.is_paid_up(self.ledger, day):
            return
        left = self.state
        self.move(day, states.CURRENT)
        if self.episode is not None:
            self.episode = replace(self.episode, ended=day, ended_from=left)

    def returned(self, day: date, payment: Payment) -> None:
        """A returned row does not reduce the balance. A first returned ACH debit since the client was last
        paid up is charged a fee (unless the register already holds it) and moves the client to
        payment_failed; a second one in the same episode, to credit_hold. A pending debit (sent, no answer from the
        bank yet) is only noted: it keeps the client from turning past due."""
        if fee_rules.is_pending(payment):
            self.pending_debit = day
            self.pending_debits.append(payment)
            return
        in_register = self.fees_due_with_return.pop(payment.id, None)
        if in_register is not None:
            self.issue(day, in_register[1], in_register[0])
        if not fee_rules.starts_retry_policy(payment):
            return
        if self.state == states.CURRENT:
            self.move(day, states.PAYMENT_FAILED)
        assert self.episode is not None
        returned = self.view(payment)
        episode = replace(self.episode, returns=self.episode.returns + 1, last_returned=returned)
        if returned.retry_on is None:
            reason = f"{returned.code} {returned.not_retried}".strip()
            self.episode = replace(episode, returns=max(episode.returns, 2), no_retry=reason)
            self.move(day, states.state_after_returned_debit(self.state, 2))
            return
        if episode.returns == 1:
            fee = self.charged.get(payment.id)
            if fee is None:
                fee = fee_rules.fee_invoice(self.settings, self.client, returned)
                if fee is not None:
                    self.new_fees.append(fee)
                    self.issue(day, fee, self.draft_order + len(self.new_fees))
            episode = replace(episode, first_return=payment, fee=fee.total if fee is not None else ZERO,
                              retried=returned)
        self.episode = episode
        self.move(day, states.state_after_returned_debit(self.state, episode.returns))

    def view(self, payment: Payment) -> ReturnedDebit:
        """The returned debit with the invoice it paid: the one its row names, else the oldest open one."""
        named = payment.invoice_number.strip()
        items = [item for item in self.ledger.items if item.number and item.type != "fee"]
        paid = next((item for item in items if item.number == named), None) if named else None
        if paid is None and not named:
            paid = next((item for item in items if item.remaining > ZERO), None)
        return returned_debit(self.settings, payment, paid.number if paid else "", paid.due_date if paid else None)


def client_history(
    settings: Settings,
    client: Client,
    invoices: Sequence[tuple[int, Invoice]],
    payments: Sequence[Payment],
    charged_fees: Mapping[str, Invoice],
    as_of: date,
    draft_order: int,
    checkpoints: Sequence[date] = (),
    at_checkpoint: Callable[[Decimal], None] | None = None,
) -> ClientHistory:
    """Replay a client's register rows (with their register order) and payments up to `as_of`.

    `charged_fees` maps a returned Payment ID to the fee invoice already in the register; such a debit is
    never charged again. Drafts get orders after `draft_order`. `at_checkpoint`, if given, is told the balance at
    the end of each of `checkpoints` (ascending, the last `as_of`) from this one replay, since a replay reads
    nothing dated after the day it stops at (a monthly trend's outstanding figures in one pass over the history).
    """
    replay = _Replay(settings, client, charged_fees, draft_order)
    _replay_until(replay, invoices, payments, as_of, checkpoints, at_checkpoint)
    fees_issued = [inv.total for _, inv in invoices if inv.type == "fee" and inv.issue_date <= as_of]
    fees_issued += [fee.total for fee in replay.new_fees]
    return ClientHistory(
        client=client,
        state=replay.state,
        since=replay.since,
        events=tuple(replay.events),
        ledger=replay.ledger,
        new_fees=tuple(replay.new_fees),
        fees_charged=sum(fees_issued, ZERO),
        episode=replay.episode,
        pending_debits=tuple(replay.pending_debits),
    )


def _replay_until(
    replay: _Replay,
    invoices: Sequence[tuple[int, Invoice]],
    payments: Sequence[Payment],
    as_of: date,
    checkpoints: Sequence[date],
    at_checkpoint: Callable[[Decimal], None] | None,
) -> None:
    """`replay` taken through the records up to `as_of`; `at_checkpoint` is told its balance once every record dated
    on or before each checkpoint (ascending, none after `as_of`) is replayed, before any later one."""
    invoices_on: dict[date, list[tuple[int, Invoice]]] = defaultdict(list)
    for order, inv in invoices:
        if inv.issue_date <= as_of:
            invoices_on[inv.issue_date].append((order, inv))
    payments_on: dict[date, list[tuple[int, Payment]]] = defaultdict(list)
    for order, payment in enumerate(payments):
        if payment.date <= as_of:
            payments_on[payment.date].append((order, payment))
    returns_on = {p.id: p.date for p in payments if p.date <= as_of and not fee_rules.counts_as_paid(p)}
    for order, inv in invoices:
        if inv.type == "fee" and inv.total > ZERO and returns_on.get(inv.related_invoice) == inv.issue_date:
            replay.fees_due_with_return[inv.related_invoice] = (order, inv)
    deferred = {order for order, _ in replay.fees_due_with_return.values()}
    pending = list(checkpoints)
    pending.reverse()
    for day in sorted(invoices_on.keys() | payments_on.keys()):
        while pending and pending[-1] < day and at_checkpoint is not None:
            at_checkpoint(replay.ledger.balance)
            pending.pop()
        replay.advance(day)
        todays = invoices_on.get(day, [])
        for order, inv in todays:
            if inv.total > ZERO and order not in deferred:
                replay.issue(day, inv, order)
        for _, inv in todays:
            if is_credit_note(inv):
                replay.credit(day, inv)
        for order, payment in payments_on.get(day, []):
            if fee_rules.counts_as_paid(payment):
                replay.pay(day, payment, order)
            else:
                replay.returned(day, payment)
        replay.clock = day
    replay.advance(as_of)
    while pending and at_checkpoint is not None:
        at_checkpoint(replay.ledger.balance)
        pending.pop()
