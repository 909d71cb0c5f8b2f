"""The changes that would make the workbook bill what the vendor charges, for the accountant to make by hand (the
Proposed Changes sheet of `mspxl reconcile --propose`). Nothing here changes Subscriptions, Users or Devices.

Each takes effect on the first day after the reconciled month, so the next month's invoice bills it:
- a flat service: `set Quantity` on its Subscriptions row (the vendor's quantity);
- a per-user or per-device service: `add users` / `remove users` (`add devices` / `remove devices`) on the Users or
  Devices sheet, since those sheets, not a Quantity, are what the invoice counts;
- new revenue: `add subscription` at the catalog price;
- billed but not in the vendor's data: `end subscription` (after checking where the client's licences come from).
Usage services are billed from the Usage sheet and get no proposal; unmapped lines need a VendorMap row first.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from mspxl.billing.calendar import last_day
from mspxl.reconcile.billed import billed_quantities
from mspxl.reconcile.model import NEW_REVENUE, NOT_IN_VENDOR, UNMAPPED, Finding, Proposal, Reconciliation
from mspxl.records import Book

SEAT_WORDS = {"per_user": "users", "per_device": "devices"}


def change_for(model: str, finding: Finding) -> str:
    if finding.finding == NEW_REVENUE:
        return "add subscription"
    if finding.finding == NOT_IN_VENDOR:
        return "end subscription"
    if model == "flat":
        return "set Quantity"
    verb = "add" if finding.difference > 0 else "remove"
    return f"{verb} {SEAT_WORDS[model]}"


def proposals(book: Book, result: Reconciliation) -> tuple[Proposal, ...]:
    """One proposal per finding that a workbook change can close."""
    effective = last_day(result.period) + timedelta(days=1)
    billed = billed_quantities(book, result.period)
    made: list[Proposal] = []
    for finding in result.findings:
        service = book.services.get(finding.service_code)
        if finding.finding == UNMAPPED or service is None or service.model == "usage":
            continue
        bill = billed.get((finding.client_id, finding.service_code))
        sub = bill.subscription if bill is not None else None
        made.append(Proposal(
            result.period, result.vendor, finding.client_id, finding.service_code, change_for(service.model, finding),
            finding.billed_qty, finding.vendor_qty if finding.finding != NOT_IN_VENDOR else Decimal(0), effective,
            finding.unit_price, finding.finding, sub.row if sub is not None else None))
    return tuple(made)
