"""The Excel front end: the MSP Billing ribbon's buttons and the worksheet functions, through xlwings.

The add-in's one VBA dispatcher runs `mspxl.xl.<tag>()` for the button pressed, so every ribbon button's tag names
a function of this package.
"""

from mspxl.xl.buttons import (
    check_workbook,
    credit_note,
    export_monthly_summary,
    generate_invoices,
    open_output_folder,
    preview_invoices,
    run_collections,
    show_help,
    statement_for_client,
    text_of,
)

__all__ = [
    "check_workbook",
    "credit_note",
    "export_monthly_summary",
    "generate_invoices",
    "open_output_folder",
    "preview_invoices",
    "run_collections",
    "show_help",
    "statement_for_client",
    "text_of",
]
