"""Minimum commitments: a subscription's Minimum Qty is the fewest users or devices it is billed for.

The true-down rule works on the count before the minimum: the line says how many were counted
("minimum 10 users (7 counted)"), and the next invoice's decrease rule starts from that count, not from the minimum.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from mspxl.records import InvoiceLine, Service

_COUNTED = re.compile(r"\bminimum \d+ \w+ \((\d+) counted\)")


def at_minimum(counted: int, minimum: Decimal | None) -> int:
    """Subscriptions Minimum Qty: the billed count is never below it."""
    if minimum is None:
        return counted
    return max(counted, int(minimum))


def minimum_note(counted: int, billed: int, noun: str) -> str:
    """`, minimum 10 users (7 counted)` when the minimum raised the count, else nothing."""
    return f", minimum {billed} {noun} ({counted} counted)" if billed > counted else ""


def counted_on(lines: Sequence[InvoiceLine], service_code: str) -> int:
    """The count an invoice billed for a service: its lines' quantities added up (tier bands are one line each),
    or, where a minimum raised it, the count before the minimum that the line states."""
    mine = [ln for ln in lines if ln.service_code == service_code]
    for line in mine:
        found = _COUNTED.search(line.description)
        if found:
            return int(found.group(1))
    return int(sum((ln.quantity for ln in mine), start=Decimal(0)))


def seat_noun(service: Service) -> str:
    """What a counted service counts, in the plural: users, devices (a flat service: units)."""
    return {"per_user": "users", "per_device": "devices"}.get(service.model, "units")
