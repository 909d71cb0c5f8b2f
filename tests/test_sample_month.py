"""A month of getting paid, end to end on the sample workbook (samples/northwind.xlsx): the demo's invoices, the ACH
file of 2027-01-01, a bank return file for two of its debits, returns import, collections, the retry file a week
later, a second return, collections again. States and fees as the seed policy says: a returned debit is charged again
within seven days with a 15% processing fee; when the second try fails too, the client goes on credit hold; a return
that makes a retry pointless (account closed) goes straight to credit hold, without a fee."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import achkit
from test_ach_support import as_date, read_nacha, return_file, sheet_rows

from mspxl.commands import collect, invoice
from mspxl.commands.ach import write_ach
from mspxl.commands.returns import import_returns
from mspxl.resources import sample_workbook

TODAY = date(2026, 12, 20)  # the day the demo runs its collections
JAN_1, RETURNED, RETRY, RETURNED_AGAIN = date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 11), date(2027, 1, 13)

# C024 Westgate Auto Repair, December (INV-000082, tax 0): BASIC 5 users x 85.00 = 425.00 (Lucia, Rosa, Ruth, Sara,
# Jonah), WKS 4 workstations x 30.00 = 120.00, FIREWALL flat 65.00: 425.00 + 120.00 + 65.00 = 610.00.
C024_DECEMBER = Decimal("610.00")
# C025 Yellowbrick Marketing Agency, December (INV-000083, tax 0): STANDARD 10 users x 125.00 = 1250.00 (11 users
# listed, Omar Sullivan removed 2026-08-18), ENDPOINT-AV 12 devices (3 workstations, 9 laptops) x 6.50 = 78.00,
# BACKUP 150 GB under its 250 GB allowance = 0.00: 1250.00 + 78.00 + 0.00 = 1328.00.
C025_DECEMBER = Decimal("1328.00")
# The fee on C025's returned debit: 15% of 1328.00 = 199.20; owed after the return: 1328.00 + 199.20 = 1527.20.
# The retry is for the returned 1328.00 (RETRY PYMT batch), the fee an entry of its own (RETURN FEE batch).
C025_FEE = Decimal("199.20")
C025_OWED = Decimal("1527.20")


def sample_copy(folder: Path) -> Path:
    """A copy of the sample workbook, which names its ACH originator on Settings."""
    book = folder / "northwind.xlsx"
    shutil.copy(sample_workbook(), book)
    return book


def test_a_month_of_getting_paid_on_the_sample(tmp_path: Path) -> None:
    book = sample_copy(tmp_path)
    docs = tmp_path / "docs"
    for period in ("2026-10", "2026-11", "2026-12"):
        invoice.invoice(book, period, TODAY, docs)
    collect.collect(book, TODAY, TODAY, docs)  # the sample's own history: the fees of its earlier returns

    # 1 January: every autopay invoice of December due that day, one debit each
    first = write_ach(book, JAN_1, TODAY, docs, datetime(2026, 12, 31, 16, 0))
    by_client = {d.client_id: d for d in first.debits if d.client_id in ("C024", "C025")}
    assert [(d.invoice_number, d.amount, d.trace_number, d.kind) for d in by_client.values()] == [
        ("INV-000082", C024_DECEMBER, "091000010000023", "invoice"),
        ("INV-000083", C025_DECEMBER, "091000010000024", "invoice")]
    # C011 and C016 are on hold after two returned debits in the sample's history: the billing team collects them
    assert [(n.client_id, n.reason) for n in first.left_out] == [
        ("C011", "on credit hold since 2026-12-11: collected by hand until paid up"),
        ("C016", "on service hold since 2026-12-13: collected by hand until paid up")]
    read = read_nacha(first.file.read_text())  # type: ignore[union-attr]  # the demo's ACH file of 2027-01-01
    assert achkit.validate(first.file.read_text()) == {"ok": True, "errors": []}  # type: ignore[union-attr]
    assert [b["description"] for b in read["batches"]] == ["MSP BILL"]  # type: ignore[attr-defined]
    assert len(read["entries"]) == len(first.debits) == 24  # type: ignore[arg-type]
    assert Decimal(read["total_cents"]) / 100 == first.total == sum(d.amount for d in first.debits)  # type: ignore[arg-type]
    entries = {e["trace"]: e for e in read["entries"]}  # type: ignore[union-attr]
    assert (entries["091000010000023"]["cents"], entries["091000010000023"]["routing"]) == (61000, "026009593")
    assert (entries["091000010000024"]["cents"], entries["091000010000024"]["routing"]) == (132800, "011000015")

    # 4 January: the bank returns C025's debit (R01, insufficient funds) and C024's (R02, account closed)
    returns = tmp_path / "returns-0104.txt"
    returns.write_text(return_file([("091000010000024", "R01", "011000015", 132800, "YELLOWBRICK MARKETING"),
                                    ("091000010000023", "R02", "026009593", 61000, "WESTGATE AUTO REPAIR")],
                                   "270104"))
    imported = import_returns(book, returns, TODAY, cleared_through=JAN_1)
    assert [(m.payment_id, m.entry.code, m.entry.return_date) for m in imported.returned] == [
        ("ACH-20270101-0000024", "R01", RETURNED), ("ACH-20270101-0000023", "R02", RETURNED)]
    assert len(imported.cleared) == 22 and imported.unmatched == ()  # the other 22 of the 24 debits
    payments = {r["Payment ID"]: r for r in sheet_rows(book, "Payments")}
    assert [(payments[p]["Status"], payments[p]["Return Code"], as_date(payments[p]["Date"]),
             Decimal(str(payments[p]["Amount"])))
            for p in ("ACH-20270101-0000023", "ACH-20270101-0000024")] == [
        ("returned", "R02", RETURNED, C024_DECEMBER), ("returned", "R01", RETURNED, C025_DECEMBER)]

    collected = collect.collect(book, RETURNED, TODAY, docs)
    # C025: payment_failed, the 15% fee invoiced (due on the retry date), the retry on 01-11
    c25 = collected.result.status("C025")
    assert (c25.state, c25.since, c25.balance, c25.fees_charged, c25.next_action_date) == (
        "payment_failed", RETURNED, C025_OWED, C025_FEE, RETRY)
    assert [(f.client_id, f.type, f.total, f.issue_date, f.due_date, f.related_invoice) for f in collected.fees] == [
        ("C025", "fee", C025_FEE, RETURNED, RETRY, "ACH-20270101-0000024")]
    # C024: account closed, no retry and no fee: straight to credit hold; service hold after 30 more days
    c24 = collected.result.status("C024")
    assert (c24.state, c24.since, c24.balance, c24.fees_charged, c24.next_action_date) == (
        "credit_hold", RETURNED, C024_DECEMBER, Decimal("0.00"), date(2027, 2, 3))
    assert "R02" in c24.notes
    assert sorted(p.name for p in collected.notices if "Westgate" in p.name or "Yellowbrick" in p.name) == [
        "Notice 2027-01-04 bank_details Westgate Auto Repair.docx",
        "Notice 2027-01-04 payment_failed Yellowbrick Marketing Agency.docx"]

    # a week later: the retry file holds C025's returned amount in a RETRY PYMT batch and the fee invoice INV-000087 in
    # a RETURN FEE batch, with the Company Name and ID of the returned entry's batch; nothing for C024
    retry = write_ach(book, RETRY, TODAY, docs, datetime(2027, 1, 10, 16, 0))
    assert [(d.client_id, d.amount, d.kind, d.retry_of, d.invoice_number, d.trace_number) for d in retry.debits] == [
        ("C025", C025_DECEMBER, "retry", "ACH-20270101-0000024", "INV-000083", "091000010000025"),
        ("C025", C025_FEE, "fee", "ACH-20270101-0000024", "INV-000087", "091000010000026")]
    text = retry.file.read_text()  # type: ignore[union-attr]
    again = read_nacha(text)
    assert [(b["description"], b["batch_company_name"], b["company_id"], b["effective"],  # type: ignore[index]
             [(e["cents"], e["routing"], e["account"], e["id"], e["name"]) for e in b["entries"]])  # type: ignore[index]
            for b in again["batches"]] == [  # type: ignore[attr-defined]
        ("RETRY PYMT", read["batch_company_name"], read["company_id"], "270111",
         [(132800, "011000015", "11618256", "INV-000083", "YELLOWBRICK MARKETING")]),
        ("RETURN FEE", read["batch_company_name"], read["company_id"], "270111",
         [(19920, "011000015", "11618256", "INV-000087", "YELLOWBRICK MARKETING")])]
    assert again["total_cents"] == 152720 and achkit.validate(text) == {"ok": True, "errors": []}

    # 13 January: the retry is returned too (R01)
    second = tmp_path / "returns-0113.txt"
    second.write_text(return_file([("091000010000025", "R01", "011000015", 132800, "YELLOWBRICK MARKETING")],
                                  "270113"))
    assert [m.payment_id for m in import_returns(book, second, TODAY).returned] == ["ACH-20270111-0000025"]

    final = collect.collect(book, RETURNED_AGAIN, TODAY, docs)
    c25 = final.result.status("C025")
    assert (c25.state, c25.since, c25.balance, c25.fees_charged, c25.next_action_date) == (
        "credit_hold", RETURNED_AGAIN, C025_OWED, C025_FEE, date(2027, 2, 12))
    assert final.fees == ()  # the second return is not charged again
    c24 = final.result.status("C024")
    assert (c24.state, c24.since, c24.balance) == ("credit_hold", RETURNED, C024_DECEMBER)
    assert [p.name for p in final.notices if "Yellowbrick" in p.name or "Westgate" in p.name] == [
        "Notice 2027-01-13 credit_hold Yellowbrick Marketing Agency.docx"]
    fees = [r for r in sheet_rows(book, "Invoices") if r["Type"] == "fee" and r["Client ID"] in ("C024", "C025")]
    assert [(r["Client ID"], Decimal(str(r["Total"])), r["Related Invoice"]) for r in fees] == [
        ("C025", C025_FEE, "ACH-20270101-0000024")]
    collections = {r["Client ID"]: r for r in sheet_rows(book, "Collections")}
    assert (collections["C025"]["State"], collections["C024"]["State"]) == ("credit_hold", "credit_hold")
    assert write_ach(book, RETRY, TODAY, docs).debits == ()  # never written twice
