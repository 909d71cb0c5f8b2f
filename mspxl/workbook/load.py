"""Read and validate: raw sheets in, a `Book` of typed records and every problem out. Nothing is raised for bad data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mspxl import schema as S
from mspxl.problems import Problem, error, has_errors
from mspxl.records import Book, Settings
from mspxl.workbook import build
from mspxl.workbook.columns import MISSING
from mspxl.workbook.raw import RawBook, gc_paused
from mspxl.workbook.sheet_names import find_sheet, renamed_sheets
from mspxl.workbook.source_file import UnreadableWorkbook, read_raw
from mspxl.workbook.table import Table, cell_ref, read_table
from mspxl.workbook.validate import validate


@dataclass(frozen=True)
class Loaded:
    book: Book | None  # None when the workbook could not be read at all
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.book is not None and not has_errors(self.problems)


def load_raw(raw: RawBook, today: date) -> Loaded:
    """Every input sheet read by the schema, records built, cross-sheet rules checked."""
    with gc_paused():
        return _load_raw(raw, today)


ROW_SHEETS = frozenset({"Settings", "Collections"})  # read as rows: a setting, a client state per row


def _load_raw(raw: RawBook, today: date) -> Loaded:
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    cols: dict[str, dict[str, int]] = {}
    all_sheets = (*S.INPUT_SHEETS, S.INVOICES, S.INVOICE_LINES, S.COLLECTIONS)
    schema = {sheet.name: sheet for sheet in all_sheets}
    renamed = renamed_sheets(raw, all_sheets)
    for sheet in all_sheets:
        found = find_sheet(raw, sheet.name)
        if found is None:
            if sheet.name in renamed:
                problems.append(renamed[sheet.name])
            elif sheet.required:
                problems.append(error(sheet.name, "", "", "sheet is missing (run `mspxl init` to see the layout)"))
            tables[sheet.name] = Table([], {c.header: [] for c in sheet.columns}, [])
            continue
        table, sheet_problems = read_table(found, sheet)
        cols[sheet.name] = table.columns
        tables[sheet.name] = table
        problems.extend(sheet_problems)
    rows = {name: tables[name].rows() for name in ROW_SHEETS}
    settings, setting_problems = build.build_settings(rows["Settings"]) if rows["Settings"] else (Settings(), [])
    problems.extend(setting_problems)

    def records(name: str) -> list[Any]:
        return build.build_table_records(schema[name], tables[name])

    invoices, register_problems = build.build_register(tables["Invoices"], tables["InvoiceLines"])
    if not renamed:  # else every row pointing to the renamed sheet would be reported too
        problems.extend(register_problems)
        problems.extend(lines_without_invoice(tables["Invoices"], tables["InvoiceLines"], cols.get("InvoiceLines", {})))
    book = Book(
        settings=settings,
        services=build.first_by_id(records("Services"), "code"),
        clients=tuple(records("Clients")),
        subscriptions=tuple(records("Subscriptions")),
        users=tuple(records("Users")),
        devices=tuple(records("Devices")),
        usage=tuple(records("Usage")),
        work=tuple(records("WorkLog")),
        projects=build.first_by_id(records("Projects"), "id"),
        payments=tuple(records("Payments")),
        invoices=tuple(invoices),
        charges=tuple(records("Charges")),
        tiers=build.tiers_by_service(records("Tiers")),
        blocks=tuple(records("Blocks")),
        price_changes=tuple(records("Price Changes")),
        collection_states={str(r["Client ID"]): str(r["State"]) for r in rows["Collections"]
                           if r.ok and r["State"] is not None},
        collections_as_of=max((as_date(r["As Of"]) for r in rows["Collections"]
                               if r.ok and isinstance(r["As Of"], date)), default=None),
    )
    ids = {(sheet.name, sheet.id_column): _ids(tables[sheet.name], sheet.id_column)
           for sheet in S.INPUT_SHEETS if sheet.id_column}
    if not renamed:
        problems.extend(validate(book, cols, ids, today))
    return Loaded(book, problems)


def _ids(table: Table, header: str) -> list[tuple[int, str]]:
    """(row number, ID as text) of every row with an ID in the column `header` (rows with errors included)."""
    return [(number, value if value.__class__ is str else str(value))
            for number, value in zip(table.numbers, table.values[header], strict=True)
            if value is not None and value is not MISSING]


def as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def lines_without_invoice(invoices: Table, lines: Table, columns: dict[str, int]) -> list[Problem]:
    """InvoiceLines rows whose invoice is not on the Invoices sheet: a register row was deleted by hand."""
    numbers = {str(n) for n in invoices.values["Invoice Number"] if n is not None and n is not MISSING}
    problems: list[Problem] = []
    reported: set[str] = set()
    for row, number in zip(lines.numbers, lines.values["Invoice Number"], strict=True):
        if number is None or number is MISSING or str(number) in numbers or str(number) in reported:
            continue
        reported.add(str(number))
        problems.append(error("InvoiceLines", cell_ref(row, columns.get("Invoice Number", 0)),
                              "Invoice Number", "has lines but is not on the Invoices sheet: a register row was "
                              "deleted; restore it (issued invoices are never deleted)", str(number)))
    return problems


def load_file(path: Path, today: date) -> Loaded:
    """Read a workbook file; an unreadable file is one problem, not an exception."""
    if not path.exists():
        return Loaded(None, [error(path.name, "", "", "file not found")])
    with gc_paused():  # one pause for both: the collector then looks once at what reading and validating made
        try:
            raw = read_raw(path)
        except UnreadableWorkbook as exc:
            return Loaded(None, [error(path.name, "", "", str(exc))])
        loaded = load_raw(raw, today)
        del raw  # the rows read are dropped before the collector looks (unless the audit still hashes them)
    return loaded
