"""The summary's Margin sheet: revenue, cost, margin and margin % of the month's managed services per client and per
service (mspxl.summary.margin), the clients below Settings `Margin Floor` flagged, and a chart of each client's
revenue against its cost."""

from __future__ import annotations

from mspxl.summary.cells import Col, Value
from mspxl.summary.charts import margin_chart
from mspxl.summary.margin import MarginReport, MarginRow
from mspxl.summary.model import MonthlySummary
from mspxl.summary.sheets import Block, Sheets, section, writer

MARGIN = "Margin"
FLAG_FILL = "FCE4D6"
CLIENT_COLS = (Col("Client ID", "text"), Col("Client Name", "text"), Col("Revenue", "money"), Col("Cost", "money"),
               Col("Margin", "money"), Col("Margin %", "pct"), Col("Below Floor", "text"), Col("Note", "text"))
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
    block = Block(MARGIN, first, last)
    chart = margin_chart(block, w.money)
    if chart is not None:
        w.charts.append((chart, "J3"))
    return block


__all__ = ["MARGIN", "write_margin"]
