"""What the fast read keeps: the sheets parsed over two threads are the ones one thread reads; calamine's rows turned
into ours a column at a time are the rows turned one by one; a sheet read a column at a time gives the values, rows,
problems and records that reading every cell one by one gives, bad cells and all."""

from __future__ import annotations

import dataclasses
import random
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from test_speed_paths import ODD_VALUES

from mspxl import schema as S
from mspxl.records import InvoiceLine
from mspxl.schema import Kind
from mspxl.workbook import build, source_file
from mspxl.workbook.cells import excel_error, merged_over
from mspxl.workbook.raw import RawBook, RawSheet
from mspxl.workbook.table import Table, read_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from make_book import make_book  # noqa: E402

EXCEL_MADE = ROOT / "tests" / "data" / "excel-made"


def read(path: Path, threads: bool, monkeypatch: pytest.MonkeyPatch) -> RawBook:
    monkeypatch.setattr(source_file, "THREAD_BYTES", 0 if threads else sys.maxsize)
    seen: list[list[str]] = []
    real = source_file._parse_from_path
    monkeypatch.setattr(source_file, "_parse_from_path", lambda p, names: seen.append(names) or real(p, names))
    book = source_file.read_raw(path)
    assert bool(seen and seen[0]) is threads  # the second thread ran, with sheets to parse, only when asked
    return book


