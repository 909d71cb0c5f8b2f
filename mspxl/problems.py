"""Problems found in a workbook: values that carry their place, rendered by one function.

Nothing is raised for bad data: readers and validators return lists of `Problem`, all of them are reported together,
and nothing is written when any of them is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    sheet: str
    cell: str  # "D14", "" for a whole sheet, "1" for a header row
    header: str
    message: str
    value: object = None

    @property
    def place(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def render(self) -> str:
        return render(self)


def render(problem: Problem) -> str:
    """`Users!D14 (Added On): "31/02/2026" is not a date` -- the one way a problem is shown."""
    head = problem.place
    if problem.header:
        head += f" ({problem.header})"
    if problem.value is not None and problem.value != "":
        return f'{head}: "{_short(problem.value)}" {problem.message}'
    return f"{head}: {problem.message}"


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def error(sheet: str, cell: str, header: str, message: str, value: object = None) -> Problem:
    return Problem(Severity.ERROR, sheet, cell, header, message, value)


def warning(sheet: str, cell: str, header: str, message: str, value: object = None) -> Problem:
    return Problem(Severity.WARNING, sheet, cell, header, message, value)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
