"""The summary workbook on files: written from a workbook the engine billed, read back cell by cell. The Overview
totals are recomputed from the accountant's Invoices sheet; client text never becomes a formula; tables, charts,
formats, frozen headers, widths and print settings are there; the command's exit codes and JSON."""

from __future__ import annotations

import gc
import json
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import typer
from bookdata import write_book
from lxml import etree
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook
from summary_reference import openpyxl_workbook
from test_faults import DiskFull
from test_summary_figures import HOSTILE, summary_sheets
from typer.testing import CliRunner

from mspxl.cli.summary import summary
from mspxl.commands import invoice
from mspxl.commands.summary import export_summary
from mspxl.money import to_decimal
from mspxl.summary.cells import FORMULA_STARTS, SheetWriter
from mspxl.summary.workbook import summary_sheets as laid_out
from mspxl.summary.xml_book import write_sheets

D = Decimal
TODAY = date(2026, 12, 2)
SHEETS = ["Overview", "Revenue by client", "Revenue by service", "Invoices", "Collections", "Aging", "Trend",
          "Margin"]


def write_text_book(path: Path, sheets: dict[str, list[dict[str, object]]]) -> Path:
    """`write_book`, with text that starts like a formula (the hostile client names) kept as text."""
    write_book(path, sheets)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The accountant's workbook billed for October to December, and the November summary beside it."""
    folder = tmp_path_factory.mktemp("summary")
    book = write_text_book(folder / "book.xlsx", summary_sheets())
    for period in ("2026-10", "2026-11", "2026-12"):
        invoice.invoice(book, period, TODAY)  # documents in the default folder, book/
    done = export_summary(book, "2026-11", folder / "out" / "summary-2026-11.xlsx", TODAY)
    return book, done.path


def dec(value: object) -> Decimal:
    return to_decimal(value) if value is not None else D("0.00")


def row_of(ws: Worksheet, label: str) -> tuple[object, ...]:
    for row in ws.iter_rows(values_only=True):
        if row[0] == label:
            return row
    raise AssertionError(f"no row {label!r} on {ws.title}")


def register_rows(book: Path, period: str) -> list[dict[str, object]]:
    """The accountant's Invoices sheet, read directly (not through mspxl)."""
    ws = openpyxl.load_workbook(book)["Invoices"]
    rows = list(ws.iter_rows(values_only=True))
    headers = rows[0]
    return [dict(zip(headers, r, strict=True)) for r in rows[1:] if r[0] and r[headers.index("Period")] == period]


def test_overview_totals_recomputed_from_the_register(files: tuple[Path, Path]) -> None:
    book, path = files
    register = register_rows(book, "2026-11")
    ws = openpyxl.load_workbook(path)["Overview"]
    labels = {"managed": "Managed services", "service": "Service (work)", "project": "Project", "fee": "Fees",
              "credit": "Credit notes"}
    for kind, label in labels.items():
        mine = [r for r in register if r["Type"] == kind]
        _, count, subtotal, tax, total = row_of(ws, label)[:5]
        assert count == len(mine)
        assert dec(subtotal) == sum((dec(r["Subtotal"]) for r in mine), D("0.00"))
        assert dec(tax) == sum((dec(r["Tax"]) for r in mine), D("0.00"))
        assert dec(total) == sum((dec(r["Total"]) for r in mine), D("0.00"))
    _, count, subtotal, tax, total = row_of(ws, "Total billed")[:5]
    assert (count, dec(subtotal), dec(tax), dec(total)) == (
        len(register), sum((dec(r["Subtotal"]) for r in register), D("0")),
        sum((dec(r["Tax"]) for r in register), D("0")), sum((dec(r["Total"]) for r in register), D("0")))
    assert dec(total) == D("1120.00")
    assert dec(row_of(ws, "Monthly recurring revenue (MRR)")[1]) == D("1450.00")
    assert dec(row_of(ws, "Cash collected")[1]) == D("2680.00")
    assert dec(row_of(ws, "Returned payments")[1]) == D("1500.00")
    assert dec(row_of(ws, "Outstanding balance")[1]) == D("2845.00")
    assert dec(row_of(ws, "of which past due")[1]) == D("1725.00")
    assert row_of(ws, "Users")[1:6] == (3, 3, 0, 0, 0)
    assert row_of(ws, "Payment failed")[1] == 1


