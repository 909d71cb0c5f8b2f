"""Write the invoice templates (`invoice-managed.docx`, `-service`, `-project`, `-combined`, `-fee`, `-credit`) into
this folder.

The templates are ordinary Word documents with docxtpl (Jinja) tags; an MSP may restyle them in Word as long as the
tags survive. Every field they use is listed in `mspxl/documents/context.py`. Run `make templates` after changing
this script, and commit the .docx files it writes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent

FONT = "Arial"
ACCENT = "1F4E79"  # deep blue: table header, rules, company name
INK = "262626"  # body text
MUTED = "6B7280"  # labels and secondary text
RULE = "D9DEE5"  # thin row separators
TINT = "EEF3F8"  # shaded boxes

LEFT, RIGHT, CENTER = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER


@dataclass(frozen=True)
class Kind:
    """What differs between the invoice templates."""

    type: str
    title: str
    line_headers: tuple[str, str, str, str, str]
    counts: bool = False  # billed users and devices
    tax: bool = True
    intro: str = ""
    debit_note: str = ""  # appended to the ACH debit sentence
    title_size: float = 15
    amount_label: str = "Amount due"
    credit: bool = False  # a credit note: no due date, and a box saying how the credit is used instead of payment


COLUMNS = ("Description", "Qty", "Unit", "Unit price", "Amount")

KINDS = (
    Kind("managed", "Managed Services Invoice", COLUMNS, counts=True),
    Kind("service", "Service Invoice", COLUMNS),  # work performed and one-off charges
    Kind("project", "Project Invoice: {{ project_name }}", COLUMNS, title_size=13),  # labor and materials
    Kind("combined", "Invoice", COLUMNS, counts=True),  # One Invoice: the month's managed, service and project lines
    Kind(
        "fee",
        "Processing Fee",
        COLUMNS,
        tax=False,
        intro=(
            "Your ACH debit was returned unpaid. As set out in your agreement, a processing fee of "
            "{{ retry_fee_rate }} of the returned amount is charged."
        ),
        debit_note=", as a return fee entry of its own, apart from the retry of the returned amount",
    ),
    Kind(
        "credit",
        "Credit Note",
        COLUMNS,
        intro="This credit note corrects invoice {{ related_invoice }}. The reason is given on each line below.",
        amount_label="Amount credited",
        credit=True,
    ),
)


# --- low-level Word XML helpers -------------------------------------------------------------------------------


# Word refuses a document whose property elements are out of the schema's order, so every element is inserted in
# its place. The sequences of WordprocessingML (ECMA-376 part 1, section 17) for the properties used here:
ORDER: dict[str, tuple[str, ...]] = {
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
              "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark"),
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
            "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
            "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"),
    "tblBorders": ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV"),
    "tcBorders": ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV", "tl2br", "tr2bl"),
    "pBdr": ("top", "left", "bottom", "right", "between", "bar"),
    "tblCellMar": ("top", "left", "start", "bottom", "right", "end"),
}


def _local(element: OxmlElement) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _set(parent: OxmlElement, tag: str, **attrs: str) -> OxmlElement:
    """The child `tag` of `parent` (created in its schema position when missing) with the given w: attributes."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        sequence = ORDER.get(_local(parent), ())
        name = tag.split(":", 1)[1]
        later = set(sequence[sequence.index(name) + 1:]) if name in sequence else set()
        successor = next((el for el in parent if _local(el) in later), None)
        if successor is None:
            parent.append(child)
        else:
            successor.addprevious(child)
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), value)
    return child


def shade(cell: _Cell, fill: str) -> None:
    _set(cell._tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill=fill)


def cell_borders(cell: _Cell, **edges: tuple[int, str] | None) -> None:
    """Borders of one cell: edge=(eighths of a point, colour) or None for no line."""
    borders = _set(cell._tc.get_or_add_tcPr(), "w:tcBorders")
    for edge, spec in edges.items():
        if spec is None:
            _set(borders, f"w:{edge}", val="nil")
        else:
            size, color = spec
            _set(borders, f"w:{edge}", val="single", sz=str(size), space="0", color=color)