@pytest.mark.parametrize("name", ["merge_range01.xlsx", "table02.xlsx", "chartsheet01.xlsx", "rich_string01.xlsx"])
def test_two_threads_read_an_excel_made_workbook_as_one_does(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = EXCEL_MADE / name
    one = read(path, False, monkeypatch)
    assert read(path, True, monkeypatch) == one
    assert one


def test_two_threads_read_the_bench_workbook_as_one_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_book(30, tmp_path / "bench.xlsx")
    one = read(path, False, monkeypatch)
    two = read(path, True, monkeypatch)
    assert list(two) == list(one) and two == one
    assert len(one["Users"].rows) > 100 and one["Users"].tables


def rows_one_by_one(sheet: python_calamine.CalamineSheet) -> list[list[object]]:
    """calamine's rows as ours, plainly: from A1, empty strings as None, an empty row as []."""
    start_row, start_col = sheet.start if sheet.height else (0, 0)
    rows: list[list[object]] = []
    for row in sheet.iter_rows():
        cells = [None] * start_col + [None if v == "" else v for v in row]
        rows.append([] if all(v is None for v in cells) else cells)
    if len(rows) == sheet.height:  # iter_rows began at the first used row, not at row 1
        rows[:0] = [[] for _ in range(start_row)]
    return rows


def test_rows_turned_a_column_at_a_time_are_the_rows_turned_one_by_one(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    offset = wb.active
    offset.title = "Offset"  # data from C4, blanks inside, a blank row, text, dates and numbers mixed
    for r in range(4, 30):
        if r != 9:
            offset.cell(r, 3, f"C{r}")
            offset.cell(r, 5, date(2026, 1, r) if r % 3 else None)
            offset.cell(r, 6, r * 1.5 if r % 4 else "")
    full = wb.create_sheet("Full")
    for r in range(1, 20):
        for c in range(1, 5):
            full.cell(r, c, r * c)
    wb.create_sheet("Empty")
    ragged = wb.create_sheet("Ragged")
    ragged["B2"] = " "
    ragged["A7"] = datetime(2026, 5, 1, 9, 30)
    path = tmp_path / "rows.xlsx"
    wb.save(path)
    for book_path in (path, EXCEL_MADE / "merge_range01.xlsx", EXCEL_MADE / "table10.xlsx"):
        book = python_calamine.CalamineWorkbook.from_path(str(book_path))
        try:
            for name in book.sheet_names:
                sheet = book.get_sheet_by_name(name)
                assert source_file._rows(sheet) == rows_one_by_one(sheet), (book_path.name, name)
        finally:
            book.close()


def good_value(column: S.Column, rng: random.Random) -> object:
    """A value the column's shortcut reads (most cells of a kept workbook)."""
    kind = column.kind
    if kind is Kind.DATE:
        return rng.choice([date(2026, 1, rng.randint(1, 28)), datetime(2026, 2, rng.randint(1, 28))])
    if kind in (Kind.MONEY, Kind.DECIMAL, Kind.AMOUNT, Kind.PCT):
        return rng.choice([0.0, 1.0, 0.25, 12.5, 4.0, 0.15])
    if kind is Kind.YN:
        return rng.choice(["Y", "n", " yes", "FALSE"])
    if kind is Kind.CHOICE:
        return rng.choice(column.choices).upper()
    if kind is Kind.PERIOD:
        return "2026-11"
    return rng.choice(["C1", " Acme ", "é ü 中", "x"])


def bad_sheet(sheet: S.Sheet, rng: random.Random) -> RawSheet:
    """The sheet's header, then rows where each column is clean, clean with blanks, or holds odd cells (wrong types,
    control characters, blanks of spaces, Excel errors, merged-over cells), and some blank rows."""
    modes = [rng.choice(["clean", "blanks", "odd"]) for _ in sheet.columns]
    odd = [*ODD_VALUES, excel_error("#REF!"), merged_over("A9:B9"), None]
    rows: list[list[object]] = [[c.header for c in sheet.columns]]
    for number in range(60):
        if number % 17 == 5:
            rows.append([] if number % 2 else [None, "  "])
            continue
        row = []
        for column, mode in zip(sheet.columns, modes, strict=True):
            if mode == "odd" and rng.random() < 0.3:
                row.append(rng.choice(odd))
            elif mode == "blanks" and rng.random() < 0.4:
                row.append(None)
            else:
                row.append(good_value(column, rng))
        rows.append(row)
    return RawSheet(sheet.name, rows)


def plain_records(sheet: S.Sheet, table: Table) -> list[object]:
    """Records with every field made by its kind's expression (nothing passed as already read)."""
    record, renames = build.RECORDS[sheet.name]
    return build.record_builder(sheet, record, renames, plain=lambda column, values: False)(table)


@pytest.mark.parametrize("sheet", [s for s in S.INPUT_SHEETS if s.name in build.RECORDS], ids=lambda s: s.name)
def test_a_sheet_read_a_column_at_a_time_reads_as_cell_by_cell(sheet: S.Sheet) -> None:
    rng = random.Random(sheet.name)
    for _ in range(6):
        raw = bad_sheet(sheet, rng)
        fast, fast_problems = read_table(raw, sheet)
        slow, slow_problems = read_table(raw, sheet, shortcuts=False)
        assert fast_problems == slow_problems
        assert (fast.numbers, fast.ok) == (slow.numbers, slow.ok)
        for header in fast.values:
            assert [(v, type(v)) for v in fast.values[header]] == [(v, type(v)) for v in slow.values[header]]
        assert fast.rows() == slow.rows()
        records = build.build_table_records(sheet, fast)
        assert records == plain_records(sheet, slow)
        assert [repr(r) for r in records] == [repr(r) for r in plain_records(sheet, slow)]
        made = [dataclasses.replace(r) for r in records]  # each field through the dataclass's own __init__
        assert made == records and [list(vars(r).items()) for r in made] == [list(vars(r).items()) for r in records]


def test_a_clean_column_takes_the_shortcut_and_reads_its_values() -> None:
    rows: list[list[object]] = [[c.header for c in S.PAYMENTS.columns]]
    rows += [[f"P{i}", " C1", datetime(2026, 1, 2), 10.5 + i, "ach", None, None, None, "r", None] for i in range(3)]
    table, problems = read_table(RawSheet("Payments", rows), S.PAYMENTS)
    assert problems == [] and table.numbers == [2, 3, 4] and all(table.ok)
    assert table.values["Client ID"] == ["C1"] * 3 and table.values["Date"] == [date(2026, 1, 2)] * 3
    assert table.values["Amount"] == [Decimal("10.5"), Decimal("11.5"), Decimal("12.5")]
    assert table.values["Method"] == ["ACH"] * 3 and table.values["Status"] == ["cleared"] * 3
    [payment, *_] = build.build_table_records(S.PAYMENTS, table)
    assert (payment.id, payment.client_id, payment.return_code, payment.row) == ("P0", "C1", "", 2)


def test_the_register_is_built_from_its_columns() -> None:
    invoices = [[c.header for c in S.INVOICES.columns],
                ["INV-000002", "C1", "Acme", "managed", "2026-11", date(2026, 11, 1), date(2026, 11, 16), 30.0, 0.0,
                 30.0, 3.0, None, None, None, "a.docx"],
                ["INV-000003", "C2", "Bolt", "service", "2026-11", None, date(2026, 11, 16), None, None, 5.0]]
    lines = [[c.header for c in S.INVOICE_LINES.columns],
             ["INV-000002", 2.0, "STD", "Standard", 2.0, 10.0, 20.0, "Yes"],
             ["INV-000002", 1.0, "BASE", "Base plan", None, None, 10.0, None],
             ["INV-000009", 1.0, "X", "Orphan", 1.0, 1.0, 1.0, "N"]]
    inv_table, _ = read_table(RawSheet("Invoices", invoices), S.INVOICES)
    line_table, _ = read_table(RawSheet("InvoiceLines", lines), S.INVOICE_LINES)
    [invoice], problems = build.build_register(inv_table, line_table)
    assert [(p.cell, p.message) for p in problems] == [("A3", "register row is missing Issue Date")]
    assert invoice.lines == (
        InvoiceLine(1, "BASE", "Base plan", Decimal(0), Decimal(0), Decimal(10), False),
        InvoiceLine(2, "STD", "Standard", Decimal(2), Decimal(10), Decimal(20), True),
    )
    assert [list(vars(line).items()) for line in invoice.lines] == [
        list(vars(dataclasses.replace(line)).items()) for line in invoice.lines]
    assert (invoice.number, invoice.total, invoice.billed_users, invoice.billed_devices, invoice.file, invoice.row) == (
        "INV-000002", Decimal(30), 3, None, "a.docx", 2)


def test_the_sheets_are_split_once_each_into_two_groups_of_about_the_same_size() -> None:
    sizes = {"Users": 10_000, "Payments": 9_000, "WorkLog": 7_700, "Devices": 2_800, "Clients": 1_500, "Runs": 5}
    mine, theirs = source_file._split([*sizes, "Chart"], sizes)
    assert sorted(mine + theirs) == sorted([*sizes, "Chart"])
    load = [sum(sizes.get(name, 0) for name in group) for group in (mine, theirs)]
    assert abs(load[0] - load[1]) <= 2 * sum(sizes.values()) // 6 and load[0] <= load[1]
