"""`mspxl check`: every problem in the workbook with its cell; nothing is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mspxl.problems import Problem
from mspxl.workbook.load import load_file


def check(path: Path, today: date) -> list[Problem]:
    """Every error and warning in the workbook; nothing is written. With Settings Accounting System set, also every
    mapping cell an export to it would need and finds blank."""
    loaded = load_file(path, today)
    if loaded.book is None or not loaded.book.settings.accounting_system:
        return loaded.problems
    from mspxl.commands.export import accounting_problems

    return loaded.problems + accounting_problems(path, loaded.book)
