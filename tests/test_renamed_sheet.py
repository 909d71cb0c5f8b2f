"""A sheet renamed by hand (`Invoices 2027`, `Clents`) is reported once, naming the sheet it was probably renamed
to, instead of as a problem on every row pointing to it; a sheet named in another case (`invoices`) is the same
sheet, read and written under its own name."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from bookdata import client, write_book
from typer.testing import CliRunner

from mspxl.cli import cli

runner = CliRunner()


@pytest.fixture(scope="module")
def invoiced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workbook with October 2026 invoiced for three clients."""
    folder = tmp_path_factory.mktemp("invoiced")
    book = write_book(folder / "book.xlsx", {
        "Clients": [client(c, Name=f"Client {c}") for c in ("C1", "C2", "C3")],
        "Subscriptions": [{"Client ID": c, "Service Code": "BASE", "Start Date": date(2026, 1, 1)}
                          for c in ("C1", "C2", "C3")],
    })
    result = runner.invoke(cli, ["invoice", str(book), "--period", "2026-10", "--out", str(folder / "docs")])
    assert result.exit_code == 0, result.output
    return book


def renamed(source: Path, tmp_path: Path, old: str, new: str) -> Path:
    book = tmp_path / "book.xlsx"
    shutil.copy(source, book)
    wb = openpyxl.load_workbook(book)
    wb[old].title = "renaming"  # openpyxl refuses a title equal to another sheet's ignoring case, itself included
    wb["renaming"].title = new
    wb.save(book)
    return book


def errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error")]


def test_a_renamed_register_is_one_problem_for_check_verify_and_invoice(invoiced: Path, tmp_path: Path) -> None:
    book = renamed(invoiced, tmp_path, "Invoices", "Invoices 2027")
    said = ("error: Invoices: no sheet named Invoices; did you rename 'Invoices 2027'? Rename it back to Invoices "
            "(mspxl finds each sheet by its name)")
    check = runner.invoke(cli, ["check", str(book)])
    assert check.exit_code == 1 and errors(check.output) == [said], check.output
    assert "register row was deleted" not in check.output
    verify = runner.invoke(cli, ["verify", str(book)])
    assert verify.exit_code == 1 and errors(verify.output) == [said], verify.output
    before = book.read_bytes()
    run = runner.invoke(cli, ["invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "docs")])
    assert run.exit_code == 1 and errors(run.output) == [said], run.output
    assert book.read_bytes() == before and not (tmp_path / "docs").exists()


def test_a_renamed_required_sheet_names_its_new_name_not_init(invoiced: Path, tmp_path: Path) -> None:
    book = renamed(invoiced, tmp_path, "Clients", "Clents")
    check = runner.invoke(cli, ["check", str(book)])
    assert errors(check.output) == ["error: Clients: no sheet named Clients; did you rename 'Clents'? Rename it back "
                                    "to Clients (mspxl finds each sheet by its name)"], check.output


@pytest.mark.parametrize("writer", ["package", "openpyxl"])
def test_a_sheet_in_another_case_is_read_and_written_as_it_is_named(invoiced: Path, tmp_path: Path, writer: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSPXL_WRITER", writer)
    book = renamed(invoiced, tmp_path, "Invoices", "invoices")
    run = runner.invoke(cli, ["invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "docs")])
    assert run.exit_code == 0, run.output
    wb = openpyxl.load_workbook(book)
    assert [n for n in wb.sheetnames if n.casefold() == "invoices"] == ["invoices"]
    numbers = [r[0] for r in wb["invoices"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert numbers == [f"INV-{n:06d}" for n in range(1, 7)]
    assert runner.invoke(cli, ["verify", str(book)]).exit_code == 0


def test_an_own_sheet_with_a_close_name_does_not_stop_the_first_run(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C1")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": date(2026, 1, 1)}],
    })
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("Invoices old").append(["Invoice Number", "Customer", "Amount"])
    wb.save(book)
    check = runner.invoke(cli, ["check", str(book)])
    assert check.exit_code == 0 and errors(check.output) == [], check.output
