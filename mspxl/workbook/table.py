"""Finding a sheet's header row and reading its data rows by column kind, collecting every problem."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from mspxl.problems import Problem, error
from mspxl.schema import Sheet, header_key
from mspxl.workbook.cells import CellError, Unusable, cell_reader, is_blank, read_text, visible
from mspxl.workbook.raw import RawSheet

HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Row:
    """One data row: its Excel row number and its cells read by kind (blank optional cells take their default)."""

    number: int
    values: dict[str, object]
    ok: bool  # False when a cell of the row had an error (already reported)

    def __getitem__(self, header: str) -> object:
        return self.values.get(header)


@dataclass(frozen=True)
class Located:
    header_row: int  # Excel row number of the header
    columns: dict[str, int]  # schema header -> 0-based column index
    first_col: int
    last_col: int


def cell_ref(row: int, col: int) -> str:
    """`D14` for row 14, column index 3."""
    return f"{get_column_letter(col + 1)}{row}"


def locate_header(raw: RawSheet, schema: Sheet) -> tuple[Located | None, list[Problem]]:
    """Headers sit in row 1, or in an Excel table on the sheet, or below a title within the first rows.

    The row that holds the most of the sheet's headers wins; a required header that is missing is an error.
    """
    candidates: list[tuple[int, int, int]] = []  # (header_row, first_col, last_col)
    for table in raw.tables:
        candidates.append((table.header_row, table.first_col, table.last_col))
    width = max(map(len, raw.rows), default=0)
    for number in range(1, min(HEADER_SEARCH_ROWS, len(raw.rows)) + 1):
        candidates.append((number, 0, width - 1))
    wanted = {col.key: col.header for col in schema.columns}
    best: tuple[int, Located] | None = None
    problems: list[Problem] = []
    for header_row, first_col, last_col in candidates:
        if header_row - 1 >= len(raw.rows):
            continue
        cells = raw.rows[header_row - 1]
        found: dict[str, int] = {}
        duplicates: list[Problem] = []
        for idx in range(first_col, min(last_col + 1, len(cells))):
            value = cells[idx]
            if value is None:
                continue
            header = wanted.get(header_key(value))
            if header is None:
                continue
            if header in found:
                duplicates.append(error(schema.name, cell_ref(header_row, idx), header,
                                        f"appears twice as a header (first in column "
                                        f"{get_column_letter(found[header] + 1)})", value))
                continue
            found[header] = idx
        if found and (best is None or len(found) > best[0]):
            best = (len(found), Located(header_row, found, first_col, last_col))
            problems = duplicates
    if best is None:
        missing = [c.header for c in schema.columns if c.required]
        return None, [error(schema.name, "1", "", "has none of the headers expected: " + ", ".join(missing))]
    located = best[1]
    for col in schema.columns:
        if col.required and col.header not in located.columns:
            problems.append(error(schema.name, str(located.header_row), col.header,
                                  "required column is missing from the header row"))
    return located, problems


def read_rows(raw: RawSheet, schema: Sheet) -> tuple[list[Row], list[Problem]]:
    """Every non-blank data row below the header, each cell read by its column's kind."""
    located, problems = locate_header(raw, schema)
    if located is None or any(c.required and c.header not in located.columns for c in schema.columns):
        return [], problems
    # each column's reader chosen once per sheet; columns the sheet lacks (optional ones) read as blank
    plan = [(col.header, located.columns.get(col.header), cell_reader(col), col.required, col.default)
            for col in schema.columns]
    indexes = [idx for _, idx, _, _, _ in plan]
    sheet_name = schema.name
    rows: list[Row] = []
    raw_rows = raw.rows
    for index in range(located.header_row, len(raw_rows)):
        cells = raw_rows[index]
        if not cells:
            continue  # an empty row (a sheet used down to row 1,048,576 is mostly these)
        width = len(cells)
        picked = [cells[i] if i is not None and i < width else None for i in indexes]
        if _all_blank(picked):
            continue  # blank rows are skipped
        number = index + 1
        values: dict[str, object] = {}
        ok = True
        for (header, idx, reader, required, default), value in zip(plan, picked, strict=True):
            if value is None or (value.strip() == "" if value.__class__ is str
                                 else isinstance(value, str) and value.strip() == ""):
                if required:
                    problems.append(error(sheet_name, cell_ref(number, idx), header,  # type: ignore[arg-type]
                                          "is required but blank"))
                    ok = False
                values[header] = default
                continue
            try:
                if value.__class__ is Unusable:
                    raise CellError(value.reason)  # type: ignore[attr-defined]
                values[header] = reader(value)
            except CellError as exc:
                problems.append(error(sheet_name, cell_ref(number, idx), header, str(exc),  # type: ignore[arg-type]
                                      visible(read_text(value))))
                ok = False
        rows.append(Row(number, values, ok))
    return rows, problems


def _all_blank(values: list[object]) -> bool:
    for value in values:
        if value is None:
            continue
        if value.__class__ is str:
            if value.strip():  # type: ignore[attr-defined]
                return False
        elif not is_blank(value):
            return False
    return True
