"""The `mspxl Log` sheet: every problem of the last run with a link to its cell, and the first bad cell selected."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mspxl.problems import Problem, Severity
from mspxl.xl.excel import Excel
from mspxl.xl.write import TEXT_FORMAT, write_block

LOG_SHEET = "mspxl Log"
LOG_HEADERS = ("Severity", "Place", "Column", "Problem")


def target_cell(problem: Problem) -> str:
    """The cell a problem points at: `D14`; `A14` for a whole row (`"14"`); `A1` for a whole sheet."""
    if not problem.cell:
        return "A1"
    if problem.cell.isdigit():
        return f"A{problem.cell}"
    return problem.cell


def link(problem: Problem) -> str:
    """A HYPERLINK formula to the problem's cell, showing `Users!D14`."""
    sheet = problem.sheet.replace("'", "''")
    place = problem.place.replace('"', '""')
    return f'=HYPERLINK("#\'{sheet}\'!{target_cell(problem)}","{place}")'


def log_rows(problems: Sequence[Problem], xl: Excel) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for p in problems:
        place = link(p) if xl.find_sheet(p.sheet) is not None else p.place
        rows.append((p.severity.value, place, p.header or None, p.render()))
    return rows


def clear_log(xl: Excel) -> None:
    """An old log is emptied, so it never shows problems that have been fixed."""
    sheet = xl.find_sheet(LOG_SHEET)
    if sheet is not None:
        sheet.clear_contents()


def write_log(xl: Excel, problems: Sequence[Problem], note: str = "") -> Any:
    """Every problem on the log sheet, one assignment; `note` (e.g. what stopped the run) goes above them."""
    sheet = xl.find_sheet(LOG_SHEET) or xl.add_sheet(LOG_SHEET)
    sheet.clear_contents()
    rows: list[tuple[object, ...]] = []
    if note:
        rows.append(("note", None, None, note))
    rows.extend(log_rows(problems, xl))
    sheet.range((1, 1)).value = [list(LOG_HEADERS)]
    write_block(sheet, 2, [1, 2, 3, 4], [TEXT_FORMAT, "General", TEXT_FORMAT, TEXT_FORMAT], rows)
    return sheet


def select_first_error(xl: Excel, problems: Sequence[Problem]) -> str:
    """The first error's cell is selected (its sheet activated); returns its place, "" when there is none."""
    for p in problems:
        if p.severity is not Severity.ERROR:
            continue
        sheet = xl.find_sheet(p.sheet)
        if sheet is None:
            continue
        try:
            sheet.activate()
            sheet.range(target_cell(p)).select()
        except Exception:  # selecting is a courtesy; a hidden or protected sheet refuses it
            pass
        return p.place
    return ""
