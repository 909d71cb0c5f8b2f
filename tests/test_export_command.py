"""`mspxl export` on a workbook file: the files read back as the accounting systems import them re-add to the
register, each document is recorded on the Exports sheet (and the run on Runs), a second run writes nothing new,
`--again` writes everything again under a new name, and bad input gets a sentence.

The book (as tests/test_credit_notes.py): November's run issues INV-000001 C1 (8.25%) 500.00 + 300.00 + tax 66.00
= 866.00, INV-000002 C2 200.00 and INV-000003 C2 1.5 h x 120.00 = 180.00; a credit of 100.00 on INV-000001 on
11-20 takes tax 100 x 66 / 866 = 7.62, net 92.38 (CN-000001, -100.00); C1 pays 500.00 on 11-15 naming INV-000001.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
from accounting_readers import group, read_csv, read_iif
from bookdata import SERVICES, client, write_book
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.commands import check, invoice
from mspxl.commands.credit import issue_credit
from mspxl.commands.export import export_period
from mspxl.export.xero import XERO_HEADER

START, TODAY = date(2026, 1, 1), date(2026, 11, 20)
NOW = datetime(2026, 11, 30, 9, 0)
runner = CliRunner()
MAPPED = [dict(s, **{"Income Account": "Managed Services", "Tax Code": "TAX"}) for s in SERVICES]


def book_file(tmp_path: Path, services: list[dict[str, object]] = MAPPED, income: str = "Labor Income") -> Path:
    sheets = {
        "Services": services,
        "Clients": [client("C1", **{"Tax Rate": "0.0825", "Accounting Name": "Alpha Dental"}),
                    client("C2", Autopay="N", **{"Hourly Rate": 120})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": START},
                          {"Client ID": "C1", "Service Code": "STD", "Start Date": START},
                          {"Client ID": "C2", "Service Code": "STD", "Start Date": START}],
        "Users": [{"Client ID": "C1", "User Name": f"u{i}", "Added On": START} for i in range(3)]
        + [{"Client ID": "C2", "User Name": f"v{i}", "Added On": START} for i in range(2)],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C2", "Date": date(2026, 10, 3), "Hours": "1.5",
                     "Description": "New user setup"}],
        "Payments": [{"Payment ID": "PMT-1", "Client ID": "C1", "Date": date(2026, 11, 15), "Amount": 500,
                      "Method": "check", "Invoice Number": "INV-000001", "Reference": "CHK 77"}],
    }
    book = write_book(tmp_path / "book.xlsx", sheets, {"Accounting Income Account": income})
    invoice.invoice(book, "2026-11", TODAY, out=tmp_path / "docs")
    issue_credit(book, "INV-000001", TODAY, "Goodwill", D("100.00"), out=tmp_path / "docs")
    return book


def sheet_rows(book: Path, name: str) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(book, read_only=True)[name]
    return [tuple(row) for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]


def test_iif_export_re_adds_to_the_register_and_is_recorded(tmp_path: Path) -> None:
    book = book_file(tmp_path)
    register = {row[0]: D(str(row[9])) for row in sheet_rows(book, "Invoices")}
    run = export_period(book, "iif", "2026-11", NOW, tmp_path / "books")
    [exported] = run.files
    assert exported.path.name == "quickbooks-2026-11.iif"
    transactions = read_iif(exported.path.read_text(encoding="cp1252"))
    assert [(t.type, t.trns["DOCNUM"], D(t.trns["AMOUNT"])) for t in transactions] == [
        ("INVOICE", "INV-000001", D("866.00")), ("INVOICE", "INV-000002", D("200.00")),
        ("INVOICE", "INV-000003", D("180.00")), ("CREDIT MEMO", "CN-000001", D("-100.00")),
        ("PAYMENT", "CHK 77", D("500.00"))]
    for t in transactions[:4]:
        assert D(t.trns["AMOUNT"]) == register[t.trns["DOCNUM"]]
    assert [(s["DOCNUM"], s["AMOUNT"]) for s in transactions[-1].splits] == [("INV-000001", "-500.00")]
    assert transactions[0].trns["NAME"] == "Alpha Dental"
    assert [s["AMOUNT"] for s in transactions[3].splits] == ["92.38", "7.62"]
    assert transactions[2].splits[0]["ACCNT"] == "Labor Income"
    exports = sheet_rows(book, "Exports")
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in exports] == [
        ("INV-000001", "iif", "managed invoice", "2026-11", "quickbooks-2026-11.iif"),
        ("INV-000002", "iif", "managed invoice", "2026-11", "quickbooks-2026-11.iif"),
        ("INV-000003", "iif", "service invoice", "2026-11", "quickbooks-2026-11.iif"),
        ("CN-000001", "iif", "credit note", "2026-11", "quickbooks-2026-11.iif"),
        ("PMT-1", "iif", "payment", "2026-11", "quickbooks-2026-11.iif")]
    assert run.total == D("1146.00")  # 866.00 + 200.00 + 180.00 - 100.00


def test_a_second_run_writes_nothing_new_and_again_writes_everything_under_a_new_name(tmp_path: Path) -> None:
    book = book_file(tmp_path)
    args = ["export", str(book), "--period", "2026-11", "--to", "iif", "--out", str(tmp_path / "books")]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "4 invoice(s) and credit note(s) totalling $1,146.00 and 1 payment(s) exported" in first.output
    second = runner.invoke(cli, args)
    assert second.exit_code == 0
    assert "5 document(s) of 2026-11 were exported to QuickBooks Desktop (IIF) before" in second.output
    assert "Nothing new to export" in second.output
    assert sorted(p.name for p in (tmp_path / "books").iterdir()) == ["quickbooks-2026-11.iif"]
    again = runner.invoke(cli, [*args, "--again"])
    assert again.exit_code == 0
    assert "--again: every document of 2026-11 is written again" in again.output
    assert (tmp_path / "books" / "quickbooks-2026-11 (2).iif").exists()
    assert len(sheet_rows(book, "Exports")) == 10
    assert [r[2] for r in sheet_rows(book, "Runs")][-2:] == ["export", "export"]  # the run writing nothing adds none


def test_xero_invoices_and_credit_notes_in_their_own_files_re_add(tmp_path: Path) -> None:
    book = book_file(tmp_path)
    run = export_period(book, "xero", "2026-11", NOW, tmp_path / "books")
    assert [(f.path.name, f.documents) for f in run.files] == [
        ("xero-invoices-2026-11.csv", ("INV-000001", "INV-000002", "INV-000003")),
        ("xero-credit-notes-2026-11.csv", ("CN-000001",))]
    invoices = group(read_csv(run.files[0].path.read_text(encoding="utf-8"), XERO_HEADER), "*InvoiceNumber")
    assert [r["*UnitAmount"] for r in invoices["INV-000001"]] == ["500.00", "100.00"]  # 3 x 100.00, no rounding
    assert invoices["INV-000001"][0]["*InvoiceDate"] == "05/11/2026"  # Xero's own DD/MM/YYYY
    [credit] = read_csv(run.files[1].path.read_text(encoding="utf-8"), XERO_HEADER)[:1]
    assert (credit["*Quantity"], credit["*UnitAmount"], credit["Total"]) == ("1", "-92.38", "-100.00")
    assert run.notes == ()  # 8.25% line by line: 41.25 + 24.75 = 66.00 and 92.38 -> 7.62, as issued: no rounding line


def test_bad_input_gets_a_sentence(tmp_path: Path) -> None:
    book = book_file(tmp_path)
    unknown = runner.invoke(cli, ["export", str(book), "--period", "2026-11", "--to", "sage"])
    assert unknown.exit_code == 2 and '"sage" is not an accounting system' in unknown.output
    empty = runner.invoke(cli, ["export", str(book), "--period", "2026-09", "--to", "qbo"])
    assert empty.exit_code == 1 and "nothing was issued in 2026-09" in empty.output
    period = runner.invoke(cli, ["export", str(book), "--period", "Nov", "--to", "qbo"])
    assert period.exit_code == 2 and "is not a period" in period.output
    as_json = runner.invoke(cli, ["export", str(book), "--period", "2026-09", "--to", "iif", "--json"])
    assert json.loads(as_json.output) == {"ok": False, "error": "nothing was issued in 2026-09: no invoice or credit "
                                          "note of book.xlsx has an Issue Date in that month; nothing was written.",
                                          "problems": []}
    assert not any(name == "Exports" for name in openpyxl.load_workbook(book, read_only=True).sheetnames)


def test_a_blank_mapping_cell_is_named_by_its_cell(tmp_path: Path) -> None:
    services = [dict(s, **({"Income Account": "Managed Services"} if s["Service Code"] != "STD" else {}))
                for s in SERVICES]
    book = book_file(tmp_path, services, income="")
    result = runner.invoke(cli, ["export", str(book), "--period", "2026-11", "--to", "iif", "--out",
                                 str(tmp_path / "books")])
    assert result.exit_code == 1
    assert "Services!K3 (Income Account)" in result.output
    assert "Accounting Income Account" in result.output and "LABOR" in result.output
    assert not (tmp_path / "books").exists()


def test_check_names_blank_mapping_cells_only_when_an_accounting_system_is_set(tmp_path: Path) -> None:
    services = [dict(s, **({"Income Account": "Managed Services", "Tax Code": "TAX"} if s["Service Code"] != "STD"
                           else {"Income Account": "Managed Services"})) for s in SERVICES]
    sheets = {"Services": services, "Clients": [client("C1", **{"Tax Rate": "0.0825"})]}
    quiet = write_book(tmp_path / "none.xlsx", sheets)
    assert not [p for p in check.check(quiet, TODAY) if p.severity.value == "error"]
    xero = write_book(tmp_path / "xero.xlsx", sheets, {"Accounting System": "xero"})
    assert [p.render() for p in check.check(xero, TODAY) if p.severity.value == "error"] == [
        "Services!L3 (Tax Code): is blank; Xero needs the tax code of STD's taxed lines"]
    sage = write_book(tmp_path / "sage.xlsx", sheets, {"Accounting System": "sage"})
    assert [p.header for p in check.check(sage, TODAY) if p.severity.value == "error"] == ["Accounting System"]
