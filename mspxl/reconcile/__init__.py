"""Reconciling what vendors charge the MSP (Microsoft Partner Center, Pax8, an RMM's devices, any other vendor in a
generic layout) against what the workbook bills its clients: findings with the money at stake, and the changes that
would close them. Pure functions except `table`, which reads the vendor file."""

from mspxl.reconcile.match import reconcile
from mspxl.reconcile.model import FINDINGS, FORMATS, Finding, MapRow, Proposal, Reconciliation, VendorFile, VendorLine
from mspxl.reconcile.propose import proposals
from mspxl.reconcile.readers import read_vendor_table
from mspxl.reconcile.table import BadVendorFile, read_table

__all__ = ["FINDINGS", "FORMATS", "BadVendorFile", "Finding", "MapRow", "Proposal", "Reconciliation", "VendorFile",
           "VendorLine", "proposals", "read_table", "read_vendor_table", "reconcile"]
