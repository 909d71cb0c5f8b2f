"""A period's invoicing: every invoice the period calls for, in number order, minus what is already issued."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mspxl.billing.blocks import block_balances, blocks_text, expired_unused, ledger_before_run
from mspxl.billing.calendar import invoice_date
from mspxl.billing.charges import charges_in_arrears
from mspxl.billing.combined_parts import invoice_parts, project_total_to_date
from mspxl.billing.managed import Skipped, managed_invoice
from mspxl.billing.one_invoice import one_invoice_month, project_heading
from mspxl.billing.register import assign_numbers, not_yet_issued
from mspxl.billing.work import work_invoices, work_to_bill
from mspxl.records import COMBINED, PERIOD_TYPES, Book, Client, Invoice


@dataclass(frozen=True)
class PeriodPlan:
    period: str
    new: tuple[Invoice, ...]  # numbered, not yet in the register
    already_issued: int  # the period's invoices already in the register
    skipped: tuple[Skipped, ...]
    notes: tuple[str, ...] = ()  # things the accountant should know, e.g. prepaid hours that expired unused


def period_drafts(book: Book, period: str) -> tuple[list[Invoice], list[Skipped]]:
    """Within one run, invoices are in Clients-sheet order; for each client: managed, then service, then project
    invoices by Project ID (or, with One Invoice Y, one invoice holding them all)."""
    drafts: list[Invoice] = []
    skipped: list[Skipped] = []
    for client in book.clients:
        mine: list[Invoice] = []
        managed = managed_invoice(book, client, period)
        if isinstance(managed, Skipped):
            skipped.append(managed)
        elif managed is not None:
            mine.append(managed)
        mine.extend(work_invoices(book, client, period, work_to_bill(book, client, period),
                                  charges_in_arrears(book, client, period)))
        mine = one_invoice_month(client, period, mine, book.of_client(client.id, "invoices"), book.settings,
                                 book.projects)
        drafts.extend(with_prepaid_hours(book, client, period, mine))
    return drafts, skipped


def with_prepaid_hours(book: Book, client: Client, period: str, invoices: list[Invoice]) -> list[Invoice]:
    """The block balance is on the client's invoices: what its prepaid blocks hold once this run's hours are drawn."""
    if not invoices or not book.of_client(client.id, "blocks"):
        return invoices
    ledger = ledger_before_run(book, client)
    rows = {w.entry_id: w for w in book.of_client(client.id, "work")}
    for inv in invoices:
        for entry_id in inv.work_entry_ids:
            ledger.draw(rows[entry_id].date, rows[entry_id].hours)
    text = blocks_text(block_balances(ledger, invoice_date(period, book.settings)))
    return [replace(inv, prepaid_hours=text) for inv in invoices]


def plan_period(book: Book, period: str) -> PeriodPlan:
    """The period's new invoices, numbered after the register's highest number."""
    drafts, skipped = period_drafts(book, period)
    new = not_yet_issued(drafts, book.invoices)
    numbered = with_project_totals(assign_numbers(new, book.invoices, book.settings), book)
    already = sum(1 for inv in book.invoices if inv.period == period and inv.type in PERIOD_TYPES)
    return PeriodPlan(period, tuple(numbered), already, tuple(skipped), tuple(expired_block_notes(book, period)))


def expired_block_notes(book: Book, period: str) -> list[str]:
    """Hours left on an expired prepaid block are reported, not billed."""
    on = invoice_date(period, book.settings)
    notes = []
    for client in book.clients:
        if not book.of_client(client.id, "blocks"):
            continue
        for block, left in expired_unused(ledger_before_run(book, client), on):
            notes.append(f"{client.id} {client.name}: prepaid block {block.block_id} expired on "
                         f"{block.expires_on} with {left.normalize():f} h unused (not billed)")
    return notes


def with_project_totals(invoices: list[Invoice], book: Book) -> list[Invoice]:
    """Each project invoice with its project's total to date; each combined invoice with the total to date of every
    project it bills, by the project's heading."""
    result = []
    for inv in invoices:
        work, charges = book.of_client(inv.client_id, "work"), book.of_client(inv.client_id, "charges")
        if inv.type == "project":
            inv = replace(inv, project_to_date=project_total_to_date(book.invoices, inv, inv.project_id, work,
                                                                     charges))
        elif inv.type == COMBINED:
            projects = [p.project_id for p in invoice_parts(inv, work, charges) if p.type == "project"]
            inv = replace(inv, project_totals=tuple(
                (project_heading(pid, book.projects), project_total_to_date(book.invoices, inv, pid, work, charges))
                for pid in projects))
        result.append(inv)
    return result


def with_issued(book: Book, issued: tuple[Invoice, ...]) -> Book:
    """The book as it reads after `issued` are written: register rows added, WorkLog, Usage and Charges rows marked."""
    by_entry = {entry: inv.number for inv in issued for entry in inv.work_entry_ids}
    by_charge = {cid: inv.number for inv in issued for cid in inv.charge_ids}
    by_usage = {row: inv.number for inv in issued for row in inv.usage_rows}
    work = tuple(replace(w, invoice_number=by_entry[w.entry_id]) if w.entry_id in by_entry else w for w in book.work)
    usage = tuple(replace(u, invoice_number=by_usage[u.row]) if u.row in by_usage else u for u in book.usage)
    charges = tuple(replace(c, invoice_number=by_charge[c.charge_id]) if c.charge_id in by_charge else c
                    for c in book.charges)
    by_block = {block: inv.number for inv in issued for block in inv.block_ids}
    blocks = tuple(replace(b, invoice_number=by_block[b.block_id]) if b.block_id in by_block else b
                   for b in book.blocks)
    return replace(book, invoices=book.invoices + issued, work=work, usage=usage, charges=charges, blocks=blocks)
