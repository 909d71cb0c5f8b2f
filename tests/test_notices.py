"""Collections notices and statements of account: a notice for each change of state, with the returned debit, the
retry date and amount, the holds and their release; a statement with its rows, closing balance and aging."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
import typer
from bookdata import book_of, client, write_book
from docx import Document
from docx.oxml.ns import qn
from scenario import run_periods
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.cli.statement import statement
from mspxl.collections import run_collections, statement_lines
from mspxl.delivery.message import notice_facts, render_text
from mspxl.documents.notices import render_notices, render_statement
from mspxl.records import Book, Invoice, Payment
from mspxl.resources import template_dir

RETURN_1 = {"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 11, 2), "Amount": 500, "Status": "returned",
            "Return Code": "R01"}
RETURN_2 = {"Payment ID": "P3", "Client ID": "C1", "Date": date(2026, 11, 9), "Amount": 575, "Status": "returned",
            "Return Code": "R01"}
PAID_UP = {"Payment ID": "P4", "Client ID": "C1", "Date": date(2026, 11, 16), "Amount": 1075, "Method": "check"}


def sheets(payments: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    return {
        "Clients": [client("C1", Name="Alpha Dental & Co", **{"Contact First Name": "Ann"}), client("C2")],
        "Subscriptions": [{"Client ID": c, "Service Code": "BASE", "Start Date": date(2026, 1, 1)}
                          for c in ("C1", "C2")],
        "Payments": payments,
    }


def issued_book(payments: list[dict[str, object]]) -> Book:
    """October and November managed invoices of $500.00 each (issued the 5th, due the 1st of the next month)."""
    book, _ = run_periods(book_of(sheets(payments)), "2026-10", "2026-11")
    return book


def text_of(path: Path) -> str:
    """Every paragraph of the document body, nested tables included, one per line."""
    body = Document(str(path)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def test_returned_debit_notice_gives_the_retry_date_and_amount(tmp_path: Path) -> None:
    book = issued_book([RETURN_1])
    as_of = date(2026, 11, 3)
    result = run_collections(book.settings, book.clients, book.invoices, book.payments, as_of)
    paths = render_notices(book, result.statuses, as_of, tmp_path)
    assert [p.name for p in paths] == ["Notice 2026-11-03 payment_failed Alpha Dental & Co.docx",
                                       "Notice 2026-11-03 past_due Client C2.docx"]
    failed = text_of(paths[0])
    assert "Alpha Dental & Co" in failed and "Dear Ann," in failed
    # the invoice the debit paid, the day it was debited and its amount, the reason in words; no internal id
    assert ("Your ACH debit of $500.00 on November 1, 2026 for invoice INV-000001 was returned unpaid by your bank "
            "on November 2, 2026: insufficient funds (return code R01).") in failed
    assert "P1" not in failed
    assert "processing fee of 15% of the returned amount ($75.00)" in failed
    assert ("again on November 9, 2026 for $500.00, the returned amount, and separately for the processing fee of "
            "$75.00.") in failed
    reminder = text_of(paths[1])
    assert "Client C2" in reminder and "friendly reminder" in reminder
    assert "balance of $500.00" in reminder and "INV-000002" in reminder


def test_no_notice_without_a_change(tmp_path: Path) -> None:
    book = issued_book([RETURN_1])
    as_of = date(2026, 11, 3)
    previous = {"C1": "payment_failed", "C2": "past_due"}
    result = run_collections(book.settings, book.clients, book.invoices, book.payments, as_of, previous)
    assert render_notices(book, result.statuses, as_of, tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_credit_hold_then_release(tmp_path: Path) -> None:
    book = issued_book([RETURN_1, RETURN_2, PAID_UP])
    on_hold = date(2026, 11, 10)
    result = run_collections(book.settings, book.clients, book.invoices, book.payments, on_hold,
                             {"C1": "payment_failed", "C2": "past_due"})
    (hold,) = render_notices(book, result.statuses, on_hold, tmp_path)
    assert hold.name == "Notice 2026-11-10 credit_hold Alpha Dental & Co.docx"
    text = text_of(hold)
    # past due: $500.00 October + $75.00 fee = $575.00; the $500.00 November invoice falls due later
    assert "placed on credit hold as of November 9, 2026 because $575.00 is past due." in text
    assert ("Past due: INV-000001 (due November 1, 2026) $500.00; processing fee (due November 9, 2026) $75.00, "
            "$575.00 in all. Not yet due, and not part of what is past due: INV-000003 (due December 1, 2026) "
            "$500.00.") in text
    assert "cannot accept new purchases" in text and "managed services continue" in text
    assert "send $575.00 by check or wire" in text and "$1,075.00" not in text

    paid = date(2026, 11, 20)
    result = run_collections(book.settings, book.clients, book.invoices, book.payments, paid,
                             {"C1": "credit_hold", "C2": "past_due"})
    (released,) = render_notices(book, result.statuses, paid, tmp_path)
    assert released.name == "Notice 2026-11-20 released Alpha Dental & Co.docx"
    text = text_of(released)
    assert "the hold on it was released on November 16, 2026" in text
    assert "$0.00" in text and "Thank you for your payment" in text


def test_statement_rows_closing_balance_and_aging(tmp_path: Path) -> None:
    book = issued_book([RETURN_1, RETURN_2])
    path = render_statement(book, "C1", date(2026, 11, 1), date(2026, 11, 10), tmp_path)
    assert path.name == "Statement 2026-11-10 Alpha Dental & Co.docx"
    lines = text_of(path).splitlines()
    text = "\n".join(lines)
    assert "Alpha Dental & Co" in text and "November 1, 2026 to November 10, 2026" in text
    start = lines.index("Opening balance")
    rows = [line for line in lines[start - 1:lines.index("Closing balance") + 4] if line]
    assert rows == [
        "November 1, 2026", "Opening balance", "$500.00",
        "November 2, 2026", "Processing fee (number to follow) on the returned debit", "$75.00", "$575.00",
        "November 2, 2026", "ACH payment of $500.00 returned: insufficient funds (R01)", "$575.00",
        "November 5, 2026", "Invoice INV-000003: managed services November 2026, due December 1, 2026", "$500.00",
        "$1,075.00",
        "November 9, 2026", "ACH payment of $575.00 returned: insufficient funds (R01)", "$1,075.00",
        "November 10, 2026", "Closing balance", "$1,075.00",
    ]
    aging = lines[lines.index("Over 90 days") + 1:]
    # INV-000001 (due 11-01) and the fee (due 11-09) are 1-30 days past due; INV-000003 is not yet due
    assert [line for line in aging if line][1:7] == ["$500.00", "$575.00", "$0.00", "$0.00", "$0.00", "$1,075.00"]
    assert "Please pay $1,075.00, quoting your client ID C1." in text


def notice_after_return(code: str, folder: Path) -> tuple[Book, Path]:
    """C1's November 1 debit of INV-000001 returned `code` on November 2: the notice of the collections run of
    November 3 (Remittance set)."""
    book = issued_book([{**RETURN_1, "Return Code": code, "Invoice Number": "INV-000001"}])
    book = replace(book, settings=replace(book.settings, remittance="Wire: First Bank, routing 091000019."))
    as_of = date(2026, 11, 3)
    result = run_collections(book.settings, book.clients, book.invoices, book.payments, as_of)
    return book, render_notices(book, result.statuses, as_of, folder)[0]


RETURNED = ("Your ACH debit of $500.00 on November 1, 2026 for invoice INV-000001 was returned unpaid by your bank on "
            "November 2, 2026 because ")


@pytest.mark.parametrize(("code", "kind", "title", "because", "what_to_do"), [
    ("R02", "bank_details", "Bank Details Needed",
     "the account is closed (return code R02). We will not debit this account again, and no processing fee is "
     "charged.",
     "What to do: send us the details of an account we may debit, with a new ACH authorization, and pay $500.00 by "
     "check or wire, quoting your client ID C1 and invoice number INV-000001. Wire: First Bank, routing 091000019."),
    ("R07", "authorization", "Debit Authorization Needed",
     "you revoked your authorization of our debits (return code R07). We will not debit your account again unless "
     "you give us a new ACH debit authorization, and no processing fee is charged.",
     "What to do: pay $500.00 by check or wire, quoting your client ID C1 and invoice number INV-000001. Wire: First "
     "Bank, routing 091000019. Until we have a new authorization signed by you, our invoices will ask you to pay "
     "this way."),
])
def test_a_return_that_blocks_debits_says_what_lifts_it(tmp_path: Path, code: str, kind: str, title: str,
                                                         because: str, what_to_do: str) -> None:
    _, notice = notice_after_return(code, tmp_path)
    assert notice.name == f"Notice 2026-11-03 {kind} Alpha Dental & Co.docx"
    text = text_of(notice)
    assert RETURNED + because in text and what_to_do in text
    assert title in text and "credit hold" in text
    assert "will debit" not in text and "debit your account again on" not in text


def test_the_email_of_an_authorization_notice_promises_no_debit(tmp_path: Path) -> None:
    book, _ = notice_after_return("R07", tmp_path)
    client = replace(book.client("C1"), bank_account="5207875328")
    subject, body = render_text((template_dir() / "email-notice.txt").read_text(),
                                notice_facts(book.settings, client, "authorization", date(2026, 11, 3)))
    assert subject == "Your MSP will not debit your account without a new authorization"
    assert ("Your bank returned our latest debit from your account ****5328: we will not debit your account again "
            "unless you authorize it anew. The attached notice of November 3, 2026 says why, what is owed and how to "
            "pay it.") in body


def test_statement_names_every_invoice_and_credit_note(tmp_path: Path) -> None:
    lines = statement_lines("C1", [
        Invoice("INV-000001", "C1", "A", "managed", "2026-10", date(2026, 10, 5), date(2026, 11, 1), D("500.00"),
                D("0"), D("500.00")),
        Invoice("INV-000003", "C1", "A", "fee", "2026-11", date(2026, 11, 2), date(2026, 11, 9), D("75.00"),
                D("0"), D("75.00"), related_invoice="ACH-20261101-0000001"),
        Invoice("CN-000001", "C1", "A", "credit", "2026-10", date(2026, 11, 3), date(2026, 11, 3), D("-50.00"),
                D("0"), D("-50.00"), related_invoice="INV-000001"),
    ], [Payment("ACH-20261101-0000001", "C1", date(2026, 11, 2), D("500.00"), "ACH", "returned", "R01",
                "INV-000001")], date(2026, 10, 1), date(2026, 11, 30))
    assert [line.description for line in lines[1:-1]] == [
        "Invoice INV-000001: managed services 2026-10, due 2026-11-01",
        "Processing fee INV-000003 on the returned debit of INV-000001",
        "ACH payment of 500.00 for INV-000001 returned: insufficient funds (R01)",
        "Credit note CN-000001 for INV-000001",
    ]


def test_statement_of_a_paid_up_client_asks_for_nothing(tmp_path: Path) -> None:
    book = issued_book([{"Payment ID": "P9", "Client ID": "C2", "Date": date(2026, 11, 1), "Amount": 500}])
    text = text_of(render_statement(book, "C2", date(2026, 10, 1), date(2026, 11, 4), tmp_path))
    assert "Closing balance\n\n\n$0.00" in text
    assert "Please pay" not in text


runner = CliRunner()
command = typer.Typer()
command.command()(statement)


def test_statement_command(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", sheets([RETURN_1]))
    issued = runner.invoke(cli, ["invoice", str(book), "--period", "2026-10", "--out", str(tmp_path / "docs")])
    assert issued.exit_code == 0, issued.output
    args = [str(book), "--client", "C1", "--out", str(tmp_path / "docs")]

    result = runner.invoke(command, [*args, "--as-of", "2026-11-03", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["from"] == "2026-01-01" and answer["as_of"] == "2026-11-03"
    text = text_of(Path(answer["path"]))
    assert "January 1, 2026 to November 3, 2026" in text and "Closing balance\n\n\n$575.00" in text

    result = runner.invoke(command, [*args, "--as-of", "2026-11-03", "--from", "2026-11-01"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("Statement 2026-11-03 Alpha Dental & Co.docx")

    assert runner.invoke(command, [*args, "--as-of", "2026-13-01"]).exit_code == 2
    assert runner.invoke(command, [*args, "--as-of", "2026-11-03", "--from", "2026-12-01"]).exit_code == 2
    unknown = runner.invoke(command, [str(book), "--client", "C9", "--as-of", "2026-11-03", "--json"])
    assert unknown.exit_code == 2 and "C9" in json.loads(unknown.output)["error"]


def test_statement_command_refuses_a_workbook_with_errors(tmp_path: Path) -> None:
    bad = sheets([])
    bad["Clients"].append(client("C1", Name="Duplicate"))
    book = write_book(tmp_path / "book.xlsx", bad)
    result = runner.invoke(command, [str(book), "--client", "C1", "--as-of", "2026-11-03", "--json"])
    assert result.exit_code == 1
    answer = json.loads(result.output)
    assert answer["ok"] is False and answer["problems"]
    assert not (tmp_path / "book").exists()
