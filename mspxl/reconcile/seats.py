"""From a vendor's charge lines to the seats it bills the MSP for in a month.

A licence vendor writes one line per charge, not one per subscription: the month's charge for the whole quantity
(Microsoft `cycleCharge`, `new`, `renew`; a Pax8 monthly line), and prorated lines when seats are added or removed
during the month (`addQuantity`, `removeQuantity`; Pax8 `ProRata`). Credits, refunds, discounts and usage say nothing
about how many seats there are and are left out, each with a sentence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from mspxl.reconcile.model import VendorLine
from mspxl.schema import header_key

FULL, ADD, REMOVE, CANCEL = "full", "add", "remove", "cancel"

MICROSOFT_KINDS = {
    "new": FULL, "renew": FULL, "cyclecharge": FULL, "cyclefee": FULL, "convert": FULL, "purchasefee": FULL,
    "addquantity": ADD, "cycleinstanceprorate": ADD,
    "removequantity": REMOVE, "cancelinstanceprorate": REMOVE,
    "cancelimmediate": CANCEL, "cancel": CANCEL,
}


def microsoft_kind(charge_type: str) -> str | None:
    """What a Partner Center ChargeType says about the seats; None for the charges that say nothing about them
    (customerCredit, refunds, discounts, usage, ...)."""
    return MICROSOFT_KINDS.get(header_key(charge_type))


def pax8_kind(charge_type: str, quantity: Decimal) -> str | None:
    """Pax8: credits, adjustments and refunds say nothing about seats; a prorated line adds (or, negative, removes)
    seats; every other line is the month's charge for the whole quantity."""
    key = header_key(charge_type)
    if any(word in key for word in ("credit", "adjust", "refund")):
        return None
    if "prorat" in key:
        return REMOVE if quantity < 0 else ADD
    return FULL


@dataclass(frozen=True)
class Charge:
    """A charge line that counts seats: `key` names its subscription (the vendor's subscription id, else customer
    and item)."""

    key: tuple[str, ...]
    customer: str
    item: str
    kind: str
    quantity: Decimal
    start: date | None
    row: int
    unit_cost: Decimal | None = None
    also: tuple[str, ...] = ()


def overlaps(start: date | None, end: date | None, first: date, last: date) -> bool:
    """A charge counts for the month when its charge period overlaps it (a line without dates always counts)."""
    return (start is None or start <= last) and (end is None or end >= first)


def seats_in_force(charges: Iterable[Charge]) -> list[VendorLine]:
    """Per subscription: the quantity of its latest full charge, plus the seats added and minus the seats removed
    by the prorated lines that start after it (a cancellation leaves none); without a full charge in the month, the
    sum of its prorated lines. Subscriptions of the same customer and item are added together."""
    by_key: dict[tuple[str, ...], list[Charge]] = defaultdict(list)
    for charge in charges:
        by_key[charge.key].append(charge)
    totals: dict[tuple[str, str], tuple[Decimal, Decimal | None, list[int], tuple[str, ...]]] = {}
    for group in by_key.values():
        quantity, cost = _subscription_seats(group)
        first = group[0]
        rows = sorted(c.row for c in group)
        old_qty, old_cost, old_rows, old_also = totals.get((first.customer, first.item), (Decimal(0), None, [], ()))
        totals[(first.customer, first.item)] = (old_qty + quantity, old_cost if old_cost is not None else cost,
                                                old_rows + rows, tuple(dict.fromkeys(old_also + first.also)))
    return [VendorLine(customer, item, quantity, cost, rows=tuple(sorted(rows)), also=also)
            for (customer, item), (quantity, cost, rows, also) in totals.items()]


def _subscription_seats(group: list[Charge]) -> tuple[Decimal, Decimal | None]:
    ordered = sorted(group, key=lambda c: (c.start or date.min, c.row))
    fulls = [c for c in ordered if c.kind == FULL]
    base = fulls[-1] if fulls else None
    quantity = abs(base.quantity) if base else Decimal(0)
    since = (base.start or date.min) if base else date.min
    cost = base.unit_cost if base else next((c.unit_cost for c in ordered if c.unit_cost is not None), None)
    for charge in ordered:
        if charge is base or charge.kind == FULL:
            continue
        if base is not None and (charge.start or date.min) <= since:
            continue
        if charge.kind == ADD:
            quantity += abs(charge.quantity)
        elif charge.kind == REMOVE:
            quantity -= abs(charge.quantity)
        elif charge.kind == CANCEL:
            quantity = Decimal(0)
    return max(quantity, Decimal(0)), cost
