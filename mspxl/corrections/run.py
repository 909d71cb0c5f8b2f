"""`mspxl credit` on a workbook file: the credit note (and the reissue) numbered, rendered and written in one save."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from mspxl.app import Progress, load_verified, no_progress, output_folder, render_documents, templates_of
from mspxl.audit import note_documents
from mspxl.billing.register import assign_numbers
from mspxl.billing.run import with_project_totals
from mspxl.corrections.credit import CreditRefused, credit_note, find_invoice
from mspxl.corrections.reissue import reissue_draft
from mspxl.lock import workbook_lock
from mspxl.problems import Problem
from mspxl.records import Book, Invoice
from mspxl.writers.changes import issue_changes
from mspxl.writers.xlsx import refuse_if_lossy, refuse_if_open, update_workbook


@dataclass(frozen=True)
class CreditRun:
    credited: Invoice  # the invoice credited, as the register holds it
    credit_note: Invoice
    reissued: Invoice | None
    out_dir: Path
    warnings: list[Problem]

    @property
    def issued(self) -> tuple[Invoice, ...]:
        return (self.credit_note,) if self.reissued is None else (self.credit_note, self.reissued)


def plan_credit(book: Book, invoice_number: str, today: date, reason: str, amount: Decimal | None = None,
                lines: Sequence[int] = (), reissue: bool = False) -> tuple[Invoice, Invoice, Invoice | None]:
    """The credited invoice, its credit note and (with `reissue`) the corrected invoice, numbered: the credit note on
    the credit-note sequence, the reissue on the invoice sequence, its Related Invoice the credit note."""
    credited = find_invoice(book, invoice_number)
    note = assign_numbers([credit_note(book, invoice_number, today, reason, amount, lines)],
                          book.invoices, book.settings)[0]
    if not reissue:
        return credited, note, None
    after = replace(book, invoices=book.invoices + (note,))
    draft = reissue_draft(after, credited, note.number, today)
    if draft is None:
        return credited, note, None
    return credited, note, with_project_totals(assign_numbers([draft], after.invoices, book.settings),
                                               after.invoices)[0]


def issue_credit(path: Path, invoice_number: str, today: date, reason: str, amount: Decimal | None = None,
                 lines: Sequence[int] = (), reissue: bool = False, out: Path | None = None,
                 progress: Progress = no_progress, template_dir: Path | None = None,
                 on: date | None = None) -> CreditRun:
    """Issue a credit note for an invoice (and, with `reissue`, the corrected invoice), both dated `on` (default
    `today`; a July correction made in December is dated in July): register rows, WorkLog and Usage marks for the
    reissue, one .docx each. Refused with nothing written when it cannot be issued (CreditRefused: also a date
    after `today` or before the invoice) or when the register fails verification (WorkbookHasErrors)."""
    on = on or today
    if on > today:
        raise CreditRefused(f"--date {on.isoformat()} is in the future (today is {today.isoformat()})")
    with workbook_lock(path):
        refuse_if_open(path)
        book, problems = load_verified(path, today)
        credited, note, reissued = plan_credit(book, invoice_number, on, reason, amount, lines, reissue)
        out_dir = output_folder(path, out, book)
        refuse_if_lossy(path)
        drafts = [note] if reissued is None else [note, reissued]
        templates = templates_of(path, book, template_dir)
        done = render_documents(book, drafts, out_dir, progress, templates)
        note_documents(done)
        update_workbook(path, issue_changes(done), book.settings.currency, book.settings.locale)
        return CreditRun(credited, done[0], done[1] if len(done) > 1 else None, out_dir, problems)
