"""Register rows for the export tests, every figure worked out by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from mspxl.export.model import AccountingMap
from mspxl.records import Client, Invoice, InvoiceLine, Payment

MAPPING = AccountingMap(
    items={"BASE": "Managed base plan", "STD": "Standard support", "M365": "Microsoft 365", "STOR": "Cloud storage"},
    income_accounts={"BASE": "4000 Managed services", "STD": "4000 Managed services", "M365": "4100 Licences",
                     "STOR": "4100 Licences"},
    tax_codes={"BASE": "TAX", "STD": "TAX", "M365": "TAX", "STOR": "TAX", "A": "TAX", "B": "TAX", "C": "TAX"},
    customers={"C1": "Alpha Dental"},
    income_account="4200 Labor and fees",
    exempt_tax_code="NON",
)

# Alpha Dental, tax 8.25%: 450.00 + 375.00 taxed, 66.00 untaxed. Subtotal 891.00; tax 825.00 x 0.0825 = 68.0625
# -> 68.06; total 959.06. Line by line: 37.125 -> 37.13 and 30.9375 -> 30.94, 68.07: one cent more than issued.
INV1 = Invoice("INV-000001", "C1", "Alpha Dental & Co", "managed", "2026-12", date(2026, 12, 5), date(2027, 1, 1),
               D("891.00"), D("68.06"), D("959.06"), (
                   InvoiceLine(1, "BASE", "Managed base plan", D(1), D("450.00"), D("450.00"), True),
                   InvoiceLine(2, "STD", "Standard support (3 users)", D(3), D("125.00"), D("375.00"), True),
                   InvoiceLine(3, "M365", "Microsoft 365 (3 licences)", D(3), D("22.00"), D("66.00"), False),
               ), tax_rate=D("0.0825"))

# Xero's own example ("Rounding in Xero"), 15%: 25.06 + 25.61 + 25.63 = 76.30; tax 11.445 -> 11.45, total 87.75.
# Xero: 3.759 -> 3.76, 3.8415 -> 3.84, 3.8445 -> 3.84 = 11.44, so a rounding line of 0.01.
INV2 = Invoice("INV-000002", "C3", "Harbor Clinic", "service", "2026-12", date(2026, 12, 5), date(2027, 1, 1),
               D("76.30"), D("11.45"), D("87.75"), (
                   InvoiceLine(1, "A", "Product A", D(1), D("25.06"), D("25.06"), True),
                   InvoiceLine(2, "B", "Product B", D(1), D("25.61"), D("25.61"), True),
                   InvoiceLine(3, "C", "Product C", D(1), D("25.63"), D("25.63"), True),
               ), tax_rate=D("0.15"))

# Untaxed: 1,234.5 GB at 0.15 = 185.175 -> 185.18 (not exactly quantity x price), 1.5 h of work at 150 = 225.00.
INV3 = Invoice("INV-000003", "C2", "Birchwood Law", "managed", "2026-12", date(2026, 12, 5), date(2027, 1, 1),
               D("410.18"), D("0.00"), D("410.18"), (
                   InvoiceLine(1, "STOR", "Cloud storage over 500 GB", D("1234.5"), D("0.15"), D("185.18"), False),
                   InvoiceLine(2, "LABOR", "2026-11-12 New user setup (A. Tech)", D("1.5"), D("150.00"),
                               D("225.00"), False),
               ))

# A returned-payment fee for Alpha Dental: 15% of 450.00 = 67.50, untaxed, issued 12-03, due 12-10.
FEE = Invoice("INV-000004", "C1", "Alpha Dental & Co", "fee", "2026-12", date(2026, 12, 3), date(2026, 12, 10),
              D("67.50"), D("0.00"), D("67.50"), (
                  InvoiceLine(1, "FEE", "Returned ACH debit PMT-0001 (R01)", D(1), D("67.50"), D("67.50"), False),
              ), related_invoice="PMT-0001")

# 100.00 credited on INV-000001 in all: tax 100 x 68.06 / 959.06 = 7.0965 -> 7.10, net 92.90.
# Xero line by line: -92.90 x 0.0825 = -7.66425 -> -7.66, so a tax adjustment of 0.56.
CN1 = Invoice("CN-000001", "C1", "Alpha Dental & Co", "credit", "2026-12", date(2026, 12, 8), date(2026, 12, 8),
              D("-92.90"), D("-7.10"), D("-100.00"), (
                  InvoiceLine(1, "CREDIT", "Credit of INV-000001: goodwill", D(-1), D("92.90"), D("-92.90"), True),
              ), related_invoice="INV-000001", tax_rate=D("0.0825"))

REGISTER = (FEE, INV1, INV2, INV3, CN1)

ALPHA = Client("C1", "Alpha Dental & Co", "ap@alpha.example", date(2026, 1, 1), tax_rate=D("0.0825"),
               address="12 Main St\nSuite 4\nSeattle, WA 98101")
# 1,000.00 on 12-10 naming nothing: the fee (oldest, 67.50), then INV-000001 less its credit note
# (959.06 - 100.00 = 859.06); 1,000.00 - 67.50 - 859.06 = 73.44 left unapplied.
PAYMENT = Payment("PMT-0002", "C1", date(2026, 12, 10), D("1000.00"), "check", reference="CHK 1042")
