"""`mspxl returns`: a bank's return file read; each returned debit marked returned (code and return date), and with
`--cleared-through` the pending debits whose return window has passed marked cleared."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mspxl.ach.returns import ReturnedEntry, ReturnMatch, match_returns, read_return_file
from mspxl.ach.sheet import update_rows
from mspxl.audit import audited, note_issued
from mspxl.commands.ach import PENDING
from mspxl.commands.common import load_checked
from mspxl.lock import workbook_lock
from mspxl.problems import Problem
from mspxl.writers.xlsx import open_for_update, refuse_if_lossy, refuse_if_open, save_atomically


@dataclass(frozen=True)
class ReturnsRun:
    returned: tuple[ReturnMatch, ...]
    already: tuple[ReturnMatch, ...]
    unmatched: tuple[ReturnedEntry, ...]
    cleared: tuple[str, ...]  # Payment IDs of pending debits marked cleared
    warnings: list[Problem] = field(default_factory=list)


def import_returns(path: Path, returns_file: Path, today: date, cleared_through: date | None = None) -> ReturnsRun:
    """Mark each debit the bank returned as returned, with its code and the return date; report returns that
    match no debit. With `cleared_through`, pending debits dated on or before it that were not returned are
    marked cleared. Importing the same file again changes nothing. ReturnFileError: nothing is written."""
    entries = read_return_file(returns_file.read_text(encoding="ascii", errors="replace"))
    with workbook_lock(path):
        return _import_returns(path, entries, today, cleared_through)


def _import_returns(path: Path, entries: list[ReturnedEntry], today: date, cleared_through: date | None
                    ) -> ReturnsRun:
    refuse_if_open(path)
    book, problems = load_checked(path, today)
    plan = match_returns(book.payments, entries)
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
    if updates:
        refuse_if_lossy(path)
        wb = open_for_update(path)
        update_rows(wb["Payments"], "Payment ID", updates)
        note_issued({"returned": len(plan.to_mark), "cleared": len(cleared)}, None)
        save_atomically(wb, path)
    return ReturnsRun(plan.to_mark, plan.already, plan.unmatched, tuple(cleared), problems)


def run_returns(path: Path, returns_file: Path, today: date, cleared_through: date | None = None) -> ReturnsRun:
    """`mspxl returns`: `import_returns`, with its row on the Runs sheet when it wrote."""
    args = [path.name, returns_file.name, *(["--cleared-through", cleared_through.isoformat()] if cleared_through
                                           else [])]
    return audited(path, "returns", args, lambda: import_returns(path, returns_file, today, cleared_through))
