"""The Aging sheet's chart at any number of clients: the 20 largest balances (ties by Client ID), read from a headed
block of cells under the chart that ends with all the other clients summed bucket by bucket (not charted); the table
keeps every client. Figures computed by hand; the written .xlsx read back with openpyxl and python-calamine, the
chart's XML followed from the sheet through its drawing to the ranges it plots, and held to the openpyxl-made
reference."""

from __future__ import annotations

import posixpath
import random
import re
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from bookdata import book_of
from lxml import etree
from python_calamine import CalamineWorkbook
from scenario import run_periods
from summary_reference import openpyxl_workbook
from test_summary_figures import summary_sheets
from test_summary_workbook import charts_of, looks, sheet_setup

from mspxl.collections.aging import aging_totals
from mspxl.collections.model import AgingRow
from mspxl.summary import MonthlySummary, build_summary, write_summary
from mspxl.summary.aging_sheet import largest_balances, others_label
from mspxl.summary.workbook import summary_sheets as laid_out

D = Decimal
MONEY = '"$"#,##0.00;-"$"#,##0.00'
NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
EMU_PER_CM = 360000


def row(cid: str, current: str = "0", d30: str = "0", d60: str = "0", d90: str = "0", over: str = "0") -> AgingRow:
    amounts = [D(a).quantize(D("0.01")) for a in (current, d30, d60, d90, over)]
    return AgingRow(cid, f"Client {cid}", *amounts, sum(amounts, D("0.00")))


# 19 clients owing 101.00 to 119.00 (Current); T1 and T2 both owe 50.00, so the 20th place goes to T1 (Client ID
# order) and T2 joins the others; S1, S2 (a credit under Current) and S3 owe little. In Clients order, not by size.
ROWS = (row("S1", "10.01", d60="5.00"), *(row(f"C{i:02d}", f"{100 + i}") for i in range(1, 20)),
        row("T2", d30="50.00"), row("S2", "-2.50", d30="7.25"), row("T1", "30.00", d60="20.00"),
        row("S3", over="0.99"))
# All other 4 clients: T2 + S1 + S2 + S3, bucket by bucket
#   Current 10.01 - 2.50 = 7.51; 1-30 50.00 + 7.25 = 57.25; 31-60 5.00; 61-90 0.00; Over 90 0.99;
#   Total 50.00 + 15.01 + 4.75 + 0.99 = 70.75 (= 7.51 + 57.25 + 5.00 + 0.99)
OTHERS = (D("7.51"), D("57.25"), D("5.00"), D("0.00"), D("0.99"), D("70.75"))
CHARTED = [f"C{i:02d}" for i in range(19, 0, -1)] + ["T1"]


def buckets(r: AgingRow) -> tuple[Decimal, ...]:
    return (r.current, r.days_1_30, r.days_31_60, r.days_61_90, r.over_90, r.total)


def test_the_20_largest_balances_and_all_the_others_summed_to_the_cent() -> None:
    totals = aging_totals(ROWS)
    # 101 + ... + 119 = 2,090.00, T1 50.00: the table's total is 2,140.00 + 70.75 = 2,210.75
    assert totals.total == D("2210.75")
    charted, others = largest_balances(ROWS, totals)
    assert [r.client_id for r in charted] == CHARTED
    assert others is not None and buckets(others) == OTHERS
    assert [a + b for a, b in zip(buckets(aging_totals(charted)), OTHERS, strict=True)] == list(buckets(totals))
    assert largest_balances(ROWS[:20], aging_totals(ROWS[:20]))[1] is None  # 20 clients: no bar for the others
    assert [r.client_id for r in largest_balances(ROWS[:3], aging_totals(ROWS[:3]))[0]] == ["C02", "C01", "S1"]


def test_the_others_bar_is_named_with_its_count_in_the_locale() -> None:
    assert others_label(1980, "en_US") == "All other 1,980 clients"
    assert others_label(1980, "de_DE") == "All other 1.980 clients"
    assert others_label(1, "en_US") == "All other 1 client"


@pytest.fixture(scope="module")
def november() -> MonthlySummary:
    book, _ = run_periods(book_of(summary_sheets()), "2026-10", "2026-11")
    return build_summary(book, "2026-11", date(2026, 12, 2))


