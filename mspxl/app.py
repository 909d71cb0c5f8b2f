"""The commands as functions: the CLI and the Excel ribbon both call these, and present what they return."""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from mspxl.audit import note_documents
from mspxl.billing.calendar import parse_period
from mspxl.billing.gaps import latest_period_billed, unbilled_months
from mspxl.billing.managed import Skipped
from mspxl.billing.register import assign_numbers
from mspxl.billing.run import plan_period
from mspxl.collections import CollectionsResult, run_collections
from mspxl.documents.notices import render_notices
from mspxl.lock import run_lock, workbook_lock
from mspxl.money import ZERO
from mspxl.problems import Problem, Severity, has_errors
from mspxl.records import Book, Invoice
from mspxl.resources import templates_for_book
from mspxl.workbook.load import load_file
from mspxl.writers.changes import WorkbookChanges, aging_row, collections_row, issue_changes
from mspxl.writers.xlsx import WorkbookRefused, refuse_if_lossy, refuse_if_open, update_workbook

T = TypeVar("T")
Progress = Callable[[Sequence[T], str], Iterable[T]]


def no_progress(items: Sequence[T], label: str) -> Iterable[T]:
    return items


class WorkbookHasErrors(Exception):
    """The workbook has errors; nothing was written. `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{sum(1 for p in problems if p.severity.value == 'error')} error(s) in the workbook")
        self.problems = problems


def output_folder(book_path: Path, out: Path | None, book: Book | None) -> Path:
    """Files land in --out, else the workbook's Settings Output Folder, else a folder beside the workbook named
    after it."""
    if out is not None:
        return out
    if book is not None and book.settings.output_folder:
        folder = Path(book.settings.output_folder).expanduser()
        return folder if folder.is_absolute() else book_path.parent / folder
    return book_path.parent / book_path.stem


def load_checked(path: Path, today: date) -> tuple[Book, list[Problem]]:
    """The workbook's records, or WorkbookHasErrors with every problem."""
    loaded = load_file(path, today)
    if loaded.book is None or has_errors(loaded.problems):
        raise WorkbookHasErrors(loaded.problems)
    return loaded.book, loaded.problems


def load_verified(path: Path, today: date) -> tuple[Book, list[Problem]]:
    """As load_checked, and the register must verify: `invoice`, `collect` and `credit` refuse to build on a register
    whose rows do not re-add or whose marks point nowhere."""
    from mspxl.workbook.verify import verify_book

    book, problems = load_checked(path, today)
    register = [p for p in verify_book(book) if p.severity is Severity.ERROR]
    if register:
        raise WorkbookHasErrors(problems + register)
    return book, problems


def check(path: Path, today: date) -> list[Problem]:
    """Every error and warning in the workbook; nothing is written. With Settings Accounting System set, also every
    mapping cell an export to it would need and finds blank."""
    loaded = load_file(path, today)
    if loaded.book is None or not loaded.book.settings.accounting_system:
        return loaded.problems
    from mspxl.commands.export import accounting_problems

    return loaded.problems + accounting_problems(path, loaded.book)


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
        refuse_if_lossy(path)
        issued = render_documents(book, list(plan.new), out_dir, progress, templates_of(path, book, template_dir))
        note_documents(issued)
        update_workbook(path, issue_changes(issued), book.settings.currency, book.settings.locale)
        return replace(run, issued=tuple(issued))


class DocumentClash(WorkbookRefused):
    """A file with a document's name is already in the output folder and is not that document."""


