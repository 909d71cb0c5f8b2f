"""Reading one cell by its column's kind. Each reader returns the value or raises `CellError` with what was expected."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from mspxl.money import NotANumber, to_decimal
from mspxl.schema import Column, Kind

EXCEL_EPOCH = date(1899, 12, 30)
MAX_SERIAL = 2958465  # 9999-12-31
PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
TRUE_WORDS = {"y", "yes", "true", "1"}
FALSE_WORDS = {"n", "no", "false", "0"}


EXCEL_TEXT_LIMIT = 32767  # the most characters an Excel cell holds
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CellError(ValueError):
    """A cell's value is not what its column expects; the message says what was expected."""


@dataclass(frozen=True)
class Unusable:
    """A cell the file holds but whose value cannot be used: an Excel error such as `#REF!`, a formula saved without
    its computed value, or a cell covered by merged cells. `shown` is what the accountant sees in the cell."""

    shown: str
    reason: str
    blank: bool = False  # a merged-over cell counts as blank when the rest of its row is blank

    def __str__(self) -> str:
        return self.shown


def excel_error(code: str) -> Unusable:
    return Unusable(code, "is an Excel error value: fix the formula or type the value")


def uncomputed_formula(formula: str) -> Unusable:
    return Unusable("=" + formula, "is a formula saved without its computed value (the file was written by a program "
                                   "that does not calculate): open the file in Excel, save it, and run again")


def merged_over(cell_range: str) -> Unusable:
    return Unusable("", f"is inside merged cells {cell_range}: unmerge them so every row has its own value",
                    blank=True)


def is_blank(value: object) -> bool:
    """An empty cell, spaces only, or a cell merged over by its neighbour."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, Unusable) and value.blank


def read_text(value: object) -> str:
    """The cell as text, as the accountant sees it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


def read_plain_text(value: object) -> str:
    """Text Excel can store again: at most 32,767 characters and no control characters (a tab or line break is
    fine)."""
    text = read_text(value)
    if len(text) > EXCEL_TEXT_LIMIT:
        raise CellError(f"is {len(text):,} characters long, more than an Excel cell holds ({EXCEL_TEXT_LIMIT:,})")
    control = CONTROL_CHARS.search(text)
    if control:
        raise CellError(f"contains the control character U+{ord(control.group()):04X}, which Excel cannot store: "
                        "retype the text")
    return text


def visible(text: str) -> str:
    """Control characters as their visible symbols (U+0007 as \u2407), so a message shows where they are."""
    return CONTROL_CHARS.sub(lambda m: chr(0x2421 if m.group() == "\x7f" else 0x2400 + ord(m.group())), text)


def read_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time | timedelta):  # a time of day, or a negative number in a cell formatted as a date
        raise CellError("is a time or a negative number, not a date (expected YYYY-MM-DD or an Excel date)")
    if isinstance(value, bool):
        raise CellError("is not a date (expected YYYY-MM-DD or an Excel date)")
    if isinstance(value, int | float):
        if 1 <= value <= MAX_SERIAL:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError("is not a date (an Excel date serial must be between 1 and 2958465)")
    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise CellError("is not a date (expected YYYY-MM-DD or an Excel date)") from None


def read_number(value: object) -> Decimal:
    try:
        number = to_decimal(value)
    except NotANumber:
        raise CellError("is not a number") from None
    if number < 0:
        raise CellError("must not be negative")
    return number


def read_amount(value: object) -> Decimal:
    try:
        return to_decimal(value)
    except NotANumber:
        raise CellError("is not a number") from None


def read_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = read_text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("is not Y or N (Yes/No and TRUE/FALSE are accepted too)")


def read_percentage(value: object) -> Decimal:
    """A fraction (0.15 shows as 15%); the text `15%` is accepted; a bare number above 1 is a typing slip."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = to_decimal(value.strip()[:-1]) / 100
        except NotANumber:
            raise CellError("is not a percentage (expected 0.15 or 15%)") from None
    else:
        try:
            number = to_decimal(value)
        except NotANumber:
            raise CellError("is not a percentage (expected 0.15 or 15%)") from None
    if number < 0:
        raise CellError("must not be negative")
    if number > 1:
        raise CellError("is above 100%: write 0.15 or 15% for fifteen percent")
    return number


def read_period(value: object) -> str:
    """`YYYY-MM`. A date cell (Excel turns a typed 2026-11 into 1 Nov 2026) stands for its month."""
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    text = read_text(value)
    match = PERIOD_RE.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CellError("is not a period (expected YYYY-MM, e.g. 2026-11)")
    return text


def read_choice(value: object, choices: tuple[str, ...]) -> str:
    word = read_text(value)
    for choice in choices:
        if word.lower() == choice.lower():
            return choice
    raise CellError("is not one of " + ", ".join(choices))


def read_cell(column: Column, value: object) -> object:
    """The cell's value as its column's kind says, or CellError."""
    if isinstance(value, Unusable):
        raise CellError(value.reason)
    kind = column.kind
    if kind in (Kind.TEXT, Kind.ID):
        return read_plain_text(value)
    if kind is Kind.DATE:
        return read_date(value)
    if kind in (Kind.MONEY, Kind.DECIMAL):
        return read_number(value)
    if kind is Kind.AMOUNT:
        return read_amount(value)
    if kind is Kind.YN:
        return read_yes_no(value)
    if kind is Kind.PCT:
        return read_percentage(value)
    if kind is Kind.PERIOD:
        return read_period(value)
    if kind is Kind.CHOICE:
        return read_choice(value, column.choices)
    raise AssertionError(kind)


Reader = Callable[[object], object]


def cell_reader(column: Column) -> Reader:
    """`read_cell` for one column, chosen once: the reader of the column's kind, with the common cell (text in a
    text column, a date in a date column) read without the general checks. Unusable cells are the caller's to refuse.
    The values and messages are exactly `read_cell`'s."""
    kind = column.kind
    if kind in (Kind.TEXT, Kind.ID):
        return _read_plain_text_fast
    if kind is Kind.DATE:
        return _read_date_fast
    if kind in (Kind.MONEY, Kind.DECIMAL):
        return read_number
    if kind is Kind.AMOUNT:
        return read_amount
    if kind is Kind.YN:
        return read_yes_no
    if kind is Kind.PCT:
        return read_percentage
    if kind is Kind.PERIOD:
        return read_period
    if kind is Kind.CHOICE:
        return _choice_reader(column.choices)
    raise AssertionError(kind)


def _read_plain_text_fast(value: object) -> str:
    if value.__class__ is str:
        text = value.strip()  # type: ignore[attr-defined]
        # printable text has no control character; anything else takes the full checks and their messages
        if len(text) <= EXCEL_TEXT_LIMIT and text.isprintable():
            return text
    return read_plain_text(value)


def _read_date_fast(value: object) -> date:
    if value.__class__ is datetime:
        return value.date()  # type: ignore[attr-defined]
    if value.__class__ is date:
        return value  # type: ignore[return-value]
    return read_date(value)


def _choice_reader(choices: tuple[str, ...]) -> Reader:
    by_word: dict[str, str] = {}
    for choice in choices:
        by_word.setdefault(choice.lower(), choice)  # the first choice wins, as in read_choice
    refusal = "is not one of " + ", ".join(choices)

    def read(value: object) -> str:
        word = value.strip() if value.__class__ is str else read_text(value)  # type: ignore[attr-defined]
        choice = by_word.get(word.lower())
        if choice is None:
            raise CellError(refusal)
        return choice

    return read
