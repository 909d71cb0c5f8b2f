"""Running a sequence of billing periods on an in-memory book, as the register would grow."""

from __future__ import annotations

from mspxl.billing.run import plan_period, with_issued
from mspxl.records import Book, Invoice


def run_periods(book: Book, *periods: str) -> tuple[Book, dict[str, tuple[Invoice, ...]]]:
    issued: dict[str, tuple[Invoice, ...]] = {}
    for period in periods:
        plan = plan_period(book, period)
        issued[period] = plan.new
        book = with_issued(book, plan.new)
    return book, issued


def managed(invoices: tuple[Invoice, ...], client_id: str = "C1") -> Invoice:
    found = [i for i in invoices if i.client_id == client_id and i.type == "managed"]
    assert len(found) == 1, found
    return found[0]


def amounts(invoice: Invoice) -> list[tuple[str, str, str]]:
    """(service code, quantity, amount) of each line, as text, for exact comparison."""
    return [(ln.service_code, str(ln.quantity), str(ln.amount)) for ln in invoice.lines]
