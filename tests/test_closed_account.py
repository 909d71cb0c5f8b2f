"""A debit returned R02 (account closed): the client pays by check, and is not debited again, nor promised a debit,
until the accountant enters new bank details on the Clients sheet."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
from bookdata import client, write_book
from test_ach_support import ORIGINATOR_ROWS, add_settings, read_nacha, return_file, sheet_rows
from test_returns_month import add_payment, document_text

from mspxl.ach.closed_account import awaiting_new_bank_details, bank_details_replaced
from mspxl.ach.routing import account_fingerprint
from mspxl.commands import collect, invoice
from mspxl.commands.ach import write_ach
from mspxl.commands.returns import import_returns
from mspxl.records import Client, Payment

TODAY = date(2026, 11, 25)
OLD = ("026009593", "91612031926")
NEW = ("125000024", "5207875328")


def set_bank(book: Path, routing: str, account: str) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["Clients"]
    headers = [c.value for c in ws[1]]
    ws.cell(2, headers.index("Bank Routing") + 1, routing)
    ws.cell(2, headers.index("Bank Account") + 1, account)
    wb.save(book)


def test_no_debit_after_account_closed_until_new_bank_details(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C2", **{"Bank Routing": OLD[0], "Bank Account": OLD[1]})],
        "Subscriptions": [{"Client ID": "C2", "Service Code": "BASE", "Start Date": date(2026, 1, 1)}],
    })
    add_settings(book, {**ORIGINATOR_ROWS, "Remittance": "Check payable to Your MSP, 1 Main St, Austin TX."})
    docs = tmp_path / "docs"
    invoice.invoice(book, "2026-11", TODAY, docs)  # INV-000001, 500.00, due 2026-12-01
    first = write_ach(book, date(2026, 12, 1), TODAY, docs, datetime(2026, 11, 30, 16, 0))
    assert [(d.invoice_number, d.amount, d.account) for d in first.debits] == [
        ("INV-000001", Decimal("500.00"), "****1926")]
    digest = account_fingerprint(*OLD)
    assert digest.startswith("026009593 ****1926 ") and len(digest) == len("026009593 ****1926 ") + 8
    assert [r["Debited Account"] for r in sheet_rows(book, "Payments")] == [digest]

    returned = tmp_path / "returns-1203.txt"  # the bank: account closed
    returned.write_text(return_file([("091000010000001", "R02", OLD[0], 50000, "CLIENT C2")], "261203"))
    assert [m.entry.code for m in import_returns(book, returned, TODAY).returned] == ["R02"]

    # December's invoice, then the client pays both months by check: 500.00 + 500.00 = 1000.00, paid up
    invoice.invoice(book, "2026-12", TODAY, docs)  # INV-000002, due 2027-01-01
    add_payment(book, {"Payment ID": "CHK-1", "Client ID": "C2", "Date": date(2026, 12, 20), "Amount": 1000,
                       "Method": "check", "Status": "cleared"})
    invoice.invoice(book, "2027-01", TODAY, docs)  # INV-000003, 500.00, issued 2027-01-05, due 2027-02-01
    text = document_text(docs / "INV-000003 Client C2.docx")
    assert ("Please pay $500.00 by February 1, 2027 and quote invoice number INV-000003 with your payment.\n"
            "Check payable to Your MSP, 1 Main St, Austin TX.") in text
    assert "debited" not in text and "No action" not in text

    february = write_ach(book, date(2027, 2, 1), TODAY, docs, datetime(2027, 1, 31, 16, 0))
    assert (february.debits, february.file) == ((), None)
    assert [(n.client_id, n.reason) for n in february.left_out] == [
        ("C2", "debit returned R02 (account closed) on 2026-12-03: not debited until new Bank Routing / Bank "
               "Account are entered on the Clients sheet")]
    assert [r["Payment ID"] for r in sheet_rows(book, "Payments")] == ["ACH-20261201-0000001", "CHK-1"]
    # the Collections sheet tells the accountant of a payment due, not of a debit
    status = collect.collect(book, date(2027, 1, 6), TODAY, docs).result.status("C2")
    assert (status.state, status.balance, status.next_action) == ("current", Decimal("500.00"),
                                                                  "payment of 500.00 due 2027-02-01")

    # the accountant enters the client's new account: INV-000003 is debited, from the new account
    set_bank(book, *NEW)
    again = write_ach(book, date(2027, 2, 1), TODAY, docs, datetime(2027, 1, 31, 17, 0))
    assert [(d.invoice_number, d.amount, d.account) for d in again.debits] == [
        ("INV-000003", Decimal("500.00"), "****5328")]
    entries = read_nacha(again.file.read_text())["entries"]  # type: ignore[union-attr]
    assert [(e["cents"], e["routing"], e["account"]) for e in entries] == [(50000, NEW[0], NEW[1])]  # type: ignore[index]
    assert sheet_rows(book, "Payments")[-1]["Debited Account"] == account_fingerprint(*NEW)


def test_a_return_without_its_debited_account_waits_for_the_accountant() -> None:
    c2 = Client("C2", "Client C2", "c2@example.com", date(2026, 1, 1), bank_routing=NEW[0], bank_account=NEW[1])
    by_hand = Payment("P-7", "C2", date(2026, 12, 3), Decimal("500.00"), status="returned", return_code="R03", row=7)
    assert awaiting_new_bank_details(c2, [by_hand]) == by_hand  # cannot tell: not debited
    replaced = Payment("P-7", "C2", date(2026, 12, 3), Decimal("500.00"), status="returned", return_code="R03",
                       debited_account="replaced")
    assert bank_details_replaced(c2, replaced) and awaiting_new_bank_details(c2, [replaced]) is None
    # the same account typed with a hyphen is the same account; R01 never waits for new details
    same = Payment("P-8", "C2", date(2026, 12, 3), Decimal("500.00"), status="returned", return_code="R04",
                   debited_account=account_fingerprint(NEW[0], "52078-75328"))
    assert not bank_details_replaced(c2, same)
    r01 = Payment("P-9", "C2", date(2026, 12, 3), Decimal("500.00"), status="returned", return_code="R01")
    assert awaiting_new_bank_details(c2, [r01]) is None
