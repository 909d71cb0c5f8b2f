"""A skipped month: the months a period would leave unbilled between it and the latest period billed."""

from __future__ import annotations

from mspxl.billing.calendar import BadPeriod, period_from_index, period_index
from mspxl.records import PERIOD_TYPES, Book


def latest_period_billed(book: Book) -> str | None:
    """The latest Period of the register's managed, service and project invoices (fees and credit notes follow
    returns and corrections, not the monthly run); None on an empty register."""
    indexes = []
    for inv in book.invoices:
        if inv.type in PERIOD_TYPES:
            try:
                indexes.append(period_index(inv.period))
            except BadPeriod:
                continue
    return period_from_index(max(indexes)) if indexes else None


def unbilled_months(book: Book, period: str) -> tuple[str, ...]:
    """The months between the latest period billed and `period` that no run has billed: a period is billed after
    the one before it, so usage, work and the twice-a-year decrease rule land in their own month. A first run on an
    empty register, a period again or an earlier period leaves none."""
    latest = latest_period_billed(book)
    if latest is None:
        return ()
    return tuple(period_from_index(i) for i in range(period_index(latest) + 1, period_index(period)))
