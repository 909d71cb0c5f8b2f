"""`mspxl addin install` / `remove`: where the add-in and its configuration go, and that remove undoes install."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mspxl.cli.addin import addin_app
from mspxl.commands import addin

ROOT = Path(__file__).resolve().parents[1]


def test_places_on_windows_and_macos(tmp_path: Path) -> None:
    env = {"APPDATA": r"C:\Users\ann\AppData\Roaming", "USERPROFILE": r"C:\Users\ann"}
    win = addin.places("win32", Path(r"C:\Users\ann"), env)
    assert win.startup == Path(r"C:\Users\ann\AppData\Roaming") / "Microsoft" / "Excel" / "XLSTART"
    assert win.config == Path(r"C:\Users\ann") / ".mspxl" / "mspxl.conf"
    mac = addin.places("darwin", Path("/Users/ann"), {})
    assert mac.startup == Path("/Users/ann/Library/Group Containers/UBF8T346G9.Office/User Content.localized/"
                               "Startup.localized/Excel")
    assert mac.config == Path("/Users/ann/Library/Containers/com.microsoft.Excel/Data/mspxl.conf")
    with pytest.raises(addin.AddinError):
        addin.places("linux", tmp_path, {})


def test_install_then_remove_leaves_what_was_there(tmp_path: Path) -> None:
    where = addin.places("win32", tmp_path, {"APPDATA": str(tmp_path / "roaming"), "USERPROFILE": str(tmp_path)})
    where.config.parent.mkdir(parents=True)
    where.config.write_text('"SHOW CONSOLE","True"\n"INTERPRETER_WIN","C:\\old\\python.exe"\n')
    written = addin.install(where, interpreter=r"C:\py\python.exe")
    assert written == [where.startup / "mspxl.xlam", where.config]
    assert (where.startup / "mspxl.xlam").read_bytes() == (ROOT / "workbook" / "mspxl.xlam").read_bytes()
    assert where.config.read_text().splitlines() == [
        '"SHOW CONSOLE","True"', '"INTERPRETER_WIN","C:\\py\\python.exe"', '"INTERPRETER_MAC","C:\\py\\python.exe"',
        '"UDF MODULES","mspxl.xl.udfs"']
    addin.remove(where)
    assert not (where.startup / "mspxl.xlam").exists()
    assert where.config.read_text() == '"SHOW CONSOLE","True"\n'


def test_remove_deletes_a_configuration_that_was_only_ours(tmp_path: Path) -> None:
    where = addin.places("linux", tmp_path, {}, startup=tmp_path / "XLSTART")
    addin.install(where, interpreter="/usr/bin/python3")
    assert addin.remove(where) == [where.startup / "mspxl.xlam", where.config]
    assert not where.config.exists()
    assert addin.remove(where) == []


def test_the_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    runner = CliRunner()
    app = addin_app
    result = runner.invoke(app, ["install", "--folder", str(tmp_path / "XLSTART")])
    assert result.exit_code == 0, result.output
    assert "Restart Excel: the MSP Billing tab appears on the ribbon." in result.output
    assert (tmp_path / "XLSTART" / "mspxl.xlam").exists()
    result = runner.invoke(app, ["remove", "--folder", str(tmp_path / "XLSTART")])
    assert result.exit_code == 0 and "Removed the add-in" in result.output
    assert not (tmp_path / "XLSTART" / "mspxl.xlam").exists()
    result = runner.invoke(app, ["remove", "--folder", str(tmp_path / "XLSTART")])
    assert "nothing to remove" in result.output


def test_a_non_ascii_interpreter_path_reaches_excel_in_its_code_page(tmp_path: Path) -> None:
    """The add-in's VBA reads mspxl.conf with `Open ... For Input` / `Line Input`, in the ANSI code page: a path
    written as UTF-8 would read as "JosÃ©" and Excel would answer "Could not find Interpreter!"."""
    where = addin.places("win32", tmp_path, {"APPDATA": str(tmp_path / "roaming"), "USERPROFILE": str(tmp_path)},
                         ansi="cp1252")
    python = "C:\\Users\\José\\AppData\\Local\\Programs\\Python\\Python312\\python.exe"
    addin.install(where, interpreter=python, short_path=lambda path: None)
    raw = where.config.read_bytes()
    assert b"Jos\xe9" in raw and "José".encode() not in raw
    assert f'"INTERPRETER_WIN","{python}"' in raw.decode("cp1252").splitlines()


def test_a_path_outside_the_code_page_takes_its_short_name_or_is_refused(tmp_path: Path) -> None:
    where = addin.places("win32", tmp_path, {"APPDATA": str(tmp_path / "roaming"), "USERPROFILE": str(tmp_path)},
                         ansi="cp1252")
    python = "C:\\Users\\李雷\\python.exe"
    addin.install(where, interpreter=python, short_path=lambda path: "C:\\Users\\3B9F~1\\python.exe")
    assert '"INTERPRETER_WIN","C:\\Users\\3B9F~1\\python.exe"' in where.config.read_text("cp1252").splitlines()
    with pytest.raises(addin.AddinError, match="install Python in a folder"):
        addin.install(where, interpreter=python, short_path=lambda path: None)


def test_install_says_where_the_functions_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    for platform, said in (("win32", "come with the add-in"), ("darwin", "Excel for Windows only")):
        monkeypatch.setattr("sys.platform", platform)
        result = CliRunner().invoke(addin_app, ["install", "--folder", str(tmp_path / "XLSTART")])
        assert result.exit_code == 0, result.output
        assert said in result.output and "Import Functions" not in result.output
