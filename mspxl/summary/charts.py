"""Native Excel charts of the summary, drawn from the summary's own tables so they open in Excel and LibreOffice
Calc and follow any edit of the figures. Each chart is described here once (`Chart`); `mspxl.summary.chart_xml`
writes it as DrawingML (the tests hold it to the same chart made by openpyxl)."""

from __future__ import annotations

from dataclasses import dataclass

from mspxl.summary.cells import SheetWriter
from mspxl.summary.sheets import Block
from mspxl.writers.ooxml import column_letter

WIDTH_CM, HEIGHT_CM = 16.0, 7.5


@dataclass(frozen=True)
class Series:
    title: str  # the cell holding the series' name: 'Trend'!C1
    values: str  # its values: 'Trend'!$C$2:$C$13


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" | "line"
    title: str
    categories: str  # the category labels' range
    series: tuple[Series, ...]
    direction: str = "col"  # a bar chart's bars: "col" upright, "bar" across
    grouping: str = "clustered"  # bars: "clustered" | "stacked"; lines: "standard"
    overlap: int | None = None
    legend: str | None = None  # the legend's position ("b": below), None: no legend
    axis_format: str | None = None  # the value axis' number format
    reversed: bool = False  # the categories top to bottom, as in the table
    labels: bool = False  # each bar's value shown on it
    width: float = WIDTH_CM
    height: float = HEIGHT_CM


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def column_range(sheet: str, column: int, first: int, last: int) -> str:
    """A column's rows `first` to `last` (one cell: that cell), as a chart refers to them."""
    letter = column_letter(column)
    cells = f"${letter}${first}" if first == last else f"${letter}${first}:${letter}${last}"
    return f"{quoted(sheet)}!{cells}"


def column_series(sheet: str, column: int, first: int, last: int) -> Series:
    """A table column's data rows `first` to `last`, named by the heading above them."""
    return Series(f"{quoted(sheet)}!{column_letter(column)}{first - 1}", column_range(sheet, column, first, last))


def categories(block: Block, column: int) -> str:
    return column_range(block.sheet, column, block.first, block.last)


def axis_format(money_format: str) -> str:
    """The currency format without cents, for chart axes."""
    return money_format.replace(".00", "")


def revenue_by_service_chart(block: Block, money_format: str) -> Chart | None:
    """Bar chart: the period's amount per service (before tax)."""
    if block.last < block.first:
        return None
    return Chart("bar", "Revenue by service", categories(block, 1),
                 (column_series(block.sheet, 5, block.first, block.last),), axis_format=axis_format(money_format))


def trend_chart(block: Block, money_format: str) -> Chart:
    """Line chart: MRR and cash collected over the last 12 periods."""
    mrr_and_collected = (3, 4)
    return Chart("line", "MRR and cash collected", categories(block, 1),
                 tuple(column_series(block.sheet, column, block.first, block.last) for column in mrr_and_collected),
                 grouping="standard", legend="b", axis_format=axis_format(money_format))


MARGIN_BAR_CM = 0.5  # a client's pair of bars on the Margin chart (Aging: 0.6 cm a stacked bar)


def chart_height(bars: int, per_bar: float = 0.6) -> float:
    """A bar chart's height (cm): `per_bar` cm a bar and 1 cm for the title and legend, at least the usual height."""
    return max(HEIGHT_CM, 1.0 + per_bar * bars)


def aging_chart(block: Block, money_format: str, title: str) -> Chart:
    """Stacked bar chart: open amounts by aging bucket, a bar for each row of `block` (Client ID, Client Name, then
    the buckets Current to Over 90), the first row on top."""
    name, buckets = block.column + 1, range(block.column + 2, block.column + 7)
    return Chart("bar", title, categories(block, name),
                 tuple(column_series(block.sheet, column, block.first, block.last) for column in buckets),
                 direction="bar", grouping="stacked", overlap=100, legend="b", axis_format=axis_format(money_format),
                 reversed=True, height=chart_height(block.last - block.first + 1))


def states_chart(block: Block) -> Chart:
    """Bar chart: clients by collections state, every state shown even when no client is in it."""
    return Chart("bar", "Clients by collections state", categories(block, 1),
                 (column_series(block.sheet, 2, block.first, block.last),), axis_format="0", labels=True)


def add_charts(wb: list[SheetWriter], blocks: dict[str, Block], money_format: str,
               anchor_column: str = "H") -> None:
    """The trend, revenue-by-service and clients-by-state charts on the Overview, beside its figures, one under
    the other (the Aging sheet and the Margin sheet place their own)."""
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


def margin_chart(block: Block, money_format: str, title: str) -> Chart:
    """Bars: revenue and cost in the month, a pair for each row of `block` (Client ID, Client Name, Revenue, Cost),
    the first row on top."""
    name, revenue, cost = block.column + 1, block.column + 2, block.column + 3
    return Chart("bar", title, categories(block, name),
                 tuple(column_series(block.sheet, column, block.first, block.last) for column in (revenue, cost)),
                 direction="bar", legend="b", axis_format=axis_format(money_format), reversed=True,
                 height=chart_height(block.last - block.first + 1, MARGIN_BAR_CM))
