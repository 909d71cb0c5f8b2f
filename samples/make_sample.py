"""Write samples/northwind.xlsx: the workbook of "Northwind Managed IT", a small MSP with 25 clients.

The demo bills periods 2026-10, 2026-11 and 2026-12 (invoices issued on the 5th, due by ACH on the 1st of
the next month) and runs collections as of 2026-12-20. The data comes from random.Random(2026), so every run
writes the same cells. Which client shows which rule of billing-rules.md:

Services catalog
  MSP-BASE (flat base plan), FIREWALL (flat, bought by Quantity), BASIC / STANDARD / PREMIUM (tiered per-user
  packages at 85 / 125 / 175 a user), SERVER (per device, Device Type "Server"), WKS (per device, Device Type
  "Workstation"), ENDPOINT-AV (per device, no type: every device counts), M365 (per user, untaxable),
  STORAGE (usage, GB, 500 GB included, untaxable), BACKUP (usage, GB, 250 GB included, untaxable).

Clients
  C001 Alpha Dental & Co: not on autopay; pays October by check on 2026-11-14 (late: past due from 11-02),
       naming INV-000001; November's invoices are unpaid at 12-20 (past_due).
  C002 Birchwood Family Law: a user removed 2026-11-12; December still bills the November count
       (decreases wait for the January true-down).
  C003 Cascade Engineering LLC: hybrid (flat base + per-user + per-device + usage, STORAGE and BACKUP over
       their allowance); client Hourly Rate 165; project P002 "Office network refresh" (September work,
       project invoice in October); a server and a user added after the November cutoff (December bill);
       tax 8.25%.
  C004 Driftwood Coffee Roasters: STORAGE under its 500 GB allowance (0.00 usage lines still shown); a user
       added 2026-11-06, the day after the cutoff, billed from December, with setup work.
  C005 Evergreen Realty Group: package change, STANDARD ended 2026-11-20 and PREMIUM from 2026-11-20
       (December bills PREMIUM at the November per-user count); users added in October with setup work.
  C006 Foxglove Veterinary Clinic: custom Subscription Unit Price (STANDARD at 110.00 instead of 125.00);
       a WorkLog row with its own Rate (95).
  C007 Granite Peak Accounting: overpayment; a 2026-11-20 wire larger than what is owed leaves a credit
       that the December invoice consumes.
  C008 Harbor View Hotel: project P001 "Cloud phone migration" (October and November work, a project
       invoice each month; one non-billable row; one row at an after-hours Rate); Hourly Rate 140.
  C009 Ironwood Construction: BACKUP over, under, over its allowance; a user added 2026-12-06 (January).
  C010 Juniper Pediatrics: quarterly from 2025-12-02; the December run bills "Dec 2026 - Feb 2027" at
       three months a line, counting actual users since the cycle holds January.
  C011 Keystone Logistics: the 2026-12-01 debit is returned on 12-03 (R01): 15% fee invoice, retry on
       12-10 returned again on 12-11 (R01): credit_hold from 12-11; December work while on hold.
  C012 Lakeside Montessori School: tax 0; two users removed 2026-11-03, before the November cutoff:
       November and December keep October's count; STORAGE under then over its allowance.
  C013 Meridian Chiropractic: the 2026-11-01 debit is returned 11-02 (R01): fee invoice; the retry on
       11-09 clears the amount plus the fee: paid up again (current).
  C014 Nettle & Pine Landscaping: quarterly since 2024-10-01; the October run bills "Oct 2026 - Dec 2026".
  C015 Orchard Street Pharmacy: flat MSP-BASE plus FIREWALL with Quantity 2; a non-billable WorkLog row.
  C016 Pinecrest Fitness Studios: the 2026-11-01 debit is returned 11-04, the retry returned 11-13:
       credit_hold from 11-13, service_hold from 12-13; November work billed while on hold.
  C017 Quarry Hill Architects: a user added 2027-03-01, in the future (a warning).
  C018 Riverbend Credit Union: annual from 2025-12-01; the December run bills "Dec 2026 - Nov 2027".
  C019 Sawtooth Outfitters: tax 7.25%; Hourly Rate 135 for its September work (billed in October).
  C020 Summit Print Shop: inactive; no managed invoice, but its September and October work is billed;
       never paid (no debit recorded): past_due from 11-02, credit_hold from 12-01.
  C021 Tidewater Bakery: End Date 2026-10-31; billed for October only; its October offboarding work is
       billed in November.
  C022 Umber Creek Winery: M365 added 2026-11-10, mid-month: on the December bill.
  C023 Valley Oak Insurance: PREMIUM, with users added in October and their setup work.
  C024 Westgate Auto Repair: BASIC, WKS and a flat FIREWALL.
  C025 Yellowbrick Marketing Agency: BACKUP under its allowance every month.
  Work rows without a Rate, for clients without an Hourly Rate, use the Settings Default Hourly Rate (150).

Usage: python samples/make_sample.py [OUT.xlsx]
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from mspxl import schema
from mspxl.init_book import build_workbook, fill_sheet, save_workbook, write_settings
from mspxl.money import cents

SEED = 2026
DEFAULT_OUT = Path(__file__).resolve().parent / "northwind.xlsx"
DEMO_PERIODS = ("2026-10", "2026-11", "2026-12")
INVOICE_DAY = 5
TRUE_DOWN_MONTHS = (1, 7)
DEFAULT_HOURLY_RATE = Decimal("150.00")
RETRY_FEE = Decimal("0.15")
INVOICE_PREFIX = "INV-"
NUMBER_WIDTH = 6
LAST_REGULAR_DAY = date(2026, 9, 30)  # users and devices before the demo's first period
DEMO_END = date(2026, 12, 20)  # the demo's collections date

SETTINGS = {
    "Company Name": "Northwind Managed IT",
    "Company Address": "1420 Westlake Ave N, Suite 300, Seattle, WA 98109",
    "Company Email": "billing@northwind-it.example",
    "Company Phone": "(206) 555-0142",
    "Default Hourly Rate": DEFAULT_HOURLY_RATE,
    # the MSP as ACH originator, for `mspxl ach` (fictional bank; a routing number with a valid check digit)
    "Company ACH ID": "1911234567",
    "Originating Bank Routing": "091000019",
    "Originating Bank Name": "First Bank of Seattle",
    "Entry Description": "MSP BILL",
    "Margin Floor": Decimal("0.55"),
    # the books: QuickBooks Desktop, income accounts on Services, work and fees to their own account
    "Accounting System": "iif",
    "Accounting Income Account": "Professional Services Income",
    "Accounting Sales Tax Item": "WA Sales Tax",
}
INCOME = {"M365": "Licensing Income", "STORAGE": "Cloud Services Income", "BACKUP": "Cloud Services Income"}

SERVICES: tuple[dict[str, object], ...] = (
    {"Service Code": "MSP-BASE", "Name": "Managed IT base plan", "Model": "flat",
     "Unit Price": Decimal("450.00"), "Unit": "month", "Taxable": "Y", "Unit Cost": Decimal("120.00")},
    {"Service Code": "FIREWALL", "Name": "Managed firewall", "Model": "flat",
     "Unit Price": Decimal("65.00"), "Unit": "site", "Taxable": "Y", "Unit Cost": Decimal("28.00")},
    {"Service Code": "BASIC", "Name": "Basic support package", "Model": "per_user",
     "Unit Price": Decimal("85.00"), "Unit": "user", "Taxable": "Y", "Unit Cost": Decimal("38.00")},
    {"Service Code": "STANDARD", "Name": "Standard support package", "Model": "per_user",
     "Unit Price": Decimal("125.00"), "Unit": "user", "Taxable": "Y", "Unit Cost": Decimal("52.00")},
    {"Service Code": "PREMIUM", "Name": "Premium support package", "Model": "per_user",
     "Unit Price": Decimal("175.00"), "Unit": "user", "Taxable": "Y", "Unit Cost": Decimal("71.00")},
    {"Service Code": "M365", "Name": "Microsoft 365 Business Premium", "Model": "per_user",
     "Unit Price": Decimal("22.00"), "Unit": "license", "Taxable": "N", "Unit Cost": Decimal("19.80")},
    {"Service Code": "SERVER", "Name": "Server monitoring and patching", "Model": "per_device",
     "Unit Price": Decimal("95.00"), "Unit": "server", "Taxable": "Y", "Device Type": "Server",
     "Unit Cost": Decimal("24.00")},
    {"Service Code": "WKS", "Name": "Workstation management", "Model": "per_device",
     "Unit Price": Decimal("30.00"), "Unit": "device", "Taxable": "Y", "Device Type": "Workstation",
     "Unit Cost": Decimal("6.00")},
    {"Service Code": "ENDPOINT-AV", "Name": "Endpoint antivirus", "Model": "per_device",
     "Unit Price": Decimal("6.50"), "Unit": "device", "Taxable": "Y", "Unit Cost": Decimal("2.40")},
    {"Service Code": "STORAGE", "Name": "Cloud file storage", "Model": "usage",
     "Unit Price": Decimal("0.15"), "Included Qty": Decimal(500), "Unit": "GB", "Taxable": "N",
     "Unit Cost": Decimal("0.05")},
    {"Service Code": "BACKUP", "Name": "Offsite backup", "Model": "usage",
     "Unit Price": Decimal("0.09"), "Included Qty": Decimal(250), "Unit": "GB", "Taxable": "N",
     "Unit Cost": Decimal("0.04")},
)
for _service in SERVICES:  # the accounting mapping: income account, and tax code of taxed lines
    _service["Income Account"] = INCOME.get(str(_service["Service Code"]), "Managed Services Income")
    _service["Tax Code"] = "TAX" if _service["Taxable"] == "Y" else None
CATALOG = {str(s["Service Code"]): s for s in SERVICES}

# How the sample vendor files (samples/make_vendor_files.py) name Northwind's clients and services.
# A 5% increase of Standard from January 2027, as `mspxl reprice --percent 5 --from 2027-01 --service STANDARD`
# writes it: after the sample's months, so none of them changes.
PRICE_CHANGES: tuple[dict[str, object], ...] = (
    {"Service Code": "STANDARD", "Effective From": "2027-01", "Unit Price": Decimal("131.25")},
    {"Service Code": "STANDARD", "Client ID": "C006", "Effective From": "2027-01", "Unit Price": Decimal("115.50")},
)

VENDOR_MAP: tuple[dict[str, object], ...] = (
    {"Vendor Customer": "Birchwood Family Law PLLC", "Client ID": "C002"},
    {"Vendor": "microsoft", "Vendor Item": "Microsoft 365 Business Premium", "Service Code": "M365"},
    {"Vendor": "rmm", "Vendor Item": "Windows Server", "Service Code": "SERVER"},
    {"Vendor": "rmm", "Vendor Item": "Windows Desktop", "Service Code": "WKS"},
    {"Vendor": "pax8", "Vendor Item": "BDF-GZBS-1M", "Service Code": "ENDPOINT-AV"},
    {"Vendor": "generic", "Vendor Item": "Offsite backup (GB)", "Service Code": "BACKUP"},
)


@dataclass(frozen=True)
class Sub:
    code: str
    start: date | None = None  # None: the client's Start Date
    end: date | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None


@dataclass(frozen=True)
class ClientSpec:
    id: str
    name: str
    contact: tuple[str, str]
    address: str
    domain: str
    start: date
    users: int
    subs: tuple[Sub, ...]
    workstations: int = 0
    laptops: int = 0
    servers: int = 0
    frequency: str = "monthly"
    tax: Decimal = Decimal(0)
    autopay: bool = True
    status: str = "active"
    end: date | None = None
    hourly: Decimal | None = None
    routing: str = "021000021"


TX = Decimal("0.0825")
D = Decimal

CLIENTS: tuple[ClientSpec, ...] = (
    ClientSpec("C001", "Alpha Dental & Co", ("Maria", "Alvarez"),
               "2210 S Lamar Blvd, Austin, TX 78704", "alphadental.example",
               date(2024, 3, 1), 8, (Sub("STANDARD"), Sub("ENDPOINT-AV")),
               workstations=7, laptops=2, tax=TX, autopay=False, routing="111000025"),
    ClientSpec("C002", "Birchwood Family Law", ("James", "Okafor"),
               "701 5th Ave, Suite 4200, Seattle, WA 98104", "birchwoodlaw.example",
               date(2024, 1, 15), 14, (Sub("STANDARD"), Sub("WKS"), Sub("ENDPOINT-AV"), Sub("M365")),
               workstations=12, laptops=4, routing="125000024"),
    ClientSpec("C003", "Cascade Engineering LLC", ("Helen", "Park"),
               "3300 Airport Fwy, Fort Worth, TX 76111", "cascade-eng.example",
               date(2024, 2, 1), 32,
               (Sub("MSP-BASE"), Sub("STANDARD"), Sub("SERVER"), Sub("WKS"), Sub("STORAGE"), Sub("BACKUP")),
               workstations=26, laptops=6, servers=3, tax=TX, hourly=D("165.00"), routing="111000614"),
    ClientSpec("C004", "Driftwood Coffee Roasters", ("Sam", "Lindqvist"),
               "88 Alaskan Way, Seattle, WA 98101", "driftwoodcoffee.example",
               date(2024, 9, 3), 6, (Sub("BASIC"), Sub("ENDPOINT-AV"), Sub("STORAGE")),
               workstations=4, laptops=3, routing="125000105"),
    ClientSpec("C005", "Evergreen Realty Group", ("Olivia", "Brandt"),
               "5400 W Parmer Ln, Austin, TX 78727", "evergreenrealty.example",
               date(2024, 6, 1), 18,
               (Sub("STANDARD", end=date(2026, 11, 20)), Sub("PREMIUM", start=date(2026, 11, 20)),
                Sub("ENDPOINT-AV")),
               workstations=10, laptops=9, tax=TX, routing="026009593"),
    ClientSpec("C006", "Foxglove Veterinary Clinic", ("Daniel", "Reyes"),
               "1912 N 45th St, Seattle, WA 98103", "foxglovevet.example",
               date(2024, 4, 8), 11, (Sub("STANDARD", price=D("110.00")), Sub("WKS")),
               workstations=9, laptops=1, routing="121000358"),
    ClientSpec("C007", "Granite Peak Accounting", ("Rachel", "Kim"),
               "1200 6th Ave, Suite 900, Seattle, WA 98101", "granitepeakcpa.example",
               date(2024, 1, 2), 22, (Sub("PREMIUM"), Sub("SERVER"), Sub("M365")),
               workstations=18, laptops=6, servers=2, routing="011000015"),
    ClientSpec("C008", "Harbor View Hotel", ("Thomas", "Nguyen"),
               "1415 5th Ave, Seattle, WA 98101", "harborviewhotel.example",
               date(2024, 5, 1), 27, (Sub("STANDARD"), Sub("WKS"), Sub("ENDPOINT-AV")),
               workstations=21, laptops=5, servers=1, hourly=D("140.00"), routing="125000024"),
    ClientSpec("C009", "Ironwood Construction", ("Luis", "Herrera"),
               "9100 Research Blvd, Austin, TX 78758", "ironwoodbuild.example",
               date(2025, 3, 3), 16, (Sub("BASIC"), Sub("BACKUP")),
               workstations=6, laptops=11, tax=TX, routing="114000093"),
    ClientSpec("C010", "Juniper Pediatrics", ("Anna", "Volkova"),
               "600 Broadway, Seattle, WA 98122", "juniperpeds.example",
               date(2025, 12, 2), 9, (Sub("STANDARD"), Sub("ENDPOINT-AV")),
               workstations=8, laptops=2, frequency="quarterly", routing="121000358"),
    ClientSpec("C011", "Keystone Logistics", ("Marcus", "Bell"),
               "4500 S 129th St, Tukwila, WA 98168", "keystonelogistics.example",
               date(2024, 7, 1), 24, (Sub("STANDARD"), Sub("SERVER"), Sub("WKS")),
               workstations=20, laptops=3, servers=2, routing="021000021"),
    ClientSpec("C012", "Lakeside Montessori School", ("Grace", "Whitman"),
               "2400 Lakeview Dr, Kirkland, WA 98033", "lakesidemontessori.example",
               date(2024, 8, 19), 15, (Sub("BASIC"), Sub("STORAGE")),
               workstations=10, laptops=6, routing="125000105"),
    ClientSpec("C013", "Meridian Chiropractic", ("Victor", "Osei"),
               "310 Congress Ave, Austin, TX 78701", "meridianchiro.example",
               date(2025, 1, 6), 5, (Sub("STANDARD"),),
               workstations=4, laptops=1, tax=TX, routing="111000025"),
    ClientSpec("C014", "Nettle & Pine Landscaping", ("Erin", "McCabe"),
               "17820 Redmond Way, Redmond, WA 98052", "nettlepine.example",
               date(2024, 10, 1), 4, (Sub("BASIC"), Sub("FIREWALL")),
               workstations=2, laptops=3, frequency="quarterly", routing="125000024"),
    ClientSpec("C015", "Orchard Street Pharmacy", ("Priya", "Shah"),
               "1207 E 6th St, Austin, TX 78702", "orchardrx.example",
               date(2024, 11, 4), 10, (Sub("MSP-BASE"), Sub("FIREWALL", quantity=D(2)), Sub("STANDARD")),
               workstations=8, laptops=2, tax=TX, routing="114000093"),
    ClientSpec("C016", "Pinecrest Fitness Studios", ("Derek", "Lang"),
               "2801 Alki Ave SW, Seattle, WA 98116", "pinecrestfit.example",
               date(2025, 2, 3), 7, (Sub("STANDARD"), Sub("ENDPOINT-AV")),
               workstations=5, laptops=2, routing="026009593"),
    ClientSpec("C017", "Quarry Hill Architects", ("Sofia", "Marchetti"),
               "1000 2nd Ave, Seattle, WA 98104", "quarryhillarch.example",
               date(2024, 3, 18), 19, (Sub("PREMIUM"), Sub("WKS"), Sub("SERVER")),
               workstations=19, laptops=4, servers=1, routing="011000015"),
    ClientSpec("C018", "Riverbend Credit Union", ("Howard", "Feld"),
               "2100 E Riverside Dr, Austin, TX 78741", "riverbendcu.example",
               date(2025, 12, 1), 24, (Sub("MSP-BASE"), Sub("PREMIUM"), Sub("SERVER")),
               workstations=20, laptops=6, servers=3, frequency="annual", tax=TX, routing="111000614"),
    ClientSpec("C019", "Sawtooth Outfitters", ("Kelly", "Brennan"),
               "401 N Lamar Blvd, Austin, TX 78703", "sawtoothoutfitters.example",
               date(2025, 5, 5), 9, (Sub("BASIC"), Sub("ENDPOINT-AV")),
               workstations=6, laptops=3, tax=D("0.0725"), hourly=D("135.00"), routing="121000358"),
    ClientSpec("C020", "Summit Print Shop", ("Noah", "Fischer"),
               "1520 Elliott Ave W, Seattle, WA 98119", "summitprint.example",
               date(2024, 1, 15), 4, (Sub("BASIC", end=date(2026, 8, 31)),),
               workstations=3, status="inactive", routing="125000105"),
    ClientSpec("C021", "Tidewater Bakery", ("Chloe", "Dubois"),
               "2130 Western Ave, Seattle, WA 98121", "tidewaterbakery.example",
               date(2024, 4, 1), 3, (Sub("BASIC", end=date(2026, 10, 31)),),
               workstations=2, laptops=1, end=date(2026, 10, 31), routing="021000021"),
    ClientSpec("C022", "Umber Creek Winery", ("Ben", "Achterberg"),
               "14030 NE 145th St, Woodinville, WA 98072", "umbercreek.example",
               date(2025, 4, 1), 12, (Sub("STANDARD"), Sub("M365", start=date(2026, 11, 10))),
               workstations=6, laptops=6, routing="125000024"),
    ClientSpec("C023", "Valley Oak Insurance", ("Teresa", "Moreno"),
               "7701 N Lamar Blvd, Austin, TX 78752", "valleyoakins.example",
               date(2024, 10, 14), 13, (Sub("PREMIUM"), Sub("ENDPOINT-AV"), Sub("WKS")),
               workstations=12, laptops=3, tax=TX, routing="111000025"),
    ClientSpec("C024", "Westgate Auto Repair", ("Frank", "Kowalski"),
               "12450 Aurora Ave N, Seattle, WA 98133", "westgateauto.example",
               date(2025, 7, 7), 5, (Sub("BASIC"), Sub("WKS"), Sub("FIREWALL")),
               workstations=4, routing="026009593"),
    ClientSpec("C025", "Yellowbrick Marketing Agency", ("Jasmine", "Ward"),
               "1525 4th Ave, Seattle, WA 98101", "yellowbrick.example",
               date(2025, 8, 4), 10, (Sub("STANDARD"), Sub("ENDPOINT-AV"), Sub("BACKUP")),
               workstations=3, laptops=9, routing="011000015"),
)

# Users added in October (between the October and November cutoffs), each with setup work.
OCTOBER_HIRES = {"C001": 1, "C003": 2, "C005": 2, "C008": 1, "C023": 2}

# Hand-placed user events: (client, added, removed).
USER_EVENTS: tuple[tuple[str, date, date | None], ...] = (
    ("C003", date(2026, 11, 9), None),  # after the November cutoff: billed from December
    ("C004", date(2026, 11, 6), None),  # the day after the November cutoff
    ("C009", date(2026, 12, 6), None),  # the day after the December cutoff: the January bill
    ("C017", date(2027, 3, 1), None),  # in the future: a warning
)
# Users removed in November: (client, how many, date). Decreases wait for January's true-down.
USER_REMOVALS: tuple[tuple[str, int, date], ...] = (
    ("C002", 1, date(2026, 11, 12)),
    ("C012", 2, date(2026, 11, 3)),
)
# Hand-placed device events: (client, type, added, removed).
DEVICE_EVENTS: tuple[tuple[str, str, date, date | None], ...] = (
    ("C003", "Server", date(2026, 11, 6), None),
    ("C011", "Workstation", date(2024, 7, 1), date(2026, 11, 18)),
)

USAGE: dict[tuple[str, str], tuple[str, str, str]] = {  # GB used in 2026-09, 2026-10, 2026-11
    ("C003", "STORAGE"): ("640", "702.4", "755"),
    ("C003", "BACKUP"): ("1180", "1215", "1262.5"),
    ("C004", "STORAGE"): ("212", "230.5", "245"),
    ("C009", "BACKUP"): ("310", "240", "455"),
    ("C012", "STORAGE"): ("488", "515", "560"),
    ("C025", "BACKUP"): ("120", "135", "150"),
}

TECHNICIANS = ("Dana Whitfield", "Marco Ruiz", "Priya Natarajan", "Sam Okafor")

PROJECTS: tuple[dict[str, object], ...] = (
    {"Project ID": "P001", "Client ID": "C008", "Name": "Cloud phone migration"},
    {"Project ID": "P002", "Client ID": "C003", "Name": "Office network refresh"},
)

# Work other than new-user setup: (client, date, hours, description, rate, project, billable).
WORK: tuple[tuple[str, date, str, str, str | None, str, bool], ...] = (
    ("C003", date(2026, 9, 8), "4", "Core switch replacement, second floor", None, "P002", True),
    ("C003", date(2026, 9, 9), "3.5", "Patch panel re-termination and labelling", None, "P002", True),
    ("C003", date(2026, 9, 15), "2", "Wireless site survey", "185.00", "P002", True),
    ("C019", date(2026, 9, 28), "1", "Point-of-sale terminal replacement", None, "", True),
    ("C020", date(2026, 9, 22), "2", "Data export and mailbox archive before contract end", None, "", True),
    ("C006", date(2026, 9, 30), "0.5", "Printer mapping for the front desk", "95.00", "", True),
    ("C015", date(2026, 10, 3), "0.75", "Firewall rule change (covered by the contract)", None, "", False),
    ("C020", date(2026, 10, 7), "1", "Final mailbox export to client drive", None, "", True),
    ("C008", date(2026, 10, 12), "3", "Number porting request and extension inventory", None, "P001", True),
    ("C008", date(2026, 10, 19), "6", "Cloud PBX build: call flows and auto attendant", None, "P001", True),
    ("C011", date(2026, 10, 20), "2.5", "After-hours server patch remediation", "185.00", "", True),
    ("C008", date(2026, 10, 26), "4.5", "Handset deployment, floors 1-2", None, "P001", True),
    ("C008", date(2026, 10, 27), "1", "Site walk-through with the general manager", None, "P001", False),
    ("C021", date(2026, 10, 29), "2", "Offboarding: device wipe and license removal", None, "", True),
    ("C008", date(2026, 11, 2), "5", "Handset deployment, floors 3-4", None, "P001", True),
    ("C003", date(2026, 11, 6), "2", "Server build and monitoring enrolment: CASC-SRV04", None, "", True),
    ("C008", date(2026, 11, 9), "2", "Cutover night support", "225.00", "P001", True),
    ("C002", date(2026, 11, 12), "0.5", "Offboarding: disable account and forward mailbox", None, "", True),
    ("C008", date(2026, 11, 16), "1.5", "Front-desk phone training", None, "P001", True),
    ("C005", date(2026, 11, 20), "1", "Premium package onboarding: security baseline", None, "", True),
    ("C016", date(2026, 11, 20), "1", "Password resets and MFA re-enrolment", None, "", True),
    ("C011", date(2026, 12, 14), "0.5", "VPN troubleshooting for a remote dispatcher", None, "", True),
)

FIRST_NAMES = (
    "Aaron", "Abigail", "Adrian", "Aisha", "Alex", "Amelia", "Andre", "Bianca", "Brandon", "Caleb", "Camila",
    "Carlos", "Chen", "Claire", "Connor", "Deepa", "Diego", "Elena", "Eli", "Emma", "Ethan", "Fatima",
    "Felix", "Gabriel", "Hannah", "Hiro", "Isaac", "Ivy", "Jack", "Jade", "Jonah", "Julia", "Kai", "Kavya",
    "Leah", "Liam", "Lucia", "Malik", "Maya", "Mei", "Miles", "Nadia", "Nina", "Omar", "Owen", "Paige",
    "Quinn", "Rafael", "Rosa", "Ruth", "Samir", "Sara", "Tariq", "Tessa", "Uma", "Wes", "Yara", "Zoe",
)
LAST_NAMES = (
    "Adams", "Baker", "Banerjee", "Castro", "Chang", "Cohen", "Diaz", "Ellis", "Evans", "Foster", "Garcia",
    "Gupta", "Hall", "Hayes", "Ibrahim", "Jensen", "Jones", "Kaur", "Keller", "Lopez", "Mahoney", "Meyer",
    "Mills", "Mori", "Nakamura", "Novak", "Ortiz", "Patel", "Quinlan", "Ramos", "Reed", "Rossi", "Sato",
    "Schmidt", "Silva", "Stone", "Sullivan", "Tanaka", "Torres", "Vance", "Walsh", "Weber", "Young", "Zhang",
)


# ---------------------------------------------------------------- building rows


def aba_is_valid(routing: str) -> bool:
    """The ABA routing number check: 3, 7, 1 weights over the nine digits sum to a multiple of 10."""
    if len(routing) != 9 or not routing.isdigit():
        return False
    digits = [int(c) for c in routing]
    return sum(w * d for w, d in zip((3, 7, 1) * 3, digits, strict=True)) % 10 == 0


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


@dataclass
class Sample:
    """The rows of every input sheet (header -> value), in sheet order."""

    clients: list[dict[str, object]] = field(default_factory=list)
    subscriptions: list[dict[str, object]] = field(default_factory=list)
    users: list[dict[str, object]] = field(default_factory=list)
    devices: list[dict[str, object]] = field(default_factory=list)
    usage: list[dict[str, object]] = field(default_factory=list)
    work: list[dict[str, object]] = field(default_factory=list)
    payments: list[dict[str, object]] = field(default_factory=list)


def client_row(spec: ClientSpec, rng: random.Random) -> dict[str, object]:
    if not aba_is_valid(spec.routing):
        raise ValueError(f"{spec.id}: {spec.routing} fails the ABA check")
    account = str(rng.randint(10 ** 7, 10 ** rng.randint(8, 12) - 1))
    return {
        "Client ID": spec.id, "Name": spec.name, "Email": f"accounts@{spec.domain}",
        "Contact First Name": spec.contact[0], "Contact Last Name": spec.contact[1], "Address": spec.address,
        "Status": spec.status, "Start Date": spec.start, "End Date": spec.end, "Frequency": spec.frequency,
        "Tax Rate": spec.tax, "Autopay": "Y" if spec.autopay else "N",
        "Bank Routing": spec.routing, "Bank Account": account, "Hourly Rate": spec.hourly,
        "Debit Authorized On": spec.start if spec.autopay else None,
    }


def subscription_rows(spec: ClientSpec) -> list[dict[str, object]]:
    return [
        {"Client ID": spec.id, "Service Code": sub.code, "Quantity": sub.quantity, "Unit Price": sub.price,
         "Start Date": sub.start or spec.start, "End Date": sub.end}
        for sub in spec.subs
    ]


class Names:
    """Unique person names per client."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def next(self) -> tuple[str, str]:
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self.taken:
                self.taken.add(f"{first} {last}")
                return first, last


