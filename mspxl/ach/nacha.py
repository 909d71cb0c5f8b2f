"""The NACHA file format: 94-character records, written from the record layouts of the NACHA Operating Rules.

One file holds a file header (1), one or more batches of CCD debits (5 batch header, 6 entry detail, 8 batch
control) and a file control (9), padded with records of nines to a whole block of ten records. The day's debits
go in a batch described by Settings `Entry Description`; retries of returned debits in a batch described
`RETRY PYMT` and return fees in one described `RETURN FEE`, as the Nacha Operating Rules require (the same
Company Name and Company Identification in every batch). Every field is fixed width:
numeric fields right-justified and zero-filled, alphanumeric fields left-justified, upper case, space-filled.

`achkit` on PyPI writes the same layouts, but numbers trace numbers from 1 in every file it writes; a trace number
must stay unique across files here, because it is what a return is matched by, so the records are written here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from anyascii import anyascii

from mspxl.ach.routing import routing_digits, routing_is_valid
from mspxl.money import cents

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
DEBITS_ONLY = "225"  # service class code: the batch holds debits only
CHECKING_DEBIT = "27"
SEC_CCD = "CCD"  # Corporate Credit or Debit: a business's account


class NachaError(ValueError):
    """A value that cannot be written into a NACHA field."""


@dataclass(frozen=True)
class Originator:
    """The MSP as its bank knows it: the Settings rows Company ACH ID, Originating Bank Routing, Originating Bank
    Name, Entry Description, and the Company Name."""

    company_name: str
    company_id: str
    bank_routing: str
    bank_name: str
    entry_description: str = "MSP BILL"


@dataclass(frozen=True)
class Entry:
    """One debit: the client's bank account, the amount, who it is and the trace number it is known by."""

    trace_number: str  # 15 digits: the originating bank's 8-digit ID + a 7-digit sequence
    routing: str
    account: str
    amount: Decimal
    identification: str  # the client's invoice number (15 characters)
    name: str  # the client's name (22 characters)


def ascii_letters(value: str) -> str:
    """The text in ASCII letters: `Ñorthwind Café` -> `Northwind Cafe`, `Zürich` -> `Zurich`, `Straße` -> `Strasse`
    (anyascii's transliteration); symbols and emoji with no letters become a space, control characters too."""
    out = []
    for char in value:
        if " " <= char <= "~":
            out.append(char)
        elif unicodedata.category(char)[0] in "LMN":
            out.append(anyascii(char))
        else:
            out.append(" ")
    return "".join(out)


def alpha(value: str, width: int) -> str:
    """An alphanumeric field: upper case, printable ASCII only (letters outside ASCII transliterated),
    left-justified and cut to its width."""
    text = "".join(c if " " <= c <= "~" else " " for c in ascii_letters(value).upper())
    return text[:width].ljust(width)


def numeric(value: int | str, width: int) -> str:
    """A numeric field: right-justified, zero-filled; a value wider than the field is an error, never cut."""
    text = str(value)
    if not text.isdigit():
        raise NachaError(f"{text!r} is not a number")
    if len(text) > width:
        raise NachaError(f"{text} does not fit in {width} digits")
    return text.rjust(width, "0")


def amount_cents(amount: Decimal) -> int:
    """An amount in whole cents; an amount with fractions of a cent or below zero is refused."""
    if amount < 0 or cents(amount) != amount:
        raise NachaError(f"{amount} is not an amount in cents")
    return int(amount.scaleb(2).to_integral_value())


def entry_hash(routings: Sequence[str]) -> str:
    """The sum of the receiving banks' 8-digit IDs, keeping its last 10 digits."""
    return str(sum(int(r[:8]) for r in routings))[-10:].rjust(10, "0")


def yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def file_header(originator: Originator, created: datetime, file_id_modifier: str) -> str:
    return ("1" + "01" + " " + numeric(originator.bank_routing, 9) + " " + numeric(originator.bank_routing, 9)
            + yymmdd(created.date()) + created.strftime("%H%M") + alpha(file_id_modifier, 1) + "094" + "10" + "1"
            + alpha(originator.bank_name, 23) + alpha(originator.company_name, 23) + alpha("", 8))


