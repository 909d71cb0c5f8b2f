"""Invoice documents: the fields a template gets, and rendering Word invoices from docxtpl templates."""

from mspxl.documents.context import invoice_context
from mspxl.documents.errors import (
    DocumentError,
    OutputNotWritten,
    TemplateInvalid,
    TemplateMissing,
    TemplateUnsafe,
)
from mspxl.documents.render import InvoiceRenderer
from mspxl.documents.template import default_template_dir, document_filename, render_docx, sandbox

__all__ = [
    "DocumentError",
    "InvoiceRenderer",
    "OutputNotWritten",
    "TemplateInvalid",
    "TemplateMissing",
    "TemplateUnsafe",
    "default_template_dir",
    "document_filename",
    "invoice_context",
    "render_docx",
    "sandbox",
]
