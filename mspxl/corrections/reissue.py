"""The corrected invoice issued after a credit note, from the workbook's current data.

A period's run issues an invoice once per (client, type, period[, project]); a key whose invoice is fully credited
may be issued again, once, by a reissue. The reissue bills what the credited invoice billed, as the workbook now
reads: the managed invoice recounted at the same cutoff (users, devices, subscriptions, the Usage rows it billed),
a service or project invoice from the WorkLog rows and the charges it billed (a row since marked Billable N drops
out); a One Invoice client's combined invoice from all of these, on one invoice again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from mspxl.billing.managed import managed_invoice
from mspxl.billing.one_invoice import one_invoice
from mspxl.billing.terms import terms_due_date
from mspxl.billing.work import work_invoice
from mspxl.corrections.credit import CreditRefused, uncredited
from mspxl.money import ZERO
from mspxl.records import COMBINED, Book, Client, Invoice

REISSUABLE_TYPES = ("managed", "service", "project", "combined")
_ELSEWHERE = "\x00elsewhere"  # a Usage row the reissue must not bill


def may_be_issued_again(invoice: Invoice, register: tuple[Invoice, ...]) -> bool:
    """A key whose invoice is fully credited may be issued again."""
    return uncredited(invoice, register) <= ZERO


def _usage_billed_by(book: Book, number: str) -> Book:
    """The book with only the Usage rows `number` billed left to bill (the others look billed)."""
    usage = tuple(
        replace(u, invoice_number="") if u.invoice_number == number
        else (u if u.invoice_number else replace(u, invoice_number=_ELSEWHERE))
        for u in book.usage
    )
    return replace(book, usage=usage)


def combined_parts(book: Book, client: Client, credited: Invoice) -> list[Invoice]:
    """What a One Invoice client's combined invoice billed, as the workbook now reads: the managed invoice recounted
    at the same cutoff, then the service and project invoices of the WorkLog rows and charges it billed."""
    managed = managed_invoice(_usage_billed_by(book, credited.number), client, credited.period)
    parts = [managed] if isinstance(managed, Invoice) else []
    entries = [w for w in book.work if w.invoice_number == credited.number and w.billable]
    charges = [c for c in book.charges if c.invoice_number == credited.number]
    for project_id in sorted({w.project_id for w in entries} | {c.project_id for c in charges}):
        kind = "project" if project_id else "service"
        rows = [w for w in entries if w.project_id == project_id]
        costs = [c for c in charges if c.project_id == project_id]
        parts.append(work_invoice(book, client, credited.period, kind, rows, project_id, costs))
    return parts


def reissue_draft(book: Book, credited: Invoice, credit_number: str, issue_date: date) -> Invoice | None:
    """The corrected invoice for the credited invoice's client, type and period (unnumbered), with Related Invoice =
    the credit note; None when the current data bill nothing. `book` must already hold the credit note."""
    if credited.type not in REISSUABLE_TYPES:
        raise CreditRefused(f"{credited.number} is a {credited.type} invoice: only managed, service, project and "
                            "combined invoices are reissued")
    if not may_be_issued_again(credited, book.invoices):
        raise CreditRefused(f"--reissue needs {credited.number} fully credited; credit the whole invoice "
                            "(leave out --amount and --lines)")
    client = book.client(credited.client_id)
    if credited.type == "managed":
        draft = managed_invoice(_usage_billed_by(book, credited.number), client, credited.period)
        if not isinstance(draft, Invoice):
            return None
    elif credited.type == COMBINED:
        parts = combined_parts(book, client, credited)
        if not parts:
            return None
        draft = one_invoice(client, credited.period, parts, book.settings, book.projects)
    else:
        entries = [w for w in book.work if w.invoice_number == credited.number and w.billable]
        charges = [c for c in book.charges if c.invoice_number == credited.number]
        if not entries and not charges:
            return None
        draft = work_invoice(book, client, credited.period, credited.type, entries, credited.project_id, charges)
    due = max(draft.due_date, issue_date, terms_due_date(issue_date, client.terms, draft.due_date))
    return replace(draft, issue_date=issue_date, due_date=due,
                   related_invoice=credit_number)
