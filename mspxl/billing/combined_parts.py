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

from collections.abc import Iterable
from dataclasses import replace

from mspxl.billing.blocks import DRAWN_FROM
from mspxl.billing.charges import charge_description
from mspxl.billing.work import work_description
from mspxl.money import ZERO, cents
from mspxl.records import CHARGE_CODE, COMBINED, WORK_CODES, Charge, Invoice, InvoiceLine, WorkEntry


def projects_of_lines(invoice: Invoice, work: Iterable[WorkEntry], charges: Iterable[Charge]) -> dict[tuple[str, str],
                                                                                                      str]:
    """(Service Code, description) -> Project ID of the invoice's WorkLog and Charges rows with a project."""
    found = {("LABOR", work_description(w)): w.project_id for w in work
             if w.invoice_number == invoice.number and w.client_id == invoice.client_id and w.project_id}
    found.update({(CHARGE_CODE, charge_description(c)): c.project_id for c in charges
                  if c.invoice_number == invoice.number and c.client_id == invoice.client_id and c.project_id})
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
