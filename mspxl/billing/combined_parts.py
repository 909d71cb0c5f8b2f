"""A combined (One Invoice) invoice split back into the invoices it replaces: its managed-services part, its service
part and each project's part, for the figures that are kept by invoice type or by project (the summary's revenue
by client, a project's total to date).

The register keeps no line's section, so the WorkLog and Charges rows the invoice billed (marked with its number)
say which project a work or charge line was for: a line is matched to a row by its Service Code and the description
the row gives it (`2026-11-12 Switch install (A. Tech)`; hours drawn from a prepaid block read the same followed by
`: from block ...`). Managed-services lines are the managed part; the lines of a row with a Project ID, that project's
part; every other line (work and charges without a project, prepaid blocks bought) the service part.

Each part's tax is the invoice's tax shared by taxable amount, rounded half-up to cents (the register keeps the tax,
not the rate); the cent rounding leaves over goes to the part with the most taxable, so the parts add up to the
invoice's subtotal, tax and total exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from mspxl.billing.blocks import DRAWN_FROM
from mspxl.billing.charges import charge_description
from mspxl.billing.work import work_description
from mspxl.money import ZERO, cents
from mspxl.records import CHARGE_CODE, COMBINED, WORK_CODES, Charge, Invoice, InvoiceLine, WorkEntry


def projects_of_lines(invoice: Invoice, work: Iterable[WorkEntry], charges: Iterable[Charge]) -> dict[tuple[str, str],
                                                                                                      str]:
    """(Service Code, description) -> Project ID of the invoice's WorkLog and Charges rows with a project."""
    def billed(number: str, row_id: str, ids: tuple[str, ...]) -> bool:  # marked, or billed by this new invoice
        return bool(invoice.number) and number == invoice.number or row_id in ids

    found = {("LABOR", work_description(w)): w.project_id for w in work
             if billed(w.invoice_number, w.entry_id, invoice.work_entry_ids) and w.client_id == invoice.client_id
             and w.project_id}
    found.update({(CHARGE_CODE, charge_description(c)): c.project_id for c in charges
                  if billed(c.invoice_number, c.charge_id, invoice.charge_ids) and c.client_id == invoice.client_id
                  and c.project_id})
    return found


def line_part(line: InvoiceLine, projects: dict[tuple[str, str], str]) -> tuple[str, str]:
    """The (type, Project ID) of the invoice a combined invoice's line would have been on."""
    if line.service_code not in WORK_CODES:
        return "managed", ""
    project = projects.get((line.service_code, line.description.partition(DRAWN_FROM)[0]), "")
    return ("project", project) if project else ("service", "")


def invoice_parts(invoice: Invoice, work: Iterable[WorkEntry], charges: Iterable[Charge]) -> tuple[Invoice, ...]:
    """A combined invoice as its managed, service and project parts (same number; each with its lines and totals),
    in that order; any other invoice is its own one part."""
    if invoice.type != COMBINED:
        return (invoice,)
    projects = projects_of_lines(invoice, work, charges)
    grouped: dict[tuple[str, str], list[InvoiceLine]] = {}
    for line in invoice.lines:
        grouped.setdefault(line_part(line, projects), []).append(line)
    order = sorted(grouped, key=lambda key: (("managed", "service", "project").index(key[0]), key[1]))
    taxable = {key: sum((ln.amount for ln in lines if ln.taxable), ZERO) for key, lines in grouped.items()}
    base = sum(taxable.values(), ZERO)
    taxes = {key: cents(invoice.tax * taxable[key] / base) if base else ZERO for key in order}
    largest = max(order, key=lambda key: taxable[key])
    taxes[largest] += invoice.tax - sum(taxes.values(), ZERO)
    parts = []
    for kind, project in order:
        lines = tuple(grouped[kind, project])
        subtotal = sum((ln.amount for ln in lines), ZERO)
        tax = taxes[kind, project]
        parts.append(replace(invoice, type=kind, project_id=project, lines=lines, subtotal=subtotal, tax=tax,
                             total=subtotal + tax))
    return tuple(parts)


def billed_for_project(invoice: Invoice, project_id: str, work: Sequence[WorkEntry], charges: Sequence[Charge]
                       ) -> Decimal:
    """What an invoice billed for a project, tax included: a project invoice of it, its total; a combined invoice,
    its part for the project."""
    if invoice.type not in ("project", COMBINED):
        return ZERO
    return sum((p.total for p in invoice_parts(invoice, work, charges)
                if p.type == "project" and p.project_id == project_id), ZERO)


def project_total_to_date(register: Sequence[Invoice], invoice: Invoice, project_id: str = "",
                          work: Sequence[WorkEntry] = (), charges: Sequence[Charge] = ()) -> Decimal:
    """A project's total to date (shown on a project invoice, and under a project's sections of a combined
    invoice): what every invoice of the register billed for the project, a combined invoice's part for it included,
    less their credit notes' share, plus what `invoice` bills for it. A credit note takes off the project its
    share of the invoice it credits: credit x the project's part / the invoice's total, half-up to cents (all of
    it for a project invoice)."""
    project = project_id or invoice.project_id
    total = billed_for_project(invoice, project, work, charges)
    for inv in register:
        part = (billed_for_project(inv, project, work, charges)
                if inv.client_id == invoice.client_id and inv.number != invoice.number else ZERO)
        if not part:
            continue
        credited = sum((note.total for note in register
                        if note.type == "credit" and note.related_invoice == inv.number), ZERO)
        total += part + (cents(credited * part / inv.total) if credited and inv.total else ZERO)
    return total
