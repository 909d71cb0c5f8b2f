"""The sample vendor files are what samples/make_vendor_files.py writes, and each reads without a problem in the
format the vendor documents (docs/reconcile.md)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from mspxl.reconcile import read_table, read_vendor_table

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "samples" / "vendor"
FORMATS = {"partner-center-2026-12.csv": ("microsoft", "2026-12"), "ninjaone-devices-2026-12.csv": ("rmm", "2026-12"),
           "pax8-invoice-2026-12.csv": ("pax8", "2026-12"), "backup-usage-2026-11.csv": ("generic", "2026-11")}


def test_committed_vendor_files_match_a_fresh_generation(tmp_path: Path) -> None:
    script = runpy.run_path(str(ROOT / "samples" / "make_vendor_files.py"))
    written = script["main"](ROOT / "samples" / "northwind.xlsx", tmp_path)
    assert sorted(p.name for p in written) == sorted(FORMATS)
    for path in written:
        assert path.read_bytes() == (VENDOR / path.name).read_bytes(), path.name


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_sample_is_told_apart_by_its_headings_and_reads_cleanly(name: str) -> None:
    fmt, period = FORMATS[name]
    vendor = read_vendor_table(read_table(VENDOR / name), None, period)
    assert (vendor.format, vendor.problems) == (fmt, ())
    assert vendor.lines
