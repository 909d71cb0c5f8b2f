"""Reading a vendor file by its format: Microsoft Partner Center, Pax8, an RMM device export, or the generic
layout. Pure functions of the file's table (mspxl.reconcile.table reads the file); every problem is a sentence that
names the file, the row and the heading, all of them collected."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from mspxl.billing.calendar import BadPeriod, first_day, last_day, parse_period
from mspxl.money import NotANumber, to_decimal
from mspxl.reconcile.columns import COLUMNS, check_format, detect_format, locate, missing_columns_sentence
from mspxl.reconcile.model import VendorFile, VendorLine
from mspxl.reconcile.seats import Charge, microsoft_kind, overlaps, pax8_kind, seats_in_force
from mspxl.reconcile.table import Table

US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?$", re.IGNORECASE)


class RowError(ValueError):
    """A cell that cannot be read; the message completes `FILE row N (Heading): `."""


class Cells:
    """One data row read by field name."""

    def __init__(self, table: Table, fmt: str, found: dict[str, int], number: int, cells: tuple[object, ...]):
        self.table, self.fmt, self.found, self.number, self.cells = table, fmt, found, number, cells
        self.problems: list[str] = []

    def raw(self, field: str) -> object:
        index = self.found.get(field)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, field: str) -> str:
        value = self.raw(field)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()

    def read(self, field: str, reader: Callable[[object], object]) -> object:
        value = self.raw(field)
        if value is None:
            return None
        try:
            return reader(value)
        except RowError as exc:
            heading = self.table.headers[self.found[field]]
            self.problems.append(f'{self.table.name} row {self.number} ({heading}): "{value}" {exc}')
            return None

    def need(self, *fields: str) -> bool:
        """The fields are filled; each blank one is a problem."""
        blank = [f for f in fields if self.raw(f) is None]
        for field in blank:
            heading = self.table.headers[self.found[field]]
            self.problems.append(f"{self.table.name} row {self.number} ({heading}): is blank")
        return not blank


def number(value: object) -> Decimal:
    try:
        return to_decimal(value)
    except NotANumber:
        raise RowError("is not a number") from None


def quantity(value: object) -> Decimal:
    result = number(value)
    if result < 0:
        raise RowError("is a negative quantity")
    return result


def day(value: object) -> date:
    """A date cell, ISO text (2026-12-01, with a time or not) or US text as Partner Center writes it (12/1/2026)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = US_DATE.match(text)
    if match:
        try:
            return date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
        except ValueError:
            pass
    raise RowError("is not a date (expected 2026-12-01 or 12/1/2026)")


def read_vendor_table(table: Table, fmt: str | None, period: str) -> VendorFile:
    """The lines of `table` that count for `period`, by `fmt` (detected from the headings when None)."""
    parse_period(period)
    fmt = check_format(fmt) if fmt else detect_format(table.headers, table.name)
    found, missing = locate(table.headers, fmt)
    if missing:
        return VendorFile(fmt, table.name, problems=(missing_columns_sentence(table.name, fmt, missing,
                                                                              table.headers),))
    if not table.rows:
        return VendorFile(fmt, table.name, problems=(f"{table.name} has headings but no data rows.",))
    return READERS[fmt](table, found, period)


