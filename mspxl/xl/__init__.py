"""The Excel front end: the MSP Billing ribbon's buttons and the worksheet functions, through xlwings.

The add-in's VBA runs `mspxl.xl.<tag>()` for the button pressed, so every ribbon button's tag names a function of
this package: the buttons of `mspxl.xl.buttons`, one for each entry of `mspxl.xl.ribbon.BUTTONS`.
"""

from mspxl.xl.button import text_of
from mspxl.xl.buttons import (
    check_workbook,
    credit_note,
    export_monthly_summary,
    export_to_accounting,
    generate_invoices,
    open_output_folder,
    preview_invoices,
    reconcile_vendor_files,
    run_collections,
    show_help,
    statement_for_client,
)
from mspxl.xl.controls import AS_OF

__all__ = [
    "AS_OF",
    "check_workbook",
    "credit_note",
    "export_monthly_summary",
    "export_to_accounting",
    "generate_invoices",
    "open_output_folder",
    "preview_invoices",
    "reconcile_vendor_files",
    "run_collections",
    "show_help",
    "statement_for_client",
    "text_of",
]
