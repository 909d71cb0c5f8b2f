"""After a return that says the client's debit authorization is gone or disputed (R05, R07, R08, R10, R11, R29), the
client is not debited again, and no invoice, notice or email promises a debit, until the accountant records a new
authorization: a date in the Clients column `Debit Authorized On` (the day the client signed its newest debit
authorization) after the return's date.

What the Nacha Operating Rules say, as relied on here:
- An entry returned for any reason but R01/R09 may be sent again only once the reason for the return is remedied;
  an entry returned R07 or R10 is not reinitiated without a new authorization from the receiver, R08 only when the
  receiver has authorized it, R05 only with a new authorization (and the right SEC code); and a debit made under a
  new authorization obtained after the return is not a reinitiation at all (Subsection 2.12.4; e.g. the Banner Bank
  ACH Originator Guide, https://mcompany.cld.bz/Banner-Bank-ACH-Originator-Guide/22/, and the originator rules of
  https://www.tboh.com/Business-Banking/Deposits---Cash-Mgmt/ACH-Rules.aspx).
- R05, R07, R10, R11 and R29 are the unauthorized returns: an originator's Unauthorized Entry Return Rate must stay
  under 0.5% of its debits (over 60 days), which its bank monitors; the administrative returns R02-R04 under 3%
  (https://www.increase.com/documentation/ach-returns, https://help.icheckgateway.com/en/knowledge/return-rates).
  Every debit sent after such a return under the same authorization risks another.
- R11 (Differentiating Unauthorized Return Reasons, 2020: https://pbandt.bank/ach-rules/differentiating-
  unauthorized-return-reasons/) lets the originator correct the error and send a new entry without a new
  authorization. mspxl cannot tell what the client says was wrong, so it waits for the accountant here too.

Choices where the rules are silent:
- R08 stops one payment under the Rules, but a client who stops a debit disputes it: it blocks like R07 until the
  accountant has agreed with the client and recorded the date (of a new authorization, or of the client's written
  confirmation that debits may resume).
- The authorization must be dated after the return (the same day is not enough: which came first cannot be told).
  Once recorded it counts for `mspxl ach` and the documents, as new bank details do (the open invoices due from then
  on are debited on their due dates); a collections run for a day before it is judged without it.
- New bank details do not lift this block (the account is not the problem); paying by check or wire does not either.
- A workbook without the column reads every client as having no recorded authorization: the block holds until the
  column is added (anywhere on the Clients sheet) with a date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from mspxl.ach.returncodes import AUTHORIZATION_NEEDED, describe, returned_with_code_in
from mspxl.records import Client, Payment


def returned_for_authorization(payment: Payment) -> bool:
    """An ACH debit returned R05, R07, R08, R10, R11 or R29: the authorization it was taken under is gone."""
    return returned_with_code_in(payment, AUTHORIZATION_NEEDED)


def authorization_renewed(client: Client, returned: Payment, on: date | None = None) -> bool:
    """The Clients row's Debit Authorized On is after the return's date (and, judged on `on`, not after `on`)."""
    signed = client.debit_authorized_on
    return signed is not None and signed > returned.date and (on is None or signed <= on)


def awaiting_new_authorization(client: Client, payments: Iterable[Payment], on: date | None = None
                               ) -> Payment | None:
    """The latest of the client's authorization returns that no recorded authorization has followed, if any."""
    waiting = [p for p in payments if p.client_id == client.id and returned_for_authorization(p)
               and not authorization_renewed(client, p, on)]
    return max(waiting, key=lambda p: p.date, default=None)


def authorization_reason(returned: Payment) -> str:
    """Why `mspxl ach` leaves the client out: `debit returned R07 (authorization revoked by customer) on
    2026-12-03: not debited until a debit authorization signed after 2026-12-03 is dated in Debit Authorized On on
    the Clients sheet`."""
    code = returned.return_code.strip().upper()
    day = returned.date.isoformat()
    return (f"debit returned {code} ({describe(code)}) on {day}: not debited until a debit authorization signed "
            f"after {day} is dated in Debit Authorized On on the Clients sheet")
