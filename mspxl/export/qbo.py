"""QuickBooks Online invoice import (CSV): one row per invoice line, the lines of one invoice sharing InvoiceNo.

Intuit's importer takes invoices only: a credit note (negative amounts) cannot go through it and is left out with
its reason, for the accountant to enter as a credit memo in QuickBooks Online. Files hold at most 100 invoices and
1,000 lines (the header and 999 rows). QuickBooks Online works out sales tax itself from ItemTaxCode (TAX / NON in
the US) on the invoice's taxable total; an invoice where that would not give the register's tax is listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mspxl.export.batches import batches
from mspxl.export.csvtext import csv_text
from mspxl.export.model import ExportDoc, date_text, money_text, plain_number
from mspxl.money import ZERO, cents

QBO_HEADER = ("InvoiceNo", "Customer", "InvoiceDate", "DueDate", "Terms", "Memo", "Item(Product/Service)",
              "ItemDescription", "ItemQuantity", "ItemRate", "ItemAmount", "ItemTaxCode", "Service Date")
MAX_INVOICES = 100
MAX_ROWS = 999  # 1,000 lines with the header


@dataclass(frozen=True)
class CsvExport:
    """What a CSV format writes: each file's text and the document numbers in it, what was left out and why,
    and notes the accountant must read (never a silent difference)."""

    files: tuple[tuple[str, tuple[str, ...]], ...]  # (csv text, document numbers)
    left_out: tuple[tuple[str, str], ...] = ()  # (document number, why)
    notes: tuple[str, ...] = ()


def qbo_rows(doc: ExportDoc, date_format: str) -> list[tuple[str, ...]]:
    """An invoice's rows, one per line."""
    return [
        (doc.number, doc.customer, date_text(doc.issue_date, date_format), date_text(doc.due_date, date_format),
         "", doc.memo, line.item, line.description, plain_number(line.quantity), money_text(line.unit_price),
         money_text(line.amount), line.tax_code, "")
        for line in doc.lines
    ]


def qbo_tax(doc: ExportDoc) -> str:
    """The tax QuickBooks Online works out: the rate on the invoice's taxable total, rounded once."""
    return money_text(cents(sum((ln.amount for ln in doc.lines if ln.taxable), ZERO) * doc.tax_rate))


def refusal(doc: ExportDoc) -> str:
    """Why the invoice import cannot take this document ("" when it can)."""
    if doc.is_credit:
        return "a credit note: QuickBooks Online's invoice import takes no credit memos; enter it as a credit memo"
    if any(line.amount < ZERO for line in doc.lines):
        return "it has a negative line, which QuickBooks Online's invoice import refuses; enter it by hand"
    return ""


def qbo_export(docs: Sequence[ExportDoc], date_format: str = "MM/DD/YYYY") -> CsvExport:
    """The invoice import files for `docs`, in register order."""
    taken = [doc for doc in docs if not refusal(doc)]
    left_out = tuple((doc.number, refusal(doc)) for doc in docs if refusal(doc))
    notes = tuple(
        f"{doc.number}: QuickBooks Online will work out tax {qbo_tax(doc)} where the register says "
        f"{money_text(doc.tax)}; check the invoice's tax after the import"
        for doc in taken if qbo_tax(doc) != money_text(doc.tax)
    )
    groups = [[(doc.number, row) for row in qbo_rows(doc, date_format)] for doc in taken]
    files = []
    for chunk in batches(groups, MAX_INVOICES, MAX_ROWS):
        numbers = tuple(dict.fromkeys(number for number, _ in chunk))
        files.append((csv_text(QBO_HEADER, [row for _, row in chunk]), numbers))
    return CsvExport(tuple(files), left_out, notes)
