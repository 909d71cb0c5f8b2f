"""The bad-input corpus: broken and hostile workbooks, each written into a folder at test time, with the exact
problems `mspxl check` must report for it.

Run `python tests/corpus/make.py DIR` to write every case into DIR and look at them in Excel.
"""

from __future__ import annotations

import re
import shutil
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.worksheet.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bookdata import client, write_book  # noqa: E402

START = date(2026, 1, 1)
PERIOD = "2026-11"
SAVE_AS = "open it in Excel and save it as an Excel Workbook (.xlsx)"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]  # writes the broken workbook into a folder, returns its path
    messages: tuple[str, ...]  # every one must be reported, exactly as written


def good() -> dict[str, list[dict[str, object]]]:
    return {
        "Clients": [client("C1"), client("C2")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": START},
                          {"Client ID": "C2", "Service Code": "BASE", "Start Date": START}],
        "Users": [{"Client ID": "C1", "User Name": "Ann", "Added On": START},
                  {"Client ID": "C1", "User Name": "Bob", "Added On": START}],
        "Devices": [{"Client ID": "C1", "Device Name": "PC-1", "Added On": START}],
        "Usage": [{"Client ID": "C1", "Period": "2026-10", "Service Code": "STOR", "Quantity": 10}],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 10, 20), "Hours": 1, "Rate": 100,
                     "Description": "setup"}],
        "Projects": [{"Project ID": "P-1", "Client ID": "C2", "Name": "Move"}],
        "Payments": [{"Payment ID": "P1", "Client ID": "C1", "Date": START, "Amount": 100}],
    }


def good_book(folder: Path, name: str = "book.xlsx", settings: dict[str, object] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_book(folder / name, good(), settings)


Edit = Callable[[openpyxl.Workbook], None]


def edited(*edits: Edit, settings: dict[str, object] | None = None) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        book = good_book(folder, settings=settings)
        wb = openpyxl.load_workbook(book)
        for edit in edits:
            edit(wb)
        wb.save(book)
        return book
    return make


def cell(sheet: str, ref: str, value: object) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet][ref] = value
    return edit


def append(sheet: str, *values: object) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet].append(list(values))
    return edit


def delete_sheet(sheet: str) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        del wb[sheet]
    return edit


def merge(sheet: str, cells: str) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet].merge_cells(cells)
    return edit


def hide_row(sheet: str, row: int) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet].row_dimensions[row].hidden = True
    return edit


def title_above(sheet: str, rows: int, title: str) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet].insert_rows(1, amount=rows)
        wb[sheet]["A1"] = title
    return edit


def table(sheet: str, ref: str, name: str) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet].add_table(Table(displayName=name, ref=ref))
    return edit


# --- edits below the openpyxl level: the package's XML, or not an .xlsx at all ---------------------------------------

