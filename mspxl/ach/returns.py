"""Matching what a bank's NACHA file says (read by mspxl.ach.returnfile) to the debits on the Payments sheet."""

from __future__ import annotations

from dataclasses import dataclass

from mspxl.ach.noc import ChangeNotice
from mspxl.ach.returnfile import BankFile, ReturnedEntry, ReturnFileError, read_bank_file, read_return_file
from mspxl.records import Payment

__all__ = ["BankFile", "ChangeMatch", "ReturnFileError", "ReturnMatch", "ReturnedEntry", "ReturnsPlan", "match_returns",
           "read_bank_file", "read_return_file"]


@dataclass(frozen=True)
class ReturnMatch:
    payment_id: str
    client_id: str
    entry: ReturnedEntry


@dataclass(frozen=True)
class ChangeMatch:
    """A notification of change about a debit on the Payments sheet (payment and client blank when none matches)."""

    payment_id: str
    client_id: str
    notice: ChangeNotice


@dataclass(frozen=True)
class ReturnsPlan:
    """What importing a bank file does: debits to mark returned, returns already recorded, returns matching no
    debit, dishonored and contested returns (reported, never applied: what they mean for a debit is the bank's to
    say), and notifications of change."""

    to_mark: tuple[ReturnMatch, ...]
    already: tuple[ReturnMatch, ...]
    unmatched: tuple[ReturnedEntry, ...]
    answered: tuple[ReturnMatch, ...] = ()
    changes: tuple[ChangeMatch, ...] = ()


def match_returns(payments: tuple[Payment, ...], entries: list[ReturnedEntry],
                  notices: list[ChangeNotice] | None = None) -> ReturnsPlan:
    """Each return is matched to the ACH debit whose Reference is its original trace number; one already marked
    returned is left as it is, so importing the same file twice changes nothing. A notification of change is
    matched the same way, to name the client whose bank details it corrects."""
    by_trace = {p.reference.strip(): p for p in payments if p.method.strip().upper() == "ACH" and p.reference}
    to_mark, already, unmatched, answered = [], [], [], []
    for entry in entries:
        payment = by_trace.get(entry.original_trace)
        if payment is None:
            unmatched.append(entry)
        elif entry.kind != "return":
            answered.append(ReturnMatch(payment.id, payment.client_id, entry))
        elif payment.status.strip().lower() == "returned":
            already.append(ReturnMatch(payment.id, payment.client_id, entry))
        else:
            to_mark.append(ReturnMatch(payment.id, payment.client_id, entry))
    changes = []
    for notice in notices or []:
        payment = by_trace.get(notice.original_trace)
        changes.append(ChangeMatch(payment.id if payment else "", payment.client_id if payment else "", notice))
    return ReturnsPlan(tuple(to_mark), tuple(already), tuple(unmatched), tuple(answered), tuple(changes))
