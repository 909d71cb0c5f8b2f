"""The ACH debit file: routing check digit, masking, the NACHA records read back by an independent reader and by
achkit, the debits recorded as pending on Payments and never written twice."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import achkit
import pytest
from bookdata import client, write_book
from hypothesis import given
from hypothesis import strategies as st
from test_ach_support import ORIGINATOR_ROWS, add_settings, pending_payments, read_nacha, sheet_rows  # noqa: F401
from test_faults import DiskFull
from typer.testing import CliRunner

from mspxl.ach.nacha import Entry, NachaError, Originator, debit_file
from mspxl.ach.originator import OriginatorIncomplete
from mspxl.ach.routing import bank_details, mask, routing_is_valid
from mspxl.commands import common, invoice
from mspxl.commands.ach import write_ach
from mspxl.problems import Severity

TODAY = date(2026, 11, 25)
CREATED = datetime(2026, 11, 26, 9, 30)
ORIGIN = Originator("Northwind Managed IT", "1911234567", "091000019", "First Bank of Seattle", "MSP BILL")


@pytest.mark.parametrize("routing", ["111000025", "125000024", "026009593", "011000015", "091000019", "26009593"])
def test_real_routing_numbers_pass(routing: str) -> None:
    assert routing_is_valid(routing)


@pytest.mark.parametrize("routing", ["111000026", "12500002", "12500002X", "1250000244", "", "000000000"])
def test_bad_routing_numbers_fail(routing: str) -> None:
    assert not routing_is_valid(routing)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_fits(prefix: str) -> None:
    """For any 8 leading digits exactly one ninth digit makes the weighted sum a multiple of 10."""
    fits = [d for d in "0123456789" if routing_is_valid(prefix[:8] + d)]
    assert len(fits) == (0 if prefix[:8] == "00000000" else 1)


def test_mask_shows_the_last_four() -> None:
    assert mask("5207875328") == "****5328"
    assert mask(" 1234 ") == "****"
    assert mask("") == ""


def test_bank_details_names_the_cell() -> None:
    from bookdata import load

    book = load({"Clients": [
        client("C1", **{"Bank Routing": "125000025", "Bank Account": "5207875328"}),
        client("C2"),
        client("C3", Autopay="N"),
    ]}).book  # the check digit is an error of the book's own validation too; the records are still read
    assert book is not None
    problems = bank_details(book, {"Clients": {"Bank Routing": 12, "Bank Account": 13}})
    assert [(p.severity, p.place, p.header) for p in problems] == [
        (Severity.ERROR, "Clients!M2", "Bank Routing"),
        (Severity.WARNING, "Clients!M3", "Bank Routing"),
        (Severity.WARNING, "Clients!N3", "Bank Account"),
    ]
    assert problems[0].render() == ('Clients!M2 (Bank Routing): "****0025" is not a routing number '
                                    "(nine digits with a valid ABA check digit)")


def test_debit_file_records() -> None:
    entries = [
        Entry("091000010000041", "125000024", "5207875328", Decimal("2522.00"), "INV-000031", "Birchwood Family Law"),
        Entry("091000010000042", "026009593", "91612031926", Decimal("0.07"), "INV-000032",
              "Evergreen Realty Group And Sons Holding"),
    ]
    text = debit_file(ORIGIN, entries, date(2026, 12, 1), CREATED)
    read = read_nacha(text)
    assert (read["destination"], read["origin"], read["created"], read["modifier"]) == (
        " 091000019", " 091000019", "261126", "A")
    assert (read["bank_name"], read["company_name"], read["company_id"], read["sec"], read["description"],
            read["effective"], read["odfi"]) == ("FIRST BANK OF SEATTLE", "NORTHWIND MANAGED IT", "1911234567",
                                                 "CCD", "MSP BILL", "261201", "09100001")
    assert read["entries"] == [
        {"code": "27", "routing": "125000024", "account": "5207875328", "cents": 252200, "id": "INV-000031",
         "name": "BIRCHWOOD FAMILY LAW", "addenda": "0", "trace": "091000010000041"},
        {"code": "27", "routing": "026009593", "account": "91612031926", "cents": 7, "id": "INV-000032",
         "name": "EVERGREEN REALTY GROUP", "addenda": "0", "trace": "091000010000042"},
    ]
    assert read["records"][3] == ("627026009593" + "91612031926      " + "0000000007" + "INV-000032     "
                                  + "EVERGREEN REALTY GROUP" + "  0" + "091000010000042")
    # entry hash: 12500002 + 02600959 = 15100961; totals 2522.07
    assert read["records"][4][10:20] == "0015100961" and read["records"][4][20:32] == "000000252207"
    assert len(read["records"]) == 10

    other = achkit.parse(text)  # a second, independent reader
    (batch,) = other["batches"]
    assert [(e["routing"], e["account"], e["amount_cents"], e["trace_number"]) for e in batch["entries"]] == [
        ("125000024", "5207875328", 252200, "091000010000041"), ("026009593", "91612031926", 7, "091000010000042")]
    assert batch["control"] == {"entry_addenda_count": 2, "entry_hash": "0015100961", "total_debit": 252207,
                                "total_credit": 0}
    assert other["control"]["block_count"] == 1
    assert achkit.validate(text) == {"ok": True, "errors": []}


def test_letters_outside_ascii_become_their_ascii_letters() -> None:
    origin = Originator("Ñorthwind Café GmbH", "1911234567", "091000019", "Zürcher Kantonalbank", "MSP BILL")
    entries = [Entry("091000010000041", "125000024", "5207875328", Decimal("10.00"), "INV-Ø1", "Zürich Straße 😀")]
    text = debit_file(origin, entries, date(2026, 12, 1), CREATED)
    read = read_nacha(text)
    assert (read["bank_name"], read["company_name"], read["batch_company_name"]) == (
        "ZURCHER KANTONALBANK", "NORTHWIND CAFE GMBH", "NORTHWIND CAFE G")
    assert [(e["id"], e["name"]) for e in read["entries"]] == [("INV-O1", "ZURICH STRASSE")]
    assert text.isascii() and achkit.validate(text) == {"ok": True, "errors": []}


def test_amount_with_fractions_of_a_cent_is_refused() -> None:
    with pytest.raises(NachaError):
        debit_file(ORIGIN, [Entry("091000010000001", "125000024", "1", Decimal("1.005"), "X", "Y")],
                   date(2026, 12, 1), CREATED)


def month_book(tmp_path: Path, **extra_clients: dict[str, object]) -> Path:
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [
            client("C1", Name="Alpha Dental", **{"Bank Routing": "125000024", "Bank Account": "5207875328"}),
            client("C2", Name="Birch Law", **{"Bank Routing": "026009593", "Bank Account": "91612031926"}),
            client("C3", Name="Cedar Cafe", Autopay="N"),
            client("C4", Name="Dune Surf"),  # autopay without bank details
        ],
        "Subscriptions": [{"Client ID": c, "Service Code": "BASE", "Start Date": date(2026, 1, 1)}
                          for c in ("C1", "C2", "C3", "C4")],
        "Payments": [{"Payment ID": "P1", "Client ID": "C2", "Date": date(2026, 11, 20), "Amount": 120,
                      "Invoice Number": "INV-000002"}],
    })
    add_settings(book, ORIGINATOR_ROWS)
    invoice.invoice(book, "2026-11", TODAY, tmp_path / "docs")
    return book


@pytest.mark.usefixtures("pending_payments")
def test_ach_command_writes_file_and_pending_payments(tmp_path: Path) -> None:
    book = month_book(tmp_path)
    run = write_ach(book, date(2026, 12, 1), TODAY, tmp_path / "ach", CREATED)
    assert run.file == tmp_path / "ach" / "ACH 2026-12-01.txt"
    read = read_nacha(run.file.read_text())
    # C1 owes 500.00 (INV-000001); C2 owes 500.00 - 120.00 paid = 380.00 (INV-000002); C3 pays by hand; C4 no bank
    assert [(e["id"], e["cents"], e["trace"]) for e in read["entries"]] == [  # type: ignore[index]
        ("INV-000001", 50000, "091000010000001"), ("INV-000002", 38000, "091000010000002")]
    assert run.total == Decimal("880.00")
    assert [(n.client_id, n.reason) for n in run.left_out] == [("C4", "no valid Bank Routing and Bank Account")]
    assert [d.account for d in run.debits] == ["****5328", "****1926"]
    payments = sheet_rows(book, "Payments")
    assert [(p["Payment ID"], p["Client ID"], p["Amount"], p["Status"], p["Invoice Number"], p["Reference"])
            for p in payments[1:]] == [
        ("ACH-20261201-0000001", "C1", 500, "pending", "INV-000001", "091000010000001"),
        ("ACH-20261201-0000002", "C2", 380, "pending", "INV-000002", "091000010000002"),
    ]

    again = write_ach(book, date(2026, 12, 1), TODAY, tmp_path / "ach", CREATED)
    assert again.file is None and again.debits == ()
    assert len(sheet_rows(book, "Payments")) == 3
    assert not (tmp_path / "ach" / "ACH 2026-12-01 B.txt").exists()


@pytest.mark.usefixtures("pending_payments")
def test_wrong_check_digit_stops_the_file(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C1", **{"Bank Routing": "125000024", "Bank Account": "5207875328"})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": date(2026, 1, 1)}],
    })
    add_settings(book, ORIGINATOR_ROWS)
    invoice.invoice(book, "2026-11", TODAY, tmp_path / "docs")
    import openpyxl

    wb = openpyxl.load_workbook(book)  # a typing slip in the routing number after the invoices were issued
    wb["Clients"]["M2"] = "125000025"
    wb.save(book)
    before = book.read_bytes()
    with pytest.raises(common.WorkbookHasErrors) as caught:
        write_ach(book, date(2026, 12, 1), TODAY, tmp_path / "ach", CREATED)
    assert [p.render() for p in caught.value.problems if p.severity is Severity.ERROR] == [
        'Clients!M2 (Bank Routing): "****0025" is not a routing number (nine digits with a valid ABA check digit)']
    assert book.read_bytes() == before and not (tmp_path / "ach").exists()


def test_missing_originator_settings_are_named(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", {"Clients": [client("C1")]})
    with pytest.raises(OriginatorIncomplete) as caught:
        write_ach(book, date(2026, 12, 1), TODAY, tmp_path / "ach", CREATED)
    assert len(caught.value.problems) == 3
    assert caught.value.problems[0].startswith("Settings Company ACH ID")


@pytest.mark.usefixtures("pending_payments")
def test_cli_ach_masks_accounts(tmp_path: Path) -> None:
    import typer

    from mspxl.cli.payments import ach

    book = month_book(tmp_path)
    cli = typer.Typer()
    cli.command("ach")(ach)
    cli.command("noop")(lambda: None)
    result = CliRunner().invoke(cli, ["ach", str(book), "--date", "2026-12-01", "--out", str(tmp_path / "ach")])
    assert result.exit_code == 0, result.output
    assert "****5328" in result.output and "5207875328" not in result.output
    assert "2 debit(s)" in result.output


@pytest.mark.usefixtures("pending_payments")
def test_a_full_disk_while_the_ach_file_is_written_leaves_no_file_and_the_workbook_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A half-written (or empty) ACH file must never be left where the accountant picks up the bank's file: the
    file is written whole or not at all, and the run after the disk is freed writes it under its first name."""
    book = month_book(tmp_path)
    before = book.read_bytes()
    with monkeypatch.context() as patch:
        DiskFull(patch, ".txt")
        with pytest.raises(OSError, match="No space left"):
            write_ach(book, date(2026, 12, 1), TODAY, tmp_path / "ach", CREATED)
    assert book.read_bytes() == before
    assert list((tmp_path / "ach").iterdir()) == []
    run = write_ach(book, date(2026, 12, 1), TODAY, tmp_path / "ach", CREATED)
    assert run.file == tmp_path / "ach" / "ACH 2026-12-01.txt" and run.total == Decimal("880.00")
    assert [p.name for p in (tmp_path / "ach").iterdir()] == ["ACH 2026-12-01.txt"]
