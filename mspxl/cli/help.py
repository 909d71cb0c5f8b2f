"""How every command's --help reads: as a Click program's always has. A flag shows no value placeholder, an option
shows its metavar (YYYY-MM, PATH, TEXT), an argument is BOOK in the usage line and in its panel, and a description
written over several source lines reads as one paragraph, in the command list too.

typer's own rendering shows `<bool>` beside every flag (`--help <bool>`), `<path>` and `<str>` as types and
`{book}` in the usage line, and keeps the line breaks of a docstring in the command list; typer gives no setting for
any of it, so the commands and groups of mspxl are these small subclasses of typer's, which change only the names
shown (never how a value is parsed)."""

from __future__ import annotations

import inspect
from typing import Any

from typer import _click
from typer.core import HAS_RICH, TyperArgument, TyperCommand, TyperGroup, TyperOption

_TYPE_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "Decimal": "DECIMAL"}
# The value an option takes, named once for every command that has the option (an option's own metavar wins).
_OPTION_VALUES = {"--period": "YYYY-MM", "--as-of": "YYYY-MM-DD", "--date": "YYYY-MM-DD", "--from": "YYYY-MM-DD",
                  "--cleared-through": "YYYY-MM-DD", "--smtp": "HOST:PORT", "--invoice": "NUMBER",
                  "--client": "CLIENT_ID", "--amount": "AMOUNT", "--lines": "N,N", "--format": "FORMAT",
                  "--to": "SYSTEM", "--vendor-file": "FILE", "--folder": "FOLDER"}


def one_paragraph_per_paragraph(text: str | None) -> str | None:
    """A docstring's paragraphs, each on one line: the wrapping is the terminal's, not the source file's."""
    if text is None:
        return None
    return "\n\n".join(" ".join(p.split()) for p in inspect.cleandoc(text).split("\n\n"))


def _value_name(param: TyperArgument | TyperOption) -> str:
    """What Click shows for a value of this type: PATH, TEXT, INTEGER, or the choices as [a|b]."""
    desc = param.type_descriptor
    if desc.is_choice and desc.choices is not None:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in desc.choices) + "]"
    if desc.is_path:
        return "PATH"
    bare = param.bare_type()
    return _TYPE_NAMES.get(bare, bare.upper())


class _Argument(TyperArgument):
    def display_type(self, ctx: _click.Context) -> str:
        return _value_name(self)

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")


class _Option(TyperOption):
    def display_type_rich(self, ctx: _click.Context) -> str | None:
        if self.is_flag or self.count:
            return None
        if self.metavar is not None:
            return self.metavar
        named = [_OPTION_VALUES[o] for o in self.opts if o in _OPTION_VALUES]
        return named[0] if named else _value_name(self)


def _plain(param: _click.Parameter) -> _click.Parameter:
    """The parameter shown Click's way; parsing is untouched (only the class's display methods differ)."""
    if type(param) is TyperArgument:
        param.__class__ = _Argument
        if param.metavar is None and param.name:
            param.metavar = param.name.upper()
    elif type(param) is TyperOption:
        param.__class__ = _Option
    return param


class _PlainHelp:
    """What a command and a group of mspxl share: their help as one paragraph per paragraph, their parameters (and
    the --help option typer adds) shown Click's way."""

    help: str | None
    params: list[_click.Parameter]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = one_paragraph_per_paragraph(self.help)
        self.params = [_plain(p) for p in self.params]

    def get_help_option(self, ctx: _click.Context) -> TyperOption | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        return None if option is None else _plain(option)

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """typer's panels, printed by mspxl.cli.panels (without loading typer's rich_utils); Click's plain help
        where typer would give it (rich turned off with TYPER_USE_RICH=0)."""
        if not HAS_RICH or getattr(self, "rich_markup_mode", None) is None:
            super().format_help(ctx, formatter)  # type: ignore[misc]
            return
        from mspxl.cli.panels import print_help

        print_help(self, ctx)  # type: ignore[arg-type]


class Command(_PlainHelp, TyperCommand):
    """A command of mspxl."""


class Group(_PlainHelp, TyperGroup):
    """mspxl, and its groups of commands (addin, templates)."""
