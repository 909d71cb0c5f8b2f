"""Finding a sheet's header row and reading its data rows by column kind, collecting every problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from mspxl.columns import column_letter
from mspxl.problems import Problem, error
from mspxl.schema import Sheet, header_key
from mspxl.workbook.cells import is_blank
from mspxl.workbook.columns import MISSING, read_column
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
    return f"{column_letter(col + 1)}{row}"


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
                                        f"{column_letter(found[header] + 1)})", value))
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


@dataclass
class Table:
    """A sheet's data rows read a column at a time: `numbers[i]` is the Excel row number of the i-th row read,
    `values[header][i]` its cell read by the column's kind (the default when blank, MISSING when it could not be
    read), `ok[i]` False when a cell of the row had an error (already reported)."""

    numbers: list[int]
    values: dict[str, list[object]]
    ok: list[bool]
    columns: dict[str, int] = field(default_factory=dict)  # header -> 0-based column, as located on the sheet

    def rows(self) -> list[Row]:
        headers = list(self.values)
        rows = []
        for pos, (number, good) in enumerate(zip(self.numbers, self.ok, strict=True)):
            values = {header: self.values[header][pos] for header in headers}
            if not good:
                values = {header: value for header, value in values.items() if value is not MISSING}
            rows.append(Row(number, values, good))
        return rows


def read_rows(raw: RawSheet, schema: Sheet) -> tuple[list[Row], list[Problem]]:
    """Every non-blank data row below the header, each cell read by its column's kind."""
    table, problems = read_table(raw, schema)
    return table.rows(), problems


def read_table(raw: RawSheet, schema: Sheet, shortcuts: bool = True) -> tuple[Table, list[Problem]]:
    """Every non-blank data row below the header, each column read by its kind (see columns.py), every problem in
    row order and, within a row, in the schema's column order. Columns the sheet lacks (optional ones) read as blank."""
    located, problems = locate_header(raw, schema)
    if located is None or any(c.required and c.header not in located.columns for c in schema.columns):
        return Table([], {c.header: [] for c in schema.columns}, [], located.columns if located else {}), problems
    indexes = [located.columns.get(col.header) for col in schema.columns]
    numbers, picked = _data_rows(raw.rows, located.header_row, [i for i in indexes if i is not None])
    cells = iter(zip(*picked, strict=True)) if picked else None
    size = len(numbers)
    values: dict[str, list[object]] = {}
    found: list[tuple[int, int, Problem]] = []
    bad: set[int] = set()
    for order, (col, idx) in enumerate(zip(schema.columns, indexes, strict=True)):
        column = list(next(cells)) if cells is not None and idx is not None else [None] * size
        values[col.header], cell_problems = read_column(column, col, shortcuts)
        for pos, message, shown in cell_problems:
            bad.add(pos)
            found.append((pos, order, error(schema.name, cell_ref(numbers[pos], idx), col.header,  # type: ignore[arg-type]
                                            message, shown)))
    found.sort(key=lambda item: item[:2])
    problems.extend(problem for _, _, problem in found)
    ok = [True] * size
    for pos in bad:
        ok[pos] = False
    return Table(numbers, values, ok, located.columns), problems


def _data_rows(rows: list[list[object]], header_row: int, indexes: list[int]
               ) -> tuple[list[int], list[tuple[object, ...]]]:
    """The Excel number and the cells at `indexes` of every row below the header that is not blank there."""
    if not indexes:
        return [], []
    need = max(indexes) + 1
    pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda cells: (cells[indexes[0]],))
    body = rows[header_row:]
    if body and min(map(len, body)) >= need:  # no empty row, none too short: each row's cells picked at once
        picked = list(map(pick, body))
        first = list(map(itemgetter(0), picked))
        if set(map(type, first)) == {str} and all(map(str.strip, first)):  # none blank: each has its first cell
            return list(range(header_row + 1, header_row + 1 + len(body))), picked
    numbers: list[int] = []
    picked: list[tuple[object, ...]] = []
    for index in range(header_row, len(rows)):
        cells = rows[index]
        if not cells:
            continue  # an empty row (a sheet used down to row 1,048,576 is mostly these)
        if len(cells) < need:
            cells = cells + [None] * (need - len(cells))
        values = pick(cells)
        first = values[0]
        if (first.__class__ is not str or not first.strip()) and _all_blank(values):  # type: ignore[attr-defined]
            continue  # blank rows are skipped
        numbers.append(index + 1)
        picked.append(values)
    return numbers, picked


def _all_blank(values: tuple[object, ...]) -> bool:
    for value in values:
        if value is None:
            continue
        if value.__class__ is str:
            if value.strip():  # type: ignore[attr-defined]
                return False
        elif not is_blank(value):
            return False
    return True
