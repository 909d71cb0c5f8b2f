"""The accounting mapping read from the workbook's own cells: Services `Accounting Item`, `Income Account`,
`Tax Code`; Clients `Accounting Name`, `Accounting Tax Code`; the Settings rows `Accounting ...`. A mapping cell
the chosen system needs and that is blank is an error with its cell, only for the services an export carries.

What each system needs:
- QuickBooks Online: a tax code on every taxed line (the service's `Tax Code`, e.g. TAX).
- QuickBooks Desktop (IIF): an income account on every line (the service's `Income Account`, else Settings
  `Accounting Income Account`).
- Xero: both (its AccountCode and TaxType are required columns).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mspxl.export.model import AccountingMap, ExportDoc
from mspxl.problems import Problem, error
from mspxl.records import Settings
from mspxl.workbook.table import Row, cell_ref

EXEMPT_DEFAULTS = {"qbo": "NON", "xero": "Tax Exempt", "iif": ""}
DATE_DEFAULTS = {"qbo": "MM/DD/YYYY", "xero": "DD/MM/YYYY", "iif": "MM/DD/YYYY"}
NEEDS_ACCOUNT = ("iif", "xero")
NEEDS_TAX_CODE = ("qbo", "xero")
SYSTEM_NAMES = {"qbo": "QuickBooks Online", "iif": "QuickBooks Desktop", "xero": "Xero"}


@dataclass(frozen=True)
class SheetCells:
    """A sheet's rows as read with its schema, and where each header sits (0-based column index)."""

    rows: Sequence[Row]
    columns: dict[str, int]


def _text(row: Row, header: str) -> str:
    value = row[header]
    return "" if value is None else str(value).strip()


def accounting_map(settings: Settings, fmt: str, services: SheetCells, clients: SheetCells) -> AccountingMap:
    """The mapping as the workbook gives it, defaults filled in."""
    def column(cells: SheetCells, key: str, header: str) -> dict[str, str]:
        return {_text(r, key): _text(r, header) for r in cells.rows if _text(r, header)}

    return AccountingMap(
        items={**column(services, "Service Code", "Name"), **column(services, "Service Code", "Accounting Item")},
        income_accounts=column(services, "Service Code", "Income Account"),
        tax_codes=column(services, "Service Code", "Tax Code"),
        customers=column(clients, "Client ID", "Accounting Name"),
        client_tax_codes=column(clients, "Client ID", "Accounting Tax Code"),
        emails=column(clients, "Client ID", "Email"),
        addresses=column(clients, "Client ID", "Address"),
        income_account=settings.accounting_income_account,
        exempt_tax_code=settings.accounting_exempt_tax_code or EXEMPT_DEFAULTS[fmt],
    )


def mapping_problems(fmt: str, docs: Iterable[ExportDoc], services: SheetCells, clients: SheetCells) -> list[Problem]:
    """Every mapping cell the export needs and finds blank, with its cell: for each service (or client, or setting)
    once, on the first document that needs it."""
    system = SYSTEM_NAMES[fmt]
    service_rows = {_text(r, "Service Code"): r for r in services.rows}
    client_rows = {_text(r, "Client ID"): r for r in clients.rows}
    found: dict[tuple[str, str], Problem] = {}
    for doc in docs:
        for ln in doc.lines:
            row = service_rows.get(ln.service_code)
            if fmt in NEEDS_ACCOUNT and not ln.income_account:
                key = ("account", ln.service_code if row and "Income Account" in services.columns else "")
                found.setdefault(key, _blank(services, "Services", row, "Income Account",
                                             f"{system} needs the income account of {ln.service_code} "
                                             f"(or Settings Accounting Income Account for every line)")
                                 if row else error("Settings", "", "Accounting Income Account",
                                                   f"is blank; {system} needs the income account of work, fees "
                                                   f"and credits ({ln.service_code} lines)"))
            if fmt in NEEDS_TAX_CODE and ln.taxable and not ln.tax_code:
                if row:
                    found.setdefault(("tax", ln.service_code if "Tax Code" in services.columns else ""), _blank(
                        services, "Services", row, "Tax Code", f"{system} needs the tax code of {ln.service_code}'s "
                        "taxed lines"))
                else:
                    found.setdefault(("tax", doc.client_id), _blank(
                        clients, "Clients", client_rows.get(doc.client_id), "Accounting Tax Code",
                        f"{system} needs the tax code of {doc.number}'s taxed {ln.service_code} line"))
    return list(found.values())


def _blank(cells: SheetCells, sheet: str, row: Row | None, header: str, why: str) -> Problem:
    column = cells.columns.get(header)
    if column is None or row is None:
        return error(sheet, "1", header, f"column is missing: add it; {why}")
    return error(sheet, cell_ref(row.number, column), header, f"is blank; {why}")


def setting_problems(settings: Settings) -> list[Problem]:
    """Settings `Accounting System` names a system mspxl exports to, or is blank."""
    name = settings.accounting_system.strip().lower()
    if name and name not in SYSTEM_NAMES:
        return [error("Settings", "", "Accounting System", "is not qbo (QuickBooks Online), iif (QuickBooks "
                      "Desktop) or xero", settings.accounting_system)]
    return []


def catalog_problems(fmt: str, services: SheetCells, clients: SheetCells, settings: Settings) -> list[Problem]:
    """`mspxl check` when Settings names an accounting system: every service as if it were exported, a taxable one
    as a taxed line when some client without its own Accounting Tax Code pays tax."""
    taxed_clients = [r for r in clients.rows if (r["Tax Rate"] or 0) and not _text(r, "Accounting Tax Code")]
    problems: list[Problem] = []
    for row in services.rows:
        code = _text(row, "Service Code")
        if fmt in NEEDS_ACCOUNT and not _text(row, "Income Account") and not settings.accounting_income_account:
            problems.append(_blank(services, "Services", row, "Income Account", f"{SYSTEM_NAMES[fmt]} needs the "
                                   f"income account of {code} (or Settings Accounting Income Account)"))
        if fmt in NEEDS_TAX_CODE and row["Taxable"] and taxed_clients and not _text(row, "Tax Code"):
            problems.append(_blank(services, "Services", row, "Tax Code", f"{SYSTEM_NAMES[fmt]} needs the tax code "
                                   f"of {code}'s taxed lines"))
    unique = {(p.sheet, p.cell, p.header): p for p in problems}
    return list(unique.values())
