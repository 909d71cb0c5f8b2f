"""The month's margin: what the managed-services invoices of the period bill, against what their units cost the MSP,
per client and per service. Pure functions of the book.

A line's cost is its quantity x the unit's monthly cost (the Subscriptions row's Unit Cost, else the Services row's)
x the months the line covers (a quarterly client's cycle line covers 3). A usage line costs every unit used, the
included allowance too, since the vendor charges for all of it. A service without a Unit Cost adds revenue and no
cost, and is named so the margin is not read as better than it is. Work, fees and credit notes are not in the
margin: the workbook holds no cost for them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from mspxl.billing.calendar import CYCLE_MONTHS
from mspxl.billing.one_invoice import managed_part
from mspxl.money import ZERO, cents
from mspxl.records import Book, Invoice, InvoiceLine, Subscription


@dataclass(frozen=True)
class MarginRow:
    key: str  # Client ID or Service Code
    name: str
    revenue: Decimal
    cost: Decimal
    costless: tuple[str, ...] = ()  # service codes billed without a Unit Cost
    below_floor: bool = False

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        """Margin over revenue, as a fraction rounded to 4 places (12.34%); None without revenue."""
        if not self.revenue:
            return None
        return (self.margin / self.revenue).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class MarginReport:
    floor: Decimal | None
    by_client: tuple[MarginRow, ...]
    by_service: tuple[MarginRow, ...]

    @property
    def total(self) -> MarginRow:
        return MarginRow("", "Total", sum((r.revenue for r in self.by_client), ZERO),
                         sum((r.cost for r in self.by_client), ZERO))


def line_unit_cost(book: Book, invoice: Invoice, line: InvoiceLine) -> Decimal | None:
    """The Subscriptions row's Unit Cost in force on the invoice's issue date, else the catalog's."""
    subs: tuple[Subscription, ...] = book.of_client(invoice.client_id, "subscriptions")
    for sub in subs:
        if sub.service_code == line.service_code and sub.in_force(invoice.issue_date) and sub.unit_cost is not None:
            return sub.unit_cost
    service = book.services.get(line.service_code)
    return service.unit_cost if service is not None else None


def line_cost(book: Book, invoice: Invoice, line: InvoiceLine, used: dict[tuple[str, str], Decimal]) -> Decimal | None:
    """What the line's units cost the MSP (None: its service has no Unit Cost)."""
    service = book.services[line.service_code]
    unit = line_unit_cost(book, invoice, line)
    if unit is None:
        return None
    if service.model == "usage":
        return cents(used.pop((invoice.number, line.service_code), Decimal(0)) * unit)
    clients = {c.id: c for c in book.clients}
    months = CYCLE_MONTHS.get(clients[invoice.client_id].frequency, 1) if invoice.client_id in clients else 1
    return cents(line.quantity * unit * months)


def margin_report(book: Book, invoices: tuple[Invoice, ...]) -> MarginReport:
    """Margin per client (in Clients order) and per service (in catalog order) of the period's invoices."""
    managed = [part for part in map(managed_part, invoices) if part is not None]
    used: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    numbers = {inv.number for inv in managed}
    for row in book.usage:
        if row.invoice_number in numbers:
            used[(row.invoice_number, row.service_code)] += row.quantity
    client_sums: dict[str, list] = defaultdict(lambda: [ZERO, ZERO, []])
    service_sums: dict[str, list] = defaultdict(lambda: [ZERO, ZERO, []])
    for inv in managed:
        for line in inv.lines:
            if line.service_code not in book.services:
                continue
            cost = line_cost(book, inv, line, used)
            for sums, key in ((client_sums, inv.client_id), (service_sums, line.service_code)):
                sums[key][0] += line.amount
                sums[key][1] += cost if cost is not None else ZERO
                if cost is None and line.service_code not in sums[key][2]:
                    sums[key][2].append(line.service_code)
    floor = book.settings.margin_floor
    names = {c.id: c.name for c in book.clients}
    by_client = []
    for cid in [c.id for c in book.clients] + sorted(set(client_sums) - set(names)):
        if cid not in client_sums:
            continue
        revenue, cost, costless = client_sums[cid]
        row = MarginRow(cid, names.get(cid, cid), revenue, cost, tuple(costless))
        below = floor is not None and row.margin_pct is not None and row.margin_pct < floor
        by_client.append(MarginRow(cid, row.name, revenue, cost, tuple(costless), below))
    by_service = [MarginRow(code, service.name, *service_sums[code][:2], tuple(service_sums[code][2]))
                  for code, service in book.services.items() if code in service_sums]
    return MarginReport(floor, tuple(by_client), tuple(by_service))
