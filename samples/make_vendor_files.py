"""Write the sample vendor files of December 2026 for Northwind Managed IT (samples/northwind.xlsx), in the layouts
the vendors document (see docs/reconcile.md), with made-up customers, tenants, ids and devices:

  samples/vendor/partner-center-2026-12.csv  Microsoft Partner Center new commerce invoice reconciliation file
  samples/vendor/ninjaone-devices-2026-12.csv NinjaOne device list export
  samples/vendor/pax8-invoice-2026-12.csv     Pax8 invoice export
  samples/vendor/backup-usage-2026-11.csv     a backup vendor's November usage report, in the generic layout

Seat and device counts start from what the sample workbook bills in December 2026 (once October to December are
invoiced, as `mspxl demo` does), then differ on purpose:
  Microsoft: Granite Peak (C007) has 24 seats for 22 billed (2 added on 2026-12-14: under-billed); Westgate Auto
    Repair (C024) has 6 seats and no M365 subscription (new revenue); Birchwood's tenant is "Birchwood Family Law
    PLLC" (a VendorMap row); "Harborline Surveyors" is nobody's client (unmapped); Granite Peak also has a Teams
    Rooms licence no service sells (unmapped SKU); a customer credit (left out).
  NinjaOne: Cascade Engineering (C003) has a fifth server not on the Devices sheet (under-billed); a Harbor View
    Hotel (C008) workstation was retired in the RMM but not on the Devices sheet (over-billed); the MSP's own
    machines sit in an organization of their own (unmapped).
  Pax8: endpoint antivirus seats per client; Yellowbrick (C025) has 14 for 12 billed.
  Backup (generic): November's gigabytes per client; Ironwood (C009) 60 GB more than its Usage row.

Usage: python samples/make_vendor_files.py [SAMPLE.xlsx]
"""

from __future__ import annotations

import csv
import hashlib
import sys
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from mspxl.billing.run import plan_period, with_issued
from mspxl.reconcile.billed import billed_quantities
from mspxl.workbook.load import load_file

HERE = Path(__file__).resolve().parent
OUT = HERE / "vendor"
PERIOD = "2026-12"
M365_SKU = "Microsoft 365 Business Premium"
M365_PRICE, M365_COST = Decimal("22.00"), Decimal("19.80")
MS_COLUMNS = (
    "PartnerId", "CustomerId", "CustomerName", "CustomerDomainName", "CustomerCountry", "InvoiceNumber", "MpnId",
    "ResellerMpnId", "OrderId", "OrderDate", "ProductId", "SkuId", "AvailabilityId", "SkuName", "ProductName",
    "ChargeType", "UnitPrice", "Quantity", "Subtotal", "TaxTotal", "Total", "Currency", "PriceAdjustmentDescription",
    "PublisherName", "PublisherId", "SubscriptionDescription", "SubscriptionId", "ChargeStartDate", "ChargeEndDate",
    "TermAndBillingCycle", "EffectiveUnitPrice", "UnitType", "AlternateId", "BillableQuantity", "BillingFrequency",
    "PricingCurrency", "PCToBCExchangeRate", "PCToBCExchangeRateDate", "MeterDescription",
)


def made_up_id(*parts: str) -> str:
    """A stable made-up GUID (the same on every run)."""
    return str(uuid.UUID(hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]))


def ms_row(customer: str, domain: str, sku: str, charge: str, quantity: int, price: Decimal, cost: Decimal,
           start: date, end: date = date(2026, 12, 31), subscription: str = "") -> dict[str, object]:
    days = (end - start).days + 1
    share = Decimal(days) / Decimal(31)
    subtotal = (cost * quantity * share).quantize(Decimal("0.01"))
    return {
        "PartnerId": made_up_id("partner"), "CustomerId": made_up_id("tenant", domain), "CustomerName": customer,
        "CustomerDomainName": domain, "CustomerCountry": "US", "InvoiceNumber": "G000000712", "MpnId": "6100001",
        "ResellerMpnId": "", "OrderId": made_up_id("order", domain, sku, charge)[:30].replace("-", ""),
        "OrderDate": f"{start.month}/{start.day}/{start.year}", "ProductId": "CFQ7TTC0LCHC", "SkuId": "0002",
        "AvailabilityId": "CFQ7TTC0LDPB", "SkuName": sku, "ProductName": sku, "ChargeType": charge,
        "UnitPrice": price, "Quantity": quantity, "Subtotal": subtotal, "TaxTotal": "0", "Total": subtotal,
        "Currency": "USD", "PriceAdjustmentDescription": '["15.0% Tier 1 discount"]' if cost < price else "",
        "PublisherName": "Microsoft Corporation", "PublisherId": "", "SubscriptionDescription": sku,
        "SubscriptionId": subscription or made_up_id("subscription", domain, sku),
        "ChargeStartDate": f"{start.month}/{start.day}/{start.year} 0:00",
        "ChargeEndDate": f"{end.month}/{end.day}/{end.year} 23:59",
        "TermAndBillingCycle": "One-Year commitment for monthly/yearly billing", "EffectiveUnitPrice": cost,
        "UnitType": "Licenses", "AlternateId": made_up_id("alt", domain, sku)[:12], "BillableQuantity": quantity,
        "BillingFrequency": "Monthly", "PricingCurrency": "USD", "PCToBCExchangeRate": "1",
        "PCToBCExchangeRateDate": "12/1/2026", "MeterDescription": "",
    }


