"""`credit --date`: a November correction made in December is dated in November, credit note and reissue alike; a
date before the invoice or after today is refused with nothing written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_credit_notes import correct_users, credit, issued_book, register
from test_documents import document_text
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.corrections import CreditRefused


def test_credit_note_and_reissue_take_the_date_given(tmp_path: Path) -> None:
    book = issued_book(tmp_path)  # INV-000001 issued 2026-11-05, due 2026-12-01
    correct_users(book)
    run = credit(book, tmp_path, "INV-000001", today=date(2026, 12, 15), on=date(2026, 11, 20), reissue=True,
                 reason="u2 left on 2026-10-20")
    assert run.reissued is not None
    assert run.credit_note.issue_date == run.reissued.issue_date == date(2026, 11, 20)
    rows = register(book)
    assert [(r[0], r[5].date()) for r in rows[3:]] == [("CN-000001", date(2026, 11, 20)),
                                                       ("INV-000004", date(2026, 11, 20))]
    text = document_text(tmp_path / "docs" / "CN-000001 Client C1.docx")
    assert "Issue date\nNovember 20, 2026" in text


def test_a_date_before_the_invoice_or_in_the_future_is_refused(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    before = book.read_bytes()
    result = CliRunner().invoke(cli, ["credit", str(book), "--invoice", "INV-000002", "--reason", "Goodwill",
                                      "--date", "2026-11-04", "--out", str(tmp_path / "docs")])
    assert result.exit_code == 1, result.output
    assert "a credit note is dated on or after the invoice it credits: INV-000002 was issued 2026-11-05" in \
        result.output and "nothing was written" in result.output
    result = CliRunner().invoke(cli, ["credit", str(book), "--invoice", "INV-000002", "--reason", "Goodwill",
                                      "--date", "20.11.2026"])
    assert result.exit_code == 2 and "is not a date (expected YYYY-MM-DD)" in result.output
    with pytest.raises(CreditRefused, match="--date 2026-11-21 is in the future"):
        credit(book, tmp_path, "INV-000002", today=date(2026, 11, 20), on=date(2026, 11, 21))
    assert book.read_bytes() == before
