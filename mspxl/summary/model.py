"""The records a monthly summary is made of. All frozen; amounts are Decimal in cents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from mspxl.collections.model import AgingRow, ClientStatus
from mspxl.money import ZERO
from mspxl.records import Invoice, Settings
from mspxl.summary.margin import MarginReport

INVOICE_TYPES: tuple[str, ...] = ("managed", "service", "project", "fee", "credit")


@dataclass(frozen=True)
class TypeTotal:
    """What was billed on the period's invoices of one type."""

    type: str
    count: int
    subtotal: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class SeatChange:
    """Billed users (or devices) of the period against the month before."""

    billed: int
    previous: int
    added: int  # sum of the clients' increases (net new users, new clients)
    decreased: int  # sum of the clients' decreases (true-down, ended clients), as a positive count

    @property
    def change(self) -> int:
        return self.billed - self.previous


@dataclass(frozen=True)
class CashFigures:
    collected: Decimal
    collected_count: int
    returned: Decimal
    returned_count: int


@dataclass(frozen=True)
class ClientCounts:
    active: int
    new: int
    ended: int


@dataclass(frozen=True)
class ClientRevenue:
    """One client's billing in the period (a Revenue by client row)."""

    client_id: str
    client_name: str
    by_type: dict[str, Decimal]
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    mrr: Decimal
    billed_users: int
    billed_devices: int
    balance: Decimal
    state: str
    block_hours: Decimal = Decimal(0)  # prepaid hours left at the period's end


@dataclass(frozen=True)
class ServiceRevenue:
    """What the period's invoice lines of one service code come to (a Revenue by service row)."""

    code: str
    name: str
    model: str
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class TrendPoint:
    """One period of the 12-month trend."""

    period: str
    billed: Decimal
    mrr: Decimal
    collected: Decimal
    returned: Decimal
    outstanding: Decimal


@dataclass(frozen=True)
class MonthlySummary:
    period: str
    as_of: date  # the period's last day
    prepared_on: date
    settings: Settings
    by_type: tuple[TypeTotal, ...]
    mrr: Decimal
    previous_mrr: Decimal
    cash: CashFigures
    outstanding: Decimal
    past_due: Decimal  # what is open more than 0 days past its due date
    clients: ClientCounts
    users: SeatChange
    devices: SeatChange
    states: dict[str, int]  # every collections state, in order, with its number of clients
    revenue_by_client: tuple[ClientRevenue, ...]
    revenue_by_service: tuple[ServiceRevenue, ...]
    invoices: tuple[Invoice, ...]
    collections: tuple[ClientStatus, ...]
    aging: tuple[AgingRow, ...]
    trend: tuple[TrendPoint, ...]
    documents: dict[str, str]  # invoice number -> path of its document relative to the summary, when found
    unissued_fees: int = 0  # returned debits whose fee is not yet in the register (run `collect`)
    margin: MarginReport | None = None  # the Margin sheet (mspxl.summary.margin)

    @property
    def billed_total(self) -> Decimal:
        return sum((t.total for t in self.by_type), ZERO)

    @property
    def billed_subtotal(self) -> Decimal:
        return sum((t.subtotal for t in self.by_type), ZERO)

    @property
    def billed_tax(self) -> Decimal:
        return sum((t.tax for t in self.by_type), ZERO)
