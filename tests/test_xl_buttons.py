"""The ribbon's buttons run end to end through xlwings' own code over the fake Excel, on Windows and on macOS, and
give what the command line gives on the same workbook: the same register rows, WorkLog marks and documents."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from xlbooks import TODAY, select, sheets, twin
from xlfake import ErrorValue, grid_of

from mspxl.commands import collect, common, invoice
from mspxl.workbook.load import load_file, load_raw
from mspxl.workbook.source_file import read_raw
from mspxl.xl import buttons
from mspxl.xl.excel import Excel


def read_book(book: object) -> dict:
    return Excel(book).read()


def normal(value: object) -> object:
    """calamine and Excel differ only in how they type a whole day or a whole number."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def sheet_values(rows: list[list[object]]) -> list[list[object]]:
    return [[normal(v) for v in row] for row in rows]


def doc_text(path: Path) -> list[str]:
    document = Document(str(path))
    return [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]


def test_generate_invoices_gives_what_the_command_line_gives(engine: object, tmp_path: Path) -> None:
    path, xl = twin(tmp_path, engine)
    invoice.invoice(path, "2026-11", TODAY)
    message = buttons.generate_invoices(xl, today=TODAY)
    assert message == ("2026-11: issued 3 invoice(s) (2 managed, 1 service), total billed $804.75. "
                       f"Documents are in {tmp_path / 'xl' / 'book'}.")
    assert xl.impl.app.alerts == [(message, "MSP Billing")]
    assert xl.impl.saved == 1
    cli_raw, xl_raw = read_raw(path), read_book(xl)
    for name in ("Invoices", "InvoiceLines", "WorkLog"):
        assert sheet_values(xl_raw[name].rows) == sheet_values(cli_raw[name].rows), name
    cli_book, xl_book = load_file(path, TODAY).book, load_raw(xl_raw, TODAY).book
    assert cli_book is not None and xl_book is not None
    assert xl_book.invoices == cli_book.invoices
    assert [(w.entry_id, w.invoice_number) for w in xl_book.work] == [("W1", "INV-000003"), ("W2", "")]
    cli_docs = sorted((tmp_path / "cli" / "book").iterdir())
    xl_docs = sorted((tmp_path / "xl" / "book").iterdir())
    assert [p.name for p in xl_docs] == [p.name for p in cli_docs] == [
        "INV-000001 Client C1.docx", "INV-000002 Alpha Dental & Co -Main-.docx",
        "INV-000003 Alpha Dental & Co -Main-.docx"]
    for mine, theirs in zip(xl_docs, cli_docs, strict=True):
        assert doc_text(mine) == doc_text(theirs)


def test_register_cells_are_typed_and_formatted_and_a_table(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine)
    buttons.generate_invoices(xl, today=TODAY)
    register = xl.sheets["Invoices"]
    assert register.range("A1:J1").value[:6] == ["Invoice Number", "Client ID", "Client Name", "Type", "Period",
                                                 "Issue Date"]
    assert register.range("E2").value == "2026-11"  # text, not turned into a date by Excel
    assert register.range("F2").value == datetime(2026, 11, 5)
    assert register.range("F2").number_format == "yyyy-mm-dd"
    assert "$" in register.range("J2").number_format
    # a currency cell comes through COM as a Currency (Decimal); AppleScript gives a float
    assert register.range("J2").value == (Decimal("324.75") if engine.flavour.name == "windows" else 324.75)
    assert [(t.name, t.range.address) for t in register.tables] == [("Invoices", "$A$1:$O$4")]
    assert [t.range.address for t in xl.sheets["InvoiceLines"].tables] == ["$A$1:$H$4"]


def test_each_appended_block_is_one_assignment(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine)
    buttons.generate_invoices(xl, today=TODAY)
    writes = [address for sheet, address in xl.impl.app.writes if sheet == "Invoices"]
    assert writes == ["A1", "A2"]  # the header of the new sheet, then the three rows at once
    assert [address for sheet, address in xl.impl.app.writes if sheet == "WorkLog"] == ["J2"]


