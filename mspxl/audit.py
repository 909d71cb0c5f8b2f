"""The audit trail: the Runs sheet, one row appended by every command that writes the workbook, never rewritten.

A row says when (UTC and local), which command with which arguments, who (the operating-system user), which mspxl,
the workbook's fingerprint before and after, what was issued (counts and total) and the outcome. The fingerprint is a
SHA-256 over a SHA-256 of each sheet's cell values, the Runs sheet itself left out, so an auditor can tell whether the
workbook was changed between one run and the next, and a row can be written after the hash it records. A run takes
the fingerprints from what it has (the cells it read, the sheets it wrote), not from reading the workbook again.

The row travels in the command's own save (see `audited`): a command's work never lands without its row, and a row
never lands for work that did not. Each command says what it issued with `note_issued` just before it saves.
"""

from __future__ import annotations

import getpass
import hashlib
import shlex
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from mspxl import __version__
from mspxl.records import Invoice
from mspxl.runs_sheet import RUNS_SHEET
from mspxl.workbook.changed import changed_sheets
from mspxl.workbook.raw import RawBook, RawSheet, reads_seen
from mspxl.workbook.source_file import UnreadableWorkbook, read_raw
from mspxl.writers.atomic import before_replace
from mspxl.writers.changes import Value, WorkbookChanges
from mspxl.writers.forked import Forked
from mspxl.writers.xlsx import update_workbook

T = TypeVar("T")
FORK_ROWS = 20_000  # from this many rows read, the sheets are hashed in a forked child while the command goes on


def _cell_text(value: object) -> str:
    if type(value) is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()  # a date cell reads as a date from a file and as a midnight datetime from Excel
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def sheet_digest(name: str, sheet: RawSheet) -> bytes:
    """SHA-256 of one sheet's name and cell values: row by row, each row's number, then its cells as text in column
    order (a blank cell empty, blanks at the end of a row left off). Cell text never holds NUL (XML cannot)."""
    digest = hashlib.sha256(b"\x00sheet\x00" + name.encode())
    lines: list[str] = []
    for r, row in enumerate(sheet.rows, start=1):
        if row:
            cells = "\x00".join([v if type(v) is str else "" if v is None else _cell_text(v) for v in row])
            if cells.strip("\x00"):
                lines.append(f"\x00{r}\x00{cells.rstrip(chr(0))}")
        if len(lines) > 20_000:
            digest.update("\n".join(lines).encode())
            lines = [""]
    digest.update("\n".join(lines).encode())
    return digest.digest()


Digests = dict[str, bytes]  # sheet name -> sheet_digest, in workbook order


def sheet_digests(sheets: Mapping[str, RawSheet], known: Mapping[int, tuple[RawSheet, bytes]] | None = None
                  ) -> Digests:
    """Each sheet's digest, the Runs sheet left out; a sheet found in `known` (by identity: the same object as a
    sheet hashed before) is not hashed again."""
    digests: Digests = {}
    for name, sheet in sheets.items():
        if name == RUNS_SHEET:
            continue
        seen = known.get(id(sheet)) if known is not None else None
        digests[name] = seen[1] if seen is not None and seen[0] is sheet else sheet_digest(name, sheet)
    return digests


def combined(digests: Digests) -> str:
    """The workbook's fingerprint from its sheets' digests, in workbook order."""
    digest = hashlib.sha256()
    for name, sheet in digests.items():
        if name != RUNS_SHEET:
            digest.update(sheet)
    return digest.hexdigest()


def fingerprint(sheets: Mapping[str, RawSheet]) -> str:
    """SHA-256 over each sheet's SHA-256 of its name and cell values, the Runs sheet left out: the same whether the
    sheets were read from the file or from the workbook open in Excel, and for a sheet the run did not change the
    same part as before, so a run that wrote a few sheets hashes only those again."""
    return combined(sheet_digests(sheets))


