"""The MSP Billing ribbon's buttons. Each takes the workbook Excel is showing (`xw.Book.caller()` by default),
reads it in bulk, calls the same functions as the command line, writes the results back and returns (and shows)
one short message.

Errors never reach the accountant as a traceback: problems in the workbook are listed on the `mspxl Log` sheet with
a link to each cell and the first bad cell selected, nothing else written; anything unexpected becomes one plain
sentence, with the details on the log for whoever supports the workbook.
"""

from __future__ import annotations

import os
import subprocess
import sys
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

from mspxl import app
from mspxl.audit import completed_run, documents_issued, fingerprint, runs_changes
from mspxl.billing.calendar import add_months
from mspxl.billing.run import plan_period
from mspxl.corrections.credit import CreditRefused
from mspxl.corrections.run import plan_credit
from mspxl.documents.notices import render_statement
from mspxl.problems import Problem, Severity, has_errors
from mspxl.records import Book, Invoice
from mspxl.schema import header_key
from mspxl.workbook.cells import read_text
from mspxl.workbook.load import load_raw
from mspxl.workbook.raw import RawBook
from mspxl.writers.changes import issue_changes
from mspxl.writers.xlsx import DECIMAL_FORMAT, money_format
from mspxl.xl.controls import AS_OF, BILLING_PERIOD, ControlError, as_of_date, billing_period, write_control
from mspxl.xl.excel import BookLike, find_sheet, read_book
from mspxl.xl.log import LOG_SHEET, clear_log, select_first_error, write_log
from mspxl.xl.write import TEXT_FORMAT, add_sheet, apply_changes, write_block

TITLE = "MSP Billing"
PREVIEW_SHEET = "mspxl Preview"


class Stopped(Exception):
    """The button stops; `problems` go on the log, `message` is what the accountant reads."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def caller() -> BookLike:
    import xlwings as xw

    return xw.Book.caller()  # type: ignore[return-value]


def alert(book: BookLike, message: str) -> None:
    """A message box in Excel; nothing when there is no Excel to show it."""
    with suppress(Exception):  # no UI (tests, a scheduled run): the message is still returned
        book.app.alert(message, title=TITLE)


def button(work: Callable[..., str]) -> Callable[..., str]:
    """Resolve the workbook, run, turn every failure into a sentence plus the log, show the message."""

    @wraps(work)
    def run(book: BookLike | None = None, **options: Any) -> str:
        book = book if book is not None else caller()
        try:
            message = work(book, **options)
        except Stopped as stop:
            write_log(book, stop.problems, stop.message)
            place = select_first_error(book, stop.problems)
            message = stop.message + (f" The first one is selected ({place})." if place else "")
        except Exception as exc:  # anything unexpected: one sentence, the details on the log
            message = (f"{work.__name__.replace('_', ' ').capitalize()} stopped: {plain_error(exc)}. "
                       f"The details are on the {LOG_SHEET} sheet.")
            with suppress(Exception):  # the workbook itself refuses writing: the message says enough
                write_log(book, [], message + "\n" + "".join(traceback.format_exception(exc)))
        alert(book, message)
        return message

    return run


def plain_error(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text[0].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def money(amount: Decimal, book: Book) -> str:
    return format_currency(amount, book.settings.currency, locale=book.settings.locale)


def load(book: BookLike, today: date | None) -> tuple[RawBook, Book, list[Problem]]:
    """The workbook read and checked; Stopped with every problem when it has errors."""
    raw = read_book(book)
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


def book_path(book: BookLike) -> Path:
    path = Path(book.fullname)
    if not path.is_absolute():
        raise Stopped("Save the workbook first: invoices are filed in a folder beside it.")
    return path


@button
def check_workbook(book: BookLike, today: date | None = None) -> str:
    """Check Workbook: every problem listed with a link to its cell; nothing else is written."""
    raw = read_book(book)
    problems = load_raw(raw, today or date.today()).problems
    if not problems:
        clear_log(book)
        return "No problems found: the workbook is ready to bill."
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    write_log(book, problems)
    place = select_first_error(book, problems)
    verdict = "not ready to bill" if errors else "ready to bill"
    first = f" The first error is selected ({place})." if place else ""
    return (f"{errors} error(s), {warnings} warning(s): the workbook is {verdict}. Each is listed on the "
            f"{LOG_SHEET} sheet with a link to its cell.{first}")


def counts_text(invoices: tuple[Invoice, ...] | list[Invoice]) -> str:
    counts = Counter(inv.type for inv in invoices)
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))


@button
def generate_invoices(book: BookLike, today: date | None = None) -> str:
    """Generate Invoices: the period's register rows, WorkLog and Usage marks, one Word document each; the
    workbook is saved so the numbers issued are never reused."""
    raw, records, _ = load(book, today)
    before = fingerprint(raw)
    period, default = control(billing_period, raw, records, today or date.today())
    path = book_path(book)
    plan = plan_period(records, period)
    out_dir = app.output_folder(path, None, records)
    if default:
        write_control(book, raw, BILLING_PERIOD, period)
    clear_log(book)
    if not plan.new:
        return (f"{period}: nothing new to issue ({plan.already_issued} invoice(s) already in the register). "
                f"To bill another month, change {BILLING_PERIOD} on the Settings sheet.")
    issued = app.render_documents(records, list(plan.new), out_dir, app.no_progress,
                                  app.templates_of(path, records))
    apply_to_book(book, raw, records, issued)
    record_run(book, before, records, "invoice", [path.name, "--period", period], *documents_issued(issued))
    book.save()
    total = sum((inv.total for inv in issued), Decimal(0))
    return (f"{period}: issued {len(issued)} invoice(s) ({counts_text(issued)}), total billed "
            f"{money(total, records)}. Documents are in {out_dir}.")


def apply_to_book(book: BookLike, raw: RawBook, records: Book, issued: list[Invoice]) -> None:
    apply_changes(book, raw, issue_changes(issued), records.settings.currency, records.settings.locale)


PREVIEW_HEADERS = ("Invoice Number", "Client ID", "Client Name", "Type", "Line", "Description", "Quantity",
                   "Unit Price", "Amount", "Invoice Total", "Billed Users", "Change From Previous")


def preview_rows(run: app.InvoiceRun) -> list[tuple[object, ...]]:
    """One row per line of each invoice that would be issued; the invoice's total, billed users and change from
    the client's previous invoice of the same kind on its first line."""
    rows: list[tuple[object, ...]] = []
    for inv in run.issued:
        previous = run.previous_totals.get((inv.client_id, inv.type, inv.project_id))
        change = None if previous is None else inv.total - previous
        for i, ln in enumerate(inv.lines):
            first = i == 0
            rows.append((inv.number, inv.client_id, inv.client_name, inv.type, ln.line, ln.description,
                         ln.quantity, ln.unit_price, ln.amount, inv.total if first else None,
                         inv.billed_users if first else None, change if first else None))
    return rows


