"""The audit trail: the Runs sheet, one row appended by every command that writes the workbook, never rewritten.

A row says when (UTC and local), which command with which arguments, who (the operating-system user), which mspxl,
the workbook's fingerprint before and after, what was issued (counts and total) and the outcome. The fingerprint is a
SHA-256 of every sheet's cell values except the Runs sheet itself, so an auditor can tell whether the workbook was
changed between one run and the next, and a row can be written after the hash it records.
"""

from __future__ import annotations

import getpass
import hashlib
import shlex
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from mspxl import __version__
from mspxl.runs_sheet import RUNS_COLUMNS, RUNS_SHEET
from mspxl.schema import OUTPUT_SHEETS
from mspxl.workbook.source_file import UnreadableWorkbook, read_raw
from mspxl.writers.changes import Value, WorkbookChanges
from mspxl.writers.xlsx import (
    last_data_row,
    money_format,
    open_for_update,
    refuse_if_lossy,
    save_atomically,
    set_value,
    update_workbook,
)

T = TypeVar("T")


def _cell_text(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def workbook_fingerprint(path: Path) -> str:
    """SHA-256 of the workbook's sheet names and cell values, the Runs sheet left out; "" for a file that is not a
    readable workbook (the command itself reports that)."""
    try:
        sheets = read_raw(path)
    except UnreadableWorkbook:
        return ""
    digest = hashlib.sha256()
    for name, sheet in sheets.items():
        if name == RUNS_SHEET:
            continue
        digest.update(b"\x00sheet\x00" + name.encode())
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    digest.update(f"\x00{r},{c}\x00{_cell_text(value)}".encode())
    return digest.hexdigest()


def counts_text(counts: Mapping[str, int]) -> str:
    """`managed 2, service 1`: what a run issued, by type, in the order given."""
    return ", ".join(f"{kind} {n}" for kind, n in counts.items() if n)


def runs_row(command: str, args: Sequence[str], before_hash: str, after_hash: str, counts: Mapping[str, int],
             totals: Decimal | None, outcome: str, now_utc: datetime, now_local: datetime, user: str,
             version: str) -> tuple[Value, ...]:
    """A Runs sheet row in the order of RUNS_COLUMNS. Times are ISO 8601 text with their offset, so a row reads the
    same in any time zone; the arguments are quoted as a shell would need them."""
    return (
        now_utc.isoformat(timespec="seconds"),
        now_local.isoformat(timespec="seconds"),
        command,
        shlex.join(args),
        user,
        version,
        before_hash,
        after_hash,
        counts_text(counts) or None,
        totals,
        outcome,
    )


def runs_changes(row: tuple[Value, ...]) -> WorkbookChanges:
    """The row as a workbook change (for a writer that knows the Runs sheet among its output sheets)."""
    return WorkbookChanges(append={RUNS_SHEET: [row]})


def append_run(path: Path, row: tuple[Value, ...], currency: str = "USD", locale: str = "en_US") -> None:
    """Append one row to the Runs sheet (made with its headers when missing); nothing else in the workbook changes.

    Through the workbook writer when the schema lists the Runs sheet among the output sheets; else with openpyxl,
    refusing a workbook it would lose something of."""
    if OUTPUT_SHEETS.get(RUNS_SHEET) == RUNS_COLUMNS:
        update_workbook(path, runs_changes(row), currency, locale)
        return
    refuse_if_lossy(path, "openpyxl")
    _append_with_openpyxl(path, row, money_format(currency, locale))


def _append_with_openpyxl(path: Path, row: tuple[Value, ...], fmt: str) -> None:
    wb = open_for_update(path)
    if RUNS_SHEET in wb.sheetnames:
        ws = wb[RUNS_SHEET]
    else:
        ws = wb.create_sheet(RUNS_SHEET)
        for col, (header, _kind) in enumerate(RUNS_COLUMNS, start=1):
            cell = ws.cell(row=1, column=col, value=header)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E78")
            ws.column_dimensions[get_column_letter(col)].width = 26 if header.startswith("Hash") else 16
        ws.freeze_panes = "A2"
    where = {str(c.value): c.column for c in ws[1] if c.value is not None}
    target = last_data_row(ws) + 1
    for (header, kind), value in zip(RUNS_COLUMNS, row, strict=True):
        column = where.get(header)
        if column is None:
            column = max(where.values(), default=0) + 1
            ws.cell(row=1, column=column, value=header)
            where[header] = column
        set_value(ws.cell(row=target, column=column), value, kind, fmt)
    save_atomically(wb, path)


def current_user() -> str:
    """The operating-system user running the command."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


Summary = Callable[[T], tuple[bool, Mapping[str, int], Decimal | None]]  # (wrote?, counts, total issued)


def audited(path: Path, command: str, args: Sequence[str], action: Callable[[], T], summary: Summary[T],
            now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
            currency: str = "USD", locale: str = "en_US") -> T:
    """Run a writing command and append its Runs row when it wrote the workbook: outcome `ok`, or the error that
    stopped it after it had written. A command that wrote nothing (a dry run, a refusal, nothing new) adds no row."""
    before = workbook_fingerprint(path) if path.exists() else ""
    try:
        result = action()
    except Exception as exc:
        after = workbook_fingerprint(path) if path.exists() else ""
        if before and after != before:
            _record(path, command, args, before, after, {}, None, f"failed: {exc}", now(), currency, locale)
        raise
    wrote, counts, total = summary(result)
    if wrote:
        after = workbook_fingerprint(path)
        _record(path, command, args, before, after, counts, total, "ok", now(), currency, locale)
    return result


def invoice_summary(run) -> tuple[bool, Mapping[str, int], Decimal | None]:  # noqa: ANN001
    """An `invoice` run (app.InvoiceRun) wrote when it issued something and was not a dry run."""
    return (not run.dry_run and bool(run.issued), run.counts, run.total if run.issued else None)


def collect_summary(run) -> tuple[bool, Mapping[str, int], Decimal | None]:  # noqa: ANN001
    """A `collect` run (app.CollectRun) always writes its Collections and Aging sheets; it issues fee invoices."""
    total = sum((fee.total for fee in run.fees), start=Decimal("0.00"))
    return (True, {"fee": len(run.fees)}, total if run.fees else None)


def issued_summary(run) -> tuple[bool, Mapping[str, int], Decimal | None]:  # noqa: ANN001
    """A run with an `issued` tuple of documents (a credit run) wrote when it issued any."""
    counts: dict[str, int] = {}
    for inv in run.issued:
        counts[inv.type] = counts.get(inv.type, 0) + 1
    total = sum((inv.total for inv in run.issued), start=Decimal("0.00"))
    return (bool(run.issued), counts, total if run.issued else None)


def _record(path: Path, command: str, args: Sequence[str], before: str, after: str, counts: Mapping[str, int],
            total: Decimal | None, outcome: str, moment: datetime, currency: str, locale: str) -> None:
    row = runs_row(command, args, before, after, counts, total, outcome, moment.astimezone(UTC), moment,
                   current_user(), __version__)
    append_run(path, row, currency, locale)


def ach_summary(run) -> tuple[bool, Mapping[str, int], Decimal | None]:  # noqa: ANN001
    """An `ach` run wrote when it recorded debits (pending rows on Payments)."""
    return (bool(run.debits), {"debit": len(run.debits)}, run.total if run.debits else None)


def returns_summary(run) -> tuple[bool, Mapping[str, int], Decimal | None]:  # noqa: ANN001
    """A `returns` run wrote when it marked debits returned or cleared."""
    return (bool(run.returned or run.cleared), {"returned": len(run.returned), "cleared": len(run.cleared)}, None)


def send_summary(run) -> tuple[bool, Mapping[str, int], Decimal | None]:  # noqa: ANN001
    """A `send` run wrote when it recorded sent invoices on the Sent sheet (never on a dry run)."""
    return (not run.dry_run and bool(run.sent), {"sent": len(run.sent)}, None)
