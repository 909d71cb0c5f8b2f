"""Templates a workbook replaces by name (a `templates/` folder beside it, or Settings `Templates Folder`), and
`mspxl templates export` writing the packaged ones out to edit."""

from __future__ import annotations

import zipfile
from pathlib import Path

import typer
from test_credit_notes import TODAY, issued_book
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.cli.templates import templates_app
from mspxl.commands.credit import issue_credit
from mspxl.resources import export_templates, packaged_templates, template_dir, templates_for_book


def retitled(source: Path, target: Path, title: str, old: str = "Credit Note") -> None:
    """A copy of a .docx template with its title words replaced, as an accountant would edit it in Word."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(f">{old}<".encode(), f">{title}<".encode())
            out.writestr(item, data)


def document_xml(path: Path) -> str:
    return zipfile.ZipFile(path).read("word/document.xml").decode()


def test_a_templates_folder_beside_the_workbook_replaces_the_packaged_template_by_name(tmp_path: Path) -> None:
    book = issued_book(tmp_path)
    (tmp_path / "templates").mkdir()
    retitled(template_dir() / "invoice-credit.docx", tmp_path / "templates" / "invoice-credit.docx", "Gutschrift")
    folder = templates_for_book(book, {})
    assert (folder / "invoice-managed.docx").read_bytes() == (template_dir() / "invoice-managed.docx").read_bytes()
    issue_credit(book, "INV-000002", TODAY, "Never set up", out=tmp_path / "docs")
    xml = document_xml(tmp_path / "docs" / "CN-000001 Client C2.docx")
    assert ">Gutschrift<" in xml and ">Credit Note<" not in xml


def test_the_templates_folder_setting_names_the_folder(tmp_path: Path) -> None:
    mine = tmp_path / "house style"
    mine.mkdir()
    retitled(template_dir() / "invoice-credit.docx", mine / "invoice-credit.docx", "Avoir")
    book = tmp_path / "book.xlsx"
    assert templates_for_book(book, {"templates folder": "house style"}) != template_dir()
    assert ">Avoir<" in document_xml(templates_for_book(book, {"Templates Folder": str(mine)}) / "invoice-credit.docx")
    assert templates_for_book(book, {}) == template_dir()  # nothing beside the workbook: the packaged templates


def test_templates_export_writes_every_packaged_template_and_keeps_edited_ones(tmp_path: Path) -> None:
    names = [p.name for p in packaged_templates()]
    assert {"invoice-managed.docx", "invoice-credit.docx", "statement.docx", "email-invoice.txt"} <= set(names)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "statement.docx").write_bytes(b"edited")
    written, kept = export_templates(tmp_path / "out")
    assert [p.name for p in kept] == ["statement.docx"]
    assert sorted(p.name for p in written) == sorted(n for n in names if n != "statement.docx")
    assert (tmp_path / "out" / "statement.docx").read_bytes() == b"edited"
    commands = typer.Typer()
    commands.add_typer(templates_app, name="templates")
    result = CliRunner().invoke(commands, ["templates", "export", str(tmp_path / "out"), "--force"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "statement.docx").read_bytes() == (template_dir() / "statement.docx").read_bytes()


def test_every_document_a_run_writes_takes_the_workbooks_templates(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    retitled(template_dir() / "invoice-managed.docx", tmp_path / "templates" / "invoice-managed.docx",
             "Servicios gestionados", "Managed Services Invoice")
    retitled(template_dir() / "statement.docx", tmp_path / "templates" / "statement.docx", "Estado de cuenta",
             "Statement of Account")
    book = issued_book(tmp_path)  # the invoice run: INV-000001 is C1's managed invoice
    assert ">Servicios gestionados<" in document_xml(tmp_path / "docs" / "INV-000001 Client C1.docx")
    assert ">Managed Services Invoice<" not in document_xml(tmp_path / "docs" / "INV-000001 Client C1.docx")
    result = CliRunner().invoke(cli, ["statement", str(book), "--client", "C1", "--as-of", "2026-11-30",
                                      "--out", str(tmp_path / "docs")])
    assert result.exit_code == 0, result.output
    [statement] = (tmp_path / "docs").glob("Statement *C1*.docx")
    assert ">Estado de cuenta<" in document_xml(statement)