def _licence_file(table: Table, found: dict[str, int], period: str, fmt: str) -> VendorFile:
    """Microsoft and Pax8: charge lines of the month, turned into seats per customer and item."""
    first, last = first_day(period), last_day(period)
    charges: list[Charge] = []
    skipped: list[str] = []
    problems: list[str] = []
    for number_, cells in table.rows:
        row = Cells(table, fmt, found, number_, cells)
        row.need("customer", "item", "quantity")
        qty = row.read("quantity", number)
        start, end = row.read("start", day), row.read("end", day)
        cost = row.read("unit_cost", number)
        charge_type = row.text("charge_type")
        problems.extend(row.problems)
        if row.problems or qty is None:
            continue
        assert isinstance(qty, Decimal)
        kind = microsoft_kind(charge_type) if fmt == "microsoft" else pax8_kind(charge_type, qty)
        if kind is None:
            skipped.append(f"{table.name} row {number_}: charge type {charge_type} does not count seats")
            continue
        if not overlaps(start, end, first, last):  # type: ignore[arg-type]
            skipped.append(f"{table.name} row {number_}: charge period {start} to {end} is not in {period}")
            continue
        customer, item = row.text("customer"), row.text("item")
        also = tuple(v for v in (row.text("domain"), row.text("customer_id"), row.text("sku_id"),
                                 row.text("product")) if v)
        key = (row.text("subscription"),) if row.text("subscription") else (customer, item)
        charges.append(Charge(key, customer, item, kind, qty, start, number_, cost, also))  # type: ignore[arg-type]
    return VendorFile(fmt, table.name, tuple(seats_in_force(charges)), tuple(skipped), tuple(problems))


def read_microsoft(table: Table, found: dict[str, int], period: str) -> VendorFile:
    return _licence_file(table, found, period, "microsoft")


def read_pax8(table: Table, found: dict[str, int], period: str) -> VendorFile:
    return _licence_file(table, found, period, "pax8")


def read_generic(table: Table, found: dict[str, int], period: str) -> VendorFile:
    """One line per row; rows of the same customer and item are added; a Period column, when there is one, keeps
    the rows of the month (and of no month)."""
    totals: dict[tuple[str, str], tuple[Decimal, Decimal | None, tuple[int, ...]]] = {}
    skipped: list[str] = []
    problems: list[str] = []
    for number_, cells in table.rows:
        row = Cells(table, "generic", found, number_, cells)
        row.need("customer", "item", "quantity")
        qty, cost = row.read("quantity", quantity), row.read("unit_cost", number)
        month = row.read("period", _period_text)
        problems.extend(row.problems)
        if row.problems or qty is None:
            continue
        if month and month != period:
            skipped.append(f"{table.name} row {number_}: Period {month} is not {period}")
            continue
        key = (row.text("customer"), row.text("item"))
        old_qty, old_cost, rows = totals.get(key, (Decimal(0), None, ()))
        totals[key] = (old_qty + qty, old_cost if old_cost is not None else cost,  # type: ignore[operator]
                       rows + (number_,))
    lines = tuple(VendorLine(c, i, q, cost, rows=rows) for (c, i), (q, cost, rows) in totals.items())
    return VendorFile("generic", table.name, lines, tuple(skipped), tuple(problems))


def _period_text(value: object) -> str:
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    try:
        year, month = parse_period(str(value))
    except BadPeriod:
        raise RowError("is not a period (expected YYYY-MM, e.g. 2026-12)") from None
    return f"{year:04d}-{month:02d}"


def read_rmm(table: Table, found: dict[str, int], period: str) -> VendorFile:
    """One device per row, counted once per customer however often the export lists it; the device type is the
    line's item."""
    lines: list[VendorLine] = []
    seen: dict[tuple[str, str], int] = {}
    skipped: list[str] = []
    problems: list[str] = []
    for number_, cells in table.rows:
        row = Cells(table, "rmm", found, number_, cells)
        row.need("customer", "device", "item")
        problems.extend(row.problems)
        if row.problems:
            continue
        customer, device = row.text("customer"), row.text("device")
        name = (customer.lower(), device.lower())
        if name in seen:
            skipped.append(f"{table.name} row {number_}: device {device} of {customer} is listed again "
                           f"(row {seen[name]}); counted once")
            continue
        seen[name] = number_
        lines.append(VendorLine(customer, row.text("item"), Decimal(1), device=device, rows=(number_,)))
    return VendorFile("rmm", table.name, tuple(lines), tuple(skipped), tuple(problems))


READERS: dict[str, Callable[[Table, dict[str, int], str], VendorFile]] = {
    "microsoft": read_microsoft, "pax8": read_pax8, "generic": read_generic, "rmm": read_rmm,
}
assert set(READERS) == set(COLUMNS)
