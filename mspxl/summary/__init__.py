"""The monthly summary: the month's billing, recurring revenue, cash, collections and aging, as a workbook with
charts, from the register, payments and collections of the accountant's workbook."""

from mspxl.summary.build import build_summary
from mspxl.summary.model import MonthlySummary
from mspxl.summary.workbook import write_summary

__all__ = ["MonthlySummary", "build_summary", "write_summary"]