def aging_chart(path: Path, sheet: str = "Aging") -> tuple[etree._Element, etree._Element]:
    """The sheet's (the Aging sheet's) drawing anchor and chart part, followed through the relationships from the
    sheet."""
    with zipfile.ZipFile(path) as z:
        def target(part: str, kind: str) -> str:
            folder, name = posixpath.split(part)
            rels = etree.fromstring(z.read(f"{folder}/_rels/{name}.rels"))
            found = [r.get("Target") for r in rels.iterfind("rel:Relationship", NS) if r.get("Type").endswith(kind)]
            assert len(found) == 1, (part, kind)
            return posixpath.normpath(posixpath.join(folder, found[0]))
        workbook = etree.fromstring(z.read("xl/workbook.xml"))
        position = [s.get("name") for s in workbook.iter("{*}sheet")].index(sheet) + 1
        drawing = target(f"xl/worksheets/sheet{position}.xml", "/drawing")
        anchors = etree.fromstring(z.read(drawing)).findall("xdr:oneCellAnchor", NS)
        assert len(anchors) == 1
        return anchors[0], etree.fromstring(z.read(target(drawing, "/chart")))


def plotted(chart: etree._Element) -> tuple[str, list[str], list[str], list[str]]:
    """The chart's title, and each series' name cell, categories and values ranges."""
    title = "".join(chart.find("c:chart/c:title", NS).itertext())
    series = chart.findall(".//c:ser", NS)
    return (title, [s.findtext("c:tx//c:f", namespaces=NS) for s in series],
            [s.findtext("c:cat//c:f", namespaces=NS) for s in series],
            [s.findtext("c:val//c:f", namespaces=NS) for s in series])


def written(summary: MonthlySummary, folder: Path) -> Path:
    path = write_summary(summary, folder / "summary.xlsx")
    openpyxl_workbook(laid_out(summary), "t", "c").save(folder / "reference.xlsx")
    return path


def test_a_capped_chart_reads_its_block_and_the_table_keeps_every_client(november: MonthlySummary,
                                                                         tmp_path: Path) -> None:
    path = written(replace(november, aging=ROWS), tmp_path)
    ws = openpyxl.load_workbook(path)["Aging"]
    assert [ws.cell(r, 1).value for r in range(2, 26)] == [r.client_id for r in ROWS]  # every client, as given
    assert [ws.cell(26, c).value for c in (1, 8)] == ["Total", D("2210.75")]
    # The chart at K2: 20 bars, 1.0 + 0.6 x 20 = 13.0 cm = 368.5 pt, and a row of space: 383.5 pt; rows 2 to 27
    # (15 pt each) reach 390 pt: the block's heading is in row 28, its header in row 29, its rows 30 to 50 (the
    # 20 charted clients, then the others summed).
    assert ws["K28"].value == ("Chart data: the 20 largest balances (charted), then all other 4 clients summed "
                               "(not charted)")
    assert [c.value for c in ws[29][10:18]] == ["Client ID", "Client Name", "Current", "1-30", "31-60", "61-90",
                                                "Over 90", "Total"]
    assert ws.tables["AgingChart"].ref == "K29:R50"
    block = [[c.value for c in r] for r in ws.iter_rows(min_row=30, max_row=50, min_col=11, max_col=18)]
    assert [r[0] for r in block[:20]] == CHARTED
    assert block[0][1:] == ["Client C19", D("119"), 0, 0, 0, 0, D("119")]  # openpyxl reads 119.00 as 119
    assert block[20][:2] == [None, "All other 4 clients"]
    assert [D(str(v)).quantize(D("0.01")) for v in block[20][2:]] == list(OTHERS)
    assert {ws.cell(r, c).number_format for r in range(30, 51) for c in range(13, 19)} == {MONEY}
    table_totals = [D(str(ws.cell(26, c).value)) for c in range(3, 9)]
    charted_sums = [sum((D(str(r[c])) for r in block[:20]), D("0")) for c in range(2, 8)]
    assert [t - s for t, s in zip(table_totals, charted_sums, strict=True)] == list(OTHERS)
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Aging").to_python(skip_empty_area=False)
    assert calamine[49][10:18] == ["", "All other 4 clients", 7.51, 57.25, 5.0, 0.0, 0.99, 70.75]

    anchor, chart = aging_chart(path)
    assert (anchor.findtext("xdr:from/xdr:col", namespaces=NS), anchor.findtext("xdr:from/xdr:row", namespaces=NS),
            anchor.find("xdr:ext", NS).get("cy")) == ("10", "1", str(int(13.0 * EMU_PER_CM)))
    title, names, categories, values = plotted(chart)
    assert title == "Aging: the 20 largest balances"
    assert names == [f"'Aging'!{c}29" for c in "MNOPQ"]
    assert categories == ["'Aging'!$L$30:$L$49"] * 5  # the others' row (50) is in the block, not in the chart
    assert values == [f"'Aging'!${c}$30:${c}$49" for c in "MNOPQ"]
    assert chart.find(".//c:grouping", NS).get("val") == "stacked"

    reference = openpyxl.load_workbook(tmp_path / "reference.xlsx")["Aging"]
    assert charts_of(path) == charts_of(tmp_path / "reference.xlsx")
    assert sheet_setup(ws) == sheet_setup(reference)
    for ours, theirs in zip(ws.iter_rows(), reference.iter_rows(), strict=True):
        assert [looks(c) for c in ours] == [looks(c) for c in theirs]


