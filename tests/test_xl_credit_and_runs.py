"""The Credit Note button, and the Runs rows the ribbon adds: the same rows the command line adds for the same runs,
in the same save as the run's work."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from test_xl_buttons import doc_text, read_book, sheet_values
from xlbooks import TODAY, select, sheets, twin

from mspxl import __version__
from mspxl.audit import current_user, fingerprint
from mspxl.commands import invoice
from mspxl.commands.credit import issue_credit
from mspxl.commands.verify import verify_file
from mspxl.runs_sheet import RUNS_COLUMNS
from mspxl.workbook.load import load_raw
from mspxl.workbook.source_file import read_raw
from mspxl.xl import buttons, text_of
from mspxl.xl.excel import Excel

COLUMN = {header: i for i, (header, _) in enumerate(RUNS_COLUMNS)}


def runs(rows: list[list[object]]) -> list[dict[str, object]]:
    assert [str(h) for h in rows[0][:len(RUNS_COLUMNS)]] == [h for h, _ in RUNS_COLUMNS]
    return [{h: (row[i] if i < len(row) else None) for h, i in COLUMN.items()} for row in rows[1:]]


def test_credit_note_credits_the_selected_invoice_as_the_command_line_does(engine: object, tmp_path: Path) -> None:
    path, xl = twin(tmp_path, engine)
    invoice.invoice(path, "2026-11", TODAY)
    buttons.generate_invoices(xl, today=TODAY)
    issue_credit(path, "INV-000002", TODAY, 'Billed "twice"')

    select(xl, "Invoices", "A3")  # INV-000002, C2's managed
    message = buttons.credit_note(xl, reason=text_of([ord(c) for c in 'Billed "twice"']), today=TODAY)
    document = tmp_path / "xl" / "book" / "CN-000001 Alpha Dental & Co -Main-.docx"
    # INV-000002 is C2's managed invoice: 3 users x 100.00 = 300.00, no tax; the credit note takes all of it back
    assert message == ("CN-000001: credit of $300.00 on INV-000002 (Alpha Dental & Co <Main>). "
                       f"The document is {document}.")
    assert xl.impl.saved == 2
    cli_raw, xl_raw = read_raw(path), read_book(xl)
    for name in ("Invoices", "InvoiceLines"):
        assert sheet_values(xl_raw[name].rows) == sheet_values(cli_raw[name].rows), name
    xl_book = load_raw(xl_raw, TODAY).book
    assert xl_book is not None
    note = next(i for i in xl_book.invoices if i.number == "CN-000001")
    assert (note.type, note.related_invoice, note.total) == ("credit", "INV-000002", Decimal("-300.00"))
    text = doc_text(document)
    assert any('Billed "twice"' in t for t in text) and any("INV-000002" in t for t in text)
    assert doc_text(document) == doc_text(tmp_path / "cli" / "book" / document.name)


def test_credit_note_needs_a_selected_invoice_and_a_reason_and_never_over_credits(engine: object,
                                                                                   tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine)
    buttons.generate_invoices(xl, today=TODAY)
    before = sheet_values(read_book(xl)["Invoices"].rows)
    select(xl, "Clients", "A2")
    assert buttons.credit_note(xl, reason="x", today=TODAY).startswith(
        "Select a cell in the row of the invoice to credit on the Invoices sheet")
    select(xl, "Invoices", "A1")  # the header row
    assert buttons.credit_note(xl, reason="x", today=TODAY).startswith("Select a cell in the row")
    select(xl, "Invoices", "C2")
    assert buttons.credit_note(xl, reason="  ", today=TODAY) == (
        "A credit note needs a reason; nothing was written for INV-000001.")
    assert buttons.credit_note(xl, reason="Wrong seats", today=TODAY).startswith("CN-000001: credit of $324.75")
    refused = buttons.credit_note(xl, reason="Again", today=TODAY)
    assert refused.endswith("; nothing was written.") and "INV-000001" in refused
    rows = sheet_values(read_book(xl)["Invoices"].rows)
    assert rows[:len(before)] == before and len(rows) == len(before) + 1
    assert xl.impl.saved == 2


def test_each_ribbon_run_that_writes_adds_one_runs_row(engine: object, tmp_path: Path) -> None:
    data = sheets()
    data["Payments"] = [{"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 12, 1), "Amount": "324.75",
                         "Status": "returned", "Return Code": "R01"}]
    _, xl = twin(tmp_path, engine, data, settings={"As Of": "2026-12-10", "Billing Period": "2026-11"})
    buttons.check_workbook(xl, today=TODAY)
    buttons.preview_invoices(xl, today=TODAY)
    assert "Runs" not in read_book(xl)
    start = fingerprint(read_book(xl))  # with the preview sheet: the workbook as Generate Invoices finds it
    buttons.generate_invoices(xl, today=TODAY)
    buttons.generate_invoices(xl, today=TODAY)  # nothing new: no row
    select(xl, "Invoices", "A2")
    buttons.statement_for_client(xl, today=TODAY)
    buttons.run_collections(xl, today=date(2026, 12, 10))
    buttons.credit_note(xl, reason="Goodwill", today=date(2026, 12, 10))
    raw = read_book(xl)
    invoiced, collected, credited = runs(raw["Runs"].rows)
    book = tmp_path / "xl" / "book.xlsx"
    assert (invoiced["Command"], invoiced["Arguments"]) == ("invoice (ribbon)", f"{book.name} --period 2026-11")
    assert (invoiced["User"], invoiced["mspxl Version"], invoiced["Hash Before"]) == (
        current_user(), __version__, start)
    # 2 managed (324.75 for C1: 3 x 100.00 + 8.25% tax; 300.00 for C2) and C2's 1.5 h at 120.00 = 180.00
    assert (invoiced["Issued"], invoiced["Total Issued"], invoiced["Outcome"]) == ("managed 2, service 1", 804.75,
                                                                                    "ok")
    assert collected["Command"] == "collect (ribbon)" and collected["Hash Before"] == invoiced["Hash After"]
    assert (collected["Issued"], collected["Total Issued"]) == ("fee 1", 48.71)  # 15% of 324.75, half-up
    assert credited["Command"] == "credit (ribbon)" and credited["Hash Before"] == collected["Hash After"]
    assert credited["Arguments"] == f"{book.name} --invoice INV-000001 --reason Goodwill"
    assert (credited["Issued"], credited["Total Issued"]) == ("credit 1", -324.75)
    assert credited["Hash After"] == fingerprint(raw)  # the row describes the workbook as it was saved
    assert str(invoiced["Run At (UTC)"]).endswith("+00:00")
    assert xl.impl.saved == 3


def test_the_fingerprint_is_the_same_from_the_file_and_from_excel(engine: object, tmp_path: Path) -> None:
    path, xl = twin(tmp_path, engine)
    assert fingerprint(read_raw(path)) == fingerprint(read_book(xl))
    invoice.invoice(path, "2026-11", TODAY)
    buttons.generate_invoices(xl, today=TODAY)
    assert verify_file(path, TODAY) == []


def test_what_a_button_wrote_is_known_without_reading_excel_again(engine: object, tmp_path: Path) -> None:
    """The workbook as a button leaves it is the sheets it read with what it wrote noted on them; text Excel would
    retype (a month in a General cell becomes a date) makes that sheet be read again instead of guessed."""
    _, book = twin(tmp_path, engine)
    xl = Excel(book)
    raw = xl.read()
    clients = xl.find_sheet("Clients")
    clients.range((3, 2)).value = "Plain Words Ltd"
    clients.range((2, 20)).value = [[12.5, datetime(2026, 11, 5), 7, None]]  # as write_block hands them over
    assert xl.mirror is not None and xl.mirror.unknown == set()
    assert fingerprint(xl.as_written(raw)) == fingerprint(read_book(book))
    raw = xl.read()
    xl.find_sheet("Clients").range((4, 2)).value = "2026-11"
    assert xl.mirror.unknown == {"Clients"}
    assert fingerprint(xl.as_written(raw)) == fingerprint(read_book(book))
    raw = xl.read()
    xl.find_sheet("Clients").range((2, 1), (2, 3)).clear_contents()  # a range cleared: that sheet is read again
    assert xl.mirror.unknown == {"Clients"}
    assert fingerprint(xl.as_written(raw)) == fingerprint(read_book(book))
