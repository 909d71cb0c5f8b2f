"""`python -m mspxl.cli`: the command line."""

from mspxl.cli.app import main

main()
