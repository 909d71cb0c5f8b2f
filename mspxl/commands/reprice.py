"""`mspxl reprice`: an annual price increase written as Price Changes rows, each row once, with the Runs row in the
same save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from mspxl.audit import audited, note_issued
from mspxl.billing.calendar import BadPeriod, parse_period
from mspxl.billing.gaps import latest_period_billed
from mspxl.billing.reprice import PriceIncrease, price_increases
from mspxl.commands.common import load_checked
from mspxl.lock import workbook_lock
from mspxl.money import NotANumber, to_decimal
from mspxl.problems import Problem
from mspxl.records import Book
from mspxl.schema import PRICE_CHANGES
from mspxl.writers.changes import RecordRows, WorkbookChanges
from mspxl.writers.xlsx import prepare_update, refuse_if_open

HEADERS = tuple(c.header for c in PRICE_CHANGES.columns)


class RepriceRefused(ValueError):
    """The options name no percentage, month, service or client that can be used; nothing was written."""


@dataclass(frozen=True)
class RepriceRun:
    percent: Decimal
    start: str  # the month the new prices take effect, YYYY-MM
    rows: tuple[PriceIncrease, ...]  # new rows first written by this run (or, in a dry run, that would be)
    already: tuple[PriceIncrease, ...]  # rows already on the sheet: not written again
    left_out: tuple[str, ...]  # services not repriced, and why
    client_names: dict[str, str]
    dry_run: bool
    warnings: list[Problem]


def reprice_options(percent: str, start: str) -> tuple[Decimal, str]:
    """--percent (a number above -100) and --from (YYYY-MM) read from their text (RepriceRefused)."""
    try:
        value = to_decimal(percent)
    except NotANumber:
        raise RepriceRefused(f'--percent "{percent}" is not a number (expected e.g. 5 or 3.5)') from None
    if value <= -100 or value == 0:
        raise RepriceRefused(f"--percent {percent} would not change prices sensibly (expected e.g. 5, or -10 for a "
                             "decrease)")
    try:
        year, month = parse_period(start)
    except BadPeriod as exc:
        raise RepriceRefused(f"--from {exc}") from None
    return value, f"{year:04d}-{month:02d}"


def _known(book: Book, service: str | None, client: str | None, start: str) -> None:
    """The service and the client named exist, and the month is not billed yet: an increase from a month already
    in the register changes no issued invoice but would reprice its reissue, so it is refused."""
    latest = latest_period_billed(book)
    if latest is not None and start <= latest:
        raise RepriceRefused(f"--from {start} is a month already billed (the register runs to {latest}): an "
                             "increase from it would change no issued invoice, only a reissue of one; choose a "
                             "later month")
    if service is not None and service not in book.services:
        raise RepriceRefused(f'--service "{service}" is not a Service Code of the Services sheet')
    if client is not None and client not in {c.id for c in book.clients}:
        raise RepriceRefused(f'--client "{client}" is not a Client ID of the Clients sheet')


def reprice(path: Path, percent: Decimal, start: str, today: date, service: str | None = None,
            client: str | None = None, dry_run: bool = False) -> RepriceRun:
    """Write the Price Changes rows of a `percent` increase from month `start` (for one service and/or client when
    given): new price = the price in effect that month x (1 + percent / 100), rounded half-up to cents. A row whose
    service, client and month are already on the sheet is reported, not written again. A dry run writes nothing;
    WorkbookHasErrors / RepriceRefused / WorkbookRefused: nothing written."""
    if dry_run:
        return _reprice(path, percent, start, today, service, client, dry_run)
    with workbook_lock(path):
        refuse_if_open(path)
        return _reprice(path, percent, start, today, service, client, dry_run)


def _reprice(path: Path, percent: Decimal, start: str, today: date, service: str | None, client: str | None,
             dry_run: bool) -> RepriceRun:
    book, problems = load_checked(path, today)
    _known(book, service, client, start)
    planned, left_out = price_increases(book, percent, start, service, client)
    new = tuple(p for p in planned if not p.existing_row)
    run = RepriceRun(percent, start, new, tuple(p for p in planned if p.existing_row), tuple(left_out),
                     {c.id: c.name for c in book.clients}, dry_run, problems)
    if dry_run or not new:
        return run
    rows = [{"Service Code": p.service_code, "Client ID": p.client_id or None, "Effective From": start,
             "Unit Price": p.new_price} for p in new]
    changes = WorkbookChanges(records={PRICE_CHANGES.name: RecordRows(HEADERS, "Service Code", rows,
                                                                      {"Unit Price": "money"})})
    save = prepare_update(path, changes, book.settings.currency, book.settings.locale)
    note_issued({"price change": len(new)}, None)
    save()
    return run


def run_reprice(path: Path, percent: str, start: str, today: date, service: str | None = None,
                client: str | None = None, dry_run: bool = False) -> RepriceRun:
    """`mspxl reprice`: `reprice` with --percent and --from as given, with its row on the Runs sheet when it
    wrote."""
    value, month = reprice_options(percent, start)
    args = [path.name, "--percent", percent, "--from", month]
    args += ["--service", service] if service is not None else []
    args += ["--client", client] if client is not None else []
    if dry_run:
        return reprice(path, value, month, today, service, client, dry_run=True)
    return audited(path, "reprice", args, lambda: reprice(path, value, month, today, service, client))
