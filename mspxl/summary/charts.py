"""Native Excel charts of the summary (openpyxl.chart), drawn from the summary's own tables so they open in Excel
and LibreOffice Calc and follow any edit of the figures."""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.reference import DummyWorksheet

from mspxl.summary.cells import SheetWriter
from mspxl.summary.sheets import Block

WIDTH_CM, HEIGHT_CM = 16.0, 7.5


def axis_format(money_format: str) -> str:
    """The currency format without cents, for chart axes."""
    return money_format.replace(".00", "")


def _axes_shown(chart: BarChart | LineChart, money_format: str | None) -> None:
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if money_format is not None:
        chart.y_axis.numFmt = axis_format(money_format)
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM


def revenue_by_service_chart(block: Block, money_format: str) -> BarChart | None:
    """Bar chart: the period's amount per service (before tax)."""
    if block.last < block.first:
        return None
    ws = DummyWorksheet(block.sheet)
    chart = BarChart()
    chart.type = "col"
    chart.title = "Revenue by service"
    chart.add_data(Reference(ws, min_col=5, min_row=block.first - 1, max_row=block.last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=block.first, max_row=block.last))
    chart.legend = None
    _axes_shown(chart, money_format)
    return chart


def trend_chart(block: Block, money_format: str) -> LineChart:
    """Line chart: MRR and cash collected over the last 12 periods."""
    ws = DummyWorksheet(block.sheet)
    chart = LineChart()
    chart.title = "MRR and cash collected"
    for column in (3, 4):  # MRR, Collected
        chart.add_data(Reference(ws, min_col=column, min_row=block.first - 1, max_row=block.last),
                       titles_from_data=True)
    for series in chart.series:
        series.smooth = False
    chart.set_categories(Reference(ws, min_col=1, min_row=block.first, max_row=block.last))
    chart.legend.position = "b"
    _axes_shown(chart, money_format)
    return chart


def aging_chart(block: Block, money_format: str) -> BarChart | None:
    """Stacked bar chart: each client's open amounts by aging bucket."""
    if block.last < block.first:
        return None
    ws = DummyWorksheet(block.sheet)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Aging by client"
    chart.add_data(Reference(ws, min_col=3, max_col=7, min_row=block.first - 1, max_row=block.last),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=block.first, max_row=block.last))
    chart.legend.position = "b"
    chart.x_axis.scaling.orientation = "maxMin"  # first client on top, as in the table
    _axes_shown(chart, money_format)
    chart.height = max(HEIGHT_CM, 1.0 + 0.6 * (block.last - block.first + 1))
    return chart


def states_chart(block: Block) -> BarChart:
    """Bar chart: clients by collections state, every state shown even when no client is in it."""
    ws = DummyWorksheet(block.sheet)
    chart = BarChart()
    chart.type = "col"
    chart.title = "Clients by collections state"
    chart.add_data(Reference(ws, min_col=2, min_row=block.first - 1, max_row=block.last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=block.first, max_row=block.last))
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.dataLabels.showSerName = chart.dataLabels.showCatName = False
    chart.dataLabels.showLegendKey = chart.dataLabels.showPercent = False
    chart.legend = None
    _axes_shown(chart, None)
    chart.y_axis.numFmt = "0"
    return chart


def add_charts(wb: list[SheetWriter], blocks: dict[str, Block], money_format: str,
               anchor_column: str = "H") -> None:
    """The trend, revenue-by-service and clients-by-state charts on the Overview, beside its figures, one under
    the other; the aging chart on the Aging sheet, beside its table."""
    sheets = {w.title: w for w in wb}
    overview = sheets[blocks["states"].sheet]
    charts = [
        trend_chart(blocks["trend"], money_format),
        revenue_by_service_chart(blocks["service"], money_format),
        states_chart(blocks["states"]),
    ]
    row = 1
    for chart in charts:
        if chart is None:
            continue
        overview.charts.append((chart, f"{anchor_column}{row}"))
        row += 16
    aging = aging_chart(blocks["aging"], money_format)
    if aging is not None:
        sheets[blocks["aging"].sheet].charts.append((aging, "K1"))


def margin_chart(block: Block, money_format: str) -> BarChart | None:
    """Bars: each client's revenue and cost in the month, first client on top."""
    if block.last < block.first:
        return None
    ws = DummyWorksheet(block.sheet)
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Revenue and cost by client"
    chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=block.first - 1, max_row=block.last),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=block.first, max_row=block.last))
    chart.x_axis.scaling.orientation = "maxMin"
    chart.legend.position = "b"
    _axes_shown(chart, money_format)
    chart.height = max(HEIGHT_CM, 1.0 + 0.5 * (block.last - block.first + 1))
    return chart
