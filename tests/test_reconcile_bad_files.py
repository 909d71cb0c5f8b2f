"""Bad vendor files: each problem is one sentence naming the file, the row and the heading; all of them at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from mspxl.reconcile import BadVendorFile, read_table, read_vendor_table
from mspxl.reconcile.columns import UnknownFormat
from mspxl.reconcile.table import table_of


def test_wrong_columns_for_the_format_say_which_are_missing_and_what_the_file_has() -> None:
    table = table_of("export.csv", [["Company", "Product", "Seats"], ["Acme", "M365", 3]])
    vendor = read_vendor_table(table, "microsoft", "2026-12")
    assert vendor.problems == (
        "export.csv row 1 (the headings): no CustomerName or SkuName or ChargeType or BillableQuantity column, so it "
        "is not a Microsoft Partner Center (new commerce) reconciliation file (it needs CustomerName, SkuName, "
        "ChargeType, BillableQuantity; the file has Company, Product, Seats).",)
    assert not vendor.lines


def test_headings_of_no_known_vendor_ask_for_the_format() -> None:
    with pytest.raises(UnknownFormat, match=r"export.csv: cannot tell which vendor's file this is: its headings in "
                                            r"the first row \(Company, Product, Seats\)"):
        read_vendor_table(table_of("export.csv", [["Company", "Product", "Seats"], ["Acme", "M365", 3]]), None,
                          "2026-12")


def test_an_unknown_format_name_lists_the_formats() -> None:
    with pytest.raises(UnknownFormat, match='"ingram" is not a vendor format: use one of microsoft, pax8, rmm, '
                                            'generic.'):
        read_vendor_table(table_of("x.csv", [["a", "b"], [1, 2]]), "ingram", "2026-12")


def test_every_bad_cell_is_reported_with_its_row_and_heading() -> None:
    rows = [["Vendor Customer", "Vendor Item", "Quantity", "Unit Cost", "Period"],
            ["Acme Dental", "BACKUP-TB", "ten", "12.00", "2026-12"],
            ["Acme Dental", "BACKUP-TB", "-2", "12.00", "2026-12"],
            ["Acme Dental", "", "2", "1,200.00", "Dec 2026"],
            ["Acme Dental", "BACKUP-TB", "2", "12.00", "2026-12"]]
    vendor = read_vendor_table(table_of("backup.csv", rows), None, "2026-12")
    assert vendor.format == "generic"
    assert vendor.problems == (
        'backup.csv row 2 (Quantity): "ten" is not a number',
        'backup.csv row 3 (Quantity): "-2" is a negative quantity',
        "backup.csv row 4 (Vendor Item): is blank",
        'backup.csv row 4 (Unit Cost): "1,200.00" is not a number',
        'backup.csv row 4 (Period): "Dec 2026" is not a period (expected YYYY-MM, e.g. 2026-12)',
    )
    assert [(line.quantity, line.rows) for line in vendor.lines] == [(2, (5,))]


def test_a_bad_charge_date_is_a_problem_of_its_row() -> None:
    rows = [["CustomerName", "SkuName", "ChargeType", "BillableQuantity", "ChargeStartDate"],
            ["Acme", "M365", "cycleCharge", "3", "31/12/2026"]]
    vendor = read_vendor_table(table_of("recon.csv", rows), None, "2026-12")
    assert vendor.problems == ('recon.csv row 2 (ChargeStartDate): "31/12/2026" is not a date (expected 2026-12-01 '
                               'or 12/1/2026)',)


def test_files_that_are_not_tables(tmp_path: Path) -> None:
    with pytest.raises(BadVendorFile, match="missing.csv: file not found"):
        read_table(tmp_path / "missing.csv")
    binary = tmp_path / "devices.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(BadVendorFile, match="devices.csv is not a text \\(CSV\\) file or a spreadsheet"):
        read_table(binary)
    title_only = tmp_path / "empty.csv"
    title_only.write_text("Device report\n\n", encoding="utf-8")
    with pytest.raises(BadVendorFile, match="empty.csv holds no table"):
        read_table(title_only)


def test_csv_in_excel_encodings_and_delimiters(tmp_path: Path) -> None:
    path = tmp_path / "pax8.csv"
    path.write_bytes("Company Name;SKU;Quantity;Cost\nCafé Müller;MST-365-BS;4;12,50\n".encode("cp1252"))
    vendor = read_vendor_table(read_table(path), None, "2026-12")
    assert vendor.format == "pax8"
    assert vendor.problems == ('pax8.csv row 2 (Cost): "12,50" is not a number',)
    path.write_bytes("\ufeffCompany Name,SKU,Quantity,Cost\nCafé Müller,MST-365-BS,4,12.50\n".encode())
    [line] = read_vendor_table(read_table(path), None, "2026-12").lines
    assert (line.customer, line.item, line.quantity, str(line.unit_cost)) == ("Café Müller", "MST-365-BS", 4, "12.50")
