"""`mspxl reconcile`: a vendor file against the month's billing, into the Reconcile sheet (and, with --propose, the
Proposed Changes sheet). Nothing else in the workbook changes: Subscriptions, Users and Devices stay as they are.

Each run replaces the rows of its own period and vendor format on those sheets and keeps every other row, so
December's Microsoft and RMM findings sit side by side and running a file again gives the same sheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_currency

from mspxl import schema as S
from mspxl.audit import audited, note_issued
from mspxl.billing.calendar import parse_period
from mspxl.commands.common import WorkbookHasErrors
from mspxl.lock import run_lock
from mspxl.problems import Problem, has_errors
from mspxl.reconcile import Proposal, Reconciliation, VendorFile, proposals, read_table, read_vendor_table, reconcile
from mspxl.reconcile.model import FINDINGS, NEW_REVENUE, NOT_IN_VENDOR, OVER_BILLED, UNDER_BILLED, UNMAPPED, Finding
from mspxl.reconcile.vendormap import map_rows
from mspxl.records import Book
from mspxl.workbook.load import load_raw
from mspxl.workbook.raw import RawBook
from mspxl.workbook.source_file import read_raw
from mspxl.workbook.table import locate_header, read_rows
from mspxl.writers.changes import Value, WorkbookChanges
from mspxl.writers.xlsx import refuse_if_open, update_workbook

RECONCILE = "Reconcile"
PROPOSED = "Proposed Changes"


class VendorFileHasErrors(Exception):
    """The vendor file has bad rows; nothing was written. `problems` holds one sentence per row."""

    def __init__(self, vendor: VendorFile) -> None:
        super().__init__(f"{vendor.name} has {len(vendor.problems)} problem(s); nothing was written.")
        self.problems = list(vendor.problems)


@dataclass(frozen=True)
class ReconcileRun:
    result: Reconciliation
    vendor: VendorFile
    proposals: tuple[Proposal, ...] = ()
    warnings: list[Problem] = field(default_factory=list)
    currency: str = "USD"
    locale: str = "en_US"


def finding_row(f: Finding, file_name: str, checked_on: date) -> tuple[Value, ...]:
    """A Reconcile sheet row in the order of RECONCILE_COLUMNS."""
    return (f.client_id or None, f.service_code or None, f.period, f.billed_qty, f.vendor_qty, f.difference,
            f.unit_price, f.revenue_at_stake, f.unit_cost, f.cost_at_stake, f.finding, f.vendor, f.customer or None,
            f.item or None, file_name, ", ".join(str(r) for r in f.rows) or None, checked_on)


def proposal_row(p: Proposal) -> tuple[Value, ...]:
    """A Proposed Changes row in the order of PROPOSED_CHANGES_COLUMNS."""
    return (p.client_id, p.service_code, p.change, p.current_qty, p.proposed_qty, p.effective, p.unit_price,
            p.monthly_change, p.reason, p.subscription_row, p.period, p.vendor)


def kept_rows(raw: RawBook, name: str, columns: tuple[tuple[str, str], ...], replaced: set[tuple[str, str]]
              ) -> list[tuple[Value, ...]]:
    """The sheet's rows of other (period, vendor) pairs than the `replaced` ones, as they are."""
    sheet = raw.get(name)
    if sheet is None:
        return []
    schema = S.Sheet(name, tuple(S.Column(h, S.OUTPUT_KINDS[k]) for h, k in columns), required=False)
    rows, _ = read_rows(sheet, schema)
    return [tuple(row[h] for h, _ in columns) for row in rows
            if (str(row["Period"] or ""), str(row["Vendor"] or "").lower()) not in replaced]


def vendor_map(raw: RawBook, book: Book) -> tuple[tuple, list[Problem]]:  # noqa: ANN001
    sheet = raw.get(S.VENDOR_MAP.name)
    if sheet is None:
        return (), []
    rows, _ = read_rows(sheet, S.VENDOR_MAP)  # reading problems are the loader's, already reported
    located, _ = locate_header(sheet, S.VENDOR_MAP)
    return map_rows(rows, book, located.columns if located else None)


