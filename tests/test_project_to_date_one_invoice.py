"""A project billed on a One Invoice client's combined invoice: the combined document shows the project's total to
date under its sections, and a later separate project invoice counts the combined invoice's project lines in its
total to date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from test_documents import document_text
from test_one_invoice_command import book
from typer.testing import CliRunner

from mspxl.cli import cli

runner = CliRunner()


def switch_to_separate_and_log_work(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    clients = wb["Clients"]
    clients.cell(2, [c.value for c in clients[1]].index("One Invoice") + 1, "N")
    work = wb["WorkLog"]
    headers = [c.value for c in work[1]]
    row = {"Entry ID": "W3", "Client ID": "C1", "Date": date(2026, 12, 10), "Hours": 3,
           "Description": "Access points", "Project ID": "P1"}
    work.append([row.get(str(h)) for h in headers])
    wb.save(path)


def lines_of(path: Path) -> list[str]:
    return [line for line in document_text(path).splitlines() if line.strip()]


def test_project_total_to_date_counts_combined_invoices(tmp_path: Path) -> None:
    path, docs = book(tmp_path), tmp_path / "d"
    first = runner.invoke(cli, ["invoice", str(path), "--period", "2026-12", "--out", str(docs)])
    assert first.exit_code == 0, first.output
    # the project's part of INV-000001: labor 6.5 h x 130.00 = 845.00 (untaxed) + materials 2 x 389.00 = 778.00,
    # with 8% tax on 778.00 = 62.24: 1,685.24
    lines = lines_of(docs / "INV-000001 Harbor View Hotel.docx")
    label = "Project Network refresh total to date, tax included"
    at = lines.index(label)
    assert lines[at - 2:at + 2] == ["Project Network refresh: Materials subtotal", "$778.00", label, "$1,685.24"]
    assert lines.count(label) == 1  # once, under the project's last section

    switch_to_separate_and_log_work(path)
    second = runner.invoke(cli, ["invoice", str(path), "--period", "2027-01", "--out", str(docs)])
    assert second.exit_code == 0, second.output
    # January, billed separately: the project invoice INV-000003 bills 3 h x 130.00 = 390.00 (labor, untaxed);
    # to date 1,685.24 + 390.00 = 2,075.24
    lines = lines_of(docs / "INV-000003 Harbor View Hotel.docx")
    at = lines.index("Project total to date")
    assert lines[at + 1] == "$2,075.24"
    assert "$390.00" in lines