def batch_header(originator: Originator, effective: date, batch_number: int, description: str = "") -> str:
    return ("5" + DEBITS_ONLY + alpha(originator.company_name, 16) + alpha("", 20)
            + alpha(originator.company_id, 10) + SEC_CCD + alpha(description or originator.entry_description, 10)
            + alpha(effective.strftime("%b %y"), 6) + yymmdd(effective) + "   " + "1"
            + numeric(originator.bank_routing[:8], 8) + numeric(batch_number, 7))


def entry_detail(entry: Entry) -> str:
    if not routing_is_valid(entry.routing):
        raise NachaError(f"routing number {entry.routing} fails the check digit")
    routing = routing_digits(entry.routing)
    return ("6" + CHECKING_DEBIT + routing[:8] + routing[8] + alpha(entry.account.replace(" ", ""), 17)
            + numeric(amount_cents(entry.amount), 10) + alpha(entry.identification, 15) + alpha(entry.name, 22)
            + "  " + "0" + numeric(entry.trace_number, 15))


def batch_control(originator: Originator, entries: Sequence[Entry], batch_number: int) -> str:
    debit = sum(amount_cents(e.amount) for e in entries)
    return ("8" + DEBITS_ONLY + numeric(len(entries), 6) + entry_hash([routing_digits(e.routing) for e in entries])
            + numeric(debit, 12) + numeric(0, 12) + alpha(originator.company_id, 10) + alpha("", 19) + alpha("", 6)
            + numeric(originator.bank_routing[:8], 8) + numeric(batch_number, 7))


def file_control(entries: Sequence[Entry], record_count: int, batch_count: int = 1) -> str:
    debit = sum(amount_cents(e.amount) for e in entries)
    blocks = -(-record_count // BLOCKING_FACTOR)
    routings = [routing_digits(e.routing) for e in entries]
    return ("9" + numeric(batch_count, 6) + numeric(blocks, 6) + numeric(len(entries), 8) + entry_hash(routings)
            + numeric(debit, 12) + numeric(0, 12) + alpha("", 39))


RETRY_DESCRIPTION = "RETRY PYMT"  # Nacha: the Company Entry Description of a reinitiated entry's batch
RETURN_FEE_DESCRIPTION = "RETURN FEE"  # Nacha: the Company Entry Description of a Return Fee Entry's batch


@dataclass(frozen=True)
class Batch:
    """The entries of one batch and its Company Entry Description ("" for the originator's own)."""

    entries: tuple[Entry, ...]
    description: str = ""


def batches_file(originator: Originator, batches: Sequence[Batch], effective: date, created: datetime,
                 file_id_modifier: str = "A") -> str:
    """A NACHA file of CCD debit batches, each debiting its entries on `effective`, with controls, padded to a block
    of 10. An empty batch is left out."""
    batches = [b for b in batches if b.entries]
    if not batches:
        raise NachaError("a file needs at least one entry")
    if not routing_is_valid(originator.bank_routing):
        raise NachaError(f"Originating Bank Routing {originator.bank_routing} fails the check digit")
    records = [file_header(originator, created, file_id_modifier)]
    for number, batch in enumerate(batches, start=1):
        records.append(batch_header(originator, effective, number, batch.description))
        records += [entry_detail(e) for e in batch.entries]
        records.append(batch_control(originator, batch.entries, number))
    every = [e for b in batches for e in b.entries]
    records.append(file_control(every, len(records) + 1, len(batches)))
    while len(records) % BLOCKING_FACTOR:
        records.append("9" * RECORD_LENGTH)
    assert all(len(r) == RECORD_LENGTH for r in records)
    return "\n".join(records) + "\n"


def debit_file(originator: Originator, entries: Sequence[Entry], effective: date, created: datetime,
               file_id_modifier: str = "A") -> str:
    """A NACHA file of one CCD batch debiting every entry on `effective`, with controls, padded to a block of 10."""
    return batches_file(originator, [Batch(tuple(entries))], effective, created, file_id_modifier)
