"""Turning read rows into records: one function per sheet, each returning records and the problems it found."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from mspxl import schema as S
from mspxl.money import to_decimal
from mspxl.problems import Problem, error, warning
from mspxl.records import (
    Block,
    Charge,
    Client,
    Invoice,
    InvoiceLine,
    Payment,
    Project,
    Seat,
    Service,
    Settings,
    Subscription,
    Tier,
    UsageRow,
    WorkEntry,
)
from mspxl.schema import Column, Kind, header_key
from mspxl.settings import SETTINGS_BY_KEY
from mspxl.workbook.cells import CellError, read_cell, read_text
from mspxl.workbook.table import Row, cell_ref


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


def _txt(value: Any) -> str:
    return "" if value is None else str(value)


def build_settings(rows: list[Row]) -> tuple[Settings, list[Problem]]:
    """Each known setting read by its kind; missing rows take the defaults; unknown rows are kept as `extra`."""
    problems: list[Problem] = []
    fields: dict[str, object] = {}
    extra: dict[str, str] = {}
    for row in rows:
        name = _txt(row["Setting"])
        defn = SETTINGS_BY_KEY.get(header_key(name).replace("%", "%"))
        value = row["Value"]
        place = cell_ref(row.number, 1)
        if defn is None:
            extra[name] = _txt(value)
            continue
        if value is None or value == "":
            continue
        raw = row.values.get("Value")
        try:
            fields[defn.field] = _setting_value(defn.kind, raw, defn.low, defn.high, defn.choices)
        except CellError as exc:
            problems.append(error("Settings", place, defn.name, str(exc), raw))
    return Settings(**fields, extra=extra), problems  # type: ignore[arg-type]


def _setting_value(kind: str, raw: object, low: int | None, high: int | None,
                   choices: tuple[str, ...] = ()) -> object:
    if kind in ("text", "locale"):
        return read_text(raw)
    if kind == "currency":
        code = read_text(raw).upper()
        if len(code) != 3 or not code.isalpha():
            raise CellError("is not an ISO currency code (expected e.g. USD, EUR, GBP)")
        return code
    if kind == "int":
        number = read_cell(Column("n", Kind.DECIMAL), raw)
        if number != int(number) or (low is not None and number < low) or (high is not None and number > high):
            raise CellError(f"is not a whole number from {low} to {high}")
        return int(number)
    if kind == "rounding":
        text = read_text(raw).strip().lower()
        if text not in ("invoice", "line"):
            raise CellError("is not invoice or line (how tax is rounded: once per invoice, or per taxable line)")
        return text
    if kind == "months":
        text = read_text(raw)
        try:
            months = tuple(sorted({int(part) for part in text.replace(";", ",").split(",") if part.strip()}))
        except ValueError:
            raise CellError("is not a list of months (expected e.g. 1,7)") from None
        if not months or any(not 1 <= m <= 12 for m in months):
            raise CellError("is not a list of months from 1 to 12 (expected e.g. 1,7)")
        return months
    return read_cell(Column("v", S.SETTINGS_BY_KIND[kind], choices=choices), raw)


def build_services(rows: list[Row]) -> tuple[dict[str, Service], list[Problem]]:
    services: dict[str, Service] = {}
    for row in rows:
        if not row.ok:
            continue
        services.setdefault(row["Service Code"], Service(  # duplicates are reported by the validator
            code=_txt(row["Service Code"]),
            name=_txt(row["Name"]),
            model=_txt(row["Model"]),
            unit_price=_dec(row["Unit Price"]),
            included_qty=_dec(row["Included Qty"] or 0),
            unit=_txt(row["Unit"]),
            taxable=bool(row["Taxable"]),
            device_type=_txt(row["Device Type"]),
            unit_cost=_opt_dec(row["Unit Cost"]),
            tier_mode=_txt(row["Tier Mode"]),
            row=row.number,
        ))
    return services, []


def build_clients(rows: list[Row]) -> list[Client]:
    return [
        Client(
            id=_txt(get("Client ID")),
            name=_txt(get("Name")),
            email=_txt(get("Email")),
            start_date=get("Start Date"),  # type: ignore[arg-type]
            contact_first_name=_txt(get("Contact First Name")),
            contact_last_name=_txt(get("Contact Last Name")),
            address=_txt(get("Address")),
            status=_txt(get("Status")),
            end_date=get("End Date"),  # type: ignore[arg-type]
            frequency=_txt(get("Frequency")),
            tax_rate=_dec(get("Tax Rate") or 0),
            autopay=bool(get("Autopay")),
            bank_routing=_txt(get("Bank Routing")),
            bank_account=_txt(get("Bank Account")),
            hourly_rate=_opt_dec(get("Hourly Rate")),
            row=row.number,
        )
        for row in rows
        if row.ok
        for get in (row.values.get,)
    ]


def build_subscriptions(rows: list[Row]) -> list[Subscription]:
    return [
        Subscription(
            client_id=_txt(get("Client ID")),
            service_code=_txt(get("Service Code")),
            start_date=get("Start Date"),  # type: ignore[arg-type]
            quantity=_opt_dec(get("Quantity")),
            unit_price=_opt_dec(get("Unit Price")),
            end_date=get("End Date"),  # type: ignore[arg-type]
            unit_cost=_opt_dec(get("Unit Cost")),
            minimum_qty=_opt_dec(get("Minimum Qty")),
            row=row.number,
        )
        for row in rows
        if row.ok
        for get in (row.values.get,)
    ]


def build_tiers(rows: list[Row]) -> dict[str, tuple[Tier, ...]]:
    """The Tiers sheet by Service Code, each service's bands from the lowest From Qty up."""
    tiers: dict[str, list[Tier]] = defaultdict(list)
    for row in rows:
        if row.ok:
            code = _txt(row["Service Code"])
            tiers[code].append(Tier(code, _dec(row["From Qty"]), _dec(row["Unit Price"]), row.number))
    return {code: tuple(sorted(bands, key=lambda t: t.from_qty)) for code, bands in tiers.items()}


