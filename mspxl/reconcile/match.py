"""Reconciling a month: what the vendor charges the MSP for, against what the workbook bills each client.

For every (client, service) the vendor file names, and every client billed for a service the file covers:
- `under-billed`: the vendor charges for more than the client is billed;
- `over-billed`: the client is billed for more than the vendor charges;
- `not billed: new revenue`: the vendor charges for a service the client has no subscription to;
- `billed, not in vendor data`: the client is billed for a service the file covers, and the file has none of it;
- `unmapped`: a vendor customer or item that is neither in the VendorMap nor named like a client or service.
Revenue at Stake is the difference at the month's unit price, Cost at Stake at the unit cost. Nothing in the
workbook changes.

An RMM device counts, for its client, towards each per-device service whose Device Type is the device's type
(through the VendorMap when the RMM calls it something else), and towards the per-device services without a Device
Type the client subscribes to, as `mspxl invoice` counts the Devices sheet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from mspxl.reconcile.billed import Billed, billed_quantities, unit_cost
from mspxl.reconcile.mapping import Resolver, name_key, resolver
from mspxl.reconcile.model import (
    NEW_REVENUE,
    NOT_IN_VENDOR,
    OVER_BILLED,
    UNDER_BILLED,
    UNMAPPED,
    Finding,
    MapRow,
    Reconciliation,
    VendorFile,
    VendorLine,
)
from mspxl.records import Book


@dataclass
class Tally:
    """The vendor's quantity of one (client, service), with where it came from."""

    quantity: Decimal = Decimal(0)
    cost: Decimal | None = None
    customers: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def add(self, line: VendorLine, quantity: Decimal) -> None:
        self.quantity += quantity
        if self.cost is None:
            self.cost = line.unit_cost
        for names, value in ((self.customers, line.customer), (self.items, line.item)):
            if value not in names:
                names.append(value)
        self.rows.extend(line.rows)


def device_services(book: Book, resolve: Resolver, line: VendorLine, client_id: str,
                    subscribed: set[str]) -> list[str]:
    """The per-device services a device of the export counts towards (see the module docstring)."""
    mapped = resolve.service_of(line)
    kind = line.item
    if mapped is not None and book.services[mapped].device_type:
        kind = book.services[mapped].device_type
    codes = [s.code for s in book.services.values()
             if s.model == "per_device" and s.device_type and name_key(s.device_type) == name_key(kind)]
    if mapped is not None and mapped not in codes and book.services[mapped].model == "per_device" \
            and not book.services[mapped].device_type:
        codes.append(mapped)
    codes += [s.code for s in book.services.values() if s.model == "per_device" and not s.device_type
              and s.code in subscribed and s.code not in codes]
    return codes


def vendor_tallies(book: Book, vendor: VendorFile, resolve: Resolver, billed: dict[tuple[str, str], Billed]
                   ) -> tuple[dict[tuple[str, str], Tally], dict[tuple[str, str, str], Tally]]:
    """(Client ID, Service Code) -> the vendor's tally; and the unmapped lines by (customer, client, item)."""
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    unmapped: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    subscribed: dict[str, set[str]] = defaultdict(set)
    for (client_id, code), bill in billed.items():
        if bill.subscription is not None or bill.quantity:
            subscribed[client_id].add(code)
    for line in vendor.lines:
        client_id = resolve.client_of(line)
        if client_id is None:
            unmapped[(line.customer, "", line.item)].add(line, line.quantity)
            continue
        codes = (device_services(book, resolve, line, client_id, subscribed[client_id]) if vendor.devices
                 else [c for c in (resolve.service_of(line),) if c is not None])
        if not codes:
            unmapped[(line.customer, client_id, line.item)].add(line, line.quantity)
        for code in codes:
            tallies[(client_id, code)].add(line, line.quantity)
    return tallies, unmapped


def finding_kind(billed: Billed | None, vendor_qty: Decimal) -> str | None:
    """Which finding a (client, service) is, None when the quantities agree."""
    billed_qty = billed.quantity if billed is not None else Decimal(0)
    if vendor_qty == billed_qty:
        return None
    if billed is None or (billed.subscription is None and not billed.quantity):
        return NEW_REVENUE
    if vendor_qty == 0:
        return NOT_IN_VENDOR
    return UNDER_BILLED if vendor_qty > billed_qty else OVER_BILLED


def reconcile(book: Book, vendor: VendorFile, map_rows: tuple[MapRow, ...], period: str) -> Reconciliation:
    """The month's findings for one vendor file (see the module docstring)."""
    resolve = resolver(book, map_rows, vendor.format)
    billed = billed_quantities(book, period)
    tallies, unmapped = vendor_tallies(book, vendor, resolve, billed)
    covered = {code for _, code in tallies}
    keys = set(tallies) | {key for key, bill in billed.items() if key[1] in covered and bill.quantity}
    order = {c.id: i for i, c in enumerate(book.clients)}
    findings: list[Finding] = []
    matched = 0
    for client_id, code in sorted(keys, key=lambda k: (order.get(k[0], len(order)), k[0], k[1])):
        tally = tallies.get((client_id, code), Tally())
        bill = billed.get((client_id, code))
        kind = finding_kind(bill, tally.quantity)
        if kind is None:
            matched += 1
            continue
        price = bill.unit_price if bill is not None else book.services[code].unit_price
        cost = unit_cost(book, bill, code)
        findings.append(Finding(
            period, vendor.format, kind, client_id, code, bill.quantity if bill else Decimal(0), tally.quantity,
            price, cost if cost is not None else tally.cost, "; ".join(tally.customers), "; ".join(tally.items),
            tuple(sorted(tally.rows))))
    for (customer, client_id, item), tally in unmapped.items():
        findings.append(Finding(period, vendor.format, UNMAPPED, client_id, "", Decimal(0), tally.quantity, None,
                                tally.cost, customer, item, tuple(sorted(tally.rows))))
    return Reconciliation(period, vendor.format, vendor.name, tuple(findings), matched, vendor.skipped)
