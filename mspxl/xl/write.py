"""Writing a run's changes into the open Excel workbook: bulk range assignments, number formats, Excel tables.

The same `WorkbookChanges` the file writer applies with openpyxl is applied here through xlwings, in few round
trips: one value assignment per block of adjacent columns, and one number format per run of adjacent columns that
share it, set before the values land, so text that looks like a date or a formula (`2026-11`, `=1+1`) stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mspxl import schema as S
from mspxl.schema import header_key
from mspxl.workbook.raw import RawBook, RawSheet
from mspxl.workbook.table import locate_header
from mspxl.writers.changes import CellMark, Value, WorkbookChanges
from mspxl.writers.xlsx import DATE_FORMAT, DECIMAL_FORMAT, INT_FORMAT, money_format
from mspxl.xl.excel import Excel, excel_value

TEXT_FORMAT = "@"


def number_format(kind: str, money: str) -> str:
    """The Excel number format of an output column kind."""
    return {"text": TEXT_FORMAT, "date": DATE_FORMAT, "money": money, "int": INT_FORMAT,
            "decimal": DECIMAL_FORMAT}[kind]


@dataclass
class Layout:
    """Where a sheet's columns are: header row (Excel numbering) and header -> 1-based column."""

    header_row: int
    columns: dict[str, int]
    last_row: int  # the last row holding data in those columns (the header row when there is none)


def layout_of(raw: RawSheet | None, schema: S.Sheet) -> Layout | None:
    if raw is None:
        return None
    located, _ = locate_header(raw, schema)
    if located is None:
        return None
    cols = {h: i + 1 for h, i in located.columns.items()}
    last = located.header_row
    for index in range(located.header_row, len(raw.rows)):
        row = raw.rows[index]
        if any(i < len(row) and row[i] is not None for i in located.columns.values()):
            last = index + 1
    return Layout(located.header_row, cols, last)


def column_runs(columns: Sequence[int]) -> list[list[int]]:
    """Positions grouped into runs of adjacent target columns, so each run is one assignment."""
    order = sorted(range(len(columns)), key=lambda i: columns[i])
    runs: list[list[int]] = []
    for i in order:
        if runs and columns[i] == columns[runs[-1][-1]] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def write_block(sheet: Any, top: int, columns: Sequence[int], formats: Sequence[str],
                rows: Sequence[Sequence[Value]]) -> None:
    """Rows of values into the given target columns from row `top`: per run of adjacent columns, its number
    formats first (one call per run of columns sharing a format), then one value assignment."""
    if not rows:
        return
    bottom = top + len(rows) - 1
    for run in column_runs(columns):
        start = 0
        for k in range(1, len(run) + 1):
            if k == len(run) or formats[run[k]] != formats[run[start]]:
                first, last = columns[run[start]], columns[run[k - 1]]
                sheet.range((top, first), (bottom, last)).number_format = formats[run[start]]
                start = k
        sheet.range((top, columns[run[0]])).value = [[excel_value(r[i]) for i in run] for r in rows]


def output_schema(name: str) -> S.Sheet:
    return S.output_sheet(name, S.OUTPUT_SHEETS[name])


def ensure_output_sheet(xl: Excel, raw: RawBook, name: str) -> tuple[Any, Layout]:
    """The output sheet and its layout; a missing sheet (or one without the headers) gets them in row 1."""
    schema = output_schema(name)
    sheet = xl.find_sheet(name)
    layout = layout_of(raw.get(xl.sheet_name(name) or ""), schema)
    if sheet is not None and layout is not None:
        for header, _ in S.OUTPUT_SHEETS[name]:
            if header not in layout.columns:  # a column this version added: after the last one
                col = max(layout.columns.values()) + 1
                sheet.range((layout.header_row, col)).value = header
                layout.columns[header] = col
        return sheet, layout
    if sheet is None:
        sheet = xl.add_sheet(name)
    headers = [h for h, _ in S.OUTPUT_SHEETS[name]]
    sheet.range((1, 1), (1, len(headers))).number_format = TEXT_FORMAT
    sheet.range((1, 1)).value = [headers]
    return sheet, Layout(1, {h: i + 1 for i, h in enumerate(headers)}, 1)


def fit_table(sheet: Any, name: str, layout: Layout) -> None:
    """The output sheet's rows as an Excel table with filters, resized to its rows; a table the accountant made
    elsewhere on the sheet is left alone."""
    first, last = min(layout.columns.values()), max(layout.columns.values())
    bottom = max(layout.last_row, layout.header_row + 1)
    target = getattr(sheet, "xw", sheet).range((layout.header_row, first), (bottom, last))  # xlwings' own Range
    tables = list(sheet.tables)
    for table in tables:
        rng = table.range
        if rng.row == layout.header_row and rng.column <= first < rng.column + rng.shape[1]:
            table.resize(target)
            return
    if not tables:
        sheet.tables.add(source=target, name=name, table_style_name="TableStyleMedium2")


