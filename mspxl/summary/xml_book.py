"""The summary's laid-out sheets written as SpreadsheetML text (mspxl.writers.newbook): each table column's cell
maker and cell format chosen once, text as shared strings (always text, never a formula), numbers exact; the charts
as DrawingML (mspxl.summary.chart_xml)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from mspxl.summary.cells import TABLE_STYLE, Look, Page, SheetWriter, Value, column_letter
from mspxl.summary.chart_xml import chart_xml, drawing_xml
from mspxl.writers.newbook import HYPERLINK_REL, NewWorkbook, StyleSheet, escape
from mspxl.writers.ooxml import MAIN, REL_NS, _number, _xml_text, column_index
from mspxl.writers.theme import THEME_XML

Maker = Callable[[str, Value], str]  # (row number as text, value) -> the cell's XML
_EPOCH = date(1899, 12, 30).toordinal()


def style_index(styles: StyleSheet, look: Look) -> int:
    font = ""
    if look.font is not None:
        f = look.font
        font = "".join(("<b val=\"1\"/>" if f.bold else "", "<i val=\"1\"/>" if f.italic else "",
                        f'<u val="{f.underline}"/>' if f.underline else "", f'<sz val="{f.size or 11:g}"/>',
                        f'<color rgb="FF{f.color}"/>' if f.color else '<color theme="1"/>',
                        '<name val="Calibri"/><family val="2"/>'))
    alignment = ""
    if look.align is not None:
        a = look.align
        alignment = " ".join(part for part in (
            f'horizontal="{a.horizontal}"' if a.horizontal else "", f'vertical="{a.vertical}"' if a.vertical else "",
            'wrapText="1"' if a.wrap else "", f'indent="{a.indent}"' if a.indent else "") if part)
    return styles.xf(look.number_format, font, look.fill or "", alignment)


def serial(day: date) -> str:
    """Excel's serial number of a date (a date and time: with the time as a fraction of a day)."""
    if isinstance(day, datetime):
        seconds = day.hour * 3600 + day.minute * 60 + day.second + Decimal(day.microsecond) / 1_000_000
        return _number(day.toordinal() - _EPOCH + seconds / 86400)
    return str(day.toordinal() - _EPOCH)


def cell_maker(letter: str, style: int, index: Callable[[str], int]) -> Maker:
    """How a cell of column `letter` in format `style` is written, whatever its value's type."""
    s = f' s="{style}"' if style else ""
    head = f'<c r="{letter}'
    number, text, empty = f'"{s}><v>', f'"{s} t="s"><v>', f'"{s}/>' if s else ""

    def make(r: str, v: Value) -> str:
        kind = type(v)
        if kind is Decimal:
            digits = str(v)
            if "E" in digits:
                digits = _number(v)  # type: ignore[arg-type]
            return f"{head}{r}{number}{digits}</v></c>"
        if kind is str and v:
            return f"{head}{r}{text}{index(v)}</v></c>"  # type: ignore[arg-type]
        if v is None or v == "":  # an empty text is an empty cell
            return f"{head}{r}{empty}" if s else ""
        if kind is int:
            return f"{head}{r}{number}{v}</v></c>"
        if kind is bool:
            return f'{head}{r}"{s} t="b"><v>{int(v)}</v></c>'  # type: ignore[arg-type]
        if isinstance(v, date):
            return f"{head}{r}{number}{serial(v)}</v></c>"
        if isinstance(v, int | Decimal):
            return f"{head}{r}{number}{_number(v)}</v></c>"
        return f"{head}{r}{text}{index(str(v))}</v></c>"

    return make


