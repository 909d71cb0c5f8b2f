"""The vocabulary the workbook's layout is written in: how a cell is read (`Kind`), a column, a sheet, and how headers
are matched. `mspxl/schema.py` uses it to say what every sheet looks like."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """How a cell is read."""

    TEXT = "text"
    ID = "id"  # text, stripped; numbers like 1001.0 become "1001"
    DATE = "date"
    MONEY = "money"  # non-negative amount, Decimal
    AMOUNT = "amount"  # signed amount (register figures: credit notes are negative), Decimal
    DECIMAL = "decimal"  # non-negative quantity, Decimal
    YN = "yn"
    PCT = "pct"  # a fraction, 0..1 (text "15%" accepted)
    PERIOD = "period"  # YYYY-MM
    CHOICE = "choice"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    default: object = None
    choices: tuple[str, ...] = ()
    width: int = 14

    @property
    def key(self) -> str:
        return header_key(self.header)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = True  # a missing sheet is an error
    id_column: str | None = None  # values must be unique
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def column(self, header: str) -> Column:
        for col in self.columns:
            if col.header == header:
                return col
        raise KeyError(header)


def header_key(text: object) -> str:
    """Header matching ignores case, spaces and underscores: `Client ID` = `client_id`."""
    return "".join(ch for ch in str(text).lower() if ch not in " _\t\n\r")


def column_letter(col: int) -> str:
    """Excel's letters for the 1-based column `col` (1 -> A, 27 -> AA)."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
