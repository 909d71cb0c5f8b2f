"""ACH return reason codes, and which returns may be retried.

The Nacha Operating Rules (Subsection 2.12.4, Reinitiation of Returned Entries) let an originator reinitiate, without
a new authorization or a remedy, only an entry returned R01 (insufficient funds) or R09 (uncollected funds); the
same two codes are the only ones a Return Fee Entry may be charged for. Every other code gets no retry and no fee.
"""

from __future__ import annotations

from collections.abc import Container

from mspxl.records import Payment

RETURN_REASONS: dict[str, str] = {
    "R01": "insufficient funds",
    "R02": "account closed",
    "R03": "no account / unable to locate account",
    "R04": "invalid account number",
    "R05": "unauthorized debit to consumer account using corporate SEC code",
    "R06": "returned per originating bank's request",
    "R07": "authorization revoked by customer",
    "R08": "payment stopped",
    "R09": "uncollected funds",
    "R10": "customer advises not authorized",
    "R11": "customer advises entry not in accordance with the terms of the authorization",
    "R12": "account sold to another bank",
    "R14": "representative payee deceased",
    "R15": "account holder deceased",
    "R16": "account frozen",
    "R20": "non-transaction account",
    "R24": "duplicate entry",
    "R29": "corporate customer advises not authorized",
}

# Retrying these only earns another return: the account is gone, unusable, or the debit is not authorized.
NO_RETRY: dict[str, str] = {
    "R02": "account closed: ask the client for new bank details",
    "R03": "no such account: ask the client for correct bank details",
    "R04": "invalid account number: ask the client for correct bank details",
    "R05": "not a debit the account accepts (corporate SEC on a consumer account): get a new authorization",
    "R07": "authorization revoked: the client must authorize debits again or pay another way",
    "R08": "payment stopped by the client: contact the client",
    "R10": "client says the debit was not authorized: get a new authorization",
    "R11": "client says the debit did not follow the authorization: settle it with the client before debiting again",
    "R12": "account sold to another bank: ask the client for new bank details",
    "R14": "account holder deceased: contact the client",
    "R15": "account holder deceased: contact the client",
    "R16": "account frozen: contact the client",
    "R20": "account does not accept debits: ask the client for another account",
    "R29": "client's business says the debit was not authorized: get a new authorization",
}


REINITIABLE: tuple[str, ...] = ("R01", "R09")
BANK_DETAILS_NEEDED: dict[str, str] = {  # the account cannot be debited: new details needed; why, as a client reads it
    "R02": "the account is closed",
    "R03": "your bank could not find the account",
    "R04": "the account number is not valid",
    "R12": "the account was sold to another bank",
    "R14": "the representative payee of the account is deceased",
    "R15": "the account holder is deceased",
    "R16": "the account is frozen",
    "R20": "the account does not accept debits",
}
AUTHORIZATION_NEEDED: dict[str, str] = {  # the authorization is gone or disputed; why, as a client reads it
    "R05": "the account is a personal account, which our business debits may not be taken from without your "
           "authorization",
    "R07": "you revoked your authorization of our debits",
    "R08": "you stopped the payment",
    "R10": "you told your bank the debit was not authorized",
    "R11": "you told your bank the debit was not in accordance with your authorization",
    "R29": "your business told its bank the debit was not authorized",
}


def returned_ach(payment: Payment) -> bool:
    """An ACH debit recorded as returned (a returned check, card or wire is not one)."""
    return payment.status.strip().lower() == "returned" and payment.method.strip().upper() == "ACH"


def returned_with_code_in(payment: Payment, codes: Container[str]) -> bool:
    """An ACH debit recorded as returned with one of `codes`."""
    return returned_ach(payment) and payment.return_code.strip().upper() in codes


def may_retry(code: str) -> bool:
    """Only an entry returned R01 or R09 may be retried, and only those are charged a return fee."""
    return code.strip().upper() in REINITIABLE


def retry_is_pointless(code: str) -> bool:
    """Every return but R01 and R09 (account closed, no account, authorization revoked, ... and a return recorded
    without its code) skips the retry and goes straight to the next step of the policy."""
    return not may_retry(code)


def no_retry_advice(code: str) -> str:
    """What to do about a return that is not retried: `account closed: ask the client for new bank details`."""
    key = code.strip().upper()
    if not key:
        return "no return code recorded: only R01 and R09 returns are retried; contact the client"
    return NO_RETRY.get(key, f"{describe(key)}: not retried (only R01 and R09 may be); contact the client")


def later_debits_wait_for(code: str) -> str | None:
    """What a return stops until the accountant acts (`mspxl ach` leaves the client out meanwhile), in the words
    `mspxl returns` prints; None for a return that stops no later debit (R01, R09 and codes that block nothing)."""
    key = code.strip().upper()
    if key in BANK_DETAILS_NEEDED:
        return "no later debit until other Bank Routing / Bank Account are entered on the Clients sheet"
    if key in AUTHORIZATION_NEEDED:
        return ("no later debit until a debit authorization signed after the return is dated in Debit Authorized "
                "On on the Clients sheet")
    return None


def describe(code: str) -> str:
    """The return reason in words: `insufficient funds`."""
    return RETURN_REASONS.get(code.strip().upper(), "returned")
