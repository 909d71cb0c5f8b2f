"""Worksheet functions (xlwings UDFs): figures from the calling workbook, computed with the same engine as the
buttons and the command line.

    =MSPXL_BILLED_USERS(client, period)   users billed on the client's managed invoice of the period
    =MSPXL_INVOICE_TOTAL(client, period)  total of the client's invoices of the period (managed, service, project)
    =MSPXL_BALANCE(client, as_of)         what the client owes as of the date
    =MSPXL_STATE(client, as_of)           current / past_due / payment_failed / credit_hold / service_hold
    =MSPXL_PREVIEW(client, period)        the lines of the client's invoices of the period, spilled

For a period already invoiced the register answers; otherwise the invoices the period would issue do, so a
function gives the same figure before and after Generate Invoices. A problem (an unknown client, a workbook with
errors) comes back as a short text in the cell.

The functions exist in Excel for Windows only (xlwings' worksheet functions run through a COM server). They are
built into the add-in: `make addin` writes their VBA wrapper with xlwings' own generator. Arguments are annotated
`Any`: xlwings turns an annotation into a converter, and `Any` is its converter for plain values.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from typing import Any

import xlwings as xw

from mspxl.billing.calendar import BadPeriod, parse_period
from mspxl.billing.one_invoice import managed_part
from mspxl.billing.run import plan_period
from mspxl.collections import run_collections
from mspxl.collections.statement import client_balance
from mspxl.problems import has_errors
from mspxl.records import PERIOD_TYPES, Book, Invoice
from mspxl.workbook.cells import CellError, read_date, read_text
from mspxl.workbook.load import load_raw
from mspxl.xl.excel import Excel, excel_value

CACHE_SECONDS = 2.0
PREVIEW_HEADERS = ["Invoice Number", "Type", "Description", "Quantity", "Unit Price", "Amount"]
BILLED_TYPES = PERIOD_TYPES


class Unanswerable(Exception):
    """The function cannot answer; the message is what the cell shows."""


_cache: dict[str, tuple[float, Book]] = {}


def records_of(book: Any, today: date | None = None) -> Book:
    """The workbook's records; read again at most every CACHE_SECONDS, since a recalculation calls every function
    cell at once."""
    now = time.monotonic()
    xl = Excel(book)
    cached = _cache.get(xl.fullname)
    if cached is not None and now - cached[0] < CACHE_SECONDS and today is None:
        return cached[1]
    loaded = load_raw(xl.read(), today or date.today())
    if loaded.book is None or has_errors(loaded.problems):
        raise Unanswerable("the workbook has errors: press Check Workbook")
    _cache[xl.fullname] = (now, loaded.book)
    return loaded.book


def period_arg(value: object) -> str:
    """`2026-11` as text, or the date Excel made of it."""
    text = read_text(value) if value is not None else ""
    candidate = text[:7] if len(text) == 10 and text[7] == "-" else text
    try:
        parse_period(candidate)
    except BadPeriod as exc:
        raise Unanswerable(str(exc)) from None
    return candidate


def date_arg(value: object) -> date:
    try:
        return read_date(value)
    except CellError as exc:
        raise Unanswerable(f'"{read_text(value)}" {exc}') from None


def client_arg(book: Book, value: object) -> str:
    client_id = read_text(value) if value is not None else ""
    if not any(c.id == client_id for c in book.clients):
        raise Unanswerable(f'unknown client "{client_id}"')
    return client_id


def period_invoices(book: Book, client_id: str, period: str) -> list[Invoice]:
    """The client's managed, service and project invoices of the period: from the register when the period has
    been invoiced for the client, else the ones Generate Invoices would issue."""
    issued = [inv for inv in book.invoices
              if inv.client_id == client_id and inv.period == period and inv.type in BILLED_TYPES]
    planned = [inv for inv in plan_period(book, period).new if inv.client_id == client_id]
    return issued + planned


def billed_users(book: Book, client_id: str, period: str) -> int | None:
    """Users billed on the client's managed invoice of the period (None when it has no per-user line)."""
    managed = [part for part in map(managed_part, period_invoices(book, client_id, period)) if part is not None]
    if not managed:
        raise Unanswerable(f"no managed invoice for {client_id} in {period}")
    return managed[0].billed_users


def invoice_total(book: Book, client_id: str, period: str) -> Decimal:
    """Total of the client's managed, service and project invoices of the period."""
    return sum((inv.total for inv in period_invoices(book, client_id, period)), Decimal(0))


def balance(book: Book, client_id: str, as_of: date) -> Decimal:
    """What the client owes as of the date, by the balance rule."""
    return client_balance(client_id, book.invoices, book.payments, as_of)


def state(book: Book, client_id: str, as_of: date) -> str:
    """The client's collections state as of the date."""
    result = run_collections(book.settings, book.clients, book.invoices, book.payments, as_of,
                             book.collection_states)
    return result.status(client_id).state


def preview(book: Book, client_id: str, period: str) -> list[list[object]]:
    """A header row, then one row per line of the client's invoices of the period."""
    rows: list[list[object]] = [list(PREVIEW_HEADERS)]
    for inv in period_invoices(book, client_id, period):
        for ln in inv.lines:
            rows.append([inv.number, inv.type, ln.description, ln.quantity, ln.unit_price, ln.amount])
    return rows


def answer(compute: Any, caller: Any, *args: Any) -> Any:
    """Run a function for a cell: Excel values in, an Excel value (or the reason there is none) out."""
    try:
        result = compute(records_of(caller.sheet.book), *args)
    except Unanswerable as exc:
        return f"#mspxl: {exc}"
    if isinstance(result, list):
        return [[excel_value(v) for v in row] for row in result]
    return excel_value(result)


def _with(book: Book, client: object, convert: Any, value: object, compute: Any) -> Any:
    return compute(book, client_arg(book, client), convert(value))


@xw.func
def MSPXL_BILLED_USERS(client: Any, period: Any, caller: Any) -> Any:  # noqa: N802 - Excel's name
    """Users billed on the client's managed invoice of the period."""
    return answer(lambda b: _with(b, client, period_arg, period, billed_users), caller)


@xw.func
def MSPXL_INVOICE_TOTAL(client: Any, period: Any, caller: Any) -> Any:  # noqa: N802
    """Total of the client's invoices of the period (managed, service, project)."""
    return answer(lambda b: _with(b, client, period_arg, period, invoice_total), caller)


@xw.func
def MSPXL_BALANCE(client: Any, as_of: Any, caller: Any) -> Any:  # noqa: N802
    """What the client owes as of the date."""
    return answer(lambda b: _with(b, client, date_arg, as_of, balance), caller)


@xw.func
def MSPXL_STATE(client: Any, as_of: Any, caller: Any) -> Any:  # noqa: N802
    """The client's collections state as of the date."""
    return answer(lambda b: _with(b, client, date_arg, as_of, state), caller)


@xw.func
def MSPXL_PREVIEW(client: Any, period: Any, caller: Any) -> Any:  # noqa: N802
    """The lines of the client's invoices of the period, spilled below and to the right."""
    return answer(lambda b: _with(b, client, period_arg, period, preview), caller)