def table_without_borders(table: Table) -> None:
    borders = _set(table._tbl.tblPr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _set(borders, f"w:{edge}", val="nil")


def cell_padding(
    table: Table, top: float = 0.03, bottom: float = 0.03, left: float = 0.06, right: float = 0.06
) -> None:
    """Space inside the cells. The table is indented by its left padding, so its edge (not its text) sits on the
    margin, lined up with every other table."""
    margins = _set(table._tbl.tblPr, "w:tblCellMar")
    for edge, inches in (("top", top), ("bottom", bottom), ("left", left), ("right", right)):
        _set(margins, f"w:{edge}", w=str(int(inches * 1440)), type="dxa")
    _set(table._tbl.tblPr, "w:tblInd", w=str(int(left * 1440)), type="dxa")


def column_widths(table: Table, *widths: float) -> None:
    """Fixed column widths, written both where Word and where LibreOffice read them."""
    table.autofit = False
    _set(table._tbl.tblPr, "w:tblLayout", type="fixed")
    _set(table._tbl.tblPr, "w:tblW", w=str(int(sum(widths) * 1440)), type="dxa")
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width * 1440)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Inches(width)


def repeat_as_header(table: Table, row: int = 0) -> None:
    _set(table.rows[row]._tr.get_or_add_trPr(), "w:tblHeader", val="true")


def keep_row_together(table: Table) -> None:
    for row in table.rows:
        _set(row._tr.get_or_add_trPr(), "w:cantSplit", val="true")


def rule_below(paragraph: Paragraph, color: str = ACCENT, size: int = 12) -> None:
    borders = _set(paragraph._p.get_or_add_pPr(), "w:pBdr")
    _set(borders, "w:bottom", val="single", sz=str(size), space="4", color=color)


def write(
    target: _Cell | Paragraph,
    text: str,
    *,
    size: float = 9.5,
    bold: bool = False,
    color: str = INK,
    align: WD_ALIGN_PARAGRAPH = LEFT,
    after: float = 0,
    before: float = 0,
    spacing: int = 0,
) -> Paragraph:
    """One paragraph holding `text` in a single run (docxtpl needs each tag inside one run).

    A cell's first, still empty paragraph is reused; otherwise a paragraph is added to the cell.
    """
    if isinstance(target, Paragraph):
        paragraph = target
    else:
        first = target.paragraphs[0]
        paragraph = first if not first.text and not first.runs else target.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(before)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor.from_string(color)
    if spacing:
        _set(run._r.get_or_add_rPr(), "w:spacing", val=str(spacing))
    return paragraph


def label(target: _Cell | Paragraph, text: str, *, align: WD_ALIGN_PARAGRAPH = LEFT, after: float = 2) -> Paragraph:
    """A small capitalised caption such as BILL TO."""
    return write(target, text.upper(), size=7.5, bold=True, color=MUTED, align=align, after=after, spacing=12)


def tag_row(table: Table, tag: str) -> None:
    """A row holding only a docxtpl row tag (`{%tr ... %}`); docxtpl replaces the whole row with the tag."""
    write(table.add_row().cells[0], tag, size=2)


