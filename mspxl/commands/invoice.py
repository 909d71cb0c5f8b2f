"""`mspxl invoice`: the period's invoices issued (register rows, WorkLog and Usage marks, one .docx each)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from mspxl.audit import audited
from mspxl.billing.calendar import parse_period
from mspxl.billing.gaps import latest_period_billed, unbilled_months
from mspxl.billing.managed import Skipped
from mspxl.billing.run import plan_period
from mspxl.commands.common import (
    Progress,
    issue_with_documents,
    load_verified,
    no_progress,
    output_folder,
    templates_of,
)
from mspxl.lock import run_lock
from mspxl.money import ZERO
from mspxl.problems import Problem
from mspxl.records import Book, Invoice
from mspxl.writers.xlsx import WorkbookRefused, refuse_if_open


@dataclass(frozen=True)
class InvoiceRun:
    period: str
    issued: tuple[Invoice, ...]
    already_issued: int
    skipped: tuple[Skipped, ...]
    out_dir: Path
    dry_run: bool
    warnings: list[Problem] = field(default_factory=list)
    previous_totals: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # e.g. prepaid hours that expired unused: reported, not billed
    gap: tuple[str, ...] = ()  # months left unbilled before the period, billed over with --allow-gap

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(inv.type for inv in self.issued))

    @property
    def total(self) -> Decimal:
        return sum((inv.total for inv in self.issued), start=ZERO)


def previous_totals(book: Book, invoices: Sequence[Invoice]) -> dict[tuple[str, str, str], Decimal]:
    """For each new invoice, the total of the client's latest earlier invoice of the same type (and project)."""
    result: dict[tuple[str, str, str], Decimal] = {}
    for inv in invoices:
        earlier = [
            old for old in book.of_client(inv.client_id, "invoices")
            if (old.type, old.project_id) == (inv.type, inv.project_id)
            and old.period < inv.period
        ]
        if earlier:
            latest = max(earlier, key=lambda old: (old.period, old.issue_date))
            result[(inv.client_id, inv.type, inv.project_id)] = latest.total
    return result


class PeriodGap(WorkbookRefused):
    """The period leaves unbilled months between it and the latest period billed."""


def refuse_gap(book: Book, period: str, allow_gap: bool) -> tuple[str, ...]:
    """The months `period` would skip; PeriodGap unless `allow_gap`."""
    gap = unbilled_months(book, period)
    if gap and not allow_gap:
        months = ", ".join(gap)
        raise PeriodGap(
            f"{period} would skip {months}: the register's latest period billed is {latest_period_billed(book)}, "
            f"and {months} {'has' if len(gap) == 1 else 'have'} not been billed. Bill {gap[0]} first, or run again "
            f"with --allow-gap to bill {period} anyway (its invoices then take in the usage and work of the skipped "
            "months); nothing was written.")
    return gap


def invoice(path: Path, period: str, today: date, out: Path | None = None, dry_run: bool = False,
            progress: Progress = no_progress, template_dir: Path | None = None,
            allow_gap: bool = False) -> InvoiceRun:
    """Issue the period's managed, service and project invoices: register rows, WorkLog and Usage marks, one .docx
    each. Running it again issues nothing new. A period that would leave a month unbilled is refused unless
    `allow_gap`."""
    parse_period(period)
    with run_lock(path, dry_run):
        if not dry_run:
            refuse_if_open(path)
        book, problems = load_verified(path, today)
        gap = refuse_gap(book, period, allow_gap)
        plan = plan_period(book, period)
        out_dir = output_folder(path, out, book)
        run = InvoiceRun(period, plan.new, plan.already_issued, plan.skipped, out_dir, dry_run, problems,
                         previous_totals(book, plan.new), plan.notes, gap)
        if dry_run or not plan.new:
            return run
        issued = issue_with_documents(path, book, list(plan.new), out_dir, progress,
                                      templates_of(path, book, template_dir))
        return replace(run, issued=tuple(issued))


def run_invoice(path: Path, period: str, today: date, out: Path | None = None, dry_run: bool = False,
                progress: Progress = no_progress, allow_gap: bool = False) -> InvoiceRun:
    """`mspxl invoice`: `invoice`, with its row on the Runs sheet when it wrote."""
    args = [path.name, "--period", period, *(["--out", str(out)] if out else []),
            *(["--dry-run"] if dry_run else []), *(["--allow-gap"] if allow_gap else [])]
    if dry_run:  # writes nothing: no Runs row, so nothing to fingerprint
        return invoice(path, period, today, out, dry_run, progress=progress, allow_gap=allow_gap)
    return audited(path, "invoice", args,
                   lambda: invoice(path, period, today, out, dry_run, progress=progress, allow_gap=allow_gap))
