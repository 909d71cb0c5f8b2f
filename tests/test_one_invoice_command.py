"""One Invoice end to end on a workbook file: `invoice` issues one numbered invoice holding the month's managed,
service and project lines, marks WorkLog and Charges with it, its document shows the sections with their subtotals
and the total the client owes; verify, collect and export read it like any invoice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from bookdata import client, write_book
from test_documents import document_text
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.commands.verify import verify_file

runner = CliRunner()
START = date(2026, 1, 1)


def book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C1", Name="Harbor View Hotel", Autopay="N",
                           **{"One Invoice": "Y", "Tax Rate": "0.08", "Hourly Rate": 130})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": START},
                          {"Client ID": "C1", "Service Code": "STD", "Start Date": START}],
        "Users": [{"Client ID": "C1", "User Name": f"u{i}", "Added On": START} for i in range(3)],
        "Projects": [{"Project ID": "P1", "Client ID": "C1", "Name": "Network refresh"}],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 11, 10), "Hours": "2",
                     "Description": "Printer fix"},
                    {"Entry ID": "W2", "Client ID": "C1", "Date": date(2026, 11, 12), "Hours": "6.5",
                     "Description": "Switch install", "Project ID": "P1"}],
        "Charges": [{"Charge ID": "CH1", "Client ID": "C1", "Date": date(2026, 11, 12),
                     "Description": "Switch, 24-port", "Quantity": 2, "Unit Price": "389.00", "Project ID": "P1"}],
    }, {"Accounting Income Account": "Services"})


def test_one_invoice_client_register_document_collections_and_export(tmp_path: Path) -> None:
    path = book(tmp_path)
    docs = tmp_path / "d"
    result = runner.invoke(cli, ["invoice", str(path), "--period", "2026-12", "--out", str(docs)])
    assert result.exit_code == 0, result.output
    assert "issued 1 invoice(s) (1 combined), total billed $2,809.24" in result.output
    wb = openpyxl.load_workbook(path)
    register = [row for row in wb["Invoices"].iter_rows(min_row=2, values_only=True)]
    assert [(*r[:5], *r[7:11]) for r in register] == [("INV-000001", "C1", "Harbor View Hotel", "combined",
                                                       "2026-12", 2683, 126.24, 2809.24, 3)]
    assert (register[0][5].date(), register[0][6].date()) == (date(2026, 12, 5), date(2027, 1, 1))
    assert [r[1] for r in wb["InvoiceLines"].iter_rows(min_row=2, values_only=True)] == [1, 2, 3, 4, 5]
    assert [(r[0].value, r[9].value) for r in wb["WorkLog"].iter_rows(min_row=2)] == [("W1", "INV-000001"),
                                                                                     ("W2", "INV-000001")]
    assert [r[8].value for r in wb["Charges"].iter_rows(min_row=2)] == ["INV-000001"]
    text = document_text(docs / "INV-000001 Harbor View Hotel.docx")
    lines = [line for line in text.splitlines() if line.strip()]
    for expected in ("Invoice", "INV-000001", "Managed services", "Managed base plan, Dec 2026", "$500.00",
                     "Standard per-user package, Dec 2026", "$300.00", "Managed services subtotal", "$800.00",
                     "Labor", "November 10, 2026 Printer fix", "$260.00", "Labor subtotal",
                     "Project Network refresh: Labor", "November 12, 2026 Switch install", "$845.00",
                     "Project Network refresh: Labor subtotal", "Project Network refresh: Materials",
                     "November 12, 2026 Switch, 24-port", "$389.00", "$778.00",
                     "Project Network refresh: Materials subtotal",
                     "Subtotal", "$2,683.00", "$126.24", "Total", "$2,809.24",
                     "Please pay $2,809.24 by January 1, 2027 and quote invoice number INV-000001 with your payment."):
        assert expected in lines, expected
    assert "Managed Services Invoice" not in text and "Project total to date" not in text
    assert verify_file(path, date(2026, 12, 20)) == []
    collect = runner.invoke(cli, ["collect", str(path), "--as-of", "2027-01-05", "--out", str(docs)])
    assert collect.exit_code == 0, collect.output
    row = next(wb_row for wb_row in openpyxl.load_workbook(path)["Collections"].iter_rows(min_row=2, values_only=True))
    assert (row[0], row[2], row[4], row[5], row[6]) == ("C1", "past_due", 2809.24, "INV-000001", 4)
    export = runner.invoke(cli, ["export", str(path), "--period", "2026-12", "--to", "iif", "--out",
                                 str(tmp_path / "books")])
    assert export.exit_code == 0, export.output
    assert "1 invoice(s) and credit note(s) totalling $2,809.24" in export.output
    iif = [line.split("\t") for line in (tmp_path / "books" / "quickbooks-2026-12.iif").read_text().splitlines()]
    trns = [row for row in iif if row[0] == "TRNS"]
    assert len(trns) == 1 and "INV-000001" in trns[0] and "2809.24" in trns[0]
    statement = runner.invoke(cli, ["statement", str(path), "--client", "C1", "--as-of", "2026-12-31", "--out",
                                    str(tmp_path / "st")])
    assert statement.exit_code == 0, statement.output
    told = document_text(next((tmp_path / "st").glob("*.docx")))
    assert "Invoice INV-000001: monthly invoice December 2026, due January 1, 2027" in told
    summary = runner.invoke(cli, ["summary", str(path), "--period", "2026-12", "--out", str(tmp_path / "s.xlsx")])
    # MRR is the combined invoice's managed lines only: 500.00 + 300.00
    assert "billed $2,809.24 on 1 invoice(s); MRR $800.00" in summary.output, summary.output
    again = runner.invoke(cli, ["invoice", str(path), "--period", "2026-12", "--out", str(docs)])
    assert again.exit_code == 0, again.output
    assert len(list(openpyxl.load_workbook(path)["Invoices"].iter_rows(min_row=2))) == 1  # numbered once, ever
