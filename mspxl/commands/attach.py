"""What `mspxl send` attaches: each document's PDF, made from its .docx when it is not there yet, so a client never
gets the editable Word file when a PDF can be had.

The PDFs are made in one batch beside their .docx (and kept, so the next run finds them): by LibreOffice when it is
installed (`mspxl.pdf`), else, on Windows and macOS, by Microsoft Word through the optional `docx2pdf` package. When
neither is there, the .docx goes, and the run says so in one sentence naming what to install.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mspxl.pdf import INSTALL_HINT, PdfError, PdfUnavailable, convert_to_pdf, find_soffice, pdf_name

WORD_PLATFORMS = ("win32", "darwin")


@dataclass(frozen=True)
class Attachments:
    files: dict[Path, Path]  # each document -> the file to attach (its PDF, or itself)
    made: tuple[Path, ...]  # PDFs this run made (or, on a dry run, would make)
    note: str  # why some documents go as .docx only; "" when every one goes as a PDF

    def shown(self, doc: Path) -> Path:
        """The file the client gets for `doc` (on a dry run, the PDF sending would make)."""
        pdf = doc.with_suffix(".pdf")
        return pdf if pdf in self.made else self.files[doc]


def word_converter() -> Callable[[str, str], object] | None:
    """docx2pdf's `convert` (Microsoft Word through it) on Windows and macOS when the package is installed."""
    if sys.platform not in WORD_PLATFORMS:
        return None
    try:
        from docx2pdf import convert  # type: ignore[import-not-found]
    except ImportError:
        return None
    return convert  # type: ignore[no-any-return]


def can_make_pdf() -> bool:
    return find_soffice() is not None or word_converter() is not None


def make_pdfs(docs: Sequence[Path]) -> list[Path]:
    """The PDFs of `docs`, each beside its .docx: LibreOffice first, else Word (docx2pdf). Raises PdfUnavailable
    when neither is installed, PdfError when a conversion failed."""
    pdfs: list[Path] = []
    for folder in dict.fromkeys(d.parent for d in docs):
        batch = [d for d in docs if d.parent == folder]
        try:
            pdfs += convert_to_pdf(batch, folder)
        except PdfUnavailable:
            convert = word_converter()
            if convert is None:
                raise
            pdfs += [word_pdf(convert, doc) for doc in batch]
    return pdfs


def word_pdf(convert: Callable[[str, str], object], doc: Path) -> Path:
    """`doc` converted by Word (docx2pdf) beside itself."""
    target = pdf_name(doc, doc.parent)
    try:
        convert(str(doc), str(target))
    except Exception as exc:  # Word automation reports its failures as any exception
        raise PdfError(f"Word could not convert {doc.name}: {exc}") from exc
    if not target.exists():
        raise PdfError(f"Word did not write {target.name}")
    return target


def attachments(docs: Sequence[Path], dry_run: bool) -> Attachments:
    """The file to attach for each document: a .docx gets its PDF, made now when missing (a dry run makes none and
    tells which it would make)."""
    files = {d: d.with_suffix(".pdf") if d.with_suffix(".pdf").exists() else d for d in docs}
    wanted = [d for d, f in files.items() if f.suffix.lower() == ".docx"]
    if not wanted:
        return Attachments(files, (), "")
    if dry_run:
        if can_make_pdf():
            return Attachments(files, tuple(d.with_suffix(".pdf") for d in wanted), "")
        return Attachments(files, (), _docx_only(len(wanted), PdfUnavailable(), "would go"))
    try:
        made = make_pdfs(wanted)
    except PdfError as exc:
        return Attachments(files, (), _docx_only(len(wanted), exc, "went"))
    return Attachments({**files, **dict(zip(wanted, made, strict=True))}, tuple(made), "")


def _docx_only(count: int, why: PdfError, went: str) -> str:
    """One sentence: how many documents go as .docx, and why (what to install for PDFs next time)."""
    reason = str(why).rstrip(".")
    if isinstance(why, PdfUnavailable):
        word = "Microsoft Word with `pip install docx2pdf`, or " if sys.platform in WORD_PLATFORMS else ""
        reason = f"no PDF converter was found; for PDFs, {word}{INSTALL_HINT.removesuffix(' and run again')}"
    return f"{count} document(s) {went} as the editable .docx only, not as a PDF: {reason}."
