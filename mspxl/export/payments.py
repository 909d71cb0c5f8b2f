"""Which invoices a payment settles, as collections allocates it: the client's register and payments replayed up to
the payment (`mspxl.collections.history`), then the payment applied (`ledger.apply_payment`: the invoice it names,
then the oldest open ones). What is left over is unapplied credit."""

from __future__ import annotations

from collections.abc import Sequence

from mspxl.collections.fees import fees_by_payment
from mspxl.collections.history import client_history
from mspxl.collections.ledger import apply_payment
from mspxl.export.model import ExportPayment
from mspxl.money import ZERO
from mspxl.records import Client, Invoice, Payment, Settings


def payment_applications(settings: Settings, client: Client, invoices: Sequence[Invoice],
                         payments: Sequence[Payment], payment: Payment, customer: str) -> ExportPayment:
    """`payment` (one of the client's `payments`, in sheet order) with the invoices it settles."""
    before = list(payments[: list(payments).index(payment)])
    register = list(enumerate(invoices))
    history = client_history(settings, client, register, before, fees_by_payment(invoices), payment.date,
                             len(register))
    ledger = history.ledger
    after = apply_payment(ledger, payment.amount, payment.invoice_number, payment.date, f"payment:{payment.id}",
                          len(before))
    remaining = {item.ref: item.remaining for item in after.items}
    applied = tuple(
        (item.number, item.remaining - remaining[item.ref])
        for item in ledger.items
        if item.number and item.ref in remaining and item.remaining > remaining[item.ref]
    )
    unapplied = payment.amount - sum((amount for _, amount in applied), ZERO)
    return ExportPayment(payment.id, client.id, customer, payment.date, payment.amount, payment.method,
                         payment.reference, applied, unapplied)
