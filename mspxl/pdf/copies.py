"""What LibreOffice reads instead of a .docx: a copy with only the styles the document uses.

Most of LibreOffice's time on one of our invoices goes to importing `word/styles.xml`, not to laying out or
exporting the page: the templates carry Word's whole style gallery (164 styles and 137 latent-style entries, 350 KB
of XML) and LibreOffice builds every one of them for every document. Measured on 60 invoices of the 2,000-client
month in one soffice process: 0.16 s of CPU a document as written, 0.075 s from copies with the unused styles and
the latent-style list taken out; the PDFs' text and pages (rendered at 60 dpi) are identical.

A style is kept when a part of the document, the styles part included, names it (`pStyle`, `rStyle`, `tblStyle`,
`numStyle`, `styleLink`), when it is a default style, or when a kept style is based on it, linked to it or followed
by it. Latent styles only tell Word's style gallery what to show, so they go. The copy has the name of its document
(LibreOffice names the PDF after it); its other parts are copied as their stored compressed bytes. A document this
cannot read safely (not a zip, another namespace prefix for WordprocessingML, no `word/styles.xml`, nothing to take
out) is converted as it is.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from mspxl.zipcopy import stored_bytes, write_stored

STYLES = "word/styles.xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_PREFIX = f'xmlns:w="{W}"'.encode()
_ANY_PREFIX = re.compile(rb'xmlns:([A-Za-z_][\w.-]*)=["\']' + re.escape(W.encode()) + rb'["\']')
_STYLE_NAMED = re.compile(
    rb'<w:(?:pStyle|rStyle|tblStyle|numStyle|styleLink)\b[^>]*?\bw:val=(?:"([^"]*)"|\'([^\']*)\')')
_LINKS = ("basedOn", "link", "next")


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


class Unsure(Exception):
    """The document is not one whose styles this can take out safely."""


def styles_named(xml: bytes) -> set[str]:
    """The style ids a part names, read from its bytes: every WordprocessingML namespace in it must be bound to
    the prefix `w` (as Word and docxtpl write it), else Unsure."""
    if any(prefix != b"w" for prefix in _ANY_PREFIX.findall(xml)):
        raise Unsure("WordprocessingML under another prefix")
    return {(a or b).decode("utf-8") for a, b in _STYLE_NAMED.findall(xml)}


def used_styles(styles_xml: bytes, named: set[str]) -> bytes:
    """`styles_xml` with only the styles in `named`, the default ones and those they lean on; no latent styles."""
    if _W_PREFIX not in styles_xml or any(p != b"w" for p in _ANY_PREFIX.findall(styles_xml)):
        raise Unsure("styles under another prefix")
    root = etree.fromstring(styles_xml)
    by_id = {style.get(_q("styleId")): style for style in root.findall(_q("style"))}
    keep = {sid for sid, style in by_id.items() if style.get(_q("default")) in ("1", "true", "on")}
    keep |= (named | styles_named(styles_xml)) & by_id.keys()  # a style named inside the styles part is kept too
    todo = list(keep)
    while todo:
        style = by_id[todo.pop()]
        for link in _LINKS:
            target = style.find(_q(link))
            ref = target.get(_q("val")) if target is not None else None
            if ref in by_id and ref not in keep:
                keep.add(ref)
                todo.append(ref)
    for sid, style in by_id.items():
        if sid not in keep:
            root.remove(style)
    for latent in root.findall(_q("latentStyles")):
        root.remove(latent)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class CopyMaker:
    """Writes conversion copies into `folder`; the slimmed styles part is worked out once for each template (the
    same styles part and the same styles named)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._slimmed: dict[tuple[int, int, frozenset[str]], bytes | None] = {}

    def copy_of(self, document: Path) -> Path:
        """The file LibreOffice should read for `document`: a slimmed copy in the folder, or `document` itself."""
        if document.suffix.lower() != ".docx":
            return document
        try:
            with zipfile.ZipFile(document) as package:
                return self._copy(package, document.name)
        except (zipfile.BadZipFile, Unsure, etree.XMLSyntaxError, OSError, UnicodeDecodeError, KeyError):
            return document

    def _copy(self, package: zipfile.ZipFile, name: str) -> Path:
        infos = package.infolist()
        styles = package.getinfo(STYLES)
        named: set[str] = set()
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and info.filename != STYLES:
                named |= styles_named(package.read(info))
        key = (styles.CRC, styles.file_size, frozenset(named))
        if key not in self._slimmed:
            original = package.read(styles)
            slim = used_styles(original, named)
            self._slimmed[key] = slim if len(slim) < len(original) else None
        slim = self._slimmed[key]
        if slim is None:
            raise Unsure("nothing to take out")
        target = self.folder / name
        with zipfile.ZipFile(target, "w") as out:
            for info in infos:
                if info is styles:
                    out.writestr(_renamed(info), slim, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
                else:
                    write_stored(out, info, stored_bytes(package.fp, info))  # type: ignore[arg-type]
        return target


def _renamed(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    fresh = zipfile.ZipInfo(info.filename, info.date_time)
    fresh.external_attr = info.external_attr
    return fresh


def conversion_copies(documents: Sequence[Path], folder: Path) -> list[Path]:
    """What to give LibreOffice for each of `documents`, in order (see CopyMaker)."""
    folder.mkdir(parents=True, exist_ok=True)
    maker = CopyMaker(folder)
    return [maker.copy_of(document) for document in documents]
