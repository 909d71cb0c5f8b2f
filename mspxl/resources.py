"""Files mspxl ships with: the document templates and the sample workbook.

An installed mspxl reads them from its package data (`mspxl/data/templates/`, `mspxl/data/sample/`, through
`importlib.resources`); a checkout of the repository reads them from `templates/` and `samples/`, the folders the
wheel packs as that data.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SAMPLE_NAME = "northwind.xlsx"


def _packaged(*parts: str) -> Path | None:
    """A file or folder of the package data as a real path, or None when the package does not carry it."""
    found = resources.files("mspxl").joinpath("data", *parts)
    path = Path(str(found))
    return path if path.exists() else None


def template_dir() -> Path:
    """The folder of the packaged document templates (`invoice-*.docx`, `notice-*.docx`, `statement.docx`, ...)."""
    return _packaged("templates") or REPOSITORY / "templates"


def sample_workbook() -> Path:
    """The sample workbook (`northwind.xlsx`) that `mspxl demo` copies and runs."""
    return _packaged("sample", SAMPLE_NAME) or REPOSITORY / "samples" / SAMPLE_NAME


def addin_file() -> Path:
    """The Excel add-in (`mspxl.xlam`) that `mspxl addin install` puts in Excel's startup folder."""
    return _packaged("addin", "mspxl.xlam") or REPOSITORY / "workbook" / "mspxl.xlam"


def packaged_templates() -> list[Path]:
    """Every template file mspxl ships, in name order."""
    folder = template_dir()
    return sorted(p for p in folder.iterdir() if p.suffix in (".docx", ".txt") and not p.name.startswith(("~", ".")))


def export_templates(target: Path, overwrite: bool = False) -> tuple[list[Path], list[Path]]:
    """Copy the packaged templates into `target` for the accountant to edit in Word. A file already there is kept
    unless `overwrite`. Returns (written, kept)."""
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    kept: list[Path] = []
    for source in packaged_templates():
        destination = target / source.name
        if destination.exists() and not overwrite:
            kept.append(destination)
            continue
        shutil.copyfile(source, destination)
        written.append(destination)
    return written, kept
