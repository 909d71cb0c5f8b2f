"""The audit's hashing done in a forked child (on the other core, while the command goes on) gives the Runs row the
same fingerprints as hashing in process: each run's before is the last run's after, the last after is a fresh
re-read. A child that fails, or is no longer wanted, changes nothing but where the work is done."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from mspxl import audit
from mspxl.commands.demo import run_demo
from mspxl.runs_sheet import RUNS_SHEET
from mspxl.workbook.source_file import read_raw
from mspxl.writers import forked
from mspxl.writers.forked import Forked

TODAY = date(2027, 1, 5)
linux_only = pytest.mark.skipif(not forked.can_fork(), reason="children are forked on Linux only")


@linux_only
def test_the_childs_answer_is_the_jobs_and_the_fallback_is_not_run() -> None:
    here = os.getpid()

    def fallback() -> tuple[int, bytes]:
        raise AssertionError("the child answered")

    job = Forked(lambda: (os.getpid(), b"\x00" * 100_000), fallback)  # an answer larger than a pipe's buffer
    assert job.forked
    pid, data = job.result()
    assert pid != here and data == b"\x00" * 100_000
    assert job.result() == (pid, data)  # asked again: the same answer, the child long gone


@linux_only
def test_a_child_that_fails_leaves_the_work_to_the_fallback() -> None:
    def job() -> str:
        raise OSError("no space left on device")

    failed = Forked(job, lambda: "done here")
    assert failed.forked and failed.result() == "done here"
    killed = Forked(lambda: os._exit(3), lambda: "done here too")  # type: ignore[func-returns-value]
    assert killed.result() == "done here too"


@linux_only
def test_a_child_no_longer_wanted_is_stopped_and_reaped() -> None:
    job = Forked(lambda: time.sleep(60), lambda: None)
    pid = job._pid
    assert pid is not None
    started = time.monotonic()
    job.cancel()
    assert time.monotonic() - started < 30
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left behind


def test_no_child_where_forking_is_not_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    job = Forked(lambda: "child", lambda: "here")
    assert not job.forked and job.result() == "here"


def runs_rows(book: Path) -> list[list[object]]:
    return [r for r in read_raw(book)[RUNS_SHEET].rows[1:] if r and r[0]]


@linux_only
@pytest.mark.parametrize("child", ["answers", "fails"])
def test_the_runs_fingerprints_are_the_same_when_hashed_in_a_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   child: str) -> None:
    monkeypatch.setattr(audit, "FORK_ROWS", 0)  # every run hashes the book it read in a child
    children: list[Forked[object]] = []
    real_init = Forked.__init__

    def counted(self: Forked[object], *args: object) -> None:
        real_init(self, *args)  # type: ignore[arg-type]
        children.append(self)

    monkeypatch.setattr(Forked, "__init__", counted)
    if child == "fails":
        parent, real_digests = os.getpid(), audit.sheet_digests

        def digests_here_only(*args: object) -> audit.Digests:
            if os.getpid() != parent:
                raise MemoryError("the child ran out of memory")
            return real_digests(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(audit, "sheet_digests", digests_here_only)
    book = run_demo(tmp_path / "demo", TODAY).book
    rows = runs_rows(book)
    assert [r[2] for r in rows] == ["invoice"] * 3 + ["collect", "ach", "reconcile", "reconcile", "export"]
    assert len(children) >= len(rows) and all(c.forked for c in children)
    for earlier, later in zip(rows, rows[1:], strict=False):
        assert later[6] == earlier[7], later[2]
    assert rows[-1][7] == audit.workbook_fingerprint(book) != rows[-1][6]


def test_a_run_that_saves_nothing_stops_its_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "FORK_ROWS", 0)
    stopped: list[Forked[object]] = []
    real_cancel = Forked.cancel

    def cancel(self: Forked[object]) -> None:
        stopped.append(self)
        real_cancel(self)

    monkeypatch.setattr(Forked, "cancel", cancel)
    book = run_demo(tmp_path / "demo", TODAY).book
    before = book.read_bytes()
    again = audit.audited(book, "invoice", [book.name], lambda: read_raw(book) and None)
    assert again is None and book.read_bytes() == before and len(stopped) == 1


def test_the_command_line_reports_a_broken_template_without_loading_it_up_front(tmp_path: Path) -> None:
    """A document that cannot be rendered is reported as one message and writes nothing (the errors of the
    documents are told apart without importing them before a command renders anything)."""
    import shutil

    from typer.testing import CliRunner

    from mspxl.cli import cli
    from mspxl.cli.common import raised_by
    from mspxl.documents.errors import DocumentError, TemplateInvalid
    from mspxl.resources import sample_workbook

    book = tmp_path / "book.xlsx"
    shutil.copyfile(sample_workbook(), book)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "invoice-managed.docx").write_bytes(b"not a Word document")
    before = book.read_bytes()
    done = CliRunner().invoke(cli, ["invoice", str(book), "--period", "2026-10", "--out", str(tmp_path / "docs")])
    assert done.exit_code == 1, done.output
    assert "Could not write a file" in done.output and "the workbook is as it was" in done.output
    assert book.read_bytes() == before
    assert raised_by(TemplateInvalid("x"), "mspxl.documents.errors", "DocumentError")
    assert not raised_by(ValueError("x"), "mspxl.documents.errors", "DocumentError")
    assert not raised_by(DocumentError("x"), "mspxl.no_such_module", "DocumentError")
