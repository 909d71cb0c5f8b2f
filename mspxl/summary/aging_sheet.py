"""The summary's Aging sheet: every client's open amounts by days past due, with their totals, and a stacked bar
chart that stays readable however many clients there are. The chart shows the clients with the largest balances
(at most `CHARTED`, largest total first, ties by Client ID); its figures are a small table under the chart
("Chart data"), which the chart reads, and which ends, when there are more clients, with all the others summed
bucket by bucket (a row the chart leaves out)."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from mspxl.collections.aging import aging_totals
from mspxl.collections.model import AgingRow
from mspxl.summary.cells import Col, SheetWriter, Value, column_letter
from mspxl.summary.chart_data import CHARTED, chart_data, others_label
from mspxl.summary.charts import aging_chart, chart_height
from mspxl.summary.model import MonthlySummary
from mspxl.summary.sheets import AGING, NAME_WIDTH, Block, Sheets, finish, writer

CHART_COLUMN, CHART_ROW = 11, 2  # K2: below the heading row (frozen, and repeated on every printed page)
CHART_ANCHOR = f"{column_letter(CHART_COLUMN)}{CHART_ROW}"

AGING_COLS = (
    Col("Client ID", "text"), Col("Client Name", "text", NAME_WIDTH), Col("Current", "money"), Col("1-30", "money"),
    Col("31-60", "money"), Col("61-90", "money"), Col("Over 90", "money"), Col("Total", "money"),
    Col("As Of", "date"),
)
CHART_COLS = AGING_COLS[:-1]  # the chart's data: the table's columns but As Of


def largest_balances(rows: Sequence[AgingRow], totals: AgingRow,
                     limit: int = CHARTED) -> tuple[list[AgingRow], AgingRow | None]:
    """The `limit` clients with the largest total open (ties by Client ID), largest first, and, when there are more
    clients, what all the others owe bucket by bucket: `totals` less the charted clients, to the cent."""
    if len(rows) <= limit:
        return sorted(rows, key=_largest_first), None
    charted = heapq.nsmallest(limit, rows, key=_largest_first)
    shown = aging_totals(charted)
    return charted, AgingRow(
        "", "", totals.current - shown.current, totals.days_1_30 - shown.days_1_30,
        totals.days_31_60 - shown.days_31_60, totals.days_61_90 - shown.days_61_90, totals.over_90 - shown.over_90,
        totals.total - shown.total)


def _largest_first(row: AgingRow) -> tuple[object, ...]:
    return (-row.total, row.client_id)


def amounts(row: AgingRow) -> list[Value]:
    return [row.current, row.days_1_30, row.days_31_60, row.days_61_90, row.over_90, row.total]


def write_aging(wb: Sheets, s: MonthlySummary) -> Block:
    """The Aging table (every client, in Clients order) and its totals; the chart at K2 with its data under it."""
    w = writer(wb, AGING, s)
    rows: list[list[Value]] = [
        [a.client_id, a.client_name, a.current, a.days_1_30, a.days_31_60, a.days_61_90, a.over_90, a.total,
         s.as_of]
        for a in s.aging
    ]
    first, last = w.table("Aging", 1, 1, AGING_COLS, rows)
    totals = aging_totals(s.aging)
    w.totals_row(last + 1, 1, AGING_COLS, ["Total", "", *amounts(totals), None])
    finish(w, s)
    if s.aging:
        add_chart(w, s, totals)
    return Block(AGING, first, last)


def add_chart(w: SheetWriter, s: MonthlySummary, totals: AgingRow) -> None:
    """The chart at K2 and, under it, the headed block of its figures (an Excel table), which it plots. The row of
    all the other clients summed is in the block but not in the chart: at 2,000 clients it is hundreds of times the
    largest client's balance and would flatten every bar beside it."""
    charted, others = largest_balances(s.aging, totals)
    rows: list[list[Value]] = [[a.client_id, a.client_name, *amounts(a)] for a in charted]
    others_row: list[Value] | None = None
    if others is None:
        title, heading = "Aging by client", "Chart data: each client's open amounts, largest balance first"
    else:
        label = others_label(len(s.aging) - len(charted), s.settings.locale)
        others_row = [None, label, *amounts(others)]
        title = f"Aging: the {len(charted)} largest balances"
        heading = (f"Chart data: the {len(charted)} largest balances (charted), then {label[0].lower()}{label[1:]} "
                   "summed (not charted)")
    plotted = chart_data(w, (CHART_ROW, CHART_COLUMN), chart_height(len(rows)), ("AgingChart", CHART_COLS), rows,
                         others_row, heading)
    w.fit_widths()
    w.charts.append((aging_chart(plotted, w.money, title), CHART_ANCHOR))


__all__ = ["AGING_COLS", "CHARTED", "largest_balances", "others_label", "write_aging"]
