"""A month of getting paid, end to end: invoices, the ACH file, a bank return file for two debits, returns import,
collections, the retry file a week later, a second return, collections again; and bad return files refused."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import achkit
import openpyxl
import pytest
from bookdata import client, write_book
from docx import Document
from docx.oxml.ns import qn
from test_ach_support import (  # noqa: F401
    ORIGINATOR_ROWS,
    add_settings,
    as_date,
    pending_payments,
    read_nacha,
    return_file,
    sheet_rows,
)

from mspxl.ach.returncodes import NO_RETRY, retry_is_pointless
from mspxl.ach.returns import ReturnFileError, read_return_file
from mspxl.commands import collect, invoice
from mspxl.commands.ach import write_ach
from mspxl.commands.returns import import_returns

TODAY = date(2026, 11, 25)
BANKS = {"C1": ("125000024", "5207875328"), "C2": ("026009593", "91612031926"), "C3": ("011000015", "579590672")}


def book_for_month(tmp_path: Path) -> Path:
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client(c, Name=f"Client {c}", **{"Bank Routing": r, "Bank Account": a})
                    for c, (r, a) in BANKS.items()],
        "Subscriptions": [{"Client ID": c, "Service Code": "BASE", "Start Date": date(2026, 1, 1)} for c in BANKS],
    })
    add_settings(book, ORIGINATOR_ROWS)
    return book


def add_payment(book: Path, values: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["Payments"]
    headers = [c.value for c in ws[1]]
    ws.append([values.get(str(h)) for h in headers])
    wb.save(book)


def document_text(path: Path) -> str:
    """The paragraphs of a .docx, nested tables included, one per line."""
    body = Document(str(path)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def by_id(rows: list[dict[str, object]], key: str) -> dict[object, dict[str, object]]:
    return {r[key]: r for r in rows}


@pytest.mark.usefixtures("pending_payments")
def test_month_of_debits_returns_and_retries(tmp_path: Path) -> None:
    book = book_for_month(tmp_path)
    docs = tmp_path / "docs"
    invoice.invoice(book, "2026-11", TODAY, docs)  # INV-000001..3, 500.00 each, issued 11-05, due 12-01

    first = write_ach(book, date(2026, 12, 1), TODAY, docs, datetime(2026, 11, 30, 16, 0))
    assert [(d.client_id, d.amount, d.trace_number) for d in first.debits] == [
        ("C1", Decimal("500.00"), "091000010000001"), ("C2", Decimal("500.00"), "091000010000002"),
        ("C3", Decimal("500.00"), "091000010000003")]
    original = read_nacha(first.file.read_text())  # type: ignore[union-attr]
    assert (original["total_cents"], original["description"]) == (150000, "MSP BILL")

    # the bank returns C1 (insufficient funds) and C2 (account closed) on 12-03; C3's debit went through
    returned = tmp_path / "returns-1203.txt"
    returned.write_text(return_file([("091000010000001", "R01", "125000024", 50000, "CLIENT C1"),
                                     ("091000010000002", "R02", "026009593", 50000, "CLIENT C2")], "261203"))
    run = import_returns(book, returned, TODAY, cleared_through=date(2026, 12, 1))
    assert [(m.payment_id, m.entry.code, m.entry.return_date) for m in run.returned] == [
        ("ACH-20261201-0000001", "R01", date(2026, 12, 3)), ("ACH-20261201-0000002", "R02", date(2026, 12, 3))]
    assert run.cleared == ("ACH-20261201-0000003",)
    payments = by_id(sheet_rows(book, "Payments"), "Payment ID")
    assert [(p["Status"], p["Return Code"], as_date(p["Date"])) for p in payments.values()] == [
        ("returned", "R01", date(2026, 12, 3)), ("returned", "R02", date(2026, 12, 3)),
        ("cleared", None, date(2026, 12, 1))]

    before = book.read_bytes()
    again = import_returns(book, returned, TODAY)
    assert (again.returned, len(again.already), again.unmatched) == ((), 2, ())
    assert book.read_bytes() == before  # importing the same file twice changes nothing

    collected = collect.collect(book, date(2026, 12, 3), TODAY, docs)
    c1 = collected.result.status("C1")
    assert (c1.state, c1.since, c1.balance, c1.fees_charged) == ("payment_failed", date(2026, 12, 3),
                                                                Decimal("575.00"), Decimal("75.00"))
    assert collected.result.status("C3").state == "current"
    fee_c1 = next(f for f in collected.fees if f.client_id == "C1")
    assert (fee_c1.total, fee_c1.due_date, fee_c1.related_invoice) == (
        Decimal("75.00"), date(2026, 12, 10), "ACH-20261201-0000001")

    # a week later, within the Nacha Operating Rules: the retry of C1 for the returned 500.00 in a RETRY PYMT batch,
    # the 75.00 fee (INV-000004) in a RETURN FEE batch; C2's account is closed, so no retry and no fee
    retry = write_ach(book, date(2026, 12, 10), TODAY, docs, datetime(2026, 12, 9, 16, 0))
    assert [(d.client_id, d.amount, d.kind, d.retry_of, d.trace_number, d.invoice_number) for d in retry.debits] == [
        ("C1", Decimal("500.00"), "retry", "ACH-20261201-0000001", "091000010000004", "INV-000001"),
        ("C1", Decimal("75.00"), "fee", "ACH-20261201-0000001", "091000010000005", "INV-000004")]
    text = retry.file.read_text()  # type: ignore[union-attr]
    read = read_nacha(text)
    assert [(b["description"], b["batch_company_name"], b["company_id"], b["effective"],  # type: ignore[index]
             [(e["cents"], e["routing"], e["account"], e["id"]) for e in b["entries"]])  # type: ignore[index]
            for b in read["batches"]] == [  # type: ignore[attr-defined]
        ("RETRY PYMT", "YOUR MSP", "1911234567", "261210", [(50000, "125000024", "5207875328", "INV-000001")]),
        ("RETURN FEE", "YOUR MSP", "1911234567", "261210", [(7500, "125000024", "5207875328", "INV-000004")])]
    # the returned entry's amount, Company Name and Company Identification
    returned_entry = original["entries"][0]  # type: ignore[index]
    assert (returned_entry["cents"], original["batch_company_name"], original["company_id"]) == (
        50000, "YOUR MSP", "1911234567")
    assert achkit.validate(text) == {"ok": True, "errors": []}

    second = tmp_path / "returns-1214.txt"
    second.write_text(return_file([("091000010000004", "R01", "125000024", 50000, "CLIENT C1")], "261214"))
    assert [m.payment_id for m in import_returns(book, second, TODAY).returned] == ["ACH-20261210-0000004"]

    final = collect.collect(book, date(2026, 12, 14), TODAY, docs)
    c1 = final.result.status("C1")
    assert (c1.state, c1.since, c1.balance, c1.fees_charged) == ("credit_hold", date(2026, 12, 14),
                                                                Decimal("575.00"), Decimal("75.00"))
    assert [f.client_id for f in final.fees if f.client_id == "C1"] == []  # the second return is not charged
    assert final.result.status("C3").balance == Decimal("0.00")
    assert write_ach(book, date(2026, 12, 10), TODAY, docs).debits == ()  # never written twice

    # January: C1 (second return) and C2 (account closed) are in the collections process, so their December invoices
    # are not debited; C3's is. C1 then pays everything by check on 01-05 and is debited again in February.
    add_settings(book, {"Remittance": "Check payable to Your MSP, 1 Main St, Austin TX. Wire: First Bank, "
                                      "routing 091000019, account 12345678."})
    invoice.invoice(book, "2026-12", TODAY, docs)  # INV-000005..7, 500.00 each, due 2027-01-01
    # the invoices of C1 (credit hold) and C2 (account closed) promise no debit: they say how and by when to pay
    for number, name in (("INV-000005", "Client C1"), ("INV-000006", "Client C2")):
        text = document_text(docs / f"{number} {name}.docx")
        assert (f"Please pay $500.00 by January 1, 2027 and quote invoice number {number} with your payment.\n"
                "Check payable to Your MSP, 1 Main St, Austin TX. Wire: First Bank, routing 091000019, account "
                "12345678.") in text
        assert "debited" not in text and "No action" not in text
    assert "Your account will be debited by ACH on January 1, 2027 (account ending 0672). No action is needed" in (
        document_text(docs / "INV-000007 Client C3.docx"))
    january = write_ach(book, date(2027, 1, 1), TODAY, docs, datetime(2026, 12, 31, 16, 0))
    assert [(d.client_id, d.amount) for d in january.debits] == [("C3", Decimal("500.00"))]
    assert [(n.client_id, n.reason) for n in january.left_out] == [
        ("C1", "on credit hold since 2026-12-14: collected by hand until paid up"),
        ("C2", "on credit hold since 2026-12-03: collected by hand until paid up; debit returned R02 (account closed) "
               "on 2026-12-03: not debited until new Bank Routing / Bank Account are entered on the Clients sheet")]
    # 575.00 (November's 500.00 and the 75.00 fee) + December's 500.00 = 1075.00
    add_payment(book, {"Payment ID": "CHK-1", "Client ID": "C1", "Date": date(2027, 1, 5), "Amount": 1075,
                       "Method": "check", "Status": "cleared"})
    invoice.invoice(book, "2027-01", TODAY, docs)
    february = write_ach(book, date(2027, 2, 1), TODAY, docs, datetime(2027, 1, 31, 16, 0))
    assert [(d.client_id, d.amount) for d in february.debits] == [("C1", Decimal("500.00")), ("C3", Decimal("500.00"))]
    assert [n.client_id for n in february.left_out] == ["C2"]


def test_pointless_retry_codes() -> None:
    assert {"R02", "R03", "R07", "R10"} <= set(NO_RETRY)
    assert not retry_is_pointless("R01") and not retry_is_pointless("R09")
    assert retry_is_pointless(" r03 ")


def test_unmatched_return_is_reported(tmp_path: Path) -> None:
    book = book_for_month(tmp_path)
    returned = tmp_path / "returns.txt"
    returned.write_text(return_file([("091000019999999", "R03", "125000024", 1234, "SOMEONE ELSE")]))
    before = book.read_bytes()
    run = import_returns(book, returned, TODAY)
    assert [(e.original_trace, e.code, e.amount, e.line) for e in run.unmatched] == [
        ("091000019999999", "R03", Decimal("12.34"), 4)]
    assert book.read_bytes() == before


def test_a_file_that_is_not_nacha_is_refused(tmp_path: Path) -> None:
    book = book_for_month(tmp_path)
    before = book.read_bytes()
    bad = tmp_path / "returns.csv"
    bad.write_text("trace,code\n091000010000001,R01\n")
    with pytest.raises(ReturnFileError) as caught:
        import_returns(book, bad, TODAY)
    assert str(caught.value) == "line 1: a NACHA file starts with a file header record (type 1)"
    assert book.read_bytes() == before


def test_wrong_control_total_names_the_line() -> None:
    text = return_file([("091000010000001", "R01", "125000024", 50000, "CLIENT C1")])
    records = text.split("\n")
    records[4] = records[4][:20] + "000000049999" + records[4][32:]  # batch control total debit off by a cent
    with pytest.raises(ReturnFileError) as caught:
        read_return_file("\n".join(records))
    assert caught.value.line == 5
    assert str(caught.value) == "line 5: total debit amount is 49999 but the entries come to 50000"


def test_entry_without_addenda_is_refused_at_its_batch_control() -> None:
    records = return_file([("091000010000001", "R01", "125000024", 50000, "CLIENT C1")]).split("\n")
    del records[3]
    with pytest.raises(ReturnFileError) as caught:
        read_return_file("\n".join(records))
    assert str(caught.value) == "line 4: entry and addenda count is 2 but the entries come to 1"
