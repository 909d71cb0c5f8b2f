"""Files written by another ACH implementation (moov-io/ach's test data, tests/data/nacha/): every valid one is read
(returns, custom reason codes, dishonored returns, a notification of change), every malformed one is reported at its
line, and the ways banks bend the format (byte order mark, trimmed blanks, no line breaks) read the same."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_ach_support import as_date, pending_payments, sheet_rows  # noqa: F401
from test_returns_month import add_payment, book_for_month
from typer.testing import CliRunner

from mspxl.ach.returncodes import describe
from mspxl.ach.returnfile import BankFile, ReturnFileError, read_bank_file
from mspxl.cli import cli
from mspxl.commands import collect

NACHA = Path(__file__).parent / "data" / "nacha"


def returns_of(read: BankFile) -> list[tuple[object, ...]]:
    return [(r.original_trace, r.code, r.kind, r.answers, r.return_date, r.amount, r.name, r.line)
            for r in read.returns]


def test_returns_of_two_batches_one_a_credit_are_read() -> None:
    read = read_bank_file((NACHA / "return-WEB.ach").read_bytes())
    # effective date 000101 is before the file's creation (181017): the returns are dated by the file
    assert returns_of(read) == [
        ("091400600000001", "R01", "return", "", date(2018, 10, 17), Decimal("123.54"), "Paul Jones", 4),
        ("091400600000003", "R03", "return", "", date(2018, 10, 17), Decimal("45.65"), "Bob Marley", 8)]
    assert read.changes == []


def test_a_bank_s_own_reason_code_is_read() -> None:
    read = read_bank_file((NACHA / "return-PPD-custom-reason-code.ach").read_bytes())
    assert returns_of(read) == [
        ("092221172022300", "R97", "return", "", date(2021, 7, 22), Decimal("1061.61"), "Jane Doe", 4)]
    assert read.returns[0].reason == "returned"


def test_dishonored_returns_name_the_return_they_answer() -> None:
    read = read_bank_file((NACHA / "dishonored-return.ach").read_bytes())  # batch dated 000000
    assert returns_of(read) == [
        ("059999990000301", "R68", "dishonored", "R01", date(2023, 4, 21), Decimal("250.00"), "Wade Arnold", 4),
        ("059999990000301", "R68", "dishonored", "R01", date(2023, 4, 21), Decimal("230.00"), "Adam Decaf", 6)]


def test_a_notification_of_change_is_read_as_the_bank_wrote_it() -> None:
    read = read_bank_file((NACHA / "cor-example.ach").read_bytes())
    assert read.returns == []
    [notice] = read.changes
    assert (notice.original_trace, notice.code, notice.corrected, notice.received, notice.name, notice.line) == (
        "121042880000001", "C01", "1918171614", date(2019, 8, 29), "Best Co. #23", 4)
    assert notice.fields() == {"account": "1918171614"}
    assert notice.describe() == "C01 account number: ****1614"


@pytest.mark.parametrize(("name", "message"), [
    ("pos-invalidReturnFile.ach",
     "line 4: the return's trace number 000000000000000 is not its entry's (121042880000001, line 3)"),
    ("web-invalidNOCFile.ach",
     'line 4: "C92" is not a change code of a notification of change (C01-C14, C61-C69)'),
    ("return-no-batch-controls.ach", "line 1: a NACHA file starts with a file header record (type 1)"),
    ("ppd-debit.ach", "the file holds 1 entry but no return or notification of change: it looks like a file of "
                      "debits, not the bank's return file"),
])
def test_malformed_files_are_reported_with_their_line(name: str, message: str) -> None:
    with pytest.raises(ReturnFileError) as caught:
        read_bank_file((NACHA / name).read_bytes())
    assert str(caught.value) == message


def test_a_batch_without_its_control_names_the_batch() -> None:
    lines = (NACHA / "return-WEB.ach").read_text().splitlines()
    del lines[4]  # the first batch's control
    with pytest.raises(ReturnFileError) as caught:
        read_bank_file("\n".join(lines))
    assert str(caught.value) == "line 5: a batch header before the previous batch's control"


def test_byte_order_mark_trimmed_blanks_and_records_run_together_read_the_same() -> None:
    for name in ("return-WEB.ach", "cor-example.ach", "dishonored-return.ach"):
        data = (NACHA / name).read_bytes()
        expected = read_bank_file(data)
        lines = data.decode("ascii").splitlines()
        assert read_bank_file(b"\xef\xbb\xbf" + data) == expected
        assert read_bank_file("\r\n".join(line.rstrip() for line in lines)) == expected
        run_together = read_bank_file("".join(line.ljust(94) for line in lines).rstrip())
        assert returns_of(run_together) == [(*r[:-1], 1) for r in returns_of(expected)]
        assert [c.corrected for c in run_together.changes] == [c.corrected for c in expected.changes]


def test_a_fault_in_records_run_together_is_reported_at_its_record() -> None:
    lines = (NACHA / "return-WEB.ach").read_text().splitlines()
    lines[3] = lines[3][:3] + "X01" + lines[3][6:]
    with pytest.raises(ReturnFileError) as caught:
        read_bank_file("".join(line.ljust(94) for line in lines))
    assert str(caught.value) == 'record 4 (line 1): "X01" is not a return reason code (R01, R02, ...)'


# --- the files through `mspxl returns` on a workbook whose debits they are about --------------------------------------

def book_with_debits(tmp_path: Path, debits: list[tuple[str, str, date, str]]) -> Path:
    """book_for_month's workbook with a pending ACH debit per (Payment ID, Client ID, date, trace number)."""
    book = book_for_month(tmp_path)
    for payment_id, client_id, day, trace in debits:
        add_payment(book, {"Payment ID": payment_id, "Client ID": client_id, "Date": day, "Amount": 123.54,
                           "Method": "ACH", "Status": "pending", "Reference": trace})
    return book


