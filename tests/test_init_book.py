"""`mspxl init` and the sample workbook: layout, formats, validations, Settings, no overwrite, determinism."""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest
import python_calamine
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from mspxl import schema
from mspxl.init_book import LAST_VALIDATED_ROW, MONEY_FORMAT, create_workbook
from mspxl.schema import Kind
from mspxl.settings import SETTING_DEFS, default_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SCRIPT = ROOT / "samples" / "make_sample.py"
COMMITTED_SAMPLE = ROOT / "samples" / "northwind.xlsx"


@pytest.fixture(scope="module")
def new_book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("init") / "new.xlsx"
    create_workbook(path)
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def make_sample() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample", SAMPLE_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_sample"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def header_row(ws: Worksheet) -> list[object]:
    return [cell.value for cell in ws[1]]


def column_letter(sheet: schema.Sheet, header: str) -> str:
    return get_column_letter(1 + [c.header for c in sheet.columns].index(header))


def validation_for(ws: Worksheet, cell: str) -> DataValidation:
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{cell}: {len(found)} validations"
    return found[0]


def test_every_sheet_in_order_with_its_headers(new_book: openpyxl.Workbook) -> None:
    expected = [s.name for s in schema.INPUT_SHEETS] + list(schema.OUTPUT_SHEETS)
    assert new_book.sheetnames == expected
    for sheet in schema.INPUT_SHEETS:
        assert header_row(new_book[sheet.name]) == [c.header for c in sheet.columns]
    for name, columns in schema.OUTPUT_SHEETS.items():
        assert header_row(new_book[name]) == [h for h, _ in columns]
        assert new_book[name].max_row == 1


def test_headers_are_bold_filled_and_frozen(new_book: openpyxl.Workbook) -> None:
    for ws in new_book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        for cell in ws[1]:
            assert cell.font.bold, f"{ws.title}!{cell.coordinate}"
            assert cell.fill.fill_type == "solid", f"{ws.title}!{cell.coordinate}"


def test_column_widths_come_from_the_schema(new_book: openpyxl.Workbook) -> None:
    for sheet in schema.INPUT_SHEETS:
        ws = new_book[sheet.name]
        for index, column in enumerate(sheet.columns, start=1):
            width = ws.column_dimensions[get_column_letter(index)].width
            assert width == column.width, (sheet.name, column.header)


def test_number_formats_on_data_columns(new_book: openpyxl.Workbook) -> None:
    clients = new_book["Clients"].column_dimensions
    assert clients[column_letter(schema.CLIENTS, "Start Date")].number_format == "yyyy-mm-dd"
    assert clients[column_letter(schema.CLIENTS, "Tax Rate")].number_format == "0.00%"
    assert clients[column_letter(schema.CLIENTS, "Hourly Rate")].number_format == MONEY_FORMAT
    assert clients[column_letter(schema.CLIENTS, "Bank Routing")].number_format == "@"  # keeps leading zeros
    assert new_book["Usage"].column_dimensions[column_letter(schema.USAGE, "Period")].number_format == "@"
    assert new_book["Payments"].column_dimensions[column_letter(schema.PAYMENTS, "Amount")].number_format == (
        MONEY_FORMAT)
    invoices = new_book["Invoices"].column_dimensions
    assert invoices["F"].number_format == "yyyy-mm-dd"  # Issue Date
    assert invoices["J"].number_format == MONEY_FORMAT  # Total


