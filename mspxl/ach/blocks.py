"""The returns that keep an autopay client from being debited again, whatever it has paid since, in two groups:

- the account cannot be debited (R02, R03, R04, R12, R14, R15, R16, R20): lifted by other bank details on the
  Clients sheet (`mspxl/ach/closed_account.py`);
- the authorization is gone or disputed (R05, R07, R08, R10, R11, R29): lifted by a new authorization, dated in
  the Clients column Debit Authorized On after the return (`mspxl/ach/authorization.py`).

`mspxl ach` leaves such a client out and says why; the collections engine collects it as one who pays by check; its
invoices, notices and emails say how to pay instead of promising a debit. Each group is lifted only by its own
remedy: a client returned R02 and later R07 needs both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mspxl.ach.authorization import authorization_reason, awaiting_new_authorization, returned_for_authorization
from mspxl.ach.closed_account import awaiting_new_bank_details, waiting_reason
from mspxl.records import Client, Payment


def debit_blocks(client: Client, payments: Sequence[Payment], on: date | None = None) -> tuple[Payment, ...]:
    """The latest return of each group still in force for the client (judged on `on`), oldest first; empty when
    nothing keeps the client from being debited."""
    found = (awaiting_new_bank_details(client, payments), awaiting_new_authorization(client, payments, on))
    return tuple(sorted((p for p in found if p is not None), key=lambda p: p.date))


def blocked_reason(blocks: Sequence[Payment]) -> str:
    """Why the client is not debited, each block with its return, its date and what lifts it."""
    return "; ".join(authorization_reason(p) if returned_for_authorization(p) else waiting_reason(p) for p in blocks)
