"""`mspxl send`: one message per invoice of the period, to a real SMTP server on loopback (aiosmtpd), checked for
recipients, subject and attachment bytes; .eml files without a server; nothing sent twice; failures retried."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from bookdata import client, write_book
from test_ach_support import sheet_rows

from mspxl.commands import invoice
from mspxl.commands.send import send_invoices
from mspxl.delivery.message import EmailTemplateError, render_text
from mspxl.delivery.outbox import SmtpProblem

pytestmark = pytest.mark.usefixtures("no_pdf_converter")  # the .docx is attached: no LibreOffice run

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


class Inbox:
    """An aiosmtpd handler keeping what it receives; it refuses one address."""

    def __init__(self, refuse: str = "") -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address == self.refuse:
            return "550 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def loopback_smtp(refuse: str = "c2@example.com") -> Iterator[tuple[Inbox, str]]:
    """An SMTP server on loopback that keeps what it receives and refuses mail to `refuse`; its HOST:PORT."""
    handler = Inbox(refuse=refuse)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, f"127.0.0.1:{port}"
    finally:
        controller.stop()


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, str]]:
    with loopback_smtp() as served:
        yield served


def invoiced_book(tmp_path: Path) -> Path:
    book = write_book(tmp_path / "book.xlsx", {
        "Clients": [client("C1", Name="Alpha Dental", **{"Contact First Name": "Maria",
                                                         "Bank Routing": "125000024", "Bank Account": "5207875328"}),
                    client("C2", Name="Birch Law", Autopay="N")],
        "Subscriptions": [{"Client ID": c, "Service Code": "BASE", "Start Date": date(2026, 1, 1)}
                          for c in ("C1", "C2")],
    }, {"Company Name": "Northwind Managed IT", "Company Email": "billing@northwind.example"})
    invoice.invoice(book, "2026-11", TODAY, tmp_path / "docs")
    return book


def test_send_over_smtp_once(tmp_path: Path, inbox: tuple[Inbox, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MSPXL_SMTP_USER", raising=False)
    handler, server = inbox
    book = invoiced_book(tmp_path)
    docs = tmp_path / "docs"
    run = send_invoices(book, "2026-11", NOW, server, out=docs)
    assert [(o.invoice_number, o.email) for o in run.sent] == [("INV-000001", "c1@example.com")]
    assert [(o.invoice_number, o.detail) for o in run.failed] == [
        ("INV-000002", "refused: c2@example.com (550 no such user here)")]
    (mail_from, rcpts, raw), = handler.received
    assert (mail_from, rcpts) == ("billing@northwind.example", ["c1@example.com"])
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["X-Unsent"] is None  # a draft mark only on .eml files
    assert msg["Subject"].strip() == "Invoice INV-000001 from Northwind Managed IT: $500.00 due December 1, 2026"
    assert msg["To"] == "c1@example.com"
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    assert body.startswith("Dear Maria,\n")
    assert "debited from your account ****5328 on December 1, 2026" in body and "5207875328" not in body
    (attachment,) = list(msg.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_filename() == "INV-000001 Alpha Dental.docx"
    assert attachment.get_content() == (docs / "INV-000001 Alpha Dental.docx").read_bytes()
    sent = sheet_rows(book, "Sent")
    assert [(r["Invoice Number"], r["Client ID"], r["Email"], r["Via"]) for r in sent] == [
        ("INV-000001", "C1", "c1@example.com", f"smtp {server}")]

    handler.refuse = ""  # the failed one goes on the next run; the sent one never again
    again = send_invoices(book, "2026-11", NOW, server, out=docs)
    assert ([o.invoice_number for o in again.sent], again.already) == (["INV-000002"], ("INV-000001",))
    assert [r[1] for r in handler.received] == [["c1@example.com"], ["c2@example.com"]]
    third = send_invoices(book, "2026-11", NOW, server, out=docs)
    assert (third.sent, third.failed, len(handler.received)) == ((), (), 2)


def test_eml_files_without_a_server(tmp_path: Path) -> None:
    book = invoiced_book(tmp_path)
    docs = tmp_path / "docs"
    dry = send_invoices(book, "2026-11", NOW, dry_run=True, out=docs)
    assert [o.detail for o in dry.sent] == ["file INV-000001 Alpha Dental.eml", "file INV-000002 Birch Law.eml"]
    assert not list(docs.glob("*.eml"))
    run = send_invoices(book, "2026-11", NOW, out=docs)
    assert [o.detail for o in run.sent] == ["file INV-000001 Alpha Dental.eml", "file INV-000002 Birch Law.eml"]
    msg = email.message_from_bytes((docs / "INV-000002 Birch Law.eml").read_bytes(), policy=policy.default)
    assert msg["To"] == "c2@example.com"
    assert "Please pay $500.00 by December 1, 2026, quoting INV-000002" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert send_invoices(book, "2026-11", NOW, out=docs).already == ("INV-000001", "INV-000002")


def test_password_never_sent_without_starttls(tmp_path: Path, inbox: tuple[Inbox, str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    handler, server = inbox
    monkeypatch.setenv("MSPXL_SMTP_USER", "billing")
    monkeypatch.setenv("MSPXL_SMTP_PASSWORD", "secret")
    book = invoiced_book(tmp_path)
    before = book.read_bytes()
    with pytest.raises(SmtpProblem, match="does not offer STARTTLS"):
        send_invoices(book, "2026-11", NOW, server, out=tmp_path / "docs")
    assert handler.received == [] and book.read_bytes() == before


def test_template_with_unknown_name_is_an_error() -> None:
    with pytest.raises(EmailTemplateError, match="total_due"):
        render_text("Subject: {{ total_due }}\n\nHello", {"total": "$1.00"})
    with pytest.raises(EmailTemplateError, match="first line"):
        render_text("Hello", {})
