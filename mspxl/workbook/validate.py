"""Cross-sheet validation: references, duplicates, date order, and the suspicious-but-legal warnings.

Validators are small functions `(book, places) -> problems`; all of them run and every problem is collected.
`places` maps (sheet, row) to the column indexes of that sheet so a problem can name its cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from operator import attrgetter
from typing import Any

from mspxl.ach.routing import bank_details
from mspxl.problems import Problem, error, warning
from mspxl.records import TERMS_DAYS, Book
from mspxl.workbook.table import cell_ref
from mspxl.workbook.validate_models import (
    blocks_are_well_formed,
    minimum_fits_model,
    price_changes_are_well_formed,
    tiers_are_well_formed,
)
from mspxl.workbook.verify import register_checks

Columns = dict[str, dict[str, int]]  # sheet -> header -> 0-based column


def _cell(cols: Columns, sheet: str, row: int, header: str) -> str:
    return cell_ref(row, cols.get(sheet, {}).get(header, 0))


def duplicate_ids(book: Book, cols: Columns, rows: dict[str, list[tuple[int, str]]]) -> list[Problem]:
    """Duplicate IDs (Client ID, Service Code, Entry ID, Project ID, Payment ID) are errors."""
    problems = []
    for (sheet, header), entries in rows.items():  # type: ignore[misc]
        seen: dict[str, int] = {}
        for number, value in entries:
            if value in seen:
                problems.append(error(sheet, _cell(cols, sheet, number, header), header,
                                      f"is a duplicate (already on row {seen[value]})", value))
            else:
                seen[value] = number
    return problems


def unknown_references(book: Book, cols: Columns, known: dict[str, set[str]]) -> list[Problem]:
    """Unknown Client ID, Service Code or Project ID references are errors. `known` holds the IDs written on the
    Clients, Services and Projects sheets, rows with errors of their own included, so one bad row is one error."""
    clients = known["Clients"] | {c.id for c in book.clients}
    services = known["Services"] | set(book.services)
    projects = known["Projects"] | set(book.projects)
    problems: list[Problem] = []

    client = ("Client ID", "client_id", clients, "Client ID (Clients sheet)")
    service = ("Service Code", "service_code", services, "Service Code (Services)")
    project = ("Project ID", "project_id", projects, "Project ID (Projects sheet)")
    checks: list[tuple[str, Iterable[Any], tuple[tuple[str, str, set[str], str], ...]]] = [
        ("Subscriptions", book.subscriptions, (client, service)),
        ("Users", book.users, (client,)),
        ("Devices", book.devices, (client,)),
        ("Usage", book.usage, (client, service)),
        ("WorkLog", book.work, (client, project)),
        ("Charges", book.charges, (client, project)),
        ("Price Changes", book.price_changes, (service, client)),
        ("Projects", book.projects.values(), (client,)),
        ("Payments", book.payments, (client,)),
    ]
    for sheet, records, columns in checks:
        if all(_all_known(records, attr, known) for _, attr, known, _ in columns):
            continue  # the common case, found without a call per row
        for record in records:
            for header, attr, known, what in columns:
                value = getattr(record, attr)
                if value and value not in known:
                    problems.append(error(sheet, _cell(cols, sheet, record.row, header), header,
                                          f"is not a known {what}", value))
    return problems


def _all_known(records: Iterable[Any], attr: str, known: set[str]) -> bool:
    values = set(map(attrgetter(attr), records))
    values.discard("")
    return values <= known


def payments_name_known_invoices(book: Book, cols: Columns) -> list[Problem]:
    """A payment naming an invoice that is not in the register (yet) is a warning: until it is, the payment
    settles the client's oldest open invoices."""
    numbers = {inv.number for inv in book.invoices}
    return [
        warning("Payments", _cell(cols, "Payments", p.row, "Invoice Number"), "Invoice Number",
                "is not on the Invoices sheet: the payment goes to the oldest open invoices", p.invoice_number)
        for p in book.payments
        if p.invoice_number and p.invoice_number not in numbers
    ]


def dates_in_order(book: Book, cols: Columns) -> list[Problem]:
    """A Removed On before Added On, or an End Date before the Start Date, is an error."""
    problems = []
    for sheet, seats in (("Users", book.users), ("Devices", book.devices)):
        for seat in seats:
            if seat.removed_on is not None and seat.removed_on < seat.added_on:
                problems.append(error(sheet, _cell(cols, sheet, seat.row, "Removed On"), "Removed On",
                                      f"is before Added On ({seat.added_on.isoformat()})", seat.removed_on.isoformat()))
    for client in book.clients:
        if client.end_date is not None and client.end_date < client.start_date:
            problems.append(error("Clients", _cell(cols, "Clients", client.row, "End Date"), "End Date",
                                  f"is before Start Date ({client.start_date.isoformat()})",
                                  client.end_date.isoformat()))
    for sub in book.subscriptions:
        if sub.end_date is not None and sub.end_date < sub.start_date:
            problems.append(error("Subscriptions", _cell(cols, "Subscriptions", sub.row, "End Date"), "End Date",
                                  f"is before Start Date ({sub.start_date.isoformat()})", sub.end_date.isoformat()))
    return problems


