"""The MSP Billing ribbon's buttons. Each takes the workbook Excel is showing (`xw.Book.caller()` by default),
reads it in bulk, calls the same functions as the command line, writes the results back and returns (and shows)
one short message. The ribbon itself (labels, groups, which function each button runs) is `mspxl.xl.ribbon`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from mspxl.audit import documents_issued
from mspxl.billing.calendar import add_months
from mspxl.billing.run import plan_period
from mspxl.commands import common
from mspxl.commands.collect import collections_documents
from mspxl.commands.credit import plan_credit
from mspxl.commands.invoice import InvoiceRun, previous_totals
from mspxl.corrections.credit import CreditRefused
from mspxl.documents.notices import render_statement
from mspxl.problems import Severity, has_errors
from mspxl.records import Book, Invoice
from mspxl.workbook.load import load_raw
from mspxl.workbook.raw import RawBook
from mspxl.writers.changes import issue_changes
from mspxl.writers.xlsx import DECIMAL_FORMAT, money_format
from mspxl.xl.button import (
    Stopped,
    as_of_for,
    book_fingerprint,
    book_path,
    button,
    control,
    counts_text,
    load,
    money,
    plain_error,
    record_run,
    selected_value,
)
from mspxl.xl.controls import AS_OF, BILLING_PERIOD, billing_period, write_control
from mspxl.xl.excel import Excel
from mspxl.xl.log import LOG_SHEET, clear_log, select_first_error, write_log
from mspxl.xl.write import TEXT_FORMAT, apply_changes, write_block

PREVIEW_SHEET = "mspxl Preview"


@button
def check_workbook(xl: Excel, today: date | None = None) -> str:
    """Check Workbook: every problem listed with a link to its cell; nothing else is written."""
    raw = xl.read()
    problems = load_raw(raw, today or date.today()).problems
    if not problems:
        clear_log(xl)
        return "No problems found: the workbook is ready to bill."
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    write_log(xl, problems)
    place = select_first_error(xl, problems)
    verdict = "not ready to bill" if errors else "ready to bill"
    first = f" The first error is selected ({place})." if place else ""
    return (f"{errors} error(s), {warnings} warning(s): the workbook is {verdict}. Each is listed on the "
            f"{LOG_SHEET} sheet with a link to its cell.{first}")


@button
def generate_invoices(xl: Excel, today: date | None = None) -> str:
    """Generate Invoices: the period's register rows, WorkLog and Usage marks, one Word document each; the
    workbook is saved so the numbers issued are never reused."""
    raw, records, _ = load(xl, today)
    before = book_fingerprint(xl, raw)
    period, default = control(billing_period, raw, records, today or date.today())
    path = book_path(xl)
    plan = plan_period(records, period)
    out_dir = common.output_folder(path, None, records)
    if default:
        write_control(xl, raw, BILLING_PERIOD, period)
    clear_log(xl)
    if not plan.new:
        return (f"{period}: nothing new to issue ({plan.already_issued} invoice(s) already in the register). "
                f"To bill another month, change {BILLING_PERIOD} on the Settings sheet.")
    issued = common.render_documents(records, list(plan.new), out_dir, common.no_progress,
                                     common.templates_of(path, records))
    apply_to_book(xl, raw, records, issued)
    record_run(xl, raw, before, records, "invoice", [path.name, "--period", period], *documents_issued(issued))
    xl.save()
    total = sum((inv.total for inv in issued), Decimal(0))
    return (f"{period}: issued {len(issued)} invoice(s) ({counts_text(issued)}), total billed "
            f"{money(total, records)}. Documents are in {out_dir}.")


def apply_to_book(xl: Excel, raw: RawBook, records: Book, issued: list[Invoice]) -> None:
    apply_changes(xl, raw, issue_changes(issued), records.settings.currency, records.settings.locale)


PREVIEW_HEADERS = ("Invoice Number", "Client ID", "Client Name", "Type", "Line", "Description", "Quantity",
                   "Unit Price", "Amount", "Invoice Total", "Billed Users", "Change From Previous")


def preview_rows(run: InvoiceRun) -> list[tuple[object, ...]]:
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
def preview_invoices(xl: Excel, today: date | None = None) -> str:
    """Preview Invoices (the dry run): what Generate Invoices would issue, on the `mspxl Preview` sheet; the
    register, the documents and the input sheets are not touched."""
    raw, records, problems = load(xl, today)
    period, default = control(billing_period, raw, records, today or date.today())
    plan = plan_period(records, period)
    run = InvoiceRun(period, plan.new, plan.already_issued, plan.skipped, Path(), True, problems,
                     previous_totals(records, plan.new))
    if default:
        write_control(xl, raw, BILLING_PERIOD, period)
    clear_log(xl)
    sheet = xl.find_sheet(PREVIEW_SHEET) or xl.add_sheet(PREVIEW_SHEET)
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
def run_collections(xl: Excel, today: date | None = None) -> str:
    """Run Collections: fee invoices for returned debits (register rows and documents), the Collections and Aging
    sheets, as of the As Of date on Settings; the workbook is saved."""
    raw, records, _ = load(xl, today)
    before = book_fingerprint(xl, raw)
    as_of, default = as_of_for(raw, today)
    path = book_path(xl)
    out_dir = common.output_folder(path, None, records)
    fees, result, notices, changes = collections_documents(records, as_of, out_dir,
                                                           template_dir=common.templates_of(path, records))
    apply_changes(xl, raw, changes, records.settings.currency, records.settings.locale)
    if default:
        write_control(xl, raw, AS_OF, as_of)
    clear_log(xl)
    record_run(xl, raw, before, records, "collect", [path.name, "--as-of", as_of.isoformat()], *documents_issued(fees))
    xl.save()
    states = Counter(s.state for s in result.statuses if s.state != "current")
    standing = ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in sorted(states.items())) or "all current"
    charged = (f"{len(fees)} fee invoice(s) issued, total {money(sum((f.total for f in fees), Decimal(0)), records)}"
               if fees else "no new fees")
    sent = f"; {len(notices)} notice(s) to send" if notices else ""
    where = f" Documents are in {out_dir}." if fees or notices else ""
    return (f"Collections as of {as_of.isoformat()}: {standing}; {charged}{sent}. The Collections and Aging sheets "
            f"are up to date.{where}")


@button
def statement_for_client(xl: Excel, today: date | None = None) -> str:
    """Statement for Client: the statement of account (Word) of the client whose row is selected, from 1 January
    to the As Of date."""
    raw, records, _ = load(xl, today)
    as_of, default = as_of_for(raw, today)
    client_id = selected_value(xl, raw, "Client ID")
    if client_id not in {c.id for c in records.clients}:
        raise Stopped("Select a cell in a client's row (on Clients, Invoices, Collections or any sheet with a "
                      "Client ID column), then press Statement for Client.")
    workbook = book_path(xl)
    out_dir = common.output_folder(workbook, None, records)
    path = render_statement(records, client_id, date(as_of.year, 1, 1), as_of, out_dir,
                            common.templates_of(workbook, records))
    if default:
        write_control(xl, raw, AS_OF, as_of)
    clear_log(xl)
    return f"Statement of {records.client(client_id).name} as of {as_of.isoformat()}: {path}."


@button
def credit_note(xl: Excel, reason: str = "", today: date | None = None) -> str:
    """Credit Note: credits the whole invoice in the selected row of the Invoices sheet, with the reason the
    accountant typed (printed on the credit note and kept in the register); register rows and a Word document,
    and the workbook is saved. Part of an invoice is credited with `mspxl credit --amount` or `--lines`."""
    raw, records, _ = load(xl, today)
    before = book_fingerprint(xl, raw)
    number = selected_value(xl, raw, "Invoice Number", "Invoices")
    if not number:
        raise Stopped("Select a cell in the row of the invoice to credit on the Invoices sheet, then press "
                      "Credit Note.")
    if not reason.strip():
        raise Stopped(f"A credit note needs a reason; nothing was written for {number}.")
    path = book_path(xl)
    try:
        credited, note, _ = plan_credit(records, number, today or date.today(), reason.strip())
    except CreditRefused as exc:
        raise Stopped(f"{exc}; nothing was written.") from None
    out_dir = common.output_folder(path, None, records)
    [done] = common.render_documents(records, [note], out_dir, common.no_progress, common.templates_of(path, records))
    apply_to_book(xl, raw, records, [done])
    clear_log(xl)
    record_run(xl, raw, before, records, "credit", [path.name, "--invoice", number, "--reason", reason.strip()],
               *documents_issued([done]))
    xl.save()
    return (f"{done.number}: credit of {money(-done.total, records)} on {number} ({credited.client_name}). "
            f"The document is {out_dir / done.file}.")


def open_folder(path: Path) -> None:
    """The folder in Explorer or the Finder."""
    if sys.platform.startswith("win"):
        os.startfile(path)  # type: ignore[attr-defined]  # noqa: S606
    elif sys.platform == "darwin":
        subprocess.run(["open", str(path)], check=False)
    else:
        subprocess.run(["xdg-open", str(path)], check=False)


@button
def open_output_folder(xl: Excel, today: date | None = None) -> str:
    """Open Output Folder: where the invoices and notices of this workbook are filed."""
    raw = xl.read(only={name for name, _ in xl if name.lower() == "settings"})
    loaded = load_raw(raw, today or date.today())
    settings_book = loaded.book if loaded.book is not None and not has_errors(
        [p for p in loaded.problems if p.sheet == "Settings"]) else None
    folder = common.output_folder(book_path(xl), None, settings_book)
    folder.mkdir(parents=True, exist_ok=True)
    open_folder(folder)
    return f"Documents of this workbook are filed in {folder}."


@button
def export_monthly_summary(xl: Excel, today: date | None = None) -> str:
    """Export Monthly Summary: the month's report (tables and charts) as a new workbook in the output folder. The
    month is the Billing Period on Settings, or when that is blank the latest month in the register."""
    from mspxl.commands.summary import BadSummaryPath, check_target, write_book_summary
    from mspxl.writers.xlsx import WorkbookRefused, refuse_if_open

    raw, records, _ = load(xl, today)
    day = today or date.today()
    period, default = control(billing_period, raw, records, day)
    if default:
        if not any(inv.period for inv in records.invoices):
            raise Stopped("Nothing has been invoiced yet: generate invoices before exporting a summary.")
        period = add_months(period, -1)
    path = book_path(xl)
    out = common.output_folder(path, None, records) / f"summary-{period}.xlsx"
    try:  # as the command line: never over the workbook itself, nor over a summary open in Excel
        check_target(path, out)
        refuse_if_open(out)
    except (BadSummaryPath, WorkbookRefused) as exc:
        raise Stopped(f"{exc}; nothing was written.") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    summary = write_book_summary(path, records, period, out, day)
    clear_log(xl)
    return (f"{period}: billed {money(summary.billed_total, records)}; MRR {money(summary.mrr, records)}; "
            f"outstanding {money(summary.outstanding, records)}. The summary is in {out}.")



@button
def export_to_accounting(xl: Excel, today: date | None = None) -> str:
    """Export to Accounting: the Billing Period's invoices, credit notes (and QuickBooks Desktop payments) not
    exported before, as the import file of the Accounting System on Settings, with the builder of `mspxl export`;
    the Exports and Runs rows go into the workbook, which is saved. A blank Billing Period: the last month billed."""
    from mspxl.commands.export import ExportRefused, MappingIncomplete, build_export, choose_format
    from mspxl.commands.export_report import export_report

    raw, records, _ = load(xl, today)
    before = book_fingerprint(xl, raw)
    try:
        fmt = choose_format(None, records)
    except ExportRefused:
        raise Stopped("Set Accounting System on the Settings sheet (qbo for QuickBooks Online, iif for QuickBooks "
                      "Desktop, xero for Xero), then press Export to Accounting.") from None
    period, default = control(billing_period, raw, records, today or date.today())
    if default:
        period = add_months(period, -1)  # the next month to bill has nothing yet: the last one billed
    path = book_path(xl)
    try:
        run, changes = build_export(raw, records, fmt, period, common.output_folder(path, None, records),
                                    datetime.now(), book_name=path.name)
    except ExportRefused as exc:
        raise Stopped(f"{str(exc)[:1].upper()}{str(exc)[1:]}; nothing was written. To export another month, change "
                      f"{BILLING_PERIOD} on the Settings sheet.") from None
    except MappingIncomplete as exc:
        raise Stopped(f"The accounting mapping has {len(exc.problems)} blank cell(s); nothing was written. They are "
                      f"listed on the {LOG_SHEET} sheet.", exc.problems) from None
    clear_log(xl)
    if run.files:
        apply_changes(xl, raw, changes, records.settings.currency, records.settings.locale)
        record_run(xl, raw, before, records, "export", [path.name, "--period", period, "--to", fmt],
                   {"exported": len(run.exported)}, run.total)
        xl.save()
    return " ".join(export_report(run))


VENDOR_FILES_NEEDED = ("Press Reconcile and pick the vendor's export (a Partner Center reconciliation file, a Pax8 "
                       "invoice, an RMM device list or a generic CSV or .xlsx): nothing was written.")


@button
def reconcile_vendor_files(xl: Excel, files: str = "", today: date | None = None) -> str:
    """Reconcile: each vendor export the accountant picked in the add-in's file dialog (`files`, one path a line)
    against the Billing Period's billing (blank: the last month billed), as `mspxl reconcile --propose`: the
    findings on the Reconcile sheet, the changes that would close them on Proposed Changes, a Runs row; the
    workbook is saved. The message gives each file's money at stake a month."""
    from mspxl.billing.calendar import BadPeriod
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.commands.reconcile import (
        VendorFileHasErrors,
        money_at_stake,
        plan_reconcile,
        reconcile_changes,
    )
    from mspxl.reconcile.columns import UnknownFormat
    from mspxl.reconcile.model import FINDINGS
    from mspxl.reconcile.table import BadVendorFile

    raw, records, problems = load(xl, today)
    before = book_fingerprint(xl, raw)
    paths = [Path(line.strip()) for line in files.splitlines() if line.strip()]
    if not paths:
        raise Stopped(VENDOR_FILES_NEEDED)
    day = today or date.today()
    period, default = control(billing_period, raw, records, day)
    if default and any(inv.period for inv in records.invoices):
        period = add_months(period, -1)  # the month just billed, not the next one
    runs = []
    for path in paths:  # every file read and reconciled before anything is written
        try:
            runs.append(plan_reconcile(raw, records, path, period, None, True, problems))
        except WorkbookHasErrors as exc:
            errors = sum(1 for p in exc.problems if p.severity is Severity.ERROR)
            raise Stopped(f"The VendorMap sheet has {errors} error(s); nothing was written. They are listed on the "
                          f"{LOG_SHEET} sheet.", exc.problems) from None
        except VendorFileHasErrors as exc:
            shown = " ".join(exc.problems[:5]) + (f" ({len(exc.problems) - 5} more)" if len(exc.problems) > 5 else "")
            raise Stopped(f"{exc} {shown} Fix the file and press Reconcile again.") from None
        except (BadVendorFile, UnknownFormat, BadPeriod, OSError) as exc:
            raise Stopped(f"{path.name}: {plain_error(exc)}; nothing was written.") from None
    apply_changes(xl, raw, reconcile_changes(raw, runs, day, True), records.settings.currency, records.settings.locale)
    clear_log(xl)
    counts = Counter({kind: 0 for kind in FINDINGS})
    for run in runs:
        counts.update(run.result.counts())
    record_run(xl, raw, before, records, "reconcile",
               [book_path(xl).name, "--period", period, *(a for p in paths for a in ("--vendor-file", p.name)),
                "--propose"], counts, None)
    xl.save()
    found = sum(len(run.result.findings) for run in runs)
    proposed = sum(len(run.proposals) for run in runs)
    return (" ".join(money_at_stake(run) for run in runs) + f" {found} finding(s) are on the Reconcile sheet, "
            f"{proposed} proposed change(s) to make by hand on the Proposed Changes sheet.")


@button
def show_help(xl: Excel) -> str:
    """Help: what each button does."""
    from mspxl.xl.ribbon import help_text

    return help_text()