def document_is_invoice(path: Path, number: str) -> bool:
    """The existing file is a Word document of invoice `number` (left by a run that stopped before saving the
    workbook), not some other file that happens to have its name."""
    try:
        with zipfile.ZipFile(path) as package:
            return number in package.read("word/document.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def refuse_foreign_documents(invoices: Sequence[Invoice], out_dir: Path) -> None:
    """A file of the same name that is not the invoice's own document is never overwritten: the run stops before it
    writes anything, saying which file to move."""
    from mspxl.documents.render import document_filename

    for inv in invoices:
        target = out_dir / document_filename(inv.number, inv.client_name)
        if target.exists() and not document_is_invoice(target, inv.number):
            raise DocumentClash(f"{target} already exists and is not invoice {inv.number}: move it out of the "
                                "folder (or choose another --out) and run again; nothing was written.")


def templates_of(path: Path, book: Book, template_dir: Path | None = None) -> Path:
    """The folder a run takes its templates from: the one named by the caller, else the packaged templates with
    the workbook's own (a `templates/` folder beside it, or Settings `Templates Folder`) replacing them by name."""
    return template_dir or templates_for_book(path, book.settings.extra)


def render_documents(book: Book, invoices: list[Invoice], out_dir: Path, progress: Progress,
                     template_dir: Path | None = None) -> list[Invoice]:
    """One .docx per invoice, named `{Invoice Number} {Client Name}.docx`; returns the invoices with File set. Many
    invoices (a month of a large MSP) are rendered over the machine's cores; the documents are the same."""
    from mspxl.documents.render import default_template_dir, rendered

    refuse_foreign_documents(invoices, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clients = {c.id: c for c in book.clients}
    jobs = []
    for inv in invoices:
        project = book.projects.get(inv.project_id)
        jobs.append((inv, clients[inv.client_id], book.settings, project.name if project else ""))
    written = rendered(template_dir or default_template_dir(), jobs, out_dir)
    return [replace(inv, file=path.name)
            for inv, path in zip(progress(invoices, "Rendering invoices"), written, strict=True)]


@dataclass(frozen=True)
class CollectRun:
    as_of: date
    fees: tuple[Invoice, ...]
    result: CollectionsResult
    out_dir: Path
    warnings: list[Problem] = field(default_factory=list)
    notices: tuple[Path, ...] = ()
    replay: bool = False  # only the Collections and Aging sheets were recomputed
    replayed_over: date | None = None  # the As Of of the sheets before the run

    @property
    def state_counts(self) -> dict[str, int]:
        return dict(Counter(s.state for s in self.result.statuses))


class BackDatedCollect(ValueError):
    """A collect as of a date before the last one: it would write fees and letters that are no longer true."""

    def __init__(self, last: date, as_of: date) -> None:
        super().__init__(
            f"Collections were last run as of {last.isoformat()}; a run as of {as_of.isoformat()} would send letters "
            f"and charge fees for a state that is no longer true, so nothing was written. Run collect as of "
            f"{last.isoformat()} or later, or add --replay to recompute only the Collections and Aging sheets as of "
            f"{as_of.isoformat()} (no fees, no notices).")
        self.last = last


def refuse_back_dated(book: Book, as_of: date) -> None:
    """A collect earlier than the last one (the As Of of the Collections and Aging sheets) is refused."""
    if book.collections_as_of is not None and as_of < book.collections_as_of:
        raise BackDatedCollect(book.collections_as_of, as_of)


def collect(path: Path, as_of: date, today: date, out: Path | None = None, progress: Progress = no_progress,
            template_dir: Path | None = None, replay: bool = False) -> CollectRun:
    """Fee invoices for returned debits, the Collections and Aging sheets as of `as_of`. BackDatedCollect when
    `as_of` is before the last collect's, unless `replay`: then only the Collections and Aging sheets are recomputed
    as of `as_of` (no fee is charged and no notice written)."""
    with workbook_lock(path):
        refuse_if_open(path)
        book, problems = load_verified(path, today)
        out_dir = output_folder(path, out, book)
        refuse_if_lossy(path)
        fees, result, notices, changes = collections_documents(book, as_of, out_dir, progress,
                                                               templates_of(path, book, template_dir), replay)
        note_documents(fees)
        update_workbook(path, changes, book.settings.currency, book.settings.locale)
        return CollectRun(as_of, tuple(fees), result, out_dir, problems, tuple(notices), replay,
                          book.collections_as_of)


def collections_documents(book: Book, as_of: date, out_dir: Path, progress: Progress = no_progress,
                          template_dir: Path | None = None, replay: bool = False
                          ) -> tuple[list[Invoice], CollectionsResult, list[Path], WorkbookChanges]:
    """Collections on loaded records: fee invoices numbered and rendered, a notice for each client whose state
    changed, and the workbook changes (fee register rows, Collections and Aging sheets) left to the caller to apply.
    A replay gives the Collections and Aging sheets only; any other run earlier than the last is refused."""
    if not replay:
        refuse_back_dated(book, as_of)
    result = run_collections(book.settings, book.clients, book.invoices, book.payments, as_of,
                             book.collection_states)
    if replay:
        changes = WorkbookChanges()
        changes.replace["Collections"] = [collections_row(s, as_of) for s in result.statuses
                                          if s.on_collections_sheet]
        changes.replace["Aging"] = [aging_row(r, as_of) for r in result.aging]
        return [], result, [], changes
    fees = assign_numbers(result.new_fees, book.invoices, book.settings)
    if fees:
        fees = render_documents(book, fees, out_dir, progress, template_dir)
    notices = render_notices(book, result.statuses, as_of, out_dir, template_dir)
    changes = issue_changes(fees)
    changes.replace["Collections"] = [collections_row(s, as_of) for s in result.statuses if s.on_collections_sheet]
    changes.replace["Aging"] = [aging_row(r, as_of) for r in result.aging]
    return fees, result, notices, changes
