"""`mspxl verify` on a workbook file: the register's discrepancies, each with its cell."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mspxl import schema as S
from mspxl.problems import Problem, Severity, error
from mspxl.workbook.load import load_raw
from mspxl.workbook.sheet_names import renamed_sheets
from mspxl.workbook.source_file import UnreadableWorkbook, read_raw
from mspxl.workbook.verify import register_checks, same_issue, sheet_places, verify_book


def verify_file(path: Path, today: date) -> list[Problem]:
    """`mspxl verify` on a workbook file: the register's discrepancies, and the register sheets' own reading errors
    (a row the reader had to leave out cannot be verified)."""
    if not path.exists():
        return [error(path.name, "", "", "file not found")]
    try:
        raw = read_raw(path)
    except UnreadableWorkbook as exc:
        return [error(path.name, "", "", str(exc))]
    loaded = load_raw(raw, today)
    if loaded.book is None:
        return loaded.problems
    renamed = renamed_sheets(raw, (S.INVOICES, S.INVOICE_LINES))
    if renamed:  # the register cannot be verified without its sheet: that one problem, not one per line
        return list(renamed.values())
    cols, line_rows = sheet_places(raw)
    found = verify_book(loaded.book, cols, line_rows)
    placed = {same_issue(p) for p in found}
    checked_on_load = set(register_checks(loaded.book, cols))  # the loader's own run of the same checks
    reading = [p for p in loaded.problems
               if p.severity is Severity.ERROR and p.sheet in ("Invoices", "InvoiceLines")
               and same_issue(p) not in placed and p not in checked_on_load]
    return reading + found
