"""The calamine reader and an openpyxl reader give the same records and the same problems on the same workbooks."""

from __future__ import annotations

import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from bookdata import client, write_book
from openpyxl.utils import range_boundaries

from mspxl.workbook.load import Loaded, load_raw
from mspxl.workbook.raw import RawBook, RawSheet, TableRef, clean_rows
from mspxl.workbook.source_file import read_raw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from make_book import book_rows, make_book  # noqa: E402

TODAY = date(2026, 11, 25)


def read_with_openpyxl(path: Path) -> RawBook:
    """Every worksheet's cached values and its Excel tables, read with openpyxl."""
    wb = openpyxl.load_workbook(path, data_only=True)
    result: RawBook = {}
    for ws in wb.worksheets:
        tables = []
        for name, ref in ws.tables.items():
            first_col, first_row, last_col, _ = range_boundaries(ref)
            tables.append(TableRef(name, first_row, first_col - 1, last_col - 1))
        rows = [[cell.value for cell in row] for row in ws.iter_rows()]
        result[ws.title] = RawSheet(ws.title, clean_rows(rows), tables)
    return result


def both(path: Path) -> tuple[Loaded, Loaded]:
    return load_raw(read_raw(path), TODAY), load_raw(read_with_openpyxl(path), TODAY)


def assert_agree(path: Path) -> Loaded:
    fast, reference = both(path)
    assert fast.problems == reference.problems
    assert fast.book == reference.book
    return fast


def test_the_bench_workbook_reads_the_same(tmp_path: Path) -> None:
    loaded = assert_agree(make_book(12, tmp_path / "bench.xlsx"))
    assert loaded.ok and len(loaded.book.clients) == 12
    assert len(loaded.book.work) == sum(1 for _ in book_rows(12)["WorkLog"])


def test_the_sample_workbook_reads_the_same() -> None:
    sample = ROOT / "samples" / "northwind.xlsx"
    if not sample.exists():
        pytest.skip("no sample workbook")
    assert assert_agree(sample).book.clients


def test_odd_and_bad_cells_give_the_same_problems(tmp_path: Path) -> None:
    rows = {
        "Clients": [client("C1", **{"Tax Rate": "8.25%", "Hourly Rate": "120"}),
                    client("X", **{"Client ID": 1002, "Start Date": "2026-13-01", "Autopay": "maybe"}),
                    client("C3", **{"Start Date": datetime(2026, 2, 1, 0, 0), "Frequency": "weekly"}),
                    client("C1", Name="+ duplicate id")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Quantity": 2.5, "Start Date": date(2026, 1, 1)},
                          {"Client ID": "C9", "Service Code": "NOPE", "Start Date": "soon"}],
        "Users": [{"Client ID": "C1", "User Name": f"u{i}", "Added On": date(2026, 1, 1)} for i in range(3)],
        "WorkLog": [{"Entry ID": 7, "Client ID": "C1", "Date": date(2026, 10, 3), "Hours": "1.5",
                     "Description": "@ setup"},
                    {"Entry ID": "W2", "Client ID": "C1", "Date": 46300, "Hours": -1, "Rate": Decimal("99.999"),
                     "Description": ""}],
        "Payments": [{"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 3, 1), "Amount": "12.345"}],
    }
    loaded = assert_agree(write_book(tmp_path / "odd.xlsx", rows))
    assert not loaded.ok and len(loaded.problems) >= 5


def test_a_written_register_reads_the_same(tmp_path: Path) -> None:
    from mspxl.billing.run import plan_period
    from mspxl.writers.changes import issue_changes
    from mspxl.writers.xlsx import update_workbook

    path = make_book(6, tmp_path / "bench.xlsx")
    fast, _ = both(path)
    plan = plan_period(fast.book, "2026-11")
    update_workbook(path, issue_changes(plan.new), "USD", "en_US", writer="package")
    loaded = assert_agree(path)
    assert len(loaded.book.invoices) == len(plan.new) > 0
