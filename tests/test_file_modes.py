"""A file mspxl writes has the permissions any program's new file has (0666 less the umask), or keeps those of the
file it replaces: never the private 0600 of the temporary file it is written through, which would hide a summary,
an export or a PDF from the colleagues who share the folder."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from mspxl.commands import invoice
from mspxl.commands.summary import export_summary
from mspxl.pdf.lanes import moved
from mspxl.resources import sample_workbook
from mspxl.writers.atomic import write_whole


@pytest.fixture
def umask_027() -> Iterator[None]:
    before = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_summary_gets_the_usual_permissions_and_keeps_those_it_replaces(tmp_path: Path, umask_027: None) -> None:
    book = tmp_path / "book.xlsx"
    shutil.copyfile(sample_workbook(), book)
    invoice.invoice(book, "2026-10", date(2026, 10, 31), out=tmp_path / "docs")
    summary = tmp_path / "summary.xlsx"
    export_summary(book, "2026-10", summary, date(2026, 10, 31))
    assert mode(summary) == 0o640  # 0666 less the umask 027
    summary.chmod(0o604)
    export_summary(book, "2026-10", summary, date(2026, 10, 31))
    assert mode(summary) == 0o604
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_a_report_or_an_export_written_whole_gets_the_usual_permissions(tmp_path: Path, umask_027: None) -> None:
    target = tmp_path / "invoices.iif"
    write_whole(target, lambda temporary: temporary.write_text("!TRNS\n"))
    assert mode(target) == 0o640 and target.read_text() == "!TRNS\n"


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="needs a second file system (/dev/shm)")
@pytest.mark.parametrize("made_mode", [0o644, 0o640])
def test_a_pdf_moved_from_another_file_system_keeps_the_permissions_libreoffice_gave_it(
        tmp_path: Path, made_mode: int) -> None:
    scratch = Path("/dev/shm") / f"mspxl-mode-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    try:
        made = scratch / "INV-000001.pdf"
        made.write_bytes(b"%PDF-1.7\n")
        made.chmod(made_mode)
        if os.stat(scratch).st_dev == os.stat(tmp_path).st_dev:
            pytest.skip("the scratch folder is on the same file system as the target")
        target = tmp_path / "INV-000001.pdf"
        assert moved(made, target)
        assert mode(target) == made_mode and target.read_bytes() == b"%PDF-1.7\n"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
