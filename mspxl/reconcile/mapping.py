"""The VendorMap: which client a vendor's customer is and which service a vendor's item is. What is not mapped is
listed as unmapped, never guessed: a name is only taken as it is written (ignoring case and repeated spaces).

A Vendor Customer equal to a Client ID or to a client's Name, and a Vendor Item equal to a Service Code, need no
VendorMap row. A VendorMap row whose Vendor is blank applies to every vendor file; one naming a format (microsoft,
pax8, rmm, generic) only to files of that format, and wins over a blank-Vendor row."""

from __future__ import annotations

from dataclasses import dataclass

from mspxl.reconcile.model import MapRow, VendorLine
from mspxl.records import Book


def name_key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Resolver:
    customers: dict[str, str]  # name key -> Client ID
    items: dict[str, str]  # name key -> Service Code

    def client_of(self, line: VendorLine) -> str | None:
        """The Client ID of the line's customer (its name first, then its other names: domain, customer id)."""
        for name in (line.customer, *line.also):
            found = self.customers.get(name_key(name))
            if found is not None:
                return found
        return None

    def service_of(self, line: VendorLine) -> str | None:
        """The Service Code of the line's item (SKU name first, then SKU id and product name)."""
        for name in (line.item, *line.also):
            found = self.items.get(name_key(name))
            if found is not None:
                return found
        return None


def resolver(book: Book, rows: tuple[MapRow, ...], vendor: str) -> Resolver:
    customers: dict[str, str] = {}
    for client in book.clients:
        customers.setdefault(name_key(client.name), client.id)
    for client in book.clients:
        customers[name_key(client.id)] = client.id
    items = {name_key(code): code for code in book.services}
    for general in (True, False):  # blank-Vendor rows first, then this vendor's rows over them
        for row in rows:
            if (not row.vendor) != general or (row.vendor and row.vendor.lower() != vendor):
                continue
            if row.customer and row.client_id:
                customers[name_key(row.customer)] = row.client_id
            if row.item and row.service_code:
                items[name_key(row.item)] = row.service_code
    return Resolver(customers, items)
