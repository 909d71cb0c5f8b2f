"""Write a MonthlySummary as a new .xlsx workbook (never the accountant's own)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook

from mspxl.summary import sheets
from mspxl.summary.cells import money_format
from mspxl.summary.charts import add_charts
from mspxl.summary.margin_sheet import write_margin
from mspxl.summary.model import MonthlySummary


def summary_workbook(summary: MonthlySummary) -> Workbook:
    """The summary's sheets, tables and charts, in a new workbook."""
    wb = Workbook()
    states = sheets.write_overview(wb, summary)
    sheets.write_by_client(wb, summary)
    service = sheets.write_by_service(wb, summary)
    sheets.write_invoices(wb, summary)
    sheets.write_collections(wb, summary)
    aging = sheets.write_aging(wb, summary)
    trend = sheets.write_trend(wb, summary)
    write_margin(wb, summary)
    fmt = money_format(summary.settings.currency, summary.settings.locale)
    add_charts(wb, {"states": states, "service": service, "aging": aging, "trend": trend}, fmt)
    wb.active = 0
    props = wb.properties
    props.title = f"Monthly summary {summary.period}"
    props.creator = summary.settings.company_name
    return wb


def write_summary(summary: MonthlySummary, path: Path) -> Path:
    """Save the summary workbook at `path`, atomically (a half-written file never replaces a good one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = summary_workbook(summary)
    handle, temporary = tempfile.mkstemp(prefix=".summary-", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        wb.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path
