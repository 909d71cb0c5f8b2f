"""Files mspxl ships with: the document templates and the sample workbook.

An installed mspxl reads them from its package data (`mspxl/data/templates/`, `mspxl/data/sample/`, through
`importlib.resources`); a checkout of the repository reads them from `templates/` and `samples/`, the folders the
wheel packs as that data.

A workbook may replace any of them by name: Settings `Templates Folder`, else a `templates/` folder beside the
workbook (`templates_for_book`); `mspxl templates export DIR` writes the packaged ones out to start from.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from mspxl.schema import header_key

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


def sample_vendor_file(name: str) -> Path:
    """A sample vendor file of December 2026 (`samples/vendor/`), which `mspxl demo` reconciles."""
    return _packaged("sample", "vendor", name) or REPOSITORY / "samples" / "vendor" / name


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


TEMPLATES_SETTING = "Templates Folder"
TEMPLATE_SUFFIXES = (".docx", ".txt")


def override_folder(book_path: Path, extra_settings: Mapping[str, str]) -> Path | None:
    """The workbook's own templates: Settings `Templates Folder` (relative to the workbook), else a `templates/`
    folder beside the workbook; None when there is neither."""
    for name, value in extra_settings.items():
        if header_key(name) == header_key(TEMPLATES_SETTING) and value.strip():
            folder = Path(value.strip()).expanduser()
            return folder if folder.is_absolute() else book_path.parent / folder
    beside = book_path.parent / "templates"
    return beside if beside.is_dir() else None


def templates_for_book(book_path: Path, extra_settings: Mapping[str, str]) -> Path:
    """The template folder for a workbook: the packaged templates, with the workbook's own files replacing them by
    name. Without overrides it is `template_dir()`; with them, a merged copy (kept in the temporary folder and made
    again when any file changes)."""
    packaged = template_dir()
    folder = override_folder(book_path, extra_settings)
    if folder is None or not folder.is_dir():
        return packaged
    mine = sorted(p for p in folder.iterdir() if p.suffix in TEMPLATE_SUFFIXES and not p.name.startswith(("~", ".")))
    if not mine:
        return packaged
    files = {p.name: p for p in packaged_templates()} | {p.name: p for p in mine}
    stamp = hashlib.sha256()
    for name, path in sorted(files.items()):
        stat = path.stat()
        stamp.update(f"{name}\0{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    merged = Path(tempfile.gettempdir()) / f"mspxl-templates-{stamp.hexdigest()[:16]}"
    if not merged.is_dir():
        building = Path(tempfile.mkdtemp(prefix=".mspxl-templates-", dir=merged.parent))
        for name, path in files.items():
            shutil.copyfile(path, building / name)
        try:
            building.rename(merged)
        except OSError:  # made meanwhile by another run
            shutil.rmtree(building, ignore_errors=True)
    return merged
