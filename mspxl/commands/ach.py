"""`mspxl ach`: the NACHA file of the day's debits, each debit recorded as pending on the Payments sheet.

A debit written is recorded on the Payments sheet at once: Status `pending`, Reference = its trace number, Payment
ID `ACH-YYYYMMDD-nnnnnnn` (the date it was written for and its trace sequence), Debited Account = the account's
fingerprint (`125000024 ****5328 1f0c7a9e`, see `account_fingerprint`). A pending debit does not count as
paid: it stays owed until the bank's return window has passed without a return (`mspxl returns ... --cleared-through
DATE` then marks it cleared, dated the day it was debited) or a return marks it returned, dated the return date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

from mspxl.ach.debits import DueDebit, NotDebited, debits_due, payment_id_prefix
from mspxl.ach.nacha import RETRY_DESCRIPTION, RETURN_FEE_DESCRIPTION, Batch, Entry, batches_file
from mspxl.ach.originator import originator
from mspxl.ach.routing import account_fingerprint, bank_details, mask, routing_digits
from mspxl.audit import audited, note_issued
from mspxl.commands.common import WorkbookHasErrors, load_checked, output_folder
from mspxl.lock import workbook_lock
from mspxl.money import ZERO
from mspxl.problems import Problem, has_errors
from mspxl.records import Book, Payment
from mspxl.schema import PAYMENTS, header_key
from mspxl.writers.atomic import write_whole
from mspxl.writers.changes import RecordRows, WorkbookChanges
from mspxl.writers.xlsx import prepare_update, refuse_if_open

PAYMENT_HEADERS = tuple(c.header for c in PAYMENTS.columns)
PAYMENT_KINDS = {"Date": "date", "Amount": "money"}
PENDING = "pending"


@dataclass(frozen=True)
class WrittenDebit:
    payment_id: str
    client_id: str
    client_name: str
    invoice_number: str
    amount: Decimal
    trace_number: str
    account: str  # masked: ****6789
    kind: str  # invoice | retry | fee
    retry_of: str = ""
    fingerprint: str = ""  # Payments `Debited Account`: what a return is later compared with


@dataclass(frozen=True)
class AchRun:
    on: date
    file: Path | None
    debits: tuple[WrittenDebit, ...]
    left_out: tuple[NotDebited, ...]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((d.amount for d in self.debits), ZERO)


def client_columns(path: Path) -> dict[str, dict[str, int]]:
    """The Clients sheet's header -> 0-based column, so a problem names its cell."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        if "Clients" not in wb.sheetnames:
            return {}
        ws = wb["Clients"]
        wanted = {header_key(h): h for h in ("Bank Routing", "Bank Account", "Client ID")}
        for row in ws.iter_rows(min_row=1, max_row=5, values_only=True):
            found = {wanted[header_key(v)]: i for i, v in enumerate(row) if v is not None
                     and header_key(v) in wanted}
            if found:
                return {"Clients": found}
        return {}
    finally:
        wb.close()


def load_for_ach(path: Path, today: date) -> tuple[Book, list[Problem]]:
    """The workbook's records with the bank details checked; WorkbookHasErrors when any is wrong."""
    book, problems = load_checked(path, today)
    bank = [p for p in bank_details(book, client_columns(path)) if p not in problems]
    if has_errors(bank):
        raise WorkbookHasErrors(problems + bank)
    return book, problems + bank


def next_trace_sequence(payments: tuple[Payment, ...], bank8: str) -> int:
    """Trace numbers run on across files: one more than the highest on the Payments sheet for this bank."""
    used = [int(p.reference.strip()[8:]) for p in payments
            if len(p.reference.strip()) == 15 and p.reference.strip().isdigit()
            and p.reference.strip().startswith(bank8)]
    return max(used, default=0) + 1


def file_name(out_dir: Path, on: date) -> tuple[Path, str]:
    """`ACH 2026-12-01.txt`, then `ACH 2026-12-01 B.txt` for a second file the same day (File ID Modifier B)."""
    for modifier in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        name = f"ACH {on.isoformat()}" + ("" if modifier == "A" else f" {modifier}") + ".txt"
        if not (out_dir / name).exists():
            return out_dir / name, modifier
    raise FileExistsError(f"26 ACH files for {on.isoformat()} already in {out_dir}")


