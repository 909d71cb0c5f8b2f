"""Credit notes and reissues on workbook files: a whole invoice, part of one (by amount and by lines), a paid one,
a partly credited one, an over-credit refused with nothing written, and a reissue after correcting the Users sheet.

The book: C1 (8.25% tax) pays a flat base plan of $500.00 and 3 users of the $100.00 Standard package; C2 (no tax,
not on autopay) 2 Standard users and 1.5 hours of work at its $120.00 hourly rate. November's run issues
INV-000001 C1 managed 500.00 + 300.00 + tax 66.00 = 866.00, INV-000002 C2 managed 200.00 and INV-000003 C2
service 180.00."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from bookdata import client, write_book
from docx import Document

from mspxl.collections import run_collections
from mspxl.commands import common, invoice
from mspxl.commands.credit import issue_credit
from mspxl.corrections import CreditRefused

START = date(2026, 1, 1)
TODAY = date(2026, 11, 20)
D = Decimal


def sheets(users_c1: list[dict[str, object]] | None = None,
           payments: list[dict[str, object]] | None = None) -> dict[str, list[dict[str, object]]]:
    return {
        "Clients": [client("C1", **{"Tax Rate": "0.0825"}),
                    client("C2", Autopay="N", **{"Hourly Rate": 120})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": START},
                          {"Client ID": "C1", "Service Code": "STD", "Start Date": START},
                          {"Client ID": "C2", "Service Code": "STD", "Start Date": START}],
        "Users": users_c1 if users_c1 is not None else
        [{"Client ID": "C1", "User Name": f"u{i}", "Added On": START} for i in range(3)]
        + [{"Client ID": "C2", "User Name": f"v{i}", "Added On": START} for i in range(2)],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C2", "Date": date(2026, 10, 3), "Hours": "1.5",
                     "Description": "New user setup"}],
        "Payments": payments or [],
    }


def issued_book(tmp_path: Path, **kwargs: object) -> Path:
    book = write_book(tmp_path / "book.xlsx", sheets(**kwargs))  # type: ignore[arg-type]
    run = invoice.invoice(book, "2026-11", TODAY, out=tmp_path / "docs")
    assert [(i.number, i.total) for i in run.issued] == [
        ("INV-000001", D("866.00")), ("INV-000002", D("200.00")), ("INV-000003", D("180.00"))]
    return book


def register(book: Path) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(book)["Invoices"]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2) if row[0].value]


def lines_of(book: Path, number: str) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(book)["InvoiceLines"]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2) if row[0].value == number]


def credit(book: Path, tmp_path: Path, number: str, today: date = TODAY, **kwargs: object):  # noqa: ANN201
    return issue_credit(book, number, today, kwargs.pop("reason", "Wrong user count"),  # type: ignore[arg-type]
                        out=tmp_path / "docs", **kwargs)  # type: ignore[arg-type]


def test_whole_invoice_is_credited_line_by_line_with_its_tax(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    run = credit(book, tmp_path, "INV-000001")
    note = run.credit_note
    assert (note.number, note.type, note.related_invoice) == ("CN-000001", "credit", "INV-000001")
    assert (note.subtotal, note.tax, note.total) == (D("-800.00"), D("-66.00"), D("-866.00"))
    row = register(book)[-1]
    assert row[:5] == ("CN-000001", "C1", "Client C1", "credit", "2026-11")
    assert row[7:10] == (-800, -66, -866)
    assert row[12] == "INV-000001"
    assert row[14] == "CN-000001 Client C1.docx"
    lines = lines_of(book, "CN-000001")
    assert [(ln[1], ln[2], ln[4], ln[5], ln[6]) for ln in lines] == [(1, "BASE", -1, 500, -500),
                                                                    (2, "STD", -3, 100, -300)]
    assert all(ln[3].startswith("Credit of INV-000001: Wrong user count (line ") for ln in lines)
    document = Document(str(tmp_path / "docs" / "CN-000001 Client C1.docx"))
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    text += "\n".join(p.text for p in document.paragraphs)
    assert "Credit Note" in text and "Wrong user count" in text and "-$866.00" in text and "INV-000001" in text
    assert "Sales tax 8.25% on -$800.00" in text
    xml = zipfile.ZipFile(tmp_path / "docs" / "CN-000001 Client C1.docx").read("word/document.xml").decode()
    assert "Amount credited" in xml and "Due date" not in xml  # the facts box is a table nested in a cell


def test_part_of_an_invoice_by_amount_splits_the_tax_in_the_invoice_proportion(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    note = credit(book, tmp_path, "INV-000001", amount=D("108.25"), reason="Goodwill").credit_note
    # tax share: 108.25 x 66.00 / 866.00 = 8.25; the line carries the rest, 100.00
    assert (note.subtotal, note.tax, note.total) == (D("-100.00"), D("-8.25"), D("-108.25"))
    assert lines_of(book, "CN-000001") == [("CN-000001", 1, "CREDIT", "Credit of INV-000001: Goodwill", -1, 100,
                                            -100, "Y")]


def test_part_of_an_invoice_by_lines_credits_those_lines_and_their_tax(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    note = credit(book, tmp_path, "INV-000001", lines=(2,)).credit_note
    # line 2 is 3 x 100.00 = 300.00; its tax 66.00 x 300.00 / 800.00 = 24.75
    assert (note.subtotal, note.tax, note.total) == (D("-300.00"), D("-24.75"), D("-324.75"))
    assert [ln[2] for ln in lines_of(book, "CN-000001")] == ["STD"]


def test_crediting_a_paid_invoice_leaves_a_credit_on_the_balance(tmp_path: Path) -> None:
    paid = [{"Payment ID": "P1", "Client ID": "C2", "Date": date(2026, 12, 1), "Amount": 380, "Method": "check"}]
    book = issued_book(tmp_path, payments=paid)
    credit(book, tmp_path, "INV-000002", today=date(2026, 12, 3))
    loaded, _ = common.load_checked(book, TODAY)
    result = run_collections(loaded.settings, loaded.clients, loaded.invoices, loaded.payments, date(2026, 12, 10))
    status = next(s for s in result.statuses if s.client_id == "C2")
    assert (status.state, status.balance) == ("current", D("-200.00"))
    aging = next(r for r in result.aging if r.client_id == "C2")
    assert (aging.current, aging.total) == (D("-200.00"), D("-200.00"))


def test_a_credit_that_pays_the_client_up_lifts_its_hold(tmp_path: Path) -> None:
    book = issued_book(tmp_path)  # C2 never pays: due 2026-12-01, credit hold from 2026-12-31
    loaded, _ = common.load_checked(book, TODAY)
    before = run_collections(loaded.settings, loaded.clients, loaded.invoices, loaded.payments, date(2027, 1, 2))
    assert next(s for s in before.statuses if s.client_id == "C2").state == "credit_hold"
    credit(book, tmp_path, "INV-000002", today=date(2027, 1, 5), reason="Users were never set up")
    credit(book, tmp_path, "INV-000003", today=date(2027, 1, 5), reason="Work under warranty")
    loaded, _ = common.load_checked(book, TODAY)
    after = run_collections(loaded.settings, loaded.clients, loaded.invoices, loaded.payments, date(2027, 1, 10))
    status = next(s for s in after.statuses if s.client_id == "C2")
    assert (status.state, status.since, status.balance) == ("current", date(2027, 1, 5), D("0.00"))


def test_partly_credited_then_over_credit_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    credit(book, tmp_path, "INV-000001", amount=D("108.25"))
    before = book.read_bytes()
    documents = sorted((tmp_path / "docs").iterdir())
    with pytest.raises(CreditRefused, match="exceeds what is left uncredited on INV-000001: 757.75"):
        credit(book, tmp_path, "INV-000001", amount=D("800.00"))
    with pytest.raises(CreditRefused, match="exceeds"):
        credit(book, tmp_path, "INV-000001", lines=(1, 2))  # 800.00 + 66.00 tax > 757.75
    assert book.read_bytes() == before
    assert sorted((tmp_path / "docs").iterdir()) == documents
    rest = credit(book, tmp_path, "INV-000001").credit_note  # the whole of what is left: 757.75
    assert (rest.number, rest.subtotal, rest.tax, rest.total) == ("CN-000002", D("-700.00"), D("-57.75"),
                                                                  D("-757.75"))
    with pytest.raises(CreditRefused, match="already fully credited"):
        credit(book, tmp_path, "INV-000001", amount=D("0.01"))


def test_credit_notes_and_unknown_invoices_cannot_be_credited(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    credit(book, tmp_path, "INV-000002")
    with pytest.raises(CreditRefused, match="not on the Invoices sheet"):
        credit(book, tmp_path, "INV-000099")
    with pytest.raises(CreditRefused, match="cannot be credited"):
        credit(book, tmp_path, "CN-000001")
    with pytest.raises(CreditRefused, match="has no line 3"):
        credit(book, tmp_path, "INV-000003", lines=(3,))
    with pytest.raises(CreditRefused, match="needs a reason"):
        credit(book, tmp_path, "INV-000003", reason="  ")


def correct_users(book: Path) -> None:
    """u2 had left on 2026-10-20: the accountant fills in its Removed On."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Users"]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[headers.index("User Name")].value == "u2":
            row[headers.index("Removed On")].value = date(2026, 10, 20)
    wb.save(book)


