"""Cell writing for the summary workbook: typed values with their number formats, text that never becomes a
formula, Excel tables, fitted column widths and print settings."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from copy import copy
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from babel.numbers import get_currency_symbol
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
INT_FORMAT = "#,##0"
QTY_FORMAT = "General"  # "#,##0.##" would show a whole quantity as "3."
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
SECTION_FONT = Font(bold=True, size=12, color="1F4E78")
TITLE_FONT = Font(bold=True, size=16, color="1F4E78")
BOLD = Font(bold=True)
TABLE_STYLE = "TableStyleMedium2"
MIN_WIDTH, MAX_WIDTH = 8, 50

Value = str | Decimal | int | date | None


class Col(NamedTuple):
    header: str
    kind: str  # text | money | date | int | qty
    wrap: int = 0  # a long text (a name, a note): the column is at most this wide and its cells wrap


LINE_HEIGHT = 15  # points, one line of the default 11-point font
TEXT_GAP = 1  # text cells are indented one character, so a right-aligned amount never runs into the next text


def money_format(currency: str, locale: str) -> str:
    """The currency's symbol, thousands separators and cents; negatives with a minus sign."""
    symbol = get_currency_symbol(currency, locale=locale)
    return f'"{symbol}"#,##0.00;-"{symbol}"#,##0.00'


def paper_size(ws: Worksheet, locale: str) -> int:
    """Letter for the United States and Canada, A4 elsewhere."""
    return ws.PAPERSIZE_LETTER if locale.replace("-", "_").split("_")[-1] in ("US", "CA") else ws.PAPERSIZE_A4


class SheetWriter:
    """Writes one worksheet and remembers how wide each column's content is."""

    def __init__(self, ws: Worksheet, money: str) -> None:
        self.ws = ws
        self.money = money
        self.widths: dict[int, int] = {}
        self.wraps: dict[int, int] = {}

    def put(self, row: int, column: int, value: Value, kind: str = "text", fit: bool = True) -> None:
        """Write one value with its number format. Text stays text: a string starting with = + - @ tab or CR is
        stored as a string, never as a formula."""
        cell = self.ws.cell(row=row, column=column)
        cell.value = value
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
        if kind == "money":
            cell.number_format = self.money
        elif kind == "date":
            cell.number_format = DATE_FORMAT
        elif kind == "int":
            cell.number_format = INT_FORMAT
        elif kind == "qty":
            cell.number_format = QTY_FORMAT
        if fit:
            self.widths[column] = max(self.widths.get(column, 0), display_width(value, kind))

    def put_styled(self, row: int, column: int, value: Value, kind: str, style: StyleArray) -> None:
        """`put`, the cell given a copy of `style` (number format, font, alignment) taken from a cell written with
        the same kind: the style is worked out once per column, not once per cell."""
        cell = self.ws.cell(row=row, column=column)
        cell.value = value
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
        cell._style = copy(style)
        self.widths[column] = max(self.widths.get(column, 0), display_width(value, kind))

    def header(self, row: int, column: int, names: Sequence[str], wrapped: bool = False) -> None:
        """Column headings; `wrapped` headings (a sheet's first row, two lines high) need only be half as wide."""
        for offset, name in enumerate(names):
            self.put(row, column + offset, name, fit=not wrapped)
            if wrapped:
                self.widths[column + offset] = max(self.widths.get(column + offset, 0), two_line_width(name))
            cell = self.ws.cell(row=row, column=column + offset)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=wrapped)

    def align(self, row: int, column: int, cols: Sequence[Col]) -> None:
        """Text indented (and wrapped in a column that wraps), every cell at the top of a row wrapped text makes
        taller."""
        tall = any(col.wrap for col in cols)
        for c, col in enumerate(cols, start=column):
            if col.kind == "text":
                self.ws.cell(row=row, column=c).alignment = Alignment(
                    horizontal="left", indent=TEXT_GAP, vertical="top" if tall else None, wrap_text=bool(col.wrap))
            elif tall:
                self.ws.cell(row=row, column=c).alignment = Alignment(vertical="top")

    def table(
        self, name: str, row: int, column: int, cols: Sequence[Col], rows: Sequence[Sequence[Value]]
    ) -> tuple[int, int]:
        """A header and rows; an Excel table named `name` when there are rows. Returns (first, last) data rows
        (last < first when there are none)."""
        self.header(row, column, [c.header for c in cols], wrapped=row == 1)
        for c, col in enumerate(cols, start=column):
            if col.wrap:
                self.wraps[c] = col.wrap
        styles: list[StyleArray] = []  # each column's style, as its first data cell got it: the same for every row
        for r, values in enumerate(rows, start=row + 1):
            if not styles:
                for c, (col, value) in enumerate(zip(cols, values, strict=True), start=column):
                    self.put(r, c, value, col.kind)
                self.align(r, column, cols)
                styles = [copy(self.ws.cell(row=r, column=c)._style) for c in range(column, column + len(cols))]
            else:
                for c, (col, value, style) in enumerate(zip(cols, values, styles, strict=True), start=column):
                    self.put_styled(r, c, value, col.kind, style)
            lines = max((wrapped_lines(v, col.wrap) for col, v in zip(cols, values, strict=True) if col.wrap),
                        default=1)
            if lines > 1:  # set, not left to the spreadsheet: LibreOffice may keep a wrapped row one line high
                self.ws.row_dimensions[r].height = LINE_HEIGHT * lines
        last = row + len(rows)
        if rows:
            ref = f"{get_column_letter(column)}{row}:{get_column_letter(column + len(cols) - 1)}{last}"
            table = Table(displayName=name, ref=ref)
            table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
            self.ws.add_table(table)
        return row + 1, last

    def totals_row(self, row: int, column: int, cols: Sequence[Col], values: Sequence[Value]) -> None:
        for c, (col, value) in enumerate(zip(cols, values, strict=True), start=column):
            self.put(row, c, value, col.kind)
            self.ws.cell(row=row, column=c).font = BOLD
        self.align(row, column, cols)

    def fit_widths(self, minimum: int = MIN_WIDTH) -> None:
        """Column widths fitted to their content (header included), within bounds; a wrapping column at most its
        wrap width."""
        for column, width in self.widths.items():
            widest = min(self.wraps.get(column, MAX_WIDTH), MAX_WIDTH)
            self.ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, minimum), widest)