def append_rows(xl: Excel, raw: RawBook, name: str, rows: Sequence[tuple[Value, ...]], money: str) -> None:
    """Rows added below the output sheet's last row, one assignment per block of adjacent columns."""
    sheet, layout = ensure_output_sheet(xl, raw, name)
    spec = S.OUTPUT_SHEETS[name]
    columns = [layout.columns[h] for h, _ in spec]
    formats = [number_format(kind, money) for _, kind in spec]
    write_block(sheet, layout.last_row + 1, columns, formats, rows)
    layout.last_row += len(rows)
    fit_table(sheet, name, layout)


def replace_rows(xl: Excel, raw: RawBook, name: str, rows: Sequence[tuple[Value, ...]], money: str) -> None:
    """The output sheet's data rows replaced by `rows` (old rows below them cleared in one assignment)."""
    sheet, layout = ensure_output_sheet(xl, raw, name)
    spec = S.OUTPUT_SHEETS[name]
    columns = [layout.columns[h] for h, _ in spec]
    formats = [number_format(kind, money) for _, kind in spec]
    old = layout.last_row - layout.header_row
    if old > len(rows):
        blank = [tuple(None for _ in spec)] * (old - len(rows))
        write_block(sheet, layout.header_row + 1 + len(rows), columns, formats, blank)
    write_block(sheet, layout.header_row + 1, columns, formats, rows)
    layout.last_row = layout.header_row + len(rows)
    fit_table(sheet, name, layout)


def _id_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def input_schema(name: str) -> S.Sheet:
    for sheet in S.INPUT_SHEETS:
        if sheet.name == name:
            return sheet
    raise KeyError(name)


def column_for(sheet: Any, layout: Layout, header: str) -> int:
    """The column of `header`, added after the last header when the sheet does not have it yet."""
    for known, col in layout.columns.items():
        if header_key(known) == header_key(header):
            return col
    col = max(layout.columns.values()) + 1
    sheet.range((layout.header_row, col)).value = header
    layout.columns[header] = col
    return col


def write_cells(sheet: Any, col: int, cells: dict[int, Value], current: Sequence[Sequence[object]]) -> None:
    """Text values into one column at the given rows, in one assignment from the first row to the last: the rows
    between keep what they hold (`current`, the sheet as read, 0-based), written back as it is. When one of them
    holds anything but text or nothing (a number, a date, an error, a formula), one assignment per run of
    adjacent rows instead, so that cell is never touched."""
    rows = sorted(cells)
    if not rows:
        return
    between = {r: _cell(current, r - 1, col - 1) for r in range(rows[0], rows[-1] + 1) if r not in cells}
    if all(v is None or type(v) is str for v in between.values()):
        values = [(cells[r] if r in cells else between[r],) for r in range(rows[0], rows[-1] + 1)]
        write_block(sheet, rows[0], [col], [TEXT_FORMAT], values)  # type: ignore[arg-type]
        return
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i] != rows[i - 1] + 1:
            run = rows[start:i]
            write_block(sheet, run[0], [col], [TEXT_FORMAT], [(cells[r],) for r in run])
            start = i


def _cell(rows: Sequence[Sequence[object]], r: int, c: int) -> object:
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else None


def key_rows(xl: Excel, raw: RawBook, sheet_name: str, key_header: str) -> dict[str, int]:
    """Key value -> Excel row of the data rows of an input sheet (e.g. WorkLog Entry ID -> row)."""
    found = raw[xl.sheet_name(sheet_name) or sheet_name]
    layout = layout_of(found, input_schema(sheet_name))
    assert layout is not None
    col = layout.columns[key_header] - 1
    return {_id_text(r[col] if col < len(r) else None): n + 1 for n, r in enumerate(found.rows)
            if n + 1 > layout.header_row}


def apply_marks(xl: Excel, raw: RawBook, marks: Sequence[CellMark],
                row_marks: Sequence[tuple[str, int, str, Value]]) -> None:
    """Invoice numbers written back onto the rows they billed (WorkLog by Entry ID, Usage by row)."""
    by_target: dict[tuple[str, str], dict[int, Value]] = {}
    keys: dict[tuple[str, str], dict[str, int]] = {}
    for mark in marks:
        if (mark.sheet, mark.key_header) not in keys:
            keys[(mark.sheet, mark.key_header)] = key_rows(xl, raw, mark.sheet, mark.key_header)
        row = keys[(mark.sheet, mark.key_header)][mark.key]
        by_target.setdefault((mark.sheet, mark.header), {})[row] = mark.value
    for sheet_name, row, header, value in row_marks:
        by_target.setdefault((sheet_name, header), {})[row] = value
    for (sheet_name, header), cells in by_target.items():
        sheet = xl.find_sheet(sheet_name)
        assert sheet is not None
        found = raw[xl.sheet_name(sheet_name) or sheet_name]
        layout = layout_of(found, input_schema(sheet_name))
        assert layout is not None
        write_cells(sheet, column_for(sheet, layout, header), cells, found.rows)


def apply_changes(xl: Excel, raw: RawBook, changes: WorkbookChanges, currency: str, locale: str) -> None:
    """Every change of a run, written into the open workbook."""
    money = money_format(currency, locale)
    for name, rows in changes.append.items():
        if rows:
            append_rows(xl, raw, name, rows, money)
    for name, rows in changes.replace.items():
        replace_rows(xl, raw, name, rows, money)
    apply_marks(xl, raw, changes.marks, changes.row_marks)