def user_rows(spec: ClientSpec, rng: random.Random, hires: list[tuple[str, date]]) -> list[dict[str, object]]:
    """The client's users: most from its start, some joining later, a few gone before the demo.

    New hires after September are appended to `hires` (user name, added) for their setup work.
    """
    names = Names(rng)
    rows: list[dict[str, object]] = []

    def add(added: date, removed: date | None = None) -> str:
        first, last = names.next()
        rows.append({"Client ID": spec.id, "User Name": f"{first} {last}",
                     "Email": f"{first.lower()}.{last.lower()}@{spec.domain}", "Added On": added,
                     "Removed On": removed})
        return f"{first} {last}"

    founders = max(2, spec.users * 2 // 3)
    for _ in range(founders):
        add(spec.start)
    for _ in range(spec.users - founders):
        add(random_day(rng, spec.start + timedelta(days=30), LAST_REGULAR_DAY))
    for _ in range(spec.users // 8):  # people who left before the demo: never on a demo bill
        added = random_day(rng, spec.start, spec.start + timedelta(days=200))
        add(added, random_day(rng, added + timedelta(days=60), date(2026, 8, 31)))
    for _ in range(OCTOBER_HIRES.get(spec.id, 0)):
        added = random_day(rng, date(2026, 10, 6), date(2026, 10, 28))
        hires.append((add(added), added))
    for client_id, added, removed in USER_EVENTS:
        if client_id == spec.id:
            name = add(added, removed)
            if LAST_REGULAR_DAY < added <= DEMO_END:  # not the user who starts in the future
                hires.append((name, added))
    for client_id, count, removed in USER_REMOVALS:
        if client_id == spec.id:
            current = [r for r in rows if r["Removed On"] is None and r["Added On"] <= LAST_REGULAR_DAY]
            for row in rng.sample(current, count):
                row["Removed On"] = removed
    rows.sort(key=lambda r: (r["Added On"], r["User Name"]))
    return rows


DEVICE_TAGS = {"Workstation": "WS", "Laptop": "LT", "Server": "SRV"}


def device_rows(spec: ClientSpec, rng: random.Random) -> list[dict[str, object]]:
    prefix = "".join(ch for ch in spec.name.split()[0].upper() if ch.isalpha())[:4]
    rows: list[dict[str, object]] = []
    numbers: dict[str, int] = {}

    def add(kind: str, added: date, removed: date | None = None) -> None:
        numbers[kind] = numbers.get(kind, 0) + 1
        rows.append({"Client ID": spec.id, "Device Name": f"{prefix}-{DEVICE_TAGS[kind]}{numbers[kind]:02d}",
                     "Device Type": kind, "Added On": added, "Removed On": removed})

    fleet = (("Server", spec.servers), ("Workstation", spec.workstations), ("Laptop", spec.laptops))
    for kind, count in fleet:  # half from the start, the rest bought later
        for index in range(count):
            later = random_day(rng, spec.start, LAST_REGULAR_DAY)
            add(kind, spec.start if index < max(1, count // 2) else later)
    for client_id, kind, added, removed in DEVICE_EVENTS:
        if client_id == spec.id:
            add(kind, added, removed)
    return rows


def usage_rows() -> list[dict[str, object]]:
    rows = []
    for period_index, period in enumerate(("2026-09", "2026-10", "2026-11")):
        for (client_id, code), quantities in USAGE.items():
            rows.append({"Client ID": client_id, "Period": period, "Service Code": code,
                         "Quantity": Decimal(quantities[period_index])})
    return rows


def work_rows(rng: random.Random, hires: list[tuple[str, str, date]]) -> list[dict[str, object]]:
    """New-user setup for each hire after September, plus the hand-written work."""
    entries: list[tuple[str, date, str, str, str | None, str, bool]] = list(WORK)
    for client_id, name, added in hires:
        hours = rng.choice(("0.5", "1", "1.5"))
        entries.append((client_id, added, hours, f"New user setup: {name} (account, mailbox, laptop)",
                        None, "", True))
    entries.sort(key=lambda e: (e[1], e[0], e[3]))
    rows = []
    for number, (client_id, day, hours, text, rate, project, billable) in enumerate(entries, start=1):
        rows.append({"Entry ID": f"W{number:04d}", "Client ID": client_id, "Date": day,
                     "Technician": rng.choice(TECHNICIANS), "Hours": Decimal(hours),
                     "Rate": Decimal(rate) if rate else None, "Description": text,
                     "Project ID": project or None, "Billable": "Y" if billable else "N"})
    return rows


# ---------------------------------------------------------------- what the demo bills (for payment amounts)


@dataclass(frozen=True)
class Expected:
    number: str
    client_id: str
    type: str
    period: str
    total: Decimal


def month_index(period: str) -> int:
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def period_of(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def first_billed_index(start: date) -> int:
    """The first month whose invoice date is on or after Start Date."""
    index = start.year * 12 + start.month - 1
    return index if start.day <= INVOICE_DAY else index + 1


CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


def in_force(row: dict[str, object], start: str, end: str, cutoff: date) -> bool:
    """Started on or before the cutoff, and not ended on or before it."""
    return row[start] <= cutoff and (row[end] is None or row[end] > cutoff)


@dataclass
class Ledger:
    """What earlier runs billed: per-client quantities of the previous managed invoice, billed rows."""

    # client -> service code (and "per_user") -> quantity billed on its previous managed invoice
    previous: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    usage_rows: set[int] = field(default_factory=set)
    work_entries: set[str] = field(default_factory=set)


def managed_total(sample: Sample, spec: ClientSpec, index: int, ledger: Ledger) -> Decimal | None:
    """The total of the client's managed invoice for the month `index` (None when it is not billed)."""
    cutoff = date(index // 12, index % 12 + 1, INVOICE_DAY)
    months = CYCLE_MONTHS[spec.frequency]
    offset = index - first_billed_index(spec.start)
    ended = spec.end is not None and spec.end <= cutoff
    if spec.status != "active" or spec.start > cutoff or ended or offset < 0 or offset % months:
        return None
    cycle = {(index + k) % 12 + 1 for k in range(months)}
    true_down = bool(cycle & set(TRUE_DOWN_MONTHS)) or spec.id not in ledger.previous
    lines: list[tuple[Decimal, bool]] = []  # (amount, taxable)
    counts: dict[str, Decimal] = {}
    for sub in sample.subscriptions:
        if sub["Client ID"] != spec.id or not in_force(sub, "Start Date", "End Date", cutoff):
            continue
        code = str(sub["Service Code"])
        service = CATALOG[code]
        price = sub["Unit Price"] or service["Unit Price"]
        taxable = service["Taxable"] == "Y"
        model = service["Model"]
        if model == "usage":
            included = service.get("Included Qty", Decimal(0))
            for number, row in enumerate(sample.usage):
                mine = row["Client ID"] == spec.id and row["Service Code"] == code
                if mine and month_index(str(row["Period"])) < index and number not in ledger.usage_rows:
                    ledger.usage_rows.add(number)
                    lines.append((cents(max(row["Quantity"] - included, Decimal(0)) * price), taxable))
            continue
        if model == "flat":
            quantity = sub["Quantity"] or Decimal(1)
        else:
            seats = sample.users if model == "per_user" else sample.devices
            kind = service.get("Device Type")
            quantity = Decimal(sum(
                1 for s in seats
                if s["Client ID"] == spec.id and in_force(s, "Added On", "Removed On", cutoff)
                and (not kind or s["Device Type"] == kind)))
            if not true_down:
                before = ledger.previous[spec.id]
                earlier = before.get(code, before.get("per_user") if model == "per_user" else None)
                quantity = max(quantity, earlier or Decimal(0))
            counts[code] = quantity
            if model == "per_user":
                counts["per_user"] = quantity
        lines.append((cents(quantity * price * months), taxable))
    ledger.previous[spec.id] = counts
    subtotal = sum((amount for amount, _ in lines), Decimal(0))
    return subtotal + cents(sum((a for a, taxable in lines if taxable), Decimal(0)) * spec.tax)


def work_totals(sample: Sample, spec: ClientSpec, index: int, ledger: Ledger) -> dict[str, Decimal]:
    """Billable work not yet billed and dated before the period: its total per Project ID ("" for service)."""
    last_of_previous = date(index // 12, index % 12 + 1, 1) - timedelta(days=1)
    jobs: dict[str, Decimal] = {}
    for row in sample.work:
        if (row["Client ID"] != spec.id or row["Billable"] != "Y" or row["Entry ID"] in ledger.work_entries
                or row["Date"] > last_of_previous):
            continue
        ledger.work_entries.add(str(row["Entry ID"]))
        rate = row["Rate"] or spec.hourly or DEFAULT_HOURLY_RATE
        project = str(row["Project ID"] or "")
        jobs[project] = jobs.get(project, Decimal(0)) + cents(row["Hours"] * rate)
    return jobs


def expected_invoices(sample: Sample, specs: Iterable[ClientSpec] = CLIENTS) -> list[Expected]:
    """The invoices the demo's three runs issue, with totals, by billing-rules.md applied to this sample.

    The payments are written from these totals, so an ACH debit pulls exactly what was billed.
    """
    ledger = Ledger()
    result: list[Expected] = []

    def issue(client_id: str, kind: str, period: str, total: Decimal) -> None:
        number = f"{INVOICE_PREFIX}{len(result) + 1:0{NUMBER_WIDTH}d}"
        result.append(Expected(number, client_id, kind, period, total))

    for period in DEMO_PERIODS:
        index = month_index(period)
        for spec in specs:
            managed = managed_total(sample, spec, index, ledger)
            if managed:  # an invoice that comes to 0.00 is not issued
                issue(spec.id, "managed", period, managed)
            jobs = work_totals(sample, spec, index, ledger)
            if "" in jobs:
                issue(spec.id, "service", period, jobs.pop(""))
            for project in sorted(jobs):
                issue(spec.id, "project", period, jobs[project])
    return result


# ---------------------------------------------------------------- payments


def payment_rows(invoices: list[Expected]) -> list[dict[str, object]]:
    """ACH debits on the 1st for what each run billed, with the exceptions the module docstring lists."""

    def owed(client_id: str, period: str) -> Decimal:
        return sum((i.total for i in invoices if i.client_id == client_id and i.period == period), Decimal(0))

    def fee(amount: Decimal) -> Decimal:
        return cents(amount * RETRY_FEE)

    rows: list[tuple[date, str, Decimal, str, str, str, str, str]] = []
    # (date, client, amount, method, status, return code, invoice number, reference)
    for spec in CLIENTS:
        october, november = owed(spec.id, "2026-10"), owed(spec.id, "2026-11")
        if spec.id == "C001":  # pays by check, late, naming its October invoice
            first = next(i for i in invoices if i.client_id == "C001" and i.period == "2026-10")
            rows.append((date(2026, 11, 14), spec.id, first.total, "check", "cleared", "", first.number,
                         "Check 4417"))
            continue
        if spec.id == "C013":  # returned once, retry clears with the fee
            rows.append((date(2026, 11, 2), spec.id, october, "ACH", "returned", "R01", "",
                         "ACH debit of 2026-11-01 returned: insufficient funds"))
            rows.append((date(2026, 11, 9), spec.id, october + fee(october), "ACH", "cleared", "", "",
                         "ACH retry with processing fee"))
            rows.append((date(2026, 12, 1), spec.id, november, "ACH", "cleared", "", "", "ACH debit"))
            continue
        if spec.id == "C016":  # returned twice in November: credit hold, then service hold
            rows.append((date(2026, 11, 4), spec.id, october, "ACH", "returned", "R01", "",
                         "ACH debit of 2026-11-01 returned: insufficient funds"))
            rows.append((date(2026, 11, 13), spec.id, october + fee(october), "ACH", "returned", "R01", "",
                         "ACH retry returned: insufficient funds"))
            continue
        if spec.id == "C011":  # returned twice in December: credit hold
            rows.append((date(2026, 11, 1), spec.id, october, "ACH", "cleared", "", "", "ACH debit"))
            rows.append((date(2026, 12, 3), spec.id, november, "ACH", "returned", "R01", "",
                         "ACH debit of 2026-12-01 returned: insufficient funds"))
            rows.append((date(2026, 12, 11), spec.id, november + fee(november), "ACH", "returned", "R01", "",
                         "ACH retry returned: insufficient funds"))
            continue
        if spec.id == "C020":  # inactive and never paid its final work invoices
            continue
        if spec.id == "C007":  # a wire larger than what is owed: a credit for December
            rows.append((date(2026, 11, 1), spec.id, october, "ACH", "cleared", "", "", "ACH debit"))
            wire = (november // 1000 + 2) * 1000
            rows.append((date(2026, 11, 20), spec.id, wire, "wire", "cleared", "", "",
                         "Wire: prepayment, apply to future invoices"))
            continue
        for day, amount in ((date(2026, 11, 1), october), (date(2026, 12, 1), november)):
            if amount:
                rows.append((day, spec.id, amount, "ACH", "cleared", "", "", "ACH debit"))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [
        {"Payment ID": f"PMT-{number:04d}", "Client ID": client_id, "Date": day, "Amount": amount,
         "Method": method, "Status": status, "Return Code": code or None, "Invoice Number": invoice or None,
         "Reference": reference}
        for number, (day, client_id, amount, method, status, code, invoice, reference)
        in enumerate(rows, start=1)
    ]


# ---------------------------------------------------------------- the workbook


def build_sample() -> Sample:
    rng = random.Random(SEED)
    sample = Sample()
    hires: list[tuple[str, str, date]] = []
    for spec in CLIENTS:
        sample.clients.append(client_row(spec, rng))
        sample.subscriptions.extend(subscription_rows(spec))
        client_hires: list[tuple[str, date]] = []
        sample.users.extend(user_rows(spec, rng, client_hires))
        hires.extend((spec.id, name, added) for name, added in client_hires)
        sample.devices.extend(device_rows(spec, rng))
    sample.usage = usage_rows()
    sample.work = work_rows(rng, hires)
    sample.payments = payment_rows(expected_invoices(sample))
    return sample


def main(out: Path = DEFAULT_OUT) -> Path:
    """Write the sample workbook to `out` (replacing it) and return its path."""
    sample = build_sample()
    book = build_workbook()
    write_settings(book[schema.SETTINGS.name], SETTINGS)
    sheets = (
        (schema.SERVICES, list(SERVICES)),
        (schema.CLIENTS, sample.clients),
        (schema.SUBSCRIPTIONS, sample.subscriptions),
        (schema.USERS, sample.users),
        (schema.DEVICES, sample.devices),
        (schema.USAGE, sample.usage),
        (schema.WORKLOG, sample.work),
        (schema.PROJECTS, list(PROJECTS)),
        (schema.PAYMENTS, sample.payments),
        (schema.VENDOR_MAP, list(VENDOR_MAP)),
        (schema.PRICE_CHANGES, list(PRICE_CHANGES)),
    )
    for sheet, rows in sheets:
        fill_sheet(book[sheet.name], sheet, rows)
    save_workbook(book, Path(out), overwrite=True)
    return Path(out)


if __name__ == "__main__":
    written = main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
    print(f"wrote {written}")
