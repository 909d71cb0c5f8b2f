"""The Runs row's fingerprints come from what the run has: before, from the cells the command read; after, from
those with the sheets the writer changed read back from the finished copy. Each equals the fingerprint of the
workbook read afresh, for every command that writes, and the workbook itself is read once per run."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from mspxl.audit import fingerprint, sheet_digest, workbook_fingerprint
from mspxl.commands.credit import run_credit
from mspxl.commands.demo import run_demo
from mspxl.commands.send import run_send
from mspxl.runs_sheet import RUNS_SHEET
from mspxl.workbook import source_file
from mspxl.workbook.raw import RawSheet
from mspxl.workbook.source_file import read_raw

TODAY = date(2027, 1, 5)
UNCHANGED_BY_INVOICE = {"Clients", "Users", "Devices", "Subscriptions", "Services", "Settings", "Payments"}


def test_every_writing_command_records_the_fingerprints_of_a_fresh_read(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[tuple[str, tuple[str, ...]]] = []
    real = source_file._read_sheets

    def spy(book: object, wanted: list[str], *rest: object) -> None:
        reads.append((Path(str(getattr(book, "path", ""))).name, tuple(wanted)))
        real(book, wanted, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(source_file, "_read_sheets", spy)
    demo = run_demo(tmp_path / "demo", TODAY)
    book = demo.book
    run_credit(book, "INV-000001", TODAY, "Goodwill", amount="10.00", out=tmp_path / "docs")
    run_send(book, "2026-12", None, datetime(2027, 1, 5, 9, 0), out=tmp_path / "demo" / "invoices")
    monkeypatch.setattr(source_file, "_read_sheets", real)

    rows = [r for r in read_raw(book)[RUNS_SHEET].rows[1:] if r and r[0]]
    commands = [r[2] for r in rows]
    assert commands == ["invoice"] * 3 + ["collect", "ach", "reconcile", "reconcile", "export", "credit", "send"]
    for earlier, later in zip(rows, rows[1:], strict=False):
        assert later[6] == earlier[7], later[2]  # each run's "before" (its own read) is the last run's "after"
    assert rows[-1][7] == workbook_fingerprint(book) != rows[-1][6]
    whole = [name for name, wanted in reads if set(wanted) >= UNCHANGED_BY_INVOICE]
    copies = [wanted for name, wanted in reads if name != book.name]
    # ten runs and the summary read the whole book once each (export twice, its own choice); the finished copies
    # are read back only for the sheets written: one read per run that wrote, never the whole book
    assert whole == [book.name] * 12
    assert len(copies) == 10 and not any(set(wanted) & UNCHANGED_BY_INVOICE - {"Payments"} for wanted in copies)
    assert copies[0] == ("Usage", "WorkLog", "Invoices", "InvoiceLines")

def test_a_sheet_digest_is_the_same_however_its_cells_are_typed() -> None:
    """Excel gives a whole number as 3.0 and a date as a midnight datetime; the file reader 3 and a date; rows
    from Excel run to the end of the used range."""
    from_file = RawSheet("S", [["a", 3, date(2026, 11, 5), None], [], [None, 1.5]])
    from_excel = RawSheet("S", [["a", 3.0, datetime(2026, 11, 5), None, None], [None, None], [None, 1.5, None]])
    assert sheet_digest("S", from_file) == sheet_digest("S", from_excel)
    moved = RawSheet("S", [["a", None, 3, date(2026, 11, 5)], [], [None, 1.5]])
    assert sheet_digest("S", moved) != sheet_digest("S", from_file)
    assert fingerprint({"S": from_file, RUNS_SHEET: moved}) == fingerprint({"S": from_excel})
    assert fingerprint({"S": from_file, "T": moved}) != fingerprint({"T": moved, "S": from_file})
