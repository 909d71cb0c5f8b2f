"""Export to Accounting on the ribbon, through xlwings over the fake Excel (Windows and macOS), gives what
`mspxl export` gives on the same workbook: the same IIF file, the same Exports rows, a Runs row; pressed again it
writes nothing new; without an Accounting System it says what to set."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bookdata import SERVICES
from test_xl_buttons import read_book
from xlbooks import TODAY, sheets, twin

from mspxl.commands import invoice
from mspxl.commands.export import export_period
from mspxl.xl import buttons

MAPPED = [dict(s, **{"Income Account": "Managed Services", "Tax Code": "TAX"}) for s in SERVICES]
SETTINGS = {"Accounting System": "iif", "Accounting Income Account": "Labor Income"}


def test_the_button_writes_the_command_lines_file_and_exports_rows(engine: object, tmp_path: Path) -> None:
    path, xl = twin(tmp_path, engine, {**sheets(), "Services": MAPPED}, SETTINGS)
    assert buttons.export_to_accounting(xl, today=TODAY).startswith(  # a blank Billing Period: the month before
        "Nothing was issued in 2026-10: no invoice or credit note of book.xlsx has an Issue Date in that month; "
        "nothing was written.")
    invoice.invoice(path, "2026-11", TODAY)
    buttons.generate_invoices(xl, today=TODAY)
    message = buttons.export_to_accounting(xl, today=TODAY)
    out = tmp_path / "xl" / "book" / "quickbooks-2026-11.iif"
    assert message.startswith(f"{out}: 3 transactions for QuickBooks Desktop (IIF)"), message
    cli = export_period(path, None, "2026-11", datetime(2026, 11, 25, 9), tmp_path / "cli-out")
    assert out.read_bytes() == cli.files[0].path.read_bytes()
    rows = read_book(xl)["Exports"].rows
    assert [r[:4] for r in rows[1:]] == [["INV-000001", "iif", "managed invoice", "2026-11"],
                                        ["INV-000002", "iif", "managed invoice", "2026-11"],
                                        ["INV-000003", "iif", "service invoice", "2026-11"]]
    assert [r[2] for r in read_book(xl)["Runs"].rows[1:]][-1] == "export (ribbon)"
    again = buttons.export_to_accounting(xl, today=TODAY)
    assert "Nothing new to export to QuickBooks Desktop (IIF) for 2026-11." in again
    assert len(read_book(xl)["Exports"].rows) == 4


def test_without_an_accounting_system_the_button_says_what_to_set(engine: object, tmp_path: Path) -> None:
    _, xl = twin(tmp_path, engine)
    assert "Set Accounting System on the Settings sheet" in buttons.export_to_accounting(xl, today=TODAY)
