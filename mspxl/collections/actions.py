"""What to do next for a client, the notes on its Collections row, and what the service desk must act on.

Choices where the rules are silent:
- A hold release is an action (for the Collections sheet and the service desk) when the previous run showed
  the client on a hold and it is no longer on one; without previous states every client is taken to have been
  `current`.
- A past_due client's next action is the date its credit hold would start; a current client with an open
  invoice is told of its next due amount (an ACH debit for autopay clients, a payment due for the others).
- An ACH debit already sent for that due date (pending: neither cleared nor returned) is not announced again: the
  next action says the debit is pending and since when, with no date of its own (the bank's answer is awaited).
- The notes speak of the client's open episode, or of the one that ended when it last became current.
"""

from __future__ import annotations

from datetime import date

from mspxl.collections import states
from mspxl.collections.history import ClientHistory
from mspxl.collections.ledger import oldest_unpaid_due
from mspxl.collections.model import ClientStatus, ServiceDeskItem
from mspxl.money import ZERO
from mspxl.records import Settings


def money_text(amount: object) -> str:
    """An amount as the accountant writes it in a sentence: 1,150.00."""
    return f"{amount:,.2f}"


def state_words(state: str) -> str:
    return state.replace("_", " ")


def retry_action(settings: Settings, history: ClientHistory) -> tuple[str, date | None]:
    """`payment_failed`: the debit is retried `Retry Days` after the return date for the returned amount; the fee is
    debited as an entry of its own the same day (Settings `Debit Return Fee` Y), or left for the client to pay."""
    episode = history.episode
    if episode is None or episode.retried is None or episode.retried.retry_on is None:
        return "", None
    when = episode.retried.retry_on
    text = f"retry ACH for {money_text(episode.retried.amount)} on {when.isoformat()}"
    if episode.fee > ZERO:
        how = "debited separately" if settings.debit_return_fee else "for the client to pay"
        text += f" (fee {money_text(episode.fee)} {how})"
    return text, when


def credit_hold_action(settings: Settings, history: ClientHistory) -> tuple[str, date | None]:
    """`past_due`: credit hold starts at the oldest unpaid due date + `Credit Hold Days`."""
    oldest = oldest_unpaid_due(history.ledger)
    if oldest is None:
        return "", None
    when = states.credit_hold_date(settings, oldest)
    return f"credit hold starts {when.isoformat()}", when


def service_hold_action(settings: Settings, history: ClientHistory) -> tuple[str, date | None]:
    """`credit_hold`: still on credit hold with a balance after `Service Hold Days`, service hold starts."""
    if history.since is None or history.ledger.balance <= ZERO:
        return "", None
    when = states.service_hold_date(settings, history.since)
    return f"service hold starts {when.isoformat()}", when


def next_due_action(history: ClientHistory) -> tuple[str, date | None]:
    """`current` with an open invoice: what is due next, and when; an ACH debit already sent for it is pending."""
    oldest = oldest_unpaid_due(history.ledger)
    if oldest is None:
        return "", None
    pending = [p for p in history.pending_debits if p.date >= oldest]
    if pending:
        return (f"ACH debit of {money_text(sum((p.amount for p in pending), ZERO))} pending since "
                f"{min(p.date for p in pending).isoformat()}", None)
    amount = sum((item.remaining for item in history.ledger.open_items if item.due_date == oldest), ZERO)
    if history.client.autopay:
        return f"ACH debit for {money_text(amount)} on {oldest.isoformat()}", oldest
    return f"payment of {money_text(amount)} due {oldest.isoformat()}", oldest


def next_action(settings: Settings, history: ClientHistory, previous_state: str) -> tuple[str, date | None]:
    """The next action and its date for a client in its state."""
    state = history.state
    if state == states.PAYMENT_FAILED:
        return retry_action(settings, history)
    if state == states.PAST_DUE:
        return credit_hold_action(settings, history)
    if state == states.CREDIT_HOLD:
        return service_hold_action(settings, history)
    if state == states.SERVICE_HOLD:
        return "refuse support and pause applications", history.since
    if states.is_hold(previous_state):
        return f"release {state_words(previous_state)}", history.since
    return next_due_action(history)


def notes(history: ClientHistory) -> str:
    """Notes: the hold released on the client's return to current, work billed while on hold."""
    episode = history.episode
    if episode is None:
        return ""
    parts: list[str] = []
    if history.state == states.CURRENT:
        if episode.ended is None or episode.ended != history.since:
            return ""
        if states.is_hold(episode.ended_from):
            parts.append(f"{state_words(episode.ended_from)} released on {episode.ended.isoformat()}")
    if episode.no_retry and history.state != states.CURRENT:
        parts.append(f"not retried: {episode.no_retry}")
    if episode.work_on_hold:
        parts.append("work billed while on hold: " + ", ".join(episode.work_on_hold))
    return "; ".join(parts)


def service_desk_item(status: ClientStatus) -> ServiceDeskItem | None:
    """The service desk acts on new holds (credit hold: no new purchases; service hold: refuse support and
    pause applications) and on releases."""
    if not status.changed:
        return None
    if status.state == states.CREDIT_HOLD:
        action = "credit hold: no new purchases"
    elif status.state == states.SERVICE_HOLD:
        action = "service hold: refuse support and pause applications"
    elif states.is_hold(status.previous_state):
        action = f"release {state_words(status.previous_state)}"
    else:
        return None
    return ServiceDeskItem(
        status.client_id, status.client_name, action, status.since, status.state, status.previous_state
    )
