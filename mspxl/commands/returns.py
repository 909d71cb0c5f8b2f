"""`mspxl returns`: a bank's return file read; each returned debit marked returned (code and return date), and with
`--cleared-through` the pending debits whose return window has passed marked cleared."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mspxl.ach.bank_changes import BANK_CHANGES, BANK_CHANGES_HEADERS, new_change_rows
from mspxl.ach.returns import BankFile, ChangeMatch, ReturnedEntry, ReturnMatch, match_returns, read_bank_file
from mspxl.audit import audited, note_issued
from mspxl.commands.ach import PAYMENT_KINDS, PENDING
from mspxl.commands.common import load_checked
from mspxl.lock import workbook_lock
from mspxl.problems import Problem
from mspxl.schema import PAYMENTS
from mspxl.writers.changes import CellMark, RecordRows, WorkbookChanges
from mspxl.writers.xlsx import prepare_update, refuse_if_open


@dataclass(frozen=True)
class ReturnsRun:
    returned: tuple[ReturnMatch, ...]
    already: tuple[ReturnMatch, ...]
    unmatched: tuple[ReturnedEntry, ...]
    cleared: tuple[str, ...]  # Payment IDs of pending debits marked cleared
    warnings: list[Problem] = field(default_factory=list)
    answered: tuple[ReturnMatch, ...] = ()  # dishonored and contested returns: reported, not applied
    changes: tuple[ChangeMatch, ...] = ()  # notifications of change


def import_returns(path: Path, returns_file: Path, today: date, cleared_through: date | None = None) -> ReturnsRun:
    """Mark each debit the bank returned as returned, with its code and the return date; report returns that
    match no debit, dishonored and contested returns; record notifications of change on the Bank Changes sheet.
    With `cleared_through`, pending debits dated on or before it that were not returned are marked cleared.
    Importing the same file again changes nothing. ReturnFileError: nothing is written."""
    bank_file = read_bank_file(returns_file.read_bytes())
    with workbook_lock(path):
        return _import_returns(path, bank_file, today, cleared_through)


def _import_returns(path: Path, bank_file: BankFile, today: date, cleared_through: date | None) -> ReturnsRun:
    refuse_if_open(path)
    book, problems = load_checked(path, today)
    plan = match_returns(book.payments, bank_file.returns, bank_file.changes)
    updates: dict[str, dict[str, object]] = {
        m.payment_id: {"Status": "returned", "Return Code": m.entry.code, "Date": m.entry.return_date}
        for m in plan.to_mark
    }
    cleared: list[str] = []
    if cleared_through is not None:
        for p in book.payments:
            if (p.status.strip().lower() == PENDING and p.date <= cleared_through and p.id not in updates):
                updates[p.id] = {"Status": "cleared"}
                cleared.append(p.id)
    changes = WorkbookChanges(marks=[
        CellMark(PAYMENTS.name, "Payment ID", payment_id, header, value, PAYMENT_KINDS.get(header, "text"))
        for payment_id, values in updates.items() for header, value in values.items()])
    notices = new_change_rows(path, plan.changes)
    if notices:
        changes.records[BANK_CHANGES] = RecordRows(BANK_CHANGES_HEADERS, "Original Trace", notices,
                                                   {"Received": "date"})
    if not changes.empty:
        save = prepare_update(path, changes, book.settings.currency, book.settings.locale)
        note_issued({"returned": len(plan.to_mark), "cleared": len(cleared), "notices of change": len(notices)},
                    None)
        save()
    return ReturnsRun(plan.to_mark, plan.already, plan.unmatched, tuple(cleared), problems, plan.answered,
                      plan.changes)


def run_returns(path: Path, returns_file: Path, today: date, cleared_through: date | None = None) -> ReturnsRun:
    """`mspxl returns`: `import_returns`, with its row on the Runs sheet when it wrote."""
    args = [path.name, returns_file.name, *(["--cleared-through", cleared_through.isoformat()] if cleared_through
                                           else [])]
    return audited(path, "returns", args, lambda: import_returns(path, returns_file, today, cleared_through))
