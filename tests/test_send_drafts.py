"""`mspxl send` without a server writes drafts and says so: .eml files marked `X-Unsent: 1` (Outlook opens them to
send), "written", never "sent"; a dry run in one wording; a fully credited invoice is not sent beside its credit note
and reissue unless asked; the PDF is attached, made by LibreOffice when it is there, else the .docx, said plainly."""

from __future__ import annotations

import email
import shutil
import sys
import types
from datetime import date
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from bookdata import client, write_book
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.commands import invoice
from mspxl.commands.credit import issue_credit
from mspxl.pdf import find_soffice

TODAY = date(2026, 11, 25)
runner = CliRunner()


def book_of(folder: Path, names: tuple[str, ...]) -> Path:
    """November 2026 invoiced for each client named (C1, C2, ...)."""
    ids = [f"C{n}" for n in range(1, len(names) + 1)]
    book = write_book(folder / "book.xlsx", {
        "Clients": [client(c, Name=name, Autopay="N") for c, name in zip(ids, names, strict=True)],
        "Subscriptions": [{"Client ID": c, "Service Code": "BASE", "Start Date": date(2026, 1, 1)} for c in ids],
    }, {"Company Name": "Northwind Managed IT", "Company Email": "billing@northwind.example"})
    invoice.invoice(book, "2026-11", TODAY, folder / "docs")
    return book


@pytest.fixture(scope="module")
def credited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """INV-000001 (Alpha Dental) credited in full by CN-000001 and reissued as INV-000003; INV-000002 (Birch Law)."""
    folder = tmp_path_factory.mktemp("credited")
    book = book_of(folder, ("Alpha Dental", "Birch Law"))
    issue_credit(book, "INV-000001", TODAY, "wrong plan", reissue=True, out=folder / "docs")
    return book


def copied(book: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(book.parent, tmp_path / "work")
    return tmp_path / "work" / book.name, tmp_path / "work" / "docs"


def send(book: Path, docs: Path, *more: str) -> str:
    result = runner.invoke(cli, ["send", str(book), "--period", "2026-11", "--out", str(docs), *more])
    assert result.exit_code == 0, result.output
    return result.output


def parsed(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[return-value]


@pytest.mark.usefixtures("no_pdf_converter")
def test_drafts_written_credited_invoice_skipped_docx_said(credited: Path, tmp_path: Path) -> None:
    book, docs = copied(credited, tmp_path)
    skipped = ("  skipped INV-000001 C1: fully credited by CN-000001 and reissued as INV-000003; not sent "
               "(--include-credited sends it too)")
    dry = send(book, docs, "--dry-run")
    assert dry.splitlines()[:4] == [
        "  would write INV-000002 Birch Law.eml for c2@example.com (attached: INV-000002 Birch Law.docx)",
        "  would write CN-000001 Alpha Dental.eml for c1@example.com (attached: CN-000001 Alpha Dental.docx)",
        "  would write INV-000003 Alpha Dental.eml for c1@example.com (attached: INV-000003 Alpha Dental.docx)",
        skipped]
    assert "would send" not in dry and "3 document(s) would go as the editable .docx only" in dry
    assert dry.splitlines()[-1] == ("2026-11 (dry run, nothing written): 3 would be written as .eml files, "
                                    "1 skipped, 0 failed, 0 written or sent before.")
    assert not list(docs.glob("*.eml"))

    out = send(book, docs)
    assert "  written INV-000002 Birch Law.eml for c2@example.com (attached: INV-000002 Birch Law.docx)" in out
    assert skipped in out and " sent," not in out
    assert ("3 document(s) went as the editable .docx only, not as a PDF: no PDF converter was found; for PDFs, "
            "install LibreOffice") in out
    assert out.splitlines()[-1] == (
        f"2026-11: 3 written as .eml files in {docs}, to open and send from your mail program (they open as "
        "drafts); 1 skipped, 0 failed, 0 written or sent before.")
    assert sorted(p.name for p in docs.glob("*.eml")) == [
        "CN-000001 Alpha Dental.eml", "INV-000002 Birch Law.eml", "INV-000003 Alpha Dental.eml"]
    note = parsed(docs / "CN-000001 Alpha Dental.eml")
    assert (note["X-Unsent"], note["To"]) == ("1", "c1@example.com")
    assert note["Subject"].startswith("Credit note CN-000001")
    (attachment,) = note.iter_attachments()
    assert attachment.get_filename() == "CN-000001 Alpha Dental.docx"
    assert attachment.get_content_type() == \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    again = send(book, docs)
    assert again.splitlines()[-1].endswith("0 written as .eml files in " + str(docs) + ", to open and send from your "
                                           "mail program (they open as drafts); 1 skipped, 0 failed, 3 written or "
                                           "sent before.")
    asked = send(book, docs, "--include-credited")
    assert "  written INV-000001 Alpha Dental.eml for c1@example.com" in asked and "skipped" not in asked
    assert parsed(docs / "INV-000001 Alpha Dental.eml")["X-Unsent"] == "1"


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_the_pdf_is_made_and_attached(tmp_path: Path) -> None:
    book = book_of(tmp_path, ("Alpha Dental",))
    docs = tmp_path / "docs"
    out = send(book, docs)
    assert "  written INV-000001 Alpha Dental.eml for c1@example.com (attached: INV-000001 Alpha Dental.pdf)" in out
    assert ".docx only" not in out
    (attachment,) = parsed(docs / "INV-000001 Alpha Dental.eml").iter_attachments()
    assert (attachment.get_filename(), attachment.get_content_type()) == ("INV-000001 Alpha Dental.pdf",
                                                                          "application/pdf")
    assert attachment.get_content() == (docs / "INV-000001 Alpha Dental.pdf").read_bytes()
    assert attachment.get_content().startswith(b"%PDF")


@pytest.mark.usefixtures("no_pdf_converter")
def test_without_libreoffice_word_makes_the_pdf_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows and macOS, docx2pdf (Word) is used when LibreOffice is missing. Word cannot run here: docx2pdf's
    `convert(input, output)` is replaced by one writing the file, to check the choice and what is attached."""
    calls: list[tuple[str, str]] = []

    def convert(source: str, target: str) -> None:
        calls.append((Path(source).name, Path(target).name))
        Path(target).write_bytes(b"%PDF-1.7 by Word")

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "docx2pdf", types.SimpleNamespace(convert=convert))
    book = book_of(tmp_path, ("Alpha Dental",))
    out = send(book, tmp_path / "docs")
    assert calls == [("INV-000001 Alpha Dental.docx", "INV-000001 Alpha Dental.pdf")]
    assert "(attached: INV-000001 Alpha Dental.pdf)" in out and ".docx only" not in out
    (attachment,) = parsed(tmp_path / "docs" / "INV-000001 Alpha Dental.eml").iter_attachments()
    assert attachment.get_content() == b"%PDF-1.7 by Word"
