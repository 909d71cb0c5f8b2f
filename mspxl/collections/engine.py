"""Run collections as of a date: fee drafts for returned debits, each client's state, aging, service desk
items.

Everything is computed from the records passed in; nothing dated after `as_of` is read, so a run for a past
date gives the same answer whatever was recorded since. The fee drafts of a run count in that run's states and
balances (a fee is owed from its issue date). A returned debit whose fee is already in the register (a `fee`
invoice whose Related Invoice is the Payment ID) is never charged again.

To show register numbers on the Collections sheet, number the drafts and run again with them in the register:
the second run charges nothing new and gives the same states, balances and fees.

Choices where the rules are silent:
- Register rows and payments of clients not in `clients` are ignored (the workbook check reports them).
- An autopay client awaiting new bank details (after an R02, R03, R04, R12, R14, R15, R16 or R20 return) or a new
  authorization (after an R05, R07, R08, R10, R11 or R29 return; `mspxl/ach/blocks.py`) is told of a payment due,
  not an ACH debit, as `mspxl ach` will not debit it, and its Notes say which return blocks the debit and what
  lifts it. A Debit Authorized On after `as_of` does not count yet.
- `changed` compares with `previous_states` (the State column of the last Collections sheet); a client missing
  from it, or every client when there is none, is taken to have been `current`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from mspxl.ach.blocks import blocked_reason, debit_blocks
from mspxl.collections import actions, states
from mspxl.collections.aging import aging_row, days_past_due
from mspxl.collections.fees import fees_by_payment
from mspxl.collections.history import ClientHistory, client_history
from mspxl.collections.ledger import oldest_unpaid_due
from mspxl.collections.model import AgingRow, ClientStatus, CollectionsResult
from mspxl.money import ZERO
from mspxl.records import Client, Invoice, Payment, Settings


def client_status(
    settings: Settings, history: ClientHistory, as_of: date, previous_state: str
) -> ClientStatus:
    """A client's Collections row: state and since, balance, oldest unpaid invoice, days past due, fees
    charged, next action and its date, notes."""
    ledger = history.ledger
    open_items = ledger.open_items
    oldest_due = oldest_unpaid_due(ledger)
    action, action_date = actions.next_action(settings, history, previous_state)
    return ClientStatus(
        client_id=history.client.id,
        client_name=history.client.name,
        state=history.state,
        since=history.since,
        balance=ledger.balance,
        oldest_unpaid_invoice=open_items[0].number if open_items else "",
        days_past_due=days_past_due(oldest_due, as_of) if oldest_due is not None else 0,
        fees_charged=history.fees_charged,
        next_action=action,
        next_action_date=action_date,
        notes=actions.notes(history),
        events=history.events,
        changed=history.state != previous_state,
        previous_state=previous_state,
        returned=history.episode.last_returned if history.episode and history.episode.ended is None else None,
        open_items=open_items,
    )


def blocked_debits(client: Client, payments: Sequence[Payment], as_of: date) -> tuple[Payment, ...]:
    """The returns that keep an autopay client from being debited, as of `as_of`: one whose debit came back because
    the account cannot be debited (and whose Clients row still has those bank details) or because the authorization
    is gone (and no newer one is recorded by `as_of`) is collected as one who pays by check: its next action is a
    payment due, never an ACH debit, and its Notes say why."""
    if not client.autopay:
        return ()
    return debit_blocks(client, [p for p in payments if p.date <= as_of], as_of)


def with_note(status: ClientStatus, note: str) -> ClientStatus:
    """The status with `note` after its own notes."""
    return replace(status, notes="; ".join(n for n in (status.notes, note) if n)) if note else status


def shows_in_aging(row: AgingRow) -> bool:
    """A client has an Aging row when it owes something or holds unapplied credit."""
    return any(
        amount != ZERO for amount in (row.current, row.days_1_30, row.days_31_60, row.days_61_90, row.over_90)
    )


def by_client(invoices: Sequence[Invoice], payments: Sequence[Payment]
              ) -> tuple[dict[str, list[tuple[int, Invoice]]], dict[str, list[Payment]]]:
    """Each client's register rows (with their register order) and payments."""
    invoices_of: dict[str, list[tuple[int, Invoice]]] = defaultdict(list)
    for order, inv in enumerate(invoices):
        invoices_of[inv.client_id].append((order, inv))
    payments_of: dict[str, list[Payment]] = defaultdict(list)
    for payment in payments:
        payments_of[payment.client_id].append(payment)
    return invoices_of, payments_of


