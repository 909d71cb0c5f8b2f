"""Every button of the ribbon, on Windows and on macOS: on the sample workbook (the same results as the command
line on the same file), and on a workbook with Excel error cells (each reported at its cell, nothing written)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from test_xl_buttons import read_book, sheet_values
from xlbooks import TODAY, select, twin
from xlfake import ErrorValue, grid_of, open_book

from mspxl.commands import collect, invoice
from mspxl.resources import sample_workbook
from mspxl.workbook.source_file import read_raw
from mspxl.xl import buttons
from mspxl.xl.ribbon import BUTTONS

AS_OF = date(2026, 12, 10)


def test_every_button_on_the_sample_workbook(engine: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cli").mkdir()
    (tmp_path / "xl").mkdir()
    path = Path(shutil.copy(sample_workbook(), tmp_path / "cli" / "northwind.xlsx"))
    xl = open_book(Path(shutil.copy(sample_workbook(), tmp_path / "xl" / "northwind.xlsx")), engine)
    opened: list[Path] = []
    monkeypatch.setattr(buttons, "open_folder", opened.append)
    said = {}
    for b in BUTTONS:  # the buttons that need no selection and no As Of, on the workbook as it comes
        if b.tag not in ("credit_note", "statement_for_client", "run_collections", "reconcile_vendor_files"):
            said[b.tag] = getattr(buttons, b.tag)(xl, today=TODAY) if b.tag != "show_help" else buttons.show_help(xl)
    assert said["check_workbook"].startswith("No problems found") or "ready to bill" in said["check_workbook"]
    assert said["preview_invoices"].startswith("2026-11: would issue")
    assert said["generate_invoices"].startswith("2026-11: issued")
    assert opened == [tmp_path / "xl" / "northwind"]
    assert not any("stopped" in m for m in said.values()), said

    invoice.invoice(path, "2026-11", TODAY)
    collect.collect(path, AS_OF, AS_OF)
    assert buttons.run_collections(xl, today=AS_OF).startswith("Collections as of 2026-12-10")
    cli_raw, xl_raw = read_raw(path), read_book(xl)
    for name in ("Invoices", "InvoiceLines", "WorkLog", "Usage", "Collections", "Aging"):
        assert sheet_values(xl_raw[name].rows) == sheet_values(cli_raw[name].rows), name
    select(xl, "Invoices", "A2")
    assert buttons.credit_note(xl, reason="Goodwill", today=AS_OF).startswith("CN-000001: credit of")
    assert buttons.statement_for_client(xl, today=AS_OF).startswith("Statement of ")


def with_error_cells(tmp_path: Path, engine: object) -> object:
    """A workbook where Excel shows errors: a price that lost its source (#REF!, a formula), a name looked up from
    a sheet that is gone (#N/A, typed), a start date from a formula that spills into a filled cell (#SPILL!) and a
    tax rate from a LAMBDA that cannot calculate (#CALC!)."""
    _, xl = twin(tmp_path, engine, settings={"Billing Period": "2026-11", "As Of": "2026-12-10"})
    subscriptions, clients = grid_of(xl, "Subscriptions"), grid_of(xl, "Clients")
    subscriptions.put(2, 4, "=Prices!B2", currency_ok=True)
    subscriptions.cells[(2, 4)] = ErrorValue("#REF!")
    clients.cells[(3, 2)] = ErrorValue("#N/A")
    subscriptions.put(3, 3, "=SEQUENCE(2)", currency_ok=True)
    subscriptions.cells[(3, 3)] = ErrorValue("#SPILL!")
    clients.put(2, 11, "=Rates(A2)", currency_ok=True)
    clients.cells[(2, 11)] = ErrorValue("#CALC!")
    return xl


WRITING = [b.tag for b in BUTTONS if b.tag not in ("show_help", "open_output_folder")]


@pytest.mark.parametrize("tag", WRITING)
def test_error_cells_are_reported_at_their_cells_by_every_button(engine: object, tmp_path: Path, tag: str) -> None:
    xl = with_error_cells(tmp_path, engine)
    select(xl, "Clients", "A2")
    before = {s.name: dict(grid_of(xl, s.name).cells) for s in xl.sheets}
    run = getattr(buttons, tag)
    message = run(xl, reason="x", today=TODAY) if tag == "credit_note" else run(xl, today=TODAY)
    log = {row[1]: row[3] for row in grid_of(xl, "mspxl Log").rows()[1:]}
    mac = engine.flavour.name == "mac"  # type: ignore[attr-defined]
    # Excel for Mac names the seven classic errors only; a newer one is reported as an error all the same
    newer = "#ERROR" if mac else None
    expected = {
        "Subscriptions!D2": '"#REF!"', "Clients!B3": '"#N/A"',
        "Subscriptions!C3": f'"{newer or "#SPILL!"}"', "Clients!K2": f'"{newer or "#CALC!"}"',
    }
    for place, shown in expected.items():
        assert shown + " is an Excel error value" in log[place], (place, log[place])
    assert "error(s)" in message and ("nothing was written" in message or "not ready to bill" in message)
    assert {s.name: dict(grid_of(xl, s.name).cells) for s in xl.sheets if s.name != "mspxl Log"} == before
    assert xl.impl.saved == 0 and not (tmp_path / "xl" / "book").exists()


def test_a_date_cell_reads_as_a_date_and_an_amount_exactly(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine)
    xl.sheets["Subscriptions"].range("D2").number_format = "$#,##0.00"
    xl.sheets["Subscriptions"].range("D2").value = 95.1
    raw = read_book(xl)
    assert raw["Subscriptions"].rows[1][3] == 95.1  # a Currency from COM, a float from AppleScript: one value
    users = raw["Users"].rows
    assert users[1][users[0].index("Added On")] == datetime(2026, 1, 1)  # pywintypes' date, naive
