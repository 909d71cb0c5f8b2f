"""The command line: the typer application and its commands, each group in its module of mspxl.cli. A command
parses its arguments, calls its function in mspxl.commands and presents the result. Exit codes: 0 done, 1 the
workbook has errors (nothing written), 2 bad command-line usage."""

from __future__ import annotations

from typing import Annotated

import typer

from mspxl import __version__
from mspxl.cli.addin import addin_app
from mspxl.cli.book import check, init, verify
from mspxl.cli.collect import collect
from mspxl.cli.common import out
from mspxl.cli.credit import credit
from mspxl.cli.demo import demo
from mspxl.cli.export import export
from mspxl.cli.help import Command, Group
from mspxl.cli.invoice import invoice
from mspxl.cli.payments import ach, returns, send
from mspxl.cli.reconcile import reconcile
from mspxl.cli.reprice import reprice
from mspxl.cli.statement import statement
from mspxl.cli.summary import summary
from mspxl.cli.templates import templates_app

cli = typer.Typer(cls=Group, add_completion=False, no_args_is_help=True,
                  help="Billing and collections for MSPs, in Excel.")


def _version(value: bool) -> None:
    if value:
        out.print(f"mspxl {__version__}")
        raise typer.Exit()


@cli.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """mspxl: invoices and collections from an MSP's Excel workbook."""


for command in (init, check, invoice, collect, demo, summary, statement):
    cli.command(cls=Command)(command)
cli.add_typer(addin_app, name="addin")
for command in (ach, returns, send, credit, verify, export, reconcile, reprice):
    cli.command(cls=Command)(command)
cli.add_typer(templates_app, name="templates")


def main() -> None:
    cli()