def test_the_default_period_is_written_back_and_used_again(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine)
    buttons.generate_invoices(xl, today=TODAY)
    settings = xl.sheets["Settings"]
    assert grid_of(xl, "Settings").rows()[-1][:2] == ["Billing Period", "2026-11"]
    again = buttons.generate_invoices(xl, today=TODAY)
    assert again.startswith("2026-11: nothing new to issue (3 invoice(s) already in the register).")
    settings.range("B2").value = datetime(2026, 12, 1)  # typed 2026-12; Excel made it a date
    december = buttons.generate_invoices(xl, today=TODAY)
    # C1: 3 x 100.00 + 8.25% tax = 324.75; C2: 3 x 100.00 = 300.00. W2 (dated in December) waits for January.
    assert december.startswith("2026-12: issued 2 invoice(s) (2 managed), total billed $624.75.")
    assert [t.range.address for t in xl.sheets["Invoices"].tables] == ["$A$1:$O$6"]
    work = load_raw(read_book(xl), TODAY).book.work  # type: ignore[union-attr]
    assert [w.invoice_number for w in work] == ["INV-000003", ""]


def test_errors_are_logged_with_links_and_nothing_else_is_written(engine: object, tmp_path: Path) -> None:
    data = sheets()
    data["Users"][1]["Added On"] = "31/02/2026"
    data["Subscriptions"][0]["Service Code"] = "NOPE"
    _, xl = twin(tmp_path, engine, data)
    before = {s.name: dict(grid_of(xl, s.name).cells) for s in xl.sheets}
    message = buttons.generate_invoices(xl, today=TODAY)
    assert message.startswith("The workbook has 2 error(s); nothing was written.")
    assert message.endswith("The first one is selected (Users!D3).")
    assert xl.impl.selected == "Users!D3" and xl.impl.active == "Users"
    log = grid_of(xl, "mspxl Log").rows()
    assert log[0] == ["Severity", "Place", "Column", "Problem"]
    assert log[2][:3] == ["error", "Users!D3", "Added On"]
    assert grid_of(xl, "mspxl Log").formulas[(3, 2)] == '=HYPERLINK("#\'Users\'!D3","Users!D3")'
    assert log[2][3] == 'Users!D3 (Added On): "31/02/2026" is not a date (expected YYYY-MM-DD or an Excel date)'
    assert any("Subscriptions!B2" in row[3] for row in log[1:])
    assert {s.name: dict(grid_of(xl, s.name).cells) for s in xl.sheets if s.name != "mspxl Log"} == before
    assert xl.impl.saved == 0 and not (tmp_path / "xl" / "book").exists()


def test_an_excel_error_in_a_cell_is_reported_at_its_cell_not_read_as_blank(engine: object, tmp_path: Path) -> None:
    data = sheets()
    data["Subscriptions"][0]["Unit Price"] = 95
    path, xl = twin(tmp_path, engine, data)
    grid_of(xl, "Subscriptions").cells[(2, 4)] = ErrorValue("#REF!")  # D2: a price whose formula lost its source
    grid_of(xl, "Clients").cells[(3, 2)] = ErrorValue("#N/A")  # B3: a name looked up from a sheet that is gone
    message = buttons.generate_invoices(xl, today=TODAY)
    # the third error follows from the second: C2's WorkLog row has no rate once C2's row cannot be read
    assert message.startswith("The workbook has 3 error(s); nothing was written.")
    problems = [row[3] for row in grid_of(xl, "mspxl Log").rows()[1:]]
    excel_error = "is an Excel error value: fix the formula or type the value"
    assert f'Subscriptions!D2 (Unit Price): "#REF!" {excel_error}' in problems
    assert f'Clients!B3 (Name): "#N/A" {excel_error}' in problems
    assert xl.impl.saved == 0 and not (tmp_path / "xl" / "book").exists()
    assert read_raw(path)["Subscriptions"].rows[1][3] == 95  # the file itself holds the price; Excel shows #REF!