def build_blocks(rows: list[Row]) -> list[Block]:
    return [
        Block(
            block_id=_txt(get("Block ID")),
            client_id=_txt(get("Client ID")),
            hours=_dec(get("Hours")),
            price=_dec(get("Price")),
            purchased_on=get("Purchased On"),  # type: ignore[arg-type]
            expires_on=get("Expires On"),  # type: ignore[arg-type]
            invoice_number=_txt(get("Invoice Number")),
            row=row.number,
        )
        for row in rows
        if row.ok
        for get in (row.values.get,)
    ]


def build_seats(rows: list[Row], name_header: str, kind_header: str | None) -> list[Seat]:
    return [
        Seat(
            client_id=_txt(get("Client ID")),
            name=_txt(get(name_header)),
            added_on=get("Added On"),  # type: ignore[arg-type]
            removed_on=get("Removed On"),  # type: ignore[arg-type]
            kind=_txt(get(kind_header)) if kind_header else "",
            email=_txt(get("Email")),
            row=row.number,
        )
        for row in rows
        if row.ok
        for get in (row.values.get,)
    ]


def build_usage(rows: list[Row]) -> list[UsageRow]:
    return [
        UsageRow(
            client_id=_txt(get("Client ID")),
            period=_txt(get("Period")),
            service_code=_txt(get("Service Code")),
            quantity=_dec(get("Quantity")),
            invoice_number=_txt(get("Invoice Number")),
            row=row.number,
        )
        for row in rows
        if row.ok
        for get in (row.values.get,)
    ]


def build_work(rows: list[Row]) -> list[WorkEntry]:
    return [
        WorkEntry(
            entry_id=_txt(get("Entry ID")),
            client_id=_txt(get("Client ID")),
            date=get("Date"),  # type: ignore[arg-type]
            hours=_dec(get("Hours")),
            description=_txt(get("Description")),
            technician=_txt(get("Technician")),
            rate=_opt_dec(get("Rate")),
            project_id=_txt(get("Project ID")),
            billable=bool(get("Billable")),
            invoice_number=_txt(get("Invoice Number")),
            row=row.number,
        )
        for row in rows
        if row.ok
        for get in (row.values.get,)
    ]


