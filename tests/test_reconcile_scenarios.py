"""Reconciling vendor files against what the workbook bills: dated scenarios, amounts computed by hand to the cent.

Acme Dental (C1) is billed for December 2026 on its managed invoice of 2026-12-05: 10 users on M365 at 22.00,
2 servers on SRV at 75.00, 6 devices (2 servers, 4 workstations) on AV at 5.00. Microsoft charges the MSP for 12
M365 seats and 3 Exchange seats Acme has no subscription for; the RMM lists 3 servers and 4 workstations.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bookdata import SERVICES, book_of, client

from mspxl.reconcile import MapRow, proposals, read_vendor_table, reconcile
from mspxl.reconcile.model import NEW_REVENUE, NOT_IN_VENDOR, OVER_BILLED, UNDER_BILLED, UNMAPPED
from mspxl.reconcile.table import table_of

START = date(2026, 1, 1)
PERIOD = "2026-12"
MS_HEADERS = ["PartnerId", "CustomerId", "CustomerName", "CustomerDomainName", "InvoiceNumber", "ProductId", "SkuId",
              "SkuName", "ProductName", "ChargeType", "UnitPrice", "Quantity", "SubscriptionId", "ChargeStartDate",
              "ChargeEndDate", "TermAndBillingCycle", "EffectiveUnitPrice", "BillableQuantity"]
M365 = "Microsoft 365 Business Standard"
EXO = "Exchange Online (Plan 1)"
MAP = (MapRow(item=M365, service_code="M365"), MapRow(item=EXO, service_code="EXO"),
       MapRow(vendor="rmm", item="WINDOWS_SERVER", service_code="SRV"))


def services() -> list[dict[str, object]]:
    rows = [dict(s) for s in SERVICES]
    for row in rows:
        row["Unit Cost"] = {"SRV": "20.00", "AV": "1.75"}.get(str(row["Service Code"]))
    rows.append({"Service Code": "M365", "Name": "Microsoft 365 Business Standard", "Model": "per_user",
                 "Unit Price": "22.00", "Unit Cost": "12.50", "Taxable": "N"})
    rows.append({"Service Code": "EXO", "Name": "Exchange Online mailbox", "Model": "per_user",
                 "Unit Price": "6.00", "Unit Cost": "4.00", "Taxable": "N"})
    return rows


def acme_book(**subscription_extra: object):
    users = [{"Client ID": "C1", "User Name": f"User {i}", "Added On": START} for i in range(10)]
    devices = [{"Client ID": "C1", "Device Name": f"ACME-SRV{i}", "Device Type": "Server", "Added On": START}
               for i in range(2)]
    devices += [{"Client ID": "C1", "Device Name": f"ACME-WS{i}", "Device Type": "Workstation", "Added On": START}
                for i in range(4)]
    subs = [{"Client ID": "C1", "Service Code": code, "Start Date": START, **subscription_extra}
            for code in ("M365", "SRV", "AV")]
    return book_of({"Services": services(), "Clients": [client("C1", Name="Acme Dental"), client("C2")],
                    "Subscriptions": subs + [{"Client ID": "C2", "Service Code": "M365", "Start Date": START}],
                    "Users": users + [{"Client ID": "C2", "User Name": "Solo", "Added On": START}],
                    "Devices": devices})


def ms_row(customer: str, sku: str, charge: str, qty: object, price: object = "12.50", sub: str = "",
           start: str = "12/1/2026", end: str = "12/31/2026") -> list[object]:
    values = {"CustomerName": customer, "CustomerDomainName": customer.lower().replace(" ", "") + ".onmicrosoft.com",
              "SkuName": sku, "ProductName": sku, "ChargeType": charge, "UnitPrice": price, "Quantity": qty,
              "SubscriptionId": sub or f"{customer}/{sku}", "ChargeStartDate": start, "ChargeEndDate": end,
              "TermAndBillingCycle": "One-Month commitment for monthly billing", "EffectiveUnitPrice": price,
              "BillableQuantity": qty}
    return [values.get(h) for h in MS_HEADERS]


def microsoft(*rows: list[object]):
    return read_vendor_table(table_of("recon.csv", [MS_HEADERS, *rows]), None, PERIOD)


def by_kind(result, kind):
    return [f for f in result.findings if f.finding == kind]


def test_ten_billed_twelve_charged_is_under_billed_two_seats_at_the_price() -> None:
    vendor = microsoft(ms_row("Acme Dental", M365, "cycleCharge", 12))
    assert vendor.format == "microsoft" and not vendor.problems
    result = reconcile(acme_book(), vendor, MAP, PERIOD)
    [under] = by_kind(result, UNDER_BILLED)
    assert (under.client_id, under.service_code, under.billed_qty, under.vendor_qty) == ("C1", "M365", 10, 12)
    assert under.difference == 2
    assert (under.unit_price, under.revenue_at_stake) == (Decimal("22.00"), Decimal("44.00"))
    assert (under.unit_cost, under.cost_at_stake) == (Decimal("12.50"), Decimal("25.00"))
    assert under.rows == (2,)
    # C2 is billed one M365 seat that this Microsoft file does not have
    [missing] = by_kind(result, NOT_IN_VENDOR)
    assert (missing.client_id, missing.billed_qty, missing.vendor_qty, missing.revenue_at_stake) == (
        "C2", 1, 0, Decimal("-22.00"))
    assert result.total(UNDER_BILLED) == Decimal("44.00")


def test_a_sku_without_a_subscription_is_new_revenue_at_the_catalog_price() -> None:
    vendor = microsoft(ms_row("Acme Dental", M365, "cycleCharge", 10), ms_row("Acme Dental", EXO, "new", 3, "4.00"))
    result = reconcile(acme_book(), vendor, MAP, PERIOD)
    [new] = by_kind(result, NEW_REVENUE)
    assert (new.client_id, new.service_code, new.billed_qty, new.vendor_qty) == ("C1", "EXO", 0, 3)
    assert (new.revenue_at_stake, new.cost_at_stake) == (Decimal("18.00"), Decimal("12.00"))
    assert not by_kind(result, UNDER_BILLED) and result.matched == 1  # C1's 10 M365 seats agree


def test_an_unmapped_vendor_customer_is_listed_with_what_it_costs_never_guessed() -> None:
    vendor = microsoft(ms_row("Acme Dental", M365, "cycleCharge", 10), ms_row("Zenith Labs", M365, "cycleCharge", 5),
                       ms_row("Acme Dental", "Visio Plan 2", "cycleCharge", 1, "15.00"))
    result = reconcile(acme_book(), vendor, MAP, PERIOD)
    unmapped = {(f.customer, f.client_id, f.item): f for f in by_kind(result, UNMAPPED)}
    zenith = unmapped[("Zenith Labs", "", M365)]
    assert (zenith.vendor_qty, zenith.cost_at_stake, zenith.revenue_at_stake, zenith.rows) == (
        5, Decimal("62.50"), None, (3,))
    visio = unmapped[("Acme Dental", "C1", "Visio Plan 2")]  # the customer is known, the SKU is not
    assert (visio.service_code, visio.cost_at_stake) == ("", Decimal("15.00"))


def test_a_vendor_map_row_maps_a_domain_name_to_a_client() -> None:
    vendor = microsoft(ms_row("Zenith Labs", M365, "cycleCharge", 1))
    rows = (*MAP, MapRow(customer="zenithlabs.onmicrosoft.com", client_id="C2"))
    result = reconcile(acme_book(), vendor, rows, PERIOD)
    assert result.matched == 1  # C2: one seat billed, one charged
    assert [(f.client_id, f.finding) for f in result.findings] == [("C1", NOT_IN_VENDOR)]


def test_seats_added_and_removed_during_the_month_and_credits_left_out() -> None:
    vendor = microsoft(
        ms_row("Acme Dental", M365, "cycleCharge", 9, sub="S1"),
        ms_row("Acme Dental", M365, "addQuantity", 4, sub="S1", start="12/10/2026"),
        ms_row("Acme Dental", M365, "removeQuantity", -1, sub="S1", start="12/20/2026"),
        ms_row("Acme Dental", M365, "customerCredit", 3, "-12.50", sub="S1"),
        ms_row("Acme Dental", M365, "cycleCharge", 30, sub="S1", start="11/1/2026", end="11/30/2026"),
    )
    assert [line.quantity for line in vendor.lines] == [12]
    assert len(vendor.skipped) == 2 and "customerCredit does not count seats" in vendor.skipped[0]
    [under] = by_kind(reconcile(acme_book(), vendor, MAP, PERIOD), UNDER_BILLED)
    assert (under.vendor_qty, under.revenue_at_stake) == (12, Decimal("44.00"))


def test_fewer_vendor_seats_than_billed_is_over_billed() -> None:
    vendor = microsoft(ms_row("Acme Dental", M365, "cycleCharge", 8))
    [over] = by_kind(reconcile(acme_book(), vendor, MAP, PERIOD), OVER_BILLED)
    assert (over.difference, over.revenue_at_stake, over.cost_at_stake) == (-2, Decimal("-44.00"), Decimal("-25.00"))


RMM_HEADERS = ["Organization", "Location", "Display Name", "Device Type", "OS Name", "Last Contact"]


def rmm(*rows: tuple[str, str, str]):
    table = table_of("devices.csv", [RMM_HEADERS] + [[org, "Main office", name, kind, "Windows", "2026-12-30"]
                                                       for org, name, kind in rows])
    return read_vendor_table(table, "rmm", PERIOD)


def test_a_device_export_counts_devices_for_the_per_device_services_by_device_type() -> None:
    vendor = rmm(*[("Acme Dental", f"ACME-SRV{i}", "Server") for i in range(3)],
                 *[("Acme Dental", f"ACME-WS{i}", "Workstation") for i in range(4)],
                 ("Acme Dental", "ACME-WS0", "Workstation"))  # listed twice: counted once
    assert len(vendor.lines) == 7
    assert vendor.skipped == (
        "devices.csv row 9: device ACME-WS0 of Acme Dental is listed again (row 5); counted once",)
    result = reconcile(acme_book(), vendor, MAP, PERIOD)
    under = {f.service_code: f for f in by_kind(result, UNDER_BILLED)}
    assert (under["SRV"].billed_qty, under["SRV"].vendor_qty, under["SRV"].revenue_at_stake,
            under["SRV"].cost_at_stake) == (2, 3, Decimal("75.00"), Decimal("20.00"))
    assert (under["AV"].billed_qty, under["AV"].vendor_qty, under["AV"].revenue_at_stake,
            under["AV"].cost_at_stake) == (6, 7, Decimal("5.00"), Decimal("1.75"))
    assert result.total(UNDER_BILLED) == Decimal("80.00")


def test_an_rmm_device_class_maps_to_a_service_and_a_type_no_service_counts_is_unmapped() -> None:
    vendor = rmm(("Acme Dental", "ACME-SRV0", "WINDOWS_SERVER"), ("Acme Dental", "ACME-SRV1", "WINDOWS_SERVER"),
                 *[("Acme Dental", f"ACME-WS{i}", "Workstation") for i in range(4)],
                 ("Acme Dental", "ACME-NAS", "NAS"), ("C2", "C2-PC", "Workstation"))
    result = reconcile(acme_book(), vendor, MAP, PERIOD)
    assert result.matched == 1  # SRV: the two WINDOWS_SERVER devices are the two servers billed
    assert [(f.client_id, f.service_code, f.item, f.finding, f.difference) for f in result.findings] == [
        ("C1", "AV", "WINDOWS_SERVER; Workstation; NAS", UNDER_BILLED, 1),  # AV counts every device: 7, billed 6
        ("C2", "", "Workstation", UNMAPPED, 1),  # C2 has no per-device service, no service has that type
    ]


def test_proposals_say_what_to_change_and_from_when() -> None:
    vendor = microsoft(ms_row("Acme Dental", M365, "cycleCharge", 12), ms_row("Acme Dental", EXO, "new", 3, "4.00"))
    book = acme_book()
    made = {(p.client_id, p.service_code): p for p in proposals(book, reconcile(book, vendor, MAP, PERIOD))}
    seats = made[("C1", "M365")]
    assert (seats.change, seats.current_qty, seats.proposed_qty, seats.effective) == (
        "add users", 10, 12, date(2027, 1, 1))
    assert (seats.monthly_change, seats.subscription_row) == (Decimal("44.00"), 2)
    new = made[("C1", "EXO")]
    assert (new.change, new.proposed_qty, new.monthly_change, new.subscription_row) == (
        "add subscription", 3, Decimal("18.00"), None)
    end = made[("C2", "M365")]  # billed one seat, Microsoft charges none
    assert (end.change, end.proposed_qty, end.monthly_change, end.subscription_row) == (
        "end subscription", 0, Decimal("-22.00"), 5)
    assert set(made) == {("C1", "M365"), ("C1", "EXO"), ("C2", "M365")}
