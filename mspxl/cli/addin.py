"""`mspxl addin install` and `mspxl addin remove`: the MSP Billing ribbon in Excel, or out of it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from mspxl.cli.help import Command, Group

addin_app = typer.Typer(cls=Group, add_completion=False, no_args_is_help=True,
                        help="Install or remove the MSP Billing ribbon add-in for Excel.")

FolderOpt = Annotated[Path | None, typer.Option("--folder", help="Excel's startup folder (XLSTART), when it is "
                                                                "not the usual one.")]


def _where(folder: Path | None):  # noqa: ANN202
    from mspxl.commands.addin import AddinError, places

    try:
        return places(sys.platform, Path.home(), os.environ, folder)
    except AddinError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


@addin_app.command("install", cls=Command)
def install_command(folder: FolderOpt = None) -> None:
    """Put the add-in where Excel loads it at start, set to run this Python."""
    from mspxl.commands.addin import AddinError, install

    where = _where(folder)
    try:
        install(where)
    except (AddinError, OSError) as exc:
        typer.echo(f"Could not install the add-in: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Installed {where.startup / 'mspxl.xlam'}; its configuration ({where.config}) runs {sys.executable}.")
    typer.echo("Restart Excel: the MSP Billing tab appears on the ribbon.")
    if sys.platform.startswith("win"):
        typer.echo("The MSPXL_ worksheet functions (=MSPXL_BALANCE(\"C001\", \"2026-12-20\") and others) come with "
                   "the add-in.")
    else:
        typer.echo("The MSPXL_ worksheet functions work in Excel for Windows only; every button works on a Mac.")


@addin_app.command("remove", cls=Command)
def remove_command(folder: FolderOpt = None) -> None:
    """Take the add-in out of Excel's startup folder and its settings out of the configuration."""
    from mspxl.commands.addin import remove

    where = _where(folder)
    changed = remove(where)
    if not changed:
        typer.echo("The add-in was not installed; nothing to remove.")
        return
    typer.echo(f"Removed the add-in ({', '.join(str(p) for p in changed)}). Restart Excel to see the tab go.")
