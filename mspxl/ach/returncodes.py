"""ACH return reason codes, and the ones that make a retry pointless."""

from __future__ import annotations

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
    "R12": "account sold to another bank: ask the client for new bank details",
    "R14": "account holder deceased: contact the client",
    "R15": "account holder deceased: contact the client",
    "R16": "account frozen: contact the client",
    "R20": "account does not accept debits: ask the client for another account",
    "R29": "client's business says the debit was not authorized: get a new authorization",
}


def retry_is_pointless(code: str) -> bool:
    """Returns coded account closed, no account, invalid account, authorization revoked or not authorized (and the
    other codes in NO_RETRY) skip the retry and go straight to the next step of the policy."""
    return code.strip().upper() in NO_RETRY


def describe(code: str) -> str:
    return RETURN_REASONS.get(code.strip().upper(), "returned")
