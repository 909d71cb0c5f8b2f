"""What every ribbon button shares: the workbook Excel is showing, loading and checking it, the sentence the
accountant reads, the log when something stops the button, the Runs row of a button that wrote.

Errors never reach the accountant as a traceback: problems in the workbook are listed on the `mspxl Log` sheet with
a link to each cell and the first bad cell selected, nothing else written; anything unexpected becomes one plain
sentence, with the details on the log for whoever supports the workbook.
"""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from pathlib import Path
from typing import Any

from babel.numbers import format_currency

from mspxl.audit import combined, completed_run, runs_changes, sheet_digests
from mspxl.problems import Problem, Severity, has_errors
from mspxl.records import Book, Invoice
from mspxl.schema import header_key
from mspxl.workbook.cells import read_text
from mspxl.workbook.load import load_raw
from mspxl.workbook.raw import RawBook
from mspxl.xl.controls import ControlError, as_of_date
from mspxl.xl.excel import Excel
from mspxl.xl.log import LOG_SHEET, select_first_error, write_log
from mspxl.xl.write import apply_changes

TITLE = "MSP Billing"


class Stopped(Exception):
    """The button stops; `problems` go on the log, `message` is what the accountant reads."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def alert(xl: Excel, message: str) -> None:
    """A message box in Excel; nothing when there is no Excel to show it."""
    with suppress(Exception):  # no UI (a scheduled run): the message is still returned
        xl.alert(message, TITLE)


def button(work: Callable[..., str]) -> Callable[..., str]:
    """Resolve the workbook, run, turn every failure into a sentence plus the log, show the message."""

    @wraps(work)
    def run(book: Any = None, **options: Any) -> str:
        xl = Excel(book if book is not None else caller())
        try:
            message = work(xl, **options)
        except Stopped as stop:
            write_log(xl, stop.problems, stop.message)
            place = select_first_error(xl, stop.problems)
            message = stop.message + (f" The first one is selected ({place})." if place else "")
        except Exception as exc:  # anything unexpected: one sentence, the details on the log
            message = (f"{work.__name__.replace('_', ' ').capitalize()} stopped: {plain_error(exc)}. "
                       f"The details are on the {LOG_SHEET} sheet.")
            with suppress(Exception):  # the workbook itself refuses writing: the message says enough
                write_log(xl, [], message + "\n" + "".join(traceback.format_exception(exc)))
        alert(xl, message)
        return message

    return run


def plain_error(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text[0].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def money(amount: Decimal, book: Book) -> str:
    return format_currency(amount, book.settings.currency, locale=book.settings.locale)


def counts_text(invoices: Sequence[Invoice]) -> str:
    counts = Counter(inv.type for inv in invoices)
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))


def load(xl: Excel, today: date | None) -> tuple[RawBook, Book, list[Problem]]:
    """The workbook read and checked; Stopped with every problem when it has errors."""
    raw = xl.read()
    loaded = load_raw(raw, today or date.today())
    if loaded.book is None or has_errors(loaded.problems):
        errors = sum(1 for p in loaded.problems if p.severity is Severity.ERROR)
        raise Stopped(f"The workbook has {errors} error(s); nothing was written. They are listed on the "
                      f"{LOG_SHEET} sheet.", loaded.problems)
    return raw, loaded.book, loaded.problems


def control(reader: Callable[..., Any], *args: Any) -> Any:
    try:
        return reader(*args)
    except ControlError as exc:
        raise Stopped(f"{exc.problem.render()}; nothing was written.", [exc.problem]) from None


def as_of_for(raw: RawBook, today: date | None) -> tuple[date, bool]:
    return control(as_of_date, raw, today or date.today())  # type: ignore[no-any-return]


def book_path(xl: Excel) -> Path:
    path = Path(xl.fullname)
    if not path.is_absolute():
        raise Stopped("Save the workbook first: invoices are filed in a folder beside it.")
    return path


def book_fingerprint(xl: Excel, sheets: RawBook) -> str:
    """The fingerprint of the workbook's sheets; a sheet hashed before in this button press is not hashed again."""
    digests = sheet_digests(sheets, xl.digests)
    xl.digests.update({id(sheets[name]): (sheets[name], digest) for name, digest in digests.items()})
    return combined(digests)


def record_run(xl: Excel, raw: RawBook, before: str, records: Book, command: str, args: list[str],
               counts: Mapping[str, int], total: Decimal | None) -> None:
    """The run's row on the Runs sheet, as the command line adds it, in the same save as its work. The command is
    named as on the command line with `(ribbon)` after it; the hash after is of the workbook as it will be saved
    (`raw` is the workbook as the button read it, with what the button wrote since: nothing is read from Excel
    again, and only the sheets written are hashed again)."""
    now = xl.as_written(raw)
    row = completed_run(f"{command} (ribbon)", args, before, book_fingerprint(xl, now), counts, total,
                        datetime.now().astimezone())
    apply_changes(xl, now, runs_changes(row), records.settings.currency, records.settings.locale)


def selected_value(xl: Excel, raw: RawBook, header: str, sheet_name: str | None = None) -> str:
    """The text under `header` in the row of the selected cell, on any sheet with that column (or only on
    `sheet_name`); "" when nothing fitting is selected."""
    selection = xl.book.selection
    if selection is None:
        return ""
    selected_sheet = selection.sheet.name
    if sheet_name is not None and header_key(selected_sheet) != header_key(sheet_name):
        return ""
    sheet = raw.get(selected_sheet)
    if sheet is None:
        return ""
    for top, header_row in enumerate(sheet.rows[:10], start=1):
        for col, value in enumerate(header_row):
            if value is not None and header_key(value) == header_key(header):
                row = sheet.rows[selection.row - 1] if selection.row <= len(sheet.rows) else []
                found = row[col] if col < len(row) and selection.row > top else None
                return read_text(found) if found is not None else ""
    return ""


def text_of(code_units: Sequence[int]) -> str:
    """Text the add-in passes as its UTF-16 code units (VBA's AscW), so that no quote or backslash in what the
    accountant typed can break the line of Python that carries it."""
    return b"".join((unit & 0xFFFF).to_bytes(2, "little") for unit in code_units).decode("utf-16-le", "replace")
