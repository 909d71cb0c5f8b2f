"""`mspxl credit` on a workbook file: the credit note (and the reissue) numbered, rendered and written in one save."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from mspxl.audit import audited
from mspxl.billing.register import assign_numbers
from mspxl.billing.run import with_project_totals
from mspxl.commands.common import (
    BadDate,
    Progress,
    issue_with_documents,
    load_verified,
    no_progress,
    output_folder,
    read_day,
    templates_of,
)
from mspxl.corrections import CreditRefused, parse_line_numbers
from mspxl.corrections.credit import credit_note, find_invoice
from mspxl.corrections.reissue import reissue_draft
from mspxl.lock import workbook_lock
from mspxl.money import NotANumber, to_decimal
from mspxl.problems import Problem
from mspxl.records import Book, Invoice
from mspxl.writers.xlsx import refuse_if_open


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
    return credited, note, with_project_totals(assign_numbers([draft], after.invoices, book.settings), after)[0]


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
        drafts = [note] if reissued is None else [note, reissued]
        done = issue_with_documents(path, book, drafts, out_dir, progress, templates_of(path, book, template_dir))
        return CreditRun(credited, done[0], done[1] if len(done) > 1 else None, out_dir, problems)


class CreditOptionError(ValueError):
    """--amount or --lines as given cannot be read (a usage error: nothing was tried)."""


def credit_options(amount: str | None, on: str | None, lines: str | None
                   ) -> tuple[Decimal | None, date | None, tuple[int, ...]]:
    """The amount, the date and the line numbers of `mspxl credit --amount ... --date ... --lines ...`, read from
    their text (CreditOptionError saying what was expected)."""
    value = None
    if amount is not None:
        try:
            value = to_decimal(amount)
        except NotANumber:
            raise CreditOptionError(f'--amount "{amount}" is not an amount (expected a number like 125.00)') from None
    try:
        day = read_day(on) if on is not None else None
    except BadDate as exc:
        raise CreditOptionError(str(exc)) from None
    try:
        numbers = parse_line_numbers(lines) if lines is not None else ()
    except CreditRefused as exc:
        raise CreditOptionError(str(exc)) from None
    return value, day, numbers


def run_credit(path: Path, invoice_number: str, today: date, reason: str, amount: str | None = None,
               lines: str | None = None, reissue: bool = False, out: Path | None = None,
               progress: Progress = no_progress, on: str | None = None) -> CreditRun:
    """`mspxl credit`: `issue_credit` with --amount, --lines and --date as given (CreditOptionError when they cannot
    be read), with its row on the Runs sheet when it wrote."""
    value, day, numbers = credit_options(amount, on, lines)
    args = [path.name, "--invoice", invoice_number, "--reason", reason]
    args += ["--amount", amount] if amount is not None else []
    args += ["--lines", lines] if lines is not None else []
    args += ["--reissue"] if reissue else []
    args += ["--date", on] if on is not None else []
    return audited(path, "credit", args, lambda: issue_credit(path, invoice_number, today, reason, value, numbers,
                                                              reissue, out, progress, on=day))
