"""The retry policy's processing fee: amount, retry date, and the `fee` invoice draft.

Choices where the rules are silent:
- A fee that comes to 0.00 (a Retry Fee % of 0, or a returned amount of 0.00) is not issued; the retry still
  is.
- The Payments sheet's Method is compared without regard to case or surrounding spaces.
- The returned amount is taken as written (its absolute value, should a returned row carry a minus sign).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from mspxl.ach import returncodes
from mspxl.money import ZERO, cents
from mspxl.records import Client, Invoice, InvoiceLine, Payment, Settings

FEE_SERVICE_CODE = "FEE"


def starts_retry_policy(payment: Payment) -> bool:
    """Only returned ACH debits start the retry policy; a returned check, card or wire simply does not count
    as paid."""
    return payment.status.strip().lower() == "returned" and payment.method.strip().upper() == "ACH"


def retry_is_pointless(payment: Payment) -> bool:
    """A return coded account closed, no account, authorization revoked (the codes of NO_RETRY) is not retried and
    charges no retry fee: the client goes straight to the next step of the policy, credit hold from the return
    date."""
    return starts_retry_policy(payment) and returncodes.retry_is_pointless(payment.return_code)


def no_retry_reason(payment: Payment) -> str:
    """`R02 account closed: ask the client for new bank details`."""
    code = payment.return_code.strip().upper()
    return f"{code} {returncodes.NO_RETRY.get(code, '')}".strip()


def is_pending(payment: Payment) -> bool:
    """An ACH debit sent to the bank and not yet cleared or returned: not paid, and not a return either."""
    return payment.status.strip().lower() == "pending"


def counts_as_paid(payment: Payment) -> bool:
    """Payments sheet rows are cleared or returned; a returned row does not reduce the balance."""
    return payment.status.strip().lower() == "cleared"


def returned_amount(payment: Payment) -> Decimal:
    """The amount that came back on a returned row."""
    return abs(payment.amount)


def retry_fee_amount(settings: Settings, amount: Decimal) -> Decimal:
    """A processing fee of `Retry Fee %` of the returned amount, rounded half-up to cents."""
    return cents(amount * settings.retry_fee)


def retry_date(settings: Settings, return_date: date) -> date:
    """The debit is retried `Retry Days` after the return date."""
    return return_date + timedelta(days=settings.retry_days)


def retry_amount(amount: Decimal, fee: Decimal) -> Decimal:
    """The debit is retried for the original amount plus the fee."""
    return amount + fee


def fee_description(payment: Payment) -> str:
    """The fee line names the returned payment, its date, amount and return code."""
    code = payment.return_code.strip()
    return (
        f"Processing fee: ACH debit {payment.id} of {payment.date.isoformat()} "
        f"for {returned_amount(payment):,.2f} returned" + (f" ({code})" if code else "")
    )


def fee_invoice(settings: Settings, client: Client, payment: Payment) -> Invoice | None:
    """A first returned ACH debit is charged a fee on a `fee` invoice: Period = the return's month, untaxed,
    dated the return date, due on the retry date; it is identified by the returned Payment ID (its Related
    Invoice)."""
    fee = retry_fee_amount(settings, returned_amount(payment))
    if fee == ZERO:
        return None
    line = InvoiceLine(
        line=1,
        service_code=FEE_SERVICE_CODE,
        description=fee_description(payment),
        quantity=Decimal(1),
        unit_price=fee,
        amount=fee,
        taxable=False,
    )
    return Invoice(
        number="",
        client_id=client.id,
        client_name=client.name,
        type="fee",
        period=payment.date.strftime("%Y-%m"),
        issue_date=payment.date,
        due_date=retry_date(settings, payment.date),
        subtotal=fee,
        tax=ZERO,
        total=fee,
        lines=(line,),
        related_invoice=payment.id,
    )


def fees_by_payment(invoices: Iterable[Invoice]) -> dict[str, Invoice]:
    """A fee is identified by the returned Payment ID, so no later run charges it again."""
    return {inv.related_invoice: inv for inv in invoices if inv.type == "fee" and inv.related_invoice}
