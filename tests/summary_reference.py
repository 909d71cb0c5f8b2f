"""The summary's laid-out sheets (`mspxl.summary.workbook.summary_sheets`) written into openpyxl cells and charts: the
reference the XML the command saves (`mspxl.summary.xml_book`) is held to, cell by cell and chart by chart, and an
in-memory summary workbook for tests that read it."""

from __future__ import annotations

from functools import cache

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel, StrRef
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from mspxl.summary.cells import FORMULA_STARTS, TABLE_STYLE, Align, FontLook, Look, SheetWriter, Value, column_letter
from mspxl.summary.charts import Chart
from mspxl.summary.model import MonthlySummary
from mspxl.summary.workbook import document_title, summary_sheets


@cache
def _font(look: FontLook) -> Font:
    return Font(bold=look.bold or None, italic=look.italic or None, size=look.size, color=look.color,
                underline=look.underline)


@cache
def _alignment(look: Align) -> Alignment:
    return Alignment(horizontal=look.horizontal, vertical=look.vertical, indent=look.indent,
                     wrap_text=look.wrap or None)


def _put(ws: Worksheet, row: int, column: int, value: Value, look: Look) -> None:
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
    if look.number_format != "General":
        cell.number_format = look.number_format
    if look.font is not None:
        cell.font = _font(look.font)
    if look.fill is not None:
        cell.fill = PatternFill("solid", fgColor=look.fill)
    if look.align is not None:
        cell.alignment = _alignment(look.align)


def write_sheet(ws: Worksheet, w: SheetWriter) -> None:
    ws.title = w.title
    for block in w.blocks:
        for r, values in enumerate(block.values, start=block.row):
            for c, (value, look) in enumerate(zip(values, block.looks, strict=True), start=block.column):
                _put(ws, r, c, value, w.overlay.get((r, c), look))
    for (r, c), (value, look) in w.cells.items():
        _put(ws, r, c, value, look)
    for (r, c), target in w.links.items():
        ws.cell(row=r, column=c).hyperlink = target
    for r, height in w.heights.items():
        ws.row_dimensions[r].height = height
    for c, width in sorted(w.column_widths.items()):
        ws.column_dimensions[column_letter(c)].width = width
    for table in w.tables:
        made = Table(displayName=table.name, ref=table.ref)
        made.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
        ws.add_table(made)
    if w.page is not None:
        page = w.page
        ws.page_setup.orientation = page.orientation
        ws.page_setup.paperSize = page.paper
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        margins = ws.page_margins
        margins.left, margins.right, margins.top, margins.bottom = page.margins
        ws.oddFooter.center.text = page.footer
        if page.title_rows:
            ws.print_title_rows = page.title_rows
        if page.freeze:
            ws.freeze_panes = page.freeze
    for chart, anchor in w.charts:
        ws.add_chart(openpyxl_chart(chart), anchor)


def openpyxl_chart(spec: Chart) -> BarChart | LineChart:
    """The chart as openpyxl makes it."""
    chart = LineChart() if spec.kind == "line" else BarChart()
    chart.title = spec.title
    if isinstance(chart, BarChart):
        chart.type = spec.direction
        chart.grouping = spec.grouping
        if spec.overlap is not None:
            chart.overlap = spec.overlap
    for series in spec.series:
        chart.add_data(Reference(range_string=series.values))
        chart.series[-1].tx = SeriesLabel(strRef=StrRef(series.title))
        if spec.kind == "line":
            chart.series[-1].smooth = False
    chart.set_categories(Reference(range_string=spec.categories))
    if spec.labels:
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        chart.dataLabels.showSerName = chart.dataLabels.showCatName = False
        chart.dataLabels.showLegendKey = chart.dataLabels.showPercent = False
    if spec.legend is None:
        chart.legend = None
    else:
        chart.legend.position = spec.legend
    if spec.reversed:
        chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if spec.axis_format is not None:
        chart.y_axis.numFmt = spec.axis_format
    chart.width, chart.height = spec.width, spec.height
    return chart


def openpyxl_workbook(sheets: list[SheetWriter], title: str, creator: str) -> Workbook:
    wb = Workbook()
    for index, w in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet(w.title)
        assert ws is not None
        write_sheet(ws, w)
    wb.active = 0
    wb.properties.title = title
    wb.properties.creator = creator
    return wb


def summary_workbook(summary: MonthlySummary) -> Workbook:
    """The summary as an openpyxl workbook in memory, laid out as `mspxl summary` writes it."""
    return openpyxl_workbook(summary_sheets(summary), document_title(summary), summary.settings.company_name)
