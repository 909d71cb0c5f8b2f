"""The MSP Billing tab: one list of buttons, from which the add-in's ribbon XML and the Help text are made.

A new button is one `Button` in BUTTONS and one `@button` function of the same name (its `tag`) in
`mspxl.xl.buttons`; `make addin` rebuilds the ribbon. Every button runs `mspxl.xl.<tag>()` through the add-in's
`OnButton` (or `OnCreditNote`, which first asks for the reason, or `OnReconcile`, which first asks for the vendor
files).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from mspxl.xl.controls import AS_OF, BILLING_PERIOD

NAMESPACE = "http://schemas.microsoft.com/office/2006/01/customui"


@dataclass(frozen=True)
class Button:
    tag: str  # the function of mspxl.xl it runs
    label: str
    group: str  # the ribbon group, in order of first appearance
    image: str  # an Office icon (imageMso)
    tip: str  # the tooltip, and the button's line in Help
    action: str = "OnButton"
    size: str = "large"


BUTTONS = (
    Button("check_workbook", "Check Workbook", "Billing", "ReviewTrackChanges",
           "Lists every problem in the workbook on the mspxl Log sheet, with a link to its cell."),
    Button("preview_invoices", "Preview Invoices", "Billing", "FilePrintPreview",
           f"Shows the invoices the {BILLING_PERIOD} on Settings would issue, on the mspxl Preview sheet. Writes "
           "nothing else."),
    Button("generate_invoices", "Generate Invoices", "Billing", "CreateReport",
           f"Issues the {BILLING_PERIOD}'s invoices: register rows, work marked billed, one Word document each; "
           "saves the workbook."),
    Button("credit_note", "Credit Note", "Billing", "ReviewRejectChange",
           "Select an invoice's row on the Invoices sheet, then press: asks for the reason and credits the whole "
           "invoice (a CN- credit note in the register and a Word document); saves the workbook.",
           action="OnCreditNote"),
    Button("reconcile_vendor_files", "Reconcile", "Billing", "ImportTextFile",
           "Asks for the vendors' exports (Partner Center, Pax8, an RMM's devices, a generic list) and compares them "
           f"with the {BILLING_PERIOD}'s billing: findings and money at stake on the Reconcile sheet, the changes "
           "that would close them on Proposed Changes (to make by hand); saves the workbook.",
           action="OnReconcile"),
    Button("run_collections", "Run Collections", "Collections", "AccountMenu",
           f"Fees for returned debits, the Collections and Aging sheets, as of the {AS_OF} date on Settings."),
    Button("statement_for_client", "Statement for Client", "Collections", "FileDocumentInspect",
           "Select a cell in a client's row, then press: the client's statement of account (Word) from 1 January "
           f"to the {AS_OF} date."),
    Button("export_monthly_summary", "Export Monthly Summary", "Reports", "ChartInsert",
           f"Writes the {BILLING_PERIOD}'s report (overview, revenue, collections, aging, trend, charts) as a new "
           "workbook in the output folder."),
    Button("export_to_accounting", "Export to Accounting", "Reports", "ExportTextFile",
           f"Writes the {BILLING_PERIOD}'s invoices and credit notes (and QuickBooks Desktop payments) not exported "
           "before as the import file of the Accounting System on Settings (qbo, iif or xero), in the output folder; "
           "records each on the Exports sheet and saves the workbook."),
    Button("open_output_folder", "Open Output Folder", "Files", "FileOpen",
           "Opens the folder where this workbook's documents are filed."),
    Button("show_help", "Help", "Files", "Help", "What each button does.", size="normal"),
)


def _button_xml(b: Button) -> str:
    return (f'<button id="mspxl_{b.tag}" label={quoteattr(b.label)} size="{b.size}" imageMso="{b.image}" '
            f'screentip={quoteattr(b.label)} supertip={quoteattr(b.tip)} onAction="{b.action}" tag="{b.tag}" />')


def ribbon_xml(buttons: tuple[Button, ...] = BUTTONS) -> bytes:
    """The add-in's customUI part: one MSP Billing tab, a group per `Button.group`."""
    groups: dict[str, list[Button]] = {}
    for b in buttons:
        groups.setdefault(b.group, []).append(b)
    lines = [f'<customUI xmlns="{NAMESPACE}">', "  <ribbon>", "    <tabs>",
             '      <tab id="mspxlTab" label="MSP Billing">']
    for group, members in groups.items():
        lines.append(f'        <group id="mspxl{group}" label="{group}">')
        lines.extend(f"          {_button_xml(b)}" for b in members)
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")


def help_text(buttons: tuple[Button, ...] = BUTTONS) -> str:
    lines = ["MSP Billing works on the workbook in front of you."]
    lines += [f"- {b.label}: {b.tip}" for b in buttons if b.tag != "show_help"]
    lines.append(f"Blank {BILLING_PERIOD} / {AS_OF} mean the next period to bill / today; the buttons fill them "
                 "in. The MSPXL_ worksheet functions come with the add-in (Excel for Windows only).")
    return "\n".join(lines)
