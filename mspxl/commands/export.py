"""`mspxl export`: the period's invoices, credit notes and (for QuickBooks Desktop) payments as the file the
accounting system imports; an Exports row for each document written, so nothing is exported twice.

Choices where the rules are silent:
- A period's documents are those issued in that month (Issue Date), as the books post them: the month's invoices,
  and the credit notes and fee invoices dated in it; for QuickBooks Desktop also the cleared payments dated in it
  (a refund, a negative payment, is left for the accountant).
- A second run for the same period writes only what the Exports sheet does not list for that format; `--again`
  writes everything again (the earlier Exports rows stay, new ones are added). A file is never overwritten: a
  name already taken gets " (2)", " (3)", ...
- Files first, the workbook last (one atomic save through the package writer, with the Runs row): a failed save
  leaves the files, and the next run writes them again under a new name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from mspxl import schema
from mspxl.audit import audited, note_issued
from mspxl.billing.calendar import parse_period, period_of
from mspxl.commands.common import load_verified, output_folder
from mspxl.export.iif import IifAccounts, iif_text
from mspxl.export.mapping import (
    DATE_DEFAULTS,
    SheetCells,
    accounting_map,
    catalog_problems,
    mapping_problems,
    setting_problems,
)
from mspxl.export.model import DATE_FORMATS, FORMAT_NAMES, FORMATS, ExportDoc, ExportPayment, export_doc
from mspxl.export.payments import payment_applications
from mspxl.export.qbo import CsvExport, qbo_export
from mspxl.export.xero import XeroAccounts, xero_export
from mspxl.lock import run_lock
from mspxl.money import ZERO
from mspxl.problems import Problem
from mspxl.records import Book, Invoice
from mspxl.schema import header_key
from mspxl.workbook.raw import RawBook
from mspxl.workbook.source_file import read_raw
from mspxl.workbook.table import locate_header, read_rows
from mspxl.writers.atomic import write_whole
from mspxl.writers.changes import WorkbookChanges
from mspxl.writers.xlsx import refuse_if_open, update_workbook

EXPORTS_SHEET = "Exports"


class ExportRefused(Exception):
    """The export cannot be made as asked; nothing was written. The message says why in one sentence."""


class MappingIncomplete(Exception):
    """Mapping cells the export needs are blank; each problem names its cell."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} mapping cell(s) blank")
        self.problems = problems


@dataclass(frozen=True)
class ExportFile:
    path: Path
    documents: tuple[str, ...]
    kind: str  # invoices | credit notes | transactions


@dataclass(frozen=True)
class ExportRun:
    format: str
    period: str
    out_dir: Path
    files: tuple[ExportFile, ...]
    exported: tuple[str, ...]  # document numbers (and Payment IDs) written
    already: tuple[str, ...]  # exported before, not written again
    left_out: tuple[tuple[str, str], ...]  # (number, why) the format cannot take
    notes: tuple[str, ...]
    again: bool
    total: Decimal = ZERO  # sum of the register totals of the invoices and credit notes written
    payments: int = 0  # payments written (QuickBooks Desktop)
    warnings: list[Problem] = field(default_factory=list)


def choose_format(fmt: str | None, book: Book) -> str:
    """--to, else Settings Accounting System; an unknown name is refused with the names it could be."""
    name = (fmt or book.settings.accounting_system or "").strip().lower()
    if not name:
        raise ExportRefused("say which accounting system: --to qbo, iif or xero (or Settings Accounting System)")
    if name not in FORMATS:
        raise ExportRefused(f'"{name}" is not an accounting system mspxl exports to: use qbo (QuickBooks Online), '
                            "iif (QuickBooks Desktop) or xero")
    return name


def date_format(fmt: str, book: Book) -> str:
    chosen = book.settings.accounting_date_format.strip().upper() or DATE_DEFAULTS[fmt]
    if chosen not in DATE_FORMATS:
        raise ExportRefused(f'Settings Accounting Date Format "{chosen}" is not one of {", ".join(DATE_FORMATS)}')
    if fmt == "iif" and chosen != "MM/DD/YYYY":
        raise ExportRefused("QuickBooks Desktop reads IIF dates as MM/DD/YYYY only: clear Settings Accounting "
                            "Date Format or set it to MM/DD/YYYY")
    return chosen


def accounting_problems(path: Path, book: Book) -> list[Problem]:
    """For `mspxl check`: the Accounting System setting, and the mapping cells an export to it needs."""
    problems = setting_problems(book.settings)
    if problems:
        return problems
    raw = read_raw(path, {schema.SERVICES.name, schema.CLIENTS.name})
    return catalog_problems(book.settings.accounting_system.strip().lower(), sheet_cells(raw, schema.SERVICES),
                            sheet_cells(raw, schema.CLIENTS), book.settings)


