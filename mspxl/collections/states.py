"""Collections states and the rules that move a client between them.

States, in order: current, past_due, payment_failed, credit_hold, service_hold. A client only moves down (to
current) when it becomes paid up; every other rule only raises the state.

Choices where the rules are silent:
- The late-payment path (past_due, then credit_hold at the oldest unpaid due date + Credit Hold Days) is a
  floor for every client, autopay or not: a client in the retry policy whose retry is never recorded still
  reaches credit hold on that date. For the seed policy the second returned debit comes first, so it decides.
- A hold's date counts from the start of that day: a client whose service hold starts on 12-08 and pays
  everything on 12-08 is released from the service hold, on 12-08.
- A credit note that leaves the client paid up returns it to current, as a payment would.
- Service hold needs a positive balance on the day it would start ("still on credit hold with a balance").
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from mspxl.collections.model import StateEvent
from mspxl.money import ZERO
from mspxl.records import Settings

CURRENT = "current"
PAST_DUE = "past_due"
PAYMENT_FAILED = "payment_failed"
CREDIT_HOLD = "credit_hold"
SERVICE_HOLD = "service_hold"

STATES: tuple[str, ...] = (CURRENT, PAST_DUE, PAYMENT_FAILED, CREDIT_HOLD, SERVICE_HOLD)
HOLDS: tuple[str, ...] = (CREDIT_HOLD, SERVICE_HOLD)


def rank(state: str) -> int:
    """States, in order: current, past_due, payment_failed, credit_hold, service_hold."""
    return STATES.index(state)


def is_hold(state: str) -> bool:
    return state in HOLDS


def past_due_date(due_date: date) -> date:
    """`past_due` from the day after the due date."""
    return due_date + timedelta(days=1)


def credit_hold_date(settings: Settings, oldest_unpaid_due: date) -> date:
    """`credit_hold` from the oldest unpaid due date + `Credit Hold Days`."""
    return oldest_unpaid_due + timedelta(days=settings.credit_hold_days)


def service_hold_date(settings: Settings, credit_hold_since: date) -> date:
    """Still on credit hold with a balance after `Service Hold Days`: `service_hold` from credit-hold date +
    that many days (a hold's date counts as reached on that day: credit hold on 11-08 is service hold on
    12-08)."""
    return credit_hold_since + timedelta(days=settings.service_hold_days)


def state_after_returned_debit(state: str, returns_in_episode: int) -> str:
    """First returned ACH debit since the client was last paid up: `payment_failed`; a second returned debit
    in the same episode: `credit_hold` from that return date. A state is never lowered by a returned debit."""
    if returns_in_episode == 1:
        target = PAYMENT_FAILED
    elif returns_in_episode == 2:
        target = CREDIT_HOLD
    else:
        return state
    return target if rank(target) > rank(state) else state


def next_time_transition(
    settings: Settings,
    state: str,
    since: date | None,
    oldest_unpaid_due: date | None,
    balance: Decimal,
    debit_pending: bool = False,
) -> StateEvent | None:
    """The next state the calendar alone would bring while nothing is paid or issued: past_due the day after
    the oldest unpaid due date, credit_hold at that due date + Credit Hold Days, service_hold at credit-hold
    date + Service Hold Days. None when time alone changes nothing. Of two on the same day, the higher
    state. While an ACH debit made on or after the oldest unpaid due date is pending (sent, neither cleared nor
    returned yet), the client is not past due: it paid on time and the bank has not answered yet."""
    candidates: list[StateEvent] = []
    if oldest_unpaid_due is not None:
        if rank(state) < rank(PAST_DUE) and not debit_pending:
            candidates.append(StateEvent(past_due_date(oldest_unpaid_due), PAST_DUE))
        if rank(state) < rank(CREDIT_HOLD):
            candidates.append(StateEvent(credit_hold_date(settings, oldest_unpaid_due), CREDIT_HOLD))
    if state == CREDIT_HOLD and since is not None and balance > ZERO:
        candidates.append(StateEvent(service_hold_date(settings, since), SERVICE_HOLD))
    if not candidates:
        return None
    return min(candidates, key=lambda event: (event.date, -rank(event.state)))
