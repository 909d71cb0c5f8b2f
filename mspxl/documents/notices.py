"""Collections notices and statements of account as Word documents, rendered in the same sandbox as invoices.

A collections run that changes a client's state sends one notice: `notice-{state}.docx` for `past_due`,
`payment_failed`, `credit_hold` and `service_hold`, and `notice-released.docx` when a client on hold becomes
current. A return that puts the client on hold because the account cannot be debited sends
`notice-bank_details.docx` instead of the credit-hold letter, and one because the authorization is gone (R05, R07,
R08, R10, R11, R29) `notice-authorization.docx`, which asks for a new authorization before any debit. A statement of
account uses `statement.docx`.

Fields every notice and the statement get (text, except the true/false `autopay` and `amount_due`):

- `company_name`, `company_lines`, `company_contact`: as on invoices (see `mspxl/documents/context.py`).
- `client_id`, `client_name`, `contact_name`, `bill_to_lines`, `greeting` (the contact's name, else the client's).
- `autopay`, `account_last4`.

Notices also get: `notice_date`, `state`, `previous_state`, `since` (the date of the state, or empty), `balance`
(`$575.00`), `fees_charged`, `oldest_unpaid_invoice`, `days_past_due` (empty when 0), `next_action`,
`next_action_date`, `released_date` (the day a hold ended; notices of release only), and for a returned ACH debit
(empty otherwise): `returned_payment` (Payment ID), `returned_date`, `returned_amount`, `return_code`,
`retry_fee_rate` (`15%`), `retry_fee`, `retry_date`, `retry_amount` (the returned amount: the fee is a debit of
its own), `fee_debited` (true when the fee is debited as a return fee entry the same day).

The statement also gets: `start_date`, `end_date`, `opening_balance`, `closing_balance`, `amount_due` (true when
the closing balance is positive), `rows` (each with `date`, `kind`, `reference`, `description`, `charges`,
`payments`, `balance`; a charge or payment column that does not apply is empty), and the aging as of the end
date: `aging_current`, `aging_1_30`, `aging_31_60`, `aging_61_90`, `aging_over_90`, `aging_total`.

Choices where the rules are silent:
- The statement counts the fees a collections run as of its end date would charge (fees are owed from their
  issue date), so its closing balance and its aging agree; such a fee has no invoice number yet.
- A client back to current from past_due or payment_failed gets no notice; only the end of a hold is announced.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from mspxl.ach.returncodes import AUTHORIZATION_NEEDED, BANK_DETAILS_NEEDED
from mspxl.billing.blocks import prepaid_hours_on
from mspxl.collections import AgingRow, ClientStatus, StatementLine, run_collections, statement_lines
from mspxl.collections.fees import retry_fee_amount
from mspxl.collections.ledger import OpenItem
from mspxl.collections.returned import ReturnedDebit
from mspxl.collections.states import HOLDS, PAYMENT_FAILED
from mspxl.documents.context import date_text, described_text, money_text, one_line, party_context, rate_text
from mspxl.documents.template import default_template_dir, document_filename, render_docx
from mspxl.money import ZERO
from mspxl.records import Book, Settings

NOTICE_STATES: tuple[str, ...] = ("past_due", "payment_failed", "credit_hold", "service_hold")
RELEASED = "released"
BANK_DETAILS = "bank_details"  # a return coded R02, R03, R04, R12, R14, R15, R16 or R20: the account cannot be debited
AUTHORIZATION = "authorization"  # a return coded R05, R07, R08, R10, R11 or R29: the authorization is gone
NOTICE_KINDS: tuple[str, ...] = (*NOTICE_STATES, RELEASED, BANK_DETAILS, AUTHORIZATION)
RETURN_BECAUSE = {**BANK_DETAILS_NEEDED, **AUTHORIZATION_NEEDED}  # why it came back, as a client reads it
STATEMENT_TEMPLATE = "statement.docx"


def notice_kind(status: ClientStatus) -> str | None:
    """The notice a change of state calls for: the new state's, `released` when a hold ends, else none."""
    if not status.changed:
        return None
    returned = status.returned
    if status.state in HOLDS and returned is not None and returned.return_date == status.since:
        if returned.code in BANK_DETAILS_NEEDED:
            return BANK_DETAILS
        if returned.code in AUTHORIZATION_NEEDED:
            return AUTHORIZATION
    if status.state in NOTICE_STATES:
        return status.state
    if status.state == "current" and status.previous_state in HOLDS:
        return RELEASED
    return None