def test_choice_and_yes_no_columns_have_drop_down_lists(new_book: openpyxl.Workbook) -> None:
    model = validation_for(new_book["Services"], f"{column_letter(schema.SERVICES, 'Model')}2")
    assert model.type == "list"
    assert model.formula1 == '"flat,per_user,per_device,usage"'
    assert f"{column_letter(schema.SERVICES, 'Model')}{LAST_VALIDATED_ROW}" in model.sqref
    method = validation_for(new_book["Payments"], f"{column_letter(schema.PAYMENTS, 'Method')}40")
    assert method.formula1 == '"ACH,check,card,wire"'
    status = validation_for(new_book["Payments"], f"{column_letter(schema.PAYMENTS, 'Status')}2")
    assert status.formula1 == '"cleared,returned,pending"'
    autopay = validation_for(new_book["Clients"], f"{column_letter(schema.CLIENTS, 'Autopay')}2")
    assert autopay.formula1 == '"Y,N"'
    for sheet in schema.INPUT_SHEETS:
        for column in sheet.columns:
            if column.kind in (Kind.CHOICE, Kind.YN):
                dv = validation_for(new_book[sheet.name], f"{column_letter(sheet, column.header)}2")
                assert dv.type == "list", (sheet.name, column.header)
    assert new_book["Clients"].data_validations.dataValidation  # header row itself is never validated
    assert not [dv for dv in new_book["Clients"].data_validations.dataValidation if "G1" in dv.sqref]


def test_each_input_sheet_is_a_table_named_after_it(new_book: openpyxl.Workbook) -> None:
    for sheet in schema.INPUT_SHEETS:
        tables = new_book[sheet.name].tables
        name = schema.table_name(sheet.name)  # "Price Changes" -> PriceChanges: a table name holds no space
        assert list(tables) == [name]
        table = tables[name]
        assert table.ref.startswith("A1:" + get_column_letter(len(sheet.columns)))
        assert table.tableStyleInfo.name == "TableStyleMedium2"
        assert [c.name for c in table.tableColumns] == [c.header for c in sheet.columns]


