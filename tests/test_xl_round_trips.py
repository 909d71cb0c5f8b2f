"""Generate Invoices talks to Excel in few round trips: each sheet read with one call, each register block written
whole, never cell by cell. The engine counts every call that would cross to Excel (COM on Windows, Apple events on
a Mac); the count must not grow with the number of clients."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from xlbooks import TODAY
from xlfake import open_book

from mspxl.audit import fingerprint
from mspxl.xl import buttons
from mspxl.xl.excel import Excel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from make_book import make_book  # noqa: E402

# Per sheet: its name once, a used range, one read (two more on a Mac: the error-cell queries) and its tables; then
# per block written: number formats and one value assignment, plus what xlwings itself asks along the way.
BOUND = 300


@pytest.fixture(scope="module")
def book_500(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_book(500, tmp_path_factory.mktemp("round-trips") / "book-500.xlsx")


def test_generate_invoices_on_500_clients_in_few_round_trips(engine: object, book_500: Path,
                                                            tmp_path: Path) -> None:
    path = Path(tmp_path / "book.xlsx")
    path.write_bytes(book_500.read_bytes())
    xl = open_book(path, engine, values_only=True)
    calls = xl.impl.app.calls
    calls.clear()
    message = buttons.generate_invoices(xl, today=TODAY)
    assert message.startswith("2026-11: issued 925 invoice(s)"), message
    total = sum(calls.values())
    assert total <= BOUND, dict(calls)
    sheets = len(xl.sheets)
    assert calls["write"] <= 10 and calls["number_format"] <= 20, dict(calls)  # blocks, not rows
    # every sheet read once: the Runs row's fingerprint after is of what was read and what was written since
    assert calls["used_range"] == sheets and calls["read"] == sheets, dict(calls)
    runs = Excel(xl).read()
    [row] = runs["Runs"].rows[1:]
    assert row[7] == fingerprint(runs)  # the same as the workbook read afresh from Excel
