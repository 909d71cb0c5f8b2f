"""Corrections: an issued invoice is never edited; a credit note cancels what was wrong and a reissue bills it again.

`credit_note` builds a credit note as a pure function; `reissue_draft` the corrected invoice; `issue_credit` (in
`mspxl.commands.credit`) does both on a workbook file with its documents.
"""

from mspxl.corrections.credit import (
    CreditRefused,
    credit_note,
    credited_so_far,
    parse_line_numbers,
    uncredited,
)
from mspxl.corrections.reissue import reissue_draft

__all__ = [
    "CreditRefused",
    "credit_note",
    "credited_so_far",
    "parse_line_numbers",
    "reissue_draft",
    "uncredited",
]
