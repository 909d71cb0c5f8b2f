"""The records a collections run returns: a client's standing, aging rows, service desk items, statement rows.

All are frozen; amounts are Decimal in cents. A date that does not apply is None (a blank cell on the sheet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from mspxl.collections.ledger import OpenItem
from mspxl.collections.returned import ReturnedDebit
from mspxl.money import ZERO
from mspxl.records import Invoice


class StateEvent(NamedTuple):
    """A change of collections state: the client is in `state` from `date` (inclusive)."""

    date: date
    state: str


@dataclass(frozen=True)
class ClientStatus:
    """One client's collections standing as of the run date (a Collections sheet row)."""

    client_id: str
    client_name: str
    state: str
    since: date | None  # None for a client that has always been current
    balance: Decimal
    oldest_unpaid_invoice: str  # "" when nothing is open, or when the oldest open item is a fee draft
    days_past_due: int
    fees_charged: Decimal
    next_action: str
    next_action_date: date | None
    notes: str
    events: tuple[StateEvent, ...]
    changed: bool
    previous_state: str = "current"
    returned: ReturnedDebit | None = None  # the latest returned ACH debit of the open episode
    open_items: tuple[OpenItem, ...] = field(default=(), compare=False)  # what is unpaid, oldest first

    @property
    def on_collections_sheet(self) -> bool:
        """A client has a Collections row when it has a balance, a state other than current, or a change to
        report."""
        return self.balance != ZERO or self.state != "current" or self.changed


@dataclass(frozen=True)
class AgingRow:
    """Open amounts of one client by days past due; unapplied credit is a negative amount under Current."""

    client_id: str
    client_name: str
    current: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal
    total: Decimal


@dataclass(frozen=True)
class ServiceDeskItem:
    """Something the service desk must do for a client: start a hold or release one."""

    client_id: str
    client_name: str
    action: str
    date: date | None
    state: str
    previous_state: str


@dataclass(frozen=True)
class StatementLine:
    """A row of a statement of account. `amount` is the effect on the balance (charges +, payments and credits
    -).

    kind: opening | invoice | fee | credit | payment | return | closing. A returned payment has amount 0.00
    (it never reduced the balance); its description gives the amount that came back.
    """

    date: date
    kind: str
    reference: str
    description: str
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class CollectionsResult:
    new_fees: tuple[Invoice, ...]
    statuses: tuple[ClientStatus, ...]
    aging: tuple[AgingRow, ...]
    service_desk: tuple[ServiceDeskItem, ...]

    def status(self, client_id: str) -> ClientStatus:
        for status in self.statuses:
            if status.client_id == client_id:
                return status
        raise KeyError(client_id)
