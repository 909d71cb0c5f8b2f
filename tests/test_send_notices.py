"""`mspxl send --notices`: the collections notices of one `mspxl collect` run, one message each to the client's
Email, received by a real SMTP server on loopback (aiosmtpd) and checked for recipient, subject and attachment
bytes; recorded on the Sent sheet so nothing is sent twice; a refused message retried on the next run."""

from __future__ import annotations

import email
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from test_ach_support import add_settings, as_date, return_file, sheet_rows
from test_returns_month import TODAY, book_for_month
from test_send_email import Inbox, loopback_smtp
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.commands import collect, invoice
from mspxl.commands.ach import write_ach
from mspxl.commands.returns import import_returns
from mspxl.commands.send import send_notices
from mspxl.delivery.message import EmailTemplateError
from mspxl.resources import export_templates, packaged_templates

pytestmark = pytest.mark.usefixtures("no_pdf_converter")  # the .docx is attached: no LibreOffice run

AS_OF = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 15, 30, tzinfo=UTC)
C1_NOTICE = "Notice 2026-12-03 payment_failed Client C1.docx"
C2_NOTICE = "Notice 2026-12-03 bank_details Client C2.docx"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A month of three clients after collections as of 12-03: C1's debit returned R01 (payment_failed notice), C2's
    returned R02, account closed (bank details needed notice), C3's cleared (no notice)."""
    folder = tmp_path_factory.mktemp("collected")
    book = book_for_month(folder)
    add_settings(book, {"Company Name": "Northwind Managed IT", "Company Email": "billing@northwind.example"})
    docs = folder / "docs"
    invoice.invoice(book, "2026-11", TODAY, docs)
    write_ach(book, date(2026, 12, 1), TODAY, docs, datetime(2026, 11, 30, 16, 0))
    returned = folder / "returns.txt"
    returned.write_text(return_file([("091000010000001", "R01", "125000024", 50000, "CLIENT C1"),
                                     ("091000010000002", "R02", "026009593", 50000, "CLIENT C2")], "261203"))
    import_returns(book, returned, TODAY, cleared_through=date(2026, 12, 1))
    run = collect.collect(book, AS_OF, TODAY, docs)
    assert sorted(p.name for p in run.notices) == [C2_NOTICE, C1_NOTICE]
    return folder


@pytest.fixture
def book(collected: Path, tmp_path: Path) -> Path:
    """A fresh copy of the collected workbook and its documents."""
    shutil.copy(collected / "book.xlsx", tmp_path / "book.xlsx")
    shutil.copytree(collected / "docs", tmp_path / "docs")
    return tmp_path / "book.xlsx"


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Inbox, str]]:
    monkeypatch.delenv("MSPXL_SMTP_USER", raising=False)
    with loopback_smtp() as served:
        yield served


