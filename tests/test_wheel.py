"""The release: the wheel built from this tree, installed into a fresh virtual environment (no repository beside
it), prints its version and runs `mspxl demo` in an empty folder from its packaged templates and sample workbook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from decimal import Decimal
from pathlib import Path

from accounting_readers import read_iif

from mspxl import __version__

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = shutil.ignore_patterns(".venv", ".git", "out", "build", "dist", "*.egg-info", "__pycache__",
                                  ".pytest_cache", ".ruff_cache", ".hypothesis", "~$*")


def run(*args: str | Path, cwd: Path) -> str:
    """Run a program outside this test's import path (no PYTHONPATH), so the installed wheel is what runs."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def build_wheel(tmp_path: Path) -> Path:
    """`pip wheel` on a copy of the tree, so the build leaves nothing behind in the repository."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist", source, cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("mspxl-*.whl")
    return wheel


def fresh_environment(tmp_path: Path, wheel: Path) -> Path:
    """A new virtual environment with the wheel installed and no copy of the dependencies: they are found in this
    environment's site-packages, added at the end of the path (its editable mspxl is not, so the wheel's is used)."""
    target = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel, cwd=tmp_path)
    return python.parent


def test_the_wheel_installs_and_runs_the_demo_in_an_empty_folder(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    assert wheel.name == f"mspxl-{__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    assert "mspxl/data/sample/northwind.xlsx" in names and "mspxl/data/addin/mspxl.xlam" in names
    assert {"mspxl/data/templates/invoice-managed.docx", "mspxl/data/templates/invoice-credit.docx",
            "mspxl/data/templates/statement.docx"} <= set(names)
    assert not [n for n in names if n.startswith(("tests/", "samples/", "templates/"))]
    packages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "mspxl").rglob("__init__.py")}
    assert packages <= set(names), "a package of mspxl/ is missing from the wheel (pyproject.toml packages)"

    bin_dir = fresh_environment(tmp_path, wheel)
    empty = tmp_path / "empty"
    empty.mkdir()
    located = run(bin_dir / "python", "-c", "import mspxl; print(mspxl.__file__)", cwd=empty)
    assert Path(located.strip()).is_relative_to(bin_dir.parent)
    assert run(bin_dir / "mspxl", "--version", cwd=empty).strip() == f"mspxl {__version__}"
    run(bin_dir / "mspxl", "demo", "--out", "demo", cwd=empty)
    assert (empty / "demo" / "northwind.xlsx").is_file()
    assert list((empty / "demo" / "invoices").glob("INV-*.docx"))
    assert (empty / "demo" / "summary-2026-12.xlsx").is_file()
    # December's export, in the sample's Accounting System (iif), re-adds to what the demo billed
    books = read_iif((empty / "demo" / "quickbooks-2026-12.iif").read_text(encoding="cp1252"))
    invoices = [t for t in books if t.type == "INVOICE"]
    assert (len(invoices), sum(Decimal(t.trns["AMOUNT"]) for t in invoices)) == (29, Decimal("117991.45"))
    run(bin_dir / "mspxl", "templates", "export", "mine", cwd=empty)
    assert (empty / "mine" / "invoice-credit.docx").is_file()