def quantities_fit_models(book: Book, cols: Columns) -> list[Problem]:
    """Quantity on a per-user, per-device or usage subscription is an error: the count comes from its sheet.

    Usage rows must name a usage service.
    """
    problems = []
    for sub in book.subscriptions:
        service = book.services.get(sub.service_code)
        if service and service.model != "flat" and sub.quantity is not None:
            source = {"per_user": "Users", "per_device": "Devices", "usage": "Usage"}[service.model]
            problems.append(error("Subscriptions", _cell(cols, "Subscriptions", sub.row, "Quantity"), "Quantity",
                                  f"must be blank for a {service.model} service: the count comes from the "
                                  f"{source} sheet", sub.quantity))
    for usage in book.usage:
        service = book.services.get(usage.service_code)
        if service and service.model != "usage":
            problems.append(error("Usage", _cell(cols, "Usage", usage.row, "Service Code"), "Service Code",
                                  f"is a {service.model} service, not a usage service", usage.service_code))
    return problems


def work_has_a_rate(book: Book, cols: Columns) -> list[Problem]:
    """A billable, not yet invoiced WorkLog row with no Rate, no client Hourly Rate and no Default Hourly Rate."""
    if book.settings.default_hourly_rate is not None:
        return []
    rates = {c.id: c.hourly_rate for c in book.clients}
    return [
        error("WorkLog", _cell(cols, "WorkLog", w.row, "Rate"), "Rate",
              "is blank and neither the client's Hourly Rate nor Settings Default Hourly Rate is set")
        for w in book.work
        if w.billable and not w.invoice_number and w.rate is None and rates.get(w.client_id) is None
    ]


def project_belongs_to_client(book: Book, cols: Columns) -> list[Problem]:
    """Work and charges on a project must be logged for the project's client."""
    problems = []
    for sheet, rows in (("WorkLog", book.work), ("Charges", book.charges)):
        for w in rows:
            project = book.projects.get(w.project_id)
            if project is not None and project.client_id != w.client_id:
                problems.append(error(sheet, _cell(cols, sheet, w.row, "Project ID"), "Project ID",
                                      f"belongs to client {project.client_id}, not {w.client_id}", w.project_id))
    return problems


def suspicious_data(book: Book, cols: Columns, today: date) -> list[Problem]:
    """Warnings that do not stop a run: an active client with no subscription, a user or device added in the future,
    a debit authorization dated in the future (it would lift a block after a return before it is signed)."""
    problems = []
    subscribed = {s.client_id for s in book.subscriptions}
    for client in book.clients:
        if client.status == "active" and client.id not in subscribed:
            problems.append(warning("Clients", _cell(cols, "Clients", client.row, "Client ID"), "Client ID",
                                    "has no subscriptions: no managed invoice will be issued", client.id))
        if client.debit_authorized_on is not None and client.debit_authorized_on > today:
            problems.append(warning("Clients", _cell(cols, "Clients", client.row, "Debit Authorized On"),
                                    "Debit Authorized On", "is in the future: enter the day the client signed",
                                    client.debit_authorized_on.isoformat()))
    for sheet, seats in (("Users", book.users), ("Devices", book.devices)):
        for seat in seats:
            if seat.added_on > today:
                problems.append(warning(sheet, _cell(cols, sheet, seat.row, "Added On"), "Added On",
                                        "is in the future", seat.added_on.isoformat()))
    return problems


def register_is_intact(book: Book, cols: Columns) -> list[Problem]:
    """The register is never repaired silently: rows that do not re-add from their lines, a duplicated number or a
    gap are reported (the same checks as `mspxl verify`)."""
    return register_checks(book, cols)


def terms_fall_due_before_the_debit(book: Book, cols: Columns) -> list[Problem]:
    """An autopay client with Terms that fall due before the ACH day (Net 15 on an invoice of the 5th, Due on receipt)
    shows as past due until the debit on the ACH day: a warning, since the MSP may mean it."""
    problems = []
    for client in book.clients:
        days = TERMS_DAYS.get(client.terms)
        if not client.autopay or days is None:
            continue
        issued = date(2026, 2, book.settings.invoice_day)  # February leaves the fewest days to the ACH day
        if issued + timedelta(days=days) < date(2026, 3, book.settings.ach_day):
            problems.append(warning("Clients", _cell(cols, "Clients", client.row, "Terms"), "Terms",
                                    "falls due before the ACH debit on ACH Day: the autopay client shows past due "
                                    "until the debit", client.terms))
    return problems


Validator = Callable[[Book, Columns], list[Problem]]
VALIDATORS: tuple[Validator, ...] = (
    bank_details,
    payments_name_known_invoices,
    dates_in_order,
    quantities_fit_models,
    work_has_a_rate,
    project_belongs_to_client,
    register_is_intact,
    tiers_are_well_formed,
    minimum_fits_model,
    blocks_are_well_formed,
    price_changes_are_well_formed,
    terms_fall_due_before_the_debit,
)


def validate(book: Book, cols: Columns, ids: dict, today: date) -> list[Problem]:
    problems = duplicate_ids(book, cols, ids)
    known = {sheet: {value for _, value in entries} for (sheet, _), entries in ids.items()}
    known.setdefault("Projects", set())
    problems.extend(unknown_references(book, cols, known))
    for validator in VALIDATORS:
        problems.extend(validator(book, cols))
    problems.extend(suspicious_data(book, cols, today))
    return problems
