"""`mspxl collect` on a workbook file: fee invoice for a returned debit, states on the Collections sheet, Aging,
nothing charged twice on re-runs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
from bookdata import client, write_book
from typer.testing import CliRunner

from mspxl.cli import cli

runner = CliRunner()


def book_with_returns(tmp_path: Path, payments: list[dict[str, object]]) -> Path:
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C1", Name="Alpha Dental & Co"), client("C2")],
        "Subscriptions": [{"Client ID": c, "Service Code": "BASE", "Start Date": date(2026, 1, 1)}
                          for c in ("C1", "C2")],
        "Payments": payments,
    })
    result = runner.invoke(cli, ["invoice", str(book), "--period", "2026-10", "--out", str(tmp_path / "docs")])
    assert result.exit_code == 0, result.output
    return book


def rows(book: Path, sheet: str) -> list[list[object]]:
    ws = openpyxl.load_workbook(book)[sheet]
    return [[c.value for c in r] for r in ws.iter_rows(min_row=2)]


def test_returned_debit_fee_retry_credit_hold(tmp_path: Path) -> None:
    payments = [
        {"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 11, 2), "Amount": 500, "Status": "returned",
         "Return Code": "R01"},
        {"Payment ID": "P2", "Client ID": "C2", "Date": date(2026, 11, 1), "Amount": 500},
        {"Payment ID": "P3", "Client ID": "C1", "Date": date(2026, 11, 9), "Amount": 575, "Status": "returned",
         "Return Code": "R01"},
    ]
    book = book_with_returns(tmp_path, payments)
    args = ["collect", str(book), "--out", str(tmp_path / "docs")]
    result = runner.invoke(cli, [*args, "--as-of", "2026-11-03"])
    assert result.exit_code == 0, result.output
    assert "fee INV-000003 for C1 Alpha Dental & Co: $75.00" in result.output
    register = rows(book, "Invoices")
    assert [(r[0], r[1], r[3], r[4], r[5].date(), r[6].date(), r[9], r[12]) for r in register[2:]] == [
        ("INV-000003", "C1", "fee", "2026-11", date(2026, 11, 2), date(2026, 11, 9), 75, "P1")]
    (c1,) = [r for r in rows(book, "Collections") if r[0] == "C1"]
    assert (c1[2], c1[3].date(), c1[4]) == ("payment_failed", date(2026, 11, 2), 575)
    assert (tmp_path / "docs" / "INV-000003 Alpha Dental & Co.docx").exists()
    assert (tmp_path / "docs" / "Notice 2026-11-03 payment_failed Alpha Dental & Co.docx").exists()

    again = runner.invoke(cli, [*args, "--as-of", "2026-11-03", "--json"])
    assert json.loads(again.output)["fees"] == []
    assert len(rows(book, "Invoices")) == 3

    later = runner.invoke(cli, [*args, "--as-of", "2026-11-10", "--json"])
    data = json.loads(later.output)
    assert data["fees"] == []
    assert [Path(p).name for p in data["notices"]] == ["Notice 2026-11-10 credit_hold Alpha Dental & Co.docx"]
    (c1_state,) = [c for c in data["clients"] if c["client_id"] == "C1"]
    assert (c1_state["state"], c1_state["since"], c1_state["balance"]) == ("credit_hold", "2026-11-09", "575.00")
    aging = {r[0]: r for r in rows(book, "Aging")}
    # October invoice due 11-01 (9 days late) and the fee due 11-09 (1 day late): both in 1-30
    assert (aging["C1"][2], aging["C1"][3], aging["C1"][7]) == (0, 575, 575)


def test_a_collect_earlier_than_the_last_is_refused_and_a_replay_writes_no_letter(tmp_path: Path) -> None:
    payments = [
        {"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 11, 2), "Amount": 500, "Status": "returned",
         "Return Code": "R01"},
        {"Payment ID": "P3", "Client ID": "C1", "Date": date(2026, 11, 9), "Amount": 500, "Status": "returned",
         "Return Code": "R01"},
    ]
    book = book_with_returns(tmp_path, payments)
    docs = tmp_path / "docs"
    args = ["collect", str(book), "--out", str(docs)]
    assert runner.invoke(cli, [*args, "--as-of", "2026-11-10"]).exit_code == 0  # C1 on credit hold since 11-09
    before, files = book.read_bytes(), sorted(docs.iterdir())

    back = runner.invoke(cli, [*args, "--as-of", "2026-11-03"])
    assert back.exit_code == 1
    assert " ".join(back.output.split()) == (
        "Collections were last run as of 2026-11-10; a run as of 2026-11-03 would send letters and charge fees for a "
        "state that is no longer true, so nothing was written. Run collect as of 2026-11-10 or later, or add --replay "
        "to recompute only the Collections and Aging sheets as of 2026-11-03 (no fees, no notices).")
    assert book.read_bytes() == before and sorted(docs.iterdir()) == files

    replay = runner.invoke(cli, [*args, "--as-of", "2026-11-03", "--replay"])
    assert replay.exit_code == 0, replay.output
    assert "no fee charged, no notice written" in replay.output
    assert "mspxl collect BOOK --as-of 2026-11-10 --replay" in replay.output
    assert sorted(docs.iterdir()) == files  # no notice, no fee document
    (c1,) = [r for r in rows(book, "Collections") if r[0] == "C1"]
    assert (c1[2], c1[4], c1[11].date()) == ("payment_failed", 575, date(2026, 11, 3))
    assert len(rows(book, "Invoices")) == 3  # the fee charged on 11-10's run, nothing more
    # putting the latest state back, then going on: no letter is sent twice
    assert runner.invoke(cli, [*args, "--as-of", "2026-11-10", "--replay"]).exit_code == 0
    (c1,) = [r for r in rows(book, "Collections") if r[0] == "C1"]
    assert (c1[2], c1[11].date()) == ("credit_hold", date(2026, 11, 10))
    onward = runner.invoke(cli, [*args, "--as-of", "2026-11-11", "--json"])
    assert json.loads(onward.output)["notices"] == []
