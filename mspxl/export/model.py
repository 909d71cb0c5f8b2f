"""Export documents: register rows resolved with the workbook's accounting mapping, ready for any format.

Choices where the sources are silent:
- A line's item is the service's `Accounting Item` (default: its Name); lines that are not from the Services sheet
  take a fixed item: `Labor` (work, service code LABOR), `Returned payment fee` (FEE), `Credit` (a credit note's
  single line, CREDIT) and `Materials` (a Charges row, CHARGE).
- Income account: the service's `Income Account`, else Settings `Accounting Income Account`.
- Tax code of a taxed line: the client's `Accounting Tax Code`, else the service's `Tax Code`, else (work and
  credit lines have no service) the one tax code all services share; of an untaxed line (service not taxable,
  or the client's Tax Rate is 0): Settings `Accounting Exempt Tax Code`.
- Customer: the client's `Accounting Name`, else its Name.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from mspxl.money import ZERO
from mspxl.records import CHARGE_CODE, Invoice

FORMATS = ("qbo", "iif", "xero")
FORMAT_NAMES = {"qbo": "QuickBooks Online", "iif": "QuickBooks Desktop (IIF)", "xero": "Xero"}
LABOR_CODE, FEE_CODE, CREDIT_CODE = "LABOR", "FEE", "CREDIT"


@dataclass(frozen=True)
class AccountingMap:
    """The workbook's mapping from its own codes to the accounting system's names (all plain text)."""

    items: MappingType[str, str] = field(default_factory=dict)  # service code -> item
    income_accounts: MappingType[str, str] = field(default_factory=dict)  # service code -> income account
    tax_codes: MappingType[str, str] = field(default_factory=dict)  # service code -> tax code of a taxed line
    customers: MappingType[str, str] = field(default_factory=dict)  # client id -> customer / contact name
    client_tax_codes: MappingType[str, str] = field(default_factory=dict)  # client id -> tax code (overrides)
    emails: MappingType[str, str] = field(default_factory=dict)  # client id -> email
    addresses: MappingType[str, str] = field(default_factory=dict)  # client id -> postal address (one text)
    labor_item: str = "Labor"
    fee_item: str = "Returned payment fee"
    credit_item: str = "Credit"
    charge_item: str = "Materials"
    income_account: str = ""
    exempt_tax_code: str = ""


@dataclass(frozen=True)
class ExportLine:
    item: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    taxable: bool
    income_account: str
    tax_code: str
    service_code: str = ""


@dataclass(frozen=True)
class ExportDoc:
    """An invoice or a credit note as the accounting system sees it. Amounts keep the register's signs (a credit
    note's are negative); each format turns them the way its importer wants."""

    number: str
    kind: str  # invoice | credit
    client_id: str
    customer: str
    issue_date: date
    due_date: date
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    tax_rate: Decimal
    lines: tuple[ExportLine, ...]
    memo: str = ""
    related: str = ""
    email: str = ""
    address: str = ""

    @property
    def is_credit(self) -> bool:
        return self.kind == "credit"


@dataclass(frozen=True)
class ExportPayment:
    """A cleared payment and the invoices it settles (invoice number, amount), what is left of it unapplied."""

    id: str
    client_id: str
    customer: str
    date: date
    amount: Decimal
    method: str
    reference: str
    applied: tuple[tuple[str, Decimal], ...] = ()
    unapplied: Decimal = ZERO


def line_item(code: str, mapping: AccountingMap) -> str:
    """The accounting item of a line's service code."""
    special = {LABOR_CODE: mapping.labor_item, FEE_CODE: mapping.fee_item, CREDIT_CODE: mapping.credit_item,
               CHARGE_CODE: mapping.charge_item}
    if code in mapping.items:
        return mapping.items[code]
    return special.get(code, code)


def line_tax_code(code: str, taxed: bool, client_id: str, mapping: AccountingMap) -> str:
    """A taxed line takes the client's tax code, else its service's, else (work, a credit: no service) the one tax
    code every service shares; an untaxed line the exempt code."""
    if not taxed:
        return mapping.exempt_tax_code
    shared = set(mapping.tax_codes.values())
    return (mapping.client_tax_codes.get(client_id) or mapping.tax_codes.get(code)
            or (shared.pop() if len(shared) == 1 else ""))


def memo_of(inv: Invoice) -> str:
    """What the accountant reads beside the document: its type, period and what it relates to."""
    if inv.type == "credit":
        return f"Credit note for {inv.related_invoice}"
    if inv.type == "fee":
        return f"Returned payment fee ({inv.related_invoice})"
    return f"{inv.type.capitalize()} invoice {inv.period}" + (f", project {inv.project_id}" if inv.project_id else "")


def export_doc(inv: Invoice, mapping: AccountingMap) -> ExportDoc:
    """A register row (with its lines) resolved with the mapping."""
    taxed_invoice = inv.tax != ZERO
    lines = tuple(
        ExportLine(
            item=line_item(ln.service_code, mapping),
            description=ln.description,
            quantity=ln.quantity,
            unit_price=ln.unit_price,
            amount=ln.amount,
            taxable=ln.taxable and taxed_invoice,
            income_account=mapping.income_accounts.get(ln.service_code) or mapping.income_account,
            tax_code=line_tax_code(ln.service_code, ln.taxable and taxed_invoice, inv.client_id, mapping),
            service_code=ln.service_code,
        )
        for ln in inv.lines
    )
    return ExportDoc(
        number=inv.number,
        kind="credit" if inv.type == "credit" else "invoice",
        client_id=inv.client_id,
        customer=mapping.customers.get(inv.client_id) or inv.client_name,
        issue_date=inv.issue_date,
        due_date=inv.due_date,
        subtotal=inv.subtotal,
        tax=inv.tax,
        total=inv.total,
        tax_rate=inv.tax_rate,
        lines=lines,
        memo=memo_of(inv),
        related=inv.related_invoice if inv.type == "credit" else "",
        email=mapping.emails.get(inv.client_id, ""),
        address=mapping.addresses.get(inv.client_id, ""),
    )


def plain_number(value: Decimal) -> str:
    """A quantity without exponent or trailing zeros: 3, 1.5, 0.25."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def money_text(value: Decimal) -> str:
    """An amount with two decimals and a minus sign when negative, no thousands separator: -1250.00."""
    return format(value.quantize(Decimal("0.01")) + 0, "f")  # + 0: never "-0.00"


DATE_FORMATS = {"MM/DD/YYYY": "%m/%d/%Y", "DD/MM/YYYY": "%d/%m/%Y", "YYYY-MM-DD": "%Y-%m-%d"}


def date_text(day: date, fmt: str) -> str:
    """A date in one of DATE_FORMATS."""
    return day.strftime(DATE_FORMATS[fmt])
