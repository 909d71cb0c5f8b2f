"""mspxl prints every --help itself (mspxl.cli.panels) instead of through typer's rich_utils, whose import costs a
third of `mspxl --help`. What a terminal shows must not change: for every command and group, at three widths, with
and without colour, the output equals what typer's own `rich_format_help` prints for the same command."""

from __future__ import annotations

import pytest
import typer
from typer import _click, rich_utils
from typer.testing import CliRunner

from mspxl.cli import help as help_module
from mspxl.cli.app import cli

runner = CliRunner()


def _paths(group: _click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(group, "commands", {}).items():
        found += _paths(sub, (*path, name))
    return found


PATHS = _paths(typer.main.get_command(cli))


def _shown(path: tuple[str, ...], env: dict[str, str]) -> str:
    result = runner.invoke(cli, [*path, "--help"], env=env, prog_name="mspxl", color=True)
    assert result.exit_code == 0, result.output
    return result.output


def _typers_own(self: object, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
    rich_utils.rich_format_help(obj=self, ctx=ctx, markup_mode="rich")  # type: ignore[arg-type]


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) or "mspxl" for p in PATHS])
def test_help_is_typers_to_the_byte(path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    envs = [{"COLUMNS": str(width), **colour} for width in (60, 100, 320) for colour in ({}, {"FORCE_COLOR": "1"})]
    ours = [_shown(path, env) for env in envs]
    monkeypatch.setattr(help_module._PlainHelp, "format_help", _typers_own)
    theirs = [_shown(path, env) for env in envs]
    assert ours == theirs
    assert "Show this message and exit." in ours[2]  # 100 columns, no colour
    assert any("\x1b[" in text for text in ours[1::2])  # the coloured runs are coloured


def test_bracketed_words_in_a_description_are_printed_as_written() -> None:
    """mspxl's help texts are plain text: typer would read "[default: out]" in a docstring as rich markup."""
    shown = _shown(("demo",), {"COLUMNS": "200"})
    assert "[default: out]" in shown
