"""After a return that says the account cannot be debited (R02 account closed, R03 no account, R04 invalid account
number, R12 account sold to another bank, R14/R15 representative payee or account holder deceased, R16 account
frozen, R20 non-transaction account), the client is not debited again, and no invoice or email promises a debit,
until the accountant has entered other bank details on the Clients sheet. Under the Nacha Operating Rules an entry
returned for any reason but R01/R09 is sent again only once the reason is remedied, and an entry to corrected account
details is a first entry to that account, not a reinitiation (see `mspxl/ach/authorization.py` for the sources).

What was debited is known from the returned row's `Debited Account` (Payments), which `mspxl ach` writes with every
debit (`account_fingerprint`). Choices where the rules are silent:
- Paying what is owed by check or wire does not lift it: the account is still closed; only new details do.
- R16 (frozen) and R14/R15 (deceased) may clear at the bank later; mspxl cannot see that, so the accountant confirms
  with the client and enters the details to debit (the same account re-entered does not count: write `replaced` in
  the returned row's Debited Account to debit it again).
- A returned row without a Debited Account (entered by hand, or written before the column existed) cannot be
  compared: the client stays undebited until the accountant writes anything in that cell (`replaced`) once the new
  details are on the Clients sheet; the `mspxl ach` run says which cell.
"""

from __future__ import annotations

from collections.abc import Iterable

from mspxl.ach.returncodes import BANK_DETAILS_NEEDED, describe, returned_with_code_in
from mspxl.ach.routing import account_fingerprint
from mspxl.records import Client, Payment


def returned_for_bank_details(payment: Payment) -> bool:
    """An ACH debit returned R02, R03, R04, R12, R14, R15, R16 or R20: the account it debited cannot be debited
    again."""
    return returned_with_code_in(payment, BANK_DETAILS_NEEDED)


def bank_details_replaced(client: Client, returned: Payment) -> bool:
    """The Clients row's Bank Routing and Bank Account are not the ones the returned debit was taken from: the
    accountant has entered new details. A returned row that does not say what it debited counts as not replaced."""
    recorded = returned.debited_account.strip()
    return bool(recorded) and recorded != account_fingerprint(client.bank_routing, client.bank_account)


def awaiting_new_bank_details(client: Client, payments: Iterable[Payment]) -> Payment | None:
    """The latest of the client's account returns (R02, R03, R04, ...) whose account is still on the Clients sheet,
    if any."""
    waiting = [p for p in payments if p.client_id == client.id and returned_for_bank_details(p)
               and not bank_details_replaced(client, p)]
    return max(waiting, key=lambda p: p.date, default=None)


def waiting_reason(returned: Payment) -> str:
    """Why `mspxl ach` leaves the client out: `debit returned R02 (account closed) on 2027-01-05: ...`."""
    code = returned.return_code.strip().upper()
    reason = (f"debit returned {code} ({describe(code)}) on {returned.date.isoformat()}: not debited until new "
              "Bank Routing / Bank Account are entered on the Clients sheet")
    if not returned.debited_account.strip():
        reason += (f"; the returned debit's Debited Account (Payments row {returned.row}) is blank: write "
                   "`replaced` there once the new details are in")
    return reason
