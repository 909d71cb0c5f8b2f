"""The Margin sheet's chart at any number of clients: revenue against cost of the 20 clients with the most revenue
(ties by Client ID), read from a headed block of cells under the chart that ends with all the other clients summed
(not charted); the By client table keeps every client. Figures computed by hand; the written .xlsx read back with
openpyxl and python-calamine, the chart's XML followed to the ranges it plots, and held to the openpyxl reference."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from bookdata import book_of
from python_calamine import CalamineWorkbook
from scenario import run_periods
from test_summary_aging_chart import EMU_PER_CM, NS, aging_chart, plotted, written
from test_summary_figures import summary_sheets
from test_summary_workbook import charts_of

from mspxl.summary import MonthlySummary, build_summary
from mspxl.summary.margin import MarginReport, MarginRow
from mspxl.summary.margin_sheet import largest_revenue

D = Decimal
# M01..M22: revenue 1,000 - 10 x i (990.00 .. 780.00), cost 3.25 x i; M23 revenue 800.00 (ties M20: M20 first by
# Client ID), cost 100.00; M24 revenue 5.00, cost 9.50 (a loss).
ROWS = (*(MarginRow(f"M{i:02d}", f"Client M{i:02d}", D(1000 - 10 * i).quantize(D("0.01")), D("3.25") * i)
          for i in range(1, 23)),
        MarginRow("M23", "Client M23", D("800.00"), D("100.00")), MarginRow("M24", "Client M24", D("5.00"), D("9.50")))
CHARTED = [f"M{i:02d}" for i in range(1, 21)]
# The others: M21 790.00 + M22 780.00 + M23 800.00 + M24 5.00 = 2,375.00 revenue;
#   3.25 x 21 + 3.25 x 22 + 100.00 + 9.50 = 68.25 + 71.50 + 109.50 = 249.25 cost; margin 2,125.75
OTHERS = (D("2375.00"), D("249.25"), D("2125.75"))


@pytest.fixture(scope="module")
def november() -> MonthlySummary:
    book, _ = run_periods(book_of(summary_sheets()), "2026-10", "2026-11")
    return build_summary(book, "2026-11", date(2026, 12, 2))


def test_the_20_largest_by_revenue_and_the_others_summed() -> None:
    charted, others = largest_revenue(ROWS)
    assert [r.key for r in charted] == CHARTED
    assert others is not None and (others.revenue, others.cost, others.margin) == OTHERS
    few, none = largest_revenue(ROWS[:3])
    assert [r.key for r in few] == ["M01", "M02", "M03"] and none is None


def test_a_capped_margin_chart_reads_its_block(november: MonthlySummary, tmp_path: Path) -> None:
    path = written(replace(november, margin=MarginReport(D("0.20"), ROWS, ())), tmp_path)
    ws = openpyxl.load_workbook(path)["Margin"]
    assert [ws.cell(r, 1).value for r in range(5, 29)] == [r.key for r in ROWS]  # every client, in order given
    # The chart at J5: 20 pairs of bars, 1.0 + 0.5 x 20 = 11.0 cm = 311.8 pt, and a row of space: 326.8 pt; rows 5
    # to 26 (15 pt each) reach 330 pt: the block's heading is in row 27, its header in row 28, its rows 29 to 49.
    assert ws["J27"].value == ("Chart data: the 20 clients with the most revenue (charted), then all other 4 "
                               "clients summed (not charted)")
    assert [c.value for c in ws[28][9:14]] == ["Client ID", "Client Name", "Revenue", "Cost", "Margin"]
    assert ws.tables["MarginChart"].ref == "J28:N49"
    block = [[c.value for c in r] for r in ws.iter_rows(min_row=29, max_row=49, min_col=10, max_col=14)]
    assert [r[0] for r in block[:20]] == CHARTED
    assert block[0] == ["M01", "Client M01", D("990"), D("3.25"), D("986.75")]
    assert block[20][:2] == [None, "All other 4 clients"]
    assert tuple(D(str(v)).quantize(D("0.01")) for v in block[20][2:]) == OTHERS
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Margin").to_python(skip_empty_area=False)
    assert calamine[48][9:14] == ["", "All other 4 clients", 2375.0, 249.25, 2125.75]

    anchor, chart = aging_chart(path, "Margin")
    assert (anchor.findtext("xdr:from/xdr:col", namespaces=NS), anchor.findtext("xdr:from/xdr:row", namespaces=NS),
            anchor.find("xdr:ext", NS).get("cy")) == ("9", "4", str(int(11.0 * EMU_PER_CM)))
    title, names, categories, values = plotted(chart)
    assert title == "Revenue and cost: the 20 largest clients"
    assert names == ["'Margin'!L28", "'Margin'!M28"]
    assert categories == ["'Margin'!$K$29:$K$48"] * 2  # the others' row (49) is in the block, not in the chart
    assert values == ["'Margin'!$L$29:$L$48", "'Margin'!$M$29:$M$48"]
    assert charts_of(path) == charts_of(tmp_path / "reference.xlsx")


def test_twenty_clients_or_fewer_are_each_charted(november: MonthlySummary, tmp_path: Path) -> None:
    path = written(replace(november, margin=MarginReport(None, ROWS[21:], ())), tmp_path)
    ws = openpyxl.load_workbook(path)["Margin"]
    # 7.5 cm (the least height) = 212.6 pt and a row of space, 227.6 pt, from row 5: rows 5 to 20 reach 240 pt
    assert ws["J21"].value == "Chart data: each client's revenue and cost, largest first"
    assert [ws.cell(r, 10).value for r in range(23, 26)] == ["M23", "M22", "M24"]
    assert ws.cell(26, 10).value is None
    _, chart = aging_chart(path, "Margin")
    title, _, categories, _ = plotted(chart)
    assert (title, categories[0]) == ("Revenue and cost by client", "'Margin'!$K$23:$K$25")