@button
def preview_invoices(book: BookLike, today: date | None = None) -> str:
    """Preview Invoices (the dry run): what Generate Invoices would issue, on the `mspxl Preview` sheet; the
    register, the documents and the input sheets are not touched."""
    raw, records, problems = load(book, today)
    period, default = control(billing_period, raw, records, today or date.today())
    plan = plan_period(records, period)
    run = app.InvoiceRun(period, plan.new, plan.already_issued, plan.skipped, Path(), True, problems,
                         app.previous_totals(records, plan.new))
    if default:
        write_control(book, raw, BILLING_PERIOD, period)
    clear_log(book)
    sheet = find_sheet(book, PREVIEW_SHEET) or add_sheet(book, PREVIEW_SHEET)
    sheet.clear_contents()
    cash = money_format(records.settings.currency, records.settings.locale)
    sheet.range((1, 1)).value = [list(PREVIEW_HEADERS)]
    formats = [TEXT_FORMAT] * 4 + ["0", TEXT_FORMAT, DECIMAL_FORMAT, cash, cash, cash, "0", cash]
    write_block(sheet, 2, list(range(1, len(PREVIEW_HEADERS) + 1)), formats, preview_rows(run))
    skipped = "".join(f" No managed invoice for {s.client_name}: {s.reason}." for s in plan.skipped)
    if not plan.new:
        return f"{period}: nothing new to issue ({plan.already_issued} already in the register).{skipped}"
    return (f"{period}: would issue {len(plan.new)} invoice(s) ({counts_text(plan.new)}), total "
            f"{money(run.total, records)}. Nothing was written; the lines are on the {PREVIEW_SHEET} sheet."
            f"{skipped}")


