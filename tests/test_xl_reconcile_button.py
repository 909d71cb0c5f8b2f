"""The Reconcile button, on Windows and on macOS: the vendor files picked in the add-in's file dialog reconciled
against the open workbook, giving the Reconcile and Proposed Changes sheets `mspxl reconcile --propose` gives on the
same file, the money at stake in the message box, a Runs row, one save; nothing written without a file or with a
bad one."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from test_xl_buttons import read_book, sheet_values
from xlfake import open_book

from mspxl.commands.reconcile import money_at_stake, run_reconcile
from mspxl.resources import sample_workbook
from mspxl.workbook.source_file import read_raw
from mspxl.xl import buttons
from mspxl.xl.controls import BILLING_PERIOD, write_control
from mspxl.xl.excel import Excel

ROOT = Path(__file__).resolve().parents[1]
MICROSOFT = ROOT / "samples" / "vendor" / "partner-center-2026-12.csv"
RMM = ROOT / "samples" / "vendor" / "ninjaone-devices-2026-12.csv"
TODAY = date(2026, 12, 20)


@pytest.fixture
def sample(engine: object, tmp_path: Path) -> tuple[Path, object]:
    """The sample workbook twice, its Billing Period set to December: a file for the command line, an open book."""
    (tmp_path / "cli").mkdir()
    (tmp_path / "xl").mkdir()
    path = Path(shutil.copy(sample_workbook(), tmp_path / "cli" / "northwind.xlsx"))
    xl = open_book(Path(shutil.copy(sample_workbook(), tmp_path / "xl" / "northwind.xlsx")), engine)
    book = Excel(xl)
    write_control(book, book.read(), BILLING_PERIOD, "2026-12")  # the accountant types the month on Settings
    return path, xl


def test_reconcile_gives_what_the_command_line_gives(sample: tuple[Path, object]) -> None:
    path, xl = sample
    cli = [run_reconcile(path, "2026-12", vendor, TODAY, propose=True) for vendor in (MICROSOFT, RMM)]
    message = buttons.reconcile_vendor_files(xl, files=f"{MICROSOFT}\n{RMM}", today=TODAY)

    assert message.startswith(" ".join(money_at_stake(run) for run in cli))
    # Microsoft 365 at $22.00 a seat: C002 billed 13 for 14 seats, C007 22 for 24: 1 x 22.00 + 2 x 22.00 = 66.00;
    # C024 has 6 seats and no subscription: 6 x 22.00 = 132.00 of new revenue.
    assert ("Money at stake a month: $198.00 to bill (under-billed $66.00, new revenue $132.00); over-billed $0.00; "
            "billed without vendor data $0.00; unmapped vendor cost $99.40.") in message
    findings = sum(len(run.result.findings) for run in cli)
    proposed = sum(len(run.proposals) for run in cli)
    assert findings > 4 and proposed > 0
    assert message.endswith(f" {findings} finding(s) are on the Reconcile sheet, {proposed} proposed change(s) to "
                            "make by hand on the Proposed Changes sheet.")
    assert xl.impl.app.alerts == [(message, "MSP Billing")]  # type: ignore[attr-defined]
    assert xl.impl.saved == 1  # type: ignore[attr-defined]

    cli_raw, xl_raw = read_raw(path), read_book(xl)
    for name in ("Reconcile", "Proposed Changes"):
        assert sheet_values(xl_raw[name].rows) == sheet_values(cli_raw[name].rows), name
    reconcile = xl_raw["Reconcile"].rows
    finding = reconcile[0].index("Finding")
    under = [row for row in reconcile[1:] if row[finding] == "under-billed" and row[1] == "M365"]
    assert [(row[0], row[3], row[4], row[7]) for row in under] == [("C002", 13, 14, 22), ("C007", 22, 24, 44)]
    runs = xl_raw["Runs"].rows
    assert runs[-1][runs[0].index("Command")] == "reconcile (ribbon)"
    assert "--vendor-file partner-center-2026-12.csv --vendor-file ninjaone-devices-2026-12.csv --propose" in str(
        runs[-1][runs[0].index("Arguments")])


def test_without_a_vendor_file_nothing_is_written(sample: tuple[Path, object]) -> None:
    _, xl = sample
    before = read_book(xl)
    message = buttons.reconcile_vendor_files(xl, today=TODAY)
    assert message == buttons.VENDOR_FILES_NEEDED
    after = read_book(xl)
    assert {n: s.rows for n, s in after.items() if n != "mspxl Log"} == {n: s.rows for n, s in before.items()}
    assert xl.impl.saved == 0  # type: ignore[attr-defined]


def test_a_bad_vendor_file_is_named_with_its_row_and_nothing_is_written(sample: tuple[Path, object],
                                                                        tmp_path: Path) -> None:
    _, xl = sample
    bad = tmp_path / "generic.csv"
    bad.write_text("Vendor Customer,Vendor Item,Quantity,Unit Cost\nGranite Peak Accounting,M365,twelve,19.80\n")
    before = {name: sheet.rows for name, sheet in read_book(xl).items()}
    message = buttons.reconcile_vendor_files(xl, files=f"{MICROSOFT}\n{bad}", today=TODAY)
    assert message.startswith("generic.csv has 1 problem(s); nothing was written.")
    assert "row 2" in message and "twelve" in message and message.endswith("Fix the file and press Reconcile again.")
    assert {n: s.rows for n, s in read_book(xl).items() if n != "mspxl Log"} == before
    assert xl.impl.saved == 0  # type: ignore[attr-defined]
    log = [str(row) for row in Excel(xl).read()["mspxl Log"].rows]
    assert any("twelve" in row for row in log)
