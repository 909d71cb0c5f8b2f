"""A workbook open in LibreOffice (its `.~lock.Book.xlsx#` file beside it) or marked read-only is refused by every
command that writes, with a sentence, and left byte for byte as it was."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest
from test_ach_support import pending_payments, return_file  # noqa: F401
from test_returns_month import book_for_month
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.commands import invoice

runner = CliRunner()
TODAY = date(2026, 11, 25)

COMMANDS = {
    "invoice": ["--period", "2026-12"],
    "collect": ["--as-of", "2026-12-20"],
    "ach": ["--date", "2026-12-01"],
    "returns": ["RETURNS"],
    "send": ["--period", "2026-11"],
    "credit": ["--invoice", "INV-000001", "--reason", "a refund"],
}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = book_for_month(tmp_path)
    invoice.invoice(path, "2026-11", TODAY, tmp_path / "docs")  # something for ach, send and credit to act on
    (tmp_path / "returns.txt").write_text(return_file([("091000010000001", "R01", "125000024", 50000, "C1")]))
    return path


def run(book: Path, command: str) -> tuple[int, str]:
    args = [str(book.parent / "returns.txt") if a == "RETURNS" else a for a in COMMANDS[command]]
    out = [] if command == "returns" else ["--out", str(book.parent / "docs")]
    result = runner.invoke(cli, [command, str(book), *args, *out])
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.usefixtures("pending_payments")
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_workbook_open_in_libreoffice_is_refused(command: str, book: Path) -> None:
    (book.parent / ".~lock.book.xlsx#").write_text(",accountant,host,03.12.2026 08:00,file:///home/a/.config;")
    before = book.read_bytes()
    code, output = run(book, command)
    assert code == 1, output
    assert "book.xlsx is open in LibreOffice (.~lock.book.xlsx# exists): close it first." in output
    assert book.read_bytes() == before


@pytest.mark.usefixtures("pending_payments")
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_read_only_workbook_is_refused(command: str, book: Path) -> None:
    before = book.read_bytes()
    book.chmod(0o444)
    try:
        code, output = run(book, command)
        assert code == 1, output
        assert "book.xlsx is read-only: mspxl leaves a read-only workbook as it is." in output
        assert book.read_bytes() == before
        assert stat.S_IMODE(book.stat().st_mode) == 0o444
    finally:
        book.chmod(0o644)
