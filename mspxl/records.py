"""Plain typed records: what the reader makes of the workbook and what the billing functions return.

Every record is frozen. `row` is the sheet row the record came from (as Excel numbers it), so a later rule can name
the cell it is complaining about.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from mspxl.money import ZERO


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    model: str  # flat | per_user | per_device | usage
    unit_price: Decimal
    included_qty: Decimal = Decimal(0)
    unit: str = ""
    taxable: bool = True
    device_type: str = ""
    unit_cost: Decimal | None = None  # what the MSP pays a unit a month (the vendor's price), for margins
    tier_mode: str = ""  # graduated | volume, for a service with rows on the Tiers sheet
    row: int = 0


@dataclass(frozen=True)
class Tier:
    """A row of the Tiers sheet: from `from_qty` units up (to the next tier's From Qty), each at `unit_price`."""

    service_code: str
    from_qty: Decimal  # a whole number (checked)
    unit_price: Decimal
    row: int = 0


@dataclass(frozen=True)
class PriceChange:
    """A row of the Price Changes sheet: a service's Unit Price from the first day of `effective_from` (YYYY-MM), for
    one client or (client_id blank) for every client."""

    service_code: str
    effective_from: str
    unit_price: Decimal
    client_id: str = ""
    row: int = 0


@dataclass(frozen=True)
class Block:
    """A row of the Blocks sheet: prepaid support hours bought by a client."""

    block_id: str
    client_id: str
    hours: Decimal
    price: Decimal
    purchased_on: date
    expires_on: date | None = None
    invoice_number: str = ""
    row: int = 0


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    email: str
    start_date: date
    contact_first_name: str = ""
    contact_last_name: str = ""
    address: str = ""
    status: str = "active"
    end_date: date | None = None
    frequency: str = "monthly"  # monthly | quarterly | annual
    tax_rate: Decimal = Decimal(0)
    autopay: bool = True
    bank_routing: str = ""
    bank_account: str = ""
    hourly_rate: Decimal | None = None
    terms: str = ""  # Net 15 | Net 30 | Due on receipt | "" (due on the ACH day)
    one_invoice: bool = False  # Y: the month's managed, service, project and charge lines on one invoice
    debit_authorized_on: date | None = None  # the client's newest signed debit authorization
    row: int = 0

    @property
    def contact_name(self) -> str:
        return " ".join(p for p in (self.contact_first_name, self.contact_last_name) if p)


@dataclass(frozen=True)
class Subscription:
    client_id: str
    service_code: str
    start_date: date
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    end_date: date | None = None
    unit_cost: Decimal | None = None  # overrides the catalog's Unit Cost
    minimum_qty: Decimal | None = None  # per-user / per-device: the billed count is never below it
    row: int = 0

    def in_force(self, cutoff: date) -> bool:
        """A subscription applies when its Start Date <= the cutoff and End Date is blank or > the cutoff."""
        return self.start_date <= cutoff and (self.end_date is None or self.end_date > cutoff)


@dataclass(frozen=True)
class Seat:
    """A row of the Users or the Devices sheet: something counted on per-user or per-device lines."""

    client_id: str
    name: str
    added_on: date
    removed_on: date | None = None
    kind: str = ""  # Device Type for devices, "" for users
    email: str = ""
    row: int = 0

    def counts_at(self, cutoff: date) -> bool:
        """Counts when Added On <= cutoff and Removed On is blank or > cutoff."""
        return self.added_on <= cutoff and (self.removed_on is None or self.removed_on > cutoff)


@dataclass(frozen=True)
class UsageRow:
    client_id: str
    period: str  # YYYY-MM
    service_code: str
    quantity: Decimal
    invoice_number: str = ""
    row: int = 0


@dataclass(frozen=True)
class WorkEntry:
    entry_id: str
    client_id: str
    date: date
    hours: Decimal
    description: str
    technician: str = ""
    rate: Decimal | None = None
    project_id: str = ""
    billable: bool = True
    invoice_number: str = ""
    row: int = 0


TERMS_DAYS = {"Net 15": 15, "Net 30": 30, "Due on receipt": 0}  # Clients Terms: days from issue to due date
CHARGE_CODE = "CHARGE"  # the Service Code of a Charges row's line on InvoiceLines
WORK_CODES = ("LABOR", CHARGE_CODE, "BLOCK")  # lines of work, charges and prepaid blocks: not managed services
COMBINED = "combined"  # the Type of a One Invoice client's invoice for the month
PERIOD_TYPES = ("managed", "service", "project", COMBINED)  # the invoices of a monthly run


@dataclass(frozen=True)
class Charge:
    """A row of the Charges sheet: materials or a one-off charge, billed in arrears like work."""

    charge_id: str
    client_id: str
    date: date
    description: str
    quantity: Decimal
    unit_price: Decimal
    taxable: bool = True
    project_id: str = ""
    invoice_number: str = ""
    row: int = 0


@dataclass(frozen=True)
class Project:
    id: str
    client_id: str
    name: str
    row: int = 0


@dataclass(frozen=True)
class Payment:
    id: str
    client_id: str
    date: date
    amount: Decimal
    method: str = "ACH"
    status: str = "cleared"  # cleared | returned | pending (an ACH debit sent, not yet settled)
    return_code: str = ""
    invoice_number: str = ""
    reference: str = ""
    debited_account: str = ""  # what `mspxl ach` debited: `account_fingerprint` of the Clients row's details
    row: int = 0


@dataclass(frozen=True)
class InvoiceLine:
    line: int
    service_code: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    taxable: bool
    unit: str = ""
    section: str = ""  # the heading the line is shown under on the document (Labor, Materials, ...); not registered


@dataclass(frozen=True)
class Invoice:
    """A register row with its lines. `number` is "" on a draft that has not been numbered yet."""

    number: str
    client_id: str
    client_name: str
    type: str  # managed | service | project | fee | credit
    period: str
    issue_date: date
    due_date: date
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    lines: tuple[InvoiceLine, ...] = ()
    billed_users: int | None = None
    billed_devices: int | None = None
    related_invoice: str = ""
    project_id: str = ""
    file: str = ""
    tax_rate: Decimal = Decimal(0)
    work_entry_ids: tuple[str, ...] = ()  # WorkLog rows billed on this invoice
    usage_rows: tuple[int, ...] = ()  # Usage sheet rows billed on this invoice
    charge_ids: tuple[str, ...] = ()  # Charges rows billed on this invoice
    project_to_date: Decimal | None = None  # a project invoice: the project's invoices to date, this one included
    project_totals: tuple[tuple[str, Decimal], ...] = ()  # a combined invoice: (project heading, total to date)
    block_ids: tuple[str, ...] = ()  # Blocks sheet rows whose purchase this invoice bills
    prepaid_hours: str = ""  # the client's prepaid blocks after this run ("B1: 6.5 h left"), for its documents
    row: int = 0

    @property
    def key(self) -> tuple[str, str, str, str]:
        """An invoice is identified by (client, type, period[, project]); a fee by its returned Payment ID."""
        return (self.client_id, self.type, self.period, self.project_id or self.related_invoice)


@dataclass(frozen=True)
class Book:
    """Everything read from a workbook, validated."""

    settings: Settings
    services: dict[str, Service]
    clients: tuple[Client, ...]
    subscriptions: tuple[Subscription, ...]
    users: tuple[Seat, ...]
    devices: tuple[Seat, ...]
    usage: tuple[UsageRow, ...]
    work: tuple[WorkEntry, ...]
    projects: dict[str, Project]
    payments: tuple[Payment, ...]
    invoices: tuple[Invoice, ...]  # the register as it stands
    collection_states: dict[str, str] = field(default_factory=dict)  # Collections sheet: client -> last state
    collections_as_of: date | None = None  # the As Of date of the Collections and Aging sheets (the last collect)
    charges: tuple[Charge, ...] = ()
    tiers: dict[str, tuple[Tier, ...]] = field(default_factory=dict)  # Tiers sheet, by Service Code
    blocks: tuple[Block, ...] = ()  # Blocks sheet: prepaid hours
    price_changes: tuple[PriceChange, ...] = ()  # Price Changes sheet

    # Per-client views, built once per Book (a frozen record: the cache is filled on first use), so billing a
    # client looks at its own rows instead of every row of the workbook.
    @cached_property
    def _by_client(self) -> dict[str, dict[str, tuple[object, ...]]]:
        groups: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
        for name in ("subscriptions", "users", "devices", "usage", "work", "charges", "invoices", "blocks"):
            for item in getattr(self, name):
                groups[item.client_id][name].append(item)  # type: ignore[attr-defined]
        return {cid: {name: tuple(items) for name, items in views.items()} for cid, views in groups.items()}

    def of_client(self, client_id: str, name: str) -> tuple:  # noqa: ANN401
        """The client's rows of one sheet (`subscriptions`, `users`, `devices`, `usage`, `work`, `charges`,
        `invoices`, `blocks`), in sheet order."""
        return self._by_client.get(client_id, {}).get(name, ())

    @cached_property
    def price_history(self) -> dict[tuple[str, str], tuple[PriceChange, ...]]:
        """The Price Changes sheet by (Service Code, Client ID; "" for every client), each key's rows by Effective
        From."""
        history: dict[tuple[str, str], list[PriceChange]] = defaultdict(list)
        for change in self.price_changes:
            history[(change.service_code, change.client_id)].append(change)
        return {key: tuple(sorted(rows, key=lambda c: (c.effective_from, c.row))) for key, rows in history.items()}

    def client(self, client_id: str) -> Client:
        for client in self.clients:
            if client.id == client_id:
                return client
        raise KeyError(client_id)


@dataclass(frozen=True)
class Settings:
    company_name: str = "Your MSP"
    company_address: str = ""
    company_email: str = ""
    company_phone: str = ""
    currency: str = "USD"
    locale: str = "en_US"
    invoice_day: int = 5
    ach_day: int = 1
    retry_days: int = 7
    retry_fee: Decimal = Decimal("0.15")
    service_hold_days: int = 30
    credit_hold_days: int = 30
    true_down_months: tuple[int, ...] = (1, 7)
    invoice_prefix: str = "INV-"
    credit_note_prefix: str = "CN-"
    number_width: int = 6
    default_hourly_rate: Decimal | None = None
    tax_labor: bool = False
    tax_rounding: str = "invoice"  # invoice | line
    output_folder: str = ""
    company_ach_id: str = ""
    originating_bank_routing: str = ""
    originating_bank_name: str = ""
    entry_description: str = "MSP BILL"
    margin_floor: Decimal | None = Decimal("0.20")  # clients below it are flagged on the summary's Margin sheet
    accounting_system: str = ""
    accounting_date_format: str = ""
    accounting_income_account: str = ""
    accounting_exempt_tax_code: str = ""
    accounting_rounding_account: str = "860"
    accounting_sales_tax_item: str = "Sales Tax"
    prorate_additions: str = "none"  # none | daily: additions on quarterly and annual clients billed mid-cycle
    debit_return_fee: bool = True
    return_fee_cap: Decimal | None = None
    remittance: str = ""
    extra: dict[str, str] = field(default_factory=dict)


__all__ = [
    "ZERO",
    "Block",
    "Book",
    "Charge",
    "Client",
    "Invoice",
    "InvoiceLine",
    "Payment",
    "PriceChange",
    "Project",
    "Seat",
    "Service",
    "Settings",
    "Subscription",
    "Tier",
    "UsageRow",
    "WorkEntry",
]