def returned_debit_context(settings: Settings, returned: ReturnedDebit | None) -> dict[str, Any]:
    """The returned debit (the invoice it paid, the day it was debited, the amount, the reason in words), its
    processing fee, and when and for how much it is debited again."""
    keys = ("returned_payment", "returned_invoice", "debited_on", "returned_date", "returned_amount", "return_code",
            "return_reason", "return_because", "retry_fee", "retry_date", "retry_amount")
    if returned is None:
        return {**dict.fromkeys(keys, ""), "retry_fee_rate": rate_text(settings.retry_fee, settings),
                "fee_debited": False}
    fee = retry_fee_amount(settings, returned.amount) if returned.retry_on is not None else ZERO
    return {
        "returned_payment": one_line(returned.payment.id),
        "returned_invoice": one_line(returned.invoice_number),
        "debited_on": date_text(returned.debit_date, settings),
        "returned_date": date_text(returned.return_date, settings),
        "returned_amount": money_text(returned.amount, settings),
        "return_code": one_line(returned.code),
        "return_reason": returned.reason,
        "return_because": RETURN_BECAUSE.get(returned.code, returned.reason),
        "retry_fee_rate": rate_text(settings.retry_fee, settings),
        "retry_fee": money_text(fee, settings) if fee > ZERO else "",
        "retry_date": _day(returned.retry_on, settings),
        "retry_amount": money_text(returned.amount, settings) if returned.retry_on is not None else "",
        "fee_debited": settings.debit_return_fee and fee > ZERO,
    }


def item_name(item: OpenItem, book: Book) -> str:
    """An open item as the client knows it: its invoice number (a fee just charged by this run included)."""
    if item.number:
        return item.number
    payment = item.ref.partition(":")[2]
    fee = next((inv for inv in book.invoices if inv.type == "fee" and inv.related_invoice == payment and inv.number),
               None)
    return fee.number if fee is not None else "processing fee"


def owed_context(book: Book, status: ClientStatus, as_of: date) -> dict[str, str]:
    """What is past due on the notice's date and what falls due later, each as a total and a list:
    `INV-000001 (due December 1, 2026) $500.00; INV-000004 (due December 10, 2026) $75.00`."""
    settings = book.settings
    late = [item for item in status.open_items if item.due_date < as_of]
    later = [item for item in status.open_items if item.due_date >= as_of]

    def listed(items: list[OpenItem]) -> str:
        return "; ".join(f"{item_name(i, book)} (due {date_text(i.due_date, settings)}) "
                         f"{money_text(i.remaining, settings)}" for i in items)

    return {
        "past_due_amount": money_text(sum((i.remaining for i in late), ZERO), settings),
        "past_due_items": listed(late),
        "due_later_amount": money_text(sum((i.remaining for i in later), ZERO), settings) if later else "",
        "due_later_items": listed(later),
    }


def _day(day: date | None, settings: Settings) -> str:
    return date_text(day, settings) if day is not None else ""


def notice_context(book: Book, status: ClientStatus, as_of: date) -> dict[str, Any]:
    """Every field a notice template uses (see the module docstring)."""
    settings = book.settings
    client = book.client(status.client_id)
    kind = notice_kind(status)
    returned = status.returned if kind in (PAYMENT_FAILED, BANK_DETAILS, AUTHORIZATION) else None
    return {
        **party_context(settings, client),
        "client_name": one_line(status.client_name) or one_line(client.name),
        "notice_date": date_text(as_of, settings),
        "state": status.state,
        "previous_state": status.previous_state,
        "since": _day(status.since, settings),
        "balance": money_text(status.balance, settings),
        "fees_charged": money_text(status.fees_charged, settings),
        "oldest_unpaid_invoice": one_line(status.oldest_unpaid_invoice),
        "days_past_due": str(status.days_past_due) if status.days_past_due else "",
        "next_action": described_text(status.next_action, settings),
        "next_action_date": _day(status.next_action_date, settings),
        "released_date": _day(status.since or as_of, settings) if kind == RELEASED else "",
        **returned_debit_context(settings, returned),
        **owed_context(book, status, as_of),
    }


