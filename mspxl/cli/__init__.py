"""The command line (`mspxl`): the typer application `cli` and its entry point `main`."""

from mspxl.cli.app import cli, main

__all__ = ["cli", "main"]
