"""`mspxl templates export`: the document templates mspxl ships, written out for editing in Word."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mspxl.cli.common import out
from mspxl.cli.help import Command, Group

templates_app = typer.Typer(cls=Group, no_args_is_help=True, help="The document templates mspxl ships.")


@templates_app.command("export", cls=Command)
def templates_export(
    folder: Annotated[Path, typer.Argument(help="Where to write the templates.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace templates already in the folder.")] = False,
) -> None:
    """Write the packaged templates into FOLDER for editing in Word; a file already there is kept unless --force."""
    from mspxl.resources import export_templates

    written, kept = export_templates(folder, force)
    for path in written:
        out.print(f"  {path}")
    for path in kept:
        out.print(f"  kept {path} (already there; --force replaces it)")
    out.print(f"{len(written)} template(s) written to {folder}.")
