"""What can go wrong turning an invoice into a document. Each error names the template it is about."""

from __future__ import annotations

from pathlib import Path


class DocumentError(Exception):
    """An invoice document could not be written."""

    default = "the document could not be written"

    def __init__(self, template: Path | str, detail: str = "") -> None:
        self.template = Path(template)
        self.detail = detail or self.default
        super().__init__(f"{self.template.name}: {self.detail}")


class TemplateMissing(DocumentError):
    """There is no template for this kind of invoice."""

    default = "template not found"


class TemplateUnsafe(DocumentError):
    """The template reaches for something a document template may not touch (Python internals)."""

    default = "the template tried something a document template may not do"


class TemplateInvalid(DocumentError):
    """The template is broken: a Jinja syntax error, an unknown field, or tags that leave the Word XML broken."""

    default = "the template is not a valid invoice template"


class OutputNotWritten(DocumentError):
    """The rendered document could not be saved (the folder is read-only, or the file is open in Word)."""

    default = "the document could not be saved"
