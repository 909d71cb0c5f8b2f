"""The VendorMap sheet's rows as MapRows, each checked against the workbook: a row maps a customer (Vendor Customer
and Client ID) or an item (Vendor Item and Service Code) or both; half a pair, an unknown Client ID or Service Code is
an error with its cell."""

from __future__ import annotations

from mspxl.problems import Problem, error
from mspxl.reconcile.model import MapRow
from mspxl.records import Book
from mspxl.schema import VENDOR_MAP
from mspxl.workbook.table import Row, cell_ref

SHEET = VENDOR_MAP.name
SCHEMA_ORDER = {col.header: i for i, col in enumerate(VENDOR_MAP.columns)}


def _text(row: Row, header: str) -> str:
    value = row[header]
    return "" if value is None else str(value).strip()


def map_rows(rows: list[Row], book: Book, columns: dict[str, int] | None = None
             ) -> tuple[tuple[MapRow, ...], list[Problem]]:
    """`columns`: header -> 0-based column of the sheet (as the reader located them), for the problems' cells."""
    where = {**SCHEMA_ORDER, **(columns or {})}
    problems: list[Problem] = []
    made: list[MapRow] = []
    clients = {c.id for c in book.clients}
    for row in rows:
        if not row.ok:
            continue
        values = {h: _text(row, h) for h in ("Vendor", "Vendor Customer", "Client ID", "Vendor Item", "Service Code")}
        bad = False
        for left, right in (("Vendor Customer", "Client ID"), ("Vendor Item", "Service Code")):
            if bool(values[left]) != bool(values[right]):
                blank = right if values[left] else left
                problems.append(error(SHEET, cell_ref(row.number, where[blank]), blank,
                                      f"is blank: a VendorMap row maps a {left} to a {right}, both filled"))
                bad = True
        if values["Client ID"] and values["Client ID"] not in clients:
            problems.append(error(SHEET, cell_ref(row.number, where["Client ID"]), "Client ID",
                                  "is not a Client ID of the Clients sheet", values["Client ID"]))
            bad = True
        if values["Service Code"] and values["Service Code"] not in book.services:
            problems.append(error(SHEET, cell_ref(row.number, where["Service Code"]), "Service Code",
                                  "is not a Service Code of the Services sheet", values["Service Code"]))
            bad = True
        if not bad:
            made.append(MapRow(values["Vendor"].lower(), values["Vendor Customer"], values["Client ID"],
                               values["Vendor Item"], values["Service Code"], row.number))
    return tuple(made), problems
