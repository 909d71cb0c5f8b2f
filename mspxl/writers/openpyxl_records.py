"""The openpyxl reference writer's RecordRows: rows appended to an input sheet (Payments) or a small record sheet
(Sent) whose columns the accountant may have arranged: values go under their headers wherever they are, a missing
column is added after the last one, and an Excel table on the sheet grows with its rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from mspxl.writers.xlsx import column_for, header_map, header_row, last_data_row, set_value

Row = Mapping[str, object]  # header -> value


def sheet_for(wb: Workbook, name: str, headers: Sequence[str]) -> Worksheet:
    """The sheet, made with `headers` in row 1 when the workbook does not have it yet."""
    if name in wb.sheetnames:
        return wb[name]
    ws = wb.create_sheet(name)
    for col, header in enumerate(headers, start=1):
        ws.cell(row=1, column=col, value=header)
        ws.column_dimensions[get_column_letter(col)].width = max(12, len(header) + 4)
    ws.freeze_panes = "A2"
    return ws


def append_rows(ws: Worksheet, key_header: str, rows: Sequence[Row], kinds: Mapping[str, str],
                money_format: str) -> list[int]:
    """Append `rows` below the sheet's last data row; returns the Excel rows written."""
    top = header_row(ws, key_header)
    where = header_map(ws, top)
    start = max(last_data_row(ws), top) + 1
    written = []
    for offset, values in enumerate(rows):
        for header, value in values.items():
            cell = ws.cell(row=start + offset, column=column_for(ws, where, header, top))
            set_value(cell, value, kinds.get(header, "text"), money_format)
        written.append(start + offset)
    _grow_tables(ws, start + len(rows) - 1, max(where.values(), default=1))
    return written


def _grow_tables(ws: Worksheet, last_row: int, last_col: int) -> None:
    """An Excel table on the sheet takes in the rows just written (and a column just added)."""
    for table in ws.tables.values():
        first, _, last = table.ref.partition(":")
        first_col = "".join(c for c in first if c.isalpha())
        first_row = int("".join(c for c in first if c.isdigit()))
        end_col = "".join(c for c in last if c.isalpha())
        end_row = int("".join(c for c in last if c.isdigit()))
        new_last = get_column_letter(max(column_index_from_string(end_col), last_col))
        ref = f"{first_col}{first_row}:{new_last}{max(end_row, last_row)}"
        if new_last != end_col:
            continue  # a table's columns are named in its definition: leave a table we would have to reshape
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref
