"""Fixtures shared by several test modules."""

from xlbooks import engine  # noqa: F401 - the fake Excel in each flavour, for the tests of mspxl.xl
