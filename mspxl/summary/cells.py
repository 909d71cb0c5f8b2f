"""The summary's sheets as written, before any file format: typed values with their number formats and looks, text
that never becomes a formula, Excel tables, fitted column widths, row heights and print settings. A sheet is laid
out once here and then written as XML (`mspxl.summary.xml_book`, what `mspxl summary` saves); the tests write the
same layout into openpyxl cells as the reference the XML is held to."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from babel.numbers import get_currency_symbol

from mspxl.writers.ooxml import column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
INT_FORMAT = "#,##0"
QTY_FORMAT = "General"  # "#,##0.##" would show a whole quantity as "3."
PCT_FORMAT = "0.0%"
TABLE_STYLE = "TableStyleMedium2"
MIN_WIDTH, MAX_WIDTH = 8, 50
LINE_HEIGHT = 15  # points, one line of the default 11-point font
TEXT_GAP = 1  # text cells are indented one character, so a right-aligned amount never runs into the next text
PAPER_LETTER, PAPER_A4 = 1, 9
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # where str.splitlines breaks

Value = str | Decimal | int | date | None


class FontLook(NamedTuple):
    bold: bool = False
    italic: bool = False
    size: float | None = None  # None: the workbook's default (11)
    color: str | None = None  # RRGGBB
    underline: str | None = None


class Align(NamedTuple):
    horizontal: str | None = None
    vertical: str | None = None
    indent: int = 0
    wrap: bool = False


class Look(NamedTuple):
    """How a cell looks: number format, font, solid fill colour, alignment (None: the default)."""

    number_format: str = "General"
    font: FontLook | None = None
    fill: str | None = None
    align: Align | None = None


PLAIN = Look()
HEADER_FILL = "1F4E78"
HEADER_FONT = FontLook(bold=True, color="FFFFFF")
SECTION_FONT = FontLook(bold=True, size=12, color="1F4E78")
TITLE_FONT = FontLook(bold=True, size=16, color="1F4E78")
NOTE_FONT = FontLook(italic=True, color="595959")
LINK_FONT = FontLook(color="0563C1", underline="single")
BOLD = FontLook(bold=True)


class Col(NamedTuple):
    header: str
    kind: str  # text | money | date | int | qty | pct (a ratio, shown as a percentage, placed as text)
    wrap: int = 0  # a long text (a name, a note): the column is at most this wide and its cells wrap


class TableDef(NamedTuple):
    name: str
    ref: str
    headers: tuple[str, ...]


@dataclass
class Rows:
    """A table's data rows as given, each column with one look (a cell of `overlay` excepted)."""

    row: int  # the first data row
    column: int
    looks: list[Look]
    values: Sequence[Sequence[Value]]

    def holds(self, row: int, column: int) -> bool:
        return (self.row <= row < self.row + len(self.values)
                and self.column <= column < self.column + len(self.looks))


@dataclass(frozen=True)
class Page:
    """Landscape, one page wide (as many pages tall as it takes), header rows repeated, headers frozen."""

    paper: int
    title_rows: str | None = None  # "1:1"
    freeze: str | None = None  # the first cell that scrolls: "C2"
    orientation: str = "landscape"
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.5, 0.5)  # left, right, top, bottom (inches)
    footer: str = "&A, page &P of &N"  # centred


def money_format(currency: str, locale: str) -> str:
    """The currency's symbol, thousands separators and cents; negatives with a minus sign."""
    symbol = get_currency_symbol(currency, locale=locale)
    return f'"{symbol}"#,##0.00;-"{symbol}"#,##0.00'


def paper_size(locale: str) -> int:
    """Letter for the United States and Canada, A4 elsewhere."""
    return PAPER_LETTER if locale.replace("-", "_").split("_")[-1] in ("US", "CA") else PAPER_A4


def kind_format(kind: str, money: str) -> str | None:
    """The number format a kind of value gets (None: the cell's own, for text)."""
    return {"money": money, "date": DATE_FORMAT, "int": INT_FORMAT, "qty": QTY_FORMAT, "pct": PCT_FORMAT}.get(kind)


