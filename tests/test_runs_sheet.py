"""The Runs sheet: one row appended per command that writes the workbook, none for check, verify, dry runs or a
refused command; each row's hashes chain to the workbook as it stands."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import typer
from bookdata import write_book
from test_credit_notes import TODAY, issued_book, sheets
from typer.testing import CliRunner

from mspxl import __version__, audit
from mspxl.audit import (
    audited,
    current_user,
    runs_row,
    workbook_fingerprint,
)
from mspxl.cli.book import verify
from mspxl.cli.credit import credit
from mspxl.commands import check, collect
from mspxl.commands import invoice as invoice_command
from mspxl.commands.verify import verify_file
from mspxl.runs_sheet import RUNS_COLUMNS
from mspxl.writers import atomic

commands = typer.Typer()
commands.command("verify")(verify)
commands.command("credit")(credit)
runner = CliRunner()
MOMENT = datetime(2026, 11, 20, 9, 30, tzinfo=timezone(timedelta(hours=-6)))


def runs(book: Path) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(book)
    if "Runs" not in wb.sheetnames:
        return []
    ws = wb["Runs"]
    assert [c.value for c in ws[1]] == [h for h, _ in RUNS_COLUMNS]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2) if row[0].value is not None]


def invoice(book: Path, tmp_path: Path, dry_run: bool = False) -> invoice_command.InvoiceRun:
    args = [book.name, "--period", "2026-11"] + (["--dry-run"] if dry_run else [])
    return audited(book, "invoice", args,
                   lambda: invoice_command.invoice(book, "2026-11", TODAY, tmp_path / "docs", dry_run),
                   now=lambda: MOMENT)


def test_runs_row_is_in_column_order() -> None:
    row = runs_row("invoice", ["book.xlsx", "--period", "2026-11"], "a" * 64, "b" * 64, {"managed": 2, "fee": 0},
                   Decimal("1066.00"), "ok", MOMENT.astimezone(UTC), MOMENT, "ann", "1.2.3")
    assert row == ("2026-11-20T15:30:00+00:00", "2026-11-20T09:30:00-06:00", "invoice", "book.xlsx --period 2026-11",
                   "ann", "1.2.3", "a" * 64, "b" * 64, "managed 2", Decimal("1066.00"), "ok")
    assert len(row) == len(RUNS_COLUMNS)


def test_one_row_per_writing_command_and_none_otherwise(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    start = workbook_fingerprint(book)
    invoice(book, tmp_path, dry_run=True)
    assert runs(book) == []
    invoice(book, tmp_path)
    [first] = runs(book)
    assert first[:8] == ("2026-11-20T15:30:00+00:00", "2026-11-20T09:30:00-06:00", "invoice",
                         "book.xlsx --period 2026-11", current_user(), __version__, start,
                         workbook_fingerprint(book))
    assert first[8:] == ("managed 2, service 1", 1246, "ok")  # 866.00 + 200.00 + 180.00
    assert start != first[7]
    assert "$" in openpyxl.load_workbook(book)["Runs"]["J2"].number_format

    invoice(book, tmp_path)  # nothing new to issue: the file is not written
    invoice(book, tmp_path, dry_run=True)
    check.check(book, TODAY)
    assert verify_file(book, TODAY) == []
    assert runner.invoke(commands, ["verify", str(book)]).exit_code == 0
    refused = runner.invoke(commands, ["credit", str(book), "--invoice", "INV-000002", "--amount", "999",
                                       "--reason", "too much"])
    assert refused.exit_code == 1
    assert len(runs(book)) == 1

    audited(book, "collect", [book.name, "--as-of", "2026-12-10"],
            lambda: collect.collect(book, date(2026, 12, 10), TODAY, tmp_path / "docs"))
    done = runner.invoke(commands, ["credit", str(book), "--invoice", "INV-000002", "--reason", "Never set up"])
    assert done.exit_code == 0, done.output
    first, second, third = runs(book)
    assert (second[2], second[6], second[10]) == ("collect", first[7], "ok")
    assert (third[2], third[3], third[6]) == ("credit", "book.xlsx --invoice INV-000002 --reason 'Never set up'",
                                              second[7])
    assert (third[8], third[9]) == ("credit 1", -200)
    assert third[7] == workbook_fingerprint(book)  # the Runs sheet itself is left out of the fingerprint
    assert verify_file(book, TODAY) == []


def test_the_runs_sheet_is_only_appended_to(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("Runs")
    ws.append([h for h, _ in RUNS_COLUMNS])
    ws.append(["2026-11-01T00:00:00+00:00", "earlier row kept as written"])
    wb.save(book)
    runner.invoke(commands, ["credit", str(book), "--invoice", "INV-000003", "--reason", "Warranty"])
    rows = runs(book)
    assert rows[0][:2] == ("2026-11-01T00:00:00+00:00", "earlier row kept as written")
    assert [r[2] for r in rows] == [None, "credit"]


def test_the_work_and_its_row_land_in_one_replace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    replaced: list[Path] = []
    real = atomic.os.replace

    def counting(src: str | Path, dst: str | Path) -> None:
        replaced.append(Path(dst))
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", counting)
    invoice(book, tmp_path)
    assert replaced.count(book) == 1
    [row] = runs(book)
    assert row[7] == workbook_fingerprint(book) and row[8] == "managed 2, service 1"


def test_a_row_that_cannot_be_added_leaves_the_workbook_as_it_was(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    before = book.read_bytes()

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit, "append_run", full_disk)
    with pytest.raises(OSError, match="No space"):
        invoice(book, tmp_path)
    assert book.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".mspxl-")] == []
