"""Every --help of mspxl as typer lays it out with rich (usage, description, then Arguments, Options and Commands
in framed panels), printed from rich's own table and panel.

typer prints the same panels from its `rich_utils` module, whose import also loads rich's Markdown (markdown-it),
Traceback (pygments) and pretty-printer (attrs) for features mspxl does not use: about 0.1 s on every `--help`, a
third of its time. The layout, styles and words here are typer's (typer 0.2x, `rich_format_help`); mspxl's help
texts are plain text, never rich markup, so "[x]" in a description is printed as written."""

from __future__ import annotations

import inspect
import os
from typing import Any

from rich.columns import Columns
from rich.console import Console, Group, RenderableType
from rich.highlighter import RegexHighlighter
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.theme import Theme
from typer import _click
from typer.core import TyperArgument, TyperGroup, TyperOption


class _Options(RegexHighlighter):
    highlights = [r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])", r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
                  r"(?P<usage>Usage: )"]


class _Types(RegexHighlighter):
    highlights = [r"^(?P<types_sep>(\[|<))", r"(?P<types_sep>\|)", r"(?P<types_sep>(\]|>))(\.\.\.)?$"]


_THEME = Theme({"option": "bold cyan", "switch": "bold green", "types": "bold yellow", "types_sep": "dim",
                "usage": "yellow"})
_options, _types = _Options(), _Types()


def _console() -> Console:
    """typer's help console: its colours, forced on where typer forces them, and TERMINAL_WIDTH honoured."""
    width = os.getenv("TERMINAL_WIDTH")
    force = True if os.getenv("GITHUB_ACTIONS") or os.getenv("FORCE_COLOR") or os.getenv("PY_COLORS") else None
    return Console(theme=_THEME, highlighter=_options, width=int(width) if width else None,
                   force_terminal=False if os.getenv("_TYPER_FORCE_DISABLE_TERMINAL") else force)


def _description(text: str) -> list[RenderableType]:
    """A command's description: the first paragraph plain, the others dim below it."""
    first, *rest = inspect.cleandoc(text).partition("\f")[0].split("\n\n")
    shown: list[RenderableType] = [_options(Text(first.replace("\n", " ").strip()))]
    if rest:
        shown += [Text(""), _options(Text(inspect.cleandoc("\n\n".join(rest)), style="dim"))]
    return shown


def _parameter_help(param: TyperArgument | TyperOption, ctx: _click.Context) -> Columns:
    """The help of an argument or option, then its default and whether it is required, as typer words them."""
    items: list[Text] = []
    if param.help:
        items.append(_options(Text("\n".join(p.replace("\n", " ").strip() for p in param.help.split("\n\n")))))
    default = param._extract_default_help_str(ctx=ctx)
    as_text = isinstance(param.show_default, str)
    if as_text or (default is not None and (param.show_default or ctx.show_default)):
        default_text = param._get_default_string(ctx=ctx, show_default_is_str=as_text, default_value=default)
        if default_text:
            items.append(Text(f"[default: {default_text}]", style="dim"))
    if param.required:
        items.append(Text("[required]", style="dim red"))
    return Columns(items)


def _parameters_panel(title: str, params: list[Any], ctx: _click.Context) -> Panel | None:
    rows: list[list[RenderableType]] = []
    for param in params:
        name = param.display_name_raw if isinstance(param, TyperArgument) else None
        longs = ",".join(o for o in param.opts if "--" in o)
        shorts = ",".join(name or o for o in param.opts if "--" not in o)
        kind = param.display_type_rich(ctx=ctx)
        rows.append([Text("*", style="red") if param.required else "", _options(Text(longs)),
                     _options(Text(shorts)), "", "",  # typer's columns for secondary names, which mspxl has none of
                     _types(Text(kind or "", style="bold yellow", overflow="fold")), _parameter_help(param, ctx)])
    if not rows:
        return None
    table = Table(highlight=True, show_header=False, expand=True, box=None, show_lines=False, leading=0,
                  pad_edge=False, padding=(0, 1))
    for row in rows:
        table.add_row(*(row if any(r[0] for r in rows) else row[1:]))
    return Panel(table, border_style="dim", title=title, title_align="left")


def _commands_panel(group: TyperGroup, ctx: _click.Context) -> Panel | None:
    commands = [c for c in (group.get_command(ctx, n) for n in group.list_commands(ctx)) if c and not c.hidden]
    if not commands:
        return None
    table = Table(highlight=False, show_header=False, expand=True, box=None, show_lines=False, leading=0,
                  pad_edge=False, padding=(0, 1))
    table.add_column(style="bold cyan", no_wrap=True, width=max(len(c.name or "") for c in commands))
    table.add_column("Description", justify="left", no_wrap=False, ratio=10)
    for command in commands:
        first = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]
        table.add_row(Text(command.name or ""), _options(Text(first.replace("\n", " ").strip())))
    return Panel(table, border_style="dim", title="Commands", title_align="left")


def print_help(command: _click.Command, ctx: _click.Context) -> None:
    """The command's (or group's) --help on standard output."""
    console = _console()
    console.print(Padding(_options(Text(command.get_usage(ctx))), 1), style="bold")
    if command.help:
        console.print(Padding(Group(*_description(command.help)), (0, 1, 1, 1)))
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    panels = [_parameters_panel("Arguments", [p for p in params if isinstance(p, TyperArgument)], ctx),
              _parameters_panel("Options", [p for p in params if isinstance(p, TyperOption)], ctx)]
    if isinstance(command, TyperGroup):
        panels.append(_commands_panel(command, ctx))
    for panel in panels:
        if panel is not None:
            console.print(panel)
