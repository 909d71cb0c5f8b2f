"""A credit note reads as a credit note: its own heading and number caption, no due date, and its own email
("no payment is needed"), never "Invoice ... due ... Please pay"."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from pathlib import Path

import pytest
from test_credit_notes import credit, issued_book
from test_documents import document_text

from mspxl.commands.send import send_invoices

pytestmark = pytest.mark.usefixtures("no_pdf_converter")  # the .docx is attached: no LibreOffice run


def test_credit_note_document_and_email(tmp_path: Path) -> None:
    book = issued_book(tmp_path)  # INV-000002: C2, 200.00, not on autopay
    credit(book, tmp_path, "INV-000002", reason="Goodwill")
    text = document_text(tmp_path / "docs" / "CN-000001 Client C2.docx")
    assert "Credit Note\nNovember 2026" in text and "Credit note number\nCN-000001" in text
    assert "Invoice number" not in text and "Due date" not in text and "Please pay" not in text
    assert "Credit note CN-000001  ·  Page" in text
    assert "Amount credited\n-$200.00" in text

    run = send_invoices(book, "2026-11", datetime(2026, 11, 21, 9, tzinfo=UTC), out=tmp_path / "docs")
    assert "CN-000001" in [o.invoice_number for o in run.sent]
    message = email.message_from_bytes(next((tmp_path / "docs").glob("CN-000001*.eml")).read_bytes(),
                                       policy=policy.default)
    subject = " ".join(message["Subject"].split())
    assert subject == "Credit note CN-000001 from Your MSP: $200.00 credited to invoice INV-000002"
    body = message.get_body(("plain",)).get_content()
    assert "credit note CN-000001 of November 20, 2026: $200.00 credited to invoice INV-000002" in body
    assert "No payment is needed" in body
    assert "due" not in body.lower() and "please pay" not in body.lower()
