"""`mspxl init`: a new, empty workbook with every sheet, header, number format and data validation.

The layout comes from `mspxl.schema` and `mspxl.settings`, so a new workbook always matches what the reader
expects. Each input sheet is an Excel table (named after the sheet) over its header row and data rows; output
sheets are plain ranges, since mspxl rewrites them on every run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from mspxl import schema
from mspxl.schema import Column, Kind, Sheet
from mspxl.settings import SETTING_DEFS, SettingDef, default_text

LAST_VALIDATED_ROW = 5000
TABLE_STYLE = "TableStyleMedium2"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill(fill_type="solid", fgColor="1F4E78")

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = '"$"#,##0.00'
PCT_FORMAT = "0.00%"
TEXT_FORMAT = "@"
INT_FORMAT = "0"
# Quantities and hours stay "General": Excel's "0.##" shows a whole number with a trailing dot ("12.").
DECIMAL_FORMAT = "General"

# Number format of a column, by its kind's value (so a kind added to the schema later falls back to General).
NUMBER_FORMATS: dict[str, str] = {
    Kind.DATE.value: DATE_FORMAT,
    Kind.MONEY.value: MONEY_FORMAT,
    "amount": MONEY_FORMAT,
    Kind.PCT.value: PCT_FORMAT,
    Kind.DECIMAL.value: DECIMAL_FORMAT,
    Kind.ID.value: TEXT_FORMAT,  # keeps leading zeros (bank routing numbers) and IDs as typed
    Kind.PERIOD.value: TEXT_FORMAT,  # stops Excel turning "2026-11" into a date
}

# Output sheets name their kinds with plain words (schema.OUTPUT_SHEETS).
OUTPUT_FORMATS: dict[str, str] = {
    "date": DATE_FORMAT,
    "money": MONEY_FORMAT,
    "int": INT_FORMAT,
    "decimal": DECIMAL_FORMAT,
}

OUTPUT_WIDTHS: dict[str, int] = {
    "Client Name": 30,
    "Description": 44,
    "Notes": 50,
    "File": 40,
    "Next Action": 28,
    "Oldest Unpaid Invoice": 14,
}

SETTING_VALUE_FORMATS: dict[str, str] = {"pct": PCT_FORMAT, "money": MONEY_FORMAT}

YES_NO = ("Y", "N")


def column_format(column: Column) -> str:
    """The number format of an input column's data cells."""
    return NUMBER_FORMATS.get(column.kind.value, "General")


def build_workbook() -> Workbook:
    """A workbook holding every input sheet (with the Settings rows filled in) and the empty output sheets."""
    book = Workbook()
    book.remove(book.active)
    for sheet in schema.INPUT_SHEETS:
        ws = book.create_sheet(sheet.name)
        _lay_out_input_sheet(ws, sheet)
    write_settings(book[schema.SETTINGS.name])
    for name, columns in schema.OUTPUT_SHEETS.items():
        _lay_out_output_sheet(book.create_sheet(name), columns)
    book.active = 0
    return book


def create_workbook(path: Path) -> None:
    """Write a new, empty workbook at `path`; an existing file is never overwritten (FileExistsError)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path.name}: a new workbook must be an .xlsx file")
    if path.exists():
        raise FileExistsError(f"{path} already exists; mspxl init never overwrites a workbook")
    save_workbook(build_workbook(), path)


def save_workbook(book: Workbook, path: Path, *, overwrite: bool = False) -> None:
    """Save to a temporary file beside `path`, then move it into place, so a crash leaves no half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        temp.chmod(0o666 & ~_umask())  # mkstemp makes the file private; a workbook gets the usual permissions
        book.save(temp)
        if not overwrite and path.exists():
            raise FileExistsError(f"{path} already exists; mspxl init never overwrites a workbook")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def fill_sheet(ws: Worksheet, sheet: Sheet, rows: Sequence[Mapping[str, object]]) -> None:
    """Write data rows (header -> value) from row 2 with their columns' number formats; fit the sheet's table.

    Headers not in the sheet's schema are an error: a typo would otherwise silently drop a value.
    """
    headers = [col.header for col in sheet.columns]
    for number, values in enumerate(rows, start=2):
        unknown = set(values) - set(headers)
        if unknown:
            raise KeyError(f"{sheet.name}: no column {sorted(unknown)}")
        for index, column in enumerate(sheet.columns, start=1):
            value = values.get(column.header)
            if value is None or value == "":
                continue
            cell = ws.cell(row=number, column=index, value=value)
            cell.number_format = column_format(column)
    fit_table(ws, sheet, len(rows))


