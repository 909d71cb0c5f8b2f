"""Reading what a bank sends back about ACH debits: returns (addenda 99), dishonored and contested returns, and
notifications of change (NOC, addenda 98), in any mix of batches in one file.

The reader checks what a malformed file gets wrong: every record of a known type in the order the format allows, a
return's addenda carrying its entry's trace number, a change code NACHA defines, and every batch and file control
agreeing with its entries (count, entry hash, debit and credit totals). A file that fails any check is refused with
the line it failed on, and nothing is read from it. Entries without a return or change addenda (a file of debits
read by mistake) are counted but read as nothing.

A batch's effective entry date is the date of its returns, but never earlier than the file's creation date: a batch
dated `000000` (as return and NOC batches often are), or dated before the file that brings it, takes the file's
creation date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from mspxl.ach.nacha import BLOCKING_FACTOR, RECORD_LENGTH, entry_hash
from mspxl.ach.noc import ChangeNotice, is_change_code
from mspxl.ach.records import Record, decode, records
from mspxl.ach.returncodes import describe

DISHONORED = range(61, 71)  # R61-R70: the originating bank refused a return
CONTESTED = range(71, 78)  # R71-R77: the receiving bank contests that refusal


class ReturnFileError(ValueError):
    """The file is not a NACHA file, or its records disagree; `line` is the 1-based line it failed on (0 for the
    whole file)."""

    def __init__(self, line: int, message: str, where: str = "") -> None:
        where = where or (f"line {line}" if line else "")
        super().__init__(f"{where}: {message}" if where else message)
        self.line = line


@dataclass(frozen=True)
class ReturnedEntry:
    """One returned debit: the trace number of the original debit, the reason code, the return's date. `kind` is
    `return`, `dishonored` (R61-R70) or `contested` (R71-R77); `answers` is the code of the return a dishonored or
    contested return answers."""

    original_trace: str
    code: str
    return_date: date
    amount: Decimal
    name: str
    line: int
    kind: str = "return"
    answers: str = ""

    @property
    def reason(self) -> str:
        return describe(self.code)


@dataclass
class BankFile:
    returns: list[ReturnedEntry] = field(default_factory=list)
    changes: list[ChangeNotice] = field(default_factory=list)
    other_entries: int = 0  # entries with no return or change addenda


@dataclass
class _Batch:
    line: int
    effective: date
    entries: int = 0
    routings: list[str] = field(default_factory=list)
    debit: int = 0
    credit: int = 0


@dataclass
class _Pending:
    """An entry waiting for its addenda."""

    record: Record
    cents: int
    name: str


def _yymmdd(text: str) -> date | None:
    try:
        return date(2000 + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None


def _number(record: Record, start: int, end: int, what: str) -> int:
    text = record.text[start:end]
    if not text.isdigit():
        raise _error(record, f'{what} "{text.strip()}" is not a number')
    return int(text)


def _error(record: Record, message: str) -> ReturnFileError:
    return ReturnFileError(record.line, message, record.where)


def is_credit(transaction_code: str) -> bool:
    """Transaction codes 2x/3x/4x/5x with a second digit of 0-4 are credits, 5-9 debits."""
    return transaction_code[1] in "01234"


class _Reader:
    def __init__(self) -> None:
        self.read = BankFile()
        self.created: date | None = None
        self.batch: _Batch | None = None
        self.pending: _Pending | None = None
        self.totals = [0, 0, 0, 0]  # batches, entries + addenda, debit, credit
        self.routings: list[str] = []
        self.controlled = False
        self.count = 0

    def take(self, record: Record) -> None:
        self.count += 1
        kind = record.text[0]
        if self.count == 1 and kind != "1":
            raise _error(record, "a NACHA file starts with a file header record (type 1)")
        if self.controlled:
            if record.text != "9" * RECORD_LENGTH:
                raise _error(record, "only filler records of nines may follow the file control")
            return
        if self.pending is not None and kind != "7":
            self._without_addenda()
        handler = {"1": self._header, "5": self._batch_header, "6": self._entry, "7": self._addenda,
                   "8": self._batch_control, "9": self._file_control}.get(kind)
        if handler is None:
            raise _error(record, f'"{kind}" is not a NACHA record type (1, 5, 6, 7, 8 or 9)')
        handler(record)

    def _header(self, record: Record) -> None:
        if self.count != 1:
            raise _error(record, "a second file header")
        self.created = _yymmdd(record.text[23:29])
        if self.created is None:
            raise _error(record, f'file creation date "{record.text[23:29]}" is not a date (YYMMDD)')

    def _batch_header(self, record: Record) -> None:
        if self.batch is not None:
            raise _error(record, "a batch header before the previous batch's control")
        field_ = record.text[69:75]
        effective = self.created if field_ in ("000000", "      ") else _yymmdd(field_)
        if effective is None:
            raise _error(record, f'effective entry date "{field_}" is not a date (YYMMDD)')
        assert self.created is not None
        self.batch = _Batch(record.line, max(effective, self.created))

    def _entry(self, record: Record) -> None:
        if self.batch is None:
            raise _error(record, "an entry outside a batch")
        cents = _number(record, 29, 39, "amount")
        _number(record, 3, 11, "receiving bank ID")
        self.batch.entries += 1
        self.batch.routings.append(record.text[3:11])
        if is_credit(record.text[1:3]):
            self.batch.credit += cents
        else:
            self.batch.debit += cents
        self.pending = _Pending(record, cents, record.text[54:76].strip())
        if record.text[78] != "1":
            self._without_addenda()

    def _without_addenda(self) -> None:
        self.read.other_entries += 1
        self.pending = None

    def _addenda(self, record: Record) -> None:
        if self.batch is None or self.pending is None:
            raise _error(record, "an addenda record without its entry")
        self.batch.entries += 1
        pending, self.pending = self.pending, None
        addenda_type = record.text[1:3]
        if addenda_type == "99":
            self._return(record, pending)
        elif addenda_type == "98":
            self._change(record, pending)
        else:
            self.read.other_entries += 1

    def _return(self, record: Record, pending: _Pending) -> None:
        assert self.batch is not None
        code = record.text[3:6].strip().upper()
        if not (len(code) == 3 and code[0] == "R" and code[1:].isdigit()):
            raise _error(record, f'"{code}" is not a return reason code (R01, R02, ...)')
        own_trace, entry_trace = record.text[79:94], pending.record.text[79:94]
        if own_trace != entry_trace:
            raise _error(record, f"the return's trace number {own_trace} is not its entry's ({entry_trace}, "
                                 f"{pending.record.where})")
        number = int(code[1:])
        kind = "dishonored" if number in DISHONORED else "contested" if number in CONTESTED else "return"
        answers = "R" + record.text[56:58] if kind != "return" and record.text[56:58].isdigit() else ""
        self.read.returns.append(ReturnedEntry(record.text[6:21], code, self.batch.effective,
                                               Decimal(pending.cents).scaleb(-2), pending.name, record.line,
                                               kind, answers))

    def _change(self, record: Record, pending: _Pending) -> None:
        assert self.batch is not None
        code = record.text[3:6].strip().upper()
        if not is_change_code(code):
            raise _error(record, f'"{code}" is not a change code of a notification of change (C01-C14, C61-C69)')
        self.read.changes.append(ChangeNotice(record.text[6:21], code, record.text[35:64].rstrip(),
                                              self.batch.effective, pending.name, record.line))

    def _batch_control(self, record: Record) -> None:
        batch = self.batch
        if batch is None:
            raise _error(record, "a batch control without its batch header")
        _check(record, "entry and addenda count", _number(record, 4, 10, "count"), batch.entries)
        _check(record, "entry hash", record.text[10:20], entry_hash(batch.routings))
        _check(record, "total debit amount", _number(record, 20, 32, "total"), batch.debit)
        _check(record, "total credit amount", _number(record, 32, 44, "total"), batch.credit)
        t = self.totals
        self.totals = [t[0] + 1, t[1] + batch.entries, t[2] + batch.debit, t[3] + batch.credit]
        self.routings += batch.routings
        self.batch = None

    def _file_control(self, record: Record) -> None:
        if self.batch is not None:
            raise _error(record, "the file control comes before the last batch's control")
        _check(record, "batch count", _number(record, 1, 7, "count"), self.totals[0])
        _check(record, "entry and addenda count", _number(record, 13, 21, "count"), self.totals[1])
        _check(record, "entry hash", record.text[21:31], entry_hash(self.routings))
        _check(record, "total debit amount", _number(record, 31, 43, "total"), self.totals[2])
        _check(record, "total credit amount", _number(record, 43, 55, "total"), self.totals[3])
        blocks = _number(record, 7, 13, "block count")
        padded = -(-self.count // BLOCKING_FACTOR)
        if blocks not in (padded, self.count // BLOCKING_FACTOR):
            raise _error(record, f"block count says {blocks}, the file has {padded}")
        self.controlled = True


def _check(record: Record, what: str, found: object, computed: object) -> None:
    if found != computed:
        raise _error(record, f"{what} is {found} but the entries come to {computed}")


def read_bank_file(data: bytes | str) -> BankFile:
    """Every return and notification of change of a bank's NACHA file; ReturnFileError, with the line, when the
    file is not NACHA or its records disagree."""
    reader = _Reader()
    last: Record | None = None
    for record in records(decode(data)):
        reader.take(record)
        last = record
    if last is None:
        raise ReturnFileError(0, "the file is empty")
    if not reader.controlled:
        if reader.batch is not None:
            raise _error(last, f"the batch that starts on line {reader.batch.line} has no batch control (type 8)")
        raise _error(last, "the file has no file control record (type 9)")
    read = reader.read
    if not (read.returns or read.changes) and read.other_entries:
        entries = f"{read.other_entries} {'entry' if read.other_entries == 1 else 'entries'}"
        raise ReturnFileError(0, f"the file holds {entries} but no return or notification of change: it looks "
                                 "like a file of debits, not the bank's return file")
    return read


def read_return_file(data: bytes | str) -> list[ReturnedEntry]:
    """The returns (addenda 99) of a bank's NACHA file."""
    return read_bank_file(data).returns
