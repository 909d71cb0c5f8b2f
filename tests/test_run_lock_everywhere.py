"""Every command that saves the workbook saves it under mspxl's run lock, so two runs can never both write (two ACH
files debiting the same invoice, two fee invoices for one return): checked at the moment each save replaces the
workbook, over a month of invoice, ach, returns, collect, credit and send."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from test_ach_support import return_file
from test_returns_month import TODAY, book_for_month

from mspxl.commands import collect, invoice
from mspxl.commands.ach import write_ach
from mspxl.commands.credit import issue_credit
from mspxl.commands.returns import import_returns
from mspxl.commands.send import send_invoices, send_notices
from mspxl.lock import lock_path
from mspxl.writers import atomic

pytestmark = pytest.mark.usefixtures("no_pdf_converter")  # the .docx is attached: no LibreOffice run


def test_every_save_happens_under_the_run_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = book_for_month(tmp_path)
    docs = tmp_path / "docs"
    saves: list[tuple[str, bool]] = []
    real = atomic.os.replace
    command = ""

    def watched(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == book:
            saves.append((command, lock_path(book).exists()))
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", watched)
    command = "invoice"
    invoice.invoice(book, "2026-11", TODAY, docs)
    command = "ach"
    write_ach(book, date(2026, 12, 1), TODAY, docs, datetime(2026, 11, 30, 16, 0))
    returned = tmp_path / "returns.txt"
    returned.write_text(return_file([("091000010000001", "R01", "125000024", 50000, "CLIENT C1")], "261203"))
    command = "returns"
    import_returns(book, returned, TODAY)
    command = "collect"
    collect.collect(book, date(2026, 12, 3), TODAY, docs)
    command = "credit"
    issue_credit(book, "INV-000002", TODAY, "Goodwill", out=docs)
    command = "send"
    assert send_invoices(book, "2026-11", datetime(2026, 12, 4, 9, 0).astimezone(), out=docs).sent
    command = "send notices"
    assert send_notices(book, date(2026, 12, 3), datetime(2026, 12, 4, 9, 0).astimezone(), out=docs).sent
    assert saves == [(c, True) for c in ("invoice", "ach", "returns", "collect", "credit", "send", "send notices")]
    assert not lock_path(book).exists()  # released after each run