def test_every_sheet_adds_up_to_the_overview(files: tuple[Path, Path]) -> None:
    _, path = files
    wb = openpyxl.load_workbook(path)
    billed = dec(row_of(wb["Overview"], "Total billed")[4])
    subtotal = dec(row_of(wb["Overview"], "Total billed")[2])
    assert dec(row_of(wb["Invoices"], "Total")[9]) == billed
    assert dec(row_of(wb["Revenue by client"], "Total")[9]) == billed
    assert dec(row_of(wb["Revenue by service"], "Total")[4]) == subtotal
    assert dec(row_of(wb["Aging"], "Total")[7]) == dec(row_of(wb["Overview"], "Outstanding balance")[1])
    trend = list(wb["Trend"].iter_rows(min_row=2, values_only=True))
    assert trend[-1][0] == "2026-11" and dec(trend[-1][1]) == billed and dec(trend[-1][2]) == D("1450.00")


def test_client_text_never_becomes_a_formula(files: tuple[Path, Path]) -> None:
    _, path = files
    wb = openpyxl.load_workbook(path)
    found = {name: 0 for name in HOSTILE.values()}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in found:
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    found[cell.value] += 1
    # by client, invoices, collections, aging and its chart data, margin and its chart data
    assert found == {"+Acme Corp": 8, "@Globex": 4, "=1+2": 1}
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 8
        assert not any(re.search(r"<f[ >]", z.read(n).decode()) for n in sheets)


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"])
def test_a_hostile_string_is_stored_as_text(tmp_path: Path, text: str) -> None:
    assert text.startswith(FORMULA_STARTS)
    writer = SheetWriter("Sheet", "0.00")
    writer.put(1, 1, text)
    write_sheets([writer], tmp_path / "t.xlsx", "t", "c")
    openpyxl_workbook([writer], "t", "c").save(tmp_path / "reference.xlsx")
    for name in ("t.xlsx", "reference.xlsx"):
        cell = openpyxl.load_workbook(tmp_path / name).active["A1"]
        assert (cell.value, cell.data_type) == (text, "s"), name
    assert CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_index(0).to_python() == [[text]]


def test_tables_formats_frozen_headers_widths_and_print_settings(files: tuple[Path, Path]) -> None:
    _, path = files
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    assert set(wb["Overview"].tables) == {"BilledByType", "BilledSeats", "ClientsByState"}
    for name, table in (("Revenue by client", "RevenueByClient"), ("Revenue by service", "RevenueByService"),
                        ("Invoices", "Invoices"), ("Collections", "Collections"), ("Aging", "Aging"),
                        ("Trend", "Trend")):
        ws = wb[name]
        assert table in ws.tables
        assert ws.freeze_panes in ("A2", "C2")
        assert ws.print_title_rows == "$1:$1"
    invoices = wb["Invoices"]
    assert invoices["F2"].is_date and invoices["F2"].number_format == "yyyy-mm-dd"
    assert invoices["J2"].number_format == '"$"#,##0.00;-"$"#,##0.00'
    assert invoices.column_dimensions["C"].width >= len("Client Name")
    for column in invoices.iter_cols(min_row=2, max_row=invoices.max_row - 1):  # styled alike, row by row
        looks = {(c.number_format, c.alignment.horizontal, c.alignment.vertical, c.alignment.indent,
                  c.alignment.wrap_text) for c in column}
        assert len(looks) == 1, (column[0].coordinate, looks)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_overview_and_invoice_dates_are_excel_dates(files: tuple[Path, Path]) -> None:
    """The Overview's period, balance date and preparation date, and the Invoices' issue and due dates, are date
    serials in the workbook's date format (calamine reads dates), never ISO text; a Period stays the register's
    month text."""
    _, path = files
    wb = openpyxl.load_workbook(path)
    overview, invoices = wb["Overview"], wb["Invoices"]
    assert [(c.value.date(), c.number_format) for c in overview["B2:B4"] for c in c] == [
        (date(2026, 11, 1), "yyyy-mm-dd"), (date(2026, 11, 30), "yyyy-mm-dd"), (TODAY, "yyyy-mm-dd")]
    assert (overview["A3"].value, overview["C3"].value) == ("Last day; balances as of", "amounts in USD")
    calamine = CalamineWorkbook.from_path(str(path))
    assert [row[1] for row in calamine.get_sheet_by_name("Overview").to_python()[1:4]] == [
        date(2026, 11, 1), date(2026, 11, 30), TODAY]
    listed = calamine.get_sheet_by_name("Invoices").to_python()[1:-1]
    assert len(listed) == invoices.max_row - 2 and {row[4] for row in listed} == {"2026-11"}
    assert all(isinstance(row[5], date) and isinstance(row[6], date) and row[5] <= row[6] for row in listed)
    assert all(invoices.cell(r, c).number_format == "yyyy-mm-dd" for r in range(2, invoices.max_row) for c in (6, 7))
    for ws in (overview, invoices):
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert not [t for t in texts if re.search(r"\d{4}-\d{2}-\d{2}", t)], ws.title