@dataclass
class SheetWriter:
    """One worksheet laid out: scattered cells, tables of rows, and how wide each column's content is."""

    title: str
    money: str
    cells: dict[tuple[int, int], tuple[Value, Look]] = field(default_factory=dict)
    blocks: list[Rows] = field(default_factory=list)
    overlay: dict[tuple[int, int], Look] = field(default_factory=dict)  # looks of single cells inside `blocks`
    heights: dict[int, float] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)  # content widths, as fitted
    wraps: dict[int, int] = field(default_factory=dict)
    column_widths: dict[int, float] = field(default_factory=dict)
    tables: list[TableDef] = field(default_factory=list)
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    page: Page | None = None
    charts: list[tuple[Any, str]] = field(default_factory=list)  # (mspxl.summary.charts.Chart, anchor cell)

    def put(self, row: int, column: int, value: Value, kind: str = "text", fit: bool = True) -> None:
        """Write one value with its kind's number format. Text stays text: a string starting with = + - @ tab or
        CR is written as a string, never as a formula."""
        look = self.look_at(row, column)
        code = kind_format(kind, self.money)
        if code is not None:
            look = look._replace(number_format=code)
        self.cells[row, column] = (value, look)
        if fit:
            self.widths[column] = max(self.widths.get(column, 0), display_width(value, kind))

    def block_at(self, row: int, column: int) -> Rows | None:
        return next((b for b in self.blocks if b.holds(row, column)), None)

    def look_at(self, row: int, column: int) -> Look:
        if (row, column) in self.cells:
            return self.cells[row, column][1]
        if (row, column) in self.overlay:
            return self.overlay[row, column]
        block = self.block_at(row, column)
        return block.looks[column - block.column] if block is not None else PLAIN

    def restyle(self, row: int, column: int, **changes: Any) -> None:
        """Change a cell's look (font, fill, alignment, number format), its value kept."""
        look = self.look_at(row, column)._replace(**changes)
        if (row, column) not in self.cells and self.block_at(row, column) is not None:
            self.overlay[row, column] = look
        else:
            self.cells[row, column] = (self.cells.get((row, column), (None, PLAIN))[0], look)

    def link(self, row: int, column: int, target: str) -> None:
        """The cell links to `target` (a relative path or URL), shown as a link."""
        self.links[row, column] = target
        self.restyle(row, column, font=LINK_FONT)

    def header(self, row: int, column: int, names: Sequence[str], wrapped: bool = False) -> None:
        """Column headings; `wrapped` headings (a sheet's first row, two lines high) need only be half as wide."""
        look = Look(font=HEADER_FONT, fill=HEADER_FILL, align=Align("center", "center", wrap=wrapped))
        for offset, name in enumerate(names):
            self.cells[row, column + offset] = (name, look)
            width = two_line_width(name) if wrapped else display_width(name, "text")
            self.widths[column + offset] = max(self.widths.get(column + offset, 0), width)

    def row_looks(self, cols: Sequence[Col], font: FontLook | None = None) -> list[Look]:
        """Each column's look in a table's rows: its number format; text indented (and wrapped in a column that
        wraps); every cell at the top of a row wrapped text makes taller."""
        tall = any(col.wrap for col in cols)
        looks = []
        for col in cols:
            if col.kind in ("text", "pct"):
                align: Align | None = Align("left", "top" if tall else None, TEXT_GAP, bool(col.wrap))
            else:
                align = Align(vertical="top") if tall else None
            looks.append(Look(kind_format(col.kind, self.money) or "General", font, None, align))
        return looks

    def table(
        self, name: str, row: int, column: int, cols: Sequence[Col], rows: Sequence[Sequence[Value]]
    ) -> tuple[int, int]:
        """A header and rows; an Excel table named `name` when there are rows. Returns (first, last) data rows
        (last < first when there are none)."""
        self.header(row, column, [c.header for c in cols], wrapped=row == 1)
        for c, col in enumerate(cols, start=column):
            if col.wrap:
                self.wraps[c] = col.wrap
        last = row + len(rows)
        if not rows:
            return row + 1, last
        for values in rows:
            if len(values) != len(cols):
                raise ValueError(f"{name}: {len(values)} values for {len(cols)} columns")
        self.blocks.append(Rows(row + 1, column, self.row_looks(cols), rows))
        for c, (col, values) in enumerate(zip(cols, zip(*rows, strict=True), strict=True), start=column):
            self.widths[c] = max(self.widths.get(c, 0), column_width(values, col.kind))
            if col.wrap:
                for r, value in enumerate(values, start=row + 1):
                    lines = wrapped_lines(value, col.wrap)
                    if lines > 1:  # set, not left to the spreadsheet: LibreOffice may keep a wrapped row one line
                        self.heights[r] = max(self.heights.get(r, 0), LINE_HEIGHT * lines)
        ref = f"{column_letter(column)}{row}:{column_letter(column + len(cols) - 1)}{last}"
        self.tables.append(TableDef(name, ref, tuple(c.header for c in cols)))
        return row + 1, last

    def totals_row(self, row: int, column: int, cols: Sequence[Col], values: Sequence[Value]) -> None:
        for c, (col, value, look) in enumerate(zip(cols, values, self.row_looks(cols, BOLD), strict=True),
                                               start=column):
            self.cells[row, c] = (value, look)
            self.widths[c] = max(self.widths.get(c, 0), display_width(value, col.kind))

    def fit_widths(self, minimum: int = MIN_WIDTH) -> None:
        """Column widths fitted to their content (header included), within bounds; a wrapping column at most its
        wrap width."""
        for column, width in self.widths.items():
            widest = min(self.wraps.get(column, MAX_WIDTH), MAX_WIDTH)
            self.column_widths[column] = min(max(width + 2, minimum), widest)

    def max_column(self) -> int:
        return max([c for _, c in self.cells] + [b.column + len(b.looks) - 1 for b in self.blocks] or [1])

    def print_setup(self, locale: str, title_rows: str | None = None, freeze: str | None = None) -> None:
        self.page = Page(paper_size(locale), title_rows, freeze)


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


def column_width(values: Sequence[Value], kind: str) -> int:
    """The widest of a column's values (`display_width`), working out only the candidates where the column holds
    one type: of amounts and whole numbers the largest and the smallest (a width grows with the digits), of
    one-line texts the longest, of dates any."""
    present = [v for v in values if v is not None]
    kinds = set(map(type, present))
    if not present:
        return 0
    if kinds <= {Decimal, int} and (kind == "money" or kinds == {int}):
        return max(display_width(max(present), kind), display_width(min(present), kind))  # type: ignore[type-var]
    if kinds == {str} and not _LINE_BREAK.search("\0".join(present)):  # type: ignore[arg-type]
        return display_width(max(present, key=len), kind)  # type: ignore[arg-type]
    if kinds == {date}:
        return display_width(present[0], kind)
    return max(display_width(v, kind) for v in present)  # a quantity's or ratio's width depends on its decimals
