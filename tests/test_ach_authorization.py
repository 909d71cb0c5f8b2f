"""A debit returned because the authorization is gone (R07 revoked, R10/R29 not authorized, R05, R08, R11) blocks
every later debit until a newer authorization is dated in Clients Debit Authorized On; one returned because the
account cannot be debited (R02-R04, R12, R14, R15, R16, R20) until other bank details are entered. Dated scenarios:
the ACH files read back with the independent reader and achkit, the invoices parsed as the client reads them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import achkit
import openpyxl
import pytest
from bookdata import client, load, write_book
from test_ach_rules import ACME, NOVEMBER, RETRY_DAY, book, due, returned, with_fee
from test_ach_support import ORIGINATOR_ROWS, add_settings, read_nacha, return_file, sheet_rows
from test_returns_month import add_payment, document_text

from mspxl.ach.blocks import blocked_reason, debit_blocks
from mspxl.ach.debits import debits_due
from mspxl.ach.returncodes import AUTHORIZATION_NEEDED, BANK_DETAILS_NEEDED
from mspxl.ach.routing import account_fingerprint
from mspxl.collections import run_collections
from mspxl.commands import collect, invoice
from mspxl.commands.ach import load_for_ach, write_ach
from mspxl.commands.returns import import_returns
from mspxl.records import Payment

TODAY = date(2026, 11, 25)
OLD = ("026009593", "91612031926")
NEW = ("125000024", "5207875328")
D = Decimal
REMITTANCE = "Check payable to Your MSP, 1 Main St, Austin TX."
R07_REASON = ("debit returned R07 (authorization revoked by customer) on 2026-12-03: not debited until a debit "
              "authorization signed after 2026-12-03 is dated in Debit Authorized On on the Clients sheet")


def set_clients_cell(book: Path, client_id: str, header: str, value: object) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["Clients"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == client_id)
    ws.cell(row, headers.index(header) + 1, value)
    wb.save(book)


def month_book(tmp_path: Path) -> Path:
    """C2 (authorized 2026-01-01, debited from OLD) and C3 (NEW), 500.00 a month each, due on the 1st."""
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C2", **{"Bank Routing": OLD[0], "Bank Account": OLD[1],
                                    "Debit Authorized On": date(2026, 1, 1)}),
                    client("C3", **{"Bank Routing": NEW[0], "Bank Account": NEW[1]})],
        "Subscriptions": [{"Client ID": cid, "Service Code": "BASE", "Start Date": date(2026, 1, 1)}
                          for cid in ("C2", "C3")],
    })
    add_settings(book, {**ORIGINATOR_ROWS, "Remittance": REMITTANCE})
    return book


def test_authorization_revoked_blocks_next_months_debit_until_a_newer_authorization(tmp_path: Path) -> None:
    book = month_book(tmp_path)
    docs = tmp_path / "docs"
    invoice.invoice(book, "2026-11", TODAY, docs)  # INV-000001 C2, INV-000002 C3: 500.00 each, due 2026-12-01
    first = write_ach(book, date(2026, 12, 1), TODAY, docs, datetime(2026, 11, 30, 16, 0))
    c2_trace = next(d.trace_number for d in first.debits if d.client_id == "C2")
    returned_file = tmp_path / "returns-1203.txt"  # the client revoked the authorization at its bank
    returned_file.write_text(return_file([(c2_trace, "R07", OLD[0], 50000, "CLIENT C2")], "261203"))
    assert [m.entry.code for m in import_returns(book, returned_file, TODAY).returned] == ["R07"]

    # December's invoices; C2 pays November's and December's by check: 500.00 + 500.00 = 1000.00, paid up
    invoice.invoice(book, "2026-12", TODAY, docs)  # INV-000003 C2, INV-000004 C3, due 2027-01-01
    add_payment(book, {"Payment ID": "CHK-1", "Client ID": "C2", "Date": date(2026, 12, 20), "Amount": 1000,
                       "Method": "check", "Status": "cleared"})
    invoice.invoice(book, "2027-01", TODAY, docs)  # INV-000005 C2, INV-000006 C3: issued 2027-01-05, due 2027-02-01
    c2_january = document_text(docs / "INV-000005 Client C2.docx")
    assert ("Please pay $500.00 by February 1, 2027 and quote invoice number INV-000005 with your payment.\n"
            + REMITTANCE) in c2_january
    assert "debited" not in c2_january and "No action" not in c2_january
    assert "Your account will be debited by ACH on February 1, 2027 (account ending 5328). No action is needed" in (
        document_text(docs / "INV-000006 Client C3.docx"))

    february = write_ach(book, date(2027, 2, 1), TODAY, docs, datetime(2027, 1, 31, 16, 0))
    assert [(d.client_id, d.invoice_number, d.amount) for d in february.debits] == [
        ("C3", "INV-000006", D("500.00"))]
    assert [(n.client_id, n.reason) for n in february.left_out] == [("C2", R07_REASON)]
    text = february.file.read_text()  # type: ignore[union-attr]
    assert achkit.validate(text) == {"ok": True, "errors": []}
    read = read_nacha(text)
    assert [(e["cents"], e["routing"], e["account"]) for e in read["entries"]] == [  # type: ignore[index,union-attr]
        (50000, NEW[0], NEW[1])]
    # the Collections sheet: a payment due, not a debit
    status = collect.collect(book, date(2027, 1, 6), TODAY, docs).result.status("C2")
    assert (status.state, status.balance, status.next_action) == ("current", D("500.00"),
                                                                  "payment of 500.00 due 2027-02-01")
    # and its Notes say why and what lifts it
    notes = {r["Client ID"]: r["Notes"] for r in sheet_rows(book, "Collections")}
    assert notes["C2"] == "credit hold released on 2026-12-20; " + R07_REASON

    # an authorization dated the day of the return, or before it, does not lift the block
    set_clients_cell(book, "C2", "Debit Authorized On", date(2026, 12, 3))
    again = write_ach(book, date(2027, 2, 1), TODAY, docs, datetime(2027, 1, 31, 17, 0))
    assert (again.debits, again.file) == ((), None)  # C3's debit is already written
    assert [(n.client_id, n.reason) for n in again.left_out] == [("C2", R07_REASON)]

    # the client signs a new authorization on 2027-01-20: INV-000005 is debited from the same account
    set_clients_cell(book, "C2", "Debit Authorized On", date(2027, 1, 20))
    renewed = write_ach(book, date(2027, 2, 1), TODAY, docs, datetime(2027, 1, 31, 18, 0))
    assert [(d.client_id, d.invoice_number, d.amount, d.account) for d in renewed.debits] == [
        ("C2", "INV-000005", D("500.00"), "****1926")]
    assert renewed.left_out == ()
    text = renewed.file.read_text()  # type: ignore[union-attr]
    assert achkit.validate(text) == {"ok": True, "errors": []}
    entries = read_nacha(text)["entries"]
    assert [(e["cents"], e["routing"], e["account"]) for e in entries] == [  # type: ignore[index,union-attr]
        (50000, OLD[0], OLD[1])]
    # a collections run as of a day before the new authorization is judged without it
    loaded, _ = load_for_ach(book, TODAY)
    before = run_collections(loaded.settings, loaded.clients, loaded.invoices, loaded.payments, date(2027, 1, 6))
    assert (before.status("C2").next_action, before.status("C2").notes) == (
        "payment of 500.00 due 2027-02-01", "credit hold released on 2026-12-20; " + R07_REASON)
    after = run_collections(loaded.settings, loaded.clients, loaded.invoices, loaded.payments, date(2027, 1, 21))
    assert (after.status("C2").next_action, after.status("C2").notes) == (
        "ACH debit for 500.00 on 2027-02-01", "credit hold released on 2026-12-20")


def test_a_workbook_without_the_column_reads_and_an_r16_waits_for_new_bank_details(tmp_path: Path) -> None:
    book = month_book(tmp_path)
    wb = openpyxl.load_workbook(book)  # a workbook made before the column existed
    ws = wb["Clients"]
    ws.delete_cols([c.value for c in ws[1]].index("Debit Authorized On") + 1)
    wb.save(book)
    assert "Debit Authorized On" not in sheet_rows(book, "Clients")[0]
    loaded, problems = load_for_ach(book, TODAY)
    assert [c.debit_authorized_on for c in loaded.clients] == [None, None] and problems == []

    docs = tmp_path / "docs"
    invoice.invoice(book, "2026-11", TODAY, docs)
    first = write_ach(book, date(2026, 12, 1), TODAY, docs, datetime(2026, 11, 30, 16, 0))
    assert [(d.client_id, d.amount) for d in first.debits] == [("C2", D("500.00")), ("C3", D("500.00"))]
    c2_trace = first.debits[0].trace_number
    returned_file = tmp_path / "returns-1203.txt"  # the account is frozen
    returned_file.write_text(return_file([(c2_trace, "R16", OLD[0], 50000, "CLIENT C2")], "261203"))
    import_returns(book, returned_file, TODAY)
    invoice.invoice(book, "2026-12", TODAY, docs)  # INV-000003 C2, due 2027-01-01
    add_payment(book, {"Payment ID": "CHK-1", "Client ID": "C2", "Date": date(2026, 12, 20), "Amount": 500,
                       "Method": "check", "Status": "cleared"})
    assert "debited" not in document_text(docs / "INV-000003 Client C2.docx")

    january = write_ach(book, date(2027, 1, 1), TODAY, docs, datetime(2026, 12, 31, 16, 0))
    assert [d.client_id for d in january.debits] == ["C3"]
    assert [(n.client_id, n.reason) for n in january.left_out] == [
        ("C2", "debit returned R16 (account frozen) on 2026-12-03: not debited until new Bank Routing / Bank "
               "Account are entered on the Clients sheet")]
    set_clients_cell(book, "C2", "Bank Routing", NEW[0])
    set_clients_cell(book, "C2", "Bank Account", NEW[1])
    unfrozen = write_ach(book, date(2027, 1, 1), TODAY, docs, datetime(2026, 12, 31, 17, 0))
    assert [(d.client_id, d.invoice_number, d.amount, d.account) for d in unfrozen.debits] == [
        ("C2", "INV-000003", D("500.00"), "****5328")]
    entries = read_nacha(unfrozen.file.read_text())["entries"]  # type: ignore[union-attr]
    assert [(e["cents"], e["routing"], e["account"]) for e in entries] == [  # type: ignore[index,union-attr]
        (50000, NEW[0], NEW[1])]


# In memory: ACME (125000024 / 5207875328) owes NOVEMBER, 1,000.00 due 2026-12-01, debited and returned 2026-12-03,
# then paid by check on 12-20; DECEMBER, 1,000.00, falls due 2027-01-01.
DECEMBER = replace(NOVEMBER, number="INV-000002", period="2026-12", issue_date=date(2026, 12, 5),
                   due_date=date(2027, 1, 1))
CHECK = Payment("CHK-1", "C1", date(2026, 12, 20), D("1000.00"), "check", "cleared", "", "INV-000001")


def paid_up_after(code: str) -> list[Payment]:
    debited = replace(returned(code), debited_account=account_fingerprint(ACME.bank_routing, ACME.bank_account))
    return [debited, CHECK]


def test_an_account_return_is_lifted_by_new_bank_details_only() -> None:
    frozen = book(paid_up_after("R16"), invoices=(NOVEMBER, DECEMBER))
    debits, left_out = debits_due(frozen, date(2027, 1, 1))
    assert debits == [] and [n.reason for n in left_out] == [
        "debit returned R16 (account frozen) on 2026-12-03: not debited until new Bank Routing / Bank Account are "
        "entered on the Clients sheet"]
    authorized = replace(frozen, clients=(replace(ACME, debit_authorized_on=date(2026, 12, 20)),))
    assert due(authorized, date(2027, 1, 1)) == []
    moved = replace(frozen, clients=(replace(ACME, bank_routing=OLD[0], bank_account=OLD[1]),))
    assert due(moved, date(2027, 1, 1)) == [("invoice", "INV-000002", D("1000.00"))]


@pytest.mark.parametrize("code", sorted(AUTHORIZATION_NEEDED))
def test_an_authorization_return_is_lifted_by_a_newer_authorization_only(code: str) -> None:
    revoked = book(paid_up_after(code), invoices=(NOVEMBER, DECEMBER))
    assert due(revoked, date(2027, 1, 1)) == []
    moved = replace(revoked, clients=(replace(ACME, bank_routing=OLD[0], bank_account=OLD[1]),))
    assert due(moved, date(2027, 1, 1)) == []  # other bank details do not renew an authorization
    for signed, debited in ((date(2026, 12, 2), False), (date(2026, 12, 3), False), (date(2026, 12, 4), True)):
        renewed = replace(revoked, clients=(replace(ACME, debit_authorized_on=signed),))
        assert due(renewed, date(2027, 1, 1)) == ([("invoice", "INV-000002", D("1000.00"))] if debited else [])


def test_both_blocks_need_both_remedies() -> None:
    closed = replace(returned("R02"), debited_account=account_fingerprint(ACME.bank_routing, ACME.bank_account))
    revoked = returned("R10", date(2026, 12, 9), "ACH-20261207-0000001")
    blocks = debit_blocks(ACME, [revoked, closed])
    assert blocks == (closed, revoked)
    assert blocked_reason(blocks) == (
        "debit returned R02 (account closed) on 2026-12-03: not debited until new Bank Routing / Bank Account are "
        "entered on the Clients sheet; debit returned R10 (customer advises not authorized) on 2026-12-09: not "
        "debited until a debit authorization signed after 2026-12-09 is dated in Debit Authorized On on the Clients "
        "sheet")
    assert debit_blocks(replace(ACME, debit_authorized_on=date(2026, 12, 10)), [revoked, closed]) == (closed,)


@pytest.mark.parametrize("code", ["R01", "R09"])
def test_insufficient_and_uncollected_funds_are_still_retried(code: str) -> None:
    b = with_fee(book([returned(code)]), date(2026, 12, 3))
    assert debit_blocks(ACME, b.payments) == ()
    # the returned 1,000.00 and its 15% fee, 150.00, each as an entry of its own on the retry date
    assert due(b, RETRY_DAY) == [("retry", "INV-000001", D("1000.00")), ("fee", "INV-000002", D("150.00"))]


def test_the_two_groups() -> None:
    assert set(BANK_DETAILS_NEEDED) == {"R02", "R03", "R04", "R12", "R14", "R15", "R16", "R20"}
    assert set(AUTHORIZATION_NEEDED) == {"R05", "R07", "R08", "R10", "R11", "R29"}


def test_an_authorization_dated_in_the_future_is_a_warning() -> None:
    loaded = load({"Clients": [client("C1", **{"Debit Authorized On": date(2026, 11, 26)}),
                               client("C2", **{"Debit Authorized On": TODAY})]})
    assert [(p.severity.value, p.render()) for p in loaded.problems if p.header == "Debit Authorized On"] == [
        ("warning", 'Clients!T2 (Debit Authorized On): "2026-11-26" is in the future: enter the day the client signed')]
