"""Sheets found by name, and the sheet a missing one was most likely renamed to.

A sheet is found by its name ignoring case, spaces and underscores (`invoices`, `Work Log`), as headers are. A sheet
that is not found under any such spelling is looked for among the workbook's other sheets (those mspxl does not know
by name): one whose name is close (`Invoices 2027`, `Clents`; difflib's ratio, or the name contained in it) is named
in ONE problem, "no sheet named Invoices; did you rename 'Invoices 2027'?", instead of the sheet being reported
missing, or its absence showing up as a problem on every row that points to it.

Choices where the rules are silent:
- A sheet mspxl may do without (Invoices before the first run, Charges, Tiers, ...) is only taken to be renamed when
  the close-named sheet also carries more than half of its headers, so an accountant's own sheet that happens to be
  called `Invoices (old system)` does not stop a first invoice run.
- A required sheet is suggested the closest names even without its headers: its absence is an error anyway.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from mspxl.problems import Problem, error
from mspxl.runs_sheet import RUNS_SHEET
from mspxl.schema import OUTPUT_SHEETS, Sheet, header_key
from mspxl.workbook.raw import RawBook, RawSheet
from mspxl.workbook.table import locate_header

# sheets written by `mspxl send` and `mspxl returns`: known by name, never taken for a renamed one
OTHER_SHEETS = ("Sent", "Bank Changes")
CUTOFF = 0.6  # difflib's default: `Invoices 2027` (0.76) and `Clents` (0.92) are close, `Sent` to Settings is not


def find_sheet(raw: RawBook, name: str) -> RawSheet | None:
    """The sheet called `name`, ignoring case, spaces and underscores."""
    if name in raw:
        return raw[name]
    wanted = header_key(name)
    return next((sheet for key, sheet in raw.items() if header_key(key) == wanted), None)


def _close_names(name: str, others: Sequence[str]) -> list[str]:
    """`others` whose name is close to `name`, closest first."""
    wanted = header_key(name)
    folded = {other.casefold(): other for other in others}
    close = [folded[m] for m in difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=CUTOFF)]
    containing = [o for o in others if wanted in header_key(o) and o not in close]
    return close + containing


def _carries_headers(sheet: RawSheet, schema: Sheet) -> bool:
    located, _ = locate_header(sheet, schema)
    return located is not None and 2 * len(located.columns) > len(schema.columns)


def renamed_sheets(raw: RawBook, sheets: Sequence[Sheet]) -> dict[str, Problem]:
    """Sheet name -> the one problem naming the sheet it was most likely renamed to, for each of `sheets` the
    workbook lacks and has a close-named sheet for (each of the workbook's sheets suggested once)."""
    known = {header_key(n) for n in (*(s.name for s in sheets), *OUTPUT_SHEETS, RUNS_SHEET, *OTHER_SHEETS)}
    free = [name for name in raw if header_key(name) not in known]
    found: dict[str, Problem] = {}
    for sheet in sheets:
        if find_sheet(raw, sheet.name) is not None:
            continue
        close = _close_names(sheet.name, free)
        with_headers = [name for name in close if _carries_headers(raw[name], sheet)]
        names = with_headers or (close if sheet.required else [])
        if not names:
            continue
        free.remove(names[0])
        found[sheet.name] = error(sheet.name, "", "", f"no sheet named {sheet.name}; did you rename "
                                  f"'{names[0]}'? Rename it back to {sheet.name} (mspxl finds each sheet by its name)")
    return found