class SheetXml:
    """One laid-out sheet as text."""

    def __init__(self, book: NewWorkbook, w: SheetWriter) -> None:
        self.book, self.w = book, w
        self._makers: dict[tuple[int, Look], Maker] = {}

    def maker(self, column: int, look: Look) -> Maker:
        key = (column, look)
        if key not in self._makers:
            self._makers[key] = cell_maker(column_letter(column), style_index(self.book.styles, look),
                                           self.book.strings.index)
        return self._makers[key]

    def rows(self) -> tuple[str, int, int]:
        """The <sheetData> rows, the last row and the last column."""
        w = self.w
        scattered: dict[int, dict[int, tuple[Value, Look]]] = {}
        for (r, c), cell in w.cells.items():
            scattered.setdefault(r, {})[c] = cell
        special = {r for r, _ in w.overlay} | set(scattered)  # rows of a table with a cell of their own
        made: list[tuple[int, str]] = []
        for block in w.blocks:
            numbers = [str(r) for r in range(block.row, block.row + len(block.values))]
            columns = [self.column(c, look, values, numbers) for c, (look, values) in
                       enumerate(zip(block.looks, zip(*block.values, strict=True), strict=True), start=block.column)]
            for r, cells in zip(range(block.row, block.row + len(numbers)), zip(*columns, strict=True), strict=True):
                if r not in special:
                    made.append((r, self.row_xml(r, "".join(cells))))
                    continue
                own = scattered.pop(r, {})
                row_cells = {c: (value, w.overlay.get((r, c), look)) for c, (value, look) in
                             enumerate(zip(block.values[r - block.row], block.looks, strict=True), start=block.column)}
                row_cells.update(own)
                made.append((r, self.cells_xml(r, row_cells)))
        made.extend((r, self.cells_xml(r, cells)) for r, cells in scattered.items())
        made.extend((r, self.row_xml(r, "")) for r in set(w.heights) - {r for r, _ in made})  # tall, and empty
        made.sort(key=lambda item: item[0])
        last_row = max([r for r, _ in made] or [1])
        return "".join(text for _, text in made), last_row, w.max_column()

    def cells_xml(self, r: int, cells: dict[int, tuple[Value, Look]]) -> str:
        number = str(r)
        return self.row_xml(r, "".join(self.maker(c, look)(number, value)
                                       for c, (value, look) in sorted(cells.items())))

    def column(self, c: int, look: Look, values: Sequence[Value], numbers: list[str]) -> list[str]:
        """The cells of a table column, as many as `numbers` (the rows), all in one format: one pass over values
        of one type (text, amount, whole number or date, blanks among them); any other column cell by cell."""
        kinds = set(map(type, values))
        kinds.discard(type(None))
        kind = kinds.pop() if len(kinds) == 1 else None
        if kind is None or (kind is str and "" in values):
            make = self.maker(c, look)
            return [make(n, v) for n, v in zip(numbers, values, strict=True)]
        style = style_index(self.book.styles, look)
        s = f' s="{style}"' if style else ""
        head, value_at, empty = f'<c r="{column_letter(c)}', f'"{s}><v>', f'"{s}/>'
        if kind is str:
            index = self.book.strings.setdefault
            value_at = f'"{s} t="s"><v>'
            texts = [None if v is None else index(v, len(self.book.strings)) for v in values]
        elif kind is Decimal or kind is int:
            texts = [None if v is None else str(v) for v in values]
            if "E" in "".join(filter(None, texts)):  # an exponent: written out in full
                texts = [None if v is None else _number(v) for v in values]  # type: ignore[arg-type]
        elif kind is date:
            texts = [None if v is None else v.toordinal() - _EPOCH for v in values]  # type: ignore[union-attr]
        else:
            make = self.maker(c, look)
            return [make(n, v) for n, v in zip(numbers, values, strict=True)]
        return [f"{head}{n}{empty}" if t is None else f"{head}{n}{value_at}{t}</v></c>"
                for n, t in zip(numbers, texts, strict=True)]

    def row_xml(self, r: int, cells: str) -> str:
        height = self.w.heights.get(r)
        if height:
            return f'<row r="{r}" ht="{height:g}" customHeight="1">{cells}</row>'
        return f'<row r="{r}">{cells}</row>'

    def xml(self, part: str, first: bool) -> str:
        w = self.w
        data, last_row, last_col = self.rows()
        cols = "".join(f'<col min="{c}" max="{c}" width="{width:g}" customWidth="1"/>'
                       for c, width in sorted(w.column_widths.items()))
        links = "".join(f'<hyperlink ref="{column_letter(c)}{r}" '
                        f'r:id="{self.book.relate(part, HYPERLINK_REL, target, external=True)}"/>'
                        for (r, c), target in sorted(w.links.items()))
        drawing = ""
        if w.charts:
            charts = [chart_xml(chart) for chart, _ in w.charts]
            drawing = f'<drawing r:id="{self.book.add_drawing(part, lambda: drawing_xml(w.charts), charts)}"/>'
        tables = [self.book.add_table(part, t.name, t.ref, t.headers, TABLE_STYLE) for t in w.tables]
        table_parts = "".join(f'<tablePart r:id="{rid}"/>' for rid in tables)
        page = w.page
        return "".join((
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{REL_NS}">',
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if page is not None else "",
            f'<dimension ref="A1:{column_letter(last_col)}{last_row}"/>',
            '<sheetViews><sheetView tabSelected="1" workbookViewId="0">' if first
            else '<sheetViews><sheetView workbookViewId="0">',
            pane(page.freeze if page is not None else None), "</sheetView></sheetViews>",
            '<sheetFormatPr defaultRowHeight="15"/>', f"<cols>{cols}</cols>" if cols else "",
            f"<sheetData>{data}</sheetData>", f"<hyperlinks>{links}</hyperlinks>" if links else "",
            page_xml(page) if page is not None else "", drawing,
            f'<tableParts count="{len(tables)}">{table_parts}</tableParts>' if tables else "", "</worksheet>"))


def pane(freeze: str | None) -> str:
    """The frozen pane above and left of `freeze` (e.g. "C2": two columns and a row), with the cursor there."""
    if not freeze or freeze == "A1":
        return '<selection activeCell="A1" sqref="A1"/>'
    letters = freeze.rstrip("0123456789")
    columns, rows = column_index(letters) - 1, int(freeze[len(letters):]) - 1
    where = "bottomRight" if columns and rows else "bottomLeft" if rows else "topRight"
    split = (f'xSplit="{columns}" ' if columns else "") + (f'ySplit="{rows}" ' if rows else "")
    return (f'<pane {split}topLeftCell="{freeze}" activePane="{where}" state="frozen"/>'
            f'<selection pane="{where}" activeCell="{freeze}" sqref="{freeze}"/>')


def page_xml(page: Page) -> str:
    left, right, top, bottom = page.margins
    return (f'<printOptions horizontalCentered="1"/><pageMargins left="{left}" right="{right}" top="{top}" '
            f'bottom="{bottom}" header="0.3" footer="0.3"/><pageSetup paperSize="{page.paper}" '
            f'orientation="{page.orientation}" fitToWidth="1" fitToHeight="0"/>'
            f"<headerFooter><oddFooter>{escape(_xml_text('&C' + page.footer))}</oddFooter></headerFooter>")


def write_sheets(sheets: list[SheetWriter], path: Path, title: str, creator: str) -> None:
    """The workbook of `sheets` saved at `path`, atomically."""
    book = NewWorkbook(theme=THEME_XML)
    for index, w in enumerate(sheets):
        page = w.page
        part = book.new_sheet(w.title, page.title_rows if page is not None else None)
        book.add_part(part, SheetXml(book, w).xml(part, first=index == 0))
    book.save(path, title, creator)