def test_reissue_after_correcting_users_bills_the_corrected_amounts(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    correct_users(book)
    run = credit(book, tmp_path, "INV-000001", today=date(2026, 11, 21), reissue=True,
                 reason="u2 left on 2026-10-20")
    new = run.reissued
    assert new is not None
    # 500.00 + 2 x 100.00 = 700.00; tax 8.25% = 57.75; total 757.75
    assert (new.number, new.type, new.period, new.related_invoice) == ("INV-000004", "managed", "2026-11",
                                                                       "CN-000001")
    assert (new.subtotal, new.tax, new.total, new.billed_users) == (D("700.00"), D("57.75"), D("757.75"), 2)
    assert (new.issue_date, new.due_date) == (date(2026, 11, 21), date(2026, 12, 1))
    rows = register(book)
    assert [(r[0], r[3], r[9], r[12]) for r in rows[3:]] == [("CN-000001", "credit", -866, "INV-000001"),
                                                             ("INV-000004", "managed", 757.75, "CN-000001")]
    assert [ln[4] for ln in lines_of(book, "INV-000004")] == [1, 2]
    assert (tmp_path / "docs" / "INV-000004 Client C1.docx").exists()
    again = invoice.invoice(book, "2026-11", TODAY, out=tmp_path / "docs")
    assert again.issued == ()  # the period's run does not bill the corrected invoice a third time


def test_reissue_of_a_service_invoice_rebills_its_worklog_rows_as_corrected(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["WorkLog"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("Hours") + 1).value = 2  # 2 hours, not 1.5
    wb.save(book)
    new = credit(book, tmp_path, "INV-000003", reissue=True, reason="Hours mistyped").reissued
    assert new is not None
    assert (new.number, new.type, new.total, new.related_invoice) == ("INV-000004", "service", D("240.00"),
                                                                      "CN-000001")
    ws = openpyxl.load_workbook(book)["WorkLog"]
    assert ws.cell(row=2, column=headers.index("Invoice Number") + 1).value == "INV-000004"


def test_reissue_needs_the_whole_invoice_credited(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    before = book.read_bytes()
    with pytest.raises(CreditRefused, match="fully credited"):
        credit(book, tmp_path, "INV-000001", amount=D("10.00"), reissue=True)
    assert book.read_bytes() == before
