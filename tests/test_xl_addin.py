"""The built add-in, checked without Excel: its ribbon, its VBA and how they meet mspxl.xl."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser

import mspxl.xl
from mspxl.xl.ribbon import BUTTONS as BUTTON_LIST
from mspxl.xl.ribbon import ribbon_xml

ROOT = Path(__file__).resolve().parents[1]
ADDIN = ROOT / "workbook" / "mspxl.xlam"
NS = "{http://schemas.microsoft.com/office/2006/01/customui}"
# Element names of the customUI (2006/01) schema that a ribbon tab of buttons uses.
CUSTOMUI_ELEMENTS = {"customUI", "ribbon", "tabs", "tab", "group", "button", "separator", "menu", "splitButton",
                     "toggleButton", "box", "buttonGroup", "labelControl", "dialogBoxLauncher", "qat",
                     "officeMenu", "contextualTabs", "tabSet", "commands", "command"}
BUTTONS = {"Check Workbook", "Preview Invoices", "Generate Invoices", "Credit Note", "Reconcile", "Run Collections",
           "Statement for Client", "Export Monthly Summary", "Open Output Folder", "Help"}


def ribbon() -> ET.Element:
    with zipfile.ZipFile(ADDIN) as package:
        return ET.fromstring(package.read("customUI/customUI.xml"))


def vba_modules() -> dict[str, str]:
    parser = VBA_Parser(str(ADDIN))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def ribbon_subs(code: str) -> set[str]:
    """Subs with the `(control As IRibbonControl)` signature a ribbon callback needs."""
    return set(re.findall(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)", code,
                          flags=re.MULTILINE | re.IGNORECASE))


def test_the_built_ribbon_is_made_from_the_list_of_buttons() -> None:
    with zipfile.ZipFile(ADDIN) as package:
        assert package.read("customUI/customUI.xml") == ribbon_xml()
    assert [b.get("tag") for b in ribbon().iter(f"{NS}button")] == [b.tag for b in BUTTON_LIST]


def test_ribbon_is_well_formed_and_uses_customui_elements_only() -> None:
    root = ribbon()
    assert root.tag == f"{NS}customUI"
    for element in root.iter():
        assert element.tag.startswith(NS), element.tag
        assert element.tag[len(NS):] in CUSTOMUI_ELEMENTS, element.tag
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    tabs = root.findall(f".//{NS}tab")
    assert [t.get("label") for t in tabs] == ["MSP Billing"]
    labels = {b.get("label") for b in root.iter(f"{NS}button")}
    assert labels >= BUTTONS


def test_every_onaction_is_a_ribbon_sub_in_the_vba() -> None:
    modules = vba_modules()
    subs = set().union(*(ribbon_subs(code) for code in modules.values()))
    actions = {b.get("onAction") for b in ribbon().iter(f"{NS}button")}
    assert actions == {"OnButton", "OnCreditNote", "OnReconcile"}
    assert actions <= subs


def test_every_tag_names_a_function_of_mspxl_xl() -> None:
    tags = [b.get("tag") for b in ribbon().iter(f"{NS}button")
            if b.get("onAction") in ("OnButton", "OnCreditNote", "OnReconcile")]
    assert tags and all(tags)
    for tag in tags:
        assert callable(getattr(mspxl.xl, tag, None)), tag
        assert tag in mspxl.xl.__all__


def test_the_dispatcher_runs_the_tagged_function() -> None:
    code = vba_modules()["MspxlRibbon"]
    assert 'RunPython "import mspxl.xl; mspxl.xl." & control.Tag & "()"' in code


def test_the_credit_note_sub_asks_for_a_reason_and_passes_it_as_code_units() -> None:
    code = vba_modules()["MspxlRibbon"]
    sub = code[code.index("Sub OnCreditNote"):]
    sub = sub[:sub.index("End Sub")]
    assert "InputBox(" in sub and "If Len(Trim$(reason)) = 0 Then Exit Sub" in sub
    assert ('RunPython "import mspxl.xl; mspxl.xl." & control.Tag & "(reason=mspxl.xl.text_of([" & '
            'CodeUnits(reason) & "]))"') in sub
    assert re.search(r"^Function CodeUnits\(text As String\) As String\r?$", code, flags=re.MULTILINE)
    # what CodeUnits makes of a reason with quotes, a backslash and a character beyond the Basic Multilingual Plane
    reason = 'Billed "twice" \\ \U0001F600'
    units = list(reason.encode("utf-16-le"))
    assert mspxl.xl.text_of([units[i] | units[i + 1] << 8 for i in range(0, len(units), 2)]) == reason


def test_the_reconcile_sub_asks_for_vendor_files_and_passes_their_paths_as_code_units() -> None:
    code = vba_modules()["MspxlRibbon"]
    sub = code[code.index("Sub OnReconcile"):]
    sub = sub[:sub.index("End Sub")]
    assert sub.count("Application.GetOpenFilename(") == 2  # Windows with a filter, the Mac without one
    assert "#If Mac Then" in sub and "MultiSelect:=True" in sub and ", , True)" in sub
    assert "If Not IsArray(picked) Then Exit Sub" in sub  # Cancel returns False: nothing runs
    assert ('RunPython "import mspxl.xl; mspxl.xl." & control.Tag & "(files=mspxl.xl.text_of([" & '
            'CodeUnits(paths) & "]))"') in sub
    paths = 'C:\\Users\\Ann O"Neil\\Downloads\\partner-center.csv\nC:\\pax8.xlsx'
    units = list(paths.encode("utf-16-le"))
    assert mspxl.xl.text_of([units[i] | units[i + 1] << 8 for i in range(0, len(units), 2)]) == paths


def test_project_name_and_conf_sheet_say_mspxl() -> None:
    code = vba_modules()["xlwings"]
    assert re.search(r'^Public Const PROJECT_NAME As String = "mspxl"', code, flags=re.MULTILINE)
    with zipfile.ZipFile(ADDIN) as package:
        workbook = package.read("xl/workbook.xml").decode()
    assert 'name="_mspxl.conf"' in workbook and "myaddin" not in workbook
    parser = VBA_Parser(str(ADDIN))
    try:
        project = parser.ole_subfiles[0].ole_file.openstream("PROJECT").read().decode("latin-1")
        assert 'Name="mspxl"' in project and "MyAddin" not in project
    finally:
        parser.close()
    pyopenvba = pytest.importorskip("pyopenvba")
    with pyopenvba.ExcelFile(str(ADDIN)) as book:
        assert book.vba_project().name == "mspxl"


def test_the_vba_project_is_consistent() -> None:
    pyopenvba = pytest.importorskip("pyopenvba")
    with pyopenvba.ExcelFile(str(ADDIN)) as book:
        assert book.validate() == []
        assert book.get_module("MspxlRibbon").replace("\r\n", "\n").split("\n", 1)[1].strip() == (
            ROOT / "workbook" / "MspxlRibbon.bas").read_text().split("\n", 1)[1].strip()


def test_the_committed_add_in_is_built_from_the_sources(tmp_path: Path) -> None:
    pytest.importorskip("pyopenvba")
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_addin", ROOT / "workbook" / "build_addin.py")
    assert spec is not None and spec.loader is not None
    build_addin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_addin)
    rebuilt = build_addin.build(tmp_path / "mspxl.xlam")
    assert rebuilt.read_bytes() == ADDIN.read_bytes(), "run `make addin` and commit workbook/mspxl.xlam"


def test_no_button_runs_python_without_a_workbook_open() -> None:
    """RunPython reads ActiveWorkbook's sheets: with no workbook open Excel would stop with run-time error 91.
    Each ribbon sub that runs Python first checks that a workbook is open, and says so when none is."""
    code = vba_modules()["MspxlRibbon"]
    runtime = vba_modules()["xlwings"]
    assert "Set wb = ActiveWorkbook" in runtime and "For Each sht In wb.Worksheets" in runtime  # why it matters
    guard = code[code.index("Private Function HasWorkbook"):]
    guard = guard[:guard.index("End Function")]
    assert "If ActiveWorkbook Is Nothing Then" in guard and "MsgBox" in guard and "Exit Function" in guard
    for sub in re.split(r"^Sub ", code, flags=re.MULTILINE)[1:]:
        body = sub[:sub.index("End Sub")]
        if "RunPython" in body:
            assert body.index("If Not HasWorkbook() Then Exit Sub") < body.index("RunPython"), sub.split("(")[0]


def test_xlwings_is_pinned_to_the_version_the_add_in_is_built_from() -> None:
    """The add-in's VBA names xlwings' DLL and AppleScript by version: any other installed xlwings breaks
    RunPython on macOS and the functions on Windows."""
    import tomllib

    import xlwings
    from packaging.requirements import Requirement

    code = vba_modules()["xlwings"]
    versions = set(re.findall(r'"xlwings(?:64|32)-([\d.]+)\.dll"', code))
    versions |= set(re.findall(r'^Public Const XLWINGS_VERSION As String = "([\d.]+)"', code, flags=re.MULTILINE))
    assert 'AppleScriptTask("xlwings-" & XLWINGS_VERSION & ".applescript"' in code  # the Mac script, by that const
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [pin] = [Requirement(d) for d in pyproject["project"]["dependencies"] if Requirement(d).name == "xlwings"]
    [spec] = list(pin.specifier)
    assert spec.operator == "=="
    assert versions == {spec.version} == {xlwings.__version__}


def test_the_worksheet_functions_are_inside_the_add_in_for_windows_only() -> None:
    """No Import Functions step and no Trust Access: the wrapper xlwings would import is in the add-in already,
    compiled on Windows only, each function passing its arguments in order and Nothing for the caller, as
    xlwings' `call_udf` expects."""
    from mspxl.xl import udfs

    code = vba_modules()["xlwings_udfs"]
    lines = code.splitlines()
    assert '#Const App = "Microsoft Excel"' in lines and "#If Not Mac Then" in lines
    assert lines.index("#If Not Mac Then") < min(i for i, line in enumerate(lines) if line.startswith("Function "))
    assert lines[-1] == "#End If"
    functions = {name: args for name, args in re.findall(r"^Function (MSPXL_\w+)\(([^)]*)\)", code, re.MULTILINE)}
    expected = {n for n in dir(udfs) if n.startswith("MSPXL_")}
    assert set(functions) == expected
    for name, args in functions.items():
        call = f'XLPy.CallUDF("mspxl.xl.udfs", "{name}", Array({args}, Nothing), ActiveWorkbook, Application.Caller)'
        assert call in code, name
    assert "ImportPythonUDFs" not in vba_modules()["MspxlRibbon"]
