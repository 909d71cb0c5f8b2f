"""Reading a bank's NACHA return file, and matching each return to the debit it returns.

The reader is strict: every record is 94 characters of a known type in the order the format allows, and every
batch and file control agrees with its entries (count, entry hash, debit and credit totals). A file that fails any
check is refused with the line it failed on, and nothing is read from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from mspxl.ach.nacha import BLOCKING_FACTOR, RECORD_LENGTH, entry_hash
from mspxl.ach.returncodes import describe
from mspxl.records import Payment


class ReturnFileError(ValueError):
    """The file is not a NACHA file, or its records disagree; `line` is the 1-based line it failed on (0 for the
    whole file)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


@dataclass(frozen=True)
class ReturnedEntry:
    """One returned debit: the trace number of the original debit, the reason code, the return's date."""

    original_trace: str
    code: str
    return_date: date
    amount: Decimal
    name: str
    line: int

    @property
    def reason(self) -> str:
        return describe(self.code)


def _yymmdd(text: str, line: int, what: str) -> date:
    try:
        return date(2000 + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise ReturnFileError(line, f'{what} "{text}" is not a date (YYMMDD)') from None


def _number(text: str, line: int, what: str) -> int:
    if not text.isdigit():
        raise ReturnFileError(line, f'{what} "{text.strip()}" is not a number')
    return int(text)


def is_credit(transaction_code: str) -> bool:
    """Transaction codes 2x/3x/4x/5x with a second digit of 1-4 are credits, 5-9 debits."""
    return transaction_code[1] in "01234"


@dataclass
class _Batch:
    line: int
    effective: date
    entries: int = 0
    routings: list[str] | None = None
    debit: int = 0
    credit: int = 0


def read_return_file(text: str) -> list[ReturnedEntry]:
    """Every returned entry of a NACHA return file, each with its addenda 99; ReturnFileError when the file is
    not NACHA or a control total disagrees."""
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ReturnFileError(0, "the file is empty")
    returned: list[ReturnedEntry] = []
    batch: _Batch | None = None
    pending: tuple[int, str, int, str] | None = None  # an entry waiting for its addenda: line, code, cents, name
    file_totals = [0, 0, 0, 0]  # batches, entries + addenda, debit, credit
    file_routings: list[str] = []
    controlled = False
    for number, record in enumerate(lines, start=1):
        if len(record) != RECORD_LENGTH:
            raise ReturnFileError(number, f"a record is {RECORD_LENGTH} characters, this one {len(record)}")
        kind = record[0]
        if number == 1 and kind != "1":
            raise ReturnFileError(1, "a NACHA file starts with a file header record (type 1)")
        if controlled:
            if record != "9" * RECORD_LENGTH:
                raise ReturnFileError(number, "only filler records of nines may follow the file control")
            continue
        if pending is not None and not (kind == "7" and record[1:3] == "99"):
            raise ReturnFileError(pending[0], "a returned entry must be followed by its addenda record 99")
        if kind == "1":
            if number != 1:
                raise ReturnFileError(number, "a second file header")
        elif kind == "5":
            if batch is not None:
                raise ReturnFileError(number, "a batch header before the previous batch's control")
            batch = _Batch(number, _yymmdd(record[69:75], number, "effective entry date"), routings=[])
        elif kind == "6":
            if batch is None:
                raise ReturnFileError(number, "an entry outside a batch")
            cents_ = _number(record[29:39], number, "amount")
            code = record[1:3]
            batch.entries += 1
            assert batch.routings is not None
            _number(record[3:11], number, "receiving bank ID")
            batch.routings.append(record[3:11])
            if is_credit(code):
                batch.credit += cents_
            else:
                batch.debit += cents_
            if record[78] != "1":
                raise ReturnFileError(number, "a returned entry must have an addenda record (indicator 1)")
            pending = (number, code, cents_, record[54:76].strip())
        elif kind == "7":
            if batch is None or pending is None:
                raise ReturnFileError(number, "an addenda record without its entry")
            batch.entries += 1
            _, _, cents_, name = pending
            reason = record[3:6].strip().upper()
            if not (len(reason) == 3 and reason[0] in "R" and reason[1:].isdigit()):
                raise ReturnFileError(number, f'"{reason}" is not a return reason code (R01, R02, ...)')
            returned.append(ReturnedEntry(record[6:21], reason, batch.effective, Decimal(cents_).scaleb(-2),
                                          name, number))
            pending = None
        elif kind == "8":
            if batch is None:
                raise ReturnFileError(number, "a batch control without its batch header")
            assert batch.routings is not None
            _check(number, "entry and addenda count", _number(record[4:10], number, "count"), batch.entries)
            _check(number, "entry hash", record[10:20], entry_hash(batch.routings))
            _check(number, "total debit amount", _number(record[20:32], number, "total"), batch.debit)
            _check(number, "total credit amount", _number(record[32:44], number, "total"), batch.credit)
            file_totals = [file_totals[0] + 1, file_totals[1] + batch.entries, file_totals[2] + batch.debit,
                           file_totals[3] + batch.credit]
            file_routings += batch.routings
            batch = None
        elif kind == "9":
            if batch is not None:
                raise ReturnFileError(number, "the file control comes before the last batch's control")
            _check(number, "batch count", _number(record[1:7], number, "count"), file_totals[0])
            _check(number, "entry and addenda count", _number(record[13:21], number, "count"), file_totals[1])
            _check(number, "entry hash", record[21:31], entry_hash(file_routings))
            _check(number, "total debit amount", _number(record[31:43], number, "total"), file_totals[2])
            _check(number, "total credit amount", _number(record[43:55], number, "total"), file_totals[3])
            blocks = _number(record[7:13], number, "block count")
            if blocks * BLOCKING_FACTOR != len(lines) and len(lines) % BLOCKING_FACTOR == 0:
                raise ReturnFileError(number, f"block count says {blocks}, the file has {len(lines) // 10}")
            controlled = True
        else:
            raise ReturnFileError(number, f'"{kind}" is not a NACHA record type (1, 5, 6, 7, 8 or 9)')
    if not controlled:
        raise ReturnFileError(len(lines), "the file has no file control record (type 9)")
    return returned


def _check(line: int, what: str, found: object, computed: object) -> None:
    if found != computed:
        raise ReturnFileError(line, f"{what} is {found} but the entries come to {computed}")


@dataclass(frozen=True)
class ReturnMatch:
    payment_id: str
    client_id: str
    entry: ReturnedEntry


@dataclass(frozen=True)
class ReturnsPlan:
    """What importing a return file does: debits to mark returned, returns already recorded, returns matching no
    debit."""

    to_mark: tuple[ReturnMatch, ...]
    already: tuple[ReturnMatch, ...]
    unmatched: tuple[ReturnedEntry, ...]


def match_returns(payments: tuple[Payment, ...], entries: list[ReturnedEntry]) -> ReturnsPlan:
    """Each return is matched to the ACH debit whose Reference is its original trace number; one already marked
    returned is left as it is, so importing the same file twice changes nothing."""
    by_trace = {p.reference.strip(): p for p in payments if p.method.strip().upper() == "ACH" and p.reference}
    to_mark, already, unmatched = [], [], []
    for entry in entries:
        payment = by_trace.get(entry.original_trace)
        if payment is None:
            unmatched.append(entry)
        elif payment.status.strip().lower() == "returned":
            already.append(ReturnMatch(payment.id, payment.client_id, entry))
        else:
            to_mark.append(ReturnMatch(payment.id, payment.client_id, entry))
    return ReturnsPlan(tuple(to_mark), tuple(already), tuple(unmatched))