def outstanding_at(
    settings: Settings,
    clients: Sequence[Client],
    invoices: Sequence[Invoice],
    payments: Sequence[Payment],
    days: Sequence[date],
) -> list[Decimal]:
    """The outstanding balance (every client's balance summed) at the end of each of `days`, ascending: the same
    figures as `run_collections` for each day, from one replay of each client's history."""
    if not days:
        return []
    charged = fees_by_payment(invoices)
    invoices_of, payments_of = by_client(invoices, payments)
    totals = [ZERO] * len(days)
    for client in clients:
        balances: list[Decimal] = []
        client_history(settings, client, invoices_of[client.id], payments_of[client.id], charged, days[-1],
                       draft_order=len(invoices), checkpoints=days, at_checkpoint=balances.append)
        totals = [total + balance for total, balance in zip(totals, balances, strict=True)]
    return totals


def run_collections(
    settings: Settings,
    clients: Sequence[Client],
    invoices: Sequence[Invoice],
    payments: Sequence[Payment],
    as_of: date,
    previous_states: Mapping[str, str] | None = None,
) -> CollectionsResult:
    """Collections as of `as_of` for every client, in Clients order."""
    return collections_and_outstanding(settings, clients, invoices, payments, as_of, (), previous_states)[0]


def collections_and_outstanding(
    settings: Settings,
    clients: Sequence[Client],
    invoices: Sequence[Invoice],
    payments: Sequence[Payment],
    as_of: date,
    days: Sequence[date],
    previous_states: Mapping[str, str] | None = None,
) -> tuple[CollectionsResult, list[Decimal]]:
    """`run_collections` as of `as_of` and `outstanding_at` each of `days` (ascending, the last `as_of`), from one
    replay of each client's history (a client's balance does not depend on how it is collected)."""
    if days and days[-1] != as_of:
        raise ValueError(f"the last day of the outstanding balances must be {as_of}, not {days[-1]}")
    previous = previous_states or {}
    charged = fees_by_payment(invoices)
    invoices_of, payments_of = by_client(invoices, payments)
    totals = [ZERO] * len(days)
    histories = []
    blocked: dict[str, str] = {}
    for client in clients:
        balances: list[Decimal] = []
        blocks = blocked_debits(client, payments_of[client.id], as_of)
        if blocks:
            blocked[client.id] = blocked_reason(blocks)
        histories.append(client_history(
            settings,
            replace(client, autopay=False) if blocks else client,
            invoices_of[client.id],
            payments_of[client.id],
            charged,
            as_of,
            draft_order=len(invoices),
            checkpoints=days,
            at_checkpoint=balances.append if days else None,
        ))
        totals = [total + balance for total, balance in zip(totals, balances, strict=True)]
    statuses = tuple(
        with_note(client_status(settings, history, as_of, previous.get(history.client.id, states.CURRENT)),
                  blocked.get(history.client.id, ""))
        for history in histories
    )
    drafts = [
        (fee.issue_date, position, fee)
        for position, history in enumerate(histories)
        for fee in history.new_fees
    ]
    new_fees = tuple(fee for _, _, fee in sorted(drafts, key=lambda d: (d[0], d[1])))
    aging = tuple(
        row for row in (aging_row(h.client, h.ledger, as_of) for h in histories) if shows_in_aging(row)
    )
    desk = tuple(item for item in map(actions.service_desk_item, statuses) if item is not None)
    return CollectionsResult(new_fees=new_fees, statuses=statuses, aging=aging, service_desk=desk), totals