def parsed(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def body_of(msg: EmailMessage) -> str:
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


def test_notices_over_smtp_once_and_retried(book: Path, inbox: tuple[Inbox, str]) -> None:
    handler, server = inbox
    docs = book.parent / "docs"
    run = send_notices(book, AS_OF, NOW, server, out=docs)
    assert [(o.client_id, o.notice, o.email, o.document) for o in run.sent] == [
        ("C1", "payment_failed", "c1@example.com", C1_NOTICE)]
    assert [(o.client_id, o.notice, o.detail) for o in run.failed] == [
        ("C2", "bank_details", "refused: c2@example.com (550 no such user here)")]

    (mail_from, rcpts, raw), = handler.received
    assert (mail_from, rcpts) == ("billing@northwind.example", ["c1@example.com"])
    msg = parsed(raw)
    assert msg["To"] == "c1@example.com"
    assert msg["Subject"] == "Your payment to Northwind Managed IT did not go through"
    body = body_of(msg)
    assert body.startswith("Dear Client C1,\n")
    assert "returned our latest debit from your account ****5328" in body and "5207875328" not in body
    assert "notice of December 3, 2026" in body
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == C1_NOTICE
    assert attachment.get_content() == (docs / C1_NOTICE).read_bytes()

    sent = sheet_rows(book, "Sent")
    assert [(r["Invoice Number"], r["Notice"], as_date(r["Notice Date"]), r["Client ID"], r["Email"], r["Via"])
            for r in sent] == [(None, "payment_failed", AS_OF, "C1", "c1@example.com", f"smtp {server}")]
    assert sent[0]["Message ID"] == msg["Message-ID"]

    handler.refuse = ""  # the refused notice goes on the next run; the sent one never again
    again = send_notices(book, AS_OF, NOW, server, out=docs)
    assert [(o.client_id, o.notice) for o in again.sent] == [("C2", "bank_details")]
    assert (again.failed, again.already) == ((), (C1_NOTICE,))
    assert [r[1] for r in handler.received] == [["c1@example.com"], ["c2@example.com"]]
    c2 = parsed(handler.received[1][2])
    assert c2["Subject"] == "Northwind Managed IT needs new bank details for your payments"
    assert list(c2.iter_attachments())[0].get_content() == (docs / C2_NOTICE).read_bytes()

    before = book.read_bytes()
    third = send_notices(book, AS_OF, NOW, server, out=docs)
    assert (third.sent, third.failed, third.already) == ((), (), (C1_NOTICE, C2_NOTICE))
    assert len(handler.received) == 2 and book.read_bytes() == before
    assert [(r["Notice"], r["Client ID"]) for r in sheet_rows(book, "Sent")] == [
        ("payment_failed", "C1"), ("bank_details", "C2")]


def test_another_day_has_its_own_notices(book: Path, inbox: tuple[Inbox, str]) -> None:
    handler, server = inbox
    run = send_notices(book, date(2026, 12, 4), NOW, server, out=book.parent / "docs")
    assert (run.sent, run.failed, run.already, handler.received) == ((), (), (), [])


def test_dry_run_writes_nothing(book: Path, inbox: tuple[Inbox, str]) -> None:
    handler, server = inbox
    docs = book.parent / "docs"
    before = book.read_bytes()
    files = sorted(p.name for p in docs.iterdir())
    run = send_notices(book, AS_OF, NOW, server, dry_run=True, out=docs)
    assert [(o.client_id, o.notice, o.detail) for o in run.sent] == [
        ("C1", "payment_failed", f"smtp {server}"), ("C2", "bank_details", f"smtp {server}")]
    assert handler.received == [] and book.read_bytes() == before
    assert sorted(p.name for p in docs.iterdir()) == files


def test_eml_files_then_smtp(book: Path, inbox: tuple[Inbox, str]) -> None:
    handler, server = inbox
    docs = book.parent / "docs"
    run = send_notices(book, AS_OF, NOW, out=docs)
    assert [o.detail for o in run.sent] == ["file Notice 2026-12-03 payment_failed Client C1.eml",
                                            "file Notice 2026-12-03 bank_details Client C2.eml"]
    msg = parsed((docs / "Notice 2026-12-03 bank_details Client C2.eml").read_bytes())
    assert msg["To"] == "c2@example.com"
    assert "we cannot debit that account again" in body_of(msg)
    assert send_notices(book, AS_OF, NOW, out=docs).already == (C1_NOTICE, C2_NOTICE)  # no second file
    handler.refuse = ""
    sent = send_notices(book, AS_OF, NOW, server, out=docs)  # a .eml file is not a sent message
    assert [o.client_id for o in sent.sent] == ["C1", "C2"] and len(handler.received) == 2


def test_pdf_is_attached_when_made(book: Path, inbox: tuple[Inbox, str]) -> None:
    handler, server = inbox
    docs = book.parent / "docs"
    pdf = docs / C1_NOTICE.replace(".docx", ".pdf")
    pdf.write_bytes(b"%PDF-1.7 notice")
    handler.refuse = ""
    run = send_notices(book, AS_OF, NOW, server, out=docs)
    assert [o.document for o in run.sent] == [pdf.name, C2_NOTICE]
    (attachment,) = list(parsed(handler.received[0][2]).iter_attachments())
    assert (attachment.get_filename(), attachment.get_content_type(), attachment.get_content()) == (
        pdf.name, "application/pdf", b"%PDF-1.7 notice")


def test_workbook_template_replaces_the_packaged_one(book: Path, inbox: tuple[Inbox, str]) -> None:
    handler, server = inbox
    docs = book.parent / "docs"
    own = book.parent / "templates"
    own.mkdir()
    (own / "email-notice.txt").write_text("Subject: {{ balance }}\n\nno such name\n")
    before = book.read_bytes()
    with pytest.raises(EmailTemplateError, match="email-notice.txt.*balance"):
        send_notices(book, AS_OF, NOW, server, out=docs)
    assert book.read_bytes() == before and handler.received == []
    (own / "email-notice.txt").write_text("Subject: {{ notice }} for {{ client_id }}\n\nSee the attached notice.\n")
    handler.refuse = ""
    send_notices(book, AS_OF, NOW, server, out=docs)
    assert [parsed(raw)["Subject"] for _, _, raw in handler.received] == ["payment_failed for C1",
                                                                          "bank_details for C2"]


def test_the_template_ships_and_exports(tmp_path: Path) -> None:
    assert "email-notice.txt" in {p.name for p in packaged_templates()}
    written, _ = export_templates(tmp_path / "mine")
    assert (tmp_path / "mine" / "email-notice.txt") in written
    assert (tmp_path / "mine" / "email-notice.txt").read_text().startswith("Subject: ")


def test_cli_sends_notices_and_adds_a_runs_row(book: Path) -> None:
    docs = book.parent / "docs"
    runner = CliRunner()
    dry = runner.invoke(cli, ["send", str(book), "--notices", "--as-of", "2026-12-03", "--out", str(docs),
                              "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert ("  would write Notice 2026-12-03 payment_failed Client C1.eml for c1@example.com (attached: Notice "
            "2026-12-03 payment_failed Client C1.docx)") in dry.output
    assert "Notices of 2026-12-03 (dry run, nothing written): 2 would be written as .eml files" in dry.output
    assert "Sent" not in openpyxl.load_workbook(book).sheetnames
    result = runner.invoke(cli, ["send", str(book), "--notices", "--as-of", "2026-12-03", "--out", str(docs)])
    assert result.exit_code == 0, result.output
    assert (f"Notices of 2026-12-03: 2 written as .eml files in {docs}, to open and send from your mail program "
            "(they open as drafts); 0 failed, 0 written or sent before.") in result.output
    assert " sent," not in result.output
    runs = sheet_rows(book, "Runs")
    assert [(r["Command"], r["Arguments"], r["Issued"]) for r in runs][-1] == (
        "send", "book.xlsx --notices --as-of 2026-12-03", "notices 2")
    mixed = runner.invoke(cli, ["send", str(book), "--notices", "--period", "2026-11"])
    assert mixed.exit_code == 2 and "--notices --as-of" in mixed.output
