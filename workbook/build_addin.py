"""Build workbook/mspxl.xlam from the xlwings add-in template, the ribbon XML and the VBA module kept beside it.

    python workbook/build_addin.py            (or: make addin)

The template comes from the installed xlwings package, whose version must be the one pinned below: the VBA module
`xlwings` inside the template talks to that Python package. The ribbon (`ribbon.xml`) replaces the template's
`customUI/customUI.xml`; `MspxlRibbon.bas` replaces its ribbon module; the project name becomes `mspxl`, so the
add-in reads its configuration from a `mspxl.conf` sheet, a `mspxl.conf` file beside the workbook, or
`%USERPROFILE%\\.mspxl\\mspxl.conf` (`~/Library/Containers/com.microsoft.Excel/Data/mspxl.conf` on a Mac).
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
XLWINGS_VERSION = "0.37.8"
PROJECT = "mspxl"
RIBBON_MODULE = "MspxlRibbon"
TEMPLATE_RIBBON_MODULE = "RibbonMyAddin"
STAMP = (2026, 1, 1, 0, 0, 0)  # fixed entry times: the same sources build the same package


def template() -> Path:
    import xlwings

    if xlwings.__version__ != XLWINGS_VERSION:
        sys.exit(f"xlwings {xlwings.__version__} is installed; the add-in is built from {XLWINGS_VERSION}. "
                 f"Install it with: pip install xlwings=={XLWINGS_VERSION}")
    return Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"


def repackage(source: Path, target: Path, ribbon: bytes) -> None:
    """A copy of the template with our ribbon and the configuration sheet renamed `_mspxl.conf`."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "customUI/customUI.xml":
                data = ribbon
            elif item.filename == "xl/workbook.xml":
                data = data.replace(b'name="_myaddin.conf"', f'name="_{PROJECT}.conf"'.encode())
                data = re.sub(rb"<mc:AlternateContent.*?</mc:AlternateContent>", b"", data)  # the author's path
            info = zipfile.ZipInfo(item.filename, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)


def set_vba(path: Path, out: Path, ribbon_source: str) -> None:
    """The ribbon module replaced and PROJECT_NAME set to mspxl, with pyOpenVBA (Excel recompiles from source)."""
    from pyopenvba import ExcelFile

    with ExcelFile(str(path)) as book:
        book.vba_project().rename_module(TEMPLATE_RIBBON_MODULE, RIBBON_MODULE)
        book.set_module(RIBBON_MODULE, ribbon_source)
        runtime = book.get_module("xlwings")
        named = re.sub(r'Public Const PROJECT_NAME As String = "[^"]*"',
                       f'Public Const PROJECT_NAME As String = "{PROJECT}"', runtime)
        if named == runtime:
            raise SystemExit("the template's xlwings module has no PROJECT_NAME constant")
        book.set_module("xlwings", named)
        book.save(str(out))


def build(out: Path = HERE / f"{PROJECT}.xlam") -> Path:
    ribbon = (HERE / "ribbon.xml").read_bytes()
    vba = (HERE / f"{RIBBON_MODULE}.bas").read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "staged.xlam"
        repackage(template(), staged, ribbon)
        built = Path(tmp) / f"{PROJECT}.xlam"
        set_vba(staged, built, vba)
        shutil.copyfile(built, out)
    return out


if __name__ == "__main__":
    print(f"built {build()}")