def write_ach(path: Path, on: date, today: date, out: Path | None = None,
              created: datetime | None = None) -> AchRun:
    """A NACHA file debiting every autopay client's amount due on `on`, each debit recorded as pending on the
    Payments sheet; a debit already written for that date and invoice is never written again (the run holds the
    workbook's run lock, so two runs at once cannot both write it)."""
    with workbook_lock(path):
        return _write_ach(path, on, today, out, created)


def _write_ach(path: Path, on: date, today: date, out: Path | None, created: datetime | None) -> AchRun:
    refuse_if_open(path)
    book, problems = load_for_ach(path, today)
    source = originator(book.settings)
    due, left_out = debits_due(book, on)
    if not due:
        return AchRun(on, None, (), tuple(left_out), problems)
    bank8 = source.bank_routing[:8]
    first = next_trace_sequence(book.payments, bank8)
    due = sorted(due, key=lambda d: BATCH_ORDER.index(d.kind))
    written = [_written(d, on, f"{bank8}{first + i:07d}") for i, d in enumerate(due)]
    out_dir = output_folder(path, out, book)
    out_dir.mkdir(parents=True, exist_ok=True)
    target, modifier = file_name(out_dir, on)
    text = batches_file(source, debit_batches(due, written), on, created or datetime.now(), modifier)
    changes = WorkbookChanges(records={PAYMENTS.name: RecordRows(
        PAYMENT_HEADERS, "Payment ID", [_payment_row(w, on) for w in written], PAYMENT_KINDS)})
    save = prepare_update(path, changes, book.settings.currency, book.settings.locale)
    write_whole(target, lambda temporary: temporary.write_text(text, encoding="ascii", newline="\n"))
    note_issued({"debit": len(written)}, sum((w.amount for w in written), start=ZERO))
    try:
        save()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return AchRun(on, target, tuple(written), tuple(left_out), problems)


BATCH_ORDER = ("invoice", "retry", "fee")
BATCH_DESCRIPTIONS = {"invoice": "", "retry": RETRY_DESCRIPTION, "fee": RETURN_FEE_DESCRIPTION}


def debit_batches(due: list[DueDebit], written: list[WrittenDebit]) -> list[Batch]:
    """The day's debits in one batch, retries in a `RETRY PYMT` batch, return fees in a `RETURN FEE` batch: each
    entry identified by the invoice it collects and named after the client."""
    entries: dict[str, list[Entry]] = {kind: [] for kind in BATCH_ORDER}
    for d, w in zip(due, written, strict=True):
        entries[d.kind].append(Entry(w.trace_number, routing_digits(d.client.bank_routing), d.client.bank_account,
                                     d.amount, d.invoice_number, d.client.name))
    return [Batch(tuple(entries[kind]), BATCH_DESCRIPTIONS[kind]) for kind in BATCH_ORDER]


def _written(debit: DueDebit, on: date, trace: str) -> WrittenDebit:
    return WrittenDebit(f"{payment_id_prefix(on)}{trace[8:]}", debit.client.id, debit.client.name,
                        debit.invoice_number, debit.amount, trace, mask(debit.client.bank_account), debit.kind,
                        debit.retry_of, account_fingerprint(debit.client.bank_routing, debit.client.bank_account))


def _payment_row(debit: WrittenDebit, on: date) -> dict[str, object]:
    return {"Payment ID": debit.payment_id, "Client ID": debit.client_id, "Date": on, "Amount": debit.amount,
            "Method": "ACH", "Status": PENDING, "Return Code": None, "Invoice Number": debit.invoice_number or None,
            "Reference": debit.trace_number, "Debited Account": debit.fingerprint}


def run_ach(path: Path, on: date, today: date, out: Path | None = None) -> AchRun:
    """`mspxl ach`: `write_ach`, with its row on the Runs sheet when it wrote."""
    return audited(path, "ach", [path.name, "--date", on.isoformat()], lambda: write_ach(path, on, today, out))