def render_notices(
    book: Book,
    statuses: Sequence[ClientStatus],
    as_of: date,
    out_dir: Path,
    template_dir: Path | None = None,
) -> list[Path]:
    """One notice per client whose state changed to one that has a template (see `notice_kind`), written into
    `out_dir` as `Notice {as_of} {state} {client name}.docx`; returns their paths in the order of `statuses`."""
    folder = Path(template_dir) if template_dir is not None else default_template_dir()
    written = []
    for status in statuses:
        kind = notice_kind(status)
        if kind is None:
            continue
        context = notice_context(book, status, as_of)
        name = document_filename(f"Notice {as_of.isoformat()} {kind}", context["client_name"])
        written.append(render_docx(folder / f"notice-{kind}.docx", context, Path(out_dir) / name))
    return written


def statement_row(line: StatementLine, settings: Settings) -> dict[str, str]:
    """A statement row: charges in one column, payments and credits (as positive amounts) in the other."""
    return {
        "date": date_text(line.date, settings),
        "kind": line.kind,
        "reference": one_line(line.reference),
        "description": described_text(line.description, settings),
        "charges": money_text(line.amount, settings) if line.amount > ZERO else "",
        "payments": money_text(-line.amount, settings) if line.amount < ZERO else "",
        "balance": money_text(line.balance, settings),
    }


def aging_context(row: AgingRow | None, settings: Settings) -> dict[str, str]:
    amounts: tuple[Decimal, ...] = (
        (row.current, row.days_1_30, row.days_31_60, row.days_61_90, row.over_90, row.total)
        if row is not None
        else (ZERO,) * 6
    )
    keys = ("aging_current", "aging_1_30", "aging_31_60", "aging_61_90", "aging_over_90", "aging_total")
    return {key: money_text(amount, settings) for key, amount in zip(keys, amounts, strict=True)}


def statement_context(book: Book, client_id: str, start: date, as_of: date) -> dict[str, Any]:
    """Every field the statement template uses (see the module docstring)."""
    settings = book.settings
    client = book.client(client_id)
    result = run_collections(settings, [client], book.invoices, book.payments, as_of, book.collection_states)
    invoices = [*book.invoices, *(fee for fee in result.new_fees if fee.client_id == client_id)]
    lines = statement_lines(client_id, invoices, book.payments, start, as_of)
    opening, *moves, closing = lines
    aging = next((row for row in result.aging if row.client_id == client_id), None)
    return {
        **party_context(settings, client),
        "start_date": date_text(start, settings),
        "end_date": date_text(as_of, settings),
        "opening_balance": money_text(opening.balance, settings),
        "closing_balance": money_text(closing.balance, settings),
        "amount_due": closing.balance > ZERO,
        "rows": [statement_row(line, settings) for line in moves],
        "prepaid_hours": described_text(prepaid_hours_on(book, client, as_of), settings),
        **aging_context(aging, settings),
    }


def render_statement(
    book: Book,
    client_id: str,
    start: date,
    as_of: date,
    out_dir: Path,
    template_dir: Path | None = None,
) -> Path:
    """The client's statement of account from `start` to `as_of`, written into `out_dir` as
    `Statement {as_of} {client name}.docx`. KeyError for a client not in the book, ValueError when `start`
    is after `as_of`."""
    if start > as_of:
        raise ValueError(f"the statement starts ({start.isoformat()}) after it ends ({as_of.isoformat()})")
    folder = Path(template_dir) if template_dir is not None else default_template_dir()
    context = statement_context(book, client_id, start, as_of)
    name = document_filename(f"Statement {as_of.isoformat()}", context["client_name"])
    return render_docx(folder / STATEMENT_TEMPLATE, context, Path(out_dir) / name)


__all__ = ["notice_context", "notice_kind", "render_notices", "render_statement", "statement_context"]
