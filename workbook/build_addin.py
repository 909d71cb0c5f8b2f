"""Build workbook/mspxl.xlam from the xlwings add-in template, the ribbon and the VBA kept beside it.

    python workbook/build_addin.py            (or: make addin)

The template comes from the installed xlwings package, whose version must be XLWINGS_VERSION, the version
pyproject.toml pins: the template's VBA module `xlwings` names that version's DLL and AppleScript. The build:
- replaces the template's ribbon with the MSP Billing tab made from `mspxl.xl.ribbon.BUTTONS`;
- replaces its ribbon module with `MspxlRibbon.bas` and names the VBA project and its configuration `mspxl`, so the
  add-in reads `%USERPROFILE%\\.mspxl\\mspxl.conf` (`~/Library/Containers/com.microsoft.Excel/Data/mspxl.conf`);
- adds the worksheet functions' VBA wrapper (module `xlwings_udfs`), written by xlwings' own generator from
  `mspxl.xl.udfs`, inside `#If Not Mac Then`: the functions exist in Excel for Windows only, and nobody has to
  import them (or allow access to the VBA project object model) after installing.
"""

from __future__ import annotations

import importlib
import io
import re
import shutil
import struct
import sys
import tempfile
import types
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

XLWINGS_VERSION = "0.37.8"
PROJECT = "mspxl"
TEMPLATE_PROJECT = "MyAddin"
RIBBON_MODULE = "MspxlRibbon"
TEMPLATE_RIBBON_MODULE = "RibbonMyAddin"
UDF_MODULE = "xlwings_udfs"
UDF_SOURCE = "mspxl.xl.udfs"
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


def udf_wrapper() -> str:
    """The VBA module xlwings' `import_udfs` would write for `mspxl.xl.udfs` into an add-in, made by xlwings' own
    generator (`udfs.generate_vba_wrapper`), its functions compiled on Windows only."""
    import xlwings
    import xlwings_platforms

    windows = xlwings_platforms.windows()
    xlwings.func = windows.udfs.xlfunc  # what `xw.func` is on Windows: the decorator that describes each function
    module = importlib.reload(importlib.import_module(UDF_SOURCE))
    code = io.StringIO()
    windows.udfs.generate_vba_wrapper(UDF_SOURCE, module, code, types.SimpleNamespace(Name=f"{PROJECT}.xlam"))
    lines = [f'Attribute VB_Name = "{UDF_MODULE}"',
             "' The MSPXL_ worksheet functions, written by xlwings' generator when the add-in is built "
             "(make addin).",
             "' Excel for Windows only: on a Mac these functions do not exist.",
             '#Const App = "Microsoft Excel"',  # as xlwings' import_udfs heads the module
             "#If Not Mac Then", code.getvalue().rstrip("\n"), "#End If", ""]
    return "\r\n".join("\n".join(lines).split("\n"))


def rename_project(project: object, old: str, new: str) -> None:
    """The VBA project's name (dir stream PROJECTNAME record) set to `new`; pyOpenVBA writes the dir stream's
    project information back as parsed, so the record is changed in that parsed copy."""
    raw: bytes = project.dir_raw  # type: ignore[attr-defined]
    record = struct.pack("<HI", 0x0004, len(old)) + old.encode("ascii")
    if raw.count(record) != 1:
        raise SystemExit(f"the template's VBA project is not named {old}")
    project.dir_raw = raw.replace(record, struct.pack("<HI", 0x0004, len(new)) + new.encode("ascii"))  # type: ignore[attr-defined]
    project.dir_modules_offset += len(new) - len(old)  # type: ignore[attr-defined]
    project.dir_structure_dirty = True  # type: ignore[attr-defined]


def rename_project_stream(xlam: Path, old: str, new: str) -> None:
    """The PROJECT stream's `Name="..."` line (what the VBA editor shows) set to `new`."""
    from pyopenvba.cfb import CFB

    with zipfile.ZipFile(xlam) as src:
        items = [(item, src.read(item.filename)) for item in src.infolist()]
    with zipfile.ZipFile(xlam, "w", zipfile.ZIP_DEFLATED) as dst:
        for item, data in items:
            if item.filename.endswith("vbaProject.bin"):
                cfb = CFB.from_bytes(data)
                text = cfb.get_stream("PROJECT")
                renamed = text.replace(f'Name="{old}"'.encode(), f'Name="{new}"'.encode())
                if renamed == text:
                    raise SystemExit(f"the template's PROJECT stream does not name {old}")
                cfb.write_stream("PROJECT", renamed)
                data = cfb.to_bytes()
            dst.writestr(item, data)


def set_vba(path: Path, out: Path, ribbon_source: str, udfs_source: str) -> None:
    """The ribbon module replaced, PROJECT_NAME set to mspxl and the functions' module added, with pyOpenVBA
    (Excel recompiles from source)."""
    from pyopenvba import ExcelFile

    with ExcelFile(str(path)) as book:
        project = book.vba_project()
        project.rename_module(TEMPLATE_RIBBON_MODULE, RIBBON_MODULE)
        book.set_module(RIBBON_MODULE, ribbon_source)
        runtime = book.get_module("xlwings")
        named = re.sub(r'Public Const PROJECT_NAME As String = "[^"]*"',
                       f'Public Const PROJECT_NAME As String = "{PROJECT}"', runtime)
        if named == runtime:
            raise SystemExit("the template's xlwings module has no PROJECT_NAME constant")
        book.set_module("xlwings", named)
        project.add_module(UDF_MODULE, udfs_source)
        rename_project(project, TEMPLATE_PROJECT, PROJECT)
        book.save(str(out))
    rename_project_stream(out, TEMPLATE_PROJECT, PROJECT)


def build(out: Path = HERE / f"{PROJECT}.xlam") -> Path:
    from mspxl.xl.ribbon import ribbon_xml

    vba = (HERE / f"{RIBBON_MODULE}.bas").read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "staged.xlam"
        repackage(template(), staged, ribbon_xml())
        built = Path(tmp) / f"{PROJECT}.xlam"
        set_vba(staged, built, vba, udf_wrapper())
        shutil.copyfile(built, out)
    return out


if __name__ == "__main__":
    print(f"built {build()}")
