"""The retry policy's processing fee: amount, retry date, and the `fee` invoice draft.

Choices where the rules are silent:
- A fee that comes to 0.00 (a Retry Fee % of 0, or a returned amount of 0.00) is not issued; the retry still
  is.
- A return that is not retried (any code but R01 and R09, or a retry that would fall more than 180 days after the
  debit) is charged no fee: the Rules allow a Return Fee Entry only for R01 and R09.
- `Return Fee Cap` caps each fee; the fee line then says so ("15% processing fee, capped at $50.00").
- The Payments sheet's Method is compared without regard to case or surrounding spaces.
- The returned amount is taken as written (its absolute value, should a returned row carry a minus sign).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from mspxl.ach import returncodes
from mspxl.collections.returned import ReturnedDebit
from mspxl.money import ZERO, cents
from mspxl.records import Client, Invoice, InvoiceLine, Payment, Settings

FEE_SERVICE_CODE = "FEE"


def starts_retry_policy(payment: Payment) -> bool:
    """Only returned ACH debits start the retry policy; a returned check, card or wire simply does not count
    as paid."""
    return returncodes.returned_ach(payment)


def retry_is_pointless(payment: Payment) -> bool:
    """A return coded anything but R01 or R09 (account closed, no account, authorization revoked, ...) is not retried
    and charges no fee: the client goes straight to the next step of the policy, credit hold from the return date."""
    return starts_retry_policy(payment) and returncodes.retry_is_pointless(payment.return_code)


def is_pending(payment: Payment) -> bool:
    """An ACH debit sent to the bank and not yet cleared or returned: not paid, and not a return either."""
    return payment.status.strip().lower() == "pending"


def counts_as_paid(payment: Payment) -> bool:
    """Payments sheet rows are cleared or returned; a returned row does not reduce the balance."""
    return payment.status.strip().lower() == "cleared"


def returned_amount(payment: Payment) -> Decimal:
    """The amount that came back on a returned row."""
    return abs(payment.amount)


def uncapped_fee(settings: Settings, amount: Decimal) -> Decimal:
    return cents(amount * settings.retry_fee)


def retry_fee_amount(settings: Settings, amount: Decimal) -> Decimal:
    """A processing fee of `Retry Fee %` of the returned amount, rounded half-up to cents, at most `Return Fee Cap`."""
    fee = uncapped_fee(settings, amount)
    cap = settings.return_fee_cap
    return min(fee, cents(cap)) if cap is not None and cap >= ZERO else fee


def fee_description(settings: Settings, returned: ReturnedDebit) -> str:
    """The fee line: the rate (and the cap when it applies), the debit (its invoice, date and amount), the reason in
    words and the retry: `15% processing fee, capped at $50.00: the ACH debit of $1,000.00 on November 1, 2026 for
    INV-000001 was returned (R01: insufficient funds); it is debited again for $1,000.00 on November 15, 2026.`"""
    from mspxl.documents.context import date_text, money_text, rate_text

    head = f"{rate_text(settings.retry_fee, settings)} processing fee"
    if retry_fee_amount(settings, returned.amount) < uncapped_fee(settings, returned.amount):
        head += f", capped at {money_text(cents(settings.return_fee_cap or ZERO), settings)}"
    paid = f" for {returned.invoice_number}" if returned.invoice_number else ""
    text = (f"{head}: the ACH debit of {money_text(returned.amount, settings)} on "
            f"{date_text(returned.debit_date, settings)}{paid} was returned ({returned.code}: {returned.reason})")
    if returned.retry_on is not None:
        text += (f"; it is debited again for {money_text(returned.amount, settings)} on "
                 f"{date_text(returned.retry_on, settings)}")
    return text + "."


def fee_invoice(settings: Settings, client: Client, returned: ReturnedDebit) -> Invoice | None:
    """A first returned ACH debit that is retried (R01 or R09) is charged a fee on a `fee` invoice: Period = the
    return's month, untaxed, dated the return date, due on the retry date; it is identified by the returned Payment
    ID (its Related Invoice)."""
    payment = returned.payment
    fee = retry_fee_amount(settings, returned.amount)
    if fee == ZERO or returned.retry_on is None:
        return None
    line = InvoiceLine(
        line=1,
        service_code=FEE_SERVICE_CODE,
        description=fee_description(settings, returned),
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
        due_date=returned.retry_on,
        subtotal=fee,
        tax=ZERO,
        total=fee,
        lines=(line,),
        related_invoice=payment.id,
    )


def fees_by_payment(invoices: Iterable[Invoice]) -> dict[str, Invoice]:
    """A fee is identified by the returned Payment ID, so no later run charges it again."""
    return {inv.related_invoice: inv for inv in invoices if inv.type == "fee" and inv.related_invoice}
