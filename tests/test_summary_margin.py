"""The summary's Margin sheet: revenue, cost, margin and margin % per client and per service, to the cent, with the
clients below Settings Margin Floor flagged.

December 2026, C1 (monthly): BASE 500.00 (no Unit Cost), M365 10 x 22.00 (cost 12.50), SRV 2 x 75.00 (cost 20.00),
AV 6 x 5.00 (Subscriptions Unit Cost 1.50 over the catalog's 1.75), STOR: November's 620 GB, 500 included, billed
120 x 0.10 = 12.00, costing all 620 GB x 0.02 = 12.40.
C2 (quarterly from December): M365 1 user for Dec-Feb at 66.00, costing 1 x 12.50 x 3 = 37.50.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bookdata import book_of, client
from scenario import run_periods
from summary_reference import summary_workbook
from test_reconcile_scenarios import services

from mspxl.summary import build_summary
from mspxl.summary.margin import margin_report

START = date(2026, 1, 1)


def margin_book():
    rows = services()
    for row in rows:
        if row["Service Code"] == "STOR":
            row["Unit Cost"] = "0.02"
    users = [{"Client ID": "C1", "User Name": f"U{i}", "Added On": START} for i in range(10)]
    devices = [{"Client ID": "C1", "Device Name": f"S{i}", "Device Type": "Server", "Added On": START}
               for i in range(2)]
    devices += [{"Client ID": "C1", "Device Name": f"W{i}", "Device Type": "Workstation", "Added On": START}
                for i in range(4)]
    subs = [{"Client ID": "C1", "Service Code": code, "Start Date": START} for code in ("BASE", "M365", "SRV", "STOR")]
    subs.append({"Client ID": "C1", "Service Code": "AV", "Start Date": START, "Unit Cost": "1.50"})
    subs.append({"Client ID": "C2", "Service Code": "M365", "Start Date": date(2026, 12, 1)})
    book = book_of({
        "Services": rows,
        "Clients": [client("C1"), client("C2", Frequency="quarterly", **{"Start Date": date(2026, 12, 1)})],
        "Subscriptions": subs, "Users": users + [{"Client ID": "C2", "User Name": "Solo", "Added On": START}],
        "Devices": devices,
        "Usage": [{"Client ID": "C1", "Period": "2026-11", "Service Code": "STOR", "Quantity": 620}],
    }, {"Margin Floor": "50%"})
    return run_periods(book, "2026-12")


def test_margin_per_client_and_service_to_the_cent() -> None:
    book, issued = margin_book()
    report = margin_report(book, issued["2026-12"])
    clients = {r.key: (r.revenue, r.cost, r.margin, r.margin_pct, r.below_floor, r.costless) for r in report.by_client}
    assert clients == {
        "C1": (Decimal("912.00"), Decimal("186.40"), Decimal("725.60"), Decimal("0.7956"), False, ("BASE",)),
        "C2": (Decimal("66.00"), Decimal("37.50"), Decimal("28.50"), Decimal("0.4318"), True, ()),
    }
    services = {r.key: (r.revenue, r.cost, r.margin) for r in report.by_service}
    assert services == {
        "BASE": (Decimal("500.00"), Decimal("0"), Decimal("500.00")),
        "SRV": (Decimal("150.00"), Decimal("40.00"), Decimal("110.00")),
        "AV": (Decimal("30.00"), Decimal("9.00"), Decimal("21.00")),
        "STOR": (Decimal("12.00"), Decimal("12.40"), Decimal("-0.40")),
        "M365": (Decimal("286.00"), Decimal("162.50"), Decimal("123.50")),
    }
    assert (report.total.revenue, report.total.cost, report.total.margin_pct) == (
        Decimal("978.00"), Decimal("223.90"), Decimal("0.7711"))


def test_the_summary_workbook_has_a_margin_sheet_with_the_flag_and_a_chart() -> None:
    book, _ = margin_book()
    wb = summary_workbook(build_summary(book, "2026-12", date(2027, 1, 2)))
    ws = wb["Margin"]
    values = [row for row in ws.iter_rows(min_row=4, max_row=7, values_only=True)]
    assert values[1][:7] == ("C1", "Client C1", Decimal("912.00"), Decimal("186.40"), Decimal("725.60"),
                             Decimal("0.7956"), None)
    assert values[1][7] == "no Unit Cost: BASE"
    assert values[2][:7] == ("C2", "Client C2", Decimal("66.00"), Decimal("37.50"), Decimal("28.50"),
                             Decimal("0.4318"), "below floor")
    assert values[3][:2] == ("Total", "1 below floor")
    assert ws.cell(row=7, column=6).number_format == "0.0%"
    assert ws.cell(row=6, column=1).fill.fgColor.rgb.endswith("FCE4D6")
    assert "Margin Floor: 50%" in ws.cell(row=1, column=1).value
    assert len(ws._charts) == 1
