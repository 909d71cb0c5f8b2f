"""QuickBooks Desktop IIF: tab-separated lines, `!TRNS` / `!SPL` / `!ENDTRNS` header rows naming the columns, then
each transaction as a TRNS line, its SPL (distribution) lines and ENDTRNS, as Intuit's IIF reference for
transactions lays them out.

- INVOICE: the TRNS line carries the total, positive, to Accounts Receivable; one SPL line per invoice line to its
  income account with the amount negative, QNTY negative (the sign of the amount, as in Intuit's examples),
  PRICE, INVITEM and TAXABLE; the sales tax as its own SPL line to the sales tax account with the tax item and
  AUTOSTAX. The lines of a transaction add to zero.
- CREDIT MEMO: the same, each sign turned: the TRNS line negative to Accounts Receivable, SPL lines positive.
- PAYMENT: the TRNS line, positive, to the deposit account (Undeposited Funds) with PAYMETH; one SPL line per
  invoice the payment settles, negative to Accounts Receivable with that invoice's number in DOCNUM, and one for
  what is left unapplied. (The IIF reference names no column that applies a payment to an invoice; the invoice
  numbers are there for the accountant and for QuickBooks' own matching.)
- Dates MM/DD/YYYY. A tab, a line break or a double quote inside a value would end or break the field, so each
  becomes a space or is dropped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from mspxl.export.model import ExportDoc, ExportPayment, date_text, money_text, plain_number
from mspxl.money import ZERO

TRNS_COLUMNS = ("TRNSID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR",
                "TOPRINT", "NAMEISTAXABLE", "DUEDATE", "PAYMETH")
SPL_COLUMNS = ("SPLID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR", "QNTY",
               "PRICE", "INVITEM", "TAXABLE", "EXTRA")
DATE_FORMAT = "MM/DD/YYYY"


@dataclass(frozen=True)
class IifAccounts:
    receivable: str = "Accounts Receivable"
    sales_tax: str = "Sales Tax Payable"
    tax_item: str = "Sales Tax"
    deposit: str = "Undeposited Funds"


def field(value: object) -> str:
    """A value as one IIF field: no tab, line break or double quote inside it, and only characters of Windows-1252
    (the code page QuickBooks reads IIF in): an accented letter outside it loses its accent, anything else is
    `?`."""
    text = str(value)
    for ch in "\t\r\n":
        text = text.replace(ch, " ")
    return "".join(ch if _in_code_page(ch) else _plain_letter(ch) for ch in text.replace('"', ""))


def _in_code_page(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _plain_letter(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)[:1]
    return base if base and _in_code_page(base) and base != ch else "?"


def _line(keyword: str, columns: Sequence[str], values: dict[str, object]) -> str:
    return "\t".join([keyword, *(field(values.get(col, "")) for col in columns)])


def header_lines() -> list[str]:
    return ["\t".join(("!TRNS", *TRNS_COLUMNS)), "\t".join(("!SPL", *SPL_COLUMNS)), "!ENDTRNS"]


def rate_text(rate: Decimal) -> str:
    """A tax rate as QuickBooks writes it on the tax line: 8.25%."""
    return f"{plain_number(rate * 100)}%"


def document_lines(doc: ExportDoc, accounts: IifAccounts) -> list[str]:
    """An INVOICE or a CREDIT MEMO: TRNS, one SPL per line, the tax SPL, ENDTRNS."""
    kind = "CREDIT MEMO" if doc.is_credit else "INVOICE"
    day = date_text(doc.issue_date, DATE_FORMAT)
    common = {"TRNSTYPE": kind, "DATE": day, "NAME": doc.customer, "DOCNUM": doc.number}
    lines = [_line("TRNS", TRNS_COLUMNS, {
        **common, "ACCNT": accounts.receivable, "AMOUNT": money_text(doc.total), "MEMO": doc.memo, "CLEAR": "N",
        "TOPRINT": "N", "NAMEISTAXABLE": "Y" if doc.tax else "N", "DUEDATE": date_text(doc.due_date, DATE_FORMAT),
    })]
    for ln in doc.lines:
        lines.append(_line("SPL", SPL_COLUMNS, {
            **common, "ACCNT": ln.income_account, "AMOUNT": money_text(-ln.amount), "MEMO": ln.description,
            "CLEAR": "N", "QNTY": plain_number(-ln.quantity), "PRICE": money_text(ln.unit_price),
            "INVITEM": ln.item, "TAXABLE": "Y" if ln.taxable else "N",
        }))
    if doc.tax:
        lines.append(_line("SPL", SPL_COLUMNS, {
            **common, "ACCNT": accounts.sales_tax, "AMOUNT": money_text(-doc.tax), "MEMO": "Sales tax",
            "CLEAR": "N", "PRICE": rate_text(doc.tax_rate), "INVITEM": accounts.tax_item, "TAXABLE": "N",
            "EXTRA": "AUTOSTAX",
        }))
    lines.append("ENDTRNS")
    return lines


def payment_lines(payment: ExportPayment, accounts: IifAccounts) -> list[str]:
    """A PAYMENT: TRNS to the deposit account, one SPL per invoice it settles and one for what is unapplied."""
    day = date_text(payment.date, DATE_FORMAT)
    common = {"TRNSTYPE": "PAYMENT", "DATE": day, "NAME": payment.customer}
    lines = [_line("TRNS", TRNS_COLUMNS, {
        **common, "ACCNT": accounts.deposit, "AMOUNT": money_text(payment.amount), "DOCNUM": payment.reference,
        "MEMO": f"Payment {payment.id}", "CLEAR": "N", "PAYMETH": payment.method,
    })]
    for number, amount in payment.applied:
        lines.append(_line("SPL", SPL_COLUMNS, {
            **common, "ACCNT": accounts.receivable, "AMOUNT": money_text(-amount), "DOCNUM": number,
            "MEMO": f"Applied to {number}", "CLEAR": "N",
        }))
    if payment.unapplied != ZERO:
        lines.append(_line("SPL", SPL_COLUMNS, {
            **common, "ACCNT": accounts.receivable, "AMOUNT": money_text(-payment.unapplied),
            "MEMO": "Unapplied credit", "CLEAR": "N",
        }))
    lines.append("ENDTRNS")
    return lines


def iif_text(docs: Sequence[ExportDoc], payments: Sequence[ExportPayment], accounts: IifAccounts) -> str:
    """The whole file: headers once, then invoices and credit memos in register order, then payments by date.
    Lines end CRLF, as QuickBooks for Windows writes them."""
    lines = header_lines()
    for doc in docs:
        lines.extend(document_lines(doc, accounts))
    for payment in payments:
        lines.extend(payment_lines(payment, accounts))
    return "\r\n".join(lines) + "\r\n"