@button
def run_collections(book: BookLike, today: date | None = None) -> str:
    """Run Collections: fee invoices for returned debits (register rows and documents), the Collections and Aging
    sheets, as of the As Of date on Settings; the workbook is saved."""
    raw, records, _ = load(book, today)
    before = fingerprint(raw)
    as_of, default = as_of_for(raw, today)
    path = book_path(book)
    out_dir = app.output_folder(path, None, records)
    fees, result, notices, changes = app.collections_documents(records, as_of, out_dir,
                                                               template_dir=app.templates_of(path, records))
    apply_changes(book, raw, changes, records.settings.currency, records.settings.locale)
    if default:
        write_control(book, raw, AS_OF, as_of)
    clear_log(book)
    record_run(book, before, records, "collect", [path.name, "--as-of", as_of.isoformat()], *documents_issued(fees))
    book.save()
    states = Counter(s.state for s in result.statuses if s.state != "current")
    standing = ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in sorted(states.items())) or "all current"
    charged = (f"{len(fees)} fee invoice(s) issued, total {money(sum((f.total for f in fees), Decimal(0)), records)}"
               if fees else "no new fees")
    sent = f"; {len(notices)} notice(s) to send" if notices else ""
    where = f" Documents are in {out_dir}." if fees or notices else ""
    return (f"Collections as of {as_of.isoformat()}: {standing}; {charged}{sent}. The Collections and Aging sheets "
            f"are up to date.{where}")


def selected_value(book: BookLike, raw: RawBook, header: str, sheet_name: str | None = None) -> str:
    """The text under `header` in the row of the selected cell, on any sheet with that column (or only on
    `sheet_name`); "" when nothing fitting is selected."""
    selection = getattr(book, "selection", None)
    if selection is None or (sheet_name is not None and header_key(selection.sheet.name) != header_key(sheet_name)):
        return ""
    sheet = raw.get(selection.sheet.name)
    if sheet is None:
        return ""
    for top, header_row in enumerate(sheet.rows[:10], start=1):
        for col, value in enumerate(header_row):
            if value is not None and header_key(value) == header_key(header):
                row = sheet.rows[selection.row - 1] if selection.row <= len(sheet.rows) else []
                found = row[col] if col < len(row) and selection.row > top else None
                return read_text(found) if found is not None else ""
    return ""


def client_of_selection(book: BookLike, raw: RawBook) -> str:
    """The Client ID in the row of the selected cell, on any sheet with a Client ID column."""
    return selected_value(book, raw, "Client ID")


def record_run(book: BookLike, before: str, records: Book, command: str, args: list[str],
               counts: Mapping[str, int], total: Decimal | None) -> None:
    """The run's row on the Runs sheet, as the command line adds it, in the same save as its work. The command is
    named as on the command line with `(ribbon)` after it; the hash after is of the workbook as it will be saved."""
    now = read_book(book)
    row = completed_run(f"{command} (ribbon)", args, before, fingerprint(now), counts, total,
                        datetime.now().astimezone())
    apply_changes(book, now, runs_changes(row), records.settings.currency, records.settings.locale)


@button
def statement_for_client(book: BookLike, today: date | None = None) -> str:
    """Statement for Client: the statement of account (Word) of the client whose row is selected, from 1 January
    to the As Of date."""
    raw, records, _ = load(book, today)
    as_of, default = as_of_for(raw, today)
    client_id = client_of_selection(book, raw)
    if client_id not in {c.id for c in records.clients}:
        raise Stopped("Select a cell in a client's row (on Clients, Invoices, Collections or any sheet with a "
                      "Client ID column), then press Statement for Client.")
    workbook = book_path(book)
    out_dir = app.output_folder(workbook, None, records)
    path = render_statement(records, client_id, date(as_of.year, 1, 1), as_of, out_dir,
                            app.templates_of(workbook, records))
    if default:
        write_control(book, raw, AS_OF, as_of)
    clear_log(book)
    return f"Statement of {records.client(client_id).name} as of {as_of.isoformat()}: {path}."


@button
def credit_note(book: BookLike, reason: str = "", today: date | None = None) -> str:
    """Credit Note: credits the whole invoice in the selected row of the Invoices sheet, with the reason the
    accountant typed (printed on the credit note and kept in the register); register rows and a Word document,
    and the workbook is saved. Part of an invoice is credited with `mspxl credit --amount` or `--lines`."""
    raw, records, _ = load(book, today)
    before = fingerprint(raw)
    number = selected_value(book, raw, "Invoice Number", "Invoices")
    if not number:
        raise Stopped("Select a cell in the row of the invoice to credit on the Invoices sheet, then press "
                      "Credit Note.")
    if not reason.strip():
        raise Stopped(f"A credit note needs a reason; nothing was written for {number}.")
    path = book_path(book)
    try:
        credited, note, _ = plan_credit(records, number, today or date.today(), reason.strip())
    except CreditRefused as exc:
        raise Stopped(f"{exc}; nothing was written.") from None
    out_dir = app.output_folder(path, None, records)
    [done] = app.render_documents(records, [note], out_dir, app.no_progress, app.templates_of(path, records))
    apply_to_book(book, raw, records, [done])
    clear_log(book)
    record_run(book, before, records, "credit", [path.name, "--invoice", number, "--reason", reason.strip()],
               *documents_issued([done]))
    book.save()
    return (f"{done.number}: credit of {money(-done.total, records)} on {number} ({credited.client_name}). "
            f"The document is {out_dir / done.file}.")


