"""Bad input: every problem reported with its cell, all at once, exit 1, and the file's bytes unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from bookdata import client, write_book
from typer.testing import CliRunner

from mspxl.cli import cli

START = date(2026, 1, 1)
runner = CliRunner()


def good() -> dict[str, list[dict[str, object]]]:
    return {
        "Clients": [client("C1"), client("C2")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": START},
                          {"Client ID": "C2", "Service Code": "BASE", "Start Date": START}],
        "Users": [{"Client ID": "C1", "User Name": "Ann", "Added On": START}],
        "Usage": [{"Client ID": "C1", "Period": "2026-10", "Service Code": "STOR", "Quantity": 10}],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": START, "Hours": 1, "Rate": 100,
                     "Description": "setup"}],
        "Payments": [{"Payment ID": "P1", "Client ID": "C1", "Date": START, "Amount": 100}],
    }


def set_cell(sheet: str, cell: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet][cell] = value
    return edit


def delete_sheet(sheet: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        del wb[sheet]
    return edit


CASES: list[tuple[str, Callable[[openpyxl.Workbook], None], str]] = [
    ("text date", set_cell("Users", "D2", "31/02/2026"),
     'Users!D2 (Added On): "31/02/2026" is not a date (expected YYYY-MM-DD or an Excel date)'),
    ("unknown client", set_cell("Users", "A2", "C9"),
     'Users!A2 (Client ID): "C9" is not a known Client ID (Clients sheet)'),
    ("unknown service", set_cell("Subscriptions", "B3", "GOLD"),
     'Subscriptions!B3 (Service Code): "GOLD" is not a known Service Code (Services)'),
    ("duplicate client id", set_cell("Clients", "A3", "C1"),
     'Clients!A3 (Client ID): "C1" is a duplicate (already on row 2)'),
    ("negative price", set_cell("Services", "D2", -5),
     'Services!D2 (Unit Price): "-5" must not be negative'),
    ("removed before added", set_cell("Users", "E2", date(2025, 12, 1)),
     'Users!E2 (Removed On): "2025-12-01" is before Added On (2026-01-01)'),
    ("bad period", set_cell("Usage", "B2", "2026-13"),
     'Usage!B2 (Period): "2026-13" is not a period (expected YYYY-MM, e.g. 2026-11)'),
    ("missing required column", set_cell("Users", "D1", "Joined"),
     "Users!1 (Added On): required column is missing from the header row"),
    ("missing sheet", delete_sheet("Clients"),
     "Clients: sheet is missing (run `mspxl init` to see the layout)"),
    ("text amount", set_cell("Payments", "D2", "1,250.00"),
     'Payments!D2 (Amount): "1,250.00" is not a number'),
    ("unknown model", set_cell("Services", "C2", "per_seat"),
     'Services!C2 (Model): "per_seat" is not one of flat, per_user, per_device, usage'),
    ("quantity on per-user subscription", set_cell("Subscriptions", "C2", 4),
     'Subscriptions!C2 (Quantity): "4" must be blank for a per_user service: the count comes from the Users sheet'),
    ("percentage above 1", set_cell("Clients", "K2", 15),
     'Clients!K2 (Tax Rate): "15" is above 100%: write 0.15 or 15% for fifteen percent'),
    ("required blank", set_cell("WorkLog", "G2", None),
     "WorkLog!G2 (Description): is required but blank"),
    ("bad Y/N", set_cell("WorkLog", "I2", "maybe"),
     'WorkLog!I2 (Billable): "maybe" is not Y or N (Yes/No and TRUE/FALSE are accepted too)'),
]


@pytest.mark.parametrize(("name", "edit", "message"), CASES, ids=[c[0] for c in CASES])
def test_broken_workbook_names_the_cell_exits_1_and_is_untouched(
    tmp_path: Path, name: str, edit: Callable[[openpyxl.Workbook], None], message: str
) -> None:
    book = write_book(tmp_path / "book.xlsx", good())
    wb = openpyxl.load_workbook(book)
    edit(wb)
    wb.save(book)
    before = book.read_bytes()
    for command in (["check", str(book)], ["invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "o")]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert message in result.output.replace("\n", " ") or message in result.output, result.output
    assert book.read_bytes() == before
    assert not (tmp_path / "o").exists()


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", good())
    wb = openpyxl.load_workbook(book)
    wb["Users"]["D2"] = "next week"
    wb["Clients"]["A3"] = "C1"
    wb["Usage"]["B2"] = "Nov 2026"
    wb.save(book)
    result = runner.invoke(cli, ["check", str(book)])
    assert result.exit_code == 1
    assert result.output.count("error: ") == 4
    assert "4 error(s)" in result.output
    for message in ('Users!D2 (Added On): "next week" is not a date',
                    'Clients!A3 (Client ID): "C1" is a duplicate (already on row 2)',
                    'Usage!B2 (Period): "Nov 2026" is not a period',
                    'Subscriptions!A3 (Client ID): "C2" is not a known Client ID'):  # C2 is gone: row 3 is C1 now
        assert message in result.output


def test_warnings_do_not_stop_a_run(tmp_path: Path) -> None:
    data = good()
    data["Clients"].append(client("C3"))
    data["Users"].append({"Client ID": "C1", "User Name": "Future", "Added On": date(2030, 1, 1)})
    book = write_book(tmp_path / "book.xlsx", data)
    result = runner.invoke(cli, ["check", str(book)])
    assert result.exit_code == 0
    assert 'Clients!A4 (Client ID): "C3" has no subscriptions: no managed invoice will be issued' in result.output
    assert 'Users!D3 (Added On): "2030-01-01" is in the future' in result.output


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_text("Client ID,Name\nC1,x\n")
    result = runner.invoke(cli, ["check", str(book)])
    assert result.exit_code == 1
    assert "book.xlsx" in result.output and "not a readable .xlsx workbook" in result.output


def test_headers_match_ignoring_case_spaces_and_underscores_and_can_sit_in_a_table(tmp_path: Path) -> None:
    from openpyxl.worksheet.table import Table

    book = write_book(tmp_path / "book.xlsx", good())
    wb = openpyxl.load_workbook(book)
    users = wb["Users"]
    users.insert_rows(1, amount=2)
    users["A1"] = "Users of every client"
    users["A3"], users["D3"] = "client_id", "ADDED ON"
    users.add_table(Table(displayName="UsersTable", ref="A3:E4"))
    wb.save(book)
    result = runner.invoke(cli, ["check", str(book)])
    assert result.exit_code == 0, result.output