def test_check_workbook_reports_and_clears_the_log(engine: object, tmp_path: Path) -> None:
    data = sheets()
    data["Users"][0]["Added On"] = "soon"
    _, xl = twin(tmp_path, engine, data)
    message = buttons.check_workbook(xl, today=TODAY)
    assert message.startswith("1 error(s), 0 warning(s): the workbook is not ready to bill.")
    assert grid_of(xl, "mspxl Log").rows()[1][0] == "error"
    xl.sheets["Users"].range("D2").value = datetime(2026, 1, 1)
    assert buttons.check_workbook(xl, today=TODAY) == "No problems found: the workbook is ready to bill."
    assert grid_of(xl, "mspxl Log").rows() == []


def test_a_bad_billing_period_names_its_cell(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine, settings={"Billing Period": "Nov"})
    message = buttons.generate_invoices(xl, today=TODAY)
    assert message.startswith('Settings!B2 (Billing Period): "Nov" is not a period (expected YYYY-MM')
    assert xl.impl.selected == "Settings!B2"
    assert "Invoices" not in [s.name for s in xl.sheets]


def test_an_unexpected_failure_is_one_sentence_and_the_log(engine: object, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _, xl = twin(tmp_path, engine)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(common, "render_documents", full_disk)
    message = buttons.generate_invoices(xl, today=TODAY)
    assert message == ("Generate invoices stopped: no space left on device. The details are on the mspxl Log "
                       "sheet.")
    note = xl.sheets["mspxl Log"].range("D2").value
    assert note.startswith(message) and "Traceback" in note
    assert "Invoices" not in [s.name for s in xl.sheets] and xl.impl.saved == 0


def test_client_text_that_looks_like_a_formula_stays_text(engine: object, tmp_path: Path) -> None:
    data = sheets()
    data["Clients"][1]["Name"] = "=HYPERLINK(\"http://x\",\"pay here\")"
    _, xl = twin(tmp_path, engine, data)
    buttons.generate_invoices(xl, today=TODAY)
    name = xl.sheets["Invoices"].range("C3").value
    assert name == '=HYPERLINK("http://x","pay here")' and (3, 3) not in grid_of(xl, "Invoices").formulas


def test_preview_writes_only_its_sheet(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine, settings={"Billing Period": "2026-11"})
    before = {s.name: dict(grid_of(xl, s.name).cells) for s in xl.sheets}
    message = buttons.preview_invoices(xl, today=TODAY)
    assert message == ("2026-11: would issue 3 invoice(s) (2 managed, 1 service), total $804.75. Nothing was "
                       "written; the lines are on the mspxl Preview sheet.")
    rows = grid_of(xl, "mspxl Preview").rows()
    assert rows[1] == ["INV-000001", "C1", "Client C1", "managed", 1.0, "Standard per-user package, Nov 2026", 3.0,
                       100.0, 300.0, 324.75, 3.0, None]
    assert rows[3] == ["INV-000003", "C2", "Alpha Dental & Co <Main>", "service", 1.0, "2026-10-03 New user setup",
                       1.5, 120.0, 180.0, 180.0, None, None]  # 1.5 h x 120.00 (the client's rate)
    assert {s.name: dict(grid_of(xl, s.name).cells) for s in xl.sheets if s.name != "mspxl Preview"} == before
    assert xl.impl.saved == 0 and not (tmp_path / "xl" / "book").exists()


def test_open_output_folder(engine: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, xl = twin(tmp_path, engine, settings={"Output Folder": "Invoices out"})
    opened: list[Path] = []
    monkeypatch.setattr(buttons, "open_folder", opened.append)
    message = buttons.open_output_folder(xl, today=TODAY)
    assert opened == [tmp_path / "xl" / "Invoices out"]
    assert message == f"Documents of this workbook are filed in {tmp_path / 'xl' / 'Invoices out'}."


def test_an_unsaved_workbook_is_asked_to_be_saved(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine)
    xl.impl._fullname = "Book1"
    assert buttons.generate_invoices(xl, today=TODAY) == (
        "Save the workbook first: invoices are filed in a folder beside it.")


def test_help_lists_the_buttons(engine: object, tmp_path: Path) -> None:
    _, book = twin(tmp_path, engine)
    message = buttons.show_help(book)
    for name in ("Check Workbook", "Preview Invoices", "Generate Invoices", "Open Output Folder"):
        assert name in message
    assert book.impl.app.alerts == [(message, "MSP Billing")]


def test_amounts_are_exact_after_the_round_trip(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine)
    buttons.generate_invoices(xl, today=TODAY)
    book = load_raw(read_book(xl), TODAY).book
    assert book is not None
    assert [inv.total for inv in book.invoices] == [Decimal("324.75"), Decimal("300.00"), Decimal("180.00")]


def test_run_collections_gives_what_the_command_line_gives(engine: object, tmp_path: Path) -> None:
    data = sheets()
    data["Payments"] = [{"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 12, 1), "Amount": "324.75",
                         "Status": "returned", "Return Code": "R01"}]
    as_of = date(2026, 12, 10)
    path, xl = twin(tmp_path, engine, data, settings={"As Of": "2026-12-10"})
    invoice.invoice(path, "2026-11", TODAY)
    buttons.generate_invoices(xl, today=TODAY)
    collect.collect(path, as_of, as_of)
    message = buttons.run_collections(xl, today=as_of)
    # C1's returned 324.75 debit: a 15% fee of 48.71 (48.7125 rounded half-up), state payment_failed. C2 pays by
    # hand and its invoices fell due on 2026-12-01 unpaid: past due.
    assert message == ("Collections as of 2026-12-10: 1 past due, 1 payment failed; 1 fee invoice(s) issued, "
                       "total $48.71; 2 notice(s) to send. The Collections and Aging sheets are up to date. "
                       f"Documents are in {tmp_path / 'xl' / 'book'}.")
    cli_raw, xl_raw = read_raw(path), read_book(xl)
    for name in ("Invoices", "InvoiceLines", "Collections", "Aging"):
        assert sheet_values(xl_raw[name].rows) == sheet_values(cli_raw[name].rows), name
    assert sorted(p.name for p in (tmp_path / "xl" / "book").iterdir()) == sorted(
        p.name for p in (tmp_path / "cli" / "book").iterdir())
    assert xl.impl.saved == 2


def test_statement_for_the_client_of_the_selected_row(engine: object, tmp_path: Path) -> None:
    data = sheets()
    data["Payments"] = [{"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 12, 1), "Amount": "324.75"}]
    _, xl = twin(tmp_path, engine, data, settings={"As Of": "2026-12-10"})
    buttons.generate_invoices(xl, today=TODAY)
    select(xl, "Invoices", None)
    assert buttons.statement_for_client(xl, today=TODAY).startswith("Select a cell in a client's row")
    select(xl, "Invoices", "D3")  # INV-000002, client C2
    message = buttons.statement_for_client(xl, today=TODAY)
    document = tmp_path / "xl" / "book" / "Statement 2026-12-10 Alpha Dental & Co -Main-.docx"
    assert message == f"Statement of Alpha Dental & Co <Main> as of 2026-12-10: {document}."
    cells = [t for t in doc_text(document) if t.strip()]
    charges = cells.index("Invoice INV-000002: managed services November 2026, due December 1, 2026")
    assert cells[charges:charges + 6] == ["Invoice INV-000002: managed services November 2026, due December 1, 2026",
                                          "$300.00", "$300.00", "November 5, 2026",
                                          "Invoice INV-000003: services November 2026, due December 1, 2026",
                                          "$180.00"]
    assert cells[cells.index("Closing balance") + 1] == "$480.00"  # 300.00 + 180.00, unpaid


def test_export_monthly_summary_gives_what_the_command_line_gives(engine: object, tmp_path: Path) -> None:
    from mspxl.commands.summary import export_summary

    path, xl = twin(tmp_path, engine)
    assert "nothing has been invoiced yet" in buttons.export_monthly_summary(xl, today=TODAY).lower()
    invoice.invoice(path, "2026-11", TODAY)
    buttons.generate_invoices(xl, today=TODAY)
    xl_raw = read_book(xl)
    for row in xl_raw["Settings"].rows:  # Generate wrote the period it billed; blank it to take the default
        if row and row[0] == "Billing Period":
            xl.sheets["Settings"].range(f"B{xl_raw['Settings'].rows.index(row) + 1}").value = None
    message = buttons.export_monthly_summary(xl, today=TODAY)
    out = tmp_path / "xl" / "book" / "summary-2026-11.xlsx"
    # MRR: the two managed invoices before tax, 300.00 + 300.00
    assert message == f"2026-11: billed $804.75; MRR $600.00; outstanding $804.75. The summary is in {out}."
    cli = export_summary(path, "2026-11", tmp_path / "cli-summary.xlsx", TODAY).summary
    import openpyxl

    xl_overview = [[c.value for c in r] for r in openpyxl.load_workbook(out)["Overview"].iter_rows()]
    cli_overview = [[c.value for c in r] for r in openpyxl.load_workbook(tmp_path / "cli-summary.xlsx")["Overview"]
                    .iter_rows()]
    assert xl_overview == cli_overview
    assert cli.billed_total == Decimal("804.75")


def test_export_monthly_summary_refuses_what_the_command_line_refuses(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine, settings={"Billing Period": "2026-11"})
    buttons.generate_invoices(xl, today=TODAY)
    out = tmp_path / "xl" / "book" / "summary-2026-11.xlsx"
    (out.parent / "~$summary-2026-11.xlsx").write_bytes(b"")  # the accountant has the last summary open in Excel
    out.write_bytes(b"the summary open in Excel")
    message = buttons.export_monthly_summary(xl, today=TODAY)
    assert message.startswith("summary-2026-11.xlsx is open in Excel") and message.endswith("nothing was written.")
    assert out.read_bytes() == b"the summary open in Excel"
    (out.parent / "~$summary-2026-11.xlsx").unlink()
    assert buttons.export_monthly_summary(xl, today=TODAY).endswith(f"The summary is in {out}.")


def test_export_monthly_summary_never_writes_over_the_workbook(engine: object, tmp_path: Path) -> None:
    from bookdata import write_book
    from xlfake import open_book

    path = write_book(tmp_path / "summary-2026-11.xlsx", sheets(), {"Billing Period": "2026-11", "Output Folder": "."})
    xl = open_book(path, engine)
    buttons.generate_invoices(xl, today=TODAY)
    before = path.read_bytes()
    message = buttons.export_monthly_summary(xl, today=TODAY)
    assert "is the workbook itself" in message and message.endswith("nothing was written.")
    assert path.read_bytes() == before


def test_a_workbook_on_onedrive_files_its_documents_in_the_synced_folder(tmp_path: Path) -> None:
    """With AutoSave on OneDrive, Excel gives the workbook's name as a URL; xlwings maps it to the synced folder."""
    from bookdata import write_book
    from xlfake import engine_of, open_book, registered

    synced = tmp_path / "OneDrive"
    for flavour in ("windows", "mac"):
        (synced / flavour).mkdir(parents=True)
        path = write_book(synced / flavour / "book.xlsx", sheets())
        fake = engine_of(flavour, onedrive_root=synced)
        with registered(fake):
            xl = open_book(path, fake, fullname=f"https://d.docs.live.net/4a1b2c3d/{flavour}/book.xlsx")
            message = buttons.generate_invoices(xl, today=TODAY)
        assert message.endswith(f"Documents are in {synced / flavour / 'book'}."), message
        assert len(list((synced / flavour / "book").glob("INV-*.docx"))) == 3
