"""The dry run shows unit prices at their own precision: 737 x $0.035 = $25.80, not "x $0.04"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bookdata import client, write_book
from typer.testing import CliRunner

from mspxl.cli import cli

START = date(2026, 1, 1)


def test_dry_run_keeps_a_unit_price_finer_than_cents(tmp_path: Path) -> None:
    services = [{"Service Code": "BASE", "Name": "Managed base plan", "Model": "flat", "Unit Price": 500},
                {"Service Code": "MAIL", "Name": "Email security", "Model": "usage", "Unit Price": "0.035",
                 "Unit": "mailbox-day"}]
    book = write_book(tmp_path / "book.xlsx", {
        "Services": services,
        "Clients": [client("C1")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": c, "Start Date": START} for c in ("BASE", "MAIL")],
        "Usage": [{"Client ID": "C1", "Period": "2026-10", "Service Code": "MAIL", "Quantity": 737}],
    })
    result = CliRunner().invoke(cli, ["invoice", str(book), "--period", "2026-11", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert ": 1 x $500.00 = $500.00" in result.output
    assert ": 737 x $0.035 = $25.80" in result.output  # 737 x 0.035 = 25.795 -> 25.80
