"""Excel tables on the sheets mspxl writes: a name no other table or defined name has, a range that grows with the
rows and with the columns the accountant added beside it, and no sheet-level filter left over the same cells.

- A register table (Invoices, InvoiceLines, Collections, Aging, Runs) is named after its sheet; when the workbook
  already has a table or a defined name of that name (in any case), it is named `Invoices_2` (then `_3`, ...). The
  register's table is the one whose header row is the sheet's first row, whatever its name, so a later run finds it.
- A table keeps every column it has: a column the accountant added to the right of a register (`Notes` in column P)
  stays in the table, and one added just beside it is taken in, named by its header cell.
- A sheet-level AutoFilter that a new table covers is moved into the table (its filter and sort settings with it),
  with Excel's hidden `_xlnm._FilterDatabase` name for it: a sheet filter and a table over the same cells is a file
  Excel repairs.
"""

from __future__ import annotations

import re

from lxml import etree

from mspxl.writers.ooxml import column_index, column_letter, q
from mspxl.writers.package import Package
from mspxl.writers.worksheet import SheetXml

RANGE = re.compile(r"^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$")
FILTER_DATABASE = "_xlnm._FilterDatabase"


def bounds(ref: str) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column) of `A1:O20` (or of one cell)."""
    match = RANGE.match(ref or "")
    if match is None:
        return None
    first_col, first_row = column_index(match.group(1)), int(match.group(2))
    last_col = column_index(match.group(3)) if match.group(3) else first_col
    last_row = int(match.group(4)) if match.group(4) else first_row
    return first_row, first_col, last_row, last_col


def taken_names(package: Package) -> set[str]:
    """Every table name and defined name of the workbook, case-folded (Excel compares them without case)."""
    names: set[str] = set()
    for part in package.parts:
        if part.endswith(".xml") and "/tables/" in f"/{part}":
            table = package.xml(part)
            names |= {(table.get(a) or "").casefold() for a in ("name", "displayName")}
    defined = package.workbook.find(q("definedNames"))
    for name in defined if defined is not None else []:
        names.add((name.get("name") or "").casefold())
    names.discard("")
    return names


def free_table_name(package: Package, name: str) -> str:
    """`name`, or `name_2`, `name_3`, ... when a table or defined name has it already."""
    taken = taken_names(package)
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{name}_{n}"
    return candidate


def register_table(package: Package, sheet: SheetXml, name: str) -> tuple[str, etree._Element] | None:
    """The register's table on its sheet: the one named `name`, else the one whose header row is row 1 starting
    in column A."""
    tables = package.tables_of(sheet)
    for part, table in tables:
        if name in (table.get("displayName"), table.get("name")):
            return part, table
    for part, table in tables:
        where = bounds(table.get("ref", ""))
        if where is not None and where[:2] == (1, 1):
            return part, table
    return None


def resize(package: Package, sheet: SheetXml, part: str, table: etree._Element, last_row: int, last_col: int,
           shrink: bool) -> None:
    """Rows to `last_row` (never fewer than it had unless `shrink`), columns to at least `last_col` and over any
    header cells just beside the table; never fewer columns than the table has."""
    where = bounds(table.get("ref", ""))
    if where is None:
        return
    top, first_col, end_row, end_col = where
    columns = table.find(q("tableColumns"))
    headers = sheet.row_values(top)
    while columns is not None and (end_col < last_col or headers.get(end_col + 1) is not None):
        end_col += 1
        ids = [int(c.get("id", "0")) for c in columns]
        header = headers.get(end_col)
        etree.SubElement(columns, q("tableColumn"), id=str(max(ids, default=0) + 1),
                         name=str(header) if header is not None else f"Column{end_col}")
        columns.set("count", str(len(columns)))
    rows = max(last_row, top + 1) if shrink else max(end_row, last_row)
    ref = f"{column_letter(first_col)}{top}:{column_letter(end_col)}{rows}"
    table.set("ref", ref)
    auto = table.find(q("autoFilter"))
    if auto is not None:
        auto.set("ref", ref)
    package.touch(part)


def absorb_sheet_filter(package: Package, sheet: SheetXml, table: etree._Element) -> None:
    """A sheet-level AutoFilter over the new table's cells moves into the table."""
    sheet_filter = sheet.root.find(q("autoFilter"))
    here, there = bounds(table.get("ref", "")), bounds(sheet_filter.get("ref", "")) if sheet_filter is not None \
        else None
    if sheet_filter is None or here is None or there is None:
        return
    if there[0] > here[2] or there[2] < here[0] or there[1] > here[3] or there[3] < here[1]:
        return  # the filter is elsewhere on the sheet
    auto = table.find(q("autoFilter"))
    for child in list(sheet_filter):
        if auto is not None and etree.QName(child).localname == "filterColumn":
            auto.append(child)
    sheet.root.remove(sheet_filter)
    sheet.dirty = True
    index = [s.get("name") for s in package.workbook.find(q("sheets"))].index(sheet.name)
    defined = package.workbook.find(q("definedNames"))
    for name in list(defined) if defined is not None else []:
        if name.get("name") == FILTER_DATABASE and name.get("localSheetId") == str(index):
            defined.remove(name)
            package.touch(package.workbook_part)
    if defined is not None and len(defined) == 0:
        package.workbook.remove(defined)