def reconcile_changes(raw: RawBook, runs: Sequence[ReconcileRun], today: date, propose: bool) -> WorkbookChanges:
    """The Reconcile sheet with the runs' rows in place of their periods' and vendors'; with `propose`, the same for
    the Proposed Changes sheet (left alone without it). Files reconciled together (the ribbon's) are written in one
    change, so a bad file among them leaves the workbook as it was."""
    replaced = {(run.result.period, run.result.vendor) for run in runs}
    changes = WorkbookChanges()
    changes.replace[RECONCILE] = kept_rows(raw, RECONCILE, S.RECONCILE_COLUMNS, replaced) + [
        finding_row(f, run.result.file, today) for run in runs for f in run.result.findings]
    if propose:
        changes.replace[PROPOSED] = kept_rows(raw, PROPOSED, S.PROPOSED_CHANGES_COLUMNS, replaced) + [
            proposal_row(p) for run in runs for p in run.proposals]
    return changes


def plan_reconcile(raw: RawBook, book: Book, vendor_path: Path, period: str, fmt: str | None, propose: bool,
                   warnings: list[Problem]) -> ReconcileRun:
    """The findings (and with `propose` the proposed changes) of one vendor file against the checked workbook;
    nothing written. Raises WorkbookHasErrors (the VendorMap), BadVendorFile, UnknownFormat or VendorFileHasErrors."""
    rows, map_problems = vendor_map(raw, book)
    if map_problems:
        raise WorkbookHasErrors(warnings + map_problems)
    vendor = read_vendor_table(read_table(vendor_path), fmt, period)
    if vendor.problems:
        raise VendorFileHasErrors(vendor)
    result = reconcile(book, vendor, rows, period)
    return ReconcileRun(result, vendor, proposals(book, result) if propose else (), warnings,
                        book.settings.currency, book.settings.locale)


def money_at_stake(run: ReconcileRun) -> str:
    """The summary line the command prints and the ribbon shows: the money at stake a month, by kind of finding."""
    r = run.result

    def cash(amount: Decimal) -> str:
        return format_currency(amount, run.currency, locale=run.locale)

    counts = r.counts()
    found = ", ".join(f"{counts[k]} {k}" for k in FINDINGS if counts[k]) or "no differences"
    return (f"{r.period} {r.vendor} ({r.file}): {found}; {r.matched} matched. Money at stake a month: "
            f"{cash(r.total(UNDER_BILLED) + r.total(NEW_REVENUE))} to bill (under-billed "
            f"{cash(r.total(UNDER_BILLED))}, new revenue {cash(r.total(NEW_REVENUE))}); over-billed "
            f"{cash(-r.total(OVER_BILLED))}; billed without vendor data {cash(-r.total(NOT_IN_VENDOR))}; "
            f"unmapped vendor cost {cash(r.total(UNMAPPED, 'cost'))}.")


def reconcile_file(path: Path, vendor_path: Path, period: str, today: date, fmt: str | None = None,
                   propose: bool = False, dry_run: bool = False) -> ReconcileRun:
    """Reconcile `vendor_path` against the period's billing in the workbook at `path` (see the module docstring).
    Raises BadPeriod, BadVendorFile, UnknownFormat, VendorFileHasErrors or WorkbookHasErrors before writing."""
    parse_period(period)
    with run_lock(path, dry_run):
        if not dry_run:
            refuse_if_open(path)
        raw = read_raw(path)
        loaded = load_raw(raw, today)
        if loaded.book is None or has_errors(loaded.problems):
            raise WorkbookHasErrors(loaded.problems)
        book = loaded.book
        run = plan_reconcile(raw, book, vendor_path, period, fmt, propose, loaded.problems)
        if dry_run:
            return run
        counts = run.result.counts()
        note_issued({kind: counts[kind] for kind in FINDINGS}, None)
        update_workbook(path, reconcile_changes(raw, [run], today, propose), book.settings.currency,
                        book.settings.locale)
        return run


def run_reconcile(path: Path, period: str, vendor_file: Path, today: date, fmt: str | None = None,
                  propose: bool = False, dry_run: bool = False) -> ReconcileRun:
    """`mspxl reconcile`: `reconcile_file`, with its row on the Runs sheet when it wrote."""
    args = [path.name, "--period", period, "--vendor-file", vendor_file.name, *(["--format", fmt] if fmt else []),
            *(["--propose"] if propose else []), *(["--dry-run"] if dry_run else [])]
    return audited(path, "reconcile", args,
                   lambda: reconcile_file(path, vendor_file, period, today, fmt, propose, dry_run))
