"""`mspxl reprice`: an annual increase written as Price Changes rows with their Runs row, the old and new prices
printed, a re-run adding nothing, a dry run and an open workbook writing nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from bookdata import client, write_book
from typer.testing import CliRunner

from mspxl.cli import cli

runner = CliRunner()
START = date(2026, 1, 1)


def book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C1"), client("C2", Name="Harbor View Hotel")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": START},
                          {"Client ID": "C2", "Service Code": "STD", "Start Date": START, "Unit Price": 90}],
        "Users": [{"Client ID": c, "User Name": "u", "Added On": START} for c in ("C1", "C2")],
    })


def price_rows(path: Path) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path)["Price Changes"]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]


def test_reprice_writes_each_price_once_and_prints_old_and_new(tmp_path: Path) -> None:
    path = book(tmp_path)
    before = path.read_bytes()
    dry = runner.invoke(cli, ["reprice", str(path), "--percent", "5", "--from", "2027-01", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: 7 Price Changes row(s) would be written; nothing was written." in dry.output
    assert path.read_bytes() == before
    result = runner.invoke(cli, ["reprice", str(path), "--percent", "5", "--from", "2027-01"])
    assert result.exit_code == 0, result.output
    # every catalogue price x 1.05, half-up to cents (STOR 0.10 x 1.05 = 0.105 -> 0.11); C2's own 90.00 -> 94.50
    assert result.output.splitlines() == [
        "Prices from 2027-01, 5%:",
        "  AV, every client: $5.00 -> $5.25",
        "  BASE, every client: $500.00 -> $525.00",
        "  PREM, every client: $150.00 -> $157.50",
        "  SRV, every client: $75.00 -> $78.75",
        "  STD, every client: $100.00 -> $105.00",
        "  STD, C2 Harbor View Hotel: $90.00 -> $94.50",
        "  STOR, every client: $0.10 -> $0.11",
        "Wrote 7 Price Changes row(s) to book.xlsx.",
    ]
    rows = price_rows(path)
    assert rows[4:6] == [("STD", None, "2027-01", 105), ("STD", "C2", "2027-01", 94.5)]
    runs = list(openpyxl.load_workbook(path)["Runs"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3], r[8]) for r in runs] == [("reprice", "book.xlsx --percent 5 --from 2027-01",
                                                   "price change 7")]
    written = path.read_bytes()
    again = runner.invoke(cli, ["reprice", str(path), "--percent", "5", "--from", "2027-01", "--service", "STD"])
    assert again.exit_code == 0, again.output
    assert "  STD, C2 Harbor View Hotel: $90.00 -> $94.50, already on the Price Changes sheet (row 7): not added " \
           "again" in again.output
    assert "Nothing new to write" in again.output
    assert path.read_bytes() == written  # no row twice, no Runs row for nothing
    one = runner.invoke(cli, ["reprice", str(path), "--percent", "3.5", "--from", "2027-07", "--client", "C1",
                              "--service", "STD"])
    assert "  STD, C1 Client C1: $105.00 -> $108.68" in one.output  # 105.00 x 1.035 = 108.675 -> 108.68
    assert price_rows(path)[-1] == ("STD", "C1", "2027-07", 108.68)
    invoice = runner.invoke(cli, ["invoice", str(path), "--period", "2027-07", "--out", str(tmp_path / "d")])
    assert invoice.exit_code == 0, invoice.output
    lines = list(openpyxl.load_workbook(path)["InvoiceLines"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[2], r[4], r[5]) for r in lines) == [("STD", 1, 94.5), ("STD", 1, 108.68)]  # C2, C1
    late = runner.invoke(cli, ["reprice", str(path), "--percent", "5", "--from", "2027-07"])
    assert late.exit_code == 2 and "--from 2027-07 is a month already billed (the register runs to 2027-07)" in \
        late.output


def test_reprice_refuses_an_open_workbook_and_bad_options_writing_nothing(tmp_path: Path) -> None:
    path = book(tmp_path)
    before = path.read_bytes()
    bad = runner.invoke(cli, ["reprice", str(path), "--percent", "five", "--from", "2027-01"])
    assert bad.exit_code == 2 and '--percent "five" is not a number' in bad.output
    unknown = runner.invoke(cli, ["reprice", str(path), "--percent", "5", "--from", "2027-01", "--client", "C9"])
    assert unknown.exit_code == 2 and '--client "C9" is not a Client ID' in unknown.output
    (tmp_path / "~$book.xlsx").write_text("")
    refused = runner.invoke(cli, ["reprice", str(path), "--percent", "5", "--from", "2027-01"])
    assert refused.exit_code == 1 and "book.xlsx is open in Excel" in refused.output
    assert path.read_bytes() == before
