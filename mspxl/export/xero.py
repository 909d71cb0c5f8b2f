"""Xero sales invoice and credit note import (CSV), as Xero Central's "Import customer invoices" and "Import
customer credit notes" pages lay them out: one row per line, rows of one document sharing *InvoiceNumber.

- Credit notes go in their own file, for Xero's credit note import: *InvoiceNumber holds the credit note number,
  Quantity is positive and UnitAmount negative, as Xero's page asks.
- Xero works out tax per line, rounded to the cent, and adds the lines' tax. Where the register rounded tax once
  on the invoice's taxable total and that differs, the document gets a rounding line (no tax, Settings
  `Accounting Rounding Account`), as Xero's developer guide "Rounding in Xero" recommends, so the document's total
  in Xero is the register's to the cent; every such line is listed in the notes.
- A line whose quantity times unit price is not exactly its amount (a usage price of 0.15 on 1,234.5 GB) goes as
  quantity 1 at its amount, the quantity and price in its description (the same guide's advice for prices
  beyond two decimals), so Xero's own multiplication cannot move a cent.
- A file holds at most 500 rows, and so at most 500 documents: Xero recommends "no more than 500 items in a
  single file" without saying whether an item is an invoice or a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from mspxl.export.batches import batches
from mspxl.export.csvtext import csv_text
from mspxl.export.model import ExportDoc, ExportLine, date_text, money_text, plain_number
from mspxl.export.qbo import CsvExport
from mspxl.money import ZERO

XERO_HEADER = ("*ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3",
               "POAddressLine4", "POCity", "PORegion", "POPostalCode", "POCountry", "*InvoiceNumber", "Reference",
               "*InvoiceDate", "*DueDate", "Total", "InventoryItemCode", "*Description", "*Quantity",
               "*UnitAmount", "Discount", "*AccountCode", "*TaxType", "TrackingName1", "TrackingOption1",
               "TrackingName2", "TrackingOption2", "Currency")
MAX_DOCS = 500
MAX_ROWS = 500
ROUNDING_DESCRIPTION = "Rounding: tax as issued (rounded once on the taxable total) less Xero's tax line by line"
ADJUSTMENT_DESCRIPTION = "Tax adjustment: tax as issued less Xero's tax line by line"


@dataclass(frozen=True)
class XeroAccounts:
    rounding_account: str = "860"
    exempt_tax_code: str = "Tax Exempt"
    currency: str = ""
    date_format: str = "DD/MM/YYYY"


@dataclass(frozen=True)
class XeroLine:
    description: str
    quantity: Decimal
    unit_amount: Decimal
    account: str
    tax_type: str
    item: str = ""


def line_tax(amount: Decimal, rate: Decimal) -> Decimal:
    """Xero's tax on one line: the rate on the line amount, rounded to two decimals."""
    return (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_half_cent(amount: Decimal, rate: Decimal) -> bool:
    """A line whose tax falls exactly on half a cent, where the sources disagree on how Xero rounds."""
    return (amount * rate * 1000) % 10 == 5 and (amount * rate * 1000) == (amount * rate * 1000).to_integral()


def xero_tax(doc: ExportDoc) -> Decimal:
    """The tax Xero works out for the document: each taxed line's tax, rounded, then added."""
    return sum((line_tax(ln.amount, doc.tax_rate) for ln in doc.lines if ln.taxable), ZERO)


def rounding_difference(doc: ExportDoc) -> Decimal:
    """What the rounding line carries: the register's tax less Xero's."""
    return doc.tax - xero_tax(doc)


def is_rounding(doc: ExportDoc, difference: Decimal) -> bool:
    """Rounding moves at most half a cent a taxed line; a larger difference (a credit note's tax taken in the
    credited invoice's own proportion) is a tax adjustment, and says so."""
    return abs(difference) <= Decimal("0.005") * sum(1 for ln in doc.lines if ln.taxable)


def xero_line(line: ExportLine, credit: bool) -> XeroLine:
    """A register line as Xero takes it; a credit note's quantity positive and its unit amount negative."""
    sign = Decimal(-1) if credit else Decimal(1)
    quantity, price = line.quantity * sign, line.unit_price * sign
    description = line.description
    if quantity * price != line.amount:
        description = f"{description} ({plain_number(line.quantity)} x {money_text(line.unit_price)})"
        quantity, price = sign, line.amount * sign
    return XeroLine(description, quantity, price, line.income_account, line.tax_code, line.item)


def xero_lines(doc: ExportDoc, accounts: XeroAccounts) -> list[XeroLine]:
    """The document's lines, and its rounding line when Xero's tax would differ from the register's."""
    lines = [xero_line(ln, doc.is_credit) for ln in doc.lines]
    difference = rounding_difference(doc)
    if difference:
        words = ROUNDING_DESCRIPTION if is_rounding(doc, difference) else ADJUSTMENT_DESCRIPTION
        lines.append(XeroLine(words, Decimal(1), difference, accounts.rounding_account, accounts.exempt_tax_code))
    return lines


def address_lines(address: str) -> list[str]:
    """Up to four postal address lines from the client's Address (one per line of the cell)."""
    parts = [part.strip() for part in address.replace("\r", "\n").split("\n") if part.strip()]
    return (parts[:3] + [", ".join(parts[3:])] if len(parts) > 4 else parts) + [""] * (4 - min(len(parts), 4))


def xero_rows(doc: ExportDoc, accounts: XeroAccounts) -> list[tuple[str, ...]]:
    head = (doc.customer, doc.email, *address_lines(doc.address), "", "", "", "")
    dates = (date_text(doc.issue_date, accounts.date_format), date_text(doc.due_date, accounts.date_format))
    return [
        (*head, doc.number, doc.memo, *dates, money_text(doc.total), line.item, line.description,
         plain_number(line.quantity), money_text(line.unit_amount), "", line.account, line.tax_type,
         "", "", "", "", accounts.currency)
        for line in xero_lines(doc, accounts)
    ]


def xero_export(docs: Sequence[ExportDoc], accounts: XeroAccounts) -> CsvExport:
    """The import files for `docs` of one kind (all invoices, or all credit notes), in register order."""
    groups = [[(doc.number, row) for row in xero_rows(doc, accounts)] for doc in docs]
    files = []
    for chunk in batches(groups, MAX_DOCS, MAX_ROWS):
        numbers = tuple(dict.fromkeys(number for number, _ in chunk))
        files.append((csv_text(XERO_HEADER, [row for _, row in chunk]), numbers))
    notes = []
    for doc in docs:
        difference = rounding_difference(doc)
        if difference:
            kind = "rounding line" if is_rounding(doc, difference) else "tax adjustment line"
            notes.append(f"{doc.number}: a {kind} of {money_text(difference)}, so Xero's total is the "
                         f"register's {money_text(doc.total)} (Xero works out tax on each line)")
        if any(ln.taxable and is_half_cent(ln.amount, doc.tax_rate) for ln in doc.lines):
            notes.append(f"{doc.number}: a line's tax falls on exactly half a cent, rounded up here; check the "
                         f"total in Xero (its rounding of a half cent is not documented)")
    return CsvExport(tuple(files), (), tuple(notes))
