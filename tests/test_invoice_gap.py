"""A skipped month is refused: with the register holding April, `invoice --period 2027-06` names May and writes
nothing; `--allow-gap` bills June anyway and says what it skipped. A first run on an empty register bills any
month, and an earlier month may still be billed after a later one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from bookdata import client, write_book
from typer.testing import CliRunner

from mspxl.cli import cli

runner = CliRunner()
START = date(2026, 1, 1)


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.output


def test_a_period_that_skips_a_month_is_refused_unless_allowed(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C1")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": START}],
    })
    out = ["--out", str(tmp_path / "docs")]
    code, output = invoke("invoice", str(book), "--period", "2027-04", *out)  # empty register: any month
    assert code == 0, output

    before = book.read_bytes()
    for extra in ([], ["--dry-run"]):
        code, output = invoke("invoice", str(book), "--period", "2027-07", *out, *extra)
        assert code == 1, output
        assert "2027-07 would skip 2027-05, 2027-06: the register's latest period billed is 2027-04" in output
        assert "--allow-gap" in output and "nothing was written" in output
    assert book.read_bytes() == before

    code, output = invoke("invoice", str(book), "--period", "2027-07", *out, "--allow-gap", "--dry-run")
    assert code == 0 and "--allow-gap: 2027-05, 2027-06 not billed; 2027-07's invoices take in" in output, output
    code, output = invoke("invoice", str(book), "--period", "2027-07", *out, "--allow-gap", "--json")
    assert code == 0, output
    result = json.loads(output)
    assert result["skipped_months"] == ["2027-05", "2027-06"] and result["issued"] == {"managed": 1}

    code, output = invoke("invoice", str(book), "--period", "2027-05", *out)  # an earlier month: allowed
    assert code == 0 and "issued 1 invoice(s)" in output, output
    code, output = invoke("invoice", str(book), "--period", "2027-08", *out, "--dry-run")  # after July: no gap
    assert code == 0 and "would issue 1 invoice(s)" in output, output
