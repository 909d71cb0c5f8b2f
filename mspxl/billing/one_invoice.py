"""One invoice per client, when the client wants it (Clients `One Invoice` Y).

The month's managed, service and project invoices of such a client, charges included, are drafted as usual and
then put on one invoice of Type `combined`, in sections (Managed services; Labor and Charges of the service work;
each project's Labor and Materials), numbered once. Its totals come from all its lines at the client's tax rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from mspxl.billing.totals import invoice_totals, numbered, period_invoice
from mspxl.records import COMBINED, PERIOD_TYPES, WORK_CODES, Client, Invoice, InvoiceLine, Project, Settings

MANAGED_SECTION = "Managed services"


def section_of(part: Invoice, line: InvoiceLine, projects: Mapping[str, Project]) -> str:
    """The heading a line of `part` goes under on the one invoice."""
    if part.type == "managed":
        return MANAGED_SECTION
    if part.type == "project":
        heading = project_heading(part.project_id, projects)
        return f"{heading}: {line.section}" if line.section else heading
    return line.section


def project_heading(project_id: str, projects: Mapping[str, Project]) -> str:
    """`Project Network refresh`: a project's sections on a combined invoice are headed with its name (its ID when
    it has none)."""
    project = projects.get(project_id)
    return f"Project {project.name if project is not None and project.name else project_id}"


def one_invoice(client: Client, period: str, parts: Sequence[Invoice], settings: Settings,
                projects: Mapping[str, Project]) -> Invoice:
    """With One Invoice Y, the month's managed, service, project and charge lines go on one invoice, in sections
    (headed, with their subtotals), numbered once; it bills (and marks) every WorkLog, Usage, Charges and Blocks row
    its parts billed."""
    lines = [replace(ln, section=section_of(part, ln, projects)) for part in parts for ln in part.lines]
    managed = next((p for p in parts if p.type == "managed"), None)
    return period_invoice(
        client, COMBINED, period, numbered(lines), settings,
        billed_users=managed.billed_users if managed else None,
        billed_devices=managed.billed_devices if managed else None,
        usage_rows=tuple(row for p in parts for row in p.usage_rows),
        work_entry_ids=tuple(e for p in parts for e in p.work_entry_ids),
        charge_ids=tuple(c for p in parts for c in p.charge_ids),
        block_ids=tuple(b for p in parts for b in p.block_ids),
    )


def one_invoice_month(client: Client, period: str, drafts: list[Invoice], register: Sequence[Invoice],
                      settings: Settings, projects: Mapping[str, Project]) -> list[Invoice]:
    """The client's invoices of the month: one combined invoice when the client has One Invoice Y and none of its
    separate invoices of the month is in the register yet (a client switched over mid-month keeps its month
    separate); never a managed invoice again beside a combined one already issued (a client switched back)."""
    issued = {inv.type for inv in register if inv.client_id == client.id and inv.period == period
              and inv.type in PERIOD_TYPES}
    if COMBINED in issued:
        return [d for d in drafts if d.type != "managed"] if not client.one_invoice else \
            ([one_invoice(client, period, drafts, settings, projects)] if drafts else [])
    if client.one_invoice and not issued and drafts:
        return [one_invoice(client, period, drafts, settings, projects)]
    return drafts


def managed_part(invoice: Invoice) -> Invoice | None:
    """What of an invoice bills managed services: a managed invoice itself; of a combined invoice, its lines of
    managed services (as a managed invoice of the same number, its totals those lines'); None for any other."""
    if invoice.type == "managed":
        return invoice
    if invoice.type != COMBINED:
        return None
    lines = tuple(ln for ln in invoice.lines if ln.service_code not in WORK_CODES)
    if not lines:
        return None
    subtotal, tax, total = invoice_totals(lines, invoice.tax_rate, "invoice")
    return replace(invoice, type="managed", lines=lines, subtotal=subtotal, tax=tax, total=total)