def test_settings_sheet_lists_every_setting_with_default_and_description(new_book: openpyxl.Workbook) -> None:
    rows = list(new_book["Settings"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [d.name for d in SETTING_DEFS]
    assert [r[2] for r in rows] == [d.description for d in SETTING_DEFS]
    values = {r[0]: r[1] for r in rows}
    assert values["Invoice Day"] == 5
    assert values["ACH Day"] == 1
    assert Decimal(str(values["Retry Fee %"])) == Decimal("0.15")
    assert values["True-Down Months"] == "1,7"
    assert values["Invoice Prefix"] == "INV-"
    assert values["Tax Labor"] == "N"
    assert values["Default Hourly Rate"] is None
    for defn in SETTING_DEFS:
        expected = default_text(defn)
        if isinstance(expected, str | int) and expected != "":
            assert values[defn.name] == expected, defn.name
    fee_row = 2 + [d.name for d in SETTING_DEFS].index("Retry Fee %")
    assert new_book["Settings"].cell(row=fee_row, column=2).number_format == "0.00%"


def test_calamine_sees_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    create_workbook(path)
    book = python_calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    try:
        assert sorted(book.table_names) == sorted(schema.table_name(s.name) for s in schema.INPUT_SHEETS)
        assert book.get_sheet_by_name("Users").to_python()[0] == [c.header for c in schema.USERS.columns]
    finally:
        book.close()


def test_refuses_to_overwrite_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"the accountant's work")
    with pytest.raises(FileExistsError):
        create_workbook(path)
    assert path.read_bytes() == b"the accountant's work"
    fresh = tmp_path / "sub" / "fresh.xlsx"
    create_workbook(fresh)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["book.xlsx", "fresh.xlsx"]


def test_only_xlsx(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        create_workbook(tmp_path / "book.xlsm")
    assert not any(tmp_path.iterdir())


# ---------------------------------------------------------------- the sample workbook


def cell_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def test_sample_is_deterministic(make_sample: ModuleType, tmp_path: Path) -> None:
    first = cell_values(make_sample.main(tmp_path / "a.xlsx"))
    second = cell_values(make_sample.main(tmp_path / "b.xlsx"))
    assert first == second
    assert len(first["Clients"]) == 26  # header + 25 clients


def test_committed_sample_matches_a_fresh_generation(make_sample: ModuleType, tmp_path: Path) -> None:
    assert cell_values(COMMITTED_SAMPLE) == cell_values(make_sample.main(tmp_path / "fresh.xlsx"))


def test_sample_tables_cover_the_data(tmp_path: Path, make_sample: ModuleType) -> None:
    book = openpyxl.load_workbook(make_sample.main(tmp_path / "s.xlsx"))
    users = book["Users"]
    assert users.tables["Users"].ref == f"A1:E{users.max_row}"
    assert book["Settings"]["B2"].value == "Northwind Managed IT"


def test_sample_bank_details(make_sample: ModuleType) -> None:
    assert make_sample.aba_is_valid("011000015")
    assert make_sample.aba_is_valid("021000021")
    assert not make_sample.aba_is_valid("021000022")
    for client in make_sample.build_sample().clients:
        assert make_sample.aba_is_valid(client["Bank Routing"]), client["Client ID"]
        assert 8 <= len(client["Bank Account"]) <= 12 and client["Bank Account"].isdigit()


def test_sample_expected_invoices_by_hand(make_sample: ModuleType) -> None:
    expected = make_sample.expected_invoices(make_sample.build_sample())
    invoices = {(i.client_id, i.type, i.period): i for i in expected}
    # C001 is first in the Clients sheet: its October managed invoice is the first number.
    assert invoices["C001", "managed", "2026-10"].number == "INV-000001"
    # C013: 5 users x 125.00 = 625.00, tax 8.25% = 51.5625 -> 51.56.
    assert invoices["C013", "managed", "2026-10"].total == Decimal("676.56")
    # C004: 6 users x 85.00 + 7 devices x 6.50 + storage 212 GB under the 500 GB allowance (0.00).
    assert invoices["C004", "managed", "2026-10"].total == Decimal("555.50")
    # C010, quarterly, first billed Dec 2025: Dec 2026 - Feb 2027 = 9 x 125.00 x 3 + 10 x 6.50 x 3.
    assert invoices["C010", "managed", "2026-12"].total == Decimal("3570.00")
    assert ("C010", "managed", "2026-11") not in invoices
    # C020 is inactive: no managed invoice, but September's 2 h of work at the default 150.00.
    assert invoices["C020", "service", "2026-10"].total == Decimal("300.00")
    assert not [k for k in invoices if k[0] == "C020" and k[1] == "managed"]
    # C021 ended 2026-10-31: billed for October only.
    assert ("C021", "managed", "2026-10") in invoices and ("C021", "managed", "2026-11") not in invoices


def test_sample_payments_tell_the_collections_story(make_sample: ModuleType) -> None:
    payments = make_sample.build_sample().payments
    returned = [(p["Client ID"], p["Date"].isoformat()) for p in payments if p["Status"] == "returned"]
    assert returned == [("C013", "2026-11-02"), ("C016", "2026-11-04"), ("C016", "2026-11-13"),
                        ("C011", "2026-12-03"), ("C011", "2026-12-11")]
    assert all(p["Return Code"] == "R01" for p in payments if p["Status"] == "returned")
    by_client: dict[str, list[dict[str, object]]] = {}
    for p in payments:
        by_client.setdefault(p["Client ID"], []).append(p)
    # C013's retry is the returned 676.56 plus the 15% fee (101.484 -> 101.48).
    amounts = [p["Amount"] for p in by_client["C013"]]
    assert amounts == [Decimal("676.56"), Decimal("778.04"), Decimal("676.56")]
    # C001 pays October by check: 8 users x 125.00 + 9 devices x 6.50 = 1,058.50, tax 8.25% = 87.33.
    check = by_client["C001"]
    assert [(p["Method"], p["Invoice Number"], p["Amount"]) for p in check] == [
        ("check", "INV-000001", Decimal("1145.83"))]
    assert "C020" not in by_client
    assert [p["Method"] for p in by_client["C007"]] == ["ACH", "wire"]
    assert len({p["Payment ID"] for p in payments}) == len(payments)
