"""Faults: a run killed at any point, a full disk, an unwritable folder, a workbook open in Excel, two runs at once.
The workbook is always either as it was or fully updated, a re-run finishes the job without a duplicate, and nothing
the accountant had is lost."""

from __future__ import annotations

import builtins
import errno
import gc
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from corpus.make import PERIOD, good_book
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.lock import WorkbookBusy, lock_path, workbook_lock
from mspxl.workbook.source_file import read_raw

runner = CliRunner()
KILLED_RUN = Path(__file__).parent / "corpus" / "killed_run.py"
NUMBERS = ["INV-000001", "INV-000002", "INV-000003"]
DOCUMENTS = {"INV-000001 Client C1.docx", "INV-000002 Client C1.docx", "INV-000003 Client C2.docx"}


def register(book: Path) -> tuple[list[str], list[str], list[object]]:
    """Invoice numbers on Invoices, on InvoiceLines, and the WorkLog's Invoice Number marks."""
    wb = openpyxl.load_workbook(book, read_only=True)
    invoices = [r[0] for r in wb["Invoices"].iter_rows(min_row=2, values_only=True) if r[0]] \
        if "Invoices" in wb.sheetnames else []
    lines = [r[0] for r in wb["InvoiceLines"].iter_rows(min_row=2, values_only=True) if r[0]] \
        if "InvoiceLines" in wb.sheetnames else []
    marks = [r[9] for r in wb["WorkLog"].iter_rows(min_row=2, values_only=True)]
    wb.close()
    return invoices, lines, marks


def documents(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*.docx") if not p.name.startswith(".")} if folder.exists() else set()


def start_killed_run(book: Path, out: Path, kill_at: int) -> subprocess.Popen[str]:
    command = [sys.executable, str(KILLED_RUN), str(kill_at), "invoice", str(book), "--period", PERIOD, "--out",
               str(out)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_whole_then_rerun_completes(book: Path, before: bytes, out: Path) -> str:
    """The workbook is as before or fully updated; a re-run issues the rest, once; a third run changes nothing."""
    if book.read_bytes() == before:
        state = "as before"
    else:
        invoices, lines, marks = register(book)  # a half-written file would not even open
        assert (invoices, len(lines), marks) == (NUMBERS, 4, ["INV-000002"])
        assert audit_trail(book) == ["invoice"]  # the work landed with its Runs row, in the same save
        state = "fully updated"
    result = runner.invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(out)])
    assert result.exit_code == 0, result.output
    invoices, lines, marks = register(book)
    assert (invoices, len(lines), marks) == (NUMBERS, 4, ["INV-000002"])
    assert documents(out) == DOCUMENTS
    settled = book.read_bytes()
    again = runner.invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(out)])
    assert again.exit_code == 0 and "nothing new to issue" in again.output, again.output
    assert book.read_bytes() == settled
    assert not lock_path(book).exists()
    assert audit_trail(book) == ["invoice"]  # one run issued the period, whichever it was
    return state


def audit_trail(book: Path) -> list[str]:
    """The Command of each Runs row."""
    sheets = read_raw(book)
    return [str(row[2]) for row in sheets["Runs"].rows[1:]] if "Runs" in sheets else []


