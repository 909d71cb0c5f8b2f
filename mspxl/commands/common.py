"""What the commands share: the workbook loaded only when it has no error (and its register verifies), where a
run's files go and which templates it takes, and the invoice documents rendered."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from mspxl.problems import Problem, Severity, has_errors
from mspxl.records import Book, Client, Invoice
from mspxl.resources import templates_for_book
from mspxl.workbook.load import load_file
from mspxl.writers.xlsx import WorkbookRefused

T = TypeVar("T")
WRITE_AHEAD = 400  # from this many invoices the register's copy is written while the documents are rendered
Progress = Callable[[Sequence[T], str], Iterable[T]]


def no_progress(items: Sequence[T], label: str) -> Iterable[T]:
    return items


class BadDate(ValueError):
    """A date option that is not YYYY-MM-DD."""


def read_day(text: str) -> date:
    """A date given as YYYY-MM-DD (BadDate saying so when it is not)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadDate(f'"{text}" is not a date (expected YYYY-MM-DD)') from None


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
    from mspxl.documents.template import document_filename

    for inv in invoices:
        target = out_dir / document_filename(inv.number, inv.client_name)
        if target.exists() and not document_is_invoice(target, inv.number):
            raise DocumentClash(f"{target} already exists and is not invoice {inv.number}: move it out of the "
                                "folder (or choose another --out) and run again; nothing was written.")


def templates_of(path: Path, book: Book, template_dir: Path | None = None) -> Path:
    """The folder a run takes its templates from: the one named by the caller, else the packaged templates with
    the workbook's own (a `templates/` folder beside it, or Settings `Templates Folder`) replacing them by name."""
    return template_dir or templates_for_book(path, book.settings.extra)


def billed_clients(book: Book, on: date | None) -> dict[str, Client]:
    """The clients as their invoices speak of them on `on`: a client whose invoices `mspxl ach` would not debit (on
    hold after returned debits, no valid bank details) is billed as one who pays by check or wire, so no document
    promises a debit that will not happen."""
    from mspxl.ach.debits import clients_not_debited

    if on is not None:  # what is known by now counts too: a return recorded after the issue date
        on = max([on, *(p.date for p in book.payments)])
    held = clients_not_debited(book, on) if on is not None else {}
    return {c.id: replace(c, autopay=False) if c.id in held else c for c in book.clients}


def render_documents(book: Book, invoices: list[Invoice], out_dir: Path, progress: Progress,
                     template_dir: Path | None = None) -> list[Invoice]:
    """One .docx per invoice, named `{Invoice Number} {Client Name}.docx`; returns the invoices with File set. Many
    invoices (a month of a large MSP) are rendered over the machine's cores; the documents are the same."""
    from mspxl.documents.render import rendered
    from mspxl.documents.template import default_template_dir

    refuse_foreign_documents(invoices, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clients = billed_clients(book, max((inv.issue_date for inv in invoices), default=None))
    jobs = []
    for inv in invoices:
        project = book.projects.get(inv.project_id)
        jobs.append((inv, clients[inv.client_id], book.settings, project.name if project else ""))
    written = rendered(template_dir or default_template_dir(), jobs, out_dir)
    return [replace(inv, file=path.name)
            for inv, path in zip(progress(invoices, "Rendering invoices"), written, strict=True)]


def named_documents(book: Book, invoices: list[Invoice]) -> list[Invoice]:
    """The invoices with File the name their documents are written under (`document_filename`)."""
    if not invoices:
        return []
    from mspxl.documents.template import document_filename

    names = {c.id: c.name for c in book.clients}
    return [replace(inv, file=document_filename(inv.number, inv.client_name or names[inv.client_id]))
            for inv in invoices]


def issue_with_documents(path: Path, book: Book, drafts: list[Invoice], out_dir: Path, progress: Progress,
                         template_dir: Path | None = None) -> list[Invoice]:
    """The drafts' register rows and one .docx each (`render_documents`). The workbook change is prepared once,
    before any document is written (whatever cannot be written is found first), with each row's File the name its
    document is written under (`document_filename`), and saved once the documents are written. For a month of
    many invoices the change is made, and its finished copy written, meanwhile, on the other core
    (`prepare_update_ahead`, `PreparedSave.write_ahead`): only the refusals are checked first, and the save only
    puts the copy in place."""
    from mspxl.audit import note_documents
    from mspxl.writers.changes import WorkbookChanges, issue_changes
    from mspxl.writers.forked import can_fork
    from mspxl.writers.xlsx import prepare_update, prepare_update_ahead

    def changes() -> WorkbookChanges:
        return issue_changes(named_documents(book, drafts))

    currency, locale = book.settings.currency, book.settings.locale
    if len(drafts) >= WRITE_AHEAD and can_fork():
        save = prepare_update_ahead(path, changes, currency, locale)
        save.write_ahead()
    else:
        save = prepare_update(path, changes(), currency, locale)
    try:
        done = render_documents(book, drafts, out_dir, progress, template_dir)
        note_documents(done)
        save()
    finally:
        save.discard()
    return done


