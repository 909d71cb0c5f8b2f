"""The register's finished copy written ahead, in a forked child while the documents render, saves the same
workbook as a save after the documents: the same sheets, the same Runs fingerprints (before: the last run's after;
after: a fresh re-read). A run that stops, or a child that cannot write, leaves the workbook as it was and no
temporary file behind."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from mspxl import audit
from mspxl.commands import common
from mspxl.commands.invoice import run_invoice
from mspxl.resources import sample_workbook
from mspxl.runs_sheet import RUNS_SHEET
from mspxl.workbook.source_file import read_raw
from mspxl.writers import forked
from mspxl.writers.changes import WorkbookChanges
from mspxl.writers.package import Package
from mspxl.writers.prepared import PreparedSave

TODAY = date(2027, 1, 5)
pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="children are forked on Linux only")


def invoiced(folder: Path, periods: tuple[str, ...] = ("2026-10", "2026-11")) -> Path:
    folder.mkdir()
    book = folder / "book.xlsx"
    shutil.copyfile(sample_workbook(), book)
    for period in periods:
        run_invoice(book, period, TODAY, folder / "docs")
    return book


def sheets_and_fingerprints(book: Path) -> tuple[dict[str, list[list[object]]], list[tuple[object, ...]]]:
    raw = read_raw(book)
    runs = [tuple(r[6:9]) for r in raw[RUNS_SHEET].rows[1:] if r and r[0]]
    return {name: sheet.rows for name, sheet in raw.items() if name != RUNS_SHEET}, runs


@pytest.fixture
def ahead(monkeypatch: pytest.MonkeyPatch) -> list[PreparedSave]:
    """Every invoice run writes its copy ahead; the saves that did are listed."""
    monkeypatch.setattr(common, "WRITE_AHEAD", 0)
    started: list[PreparedSave] = []
    real = PreparedSave.write_ahead

    def spy(self: PreparedSave) -> PreparedSave:
        real(self)
        if self._ahead is not None and self._ahead.forked:
            started.append(self)
        return self

    monkeypatch.setattr(PreparedSave, "write_ahead", spy)
    return started


def test_a_copy_written_ahead_is_the_workbook_a_save_after_the_documents_writes(
        tmp_path: Path, ahead: list[PreparedSave], monkeypatch: pytest.MonkeyPatch) -> None:
    written_ahead = invoiced(tmp_path / "ahead")
    assert len(ahead) == 2
    ahead.clear()
    monkeypatch.setattr(common, "WRITE_AHEAD", 10**9)
    written_after = invoiced(tmp_path / "after")
    assert not ahead
    sheets, runs = sheets_and_fingerprints(written_ahead)
    assert (sheets, runs) == sheets_and_fingerprints(written_after)
    assert runs[1][0] == runs[0][1] and runs[1][1] == audit.workbook_fingerprint(written_ahead)
    assert sorted(os.listdir(tmp_path / "ahead")) == ["book.xlsx", "docs"]


def test_a_run_that_stops_in_its_documents_leaves_the_workbook_and_no_copy(tmp_path: Path,
                                                                          ahead: list[PreparedSave],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    book = invoiced(tmp_path / "book", ("2026-10",))
    before = book.read_bytes()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(common, "render_documents", full_disk)
    with pytest.raises(OSError, match="No space"):
        run_invoice(book, "2026-11", TODAY, tmp_path / "book" / "docs")
    assert len(ahead) == 2 and ahead[-1]._copy is None
    assert book.read_bytes() == before and sorted(os.listdir(book.parent)) == ["book.xlsx", "docs"]


@pytest.mark.parametrize("where", ["child", "everywhere"])
def test_a_copy_the_child_cannot_write_is_written_by_the_save(tmp_path: Path, ahead: list[PreparedSave],
                                                              monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    expected = invoiced(tmp_path / "expected")
    book = invoiced(tmp_path / "book", ("2026-10",))
    before = book.read_bytes()
    parent, real_save = os.getpid(), Package.save

    def save(self: Package, target: Path) -> None:
        if where == "everywhere" or os.getpid() != parent:
            Path(target).write_bytes(b"half a workbook")
            raise OSError(28, "No space left on device")
        real_save(self, target)

    monkeypatch.setattr(Package, "save", save)
    if where == "everywhere":
        with pytest.raises(OSError, match="No space"):
            run_invoice(book, "2026-11", TODAY, tmp_path / "book" / "docs")
        assert book.read_bytes() == before
    else:
        run_invoice(book, "2026-11", TODAY, tmp_path / "book" / "docs")
        assert sheets_and_fingerprints(book) == sheets_and_fingerprints(expected)
    assert sorted(os.listdir(book.parent)) == ["book.xlsx", "docs"]


@pytest.mark.parametrize("names_match", [True, False])
def test_collect_saves_the_change_it_checked_before_its_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  names_match: bool) -> None:
    """The fee's register row names its document as it is written; when the documents came out as planned the
    change prepared before them is the one saved (prepared once), else the change is prepared again as written."""
    from bookdata import client, write_book

    from mspxl.commands import collect as collect_command
    from mspxl.commands.collect import run_collect
    from mspxl.records import Invoice

    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C1", Name="Alpha Dental & Co")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": date(2026, 1, 1)}],
        "Payments": [{"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 11, 2), "Amount": 500,
                      "Status": "returned", "Return Code": "R01"}],
    })
    run_invoice(book, "2026-10", TODAY, tmp_path / "docs")
    prepared_again: list[object] = []
    real_update, real_render = collect_command.update_workbook, collect_command.render_documents
    monkeypatch.setattr(collect_command, "update_workbook",
                        lambda *args: prepared_again.append(args) or real_update(*args))
    if not names_match:
        def renamed(*args: object, **kwargs: object) -> list[Invoice]:
            from dataclasses import replace

            return [replace(fee, file="moved " + str(fee.file)) for fee in real_render(*args, **kwargs)]

        monkeypatch.setattr(collect_command, "render_documents", renamed)
    run = run_collect(book, date(2026, 11, 3), TODAY, tmp_path / "docs")
    (fee,) = run.fees
    assert len(prepared_again) == (0 if names_match else 1)
    register = read_raw(book)["Invoices"].rows
    files = [row[-1] for row in register if row and row[0] == fee.number]
    assert files == [fee.file] and fee.file.endswith("Alpha Dental & Co.docx")
    runs = [r for r in read_raw(book)[RUNS_SHEET].rows[1:] if r and r[0]]
    assert runs[-1][2] == "collect" and runs[-1][7] == audit.workbook_fingerprint(book)


def test_a_month_written_ahead_makes_its_change_in_the_child_while_the_documents_render(
        tmp_path: Path, ahead: list[PreparedSave], monkeypatch: pytest.MonkeyPatch) -> None:
    """The register change of a month written ahead is made by the write-ahead child, not by the run before its
    documents (`prepare_update_ahead`): the run's own process never makes it, and the workbook is the same."""
    from mspxl.writers import update

    made_by = tmp_path / "made-by"
    real = update.prepared_package

    def recorded(path: Path, changes: WorkbookChanges, number_format: str) -> object:
        with made_by.open("a") as record:  # which process made a change of the register (not the Runs row's)
            record.write(f"{os.getpid()} {'Invoices' in changes.append}\n")
        return real(path, changes, number_format)

    monkeypatch.setattr(update, "prepared_package", recorded)
    book = invoiced(tmp_path / "book", ("2026-10",))
    assert len(ahead) == 1
    makers = [line.split() for line in made_by.read_text().splitlines()]
    register = [pid for pid, invoices in makers if invoices == "True"]
    assert len(register) == 1 and register[0] != str(os.getpid())  # made once, by the write-ahead child
    monkeypatch.setattr(update, "prepared_package", real)
    monkeypatch.setattr(common, "WRITE_AHEAD", 10**9)
    assert sheets_and_fingerprints(book) == sheets_and_fingerprints(invoiced(tmp_path / "after", ("2026-10",)))