def shown(value: object, number_format: str) -> str:
    """A cell as Excel shows it in the summary's formats: money with its symbol and cents, dates ISO."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")  # type: ignore[attr-defined]
    if number_format.startswith('"$"'):
        return f"${dec(value):,.2f}"
    return f"{value:,}" if isinstance(value, int | float) else str(value)


@pytest.mark.parametrize("name", ["Collections", "Revenue by client"])
def test_collections_and_revenue_by_client_print_readably(files: tuple[Path, Path], name: str) -> None:
    """Landscape, one page wide; no cell runs into the next (a value fits its column, text is indented away from
    the amount before it); a long text wraps in a row made tall enough; headings wrap onto two lines."""
    _, path = files
    ws = openpyxl.load_workbook(path)[name]
    index = SHEETS.index(name) + 1
    with zipfile.ZipFile(path) as z:
        xml = z.read(f"xl/worksheets/sheet{index}.xml").decode()
    assert '<pageSetUpPr fitToPage="1"' in xml
    setup = re.search(r"<pageSetup [^>]*>", xml).group(0)  # type: ignore[union-attr]
    assert 'orientation="landscape"' in setup and 'fitToWidth="1"' in setup and 'fitToHeight="0"' in setup

    widths = {letter: dim.width for letter, dim in ws.column_dimensions.items()}
    assert set(widths) == {c.column_letter for c in ws[1]}
    # Excel prints a column w characters wide as 7w + 5 pixels, 0.75 pt each; a landscape Letter page less the
    # 0.4-inch margins is 734 pt wide: fitted to that width, the sheet prints at this scale.
    scale = min(1.0, 734 / sum((7 * w + 5) * 0.75 for w in widths.values()))
    assert scale >= 0.7, widths
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            text = shown(cell.value, cell.number_format)
            if not text:
                continue
            width = widths[cell.column_letter]
            if cell.alignment.wrap_text:
                lines = -(-len(text) // int(width - 2))
                assert (ws.row_dimensions[cell.row].height or 15) >= 15 * lines, (cell.coordinate, text)
            else:
                assert len(text) + 1 <= width, (cell.coordinate, text, width)
            if isinstance(cell.value, str):
                assert cell.alignment.indent >= 1, cell.coordinate
    headings = [c for c in ws[1]]
    assert all(c.alignment.wrap_text for c in headings)
    assert ws.row_dimensions[1].height == 30  # two lines
    if name == "Collections":
        assert widths["F"] < len("Oldest Unpaid Invoice")  # "Oldest Unpaid / Invoice"
        notes = {c.value: c for c in ws["I"][1:]}
        long = notes["retry ACH for 1,500.00 on 2026-11-09 (fee 225.00 debited separately)"]
        assert long.alignment.wrap_text and ws.row_dimensions[long.row].height == 30


def test_native_charts(files: tuple[Path, Path]) -> None:
    _, path = files
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = [z.read(n).decode() for n in charts]
    assert len(xml) == 5
    assert sum(bool(re.search(r"<(c:)?lineChart>", x)) for x in xml) == 1
    assert sum(bool(re.search(r"<(c:)?barChart>", x)) for x in xml) == 4
    assert sum(bool(re.search(r'<(c:)?grouping val="stacked"/>', x)) for x in xml) == 1
    titles = [re.findall(r"<a:t>([^<]*)</a:t>", x)[0] for x in xml]
    assert sorted(titles) == ["Aging by client", "Clients by collections state", "MRR and cash collected",
                              "Revenue and cost by client", "Revenue by service"]


def test_invoice_files_link_to_their_documents(files: tuple[Path, Path]) -> None:
    _, path = files
    ws = openpyxl.load_workbook(path)["Invoices"]
    cell = ws.cell(row=2, column=15)
    assert cell.value == "INV-000004 +Acme Corp.docx" and cell.data_type == "s"
    assert cell.hyperlink is not None
    assert cell.hyperlink.target == "../book/INV-000004%20%2BAcme%20Corp.docx"
    assert (path.parent / "../book/INV-000004 +Acme Corp.docx").is_file()


runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    shell = typer.Typer()
    shell.command("summary")(summary)
    shell.command("other")(lambda: None)  # two commands, so `summary` is named on the command line
    result = runner.invoke(shell, ["summary", *args])
    return result.exit_code, result.output


def test_command_json_and_exit_codes(files: tuple[Path, Path], tmp_path: Path) -> None:
    book, _ = files
    code, output = invoke(str(book), "--period", "2026-11", "--out", str(tmp_path / "s.xlsx"), "--json")
    assert code == 0, output
    result = json.loads(output)
    assert (result["billed_total"], result["mrr"], result["outstanding"], result["unissued_fees"]) == (
        "1120.00", "1450.00", "2845.00", 1)
    assert result["billed"]["managed"] == {"count": 1, "subtotal": "800.00", "tax": "80.00", "total": "880.00"}
    assert (tmp_path / "s.xlsx").is_file()
    code, output = invoke(str(book), "--period", "2026-11", "--out", str(tmp_path / "p.xlsx"))
    assert code == 0 and "MRR $1,450.00" in output and "Summary written to" in output
    assert invoke(str(book), "--period", "2026-13", "--out", str(tmp_path / "x.xlsx"))[0] == 2
    assert invoke(str(book), "--period", "2026-11", "--out", str(tmp_path / "x.csv"))[0] == 2
    assert invoke(str(book), "--period", "2026-11", "--out", str(book))[0] == 2
    assert not (tmp_path / "x.xlsx").exists()


def test_command_refuses_a_workbook_with_errors(tmp_path: Path) -> None:
    sheets = summary_sheets()
    sheets["Users"].append({"Client ID": "C9", "User Name": "ghost", "Added On": date(2026, 10, 1)})
    book = write_text_book(tmp_path / "bad.xlsx", sheets)
    code, output = invoke(str(book), "--period", "2026-11", "--out", str(tmp_path / "s.xlsx"), "--json")
    assert code == 1
    assert json.loads(output)["ok"] is False
    assert not (tmp_path / "s.xlsx").exists()


def looks(cell: object) -> tuple[object, ...]:
    """What a cell shows and how, as openpyxl reads it (colours without their alpha byte, the default size 11)."""
    font, fill, align = cell.font, cell.fill, cell.alignment  # type: ignore[attr-defined]
    value = cell.value  # type: ignore[attr-defined]
    if isinstance(value, float | int) and not isinstance(value, bool):
        value = round(float(value), 6)
    kind = cell.data_type if value is not None else None  # type: ignore[attr-defined]
    return (value, kind, cell.number_format, bool(font.b), bool(font.i), font.sz or 11,  # type: ignore[attr-defined]
            (font.color.rgb[-6:] if font.color is not None and font.color.type == "rgb" else None), font.u,
            fill.fgColor.rgb[-6:] if fill.fill_type == "solid" else None,
            align.horizontal, align.vertical, align.indent, bool(align.wrap_text))


def sheet_setup(ws: Worksheet) -> tuple[object, ...]:
    setup, margins = ws.page_setup, ws.page_margins
    return (ws.freeze_panes, ws.print_title_rows, setup.orientation, int(setup.paperSize), setup.fitToWidth,
            setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage, ws.print_options.horizontalCentered,
            (margins.left, margins.right, margins.top, margins.bottom), ws.oddFooter.center.text,
            {t.name: (t.ref, t.tableStyleInfo.name) for t in ws.tables.values()}, len(ws._charts),
            {k: d.width for k, d in ws.column_dimensions.items() if d.width},
            {k: d.height for k, d in ws.row_dimensions.items() if d.height},
            {c.coordinate: c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink})


def tree(xml: bytes) -> tuple[object, ...]:
    """An XML part as nested (name, attributes, text, children), whatever prefixes name its namespaces."""
    def walk(node: etree._Element) -> tuple[object, ...]:
        return (node.tag, sorted(node.attrib.items()), (node.text or "").strip(), [walk(child) for child in node])
    return walk(etree.fromstring(xml))


def charts_of(path: Path) -> list[tuple[object, ...]]:
    with zipfile.ZipFile(path) as z:
        names = sorted((n for n in z.namelist() if re.fullmatch(r"xl/(charts/chart|drawings/drawing)\d+\.xml", n)),
                       key=lambda n: (n.split("/")[1], int(re.sub(r"\D", "", n))))
        return [tree(z.read(n)) for n in names]


def test_the_written_summary_reads_as_the_openpyxl_reference(files: tuple[Path, Path]) -> None:
    """The summary the command writes (XML) against the same sheets written into openpyxl cells and saved by
    openpyxl: every cell's value, type, number format, font, fill and alignment, the widths, heights, frozen panes,
    print settings, tables, links, and the chart and drawing parts element for element; and python-calamine reads
    the same values."""
    book, path = files
    summary = export_summary(book, "2026-11", path.parent / "again.xlsx", TODAY).summary
    openpyxl_workbook(laid_out(summary), "t", "c").save(path.parent / "reference.xlsx")
    mine, reference = openpyxl.load_workbook(path), openpyxl.load_workbook(path.parent / "reference.xlsx")
    assert mine.sheetnames == reference.sheetnames == SHEETS
    assert mine.properties.title == "Monthly summary 2026-11" and mine.properties.creator
    assert charts_of(path) == charts_of(path.parent / "reference.xlsx")  # the same charts, placed alike
    calamine = CalamineWorkbook.from_path(str(path))
    for name in SHEETS:
        ours, theirs = mine[name], reference[name]
        assert sheet_setup(ours) == sheet_setup(theirs), name
        assert ours.max_row == theirs.max_row and ours.max_column == theirs.max_column, name
        for row_ours, row_theirs in zip(ours.iter_rows(), theirs.iter_rows(), strict=True):
            for a, b in zip(row_ours, row_theirs, strict=True):
                assert looks(a) == looks(b), (name, a.coordinate)
        read = calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)
        values = [[c.value for c in row] for row in ours.iter_rows()]
        assert len(read) == len(values)
        for got, expected in zip(read, values, strict=True):
            expected = [("" if v is None else v.date() if hasattr(v, "date") else v) for v in expected]
            assert [float(v) if isinstance(v, int) else v for v in got[:len(expected)]] == [
                float(v) if isinstance(v, int) else v for v in expected], name


def test_a_summary_that_cannot_be_written_leaves_the_one_before_whole(files: tuple[Path, Path], tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _, path = files
    target = tmp_path / "summary.xlsx"
    target.write_bytes(path.read_bytes())
    sheet = SheetWriter("Overview", "0.00")
    sheet.put(1, 1, "a newer summary")
    with monkeypatch.context() as patch:
        DiskFull(patch, ".xlsx")
        with pytest.raises(OSError):
            write_sheets([sheet], target, "t", "c")
        gc.collect()  # the failed writer's zip file is closed here
    assert target.read_bytes() == path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["summary.xlsx"]  # no temporary file left
