"""Service and project invoices: logged work billed in arrears with the next managed invoice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from mspxl.billing.blocks import BlockLedger, block_purchase_line, blocks_to_bill, drawn_line, ledger_before_run
from mspxl.billing.calendar import add_months, last_day
from mspxl.billing.charges import CHARGES, LABOR, MATERIALS, charge_lines, ordered_charges
from mspxl.billing.totals import numbered, period_invoice
from mspxl.money import line_amount
from mspxl.records import Block, Book, Charge, Client, Invoice, InvoiceLine, Settings, WorkEntry


def work_to_bill(book: Book, client: Client, period: str) -> list[WorkEntry]:
    """The run for period M bills the WorkLog rows that are billable, not yet invoiced, and dated on or before the
    last day of the month before M."""
    end = last_day(add_months(period, -1))
    return [w for w in book.of_client(client.id, "work") if w.billable and not w.invoice_number and w.date <= end]


def work_rate(entry: WorkEntry, client: Client, settings: Settings) -> Decimal:
    """Rate: the row's Rate, else the client's Hourly Rate, else Settings Default Hourly Rate."""
    for rate in (entry.rate, client.hourly_rate, settings.default_hourly_rate):
        if rate is not None:
            return rate
    raise ValueError(f"WorkLog row {entry.row} has no rate")  # the validator reports this before any run


def work_line(entry: WorkEntry, client: Client, settings: Settings, section: str = "") -> InvoiceLine:
    """A line per row with the work performed, hours, rate and amount. Work is not taxed unless Tax Labor is Y."""
    rate = work_rate(entry, client, settings)
    return InvoiceLine(0, "LABOR", work_description(entry), entry.hours, rate, line_amount(entry.hours, rate),
                       settings.tax_labor, "h", section)


def work_description(entry: WorkEntry) -> str:
    """A work line reads `2026-11-12 New user setup (A. Tech)`: the date, the work performed and the technician."""
    who = f" ({entry.technician})" if entry.technician else ""
    return f"{entry.date.isoformat()} {entry.description}{who}"


def work_lines(entry: WorkEntry, client: Client, settings: Settings, ledger: BlockLedger) -> list[InvoiceLine]:
    """A row's hours drawn from the client's prepaid blocks first (billed at 0.00), the rest at the rate."""
    line = work_line(entry, client, settings, LABOR)
    draws, rest = ledger.draw(entry.date, entry.hours)
    lines = [drawn_line(draw, line) for draw in draws]
    if rest == entry.hours:
        lines.append(line)
    elif rest > 0:
        lines.append(replace(line, quantity=rest, amount=line_amount(rest, line.unit_price)))
    return lines


def work_invoice(book: Book, client: Client, period: str, kind: str, entries: Sequence[WorkEntry],
                 project_id: str = "", charges: Sequence[Charge] = (), ledger: BlockLedger | None = None,
                 purchases: Sequence[Block] = ()) -> Invoice:
    """Rows with no Project ID go on one service invoice per client; rows with a Project ID on one project invoice per
    project; both issued on Invoice Day of M with the managed invoice, with the same due date. Charges follow the
    work: a project invoice shows Labor and Materials, a service invoice Labor and Charges; blocks of prepaid hours
    bought are charges of the service invoice, and the hours draw on the client's blocks (`ledger`)."""
    ordered = sorted(entries, key=lambda w: (w.date, w.row))
    extra = MATERIALS if kind == "project" else CHARGES
    ledger = ledger if ledger is not None else BlockLedger([])
    lines = [ln for w in ordered for ln in work_lines(w, client, book.settings, ledger)]
    lines += [block_purchase_line(b, book.settings, extra) for b in purchases] + charge_lines(charges, extra)
    return period_invoice(client, kind, period, numbered(lines), book.settings, project_id=project_id,
                          work_entry_ids=tuple(w.entry_id for w in ordered), charge_ids=ordered_charges(charges),
                          block_ids=tuple(b.block_id for b in purchases))


def work_invoices(book: Book, client: Client, period: str, entries: Sequence[WorkEntry],
                  charges: Sequence[Charge] = ()) -> list[Invoice]:
    """The client's service invoice, then its project invoices by Project ID, from the client's `entries` and
    `charges`: with a Project ID on that project's invoice, else on the client's service invoice. The hours of each
    draw on the client's prepaid blocks in that order."""
    mine, costs = list(entries), list(charges)
    invoices = []
    ledger = ledger_before_run(book, client)
    purchases = blocks_to_bill(book, client, period)
    service_rows = [w for w in mine if not w.project_id]
    service_charges = [c for c in costs if not c.project_id]
    if service_rows or service_charges or purchases:
        invoices.append(work_invoice(book, client, period, "service", service_rows, charges=service_charges,
                                     ledger=ledger, purchases=purchases))
    for project_id in sorted({w.project_id for w in mine if w.project_id} | {c.project_id for c in costs
                                                                                if c.project_id}):
        rows = [w for w in mine if w.project_id == project_id]
        invoices.append(work_invoice(book, client, period, "project", rows, project_id,
                                     [c for c in costs if c.project_id == project_id], ledger=ledger))
    return invoices
