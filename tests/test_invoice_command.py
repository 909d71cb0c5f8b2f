"""`mspxl invoice` end to end on workbook files: register rows, WorkLog marks, documents, idempotency, dry run,
--json, refusal when Excel holds the file, and everything the accountant had surviving the save."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlwings
from bookdata import client, raw_book, write_book
from docx import Document
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from typer.testing import CliRunner

from mspxl.cli import cli

runner = CliRunner()
START = date(2026, 1, 1)


def sheets() -> dict[str, list[dict[str, object]]]:
    return {
        "Clients": [client("C1", **{"Tax Rate": "0.0825", "Contact First Name": "Ann", "Address": "1 Main St"}),
                    client("C2", Name="Alpha Dental & Co <Main>", Autopay="N", **{"Hourly Rate": 120})],
        "Subscriptions": [{"Client ID": c, "Service Code": "STD", "Start Date": START} for c in ("C1", "C2")],
        "Users": [{"Client ID": c, "User Name": f"u{i}", "Added On": START} for c in ("C1", "C2") for i in range(3)],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C2", "Date": date(2026, 10, 3), "Hours": "1.5",
                     "Description": "New user setup"}],
    }


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.output


def test_invoice_writes_register_marks_worklog_and_documents(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    code, output = invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "docs"))
    assert code == 0, output
    assert "issued 3 invoice(s) (2 managed, 1 service), total billed $804.75" in output
    wb = openpyxl.load_workbook(book)
    register = [[c.value for c in row] for row in wb["Invoices"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[3], r[9]) for r in register] == [
        ("INV-000001", "C1", "managed", 324.75), ("INV-000002", "C2", "managed", 300),
        ("INV-000003", "C2", "service", 180)]
    assert wb["Invoices"]["F2"].is_date and wb["Invoices"]["F2"].number_format == "yyyy-mm-dd"
    assert "$" in wb["Invoices"]["J2"].number_format
    assert "Invoices" in wb["Invoices"].tables
    lines = [[c.value for c in row] for row in wb["InvoiceLines"].iter_rows(min_row=2)]
    assert lines[0][:4] == ["INV-000001", 1, "STD", "Standard per-user package, Nov 2026"]
    worklog = wb["WorkLog"]
    headers = [c.value for c in worklog[1]]
    assert worklog.cell(row=2, column=headers.index("Invoice Number") + 1).value == "INV-000003"
    files = sorted(p.name for p in (tmp_path / "docs").iterdir())
    assert files == ["INV-000001 Client C1.docx", "INV-000002 Alpha Dental & Co -Main-.docx",
                     "INV-000003 Alpha Dental & Co -Main-.docx"]
    text = "\n".join(p.text for p in Document(str(tmp_path / "docs" / files[2])).paragraphs)
    tables = "\n".join(c.text for t in Document(str(tmp_path / "docs" / files[2])).tables
                       for r in t.rows for c in r.cells)
    assert "Alpha Dental & Co <Main>" in text + tables
    assert "INV-000003" in text + tables
    assert "$180.00" in text + tables


def test_second_run_issues_nothing_and_leaves_the_file_untouched(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    assert invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))[0] == 0
    before = book.read_bytes()
    code, output = invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))
    assert code == 0
    assert "nothing new to issue (3 invoice(s) already in the register)" in output
    assert book.read_bytes() == before


def test_dry_run_prints_and_writes_nothing(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    before = book.read_bytes()
    code, output = invoke("invoice", str(book), "--period", "2026-11", "--dry-run", "--out", str(tmp_path / "d"))
    assert code == 0
    assert "Standard per-user package, Nov 2026: 3 x $100.00 = $300.00" in output
    assert "total $324.75, billed users 3; first invoice of this kind" in output
    assert "would issue 3 invoice(s)" in output
    assert book.read_bytes() == before
    assert not (tmp_path / "d").exists()


def test_json_output(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    code, output = invoke("invoice", str(book), "--period", "2026-11", "--json", "--out", str(tmp_path / "d"))
    assert code == 0
    data = json.loads(output)
    assert data["issued"] == {"managed": 2, "service": 1}
    assert Decimal(data["total"]) == Decimal("804.75")
    assert [i["number"] for i in data["invoices"]] == ["INV-000001", "INV-000002", "INV-000003"]


def test_workbook_open_in_excel_is_refused(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    (tmp_path / "~$book.xlsx").write_bytes(b"owner")
    before = book.read_bytes()
    code, output = invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))
    assert code == 1
    assert "is open in Excel" in output
    assert book.read_bytes() == before


def test_bad_period_is_a_usage_error(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    assert invoke("invoice", str(book), "--period", "2026-13")[0] == 2
    assert invoke("invoice", str(book))[0] == 2


def test_formulas_sheets_names_validation_survive(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    wb = openpyxl.load_workbook(book)
    clients = wb["Clients"]
    clients["Z1"] = "Users"
    clients["Z2"] = '=COUNTIF(Users!A:A,A2)'
    clients["H2"].number_format = "dd/mm/yyyy"
    notes = wb.create_sheet("My Notes")
    notes["A1"] = "Call Ann about the renewal"
    notes["B2"] = "=SUM(1,2)"
    wb.defined_names["TaxRates"] = DefinedName("TaxRates", attr_text="Clients!$K$2:$K$3")
    dv = DataValidation(type="list", formula1='"Y,N"')
    clients.add_data_validation(dv)
    dv.add("L2:L50")
    wb.save(book)
    assert invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))[0] == 0
    after = openpyxl.load_workbook(book)
    assert after["Clients"]["Z2"].value == '=COUNTIF(Users!A:A,A2)'
    assert after["Clients"]["H2"].number_format == "dd/mm/yyyy"
    assert after["My Notes"]["A1"].value == "Call Ann about the renewal"
    assert after["My Notes"]["B2"].value == "=SUM(1,2)"
    assert after.defined_names["TaxRates"].attr_text == "Clients!$K$2:$K$3"
    assert any("L2:L50" in str(v.sqref) for v in after["Clients"].data_validations.dataValidation)


def test_xlsm_keeps_its_vba_project_byte_for_byte(tmp_path: Path) -> None:
    macro_book = Path(xlwings.__file__).parent / "quickstart.xlsm"
    book = tmp_path / "book.xlsm"
    shutil.copyfile(macro_book, book)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    for name, raw in raw_book(sheets()).items():
        ws = wb.create_sheet(name)
        for row in raw.rows:
            ws.append(row)
    wb.save(book)
    with zipfile.ZipFile(book) as z:
        vba_before = z.read("xl/vbaProject.bin")
    assert invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))[0] == 0
    with zipfile.ZipFile(book) as z:
        assert z.read("xl/vbaProject.bin") == vba_before
    assert openpyxl.load_workbook(book)["Invoices"]["A2"].value == "INV-000001"


def test_a_chart_on_the_accountants_sheet_survives_the_run(tmp_path: Path) -> None:
    from openpyxl.chart import BarChart, Reference

    book = write_book(tmp_path / "book.xlsx", sheets())
    wb = openpyxl.load_workbook(book)
    chart = BarChart()
    chart.add_data(Reference(wb["Users"], min_col=4, min_row=1, max_row=4))
    wb["Users"].add_chart(chart, "H2")
    wb.save(book)
    with zipfile.ZipFile(book) as package:
        before = {n: package.read(n) for n in package.namelist() if n.startswith(("xl/charts/", "xl/drawings/"))}
    assert any(n.startswith("xl/charts/") for n in before)
    code, output = invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))
    assert code == 0, output
    with zipfile.ZipFile(book) as package:
        assert {n: package.read(n) for n in before} == before
    assert openpyxl.load_workbook(book)["Invoices"].max_row > 1


def test_the_openpyxl_writer_refuses_a_chart_it_would_lose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.chart import BarChart, Reference

    monkeypatch.setenv("MSPXL_WRITER", "openpyxl")
    book = write_book(tmp_path / "book.xlsx", sheets())
    wb = openpyxl.load_workbook(book)
    chart = BarChart()
    chart.add_data(Reference(wb["Users"], min_col=4, min_row=1, max_row=4))
    wb["Users"].add_chart(chart, "H2")
    wb.save(book)
    before = book.read_bytes()
    code, output = invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))
    assert code == 1
    assert "contains charts" in output
    assert book.read_bytes() == before


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)"])
def test_client_text_starting_like_a_formula_stays_text(tmp_path: Path, name: str) -> None:
    data = sheets()
    data["Clients"][0]["Name"] = name
    book = write_book(tmp_path / "book.xlsx", data)
    wb = openpyxl.load_workbook(book)  # write_book wrote the input cell through openpyxl as well: make it text
    for row in wb["Clients"].iter_rows(min_row=2):
        if row[1].value == name or (isinstance(row[1].value, str) and row[1].value.startswith("=")):
            row[1].value = name
            row[1].data_type = "s"
    wb.save(book)
    assert invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))[0] == 0
    cell = openpyxl.load_workbook(book)["Invoices"]["C2"]
    assert cell.value == name
    assert cell.data_type == "s"


def test_worklog_under_a_title_row_gets_its_invoice_numbers(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    wb = openpyxl.load_workbook(book)
    wb["WorkLog"].insert_rows(1, amount=2)
    wb["WorkLog"]["A1"] = "Timesheets"
    wb.save(book)
    assert invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))[0] == 0
    worklog = openpyxl.load_workbook(book)["WorkLog"]
    headers = [c.value for c in worklog[3]]
    assert worklog.cell(row=4, column=headers.index("Invoice Number") + 1).value == "INV-000003"
    assert worklog["A1"].value == "Timesheets"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_option_writes_a_pdf_per_invoice(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    code, output = invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"), "--pdf")
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "d").glob("*.pdf")) == [
        "INV-000001 Client C1.pdf", "INV-000002 Alpha Dental & Co -Main-.pdf",
        "INV-000003 Alpha Dental & Co -Main-.pdf"]


def test_a_different_file_with_a_documents_name_is_never_overwritten(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    docs = tmp_path / "d"
    docs.mkdir()
    mine = docs / "INV-000002 Alpha Dental & Co -Main-.docx"
    mine.write_bytes(b"the accountant's own notes")
    before = book.read_bytes()
    code, output = invoke("invoice", str(book), "--period", "2026-11", "--out", str(docs))
    assert code == 1
    assert "already exists and is not invoice INV-000002" in output.replace("\n", " ")
    assert mine.read_bytes() == b"the accountant's own notes"
    assert book.read_bytes() == before
    assert sorted(p.name for p in docs.iterdir()) == [mine.name]  # nothing else written either


def test_a_document_left_by_a_run_that_stopped_before_saving_is_written_again(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets())
    before = book.read_bytes()
    assert invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))[0] == 0
    book.write_bytes(before)  # as if the run had stopped after the documents, before the workbook was saved
    code, output = invoke("invoice", str(book), "--period", "2026-11", "--out", str(tmp_path / "d"))
    assert code == 0, output
    assert "issued 3 invoice(s)" in output
    assert len(list((tmp_path / "d").glob("*.docx"))) == 3