def test_a_run_killed_at_any_write_leaves_the_workbook_whole_and_a_rerun_finishes_it(tmp_path: Path) -> None:
    reference = good_book(tmp_path / "reference")
    counted = start_killed_run(reference, tmp_path / "reference" / "docs", 0)
    _, stderr = counted.communicate(timeout=60)
    assert counted.returncode == 0, stderr
    events = int(stderr.rsplit("events=", 1)[1])
    assert events > 20  # documents and the workbook are written in many blocks
    points = sorted({1, events - 1, events, *range(7, events, max(1, events // 5))})
    runs = {}
    for point in points:
        folder = tmp_path / f"kill-{point}"
        book = good_book(folder)
        runs[point] = (book, book.read_bytes(), folder / "docs", start_killed_run(book, folder / "docs", point))
    states = {}
    for point, (book, before, out, process) in runs.items():
        process.communicate(timeout=120)
        assert process.returncode == -signal.SIGKILL, f"run {point} was not killed"
        states[point] = assert_whole_then_rerun_completes(book, before, out)
    assert states[points[0]] == "as before"
    assert states[events] == "fully updated"  # killed just after the workbook was moved into place


def test_a_run_killed_after_random_delays_leaves_the_workbook_whole(tmp_path: Path) -> None:
    chance = random.Random(8)
    runs = []
    for index in range(4):
        folder = tmp_path / f"run-{index}"
        book = good_book(folder)
        command = [sys.executable, "-m", "mspxl.cli", "invoice", str(book), "--period", PERIOD, "--out",
                   str(folder / "docs")]
        runs.append((book, book.read_bytes(), folder / "docs", subprocess.Popen(command), chance.uniform(0.3, 2.0)))
    started = time.monotonic()
    for _, _, _, process, delay in sorted(runs, key=lambda run: run[4]):
        time.sleep(max(0.0, started + delay - time.monotonic()))
        process.send_signal(signal.SIGKILL)
    for book, before, out, process, _ in runs:
        process.wait(timeout=60)
        assert_whole_then_rerun_completes(book, before, out)


def _path_of(target: object) -> str:
    """The file being written: a path, a descriptor (`/proc` names it) or a file object's name."""
    if isinstance(target, zipfile.ZipFile):
        target = target.filename or getattr(target.fp, "name", "")
    if isinstance(target, int):
        try:
            return os.readlink(f"/proc/self/fd/{target}")
        except OSError:
            return ""
    return os.fspath(target) if isinstance(target, str | os.PathLike) else ""


def _full(path: str) -> OSError:
    return OSError(errno.ENOSPC, "No space left on device", path)


class _FullFile:
    """A file on a full disk: opening works, every write fails."""

    def __init__(self, handle, path: str) -> None:  # type: ignore[no-untyped-def]
        self._handle, self._path = handle, path

    def write(self, data: object) -> int:
        raise _full(self._path)

    def __getattr__(self, name: str) -> object:
        return getattr(self._handle, name)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


class DiskFull:
    """A fault-injecting writer: every write to a file whose name ends with `suffix` fails with ENOSPC, as on a full
    disk, whether the file is written through zipfile, open(), a descriptor from mkstemp or os.write."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
        zip_write = zipfile._ZipWriteFile.write  # type: ignore[attr-defined]
        real_open, real_fdopen, real_write = builtins.open, os.fdopen, os.write

        def write(handle, data):  # type: ignore[no-untyped-def]
            path = _path_of(handle._zipfile)
            if path.endswith(suffix):
                raise _full(path)
            return zip_write(handle, data)

        def wrap(handle, target: object, mode: str):  # type: ignore[no-untyped-def]
            path = _path_of(target)
            return _FullFile(handle, path) if path.endswith(suffix) and set(mode) & set("wax+") else handle

        def fake_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
            return wrap(real_open(file, mode, *args, **kwargs), file, mode)

        def fake_fdopen(fd, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
            return wrap(real_fdopen(fd, mode, *args, **kwargs), fd, mode)

        def fake_write(fd: int, data):  # type: ignore[no-untyped-def]
            path = _path_of(fd)
            if path.endswith(suffix):
                raise _full(path)
            return real_write(fd, data)

        monkeypatch.setattr(zipfile._ZipWriteFile, "write", write)  # type: ignore[attr-defined]
        monkeypatch.setattr(builtins, "open", fake_open)
        monkeypatch.setattr(io, "open", fake_open)  # what Path.write_text and Path.open call
        monkeypatch.setattr(os, "fdopen", fake_fdopen)
        monkeypatch.setattr(os, "write", fake_write)


@pytest.mark.parametrize("suffix", [".xlsx", ".docx.tmp"], ids=["saving the workbook", "writing a document"])
def test_a_full_disk_fails_the_run_and_loses_nothing(suffix: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    book = good_book(tmp_path)
    before = book.read_bytes()
    out = tmp_path / "docs"
    with monkeypatch.context() as patch:
        DiskFull(patch, suffix)
        result = runner.invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(out)])
        gc.collect()  # the failed writer's zip file is closed here, not in a later test
    assert result.exit_code != 0
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "docs"] or not out.exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")] if out.exists() else True  # no temp files
    assert_whole_then_rerun_completes(book, before, out)


@pytest.mark.parametrize("suffix", [".xlsx", ".docx.tmp"], ids=["saving the workbook", "writing a document"])
def test_a_full_disk_is_reported_in_plain_words(suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = good_book(tmp_path)
    DiskFull(monkeypatch, suffix)
    result = runner.invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(tmp_path / "docs")])
    gc.collect()
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "No space left on device" in result.output


def test_an_output_folder_that_cannot_be_made_fails_the_run_and_changes_nothing(tmp_path: Path) -> None:
    book = good_book(tmp_path)
    before = book.read_bytes()
    (tmp_path / "a file").write_text("not a folder")
    result = runner.invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(tmp_path / "a file" / "docs")])
    assert result.exit_code != 0
    assert book.read_bytes() == before
    assert (tmp_path / "a file").read_text() == "not a folder"


def test_an_output_folder_that_cannot_be_made_is_reported_in_plain_words(tmp_path: Path) -> None:
    book = good_book(tmp_path)
    (tmp_path / "a file").write_text("not a folder")
    result = runner.invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(tmp_path / "a file" / "docs")])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "a file" in result.output and "docs" in result.output


@pytest.mark.parametrize("command", [["invoice", "--period", PERIOD], ["collect", "--as-of", "2026-11-20"]])
def test_a_workbook_open_in_excel_is_refused_and_never_overwritten(command: list[str], tmp_path: Path) -> None:
    book = good_book(tmp_path)
    (tmp_path / "~$book.xlsx").write_bytes(b"owner")
    before = book.read_bytes()
    result = runner.invoke(cli, [command[0], str(book), *command[1:], "--out", str(tmp_path / "docs")])
    assert result.exit_code == 1
    assert ("book.xlsx is open in Excel (~$book.xlsx exists): close it first, or use the MSP Billing ribbon inside "
            "Excel.") in result.output.replace("\n", " ")
    assert book.read_bytes() == before
    assert not (tmp_path / "docs").exists()


HOLDER = """
import sys, time
from datetime import date
from pathlib import Path
from mspxl.lock import workbook_lock
with workbook_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(book: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(book), str(seconds)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_run_is_refused_while_another_holds_the_workbook(tmp_path: Path) -> None:
    book = good_book(tmp_path)
    holder = hold_lock(book, 30)
    try:
        busy = r"book.xlsx is being updated by another mspxl run \(~mspxl-book.xlsx.lock is held\): wait for it"
        with pytest.raises(WorkbookBusy, match=busy), workbook_lock(book, wait=0.2):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_a_second_run_waits_for_the_first_to_finish(tmp_path: Path) -> None:
    book = good_book(tmp_path)
    holder = hold_lock(book, 0.5)
    started = time.monotonic()
    with workbook_lock(book, wait=20) as held:
        waited = time.monotonic() - started
        assert held.exists()
        assert holder.wait(timeout=10) == 0  # the first run finished its block; the second went on after it
    assert 0.3 < waited < 10
    assert not lock_path(book).exists()


def test_a_killed_run_does_not_leave_the_workbook_locked(tmp_path: Path) -> None:
    book = good_book(tmp_path)
    holder = hold_lock(book, 60)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with workbook_lock(book, wait=2):
        pass


def test_a_document_worker_outliving_its_killed_run_does_not_keep_the_workbook_locked(tmp_path: Path) -> None:
    """The document pool's workers are forked while the run holds the lock; they must not inherit it."""
    book = good_book(tmp_path)
    script = """
import multiprocessing, os, signal, sys, time
from pathlib import Path
from mspxl.lock import workbook_lock
with workbook_lock(Path(sys.argv[1])):
    worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
    worker.start()
    print(worker.pid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""
    run = subprocess.Popen([sys.executable, "-c", script, str(book)], stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    worker = int(run.stdout.readline())
    run.wait()
    try:
        assert run.returncode == -signal.SIGKILL
        os.kill(worker, 0)  # the worker is still running
        with workbook_lock(book, wait=2):
            pass
    finally:
        os.kill(worker, signal.SIGKILL)


def test_runs_under_the_lock_never_interleave(tmp_path: Path) -> None:
    """Four processes append to one file under the lock; each one's two lines stay together."""
    book = good_book(tmp_path)
    journal = tmp_path / "journal.txt"
    script = """
import sys, time
from datetime import date
from pathlib import Path
from mspxl.lock import workbook_lock
with workbook_lock(Path(sys.argv[1]), wait=60):
    with open(sys.argv[2], "a") as f:
        f.write(sys.argv[3] + " start\\n"); f.flush(); time.sleep(0.05); f.write(sys.argv[3] + " end\\n")
"""
    workers = [subprocess.Popen([sys.executable, "-c", script, str(book), str(journal), str(n)]) for n in range(4)]
    for worker in workers:
        assert worker.wait(timeout=60) == 0
    lines = journal.read_text().splitlines()
    assert len(lines) == 8
    for start, end in zip(lines[::2], lines[1::2], strict=True):
        assert start.split()[0] == end.split()[0] and (start.split()[1], end.split()[1]) == ("start", "end")


def sheet_values(book: Path, sheet: str) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(book, read_only=True)
    values = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    return values


def test_collections_run_twice_on_one_date_charge_one_fee_and_change_nothing_the_second_time(tmp_path: Path) -> None:
    book = good_book(tmp_path)
    out = tmp_path / "docs"
    assert runner.invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(book)
    wb["Payments"].append(["P2", "C1", date(2026, 12, 1), 200, "ACH", "returned", "R01", "INV-000001"])
    wb.save(book)
    first = runner.invoke(cli, ["collect", str(book), "--as-of", "2026-12-10", "--out", str(out), "--json"])
    assert first.exit_code == 0, first.output
    assert [fee["number"] for fee in json.loads(first.output)["fees"]] == ["INV-000004"]
    after_first = {sheet: sheet_values(book, sheet) for sheet in ("Invoices", "InvoiceLines", "Collections", "Aging")}
    files = sorted(p.name for p in out.iterdir())
    second = runner.invoke(cli, ["collect", str(book), "--as-of", "2026-12-10", "--out", str(out), "--json"])
    assert second.exit_code == 0, second.output
    assert json.loads(second.output)["fees"] == []
    assert {sheet: sheet_values(book, sheet) for sheet in after_first} == after_first
    assert sorted(p.name for p in out.iterdir()) == files