def exported_before(raw: RawBook, fmt: str) -> set[str]:
    """Document numbers the Exports sheet lists for this format."""
    sheet = next((s for name, s in raw.items() if header_key(name) == header_key(EXPORTS_SHEET)), None)
    if sheet is None or not sheet.rows:
        return set()
    head = [header_key(h or "") for h in sheet.rows[0]]
    if header_key("Document Number") not in head or header_key("Format") not in head:
        return set()
    number, kind = head.index(header_key("Document Number")), head.index(header_key("Format"))
    return {str(row[number]).strip() for row in sheet.rows[1:]
            if len(row) > max(number, kind) and row[number] and str(row[kind] or "").strip().lower() == fmt}


def sheet_cells(raw: RawBook, sheet: schema.Sheet) -> SheetCells:
    found = next((s for name, s in raw.items() if header_key(name) == header_key(sheet.name)), None)
    if found is None:
        return SheetCells([], {})
    rows, _ = read_rows(found, sheet)
    located, _ = locate_header(found, sheet)
    return SheetCells(rows, located.columns if located else {})


def free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or `stem (2).ext`, `stem (3).ext`, ... when taken."""
    target = folder / name
    stem, suffix = target.stem, target.suffix
    n = 2
    while target.exists():
        target = folder / f"{stem} ({n}){suffix}"
        n += 1
    return target


def write_text(target: Path, text: str, encoding: str) -> None:
    """The whole file or nothing: a temporary name in the folder, then renamed."""
    write_whole(target, lambda temporary: temporary.write_text(text, encoding=encoding, errors="replace", newline=""))


def rounding_setting_known() -> bool:
    """Whether this mspxl has the Settings row `Tax Rounding` (invoice | line)."""
    from mspxl.settings import SETTING_DEFS

    return any(header_key(d.name) == header_key("Tax Rounding") for d in SETTING_DEFS)


def tax_rounding(book: Book) -> str:
    """Settings `Tax Rounding` read defensively: absent (or blank) is `invoice`, as the register rounds today."""
    value = getattr(book.settings, "tax_rounding", None)
    if value is None:
        value = next((v for k, v in book.settings.extra.items() if header_key(k) == header_key("Tax Rounding")), "")
    return str(value or "invoice").strip().lower()


def with_rate(inv: Invoice, book: Book) -> Invoice:
    """The register keeps an invoice's tax, not its rate: a taxed row read back takes its client's Tax Rate (the
    format that works tax out itself is then checked against the register's tax, never trusted)."""
    if inv.tax == ZERO or inv.tax_rate != ZERO:
        return inv
    try:
        return replace(inv, tax_rate=book.client(inv.client_id).tax_rate)
    except KeyError:
        return inv


def payments_of(book: Book, period: str, customers: dict[str, str]) -> list[ExportPayment]:
    """The period's cleared payments, each with the invoices it settles."""
    clients = {c.id: c for c in book.clients}
    done = []
    for payment in book.payments:
        if payment.status != "cleared" or payment.amount <= ZERO or period_of(payment.date) != period:
            continue
        client = clients.get(payment.client_id)
        if client is None:
            continue
        own = [p for p in book.payments if p.client_id == client.id]
        done.append(payment_applications(book.settings, client, book.of_client(client.id, "invoices"), own,
                                         payment, customers.get(client.id) or client.name))
    return done


def export_period(path: Path, fmt: str | None, period: str, now: datetime, out: Path | None = None,
                  again: bool = False) -> ExportRun:
    """Write the period's export in `fmt` (else Settings Accounting System) and record it on the Exports sheet."""
    parse_period(period)
    with run_lock(path):
        refuse_if_open(path)
        book, warnings = load_verified(path, now.date())
        return _export(path, book, warnings, choose_format(fmt, book), period, now, out, again)


def _export(path: Path, book: Book, warnings: list[Problem], fmt: str, period: str, now: datetime,
            out: Path | None, again: bool) -> ExportRun:
    run, changes = build_export(read_raw(path), book, fmt, period, output_folder(path, out, book), now, again,
                                path.name)
    if run.files:
        note_issued({"exported": len(run.exported)}, run.total)
        update_workbook(path, changes, book.settings.currency, book.settings.locale)
    return replace(run, warnings=warnings)


def build_export(raw: RawBook, book: Book, fmt: str, period: str, out_dir: Path, now: datetime,
                 again: bool = False, book_name: str = "BOOK") -> tuple[ExportRun, WorkbookChanges]:
    """Write the period's files into `out_dir` and return what was done with the Exports rows to record; the
    caller saves them (the command line through the package writer, the ribbon into the open workbook)."""
    dates = date_format(fmt, book)
    services, clients = sheet_cells(raw, schema.SERVICES), sheet_cells(raw, schema.CLIENTS)
    mapping = accounting_map(book.settings, fmt, services, clients)
    issued = [with_rate(inv, book) for inv in book.invoices if inv.number and period_of(inv.issue_date) == period]
    payments = payments_of(book, period, dict(mapping.customers)) if fmt == "iif" else []
    if not issued and not payments:
        raise ExportRefused(f"nothing was issued in {period}: no invoice or credit note of {book_name} has an Issue "
                            "Date in that month")
    before = set() if again else exported_before(raw, fmt)
    docs = [export_doc(inv, mapping) for inv in issued if inv.number not in before]
    already = tuple(inv.number for inv in issued if inv.number in before) + tuple(
        p.id for p in payments if p.id in before)
    payments = [p for p in payments if p.id not in before]
    problems = mapping_problems(fmt, docs, services, clients)
    if problems:
        raise MappingIncomplete(problems)
    files, left_out, notes = _write(fmt, dates, book, period, docs, payments, out_dir)
    if fmt == "xero" and any("rounding line" in note for note in notes) and tax_rounding(book) != "line":
        notes += ("Settings Tax Rounding = line rounds tax line by line as Xero does, so invoices issued from "
                  "then on need no rounding line.",) if rounding_setting_known() else ()
    written = {number for f in files for number in f.documents}
    order = [inv.number for inv in issued] + [p.id for p in payments]
    total = sum((inv.total for inv in issued if inv.number in written), ZERO)
    run = ExportRun(fmt, period, out_dir, tuple(files), tuple(n for n in order if n in written), already,
                    left_out, notes, again, total, sum(1 for p in payments if p.id in written))
    return run, exports_changes(run, issued, payments, now)


def _write(fmt: str, dates: str, book: Book, period: str, docs: Sequence[ExportDoc],
           payments: Sequence[ExportPayment], out_dir: Path) -> tuple[list[ExportFile], tuple, tuple]:
    if fmt == "iif":
        if not docs and not payments:
            return [], (), ()
        accounts = IifAccounts(tax_item=book.settings.accounting_sales_tax_item or "Sales Tax")
        target = free_name(out_dir, f"quickbooks-{period}.iif")
        write_text(target, iif_text(docs, payments, accounts), "cp1252")
        return [ExportFile(target, tuple(d.number for d in docs) + tuple(p.id for p in payments),
                           "transactions")], (), ()
    if fmt == "qbo":
        parts = [("invoices", qbo_export(docs, dates))]
    else:
        accounts = XeroAccounts(book.settings.accounting_rounding_account or "860",
                                book.settings.accounting_exempt_tax_code or "Tax Exempt", book.settings.currency,
                                dates)
        parts = [("invoices", xero_export([d for d in docs if not d.is_credit], accounts)),
                 ("credit notes", xero_export([d for d in docs if d.is_credit], accounts))]
    files: list[ExportFile] = []
    left_out: tuple = ()
    notes: tuple = ()
    for kind, export in parts:
        files.extend(_csv_files(fmt, kind, period, export, out_dir))
        left_out += export.left_out
        notes += export.notes
    return files, left_out, notes


def _csv_files(fmt: str, kind: str, period: str, export: CsvExport, out_dir: Path) -> list[ExportFile]:
    written = []
    many = len(export.files) > 1
    for index, (text, numbers) in enumerate(export.files, start=1):
        name = f"{fmt}-{kind.replace(' ', '-')}-{period}" + (f"-{index}" if many else "") + ".csv"
        target = free_name(out_dir, name)
        write_text(target, text, "utf-8")
        written.append(ExportFile(target, numbers, kind))
    return written


def exports_changes(run: ExportRun, issued: Sequence[Invoice], payments: Sequence[ExportPayment],
                    now: datetime) -> WorkbookChanges:
    """One Exports row per document written: number, format, type, period, amount, file, when."""
    kinds = {inv.number: ("credit note" if inv.type == "credit" else f"{inv.type} invoice", inv.total)
             for inv in issued} | {p.id: ("payment", p.amount) for p in payments}
    stamp = now.replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
    rows = [(number, run.format, kinds[number][0], run.period, kinds[number][1], f.path.name, stamp)
            for f in run.files for number in f.documents]
    return WorkbookChanges(append={EXPORTS_SHEET: rows})


__all__ = ["FORMAT_NAMES", "ExportRefused", "ExportRun", "MappingIncomplete", "build_export", "export_period"]


def run_export(path: Path, fmt: str | None, period: str, now: datetime, out: Path | None = None,
               again: bool = False) -> ExportRun:
    """`mspxl export`: `export_period`, with its row on the Runs sheet when it wrote."""
    args = [path.name, "--period", period] + (["--to", fmt] if fmt else []) + (["--out", str(out)] if out
                                                                               else []) + (["--again"] if again else [])
    return audited(path, "export", args, lambda: export_period(path, fmt, period, now, out, again))
