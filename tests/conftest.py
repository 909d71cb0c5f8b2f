"""Fixtures shared by several test modules."""

from collections.abc import Iterator

import pytest
from xlbooks import engine  # noqa: F401 - the fake Excel in each flavour, for the tests of mspxl.xl

NO_SOFFICE = "/nonexistent/soffice"  # MSPXL_SOFFICE naming a program that is not there: no LibreOffice


@pytest.fixture
def no_pdf_converter() -> Iterator[None]:
    """No PDF converter (LibreOffice out of reach, and no Word off Windows and macOS): `mspxl send` attaches the
    .docx, as it does on a PC without either, instead of spending seconds per test in LibreOffice."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MSPXL_SOFFICE", NO_SOFFICE)
        yield
