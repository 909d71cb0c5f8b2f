"""The summary's Margin sheet: revenue, cost, margin and margin % of the month's managed services per client and per
service (mspxl.summary.margin), the clients below Settings `Margin Floor` flagged, and a chart of each client's
revenue against its cost."""

from __future__ import annotations

from mspxl.money import ZERO
from mspxl.summary.cells import Col, SheetWriter, Value, column_letter
from mspxl.summary.chart_data import CHARTED, chart_data, others_label
from mspxl.summary.charts import MARGIN_BAR_CM, chart_height, margin_chart
from mspxl.summary.margin import MarginReport, MarginRow
from mspxl.summary.model import MonthlySummary
from mspxl.summary.sheets import Block, Sheets, section, writer

MARGIN = "Margin"
FLAG_FILL = "FCE4D6"
CLIENT_COLS = (Col("Client ID", "text"), Col("Client Name", "text"), Col("Revenue", "money"), Col("Cost", "money"),
               Col("Margin", "money"), Col("Margin %", "pct"), Col("Below Floor", "text"), Col("Note", "text"))
CHART_COLS = CLIENT_COLS[:5]  # the chart's data: Client ID, Client Name, Revenue, Cost, Margin
CHART_COLUMN, CHART_ROW = 10, 5  # J5: below the frozen rows 1 to 4
SERVICE_COLS = (Col("Service Code", "text"), Col("Name", "text"), Col("Revenue", "money"), Col("Cost", "money"),
                Col("Margin", "money"), Col("Margin %", "pct"), Col("Note", "text"))


def note(row: MarginRow) -> str | None:
    return f"no Unit Cost: {', '.join(row.costless)}" if row.costless else None


def write_margin(wb: Sheets, s: MonthlySummary) -> Block | None:
    """The Margin sheet and its chart; None (no sheet) when the summary has no margin report."""
    report: MarginReport | None = s.margin
    if report is None:
        return None
    w = writer(wb, MARGIN, s)
    floor = f"{report.floor:.0%}" if report.floor is not None else "none set"
    w.put(1, 1, f"Margin on managed services, {s.period}: invoices before tax against Unit Cost (Services, or "
                f"Subscriptions where set); work, fees and credit notes are left out. Margin Floor: {floor}.",
          fit=False)
    section(w, 3, "By client")
    rows: list[list[Value]] = [[r.key, r.name, r.revenue, r.cost, r.margin, r.margin_pct,
                                "below floor" if r.below_floor else None, note(r)] for r in report.by_client]
    first, last = w.table("MarginByClient", 4, 1, CLIENT_COLS, rows)
    total = report.total
    w.totals_row(last + 1, 1, CLIENT_COLS, ["Total", f"{sum(r.below_floor for r in report.by_client)} below floor",
                                            total.revenue, total.cost, total.margin, total.margin_pct, None, None])
    for number, row in enumerate(report.by_client, start=first):
        if row.below_floor:
            for column in range(1, len(CLIENT_COLS) + 1):
                w.restyle(number, column, fill=FLAG_FILL)
    start = last + 4
    section(w, start - 1, "By service")
    service_rows: list[list[Value]] = [[r.key, r.name, r.revenue, r.cost, r.margin, r.margin_pct, note(r)]
                                       for r in report.by_service]
    _, service_last = w.table("MarginByService", start, 1, SERVICE_COLS, service_rows)
    w.fit_widths(minimum=10)
    w.print_setup(s.settings.locale, freeze="A5")
    if report.by_client:
        add_chart(w, report, s.settings.locale)
    return Block(MARGIN, first, last)


def largest_revenue(rows: tuple[MarginRow, ...], limit: int = CHARTED) -> tuple[list[MarginRow], MarginRow | None]:
    """The `limit` clients with the most revenue (ties by Client ID), largest first, and, when there are more
    clients, all the others' revenue and cost summed."""
    ordered = sorted(rows, key=lambda r: (-r.revenue, r.key))
    charted, rest = ordered[:limit], ordered[limit:]
    if not rest:
        return charted, None
    return charted, MarginRow("", "", sum((r.revenue for r in rest), ZERO), sum((r.cost for r in rest), ZERO))


def add_chart(w: SheetWriter, report: MarginReport, locale: str) -> None:
    """The chart of revenue against cost at J5 and, under it, the headed block of its figures, which it plots; the
    others' row is in the block but not in the chart (see mspxl.summary.chart_data)."""
    charted, others = largest_revenue(report.by_client)
    rows: list[list[Value]] = [[r.key, r.name, r.revenue, r.cost, r.margin] for r in charted]
    others_row: list[Value] | None = None
    if others is None:
        title, heading = "Revenue and cost by client", "Chart data: each client's revenue and cost, largest first"
    else:
        label = others_label(len(report.by_client) - len(charted), locale)
        others_row = [None, label, others.revenue, others.cost, others.margin]
        title = f"Revenue and cost: the {len(charted)} largest clients"
        heading = (f"Chart data: the {len(charted)} clients with the most revenue (charted), then "
                   f"{label[0].lower()}{label[1:]} summed (not charted)")
    plotted = chart_data(w, (CHART_ROW, CHART_COLUMN), chart_height(len(rows), MARGIN_BAR_CM),
                         ("MarginChart", CHART_COLS), rows, others_row, heading)
    w.fit_widths(minimum=10)
    w.charts.append((margin_chart(plotted, w.money, title), f"{column_letter(CHART_COLUMN)}{CHART_ROW}"))


__all__ = ["MARGIN", "write_margin"]