def file_digests(path: Path, sheets: set[str] | None = None) -> Digests | None:
    """The digests of the workbook file's sheets (or only of `sheets`); None for a file that is not a readable
    workbook (the command itself reports that)."""
    try:
        return sheet_digests(read_raw(path, sheets))
    except UnreadableWorkbook:
        return None


def workbook_fingerprint(path: Path) -> str:
    """The fingerprint of the workbook file, read afresh; "" for a file that is not a readable workbook."""
    digests = file_digests(path)
    return "" if digests is None else combined(digests)


Written = tuple[list[str] | None, Digests | None]  # a finished copy's sheets in order, and the digests read back


def copy_written(original: Path, copy: Path) -> Written:
    """What the Runs row needs of `copy`, a finished copy of `original`: its sheets in workbook order and the digests
    of those the writer changed, read back from the copy (order None: every sheet's, the changes could not be told;
    digests None: the copy is not a readable workbook). Plain data: it may be worked out in another process, while
    the command writes its documents."""
    changed = changed_sheets(original, copy)
    if changed is None:
        return None, file_digests(copy)
    names = changed.changed - {RUNS_SHEET}
    return changed.order, file_digests(copy, names) if names else {}


def digests_after(written: Written, before: Digests) -> Digests | None:
    """The copy's digests: those read back (`copy_written`), the others as they were `before`."""
    order, fresh = written
    if order is None or fresh is None:
        return fresh
    return {name: fresh[name] if name in fresh else before[name] for name in order
            if name != RUNS_SHEET and (name in fresh or name in before)}


def written_digests(original: Path, copy: Path, before: Digests) -> Digests | None:
    """The digests of `copy`, a finished copy of `original` whose sheets had `before`: only the sheets whose parts
    the writer changed are read back from the copy, the others keep their digest."""
    return digests_after(copy_written(original, copy), before)


def counts_text(counts: Mapping[str, int]) -> str:
    """`managed 2, service 1`: what a run issued, by type, in the order given."""
    return ", ".join(f"{kind} {n}" for kind, n in counts.items() if n)


def runs_row(command: str, args: Sequence[str], before_hash: str, after_hash: str, counts: Mapping[str, int],
             totals: Decimal | None, outcome: str, now_utc: datetime, now_local: datetime, user: str,
             version: str) -> tuple[Value, ...]:
    """A Runs sheet row in the order of RUNS_COLUMNS. Times are ISO 8601 text with their offset, so a row reads the
    same in any time zone; the arguments are quoted as a shell would need them."""
    return (
        now_utc.isoformat(timespec="seconds"),
        now_local.isoformat(timespec="seconds"),
        command,
        shlex.join(args),
        user,
        version,
        before_hash,
        after_hash,
        counts_text(counts) or None,
        totals,
        outcome,
    )


def runs_changes(row: tuple[Value, ...]) -> WorkbookChanges:
    """The row as a workbook change (for a writer that knows the Runs sheet among its output sheets)."""
    return WorkbookChanges(append={RUNS_SHEET: [row]})


def append_run(path: Path, row: tuple[Value, ...], currency: str = "USD", locale: str = "en_US") -> None:
    """Append one row to the Runs sheet (made with its headers when missing) through the workbook writer, which
    knows the Runs sheet among its output sheets; nothing else in the workbook changes."""
    update_workbook(path, runs_changes(row), currency, locale)


