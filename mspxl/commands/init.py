"""`mspxl init`: a new, empty workbook with every sheet, header, number format and validation list."""

from __future__ import annotations

from pathlib import Path

from mspxl.init_book import create_workbook


def init(path: Path) -> Path:
    """Write the new workbook at `path` (FileExistsError when there is a file there already)."""
    create_workbook(path)
    return path