def wrapped_lines(value: Value, wrap: int) -> int:
    """About how many lines a text takes in a column `wrap` characters wide, its indent and a character of padding
    taken off (a width counts digits; most letters are narrower)."""
    if not isinstance(value, str) or len(value) + TEXT_GAP + 1 <= wrap:
        return 1
    return max(len(textwrap.wrap(value, wrap - TEXT_GAP - 1, break_on_hyphens=False)), 1)


def two_line_width(text: str) -> int:
    """The width a heading needs on two lines, broken at the space that balances them best: `Oldest Unpaid
    Invoice` needs 13 (`Oldest Unpaid` / `Invoice`), not 21."""
    words = text.split()
    return min((max(len(" ".join(words[:i])), len(" ".join(words[i:]))) for i in range(1, len(words))),
               default=len(text))


def display_width(value: Value, kind: str) -> int:
    """About how many characters a value takes once formatted."""
    if value is None:
        return 0
    if kind == "money" and isinstance(value, Decimal | int):
        return len(f"{value:,.2f}") + 1  # the currency symbol; a minus sign is counted in the digits
    if isinstance(value, date):
        return 10
    if isinstance(value, Decimal | int):
        return len(f"{value:,}")
    return max((len(part) for part in str(value).splitlines()), default=0) + (TEXT_GAP if kind == "text" else 0)


def print_setup(ws: Worksheet, locale: str, title_rows: str | None = None, freeze: str | None = None) -> None:
    """Landscape, one page wide (as many pages tall as it takes), header rows repeated, headers frozen."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = paper_size(ws, locale)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&A, page &P of &N"
    if title_rows:
        ws.print_title_rows = title_rows
    if freeze:
        ws.freeze_panes = freeze
