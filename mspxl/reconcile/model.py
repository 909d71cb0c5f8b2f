"""The records of a reconciliation: what a vendor file says, how it maps onto the workbook, what was found.

All frozen; quantities and amounts are Decimal. `row` is the row of the vendor file (as a spreadsheet numbers it,
the header being row 1), so every finding and every problem can name the line it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from mspxl.money import ZERO, cents

FORMATS = ("microsoft", "pax8", "rmm", "generic")

UNDER_BILLED = "under-billed"
OVER_BILLED = "over-billed"
NEW_REVENUE = "not billed: new revenue"
NOT_IN_VENDOR = "billed, not in vendor data"
UNMAPPED = "unmapped"
FINDINGS = (UNDER_BILLED, OVER_BILLED, NEW_REVENUE, NOT_IN_VENDOR, UNMAPPED)


@dataclass(frozen=True)
class VendorLine:
    """One line of what the vendor charges the MSP for: a customer's seats of a SKU, or one device of an RMM export.

    `item` is the SKU (its name or id as the vendor writes it) or, for a device, its device type."""

    customer: str
    item: str
    quantity: Decimal
    unit_cost: Decimal | None = None  # the vendor's price to the MSP per unit, when the file says it
    device: str = ""  # the device's name (RMM exports)
    rows: tuple[int, ...] = ()
    also: tuple[str, ...] = ()  # other names of the customer and the item a VendorMap row may use (domain, SKU id)


@dataclass(frozen=True)
class VendorFile:
    """A vendor file read by its format: the lines that count for the period, the rows left out and why, and every
    problem (a sentence naming the row)."""

    format: str
    name: str
    lines: tuple[VendorLine, ...] = ()
    skipped: tuple[str, ...] = ()  # rows read but not counted (credits, other periods), one sentence each
    problems: tuple[str, ...] = ()

    @property
    def devices(self) -> bool:
        return self.format == "rmm"


@dataclass(frozen=True)
class MapRow:
    """A VendorMap row: a Vendor Customer to a Client ID and/or a Vendor Item to a Service Code, for one vendor format
    or (Vendor blank) for every vendor file."""

    vendor: str = ""
    customer: str = ""
    client_id: str = ""
    item: str = ""
    service_code: str = ""
    row: int = 0


@dataclass(frozen=True)
class Finding:
    """A Reconcile sheet row."""

    period: str
    vendor: str
    finding: str
    client_id: str
    service_code: str
    billed_qty: Decimal
    vendor_qty: Decimal
    unit_price: Decimal | None
    unit_cost: Decimal | None
    customer: str = ""  # the vendor's customer name(s) behind the row
    item: str = ""  # the vendor's item(s) behind the row
    rows: tuple[int, ...] = ()  # the vendor file's rows behind the row

    @property
    def difference(self) -> Decimal:
        """Vendor Qty minus Billed Qty: above zero the MSP pays for more than it bills."""
        return self.vendor_qty - self.billed_qty

    @property
    def revenue_at_stake(self) -> Decimal | None:
        return None if self.unit_price is None else cents(self.difference * self.unit_price)

    @property
    def cost_at_stake(self) -> Decimal | None:
        return None if self.unit_cost is None else cents(self.difference * self.unit_cost)


@dataclass(frozen=True)
class Proposal:
    """A change to the workbook that would close a finding, for the accountant to make by hand (Proposed Changes)."""

    period: str
    vendor: str
    client_id: str
    service_code: str
    change: str  # set Quantity | add subscription | add users | remove users | add devices | remove devices
    current_qty: Decimal
    proposed_qty: Decimal
    effective: object  # date the change takes effect: the first day after the period
    unit_price: Decimal | None
    reason: str
    subscription_row: int | None = None

    @property
    def monthly_change(self) -> Decimal | None:
        if self.unit_price is None:
            return None
        return cents((self.proposed_qty - self.current_qty) * self.unit_price)


@dataclass(frozen=True)
class Reconciliation:
    period: str
    vendor: str
    file: str
    findings: tuple[Finding, ...]
    matched: int  # (client, service) pairs where billed and vendor quantities agree
    skipped: tuple[str, ...] = field(default_factory=tuple)

    def total(self, finding: str, what: str = "revenue") -> Decimal:
        """The money at stake a month of one kind of finding: `revenue` (Revenue at Stake) or `cost`."""
        values = (f.revenue_at_stake if what == "revenue" else f.cost_at_stake
                  for f in self.findings if f.finding == finding)
        return sum((v for v in values if v is not None), ZERO)

    def counts(self) -> dict[str, int]:
        return {kind: sum(1 for f in self.findings if f.finding == kind) for kind in FINDINGS}