def cli_output(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.usefixtures("pending_payments")
def test_returns_of_another_implementation_are_recorded_on_their_debits(tmp_path: Path) -> None:
    book = book_with_debits(tmp_path, [("ACH-1", "C1", date(2018, 10, 15), "091400600000001"),
                                       ("ACH-2", "C2", date(2018, 10, 15), "091400600000002")])
    code, output = cli_output("returns", str(book), str(NACHA / "return-WEB.ach"))
    assert code == 0, output
    assert "returned ACH-1 C1: $123.54 R01 (insufficient funds) on 2018-10-17 " in output  # nothing it stops
    assert "no debit with trace number 091400600000003 (line 8, Bob Marley, $45.65, R03)" in output
    payments = {r["Payment ID"]: r for r in sheet_rows(book, "Payments")}
    assert (payments["ACH-1"]["Status"], payments["ACH-1"]["Return Code"], as_date(payments["ACH-1"]["Date"])) == (
        "returned", "R01", date(2018, 10, 17))
    assert payments["ACH-2"]["Status"] == "pending"


@pytest.mark.usefixtures("pending_payments")
def test_a_dishonored_return_is_reported_and_changes_nothing(tmp_path: Path) -> None:
    book = book_with_debits(tmp_path, [("ACH-1", "C1", date(2023, 4, 1), "059999990000301")])
    before = book.read_bytes()
    code, output = cli_output("returns", str(book), str(NACHA / "dishonored-return.ach"))
    assert code == 0, output
    assert ("R68 dishonored return of ACH-1 C1 (R01): the bank refused the return; check with the bank, nothing "
            "changed") in output
    assert book.read_bytes() == before


@pytest.mark.usefixtures("pending_payments")
def test_a_notification_of_change_is_recorded_and_shown_on_collections_until_the_client_is_updated(
        tmp_path: Path) -> None:
    book = book_with_debits(tmp_path, [("ACH-1", "C1", date(2019, 8, 1), "121042880000001")])
    clients_before = sheet_rows(book, "Clients")
    code, output = cli_output("returns", str(book), str(NACHA / "cor-example.ach"))
    assert code == 0, output
    assert ("notice of change for ACH-1 C1: C01 account number: ****1614: update the client's bank details"
            in output)
    assert [(r["Received"], r["Client ID"], r["Payment ID"], r["Change Code"], r["Change"], r["Corrected Data"],
             r["Original Trace"]) for r in sheet_rows(book, "Bank Changes")] == [
        (datetime(2019, 8, 29), "C1", "ACH-1", "C01", "account number", "account 1918171614", "121042880000001")]
    assert sheet_rows(book, "Clients") == clients_before  # never applied silently
    assert cli_output("returns", str(book), str(NACHA / "cor-example.ach"))[0] == 0
    assert len(sheet_rows(book, "Bank Changes")) == 1  # read again: not recorded twice

    collect.collect(book, date(2019, 9, 2), date(2019, 9, 2), tmp_path / "docs")
    notes = {r["Client ID"]: r["Notes"] for r in sheet_rows(book, "Collections")}
    assert notes["C1"] == "update the client's bank details: C01 account ****1614 (bank's notice of 2019-08-29)"
    wb = openpyxl.load_workbook(book)
    column = [c.value for c in wb["Clients"][1]].index("Bank Account") + 1
    wb["Clients"].cell(row=2, column=column, value="1918171614")  # the accountant updates C1's account
    wb.save(book)
    collect.collect(book, date(2019, 9, 3), date(2019, 9, 3), tmp_path / "docs")
    assert not any("bank details" in str(r["Notes"]) for r in sheet_rows(book, "Collections"))


def test_a_file_mixing_return_batches_and_a_notice_of_change_batch_is_read() -> None:
    web = [line.ljust(94) for line in (NACHA / "return-WEB.ach").read_text().splitlines()]
    cor = [line.ljust(94) for line in (NACHA / "cor-example.ach").read_text().splitlines()]
    batches = web[1:9] + cor[1:5]  # two return batches, then the NOC batch (COR, effective date 000000)
    controls = [r for r in batches if r[0] == "8"]
    count = sum(int(c[4:10]) for c in controls)
    hashed = str(sum(int(c[10:20]) for c in controls))[-10:].rjust(10, "0")
    debit, credit = sum(int(c[20:32]) for c in controls), sum(int(c[32:44]) for c in controls)
    records = [web[0], *batches]
    blocks = -(-(len(records) + 1) // 10)
    records.append(f"9{len(controls):06d}{blocks:06d}{count:08d}{hashed}{debit:012d}{credit:012d}".ljust(94))
    read = read_bank_file("\n".join(records) + "\n")
    assert [(r.original_trace, r.code) for r in read.returns] == [("091400600000001", "R01"),
                                                                  ("091400600000003", "R03")]
    assert [(c.original_trace, c.code, c.corrected, c.received, c.line) for c in read.changes] == [
        ("121042880000001", "C01", "1918171614", date(2018, 10, 17), 12)]


@pytest.mark.usefixtures("pending_payments")
@pytest.mark.parametrize(("code", "wait"), [
    ("R07", "no later debit until a debit authorization signed after the return is dated in Debit Authorized On on "
            "the Clients sheet"),
    ("R16", "no later debit until other Bank Routing / Bank Account are entered on the Clients sheet"),
    ("R09", None)])
def test_returns_says_what_a_return_stops(tmp_path: Path, code: str, wait: str | None) -> None:
    """The same return file with its first return's reason code (addenda record, positions 4-6) changed: the
    accountant reads, beside the return, what `mspxl ach` will now hold back and what lifts it."""
    text = (NACHA / "return-WEB.ach").read_text()
    assert "799R01091400600000001" in text
    changed = tmp_path / "return.ach"
    changed.write_text(text.replace("799R01091400600000001", f"799{code}091400600000001"))
    book = book_with_debits(tmp_path, [("ACH-1", "C1", date(2018, 10, 15), "091400600000001")])
    code_, output = cli_output("returns", str(book), str(changed))
    assert code_ == 0, output
    line = f"returned ACH-1 C1: $123.54 {code} ({describe(code)}) on 2018-10-17"
    assert (line + (f": {wait}" if wait else " ")) in output
    (tmp_path / "json").mkdir()
    book2 = book_with_debits(tmp_path / "json", [("ACH-1", "C1", date(2018, 10, 15), "091400600000001")])
    result = CliRunner().invoke(cli, ["returns", str(book2), str(changed), "--json"])
    assert json.loads(result.output)["returned"][0]["later_debits"] == wait