def tag_paragraph(cell: _Cell, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag (`{%p ... %}`)."""
    write(cell, tag, size=2)


# --- the document ------------------------------------------------------------------------------------------------

PAGE_WIDTH = 7.0  # inches between the margins of a Letter page


def setup(document: Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(0.75)
    section.top_margin = Inches(0.7)
    section.bottom_margin = Inches(0.8)
    section.footer_distance = Inches(0.4)

    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(9.5)
    normal.font.color.rgb = RGBColor.from_string(INK)
    fonts = _set(normal.element.get_or_add_rPr(), "w:rFonts")
    for script in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{script}"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15

    properties = document.core_properties
    properties.author = ""
    properties.comments = ""
    properties.title = "Invoice"
    properties.subject = ""
    properties.keywords = ""
    properties.last_modified_by = ""


def heading(document: Document, kind: Kind) -> None:
    masthead(document, kind.title, "{{ period_label }}", kind.title_size)


def masthead(document: Document, title: str, subtitle: str, title_size: float = 15) -> None:
    """The company's name and contact lines on the left, the document's title and subtitle on the right, a rule
    below: the top of every invoice, notice and statement."""
    table = document.add_table(rows=1, cols=2)
    table_without_borders(table)
    cell_padding(table, left=0, right=0)
    column_widths(table, 3.3, 3.7)
    company, right = table.rows[0].cells
    write(company, "{{ company_name }}", size=17, bold=True, color=ACCENT, after=3)
    write(company, "{{ company_lines }}", size=8.5, color=MUTED)
    write(right, title, size=title_size, bold=True, color=INK, align=RIGHT, after=2)
    write(right, subtitle, size=10, color=MUTED, align=RIGHT)
    rule_below(document.add_paragraph(), size=12)
    document.paragraphs[-1].paragraph_format.space_after = Pt(12)


def facts_table(cell, rows):  # noqa: ANN001, ANN201
    """A two-column table of captions and values nested in `cell`; a row with a condition shows only when the
    template field it names has a value."""
    _set(cell.paragraphs[0]._p.get_or_add_pPr(), "w:spacing", after="0", line="20", lineRule="exact")
    inner = cell.add_table(rows=0, cols=2)
    table_without_borders(inner)
    cell_padding(inner, top=0.025, bottom=0.025, left=0.08, right=0.08)
    for caption, value, condition in rows:
        if condition:
            tag_row(inner, f"{{%tr if {condition} %}}")
        left, right = inner.add_row().cells
        write(left, caption, size=8.5, color=MUTED)
        write(right, value, size=9, align=RIGHT)
        for each in (left, right):
            cell_borders(each, bottom=(4, RULE))
        if condition:
            tag_row(inner, "{%tr endif %}")
    return inner


def details(document: Document, kind: Kind) -> None:
    table = document.add_table(rows=1, cols=3)
    table_without_borders(table)
    cell_padding(table, left=0, right=0)
    column_widths(table, 3.6, 0.3, 3.1)
    bill_to, _, facts = table.rows[0].cells
    label(bill_to, "Bill to", after=3)
    write(bill_to, "{{ client_name }}", size=11, bold=True, after=2)
    write(bill_to, "{{ bill_to_lines }}", size=9, color=INK)

    rows: list[tuple[str, str, str]] = [
        ("Credit note number" if kind.credit else "Invoice number", "{{ invoice_number }}", ""),
        ("Period", "{{ period_label }}", ""),
        ("Issue date", "{{ issue_date }}", ""),
    ]
    if not kind.credit:
        rows.append(("Due date", "{{ due_date }}", ""))
    if kind.counts:
        rows += [("Users billed", "{{ billed_users }}", "billed_users"),
                 ("Devices billed", "{{ billed_devices }}", "billed_devices")]
    rows.append(("Relates to", "{{ related_invoice }}", "related_invoice"))
    if not kind.credit:
        rows.append(("Prepaid hours", "{{ prepaid_hours }}", "prepaid_hours"))

    facts.paragraphs[0].paragraph_format.space_after = Pt(0)
    inner = facts_table(facts, rows)
    left, right = inner.add_row().cells
    write(left, kind.amount_label, size=9.5, bold=True, color=ACCENT)
    write(right, "{{ total }}", size=11, bold=True, color=ACCENT, align=RIGHT)
    for cell in (left, right):
        shade(cell, TINT)
    column_widths(inner, 1.25, 1.85)
    keep_row_together(inner)
    # python-docx leaves an empty paragraph after a nested table; Word requires one, so keep it tiny
    _set(facts.add_paragraph()._p.get_or_add_pPr(), "w:spacing", after="0", line="20", lineRule="exact")


def intro(document: Document, kind: Kind) -> None:
    if kind.intro:
        write(document.add_paragraph(), kind.intro, size=9.5, before=14, after=0)


def lines(document: Document, kind: Kind) -> None:
    write(document.add_paragraph(), "", size=4, after=10)
    headers: tuple[str, ...] = kind.line_headers
    widths: tuple[float, ...] = (3.55, 0.65, 0.8, 1.0, 1.0)
    if kind.tax:  # a narrow last column marks the taxable lines with T
        headers, widths = (*headers, ""), (3.3, 0.65, 0.8, 1.0, 1.0, 0.25)
    table = document.add_table(rows=1, cols=len(headers))
    table_without_borders(table)
    cell_padding(table, top=0.05, bottom=0.05, left=0.08, right=0.08)
    aligns = (LEFT, RIGHT, LEFT, RIGHT, RIGHT, CENTER)
    for cell, caption, align in zip(table.rows[0].cells, headers, aligns, strict=False):
        write(cell, caption, size=8.5, bold=True, color="FFFFFF", align=align)
        shade(cell, ACCENT)
    repeat_as_header(table)
    tag_row(table, "{%tr for section in sections %}")
    tag_row(table, "{%tr if section.title %}")
    heading_cell = table.add_row().cells[0]
    write(heading_cell, "{{ section.title }}", size=9, bold=True, color=ACCENT)
    tag_row(table, "{%tr endif %}")
    tag_row(table, "{%tr for line in section.lines %}")
    fields = ("description", "quantity", "unit", "unit_price", "amount", "tax_mark")
    for cell, field, align in zip(table.add_row().cells, fields, aligns, strict=False):
        write(cell, f"{{{{ line.{field} }}}}", size=9, align=align, bold=field == "tax_mark")
        cell_borders(cell, bottom=(4, RULE))
    tag_row(table, "{%tr endfor %}")
    tag_row(table, "{%tr if section.subtotal %}")
    row = table.add_row().cells
    write(row[0], "{{ section.title }} subtotal", size=8.5, color=MUTED, align=RIGHT)
    write(row[4], "{{ section.subtotal }}", size=9, bold=True, align=RIGHT)
    tag_row(table, "{%tr endif %}")
    tag_row(table, "{%tr if section.project_total_to_date %}")
    row = table.add_row().cells
    write(row[0], "{{ section.project }} total to date{% if taxed %}, tax included{% endif %}", size=8.5,
          color=MUTED, align=RIGHT)
    write(row[4], "{{ section.project_total_to_date }}", size=9, align=RIGHT)
    tag_row(table, "{%tr endif %}")
    tag_row(table, "{%tr endfor %}")
    column_widths(table, *widths)
    keep_row_together(table)
    if kind.tax:
        write(document.add_paragraph(), "{%p if taxed %}", size=2)
        write(document.add_paragraph(), "T: a taxable line; sales tax of {{ tax_rate }} is charged on these lines.",
              size=7.5, color=MUTED, before=3)
        write(document.add_paragraph(), "{%p endif %}", size=2)


def totals(document: Document, kind: Kind) -> None:
    write(document.add_paragraph(), "", size=4, after=4)
    table = document.add_table(rows=0, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.RIGHT
    table.table_direction = WD_TABLE_DIRECTION.LTR
    table_without_borders(table)
    cell_padding(table, top=0.04, bottom=0.04, left=0.08, right=0.08)
    if kind.tax:
        tag_row(table, "{%tr if taxed %}")
        for caption, value in (("Subtotal", "{{ subtotal }}"),
                               ("Sales tax {{ tax_rate }} on {{ taxable_amount }}", "{{ tax }}")):
            left, right = table.add_row().cells
            write(left, caption, size=9, color=MUTED, align=RIGHT)
            write(right, value, size=9, align=RIGHT)
        tag_row(table, "{%tr endif %}")
    left, right = table.add_row().cells
    write(left, "Total", size=11, bold=True, align=RIGHT)
    write(right, "{{ total }}", size=11, bold=True, align=RIGHT)
    for cell in (left, right):
        cell_borders(cell, top=(12, ACCENT))
    if kind.type == "project":
        tag_row(table, "{%tr if project_total_to_date %}")
        left, right = table.add_row().cells
        write(left, "Project total to date", size=9, color=MUTED, align=RIGHT)
        write(right, "{{ project_total_to_date }}", size=9, align=RIGHT)
        tag_row(table, "{%tr endif %}")
    column_widths(table, 2.6, 1.2)
    keep_row_together(table)


@contextmanager
def shaded_box(document: Document, questions_about: str) -> Iterator[_Cell]:
    """A tinted box the width of the page with an accent bar on its left; the block writes into it, and the box
    closes with the line asking the client to get in touch about `questions_about`."""
    write(document.add_paragraph(), "", size=4, after=14)
    table = document.add_table(rows=1, cols=1)
    table_without_borders(table)
    cell_padding(table, top=0.1, bottom=0.1, left=0.16, right=0.16)
    box = table.rows[0].cells[0]
    shade(box, TINT)
    cell_borders(box, left=(24, ACCENT))
    yield box
    write(
        box,
        f"Questions about {questions_about}? Contact {{{{ company_name }}}}"
        "{% if company_contact %} at {{ company_contact }}{% endif %}.",
        size=8.5,
        color=MUTED,
    )
    column_widths(table, PAGE_WIDTH)
    keep_row_together(table)


def payment(document: Document, kind: Kind) -> None:
    with shaded_box(document, f"this {'credit note' if kind.credit else 'invoice'}") as box:
        payment_details(box, kind)


def payment_details(box: _Cell, kind: Kind) -> None:
    if kind.credit:
        label(box, "Your account", after=4)
        write(
            box,
            "This credit ({{ total }}) is applied to invoice {{ related_invoice }}; any part of it that invoice "
            "does not need is applied to your next invoices. No action is needed on your part.",
            size=9.5,
            after=4,
        )
    else:
        payment_terms(box, kind)


def payment_terms(box: _Cell, kind: Kind) -> None:
    label(box, "Payment", after=4)
    tag_paragraph(box, "{%p if debited %}")
    write(
        box,
        "Your account will be debited by ACH on {{ debit_date }}"
        "{% if account_last4 %} (account ending {{ account_last4 }}){% endif %}"
        f"{kind.debit_note}. No action is needed on your part.",
        size=9.5,
        after=4,
    )
    tag_paragraph(box, "{%p else %}")
    write(
        box,
        "Please pay {{ total }} by {{ due_date }} and quote invoice number {{ invoice_number }} with your payment.",
        size=9.5,
        after=4,
    )
    tag_paragraph(box, "{%p if remittance %}")
    write(box, "{{ remittance }}", size=9, after=4)
    tag_paragraph(box, "{%p endif %}")
    tag_paragraph(box, "{%p endif %}")


def footer(document: Document, kind: Kind) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    rule = _set(paragraph._p.get_or_add_pPr(), "w:pBdr")
    _set(rule, "w:top", val="single", sz="4", space="6", color=RULE)
    write(
        paragraph,
        "{{ company_name }}{% if company_contact %}  ·  {{ company_contact }}{% endif %}"
        f"  ·  {'Credit note' if kind.credit else 'Invoice'} {{{{ invoice_number }}}}  ·  Page ",
        size=7.5,
        color=MUTED,
        align=CENTER,
    )
    page_field(paragraph, "PAGE")
    write(paragraph, " of ", size=7.5, color=MUTED, align=CENTER)
    page_field(paragraph, "NUMPAGES")


def page_field(paragraph: Paragraph, field: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when the page is laid out."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), f" {field} ")
    paragraph._p.append(simple)
    run = paragraph.add_run("1")
    run.font.size = Pt(7.5)
    run.font.color.rgb = RGBColor.from_string(MUTED)
    simple.append(run._r)


def drop_unused_parts(document: Document) -> None:
    """Leave out python-docx's Word 2010 style copy (stylesWithEffects, 400 KB that Word rebuilds when it needs it),
    so each invoice loads and saves faster."""
    part = document.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rid)
            part.rels.pop(rid, None)


def build(kind: Kind) -> Document:
    document = Document()
    drop_unused_parts(document)
    setup(document)
    # the default document opens with no paragraph; the heading table comes first
    heading(document, kind)
    details(document, kind)
    intro(document, kind)
    lines(document, kind)
    totals(document, kind)
    payment(document, kind)
    footer(document, kind)
    return document


def main(folder: Path = HERE) -> list[Path]:
    written = []
    for kind in KINDS:
        path = folder / f"invoice-{kind.type}.docx"
        build(kind).save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
