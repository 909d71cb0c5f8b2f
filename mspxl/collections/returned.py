"""A returned ACH debit as the Nacha Operating Rules see it: which invoice it paid, the day it was debited, why it
came back, and whether and when it is retried.

The Rules (Subsection 2.12.4) allow a returned entry to be reinitiated only when it was returned R01 or R09, within
180 days of the original entry's settlement date, with the same amount, Company Name and Company Identification,
in a separate batch described `RETRY PYMT`. The seed policy retries once, `Retry Days` after the return.

Choices where the rules are silent:
- The day a debit was taken is the date in its Payment ID (`ACH-YYYYMMDD-...`, the date `mspxl ach` wrote it
  for); a returned row entered by hand without such an ID was taken on the due date of the invoice it names, else
  its Date (the return date) is all there is.
- The invoice a debit paid is the one its row names; a row naming none paid the client's oldest open invoice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from mspxl.ach import returncodes
from mspxl.money import cents
from mspxl.records import Payment, Settings

REINITIATION_DAYS = 180  # Nacha: a reinitiated entry is sent within 180 days of the original settlement date
_DEBIT_ID = re.compile(r"ACH-(\d{4})(\d{2})(\d{2})-")


@dataclass(frozen=True)
class ReturnedDebit:
    payment: Payment
    invoice_number: str  # the invoice the debit paid ("" when unknown)
    debit_date: date  # the day it was debited (the entry's settlement date)
    amount: Decimal  # what came back
    code: str  # R01
    reason: str  # insufficient funds
    retry_on: date | None  # the day it is debited again; None: not retried
    not_retried: str  # why it is not retried ("" when it is)

    @property
    def return_date(self) -> date:
        return self.payment.date


def debit_date(payment: Payment, due_date: date | None = None) -> date:
    """The day a returned debit was taken: from its Payment ID, else the due date of its invoice, else its Date."""
    match = _DEBIT_ID.match(payment.id.strip())
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    return due_date or payment.date


def retry_date(settings: Settings, return_date: date) -> date:
    """The debit is retried `Retry Days` after the return date."""
    return return_date + timedelta(days=settings.retry_days)


def returned_debit(settings: Settings, payment: Payment, invoice_number: str = "",
                   due_date: date | None = None) -> ReturnedDebit:
    """The returned ACH debit `payment`; `invoice_number` and `due_date` name the invoice it paid when its row does
    not."""
    code = payment.return_code.strip().upper()
    taken = debit_date(payment, due_date)
    retry: date | None = retry_date(settings, payment.date)
    why = ""
    if not returncodes.may_retry(code):
        retry, why = None, returncodes.no_retry_advice(code)
    elif retry is not None and retry > taken + timedelta(days=REINITIATION_DAYS):
        why = (f"the retry on {retry.isoformat()} would be more than {REINITIATION_DAYS} days after the debit of "
               f"{taken.isoformat()}: collect by hand")
        retry = None
    reason = returncodes.describe(code) if code else "reason not recorded"
    paid = payment.invoice_number.strip() or invoice_number
    return ReturnedDebit(payment, paid, taken, cents(abs(payment.amount)), code, reason, retry, why)
