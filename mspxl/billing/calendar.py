"""Periods and dates: a billing period is a calendar month, written YYYY-MM."""

from __future__ import annotations

import calendar as _calendar
import re
from datetime import date

from mspxl.records import Client, Settings

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


class BadPeriod(ValueError):
    """Not a YYYY-MM period."""


def parse_period(text: str) -> tuple[int, int]:
    match = PERIOD_RE.match(text.strip())
    if not match:
        raise BadPeriod(f'"{text}" is not a period (expected YYYY-MM, e.g. 2026-11)')
    return int(match.group(1)), int(match.group(2))


def period_index(period: str) -> int:
    """Months since year 0, so periods can be subtracted."""
    year, month = parse_period(period)
    return year * 12 + month - 1


def period_from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_months(period: str, months: int) -> str:
    return period_from_index(period_index(period) + months)


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(period: str) -> date:
    year, month = parse_period(period)
    return date(year, month, 1)


def last_day(period: str) -> date:
    year, month = parse_period(period)
    return date(year, month, _calendar.monthrange(year, month)[1])


def month_label(period: str) -> str:
    """`Nov 2026`: short, for line descriptions (documents format their own dates with babel)."""
    return first_day(period).strftime("%b %Y")


def invoice_date(period: str, settings: Settings) -> date:
    """The managed-services invoice for period M is issued on Invoice Day of month M; it is also the cutoff."""
    year, month = parse_period(period)
    return date(year, month, settings.invoice_day)


def due_date(period: str, settings: Settings) -> date:
    """Every invoice of the run for period M is due on ACH Day of month M+1, the day the ACH debit is pulled."""
    year, month = parse_period(add_months(period, 1))
    return date(year, month, settings.ach_day)


def first_billed_period(client: Client, settings: Settings) -> str:
    """The first month whose invoice date is on or after the client's Start Date."""
    period = period_of(client.start_date)
    if invoice_date(period, settings) < client.start_date:
        period = add_months(period, 1)
    return period


def client_is_billed(client: Client, period: str, settings: Settings) -> bool:
    """A client is billed for period M when its Status is active, its Start Date is on or before the invoice date
    and its End Date is blank or after the invoice date."""
    issued = invoice_date(period, settings)
    return (
        client.status == "active"
        and client.start_date <= issued
        and (client.end_date is None or client.end_date > issued)
    )


def cycle_periods(client: Client, period: str, settings: Settings) -> tuple[str, ...] | None:
    """Quarterly or annual clients get one invoice every 3 or 12 months for the whole cycle in advance; the first
    cycle starts with the client's first billed period. Returns the months the invoice of `period` covers, or None
    when `period` is not the first month of a cycle."""
    months = CYCLE_MONTHS[client.frequency]
    offset = period_index(period) - period_index(first_billed_period(client, settings))
    if offset < 0 or offset % months:
        return None
    return tuple(add_months(period, i) for i in range(months))


def cycle_label(periods: tuple[str, ...]) -> str:
    """`Nov 2026` for one month, `Dec 2026 - Feb 2027` for a cycle."""
    if len(periods) == 1:
        return month_label(periods[0])
    return f"{month_label(periods[0])} - {month_label(periods[-1])}"