def text_of(code_units: Sequence[int]) -> str:
    """Text the add-in passes as its UTF-16 code units (VBA's AscW), so that no quote or backslash in what the
    accountant typed can break the line of Python that carries it."""
    return b"".join((unit & 0xFFFF).to_bytes(2, "little") for unit in code_units).decode("utf-16-le", "replace")


def open_folder(path: Path) -> None:
    """The folder in Explorer or the Finder."""
    if sys.platform.startswith("win"):
        os.startfile(path)  # type: ignore[attr-defined]  # noqa: S606
    elif sys.platform == "darwin":
        subprocess.run(["open", str(path)], check=False)
    else:
        subprocess.run(["xdg-open", str(path)], check=False)


@button
def open_output_folder(book: BookLike, today: date | None = None) -> str:
    """Open Output Folder: where the invoices and notices of this workbook are filed."""
    raw = read_book(book, only={s.name for s in book.sheets if s.name.lower() == "settings"})
    loaded = load_raw(raw, today or date.today())
    settings_book = loaded.book if loaded.book is not None and not has_errors(
        [p for p in loaded.problems if p.sheet == "Settings"]) else None
    folder = app.output_folder(book_path(book), None, settings_book)
    folder.mkdir(parents=True, exist_ok=True)
    open_folder(folder)
    return f"Documents of this workbook are filed in {folder}."


@button
def export_monthly_summary(book: BookLike, today: date | None = None) -> str:
    """Export Monthly Summary: the month's report (tables and charts) as a new workbook in the output folder. The
    month is the Billing Period on Settings, or when that is blank the latest month in the register."""
    from mspxl.summary.export import write_book_summary

    raw, records, _ = load(book, today)
    day = today or date.today()
    period, default = control(billing_period, raw, records, day)
    if default:
        if not any(inv.period for inv in records.invoices):
            raise Stopped("Nothing has been invoiced yet: generate invoices before exporting a summary.")
        period = add_months(period, -1)
    path = book_path(book)
    out = app.output_folder(path, None, records) / f"summary-{period}.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    summary = write_book_summary(path, records, period, out, day)
    clear_log(book)
    return (f"{period}: billed {money(summary.billed_total, records)}; MRR {money(summary.mrr, records)}; "
            f"outstanding {money(summary.outstanding, records)}. The summary is in {out}.")


HELP = (
    "MSP Billing works on the workbook in front of you.\n"
    "- Check Workbook: lists every problem on the mspxl Log sheet, with a link to its cell.\n"
    f"- Preview Invoices: what would be issued for the {BILLING_PERIOD} on Settings; writes nothing else.\n"
    "- Generate Invoices: adds the invoices to the Invoices and InvoiceLines sheets, marks the work billed, "
    "writes one Word document each and saves the workbook.\n"
    f"- Run Collections: states, aging and fees as of the {AS_OF} date on Settings.\n"
    "- Credit Note: select an invoice's row on the Invoices sheet, press, type the reason: the whole invoice is "
    "credited (a CN- credit note in the register and a Word document).\n"
    f"- Export Monthly Summary: the {BILLING_PERIOD}'s report (tables and charts) as a new workbook.\n"
    "- Open Output Folder: where the documents are.\n"
    f"Blank {BILLING_PERIOD} / {AS_OF} mean the next period to bill / today; the buttons fill them in."
)


@button
def show_help(book: BookLike) -> str:
    """Help: what each button does."""
    return HELP


def as_of_for(raw: RawBook, today: date | None) -> tuple[date, bool]:
    return control(as_of_date, raw, today or date.today())


__all__ = [
    "AS_OF",
    "check_workbook",
    "credit_note",
    "export_monthly_summary",
    "generate_invoices",
    "open_output_folder",
    "preview_invoices",
    "run_collections",
    "show_help",
    "statement_for_client",
    "text_of",
]