def microsoft_rows(names: dict[str, str], billed: dict[tuple[str, str], Decimal]) -> list[dict[str, object]]:
    first = date(2026, 12, 1)
    rows = [
        ms_row("Birchwood Family Law PLLC", "birchwoodlaw.onmicrosoft.com", M365_SKU, "cycleCharge",
               int(billed[("C002", "M365")]), M365_PRICE, M365_COST, first),
        ms_row(names["C007"], "granitepeakcpa.onmicrosoft.com", M365_SKU, "cycleCharge",
               int(billed[("C007", "M365")]), M365_PRICE, M365_COST, first, subscription=made_up_id("gp-m365")),
        ms_row(names["C007"], "granitepeakcpa.onmicrosoft.com", M365_SKU, "addQuantity", 2, M365_PRICE, M365_COST,
               date(2026, 12, 14), subscription=made_up_id("gp-m365")),
        ms_row(names["C007"], "granitepeakcpa.onmicrosoft.com", "Microsoft Teams Rooms Pro", "new", 1,
               Decimal("40.00"), Decimal("40.00"), first),
        ms_row(names["C022"], "umbercreekwinery.onmicrosoft.com", M365_SKU, "cycleCharge",
               int(billed[("C022", "M365")]), M365_PRICE, M365_COST, first),
        ms_row(names["C022"], "umbercreekwinery.onmicrosoft.com", M365_SKU, "customerCredit", 1, M365_PRICE,
               -M365_COST, first),
        ms_row(names["C024"], "westgateauto.onmicrosoft.com", M365_SKU, "new", 6, M365_PRICE, M365_COST, first),
        ms_row("Harborline Surveyors", "harborlinesurvey.onmicrosoft.com", M365_SKU, "cycleCharge", 3, M365_PRICE,
               M365_COST, first),
    ]
    return rows


def ninja_rows(book) -> list[dict[str, object]]:  # noqa: ANN001
    """The devices the Devices sheet counts on 2026-12-05, as NinjaOne lists them, with the differences above."""
    roles = {"Server": "Windows Server", "Workstation": "Windows Desktop", "Laptop": "Windows Laptop"}
    cutoff = date(2026, 12, 5)
    names = {c.id: c.name for c in book.clients}
    rows = []
    retired = next(d.name for d in book.devices if d.client_id == "C008" and d.kind == "Workstation"
                   and d.counts_at(cutoff))
    for device in book.devices:
        if not device.counts_at(cutoff) or device.name == retired:
            continue
        rows.append((names[device.client_id], device.name, roles[device.kind]))
    rows.append((names["C003"], "CASCADE-SRV05", "Windows Server"))
    rows += [("Northwind Managed IT", name, role) for name, role in
             (("NW-DC01", "Windows Server"), ("NW-TECH01", "Windows Laptop"), ("NW-TECH02", "Windows Laptop"))]
    return [{"Organization": org, "Location": "Main Office", "Display Name": name, "Role": role,
             "OS Name": "Windows Server 2022 Standard" if role == "Windows Server" else "Windows 11 Professional",
             "Last Contact": "2026-12-30 18:42"} for org, name, role in rows]


def pax8_rows(names: dict[str, str], billed: dict[tuple[str, str], Decimal]) -> list[dict[str, object]]:
    rows = []
    for (client_id, code), quantity in sorted(billed.items()):
        if code != "ENDPOINT-AV" or not quantity:
            continue
        seats = int(quantity) + (2 if client_id == "C025" else 0)
        rows.append({"Company Name": names[client_id], "Product Name": "Bitdefender GravityZone Business Security",
                     "SKU": "BDF-GZBS-1M", "Quantity": seats, "Unit of Measure": "Device", "Term": "Monthly",
                     "Start Period": "2026-12-01", "End Period": "2026-12-31", "Price": "6.50", "Cost": "2.40",
                     "Cost Total": f"{Decimal('2.40') * seats:.2f}", "Charge Type": "Subscription"})
    return rows


def backup_rows(book) -> list[dict[str, object]]:  # noqa: ANN001
    """November's backup storage as the backup vendor reports it: the Usage sheet's figures, Ironwood 60 GB more."""
    names = {c.id: c.name for c in book.clients}
    return [{"Vendor Customer": names[u.client_id], "Vendor Item": "Offsite backup (GB)",
             "Quantity": u.quantity + (60 if u.client_id == "C009" else 0), "Unit Cost": "0.04", "Period": "2026-11"}
            for u in book.usage if u.service_code == "BACKUP" and u.period == "2026-11"]


def write_csv(path: Path, rows: list[dict[str, object]], newline: str = "\r\n") -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator=newline)
        writer.writeheader()
        writer.writerows(rows)


def main(sample: Path = HERE / "northwind.xlsx", out: Path = OUT) -> list[Path]:
    book = load_file(sample, date(2026, 12, 20)).book
    assert book is not None
    for period in ("2026-10", "2026-11", "2026-12"):  # as `mspxl demo` bills them before it reconciles
        book = with_issued(book, plan_period(book, period).new)
    names = {c.id: c.name for c in book.clients}
    billed = {key: bill.quantity for key, bill in billed_quantities(book, PERIOD).items()}
    out.mkdir(exist_ok=True)
    files = {
        out / "partner-center-2026-12.csv": microsoft_rows(names, billed),
        out / "ninjaone-devices-2026-12.csv": ninja_rows(book),
        out / "pax8-invoice-2026-12.csv": pax8_rows(names, billed),
        out / "backup-usage-2026-11.csv": backup_rows(book),
    }
    for path, rows in files.items():
        write_csv(path, rows)
    return list(files)


if __name__ == "__main__":
    for written in main(*(Path(a) for a in sys.argv[1:2])):
        print(written)
