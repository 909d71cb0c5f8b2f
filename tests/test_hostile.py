"""Hostile data through the command line: client text that looks like a formula stays text in every workbook mspxl
writes, names that are not file names still give safe documents inside the output folder, and bank numbers never
appear unmasked in output, JSON, logs or documents."""

from __future__ import annotations

import json
import logging
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from bookdata import SERVICES, client, write_book
from corpus.make import PERIOD, good
from typer.testing import CliRunner

from mspxl.cli import cli

runner = CliRunner()
INJECTIONS = ["=1+1", "+SUM(1,2)", "-2+3", "@SUM(1)", "=HYPERLINK(\"http://x.test\",\"pay here\")",
              "=cmd|' /C calc'!A0", "\t=1+2", "\r=1+2"]


def hostile_book(folder: Path, names: list[str]) -> Path:
    data = good()
    data["Clients"] = [client(f"C{i}", Name=name) for i, name in enumerate(names, start=1)]
    data["Subscriptions"] = [{"Client ID": f"C{i}", "Service Code": "BASE", "Start Date": date(2026, 1, 1)}
                             for i in range(1, len(names) + 1)]
    data["WorkLog"][0]["Description"] = "=HYPERLINK(\"http://x.test\",\"click\")"
    data["Projects"] = []
    data["Services"] = [dict(row, Name="=2+2 plan") if row["Service Code"] == "BASE" else row for row in SERVICES]
    folder.mkdir(parents=True, exist_ok=True)
    book = write_book(folder / "book.xlsx", data)
    wb = openpyxl.load_workbook(book)  # as an accountant types '=1+1: text, not a formula
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    cell.quotePrefix = True
    wb.save(book)
    return book


def formulas_in(book: Path) -> list[str]:
    """Every <f> element in every sheet of the package: a formula, whatever openpyxl makes of it."""
    with zipfile.ZipFile(book) as package:
        return [f"{name}: {found}" for name in package.namelist() if name.startswith("xl/worksheets/")
                for found in re.findall(rb"<f\b[^>]*>.*?</f>|<f\b[^>]*/>", package.read(name))]


def test_client_text_that_looks_like_a_formula_stays_text_in_every_sheet_mspxl_writes(tmp_path: Path) -> None:
    book = hostile_book(tmp_path, INJECTIONS)
    assert formulas_in(book) == []
    for command in (["invoice", str(book), "--period", PERIOD], ["collect", str(book), "--as-of", "2026-12-20"]):
        result = runner.invoke(cli, [*command, "--out", str(tmp_path / "docs")])
        assert result.exit_code == 0, result.output
    summary = tmp_path / "summary.xlsx"
    result = runner.invoke(cli, ["summary", str(book), "--period", PERIOD, "--out", str(summary)])
    assert result.exit_code == 0, result.output
    expected = {name.strip() for name in INJECTIONS}
    for path in (book, summary):
        assert formulas_in(path) == [], path.name
        wb = openpyxl.load_workbook(path)
        seen = {c.value: c.data_type for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value in expected}
        assert seen and set(seen.values()) == {"s"}, (path.name, seen)
    wb = openpyxl.load_workbook(book)
    assert {r[2] for r in wb["Invoices"].iter_rows(min_row=2, values_only=True)} >= expected
    descriptions = [c for row in wb["InvoiceLines"].iter_rows(min_row=2, min_col=4, max_col=4) for c in row]
    managed = [c for c in descriptions if str(c.value).startswith("=2+2 plan")]
    assert managed and {c.data_type for c in managed} == {"s"}


UNSAFE_NAMES = ["CON", "a/b", "..\\x", "trailing dots...", "x" * 300, "../../etc/passwd", "NUL.txt", "Tab\there",
                "<w:p>", "{{ 7*7 }}", "what?*|:\"<>"]
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def test_document_names_made_from_client_names_are_safe_and_stay_in_the_output_folder(tmp_path: Path) -> None:
    book = hostile_book(tmp_path, UNSAFE_NAMES)
    out = tmp_path / "docs"
    result = runner.invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    files = [inv["file"] for inv in json.loads(result.output)["invoices"]]
    assert len(files) == len(UNSAFE_NAMES) + 1  # one managed invoice each, and the service invoice
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.suffix == ".docx")
    assert sorted(p.name for p in written) == sorted(files)
    for path in written:
        assert path.parent == out
        stem = path.name.split(".")[0].upper()
        assert stem not in WINDOWS_RESERVED
        assert not re.search(r'[<>:"/\\|?*\x00-\x1f]', path.name), path.name
        assert not path.stem.endswith((".", " "))
        assert len(path.name.encode("utf-8")) <= 255


ACCOUNT = "000123456789"
ROUTING = "021000021"


def test_bank_numbers_never_appear_unmasked_in_output_json_logs_or_documents(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = good()
    data["Clients"][0].update({"Bank Routing": ROUTING, "Bank Account": ACCOUNT, "Autopay": "Y"})
    data["Clients"][1].update({"Bank Routing": "011000015", "Bank Account": "12345678901234567890123"})  # too long
    book = write_book(tmp_path / "book.xlsx", data)
    caplog.set_level(logging.DEBUG)
    outputs = []
    for command in (["check", str(book)], ["check", str(book), "--json"]):
        outputs.append(runner.invoke(cli, command).output)
    assert "****0123" in outputs[0]  # the bad account is named, masked
    wb = openpyxl.load_workbook(book)
    wb["Clients"]["N3"] = "987654321"
    wb.save(book)
    for command in (["invoice", str(book), "--period", PERIOD, "--out", str(tmp_path / "docs")],
                    ["invoice", str(book), "--period", "2026-12", "--out", str(tmp_path / "docs"), "--json"],
                    ["collect", str(book), "--as-of", "2026-12-20", "--out", str(tmp_path / "docs"), "--json"],
                    ["collect", str(book), "--as-of", "2026-12-21", "--out", str(tmp_path / "docs")]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    documents = [zipfile.ZipFile(p).read("word/document.xml").decode() for p in (tmp_path / "docs").glob("*.docx")]
    assert documents
    everything = "\n".join(outputs + documents + [caplog.text])
    for number in (ACCOUNT, "12345678901234567890123", "987654321", ROUTING, "011000015"):
        assert number not in everything, number
    assert "6789" in "\n".join(documents)  # the autopay client is told which account is debited, by its last digits


def test_a_mistyped_routing_number_is_reported_masked(tmp_path: Path) -> None:
    data = good()
    data["Clients"][0].update({"Bank Routing": "123456789", "Bank Account": ACCOUNT})
    book = write_book(tmp_path / "book.xlsx", data)
    result = runner.invoke(cli, ["check", str(book), "--json"])
    assert result.exit_code == 1
    assert "Bank Routing" in result.output and "123456789" not in result.output