def fit_table(ws: Worksheet, sheet: Sheet, data_rows: int) -> None:
    """Make the sheet's table cover the header and `data_rows` rows (at least one row, which may be empty)."""
    table = ws.tables.get(sheet.name)
    if table is None:
        return
    ref = f"A1:{get_column_letter(len(sheet.columns))}{max(data_rows, 1) + 1}"
    table.ref = ref
    if table.autoFilter is not None:
        table.autoFilter.ref = ref


def _lay_out_input_sheet(ws: Worksheet, sheet: Sheet) -> None:
    _write_headers(ws, [col.header for col in sheet.columns])
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        fmt = column_format(column)
        if fmt != "General":
            dimension.number_format = fmt
        validation = _validation(column)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{LAST_VALIDATED_ROW}")
            ws.add_data_validation(validation)
    table = Table(displayName=schema.table_name(sheet.name), ref=f"A1:{get_column_letter(len(sheet.columns))}2")
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)


def _lay_out_output_sheet(ws: Worksheet, columns: tuple[tuple[str, str], ...]) -> None:
    _write_headers(ws, [header for header, _ in columns])
    for index, (header, kind) in enumerate(columns, start=1):
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = OUTPUT_WIDTHS.get(header, max(12, len(header) + 3))
        fmt = OUTPUT_FORMATS.get(kind)
        if fmt is not None and fmt != "General":
            dimension.number_format = fmt


def _write_headers(ws: Worksheet, headers: Sequence[str]) -> None:
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=index, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    ws.freeze_panes = "A2"


def _validation(column: Column) -> DataValidation | None:
    """A drop-down list for choice and Y/N columns; a 0-100% range check for percentages."""
    if column.kind == Kind.CHOICE:
        return _list_validation(column, column.choices, "stop")
    if column.kind == Kind.YN:
        # Yes/No and TRUE/FALSE are read too, so another word only warns.
        return _list_validation(column, YES_NO, "warning")
    if column.kind == Kind.PCT:
        return DataValidation(
            type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle=column.header,
            error="Enter a percentage between 0% and 100% (8.25% is stored as 0.0825).",
        )
    return None


def _list_validation(column: Column, choices: Sequence[str], style: str) -> DataValidation:
    listed = ", ".join(choices)
    return DataValidation(
        type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
        showErrorMessage=True, errorStyle=style, errorTitle=column.header,
        error=f"{column.header} is one of: {listed}.",
        showInputMessage=False,
    )


def write_settings(ws: Worksheet, values: Mapping[str, object] | None = None) -> None:
    """One Settings row per setting, in SETTING_DEFS order: its value (`values[name]`, else the default) and
    description. Percentages and amounts show as such; every value is left-aligned, as typed text would be."""
    values = dict(values or {})
    unknown = set(values) - {d.name for d in SETTING_DEFS}
    if unknown:
        raise KeyError(f"Settings: no setting {sorted(unknown)}")
    fill_sheet(ws, schema.SETTINGS, [_setting_row(d, values) for d in SETTING_DEFS])
    value_col = 1 + [c.header for c in schema.SETTINGS.columns].index("Value")
    for number, defn in enumerate(SETTING_DEFS, start=2):
        cell = ws.cell(row=number, column=value_col)
        cell.number_format = SETTING_VALUE_FORMATS.get(defn.kind, "General")
        cell.alignment = Alignment(horizontal="left")


def _setting_row(defn: SettingDef, values: Mapping[str, object]) -> dict[str, object]:
    value = values[defn.name] if defn.name in values else default_text(defn)
    return {"Setting": defn.name, "Value": value, "Description": defn.description}
