"""Every command on workbooks saved by Microsoft Excel (tests/data/excel-made/, XlsxWriter's test files): the
sample's sheets grafted into each file at the package level, then invoice, ach, returns, collect, credit and send.
Every part no command owns stays byte for byte; openpyxl loads the result; LibreOffice converts it; the next invoice
run accepts it; no table, sheet id, relationship id, content type or defined name is duplicated or dangling."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from excel_graft import GRAFT_PARTS, graft
from package_check import package_faults
from test_ach_support import read_nacha, return_file
from typer.testing import CliRunner

from mspxl.cli import cli
from mspxl.resources import sample_workbook
from mspxl.workbook.package_scan import sheet_parts

EXCEL_MADE = Path(__file__).parent / "data" / "excel-made"
FILES = sorted(p.name for p in EXCEL_MADE.iterdir() if p.suffix in (".xlsx", ".xlsm"))
# The sheets the commands write (the registers, the Runs row, Payments, WorkLog and Usage marks, Sent) and the
# parts listing what the package holds: everything else must come out as it went in.
# The sample's clients the month runs for: paying by check (C001), a quarterly debit (C010), on holds after returned
# debits (C011, C016), debited monthly (C024, C025).
CLIENTS = {"C001", "C010", "C011", "C016", "C024", "C025"}
WRITTEN_SHEETS = {"Invoices", "InvoiceLines", "Collections", "Aging", "Runs", "Payments", "WorkLog", "Usage", "Charges",
                  "Sent"}
runner = CliRunner()


@dataclass
class Run:
    grafted: Path
    final: Path
    outputs: list[tuple[str, int, str]] = field(default_factory=list)
    next_invoice: tuple[int, str] = (0, "")


def mspxl(run: Run, *args: str) -> str:
    result = runner.invoke(cli, [args[0], str(run.final), *args[1:]])
    run.outputs.append((args[0], result.exit_code, result.output))
    return result.output


def month_on(book: Path, folder: Path) -> Run:
    run = Run(folder / ("grafted" + book.suffix), book)
    shutil.copy(book, run.grafted)
    docs = str(folder / "docs")
    # November billed, December's first debits, a return two days later, collections, a credit and the emails, all
    # dated on or before 2026-12-03 (a credit note is never dated in the future)
    mspxl(run, "invoice", "--period", "2026-11", "--out", docs)
    debits = json.loads(mspxl(run, "ach", "--date", "2026-12-01", "--out", docs, "--json"))
    first = read_nacha(Path(debits["file"]).read_text())["entries"][0]  # type: ignore[index]
    returns = folder / "returns.txt"
    returns.write_text(return_file([(first["trace"], "R01", first["routing"], first["cents"], first["name"])],
                                   "261203"))
    mspxl(run, "returns", str(returns), "--cleared-through", "2026-12-01")
    mspxl(run, "collect", "--as-of", "2026-12-03", "--out", docs)
    mspxl(run, "credit", "--invoice", "INV-000001", "--reason", "duplicate charge", "--date", "2026-12-03",
          "--out", docs)
    mspxl(run, "send", "--period", "2026-11", "--out", docs)
    result = runner.invoke(cli, ["invoice", str(run.final), "--period", "2026-12", "--dry-run", "--out", docs])
    run.next_invoice = (result.exit_code, result.output)
    return run


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    done = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MSPXL_SOFFICE", "/nonexistent/soffice")  # send attaches the .docx: no LibreOffice per file
        for name in FILES:
            folder = tmp_path_factory.mktemp(name.replace(".", "_"))
            book = folder / name
            graft(EXCEL_MADE / name, sample_workbook(), book, CLIENTS)
            done[name] = month_on(book, folder)
    return done


@pytest.fixture(scope="module")
def converted(runs: dict[str, Run], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every result converted by LibreOffice in one run (its first sheet as CSV)."""
    out = tmp_path_factory.mktemp("libreoffice")
    profile = tmp_path_factory.mktemp("lo-profile")
    books = [str(r.final) for r in runs.values()]
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "csv",
                    "--outdir", str(out), *books], check=True, capture_output=True, timeout=600)
    return out


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def owned_parts(path: Path) -> set[str]:
    """The parts the commands may write: the written sheets with their tables and relationships, and the parts
    that list what the package holds."""
    with zipfile.ZipFile(path) as package:
        sheets = sheet_parts(package)
    owned = set(GRAFT_PARTS)
    for name, part in sheets.items():
        if name in WRITTEN_SHEETS:
            folder, base = part.rsplit("/", 1)
            owned |= {part, f"{folder}/_rels/{base}.rels"}
    return owned


@pytest.mark.parametrize("name", FILES)
def test_every_command_runs_and_leaves_every_other_part_as_excel_saved_it(name: str, runs: dict[str, Run]) -> None:
    run = runs[name]
    assert [(command, code) for command, code, _ in run.outputs] == [
        ("invoice", 0), ("ach", 0), ("returns", 0), ("collect", 0), ("credit", 0), ("send", 0)], run.outputs
    before, after = parts(run.grafted), parts(run.final)
    owned = owned_parts(run.final)
    tables = {p for p in after if p.startswith("xl/tables/")}
    kept = {p for p in before if p not in owned and p not in tables}
    assert sorted(p for p in kept if after.get(p) != before[p]) == []
    with zipfile.ZipFile(EXCEL_MADE / name) as excel:  # every part Excel wrote is still there
        assert sorted(set(excel.namelist()) - set(after)) == []


@pytest.mark.parametrize("name", FILES)
def test_the_result_is_whole(name: str, runs: dict[str, Run]) -> None:
    run = runs[name]
    assert package_faults(run.final) == []
    wb = openpyxl.load_workbook(run.final, keep_vba=name.endswith(".xlsm"))
    assert {"Invoices", "Payments", "Sent", "Runs"} <= set(wb.sheetnames)
    assert [r[2] for r in wb["Runs"].iter_rows(min_row=2, values_only=True)] == [
        "invoice", "ach", "returns", "collect", "credit", "send"]
    code, output = run.next_invoice
    assert code == 0, output


@pytest.mark.parametrize("name", FILES)
def test_libreoffice_converts_the_result(name: str, runs: dict[str, Run], converted: Path) -> None:
    csv = converted / (Path(name).stem + ".csv")
    assert csv.exists() and csv.stat().st_size > 0