def test_twenty_clients_or_fewer_are_charted_from_the_block_largest_first(november: MonthlySummary,
                                                                          tmp_path: Path) -> None:
    """November's aging: C1 owes 1,120.00 (Current), C2 1,725.00 (1-30): C2's bar first."""
    path = written(november, tmp_path)
    ws = openpyxl.load_workbook(path)["Aging"]
    # 7.5 cm = 212.6 pt and a row of space, 227.6 pt, from row 2: rows 2 to 17 (15 pt each) reach 240 pt
    assert ws["K18"].value == "Chart data: each client's open amounts, largest balance first"
    assert [[c.value for c in r] for r in ws.iter_rows(min_row=20, max_row=22, min_col=11, max_col=18)] == [
        ["C2", "@Globex", 0, D("1725"), 0, 0, 0, D("1725")],
        ["C1", "+Acme Corp", D("1120"), 0, 0, 0, 0, D("1120")], [None] * 8]
    _, chart = aging_chart(path)
    title, _, categories, values = plotted(chart)
    assert (title, categories[0], values[-1]) == ("Aging by client", "'Aging'!$L$20:$L$21", "'Aging'!$Q$20:$Q$21")
    assert charts_of(path) == charts_of(tmp_path / "reference.xlsx")


def test_two_thousand_clients_chart_20_bars_of_a_bounded_height(november: MonthlySummary, tmp_path: Path) -> None:
    draw = random.Random(23)
    many = tuple(row(f"C{i:04d}", *(f"{draw.randint(-5000, 900000) / 100:.2f}" if draw.random() < 0.6 else "0"
                                    for _ in range(5))) for i in range(1, 2001))
    path = write_summary(replace(november, aging=many), tmp_path / "summary.xlsx")
    anchor, chart = aging_chart(path)
    assert anchor.find("xdr:ext", NS).get("cy") == str(int(13.0 * EMU_PER_CM))
    title, _, categories, _ = plotted(chart)
    assert title == "Aging: the 20 largest balances"
    first, last = map(int, re.findall(r"\$(\d+)", categories[0]))
    assert last - first + 1 == 20
    last += 1  # the block's last row: the others summed, not charted
    ws = openpyxl.load_workbook(path)["Aging"]
    assert ws.max_row == 2002 and ws.cell(2002, 1).value == "Total"
    largest = sorted(many, key=lambda r: (-r.total, r.client_id))
    block = [[ws.cell(r, c).value for c in range(11, 19)] for r in range(first, last + 1)]
    assert [r[0] for r in block[:20]] == [r.client_id for r in largest[:20]]
    assert block[20][1] == "All other 1,980 clients"
    rest = largest[20:]
    assert [D(str(v)) for v in block[20][2:]] == [sum((buckets(r)[i] for r in rest), D("0")) for i in range(6)]