def current_user() -> str:
    """The operating-system user running the command."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


@dataclass
class _Run:
    """The writing command under way: what its Runs row will say."""

    path: Path
    command: str
    args: Sequence[str]
    now: Callable[[], datetime]
    currency: str
    locale: str
    before: Digests | None = None  # the sheets' digests as the run first read the whole workbook
    counts: Mapping[str, int] = field(default_factory=dict)
    total: Decimal | None = None
    recorded: bool = False
    hashing: Forked[Digests | None] | None = None  # `before` being computed in a forked child

    def read(self, path: Path, sheets: RawBook) -> None:
        """The run read the whole workbook: its digests are those of the workbook before the run's save. A large
        workbook is hashed in a forked child, on the other core, while the command validates and computes; should
        the child give no answer, the workbook (unchanged until the run's save) is read and hashed again here."""
        if self.before is not None or self.hashing is not None or self.recorded or not _same_file(path, self.path):
            return
        if sum(len(sheet.rows) for sheet in sheets.values()) < FORK_ROWS:
            self.before = sheet_digests(sheets)
            return
        self.hashing = Forked(lambda: sheet_digests(sheets), lambda: file_digests(self.path))

    def before_digests(self) -> Digests | None:
        """The digests of the workbook as the run first read it (None when it did not read all of it)."""
        if self.hashing is not None:
            self.before, self.hashing = self.hashing.result(), None
        return self.before

    def stop(self) -> None:
        """A child still hashing for a run that saved nothing is stopped."""
        if self.hashing is not None:
            self.hashing.cancel()
            self.hashing = None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


_current: ContextVar[_Run | None] = ContextVar("mspxl_run", default=None)


def note_issued(counts: Mapping[str, int], total: Decimal | None) -> None:
    """What the command under way is about to save (counts by kind, the total issued), for its Runs row; nothing
    when no audited command is under way (a library call, a test of the command itself)."""
    run = _current.get()
    if run is not None:
        run.counts, run.total = dict(counts), total


def documents_issued(invoices: Sequence[Invoice]) -> tuple[dict[str, int], Decimal | None]:
    """Register documents as a Runs row counts them: how many of each type, the sum of their totals."""
    counts: dict[str, int] = {}
    for inv in invoices:
        counts[inv.type] = counts.get(inv.type, 0) + 1
    return counts, sum((inv.total for inv in invoices), start=Decimal("0.00")) if invoices else None


def note_documents(invoices: Sequence[Invoice]) -> None:
    """`note_issued` for a list of register documents."""
    note_issued(*documents_issued(invoices))


def audited(path: Path, command: str, args: Sequence[str], action: Callable[[], T],
            now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
            currency: str = "USD", locale: str = "en_US") -> T:
    """Run a writing command; its Runs row goes into the same save as its work.

    When the command saves, the finished copy gets the row (the fingerprint after is the copy's) before it replaces
    the workbook, so the work and its row land together or not at all, inside the command's run lock. A command that
    saves nothing (a dry run, a refusal, nothing new) adds no row.

    The fingerprints come from what the run has: before, from the cells the command read; after, from those with
    the sheets the writer changed read back from the copy. The workbook is read again only when the command did not
    read all of it."""
    run = _Run(path, command, list(args), now, currency, locale)

    def add_row(copy: Path, written: object = None) -> None:
        if run.recorded:  # one row per command, on its first save
            return
        before = run.before_digests()
        if before is None and path.exists():
            before = file_digests(path)
        if before is None:
            after = file_digests(copy)
        else:  # read back from the copy: here, or ahead of time as the copy was written (`copy_written`)
            after = digests_after(written if _is_written(written) else copy_written(path, copy), before)
        _record(copy, run, "" if before is None else combined(before), "" if after is None else combined(after))
        run.recorded = True

    token = _current.set(run)
    try:
        with reads_seen(run.read), before_replace(add_row, copy_written):
            return action()
    finally:
        run.stop()
        _current.reset(token)


def _is_written(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 2  # what `copy_written` gave, handed back from the child


def _record(path: Path, run: _Run, before: str, after: str) -> None:
    row = completed_run(run.command, run.args, before, after, run.counts, run.total, run.now())
    append_run(path, row, run.currency, run.locale)


def completed_run(command: str, args: Sequence[str], before: str, after: str, counts: Mapping[str, int],
                  total: Decimal | None, moment: datetime) -> tuple[Value, ...]:
    """The Runs row of a command that completed at `moment` (local time with its offset), run by this user with
    this mspxl."""
    return runs_row(command, args, before, after, counts, total, "ok", moment.astimezone(UTC), moment,
                    current_user(), __version__)
