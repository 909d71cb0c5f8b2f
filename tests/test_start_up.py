"""The command line starts light: `mspxl --help` (and a command's --help) imports none of the libraries a command
needs only when it runs (openpyxl, lxml, docxtpl, Jinja, babel, xlwings, calamine); each command imports what it
uses when it runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("openpyxl", "lxml", "docxtpl", "docx", "jinja2", "babel", "xlwings", "python_calamine", "pandas", "numpy")
PROBE = """
import json, sys
from mspxl.cli import main
args, wanted = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["mspxl", *args]
try:
    main()
except SystemExit as done:
    code = done.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & wanted)
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def loaded_by(*args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)], capture_output=True,
                          text=True, timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("args", [("--help",), ("invoice", "--help"), ("summary", "--help"), ("--version",)])
def test_help_imports_no_heavy_library(args: tuple[str, ...]) -> None:
    assert loaded_by(*args) == {"code": 0, "heavy": []}


def test_a_command_imports_what_it_needs_when_it_runs(tmp_path: object) -> None:
    result = loaded_by("check", str(tmp_path) + "/missing.xlsx")
    assert result["code"] == 1 and "python_calamine" in result["heavy"]  # type: ignore[operator]


def test_a_command_writing_with_the_package_writer_does_not_load_the_openpyxl_writer(tmp_path: object) -> None:
    import shutil
    from pathlib import Path

    from mspxl.resources import sample_workbook

    book = Path(str(tmp_path)) / "book.xlsx"
    shutil.copyfile(sample_workbook(), book)
    probe = PROBE.replace('sorted({m.split(".")[0] for m in sys.modules} & wanted)',
                          "sorted(set(sys.modules) & wanted)")
    done = subprocess.run([sys.executable, "-c", probe, json.dumps(["invoice", str(book), "--period", "2026-10"]),
                           json.dumps(["mspxl.writers.reference", "mspxl.writers.update"])], capture_output=True,
                          text=True, timeout=120)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"code": 0, "heavy": ["mspxl.writers.update"]}


@pytest.mark.parametrize("command", [("invoice", "--period", "2026-10"), ("collect", "--as-of", "2026-11-05")])
def test_invoice_and_collect_do_not_load_openpyxl(tmp_path: object, command: tuple[str, ...]) -> None:
    """The package writer and calamine do the work: openpyxl's import (about 0.1 s) is not paid for."""
    import shutil
    from pathlib import Path

    from mspxl.resources import sample_workbook

    book = Path(str(tmp_path)) / "book.xlsx"
    shutil.copyfile(sample_workbook(), book)
    result = loaded_by(command[0], str(book), *command[1:], "--out", str(Path(str(tmp_path)) / "out"))
    assert result["code"] == 0 and "python_calamine" in result["heavy"]  # type: ignore[operator]
    assert "openpyxl" not in result["heavy"]  # type: ignore[operator]


@pytest.mark.parametrize("args", [("--help",), ("templates", "--help")])
def test_help_does_not_load_what_it_does_not_print(args: tuple[str, ...]) -> None:
    """`mspxl --help` (and a group's) prints its panels without typer's rich_utils, whose import loads rich's
    Markdown (markdown-it), Traceback (pygments) and pretty-printer (attrs); nor the records, the exports or the
    packaged resources, which only a command that runs needs."""
    unwanted = ["typer.rich_utils", "markdown_it", "pygments", "attr", "mspxl.records", "mspxl.export.model",
                "mspxl.resources"]
    if args == ("--help",):  # below the top level, typer coerces the group's own --help flag through pydantic
        unwanted.append("pydantic")
    probe = PROBE.replace('sorted({m.split(".")[0] for m in sys.modules} & wanted)',
                          "sorted(set(sys.modules) & wanted)")
    done = subprocess.run([sys.executable, "-c", probe, json.dumps(args), json.dumps(unwanted)], capture_output=True,
                          text=True, timeout=120)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"code": 0, "heavy": []}
