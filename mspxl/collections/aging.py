"""AR aging: open amounts by days past due as of a date.

Choice where the rules are silent: an item due on the run date is 0 days past due, so it is still Current.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mspxl.collections.ledger import Ledger
from mspxl.collections.model import AgingRow
from mspxl.money import ZERO
from mspxl.records import Client

BUCKETS: tuple[str, ...] = ("current", "1-30", "31-60", "61-90", "over 90")


def days_past_due(due_date: date, as_of: date) -> int:
    """Days past due as of D: D - due date, never below 0."""
    return max((as_of - due_date).days, 0)


def aging_bucket(days: int) -> str:
    """AR aging buckets by days past due as of D: current (not yet due), 1-30, 31-60, 61-90, over 90."""
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "over 90"


def unapplied_credit_is_current(amounts: dict[str, Decimal], credit: Decimal) -> None:
    """Unapplied credit shows as a negative amount under Current."""
    amounts["current"] -= credit


def aging_row(client: Client, ledger: Ledger, as_of: date) -> AgingRow:
    """A client's open items by days past due as of `as_of`; the total is its balance."""
    amounts = dict.fromkeys(BUCKETS, ZERO)
    for item in ledger.open_items:
        amounts[aging_bucket(days_past_due(item.due_date, as_of))] += item.remaining
    unapplied_credit_is_current(amounts, ledger.credit)
    return AgingRow(
        client_id=client.id,
        client_name=client.name,
        current=amounts["current"],
        days_1_30=amounts["1-30"],
        days_31_60=amounts["31-60"],
        days_61_90=amounts["61-90"],
        over_90=amounts["over 90"],
        total=sum(amounts.values(), ZERO),
    )


def aging_totals(rows: tuple[AgingRow, ...] | list[AgingRow]) -> AgingRow:
    """A totals row over aging rows (Client ID "Total", no name)."""

    def total(name: str) -> Decimal:
        return sum((getattr(row, name) for row in rows), ZERO)

    return AgingRow(
        "Total",
        "",
        total("current"),
        total("days_1_30"),
        total("days_31_60"),
        total("days_61_90"),
        total("over_90"),
        total("total"),
    )
