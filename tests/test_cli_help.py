"""Every command's --help as a terminal shows it: Click's placeholders (BOOK, YYYY-MM, PATH; nothing beside a flag),
never typer's `<bool>`/`<str>`/`{book}`, and every description whole, in the command lists too."""

from __future__ import annotations

import re

import pytest
import typer
from typer import _click
from typer.testing import CliRunner

from mspxl.cli.app import cli
from mspxl.cli.help import one_paragraph_per_paragraph

runner = CliRunner()


def _commands(group: _click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], _click.Command]]:
    found = [(path, group)]
    for name, sub in getattr(group, "commands", {}).items():
        found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(cli))


def _help(path: tuple[str, ...], columns: int) -> str:
    result = runner.invoke(cli, [*path, "--help"], env={"COLUMNS": str(columns)}, prog_name="mspxl")
    assert result.exit_code == 0, result.output
    return result.output


def _flat(text: str) -> str:
    """The help with the panels' frames taken off and the wrapping undone."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def test_every_command_is_covered() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"invoice", "demo", "reconcile", "returns", "addin install", "templates export"} <= names
    assert len(names) >= 20


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "mspxl" for p, _ in COMMANDS])
def test_help_reads_like_a_click_program(path: tuple[str, ...], command: _click.Command) -> None:
    shown = _help(path, 100)
    assert not re.search(r"<\w+>", shown), shown
    assert "{" not in shown and "}" not in shown, shown
    usage = next(line for line in shown.splitlines() if "Usage:" in line)
    flat = _flat(shown)
    assert (command.help or "").split("\n\n")[0] in flat
    for param in command.get_params(_click.Context(command)):
        if param.param_type_name == "argument":
            assert param.name.upper() in usage.split(), usage
        elif param.is_flag:  # type: ignore[attr-defined]
            assert f"{param.opts[0]} {param.help}" in flat, param.opts  # type: ignore[attr-defined]
        else:
            assert re.search(rf"{param.opts[0]} [A-Z][A-Z_:,-]+ ", flat), param.opts
        if getattr(param, "help", None):
            assert param.help in flat, param.help  # type: ignore[attr-defined]


GROUPS = [(p, c) for p, c in COMMANDS if getattr(c, "commands", None)]


@pytest.mark.parametrize(("path", "command"), GROUPS, ids=[" ".join(p) or "mspxl" for p, _ in GROUPS])
def test_command_lists_keep_each_description_on_one_line(path: tuple[str, ...], command: _click.Command) -> None:
    """On a terminal wide enough, each command's description is one line: none is cut where its source line ended."""
    lines = _help(path, 320).splitlines()
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        first = one_paragraph_per_paragraph(sub.help).split("\n\n")[0]
        assert any(f" {name} " in line and first in line for line in lines), (name, first)


def test_demo_names_its_out_option_in_the_description() -> None:
    shown = _flat(_help(("demo",), 100))
    assert "Copy the sample workbook into the --out folder and run it" in shown
    assert not re.search(r"\bDIR\b", shown)
    assert "--out PATH Folder for the demo's workbook and files. [default: out]" in shown


def test_invoice_help_as_printed() -> None:
    shown = _flat(_help(("invoice",), 100))
    assert "Usage: mspxl invoice [OPTIONS] BOOK" in shown
    assert "* BOOK PATH The workbook (.xlsx or .xlsm). [required]" in shown
    assert "* --period YYYY-MM The billing period, YYYY-MM. [required]" in shown
    assert "--dry-run Show what would be issued; write nothing." in shown
    assert "--help Show this message and exit." in shown
