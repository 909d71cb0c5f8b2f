"""Bank details: the ABA routing number check digit, account masking, and the workbook check on the Clients sheet.

Account numbers are never shown whole: every message, report and log line uses `mask`.
"""

from __future__ import annotations

import hashlib

from mspxl.problems import Problem, error, warning
from mspxl.records import Book
from mspxl.workbook.table import cell_ref

Columns = dict[str, dict[str, int]]  # sheet -> header -> 0-based column

ABA_WEIGHTS = (3, 7, 1, 3, 7, 1, 3, 7, 1)
ACCOUNT_MAX_LENGTH = 17  # the DFI Account Number field of a NACHA entry


def routing_digits(text: str) -> str:
    """The routing number as nine digits: one typed into a number cell has lost its leading zero, put back."""
    digits = text.strip()
    return digits.rjust(9, "0") if digits.isdigit() and len(digits) == 8 else digits


def routing_is_valid(text: str) -> bool:
    """A routing number is nine digits whose weighted sum (3, 7, 1 repeated) is a multiple of 10."""
    digits = routing_digits(text)
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    return sum(int(d) * w for d, w in zip(digits, ABA_WEIGHTS, strict=True)) % 10 == 0


def account_is_valid(text: str) -> bool:
    """An account number is 1 to 17 characters, digits with optional hyphens or spaces, at least one digit."""
    compact = text.strip()
    return (0 < len(compact) <= ACCOUNT_MAX_LENGTH and any(c.isdigit() for c in compact)
            and all(c.isdigit() or c in "- " for c in compact))


def mask(account: str) -> str:
    """`****6789`: only the last four characters of an account number are ever shown."""
    compact = account.strip()
    if not compact:
        return ""
    return "****" + compact[-4:] if len(compact) > 4 else "****"


def account_fingerprint(routing: str, account: str) -> str:
    """What `mspxl ach` records of the account it debits (Payments `Debited Account`), so a return can later be
    told from the Clients sheet's details: `125000024 ****5328 1f0c7a9e`, the routing number, the masked account
    and the first 8 hex digits of the SHA-256 of both (spaces and hyphens in the account left out), which tells
    two accounts ending in the same four digits apart without writing the account number out."""
    digits = routing_digits(routing)
    compact = "".join(c for c in account if c not in "- ").strip()
    digest = hashlib.sha256(f"{digits}/{compact}".encode()).hexdigest()[:8]
    return f"{digits} {mask(compact)} {digest}"


def bank_details(book: Book, cols: Columns) -> list[Problem]:
    """A Bank Routing that fails the ABA check digit, or a Bank Account that is not an account number, is an error;
    an autopay client without a routing number or an account is a warning (no debit can be written for it)."""
    where = cols.get("Clients", {})
    problems: list[Problem] = []
    for client in book.clients:
        routing_cell = cell_ref(client.row, where.get("Bank Routing", 0))
        account_cell = cell_ref(client.row, where.get("Bank Account", 0))
        if client.bank_routing and not routing_is_valid(client.bank_routing):
            problems.append(error("Clients", routing_cell, "Bank Routing",
                                  "is not a routing number (nine digits with a valid ABA check digit)",
                                  mask(client.bank_routing)))
        if client.bank_account and not account_is_valid(client.bank_account):
            problems.append(error("Clients", account_cell, "Bank Account",
                                  "is not an account number (up to 17 digits)", mask(client.bank_account)))
        if client.autopay and client.status == "active":
            if not client.bank_routing:
                problems.append(warning("Clients", routing_cell, "Bank Routing",
                                        f"is blank for autopay client {client.id}: no ACH debit can be written"))
            if not client.bank_account:
                problems.append(warning("Clients", account_cell, "Bank Account",
                                        f"is blank for autopay client {client.id}: no ACH debit can be written"))
    return problems
