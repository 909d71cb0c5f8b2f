"""The period and the as-of date the buttons use: Settings rows `Billing Period` and `As Of`, visible to the
accountant. A blank row takes its default (the next period to bill, today) and the default is written back, so a
button never guesses silently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mspxl import schema as S
from mspxl.billing.calendar import BadPeriod, add_months, parse_period, period_of
from mspxl.problems import Problem, error
from mspxl.records import PERIOD_TYPES, Book
from mspxl.workbook.cells import CellError, read_date, read_text
from mspxl.workbook.raw import RawBook
from mspxl.xl.excel import Excel, excel_value
from mspxl.xl.write import DATE_FORMAT, TEXT_FORMAT, Layout, layout_of

BILLING_PERIOD = "Billing Period"
AS_OF = "As Of"
DESCRIPTIONS = {
    BILLING_PERIOD: "Period the Generate and Preview Invoices buttons bill (YYYY-MM); blank means the next period "
                    "to bill.",
    AS_OF: "Date Run Collections and the balance functions work as of; blank means today.",
}


class ControlError(Exception):
    """A Billing Period or As Of cell the buttons cannot use; `problem` names the cell."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


@dataclass(frozen=True)
class Control:
    name: str
    row: int | None  # Excel row of the Settings row, None when there is none
    value: object  # the raw cell value, None when blank


def find_control(raw: RawBook, name: str) -> Control:
    sheet = raw.get(_settings_name(raw))
    layout = layout_of(sheet, S.SETTINGS)
    if sheet is None or layout is None:
        return Control(name, None, None)
    key_col, value_col = layout.columns["Setting"] - 1, layout.columns["Value"] - 1
    for index in range(layout.header_row, len(sheet.rows)):
        row = sheet.rows[index]
        if key_col < len(row) and S.header_key(row[key_col] or "") == S.header_key(name):
            return Control(name, index + 1, row[value_col] if value_col < len(row) else None)
    return Control(name, None, None)


def _settings_name(raw: RawBook) -> str:
    for name in raw:
        if S.header_key(name) == S.header_key("Settings"):
            return name
    return "Settings"


def next_period_to_bill(book: Book, today: date) -> str:
    """The month after the latest period in the register, or this month when nothing has been issued."""
    periods = [inv.period for inv in book.invoices if inv.type in PERIOD_TYPES and inv.period]
    return add_months(max(periods), 1) if periods else period_of(today)


def billing_period(raw: RawBook, book: Book, today: date) -> tuple[str, bool]:
    """The period to bill and whether it is a default (to be written back)."""
    control = find_control(raw, BILLING_PERIOD)
    if control.value is None or read_text(control.value) == "":
        return next_period_to_bill(book, today), True
    text = read_text(control.value)
    candidate = text[:7] if len(text) == 10 and text[7] == "-" else text  # Excel turned 2026-11 into a date
    try:
        parse_period(candidate)
    except BadPeriod:
        raise ControlError(error("Settings", f"B{control.row}", BILLING_PERIOD,
                                 "is not a period (expected YYYY-MM, e.g. 2026-11)", text)) from None
    return candidate, False


def as_of_date(raw: RawBook, today: date) -> tuple[date, bool]:
    """The as-of date and whether it is a default (to be written back)."""
    control = find_control(raw, AS_OF)
    if control.value is None or read_text(control.value) == "":
        return today, True
    try:
        return read_date(control.value), False
    except CellError as exc:
        raise ControlError(error("Settings", f"B{control.row}", AS_OF, str(exc), read_text(control.value))) from None


def write_control(xl: Excel, raw: RawBook, name: str, value: object) -> None:
    """The Settings row `name` set to `value` (a period as text, a date as a date); the row is added when missing."""
    sheet = xl.find_sheet("Settings")
    layout = layout_of(raw.get(xl.sheet_name("Settings") or ""), S.SETTINGS) if sheet is not None else None
    if sheet is None or layout is None:
        sheet = sheet or xl.add_sheet("Settings")
        sheet.range((1, 1)).value = [["Setting", "Value", "Description"]]
        layout = Layout(1, {"Setting": 1, "Value": 2, "Description": 3}, 1)
    control = find_control(raw, name)
    row = control.row or layout.last_row + 1
    value_cell = sheet.range((row, layout.columns["Value"]))
    value_cell.number_format = DATE_FORMAT if isinstance(value, date) else TEXT_FORMAT
    value_cell.value = excel_value(value)
    if control.row is None:
        sheet.range((row, layout.columns["Setting"])).value = name
        if "Description" in layout.columns:
            sheet.range((row, layout.columns["Description"])).value = DESCRIPTIONS[name]
        layout.last_row = row
