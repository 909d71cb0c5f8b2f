"""Payment terms per client (Clients `Terms`) and the ACH day autopay clients are still debited on."""

from __future__ import annotations

from datetime import date, timedelta

from mspxl.billing.calendar import due_date
from mspxl.records import PERIOD_TYPES, TERMS_DAYS, Invoice, Settings


def terms_due_date(issue_date: date, terms: str, ach_due: date) -> date:
    """An invoice is due 15 or 30 days after its issue date under `Net 15` or `Net 30`, on its issue date when `Due
    on receipt`, and, when Terms is blank, on the ACH day of the month after its period (`ach_due`)."""
    days = TERMS_DAYS.get(terms)
    return ach_due if days is None else issue_date + timedelta(days=days)


def debit_date(invoice: Invoice, settings: Settings) -> date:
    """Autopay clients are still debited on the ACH day, whatever their terms: a managed, service or project
    invoice of period M on ACH Day of M+1; a fee invoice with the retry, on its due date."""
    if invoice.type in PERIOD_TYPES:
        return due_date(invoice.period, settings)
    return invoice.due_date