def patch_cell_xml(book: Path, sheet_part: str, ref: str, new_cell: str) -> None:
    """Replace one cell's XML in the package (what openpyxl cannot write: an error value, a control character)."""
    with zipfile.ZipFile(book) as package:
        parts = {info.filename: package.read(info.filename) for info in package.infolist()}
    xml = parts[sheet_part].decode()
    pattern = re.compile(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', re.S)
    assert pattern.search(xml), f"{ref} not in {sheet_part}"
    parts[sheet_part] = pattern.sub(new_cell, xml, count=1).encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def sheet_part(book: Path, sheet: str) -> str:
    wb = openpyxl.load_workbook(book, read_only=True)
    index = wb.sheetnames.index(sheet) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


def xml_cell(sheet: str, ref: str, new_cell: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        book = edited(cell(sheet, ref, "placeholder"))(folder)
        patch_cell_xml(book, sheet_part(book, sheet), ref, new_cell)
        return book
    return make


def stray_at_bottom(folder: Path) -> Path:
    """A WorkLog used down to Excel's last row, 1,048,576, by one stray value."""
    book = good_book(folder)
    part = sheet_part(book, "WorkLog")
    with zipfile.ZipFile(book) as package:
        parts = {info.filename: package.read(info.filename) for info in package.infolist()}
    xml = parts[part].decode()
    xml = xml.replace("</sheetData>", '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>W9</t></is></c></row>'
                                      "</sheetData>")
    xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:J1048576"/>', xml)
    parts[part] = xml.encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return book


def encrypted(folder: Path) -> Path:
    """The good workbook saved with a password (Excel's Encrypt with Password)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = good_book(folder, "plain.xlsx")
    book = folder / "book.xlsx"
    with plain.open("rb") as source, book.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    plain.unlink()
    return book


def compound_file(stream_name: str, data: bytes) -> bytes:
    """A minimal OLE2 compound file holding one stream: the container of Excel 97-2003 .xls files."""
    sector = 512
    data = data.ljust(max(4096, -(-len(data) // sector) * sector), b"\0")  # at least the mini-stream cutoff
    stream_sectors = len(data) // sector
    end, free, fat_sect, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    fat = [fat_sect, end] + [i + 1 for i in range(2, 2 + stream_sectors - 1)] + [end]
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(sector, b"\xff")

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return struct.pack("<64sHBBIII16sIQQIII", encoded, len(encoded), kind, 1 if name else 0,
                           no_stream, no_stream, child, b"\0" * 16, 0, 0, 0, start, size, 0)

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, no_stream, 2, len(data))
                 + entry("", 0, no_stream, 0, 0) * 2)
    return header + fat_bytes + directory + data


def old_xls(folder: Path) -> Path:
    book = folder / "book.xls"
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0, 0, 0, 0)  # a BIFF8 workbook's first record
    book.write_bytes(compound_file("Workbook", bof))
    return book


def old_xls_named_xlsx(folder: Path) -> Path:
    book = folder / "book.xlsx"
    book.write_bytes(old_xls(folder).read_bytes())
    (folder / "book.xls").unlink()
    return book


def csv_book(folder: Path) -> Path:
    book = folder / "book.csv"
    book.write_text("Client ID,Name,Email,Start Date\nC1,Client C1,c1@example.com,2026-01-01\n", encoding="utf-8")
    return book


def binary_junk(folder: Path) -> Path:
    book = folder / "book.xlsx"
    book.write_bytes(bytes(range(256)) * 8)
    return book


def word_document(folder: Path) -> Path:
    """A zip package that is not a workbook (a Word document renamed)."""
    book = folder / "book.xlsx"
    with zipfile.ZipFile(book, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return book


def truncated(folder: Path) -> Path:
    book = good_book(folder)
    data = book.read_bytes()
    book.write_bytes(data[: len(data) // 2])
    return book


def zip_bomb(folder: Path) -> Path:
    """A workbook whose sheet unpacks to 300 MB of spaces (a few hundred KB on disk)."""
    book = good_book(folder)
    part = sheet_part(book, "Users")
    with zipfile.ZipFile(book) as package:
        parts = {info.filename: package.read(info.filename) for info in package.infolist()}
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, data in parts.items():
            if name != part:
                package.writestr(name, data)
        with package.open(part, "w", force_zip64=True) as sheet:
            sheet.write(parts[part][:-len(b"</worksheet>")])
            spaces = b" " * (1 << 20)
            for _ in range(300):
                sheet.write(spaces)
            sheet.write(b"</worksheet>")
    return book


# --- a workbook with a register, edited by hand -----------------------------------------------------------------------

_issued_cache: dict[str, bytes] = {}


def issued_book(folder: Path) -> Path:
    """The good workbook after `mspxl invoice --period 2026-11`: three invoices in the register."""
    book = folder / "book.xlsx"
    if "book" not in _issued_cache:
        from typer.testing import CliRunner

        from mspxl.cli import cli

        good_book(folder)
        result = CliRunner().invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(folder / "docs")])
        assert result.exit_code == 0, result.output
        shutil.rmtree(folder / "docs")
        _issued_cache["book"] = book.read_bytes()
    book.write_bytes(_issued_cache["book"])
    return book


def register_edit(*edits: Edit) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        book = issued_book(folder)
        wb = openpyxl.load_workbook(book)
        for edit in edits:
            edit(wb)
        wb.save(book)
        return book
    return make


def delete_row(sheet: str, row: int) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet].delete_rows(row)
    return edit


# --- the corpus ----------------------------------------------------------------------------------------------------

NOT_A_DATE = "is not a date (expected YYYY-MM-DD or an Excel date)"
NOT_A_PERIOD = "is not a period (expected YYYY-MM, e.g. 2026-11)"
UNCOMPUTED = ("is a formula saved without its computed value (the file was written by a program that does not "
              "calculate): open the file in Excel, save it, and run again")
EXCEL_ERROR = "is an Excel error value: fix the formula or type the value"

CASES: tuple[Case, ...] = (
    # sheets and headers
    Case("missing sheet", edited(delete_sheet("Users")),
         ("Users: sheet is missing (run `mspxl init` to see the layout)",)),
    Case("missing required column", edited(cell("Clients", "H1", "Began")),
         ("Clients!1 (Start Date): required column is missing from the header row",)),
    Case("duplicated header", edited(cell("Users", "E1", "added on")),
         ('Users!E1 (Added On): "added on" appears twice as a header (first in column D)',)),
    Case("header in row 3 under a title", edited(title_above("Users", 2, "Users of every client"),
                                                 cell("Users", "D5", "next week")),
         (f'Users!D5 (Added On): "next week" {NOT_A_DATE}',)),
    Case("table header differs from row 1", edited(title_above("Devices", 2, "Devices"),
                                                   cell("Devices", "D3", "Installed"),
                                                   table("Devices", "A3:E4", "DeviceTable")),
         ("Devices!3 (Added On): required column is missing from the header row",)),
    # dates and periods
    Case("impossible date as text", edited(cell("WorkLog", "C2", "31/02/2026")),
         (f'WorkLog!C2 (Date): "31/02/2026" {NOT_A_DATE}',)),
    Case("words in a date column", edited(cell("Clients", "H2", "next week")),
         (f'Clients!H2 (Start Date): "next week" {NOT_A_DATE}',)),
    Case("date serial out of range", edited(cell("Users", "D2", 3000000)),
         ('Users!D2 (Added On): "3000000" is not a date (an Excel date serial must be between 1 and 2958465)',)),
    Case("negative date serial", edited(cell("Subscriptions", "E2", -5)),
         ('Subscriptions!E2 (Start Date): "00:00:00" is a time or a negative number, not a date (expected YYYY-MM-DD '
          "or an Excel date)",)),
    Case("removed before added", edited(cell("Devices", "E2", date(2025, 6, 30))),
         ('Devices!E2 (Removed On): "2025-06-30" is before Added On (2026-01-01)',)),
    Case("subscription ends before it starts", edited(cell("Subscriptions", "F3", date(2025, 12, 31))),
         ('Subscriptions!F3 (End Date): "2025-12-31" is before Start Date (2026-01-01)',)),
    Case("period month 13", edited(cell("Usage", "B2", "2026-13")),
         (f'Usage!B2 (Period): "2026-13" {NOT_A_PERIOD}',)),
    Case("period in words", edited(cell("Usage", "B2", "Nov 2026")),
         (f'Usage!B2 (Period): "Nov 2026" {NOT_A_PERIOD}',)),
    # amounts and numbers
    Case("negative payment", edited(cell("Payments", "D2", -100)),
         ('Payments!D2 (Amount): "-100" must not be negative',)),
    Case("amount in words", edited(cell("Payments", "D2", "one hundred")),
         ('Payments!D2 (Amount): "one hundred" is not a number',)),
    Case("thousands separator as text", edited(cell("Subscriptions", "D2", "1,250.00")),
         ('Subscriptions!D2 (Unit Price): "1,250.00" is not a number',)),
    Case("currency symbol as text", edited(cell("Services", "D3", "$100")),
         ('Services!D3 (Unit Price): "$100" is not a number',)),
    Case("negative hours", edited(cell("WorkLog", "E2", -2)), ('WorkLog!E2 (Hours): "-2" must not be negative',)),
    Case("usage quantity as words", edited(cell("Usage", "D2", "ten")),
         ('Usage!D2 (Quantity): "ten" is not a number',)),
    Case("tax rate 15 meaning 15%", edited(cell("Clients", "K3", 15)),
         ('Clients!K3 (Tax Rate): "15" is above 100%: write 0.15 or 15% for fifteen percent',)),
    Case("tax rate in words", edited(cell("Clients", "K2", "fifteen%")),
         ('Clients!K2 (Tax Rate): "fifteen%" is not a percentage (expected 0.15 or 15%)',)),
    Case("retry fee 15 meaning 15%", edited(settings={"Retry Fee %": 15}),
         ('Settings!B2 (Retry Fee %): "15" is above 100%: write 0.15 or 15% for fifteen percent',)),
    Case("negative retry fee", edited(settings={"Retry Fee %": "-0.1"}),
         ('Settings!B2 (Retry Fee %): "-0.1" must not be negative',)),
    Case("invoice day 31", edited(settings={"Invoice Day": 31}),
         ('Settings!B2 (Invoice Day): "31" is not a whole number from 1 to 28',)),
    Case("currency not a code", edited(settings={"Currency": "Dollars"}),
         ('Settings!B2 (Currency): "Dollars" is not an ISO currency code (expected e.g. USD, EUR, GBP)',)),
    # references and identities
    Case("unknown client on work", edited(cell("WorkLog", "B2", "C7")),
         ('WorkLog!B2 (Client ID): "C7" is not a known Client ID (Clients sheet)',)),
    Case("unknown service on usage", edited(cell("Usage", "C2", "DISK")),
         ('Usage!C2 (Service Code): "DISK" is not a known Service Code (Services)',)),
    Case("duplicate entry id", edited(append("WorkLog", "W1", "C1", date(2026, 10, 21), None, 2, 100, "more")),
         ('WorkLog!A3 (Entry ID): "W1" is a duplicate (already on row 2)',)),
    Case("duplicate payment id", edited(append("Payments", "P1", "C2", START, 50)),
         ('Payments!A3 (Payment ID): "P1" is a duplicate (already on row 2)',)),
    Case("duplicate service code", edited(cell("Services", "A3", "BASE")),
         ('Services!A3 (Service Code): "BASE" is a duplicate (already on row 2)',)),
    Case("work on another client's project", edited(cell("WorkLog", "H2", "P-1")),
         ('WorkLog!H2 (Project ID): "P-1" belongs to client C2, not C1',)),
    Case("unknown model", edited(cell("Services", "C2", "monthly")),
         ('Services!C2 (Model): "monthly" is not one of flat, per_user, per_device, usage',)),
    Case("unknown frequency", edited(cell("Clients", "J2", "weekly")),
         ('Clients!J2 (Frequency): "weekly" is not one of monthly, quarterly, annual',)),
    Case("bank account with letters", edited(cell("Clients", "N2", "ACCT-99887766")),
         ('Clients!N2 (Bank Account): "****7766" is not an account number (up to 17 digits)',)),
    Case("required email blank", edited(cell("Clients", "C3", None)), ("Clients!C3 (Email): is required but blank",)),
    # cells that are not what they seem
    Case("formula without a computed value", edited(cell("Users", "D2", "=DATE(2026,1,1)")),
         (f'Users!D2 (Added On): "=DATE(2026,1,1)" {UNCOMPUTED}',)),
    Case("#REF! in a price", xml_cell("Subscriptions", "D2", '<c r="D2" t="e"><f>#REF!*2</f><v>#REF!</v></c>'),
         (f'Subscriptions!D2 (Unit Price): "#REF!" {EXCEL_ERROR}',)),
    Case("#N/A as a client name", xml_cell("Clients", "B2", '<c r="B2" t="e"><f>VLOOKUP(A2,X!A:B,2,0)</f>'
                                                            "<v>#N/A</v></c>"),
         (f'Clients!B2 (Name): "#N/A" {EXCEL_ERROR}',)),
    Case("merged cells across data", edited(merge("Users", "A2:A3")),
         ("Users!A3 (Client ID): is inside merged cells A2:A3: unmerge them so every row has its own value",)),
    Case("hidden row with a bad date", edited(cell("Users", "D3", "soon"), hide_row("Users", 3)),
         (f'Users!D3 (Added On): "soon" {NOT_A_DATE}',)),
    Case("stray value in row 1,048,576", stray_at_bottom,
         ("WorkLog!B1048576 (Client ID): is required but blank", "WorkLog!C1048576 (Date): is required but blank",
          "WorkLog!E1048576 (Hours): is required but blank", "WorkLog!G1048576 (Description): is required but blank")),
    Case("40,000-character address", xml_cell("Clients", "F2", '<c r="F2" t="inlineStr"><is><t>' + "x" * 40000
                                              + "</t></is></c>"),
         ('Clients!F2 (Address): "' + "x" * 59 + '\u2026" is 40,000 characters long, more than an Excel cell holds '
          "(32,767)",)),
    Case("control character in a name", xml_cell("Clients", "B2", '<c r="B2" t="inlineStr"><is><t>Bell_x0007_Co</t>'
                                                                  "</is></c>"),
         ('Clients!B2 (Name): "Bell\u2407Co" contains the control character U+0007, which Excel cannot store: '
          "retype the text",)),
    # files that are not workbooks mspxl can update
    Case("encrypted workbook", encrypted,
         ("book.xlsx is protected with a password (encrypted), so mspxl cannot read it: in Excel choose File > Info > "
          "Protect Workbook > Encrypt with Password, clear the password, save, and run again",)),
    Case("old .xls workbook", old_xls,
         (f"book.xls is an old-format Excel 97-2003 workbook (.xls), which mspxl cannot update: {SAVE_AS}",)),
    Case(".xls renamed .xlsx", old_xls_named_xlsx,
         (f"book.xlsx is an old-format Excel 97-2003 workbook (.xls), which mspxl cannot update: {SAVE_AS}",)),
    Case("CSV given as the book", csv_book, (f"book.csv is a CSV file, not a readable .xlsx workbook: {SAVE_AS}",)),
    Case("not a zip", binary_junk,
         (f"book.xlsx is not a readable .xlsx workbook: it is not a zip package; {SAVE_AS}",)),
    Case("a Word document renamed", word_document,
         ("book.xlsx is not a readable .xlsx workbook: it is a zip file but not an Excel workbook (no xl/workbook.xml "
          "inside)",)),
    Case("truncated file", truncated, ("book.xlsx is not a readable .xlsx workbook: the file is damaged",)),
    Case("zip bomb", zip_bomb,
         ("book.xlsx would unpack to 300 MB, more than mspxl's limit of 256 MB for a workbook: it is damaged or not a "
          "billing workbook",)),
    # the register, edited by hand
    Case("register row deleted", register_edit(delete_row("Invoices", 3)),
         ('Invoices!A3 (Invoice Number): "INV-000003" follows a gap in the numbering: INV-000002 missing from the '
          "register",
          'InvoiceLines!A4 (Invoice Number): "INV-000002" has lines but is not on the Invoices sheet: a register row '
          "was deleted; restore it (issued invoices are never deleted)")),
    Case("register total changed", register_edit(cell("Invoices", "J2", 999)),
         ('Invoices!J2 (Total): "999.00" does not equal Subtotal + Tax (200.00)',)),
    Case("register number duplicated", register_edit(cell("Invoices", "A3", "INV-000001")),
         ('Invoices!A3 (Invoice Number): "INV-000001" is a duplicate (already on row 2)',)),
)


def write_all(folder: Path) -> list[Path]:
    """Every case in its own subfolder of `folder`."""
    paths = []
    for number, case in enumerate(CASES, start=1):
        sub = folder / f"{number:02d} {case.name}".replace("/", "-")
        sub.mkdir(parents=True, exist_ok=True)
        paths.append(case.make(sub))
    return paths


if __name__ == "__main__":  # pragma: no cover
    for path in write_all(Path(sys.argv[1])):
        print(path)
