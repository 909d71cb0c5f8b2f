"""Validation of the billing models' own sheets and columns: Tiers and Tier Mode, Minimum Qty, Blocks, Price
Changes.

Small functions `(book, cols) -> problems`, run with the other validators; every problem names its cell.
"""

from __future__ import annotations

from mspxl.problems import Problem, error, warning
from mspxl.records import Book
from mspxl.workbook.table import cell_ref

Columns = dict[str, dict[str, int]]


def _cell(cols: Columns, sheet: str, row: int, header: str) -> str:
    return cell_ref(row, cols.get(sheet, {}).get(header, 0))


def tiers_are_well_formed(book: Book, cols: Columns) -> list[Problem]:
    """Each Tiers row names a known per-user, per-device or flat service and a whole From Qty; a service's lowest
    band starts at 1 and no two bands start at the same quantity; a service with tiers says its Tier Mode."""
    problems: list[Problem] = []
    for code, tiers in book.tiers.items():
        service = book.services.get(code)
        first = tiers[0]
        if service is None:
            problems.append(error("Tiers", _cell(cols, "Tiers", first.row, "Service Code"), "Service Code",
                                  "is not a known Service Code (Services)", code))
            continue
        if service.model == "usage":
            problems.append(error("Tiers", _cell(cols, "Tiers", first.row, "Service Code"), "Service Code",
                                  "is a usage service: tiers apply to per-user, per-device and flat services", code))
            continue
        for tier in tiers:
            if tier.from_qty != int(tier.from_qty) or tier.from_qty < 1:
                problems.append(error("Tiers", _cell(cols, "Tiers", tier.row, "From Qty"), "From Qty",
                                      "is not a whole number from 1 up", tier.from_qty))
        if first.from_qty != 1:
            problems.append(error("Tiers", _cell(cols, "Tiers", first.row, "From Qty"), "From Qty",
                                  f"is the lowest band of {code}, which must start at 1", first.from_qty))
        for earlier, later in zip(tiers, tiers[1:], strict=False):
            if later.from_qty == earlier.from_qty:
                problems.append(error("Tiers", _cell(cols, "Tiers", later.row, "From Qty"), "From Qty",
                                      f"starts a second band of {code} at the same quantity (row {earlier.row})",
                                      later.from_qty))
        if not service.tier_mode:
            problems.append(error("Services", _cell(cols, "Services", service.row, "Tier Mode"), "Tier Mode",
                                  "is blank, but the service has tiers: write graduated (each band at its own "
                                  "price) or volume (the whole quantity at the band it reaches)"))
    for service in book.services.values():
        if service.tier_mode and service.code not in book.tiers:
            problems.append(warning("Services", _cell(cols, "Services", service.row, "Tier Mode"), "Tier Mode",
                                    "is set but the service has no rows on the Tiers sheet: its Unit Price applies",
                                    service.tier_mode))
    return problems


def minimum_fits_model(book: Book, cols: Columns) -> list[Problem]:
    """Minimum Qty is a whole number, on a per-user or per-device subscription (a flat one has its Quantity)."""
    problems = []
    for sub in book.subscriptions:
        if sub.minimum_qty is None:
            continue
        at = _cell(cols, "Subscriptions", sub.row, "Minimum Qty")
        service = book.services.get(sub.service_code)
        if service is not None and service.model not in ("per_user", "per_device"):
            problems.append(error("Subscriptions", at, "Minimum Qty",
                                  f"applies to per-user and per-device services, not to a {service.model} one",
                                  sub.minimum_qty))
        elif sub.minimum_qty != int(sub.minimum_qty):
            problems.append(error("Subscriptions", at, "Minimum Qty", "is not a whole number", sub.minimum_qty))
    return problems


def blocks_are_well_formed(book: Book, cols: Columns) -> list[Problem]:
    """A block belongs to a known client, holds some hours, and expires on or after the day it was bought."""
    clients = {c.id for c in book.clients}
    problems = []
    for block in book.blocks:
        if block.client_id not in clients:
            problems.append(error("Blocks", _cell(cols, "Blocks", block.row, "Client ID"), "Client ID",
                                  "is not a known Client ID (Clients sheet)", block.client_id))
        if block.hours <= 0:
            problems.append(error("Blocks", _cell(cols, "Blocks", block.row, "Hours"), "Hours",
                                  "must be more than 0", block.hours))
        if block.expires_on is not None and block.expires_on < block.purchased_on:
            problems.append(error("Blocks", _cell(cols, "Blocks", block.row, "Expires On"), "Expires On",
                                  f"is before Purchased On ({block.purchased_on.isoformat()})",
                                  block.expires_on.isoformat()))
    return problems


def price_changes_are_well_formed(book: Book, cols: Columns) -> list[Problem]:
    """One price per service, client and month: a second Price Changes row with the same Service Code, Client ID and
    Effective From is an error (which one holds would be a guess). A change for every client of a service priced by
    its Tiers rows would not apply (the tiers do): an error too. Unknown services and clients are reported with the
    other references; a month that is not YYYY-MM and a negative price by the cell reader."""
    problems = []
    seen: dict[tuple[str, str, str], int] = {}
    for change in book.price_changes:
        key = (change.service_code, change.client_id, change.effective_from)
        who = f"client {change.client_id}" if change.client_id else "every client"
        if key in seen:
            problems.append(error("Price Changes", _cell(cols, "Price Changes", change.row, "Effective From"),
                                  "Effective From", f"repeats row {seen[key]}: a second price of "
                                  f"{change.service_code} for {who} from that month", change.effective_from))
        else:
            seen[key] = change.row
        if not change.client_id and change.service_code in book.tiers:
            problems.append(error("Price Changes", _cell(cols, "Price Changes", change.row, "Service Code"),
                                  "Service Code", "is priced by its Tiers rows, so a change for every client would "
                                  "not apply: change the Tiers rows, or give a Client ID", change.service_code))
    return problems
