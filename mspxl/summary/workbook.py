"""Write a MonthlySummary as a new .xlsx workbook (never the accountant's own): its sheets laid out once
(`summary_sheets`), then written as XML (`write_summary`, what the command saves)."""

from __future__ import annotations

from pathlib import Path

from mspxl.summary import sheets
from mspxl.summary.aging_sheet import write_aging
from mspxl.summary.cells import SheetWriter, money_format
from mspxl.summary.charts import add_charts
from mspxl.summary.margin_sheet import write_margin
from mspxl.summary.model import MonthlySummary


def summary_sheets(summary: MonthlySummary) -> list[SheetWriter]:
    """The summary's sheets, tables and charts, laid out."""
    wb: list[SheetWriter] = []
    states = sheets.write_overview(wb, summary)
    sheets.write_by_client(wb, summary)
    service = sheets.write_by_service(wb, summary)
    sheets.write_invoices(wb, summary)
    sheets.write_collections(wb, summary)
    write_aging(wb, summary)
    trend = sheets.write_trend(wb, summary)
    write_margin(wb, summary)
    fmt = money_format(summary.settings.currency, summary.settings.locale)
    add_charts(wb, {"states": states, "service": service, "trend": trend}, fmt)
    return wb


def document_title(summary: MonthlySummary) -> str:
    return f"Monthly summary {summary.period}"


def write_summary(summary: MonthlySummary, path: Path) -> Path:
    """Save the summary workbook at `path`, atomically (a half-written file never replaces a good one)."""
    from mspxl.summary.xml_book import write_sheets

    path = Path(path)
    write_sheets(summary_sheets(summary), path, document_title(summary), summary.settings.company_name)
    return path
