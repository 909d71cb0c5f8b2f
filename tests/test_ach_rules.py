"""The retry of a returned ACH debit within the Nacha Operating Rules, dated scenarios to the cent: a RETRY PYMT entry
for the returned entry's amount and a RETURN FEE entry for the fee invoice (Settings Debit Return Fee, Return Fee
Cap); only R01 and R09 are retried and charged; one retry per returned entry; none more than 180 days after the
debit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import achkit
import pytest
from test_ach_support import add_settings, pending_payments, read_nacha, return_file  # noqa: F401
from test_returns_month import book_for_month

from mspxl.ach.debits import debits_due
from mspxl.collections import run_collections
from mspxl.collections.returned import returned_debit
from mspxl.commands import collect, invoice
from mspxl.commands.ach import write_ach
from mspxl.commands.returns import import_returns
from mspxl.records import Book, Client, Invoice, Payment, Settings

D = Decimal
SETTINGS = Settings(company_name="Northwind Managed IT")  # Retry Days 7, Retry Fee 15%, Debit Return Fee Y, no cap
ACME = Client("C1", "Acme Dental", "ap@acme.test", date(2026, 1, 1), autopay=True, bank_routing="125000024",
              bank_account="5207875328")
NOVEMBER = Invoice("INV-000001", "C1", "Acme Dental", "managed", "2026-11", date(2026, 11, 5), date(2026, 12, 1),
                   D("1000.00"), D("0.00"), D("1000.00"))
RETRY_DAY = date(2026, 12, 10)  # returned 12-03 + Retry Days 7


def returned(code: str = "R01", on: date = date(2026, 12, 3), pid: str = "ACH-20261201-0000001",
             amount: str = "1000.00") -> Payment:
    return Payment(pid, "C1", on, D(amount), "ACH", "returned", code, "INV-000001", "091000010000001")


def book(payments: list[Payment], settings: Settings = SETTINGS, invoices: tuple[Invoice, ...] = (NOVEMBER,)) -> Book:
    return Book(settings, {}, (ACME,), (), (), (), (), (), {}, tuple(payments), invoices)


def with_fee(b: Book, as_of: date, number: str = "INV-000002") -> Book:
    """Collections as of `as_of` with its fee drafts numbered into the register, as `mspxl collect` leaves it."""
    fees = run_collections(b.settings, b.clients, b.invoices, b.payments, as_of).new_fees
    return replace(b, invoices=(*b.invoices, *(replace(f, number=number) for f in fees)))


def due(b: Book, on: date) -> list[tuple[str, str, Decimal]]:
    debits, _ = debits_due(b, on)
    return [(d.kind, d.invoice_number, d.amount) for d in debits]


def test_retry_for_the_returned_amount_and_the_fee_as_an_entry_of_its_own() -> None:
    b = with_fee(book([returned("R01")]), date(2026, 12, 3))
    fee = b.invoices[-1]
    # 15% of 1,000.00 = 150.00, due on the retry date
    assert (fee.type, fee.total, fee.issue_date, fee.due_date) == ("fee", D("150.00"), date(2026, 12, 3), RETRY_DAY)
    assert fee.lines[0].description == (
        "15% processing fee: the ACH debit of $1,000.00 on December 1, 2026 for INV-000001 was returned (R01: "
        "insufficient funds); it is debited again for $1,000.00 on December 10, 2026.")
    assert due(b, RETRY_DAY) == [("retry", "INV-000001", D("1000.00")), ("fee", "INV-000002", D("150.00"))]
    assert due(b, date(2026, 12, 9)) == [] and due(b, date(2026, 12, 11)) == []


def test_return_fee_cap_caps_the_fee_and_the_line_says_so() -> None:
    capped = replace(SETTINGS, return_fee_cap=D("50"))
    b = with_fee(book([returned("R09")], capped), date(2026, 12, 3))
    fee = b.invoices[-1]
    assert fee.total == D("50.00")  # 15% of 1,000.00 is 150.00, capped at 50.00
    assert fee.lines[0].description.startswith(
        "15% processing fee, capped at $50.00: the ACH debit of $1,000.00 on December 1, 2026 for INV-000001 was "
        "returned (R09: uncollected funds)")
    assert due(b, RETRY_DAY) == [("retry", "INV-000001", D("1000.00")), ("fee", "INV-000002", D("50.00"))]
    # a cap above the fee changes nothing and is not mentioned
    high = with_fee(book([returned("R01")], replace(SETTINGS, return_fee_cap=D("500"))), date(2026, 12, 3))
    assert high.invoices[-1].total == D("150.00") and "capped" not in high.invoices[-1].lines[0].description


def test_debit_return_fee_n_leaves_the_fee_for_the_client_to_pay() -> None:
    kept = replace(SETTINGS, debit_return_fee=False)
    b = with_fee(book([returned("R01")], kept), date(2026, 12, 3))
    assert due(b, RETRY_DAY) == [("retry", "INV-000001", D("1000.00"))]
    status = run_collections(kept, b.clients, b.invoices, b.payments, date(2026, 12, 3)).status("C1")
    assert status.next_action == "retry ACH for 1,000.00 on 2026-12-10 (fee 150.00 for the client to pay)"
    assert status.balance == D("1150.00")


def test_a_fee_not_issued_yet_is_not_debited_and_the_run_says_so() -> None:
    b = book([returned("R01")])  # collect has not run: the fee is only a draft, the client has had no notice of it
    debits, left_out = debits_due(b, RETRY_DAY)
    assert [(d.kind, d.amount) for d in debits] == [("retry", D("1000.00"))]
    assert [n.reason for n in left_out] == ["return fee not issued yet (run collect first): not debited"]


@pytest.mark.parametrize("code", ["R02", "R03", "R04", "R06", "R08", "R10", ""])
def test_only_r01_and_r09_are_retried_and_charged(code: str) -> None:
    b = book([returned(code)])
    result = run_collections(SETTINGS, b.clients, b.invoices, b.payments, date(2026, 12, 3))
    status = result.status("C1")
    assert result.new_fees == ()
    assert (status.state, status.since, status.balance, status.fees_charged) == (
        "credit_hold", date(2026, 12, 3), D("1000.00"), D("0.00"))
    assert "not retried" in status.notes
    assert due(b, RETRY_DAY) == []


def test_one_retry_per_returned_entry() -> None:
    b = with_fee(book([returned("R01")]), date(2026, 12, 3))
    # the retry of 12-10 is returned R01 on 12-12: no second retry (12-19) and no second fee
    retry = Payment("ACH-20261210-0000002", "C1", date(2026, 12, 12), D("1000.00"), "ACH", "returned", "R01",
                    "INV-000001", "091000010000002")
    fee_paid = Payment("ACH-20261210-0000003", "C1", date(2026, 12, 10), D("150.00"), "ACH", "cleared", "",
                       "INV-000002", "091000010000003")
    again = replace(b, payments=(*b.payments, fee_paid, retry))
    result = run_collections(SETTINGS, again.clients, again.invoices, again.payments, date(2026, 12, 12))
    status = result.status("C1")
    assert result.new_fees == ()
    assert (status.state, status.since, status.balance, status.fees_charged) == (
        "credit_hold", date(2026, 12, 12), D("1000.00"), D("150.00"))
    for day in (date(2026, 12, 13), date(2026, 12, 19)):
        debits, left_out = debits_due(again, day)
        assert debits == [] and left_out == []


def test_no_retry_more_than_180_days_after_the_debit() -> None:
    # a debit of 2026-06-01 whose return is only recorded on 2026-11-25: the retry would fall on 12-02, 184 days on
    late = returned("R01", date(2026, 11, 25), "ACH-20260601-0000001")
    june = replace(NOVEMBER, period="2026-05", issue_date=date(2026, 5, 5), due_date=date(2026, 6, 1))
    b = book([late], invoices=(june,))
    result = run_collections(SETTINGS, b.clients, b.invoices, b.payments, date(2026, 11, 25))
    assert result.new_fees == ()
    assert "more than 180 days after the debit of 2026-06-01" in result.status("C1").notes
    assert due(b, date(2026, 12, 2)) == []
    # the boundary: returned 11-21, the retry falls on 11-28, 180 days after 06-01: still within the Rules
    assert returned_debit(SETTINGS, returned("R01", date(2026, 11, 21), "ACH-20260601-0000001")).retry_on == date(
        2026, 11, 28)
    assert returned_debit(SETTINGS, returned("R01", date(2026, 11, 22), "ACH-20260601-0000001")).retry_on is None


def test_paid_in_part_since_the_return_is_not_retried() -> None:
    check = Payment("CHK-1", "C1", date(2026, 12, 5), D("400.00"), "check", "cleared", "", "INV-000001")
    b = with_fee(book([returned("R01"), check]), date(2026, 12, 3))
    debits, left_out = debits_due(b, RETRY_DAY)
    assert [(d.kind, d.amount) for d in debits] == [("fee", D("150.00"))]
    assert [n.reason for n in left_out] == [
        "paid 400.00 of the returned 1,000.00 since: a retry must be for the returned amount; the rest is collected "
        "by hand"]


@pytest.mark.usefixtures("pending_payments")
def test_the_retry_file_with_a_capped_fee(tmp_path: Path) -> None:
    """The file itself: two batches after the day's own, the cap in the fee entry, read by our reader and achkit."""
    workbook = book_for_month(tmp_path)
    add_settings(workbook, {"Return Fee Cap": 40})
    docs = tmp_path / "docs"
    today = date(2026, 11, 25)
    invoice.invoice(workbook, "2026-11", today, docs)  # 500.00 each, due 12-01
    write_ach(workbook, date(2026, 12, 1), today, docs, datetime(2026, 11, 30, 16, 0))
    bank = tmp_path / "returns.txt"
    bank.write_text(return_file([("091000010000001", "R01", "125000024", 50000, "CLIENT C1")], "261203"))
    import_returns(workbook, bank, today, cleared_through=date(2026, 12, 1))
    collected = collect.collect(workbook, date(2026, 12, 3), today, docs)
    assert [(f.number, f.total) for f in collected.fees] == [("INV-000004", D("40.00"))]  # 15% = 75.00, cap 40.00
    run = write_ach(workbook, RETRY_DAY, today, docs, datetime(2026, 12, 9, 16, 0))
    text = run.file.read_text()  # type: ignore[union-attr]
    read = read_nacha(text)
    assert [(b["description"], b["company_id"], [(e["cents"], e["id"]) for e in b["entries"]])  # type: ignore[index]
            for b in read["batches"]] == [  # type: ignore[attr-defined]
        ("RETRY PYMT", "1911234567", [(50000, "INV-000001")]), ("RETURN FEE", "1911234567", [(4000, "INV-000004")])]
    assert achkit.validate(text) == {"ok": True, "errors": []}
    parsed = achkit.parse(text)
    assert [(b["description"], b["company_id"], b["batch_number"], b["control"]["total_debit"])
            for b in parsed["batches"]] == [("RETRY PYMT", "1911234567", 1, 50000),
                                            ("RETURN FEE", "1911234567", 2, 4000)]