def build_charges(rows: list[Row]) -> list[Charge]:
    return [
        Charge(
            charge_id=_txt(get("Charge ID")),
            client_id=_txt(get("Client ID")),
            date=get("Date"),  # type: ignore[arg-type]
            description=_txt(get("Description")),
            quantity=_dec(get("Quantity")),
            unit_price=_dec(get("Unit Price")),
            taxable=bool(get("Taxable")),
            project_id=_txt(get("Project ID")),
            invoice_number=_txt(get("Invoice Number")),
            row=row.number,
        )
        for row in rows
        if row.ok
        for get in (row.values.get,)
    ]


def build_projects(rows: list[Row]) -> dict[str, Project]:
    projects: dict[str, Project] = {}
    for row in rows:
        if row.ok:
            pid = _txt(row["Project ID"])
            projects.setdefault(pid, Project(pid, _txt(row["Client ID"]), _txt(row["Name"]), row.number))
    return projects


def build_payments(rows: list[Row]) -> list[Payment]:
    return [
        Payment(
            id=_txt(get("Payment ID")),
            client_id=_txt(get("Client ID")),
            date=get("Date"),  # type: ignore[arg-type]
            amount=_dec(get("Amount")),
            method=_txt(get("Method")),
            status=_txt(get("Status")),
            return_code=_txt(get("Return Code")),
            invoice_number=_txt(get("Invoice Number")),
            reference=_txt(get("Reference")),
            row=row.number,
        )
        for row in rows
        if row.ok
        for get in (row.values.get,)
    ]


def build_register(invoice_rows: list[Row], line_rows: list[Row]) -> tuple[list[Invoice], list[Problem]]:
    """The Invoices sheet with its lines from InvoiceLines, as issued invoices."""
    problems: list[Problem] = []
    lines: dict[str, list[InvoiceLine]] = defaultdict(list)
    for row in line_rows:
        if not row.ok:
            continue
        lines[_txt(row["Invoice Number"])].append(InvoiceLine(
            line=int(row["Line"] or 0),  # type: ignore[call-overload]
            service_code=_txt(row["Service Code"]),
            description=_txt(row["Description"]),
            quantity=_dec(row["Quantity"] or 0),
            unit_price=_dec(row["Unit Price"] or 0),
            amount=_dec(row["Amount"] or 0),
            taxable=_txt(row["Taxable"]).upper().startswith("Y"),
        ))
    invoices: list[Invoice] = []
    for row in invoice_rows:
        if not row.ok:
            continue
        number = _txt(row["Invoice Number"])
        missing = [h for h in ("Client ID", "Type", "Period", "Issue Date", "Due Date", "Total") if row[h] is None]
        if missing:
            problems.append(error("Invoices", f"A{row.number}", "Invoice Number",
                                  "register row is missing " + ", ".join(missing), number))
            continue
        subtotal = _dec(row["Subtotal"] or 0)
        tax = _dec(row["Tax"] or 0)
        invoices.append(Invoice(
            number=number,
            client_id=_txt(row["Client ID"]),
            client_name=_txt(row["Client Name"]),
            type=_txt(row["Type"]),
            period=_txt(row["Period"]),
            issue_date=row["Issue Date"],  # type: ignore[arg-type]
            due_date=row["Due Date"],  # type: ignore[arg-type]
            subtotal=subtotal,
            tax=tax,
            total=_dec(row["Total"]),
            lines=tuple(sorted(lines.get(number, []), key=lambda ln: ln.line)),
            billed_users=_opt_int(row["Billed Users"]),
            billed_devices=_opt_int(row["Billed Devices"]),
            related_invoice=_txt(row["Related Invoice"]),
            project_id=_txt(row["Project ID"]),
            file=_txt(row["File"]),
            row=row.number,
        ))
    return invoices, problems


def _opt_int(value: object) -> int | None:
    return None if value is None else int(to_decimal(value))


def warn(sheet: str, row: int, col: int, header: str, message: str, value: object = None) -> Problem:
    return warning(sheet, cell_ref(row, col), header, message, value)
