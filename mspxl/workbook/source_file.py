"""Reading a workbook file into raw sheets with python-calamine (fast, reads cached formula values)."""

from __future__ import annotations

from pathlib import Path

import python_calamine

from mspxl.workbook.raw import RawBook, RawSheet, TableRef, clean_rows


class UnreadableWorkbook(Exception):
    """The file is not a workbook mspxl can read."""


def read_raw(path: Path, sheets: set[str] | None = None) -> RawBook:
    """Every worksheet of the file (or only `sheets`), with its Excel tables."""
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    except Exception as exc:  # calamine raises several types for broken or foreign files
        raise UnreadableWorkbook(f"{path.name} is not a readable .xlsx workbook ({exc})") from exc
    try:
        tables: dict[str, list[TableRef]] = {}
        for name in book.table_names:
            table = book.get_table_by_name(name)
            start_row, start_col = table.start
            _, end_col = table.end
            # table.start is the first data cell; its header sits one row above (Excel row = index + 1).
            tables.setdefault(table.sheet, []).append(TableRef(name, start_row, start_col, end_col))
        result: RawBook = {}
        for name in book.sheet_names:
            if sheets is not None and name not in sheets:
                continue
            try:
                sheet = book.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
            except Exception:  # a chart sheet or a dialog sheet: not data
                continue
            result[name] = RawSheet(name, clean_rows(rows), tables.get(name, []))
        return result
    finally:
        book.close()
