"""PDF copies of documents through LibreOffice headless: one lane per core, each with its own LibreOffice profile,
converting even chunks of the files with `soffice --convert-to pdf`, all lanes at once (`lanes`); LibreOffice reads
copies of the .docx files with only the styles they use (`copies`).

LibreOffice is an optional system program, not a Python dependency. When it is missing, `convert_to_pdf` raises
`PdfUnavailable` naming what to install; the .docx and .xlsx files are already written by then. The environment
variable MSPXL_SOFFICE names the program to use instead of searching for it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from mspxl.pdf.lanes import Run, scratch_root, split

DEBIAN_PACKAGES = "libreoffice-writer-nogui libreoffice-calc-nogui"
INSTALL_HINT = (
    f"install LibreOffice (Debian/Ubuntu: `sudo apt-get install {DEBIAN_PACKAGES}`; "
    "macOS: `brew install --cask libreoffice`; Windows: https://www.libreoffice.org/download/) "
    "and run again"
)
DEFAULT_TIMEOUT = 600  # seconds for one soffice call (at most 200 files)


class PdfError(RuntimeError):
    """PDF conversion did not produce every file."""


class PdfUnavailable(PdfError):
    """LibreOffice (soffice) is not installed or not on the PATH."""

    def __init__(self) -> None:
        super().__init__(f"PDF needs LibreOffice, and `soffice` was not found: {INSTALL_HINT}.")


class PdfFailed(PdfError):
    """soffice ran but some PDFs are missing."""


def candidate_programs() -> list[str]:
    """Where soffice usually is: the PATH first, then the installers' default folders."""
    found = [shutil.which(name) for name in ("soffice", "libreoffice")]
    places = [p for p in found if p]
    if sys.platform == "darwin":
        places.append("/Applications/LibreOffice.app/Contents/MacOS/soffice")
    elif sys.platform == "win32":
        for root in (os.environ.get("PROGRAMFILES", ""), os.environ.get("PROGRAMFILES(X86)", "")):
            if root:
                places.append(str(Path(root) / "LibreOffice" / "program" / "soffice.exe"))
    return places


def find_soffice() -> str | None:
    """The LibreOffice program to run, or None when it is not installed."""
    override = os.environ.get("MSPXL_SOFFICE")
    if override:
        return override if Path(override).exists() or shutil.which(override) else None
    for place in candidate_programs():
        if Path(place).exists():
            return place
    return None


def pdf_name(source: Path, out_dir: Path) -> Path:
    """soffice names the PDF after its source: `out_dir/<stem>.pdf`."""
    return Path(out_dir) / f"{Path(source).stem}.pdf"


def conversion_command(soffice: str, files: Sequence[Path], out_dir: Path, profile: Path) -> list[str]:
    """One soffice call for the whole batch. A private profile keeps it from handing the work to a LibreOffice
    window the user has open (which would convert nothing) and lets two conversions run at once."""
    return [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        *(str(f) for f in files),
    ]


def batches(files: Sequence[Path], processes: int) -> list[list[Path]]:
    """`files` in order, cut into at most `processes` batches whose sizes differ by one at most."""
    return split(files, processes)


def convert_to_pdf(files: list[Path], out_dir: Path, timeout: float = DEFAULT_TIMEOUT,
                   processes: int | None = None) -> list[Path]:
    """Convert .docx / .xlsx files to PDF in `out_dir`; returns the PDFs in the order of `files`.

    The files are converted over `processes` lanes (default: one per core), each a LibreOffice profile of its own
    running one soffice call after another on even chunks of at most 200 files (`lanes`); LibreOffice reads a copy
    of each .docx with only the styles it uses (`copies`: half the time of a document). Each PDF is written into a
    temporary folder and then takes its place in `out_dir` atomically: a PDF there is whole or absent. Raises
    PdfUnavailable when LibreOffice is not installed, PdfFailed when a PDF was not written or one soffice call took
    longer than `timeout` seconds (the PDFs made are kept), and ValueError for a missing file or two files that
    would make the same PDF."""
    if not files:
        return []
    sources = [Path(f).resolve() for f in files]
    missing = [str(f) for f in sources if not f.is_file()]
    if missing:
        raise ValueError(f"cannot convert missing file(s): {', '.join(missing)}")
    targets = [pdf_name(f, out_dir) for f in sources]
    if len(set(targets)) != len(targets):
        raise ValueError("two files have the same name before the extension and would make the same PDF")
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mspxl-pdf-", dir=scratch_root()) as work:
        run = Run(lambda inputs, made, profile: conversion_command(soffice, inputs, made, profile), Path(work),
                  out.resolve(), timeout)
        try:
            failure = run.convert(sources, processes or os.cpu_count() or 1)
        except FileNotFoundError as exc:
            if exc.filename in (soffice, None):
                raise PdfUnavailable() from None
            raise
    not_written = ", ".join(pdf_name(f, out).name for f in failure.missing)
    if failure.late:
        raise PdfFailed(f"LibreOffice did not finish converting {len(sources)} file(s): a call took longer than "
                        f"{timeout:g} s" + (f"; not written: {not_written}" if not_written else ""))
    if failure.missing:
        reason = f": {failure.detail}" if failure.detail else ""
        raise PdfFailed(f"LibreOffice (exit code {failure.code}) did not write {not_written}{reason}")
    return targets
