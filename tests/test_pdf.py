"""PDF through LibreOffice headless: an invoice and the monthly summary converted together (one soffice process
per core, each with its own profile), checked with pdftotext and pdfinfo. Skipped, with the reason shown, when
LibreOffice or poppler-utils is not installed; CI installs both."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from test_summary_figures import summary_sheets
from test_summary_workbook import write_text_book

from mspxl.commands import invoice
from mspxl.commands.summary import export_summary
from mspxl.pdf import PdfUnavailable, batches, conversion_command, convert_to_pdf, find_soffice

TODAY = date(2026, 12, 2)
needs_soffice = pytest.mark.skipif(
    find_soffice() is None or shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="PDF tests need LibreOffice and poppler-utils: "
           "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils",
)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match, info
    return int(match.group(1))


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    """November's invoice documents and summary, converted together."""
    folder = tmp_path_factory.mktemp("pdf")
    book = write_text_book(folder / "book.xlsx", summary_sheets())
    invoice.invoice(book, "2026-10", TODAY)
    run = invoice.invoice(book, "2026-11", TODAY)
    summary = export_summary(book, "2026-11", folder / "summary-2026-11.xlsx", TODAY).path
    documents = [run.out_dir / inv.file for inv in run.issued]
    return convert_to_pdf([*documents, summary], folder / "pdf"), summary


@needs_soffice
def test_invoice_pdf_shows_its_number_and_total(converted: tuple[list[Path], Path]) -> None:
    pdfs, _ = converted
    managed = pdfs[0]
    assert managed.name == "INV-000004 +Acme Corp.pdf"
    assert pages(managed) == 1
    text = pdf_text(managed)
    assert "INV-000004" in text
    assert "$880.00" in text
    assert "$240.00" in pdf_text(pdfs[1]) and "INV-000005" in pdf_text(pdfs[1])


@needs_soffice
def test_summary_pdf_has_a_page_per_sheet_and_the_figures(converted: tuple[list[Path], Path]) -> None:
    pdfs, _ = converted
    summary = pdfs[-1]
    assert summary.name == "summary-2026-11.pdf"
    assert pages(summary) == 8  # Overview, Revenue by client / service, Invoices, Collections, Aging, Trend, Margin
    text = pdf_text(summary)
    for expected in ("monthly summary, Nov 2026", "Monthly recurring revenue (MRR)", "$1,450.00", "$1,120.00",
                     "$2,845.00", "=1+2", "@Globex", "+Acme Corp", "Payment failed"):
        assert expected in text, expected


@needs_soffice
def test_summary_opens_in_calc_without_errors(converted: tuple[list[Path], Path], tmp_path: Path) -> None:
    """Calc reads the summary back: a round trip to .xlsx keeps the sheets and their figures."""
    _, summary = converted
    done = subprocess.run(
        [find_soffice() or "soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(tmp_path), str(summary)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    overview = (tmp_path / "summary-2026-11-Overview.csv").read_text(encoding="utf-8")
    assert "Monthly recurring revenue (MRR)" in overview and "1450" in overview.replace(",", "")
    assert "Err:" not in overview and "#NAME" not in overview
    aging = (tmp_path / "summary-2026-11-Aging.csv").read_text(encoding="utf-8")
    assert "@Globex" in aging


def test_missing_soffice_names_the_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSPXL_SOFFICE", str(tmp_path / "no-such-soffice"))
    source = tmp_path / "a.docx"
    source.write_bytes(b"x")
    with pytest.raises(PdfUnavailable) as caught:
        convert_to_pdf([source], tmp_path)
    assert "libreoffice-writer-nogui libreoffice-calc-nogui" in str(caught.value)


def test_one_call_for_the_batch(tmp_path: Path) -> None:
    files = [tmp_path / "a.docx", tmp_path / "b.xlsx"]
    command = conversion_command("soffice", files, tmp_path / "out", tmp_path / "profile")
    assert command[0] == "soffice" and command[-2:] == [str(f) for f in files]
    assert command[2:8] == ["--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path / "out")]
    assert command[1].startswith("-env:UserInstallation=file://")


def test_refuses_what_it_cannot_convert(tmp_path: Path) -> None:
    assert convert_to_pdf([], tmp_path) == []
    with pytest.raises(ValueError, match="missing"):
        convert_to_pdf([tmp_path / "absent.docx"], tmp_path)
    for name in ("same.docx", "same.xlsx"):
        (tmp_path / name).write_bytes(b"x")
    with pytest.raises(ValueError, match="same PDF"):
        convert_to_pdf([tmp_path / "same.docx", tmp_path / "same.xlsx"], tmp_path)


def test_batches_are_split_evenly_in_order() -> None:
    files = [Path(f"{n}.docx") for n in range(7)]
    assert [len(b) for b in batches(files, 3)] == [3, 2, 2]
    assert [f for b in batches(files, 3) for f in b] == files
    assert batches(files[:1], 4) == [files[:1]] and batches(files, 1) == [files]


FAKE_SOFFICE = '''#!{python}
"""soffice as mspxl calls it: writes each PDF, notes its profile and files, and waits until every process of the
conversion has started (so the test sees them run at once)."""
import sys, time
from pathlib import Path
args = sys.argv[1:]
profile = args[0].split("=", 1)[1]
out = Path(args[args.index("--outdir") + 1])
files = args[args.index("--outdir") + 2:]
log = Path({log!r})
with log.open("a") as handle:
    handle.write(profile + " " + " ".join(Path(f).name for f in files) + "\\n")
deadline = time.monotonic() + 20
while len(log.read_text().splitlines()) < {expected} and time.monotonic() < deadline:
    time.sleep(0.05)
for name in files:
    (out / (Path(name).stem + ".pdf")).write_bytes(b"%PDF-1.4")
'''


def test_one_process_per_core_each_with_its_own_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    log = tmp_path / "calls.log"
    fake = tmp_path / "soffice"
    fake.write_text(FAKE_SOFFICE.format(python=sys.executable, log=str(log), expected=2))
    fake.chmod(0o755)
    monkeypatch.setenv("MSPXL_SOFFICE", str(fake))
    files = []
    for n in range(5):
        files.append(tmp_path / f"doc {n}.docx")
        files[-1].write_bytes(b"x")
    pdfs = convert_to_pdf(files, tmp_path / "pdf", timeout=60, processes=2)
    assert [p.name for p in pdfs] == [f"doc {n}.pdf" for n in range(5)] and all(p.exists() for p in pdfs)
    calls = sorted(line.split(" ", 1) for line in log.read_text().splitlines())
    assert len(calls) == 2 and calls[0][0] != calls[1][0]  # both ran at once, each with its own profile
    assert sorted(call[1] for call in calls) == ["doc 0.docx doc 1.docx doc 2.docx", "doc 3.docx doc 4.docx"]
