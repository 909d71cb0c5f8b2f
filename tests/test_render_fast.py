"""Documents from templates prepared once are the documents docxtpl renders per invoice: same parts, text, structure."""

from __future__ import annotations

import sys
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from mspxl.billing.run import plan_period
from mspxl.documents.errors import TemplateMissing
from mspxl.documents.prepared import PreparedTemplate
from mspxl.documents.render import InvoiceRenderer, render_invoices
from mspxl.documents.template import default_template_dir, sandbox
from mspxl.workbook.load import load_raw
from mspxl.workbook.source_file import read_raw

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from make_book import make_book  # noqa: E402


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    path = make_book(8, tmp_path_factory.mktemp("book") / "book.xlsx")
    book = load_raw(read_raw(path), date(2026, 11, 25)).book
    invoices = list(plan_period(book, "2026-11").new)
    clients = {c.id: c for c in book.clients}
    tricky = replace(clients[invoices[0].client_id], name="{{ settings }} & <Co>\n{%tr %}",
                     address="1 Main St\nSuite 2\t{_{ x }_}")
    invoices.append(replace(invoices[0], number="INV-999999", client_name=tricky.name))
    clients["tricky"] = tricky
    return book, invoices, clients


def shape(data: bytes, core: bool = False) -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """Every element in document order: tag, text, tail and attributes (namespace declarations aside).

    In the document properties (`core`) an empty property is left out: docxtpl's path writes empty ones
    (identifier, language) the template did not have."""
    root = etree.fromstring(data)
    return [(el.tag, el.text or "", el.tail or "", sorted(el.attrib.items())) for el in root.iter()
            if isinstance(el.tag, str) and not (core and el is not root and not (el.text or el.attrib or len(el)))]


def rendered(renderer: InvoiceRenderer, book, invoices, clients, out: Path) -> list[Path]:  # noqa: ANN001
    paths = []
    for inv in invoices:
        client = clients["tricky"] if inv.number == "INV-999999" else clients[inv.client_id]
        project = book.projects.get(inv.project_id)
        paths.append(renderer.render(inv, client, book.settings, out, project.name if project else ""))
    return paths


def test_prepared_and_per_invoice_documents_agree(month, tmp_path: Path) -> None:  # noqa: ANN001
    book, invoices, clients = month
    assert {inv.type for inv in invoices} == {"managed", "service", "project"}
    slow = rendered(InvoiceRenderer(default_template_dir(), prepared=False), book, invoices, clients, tmp_path / "a")
    fast = rendered(InvoiceRenderer(default_template_dir()), book, invoices, clients, tmp_path / "b")
    assert [p.name for p in slow] == [p.name for p in fast]
    for one, other in zip(slow, fast, strict=True):
        with zipfile.ZipFile(one) as a, zipfile.ZipFile(other) as b:
            assert b.testzip() is None and sorted(a.namelist()) == sorted(b.namelist())
            for name in a.namelist():
                if name.endswith((".xml", ".rels")):
                    core = name == "docProps/core.xml"
                    assert shape(a.read(name), core) == shape(b.read(name), core), (one.name, name)
                else:
                    assert a.read(name) == b.read(name), (one.name, name)
        doc_a, doc_b = Document(str(one)), Document(str(other))
        assert [p.text for p in doc_a.paragraphs] == [p.text for p in doc_b.paragraphs]
        cells_a = [[c.text for c in row.cells] for t in doc_a.tables for row in t.rows]
        assert cells_a == [[c.text for c in row.cells] for t in doc_b.tables for row in t.rows]
        footer = [p.text for s in doc_b.sections for p in s.footer.paragraphs]
        assert footer == [p.text for s in doc_a.sections for p in s.footer.paragraphs]
    text = "\n".join(p.text for t in Document(str(fast[-1])).tables for row in t.rows for p in row.cells[0].paragraphs)
    text += "\n".join(p.text for p in Document(str(fast[-1])).paragraphs)
    assert "{{ settings }} & <Co>" in text


def test_unchanged_parts_are_the_templates_bytes(month, tmp_path: Path) -> None:  # noqa: ANN001
    book, invoices, clients = month
    path = rendered(InvoiceRenderer(default_template_dir()), book, invoices[:1], clients, tmp_path)[0]
    template = default_template_dir() / f"invoice-{invoices[0].type}.docx"
    with zipfile.ZipFile(template) as t, zipfile.ZipFile(path) as d:
        same = [n for n in t.namelist() if t.read(n) == d.read(n)]
        assert "word/styles.xml" in same and "word/theme/theme1.xml" in same
        assert set(t.namelist()) - set(same) == {"word/document.xml", "word/footer1.xml"}


def test_a_template_with_fields_in_its_properties_is_not_prepared(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("{{ invoice_number }}")
    document.core_properties.title = "Invoice {{ invoice_number }}"
    path = tmp_path / "t.docx"
    document.save(str(path))
    assert PreparedTemplate.prepare(path.read_bytes(), sandbox(), {}) is None
    document.core_properties.title = "Invoice"
    document.save(str(path))
    assert PreparedTemplate.prepare(path.read_bytes(), sandbox(), {}) is not None


def test_a_process_pool_writes_the_same_documents(month, tmp_path: Path) -> None:  # noqa: ANN001
    book, invoices, clients = month
    jobs = [(inv, clients[inv.client_id], book.settings, "") for inv in invoices[:-1]]
    serial = render_invoices(default_template_dir(), jobs, tmp_path / "serial", workers=1)
    pooled = render_invoices(default_template_dir(), jobs, tmp_path / "pool", workers=2, threshold=1)
    assert [p.name for p in pooled] == [p.name for p in serial] and len(pooled) == len(jobs)
    for one, other in zip(serial, pooled, strict=True):
        with zipfile.ZipFile(one) as a, zipfile.ZipFile(other) as b:
            assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}


def test_a_document_that_fails_in_the_pool_raises_its_own_error(month, tmp_path: Path) -> None:  # noqa: ANN001
    book, invoices, clients = month
    jobs = [(inv, clients[inv.client_id], book.settings, "") for inv in invoices[:3]]
    jobs[1] = (replace(jobs[1][0], type="nosuch"), *jobs[1][1:])
    with pytest.raises(TemplateMissing, match="invoice-nosuch.docx"):
        render_invoices(default_template_dir(), jobs, tmp_path, workers=2, threshold=1)


def test_the_invoice_run_renders_over_the_pool_with_progress_and_the_same_documents(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mspxl.commands import invoice
    from mspxl.documents import render

    primed: list[int] = []  # the pool's set-up runs once per pooled run
    real_primed = render._primed
    monkeypatch.setattr(render, "_primed", lambda *args: primed.append(1) or real_primed(*args))
    runs = {}
    for name, threshold in (("serial", 10**9), ("pool", 2)):
        monkeypatch.setattr(render, "POOL_THRESHOLD", threshold)
        monkeypatch.setattr(render.os, "cpu_count", lambda: 2)
        book = make_book(6, tmp_path / name / "book.xlsx")
        shown: list[str] = []

        def progress(items, label: str, shown: list[str] = shown):  # noqa: ANN001, ANN202
            for item in items:
                shown.append(item.number)
                yield item

        runs[name] = (invoice.invoice(book, "2026-11", date(2026, 11, 25), tmp_path / name / "docs", progress=progress),
                      shown)
    (serial, serial_shown), (pooled, pooled_shown) = runs["serial"], runs["pool"]
    assert primed == [1]
    assert [i.file for i in pooled.issued] == [i.file for i in serial.issued] and len(pooled.issued) > 2
    assert pooled_shown == serial_shown == [i.number for i in serial.issued]
    for inv in serial.issued:
        with zipfile.ZipFile(tmp_path / "serial" / "docs" / inv.file) as a, \
                zipfile.ZipFile(tmp_path / "pool" / "docs" / inv.file) as b:
            assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}


def test_the_pool_is_used_only_where_workers_can_be_forked(month, tmp_path: Path,  # noqa: ANN001
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from mspxl.documents import render

    book, invoices, clients = month
    jobs = [(inv, clients[inv.client_id], book.settings, "") for inv in invoices[:3]]
    monkeypatch.setattr(render.sys, "platform", "win32")
    assert not render.pool_is_safe()
    monkeypatch.setattr(render, "_primed", lambda *args: pytest.fail("no pool on Windows"))
    assert len(render_invoices(default_template_dir(), jobs, tmp_path, workers=2, threshold=1)) == 3


def _table_template(path: Path, rows: list[list[str]], columns: int) -> Path:
    document = Document()
    table = document.add_table(rows=0, cols=columns)
    for texts in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, texts, strict=False):
            cell.text = text
    document.save(str(path))
    return path


@pytest.mark.parametrize(("rows", "parsed"), [
    ([["Item", "Amount"], ["{%tr for x in items %}", ""], ["{{ x }}", "1"], ["{%tr endfor %}", ""]], False),
    ([["{%tr for x in items %}", ""], ["{{ x }}", "1"], ["{%tr endfor %}", ""]], True),  # no row always there
    ([["Item", "Amount"], ["{%tc for x in items %}", "{{ x }}"], ["{%tc endfor %}", ""]], True),  # cells looped
    ([["Item", "{%p if items %}"], ["{%p endif %}", "2"]], True),  # a block across cells
])
def test_the_body_is_parsed_again_only_when_its_tables_could_change(rows: list[list[str]], parsed: bool,
                                                                   tmp_path: Path) -> None:
    from mspxl.documents.template import render_docx

    template = _table_template(tmp_path / "t.docx", rows, 2)
    prepared = PreparedTemplate.prepare(template.read_bytes(), sandbox(), {})
    assert prepared is not None and prepared.parse_body is parsed
    for items in (["a & b", "c"], []):
        slow = render_docx(template, {"items": items}, tmp_path / "slow.docx")
        fast = tmp_path / "fast.docx"
        with fast.open("wb") as out:
            prepared.render({"items": items}).save(out)
        with zipfile.ZipFile(slow) as a, zipfile.ZipFile(fast) as b:
            assert b.testzip() is None
            assert shape(a.read("word/document.xml")) == shape(b.read("word/document.xml")), items


def test_the_committed_templates_are_rendered_without_parsing_the_body() -> None:
    for template in sorted(default_template_dir().glob("*.docx")):
        prepared = PreparedTemplate.prepare(template.read_bytes(), sandbox(), {})
        assert prepared is not None and not prepared.parse_body, template.name


_P = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"


@pytest.mark.parametrize(("xml", "plain"), [
    ("<w:body>" + _P.format("{{ a }}") + "{% if flag -%}" + _P.format("x") + "{%- endif %}</w:body>", True),
    ("<w:body>{{ a }}{% if flag -%}" + _P.format("{{ b }}") + "{% endif %}</w:body>", True),  # a value's newline
    ("<w:body>" + _P.format("{{ a }}") + "\n\n" + _P.format("{_{ b }_} {_% x %_}") + "</w:body>", True),
    ("<w:body>{% for x in [a, b] %}" + _P.format("{{ x }}{{ loop.index }}") + "{% endfor %}</w:body>", True),
    ("<w:body>{% set y = a %}" + _P.format("{{ y }}") + "{% if flag %}\n" + _P.format("z") + "{% endif %}</w:body>",
     False),
])
@pytest.mark.parametrize("values", [
    {"a": "one", "b": "two", "flag": True},
    {"a": "line\nbreak\n", "b": "tab\there & <there> {{ x }} a_b", "flag": True},
    {"a": "x\n", "b": "\f\a", "flag": False},
])
def test_a_part_compiled_as_written_renders_what_docxtpl_renders(xml: str, plain: bool, values: dict,
                                                                 tmp_path: Path) -> None:
    from mspxl.documents.prepared import _Part
    from mspxl.documents.template import _as_document_text, _Document

    document = Document()
    document.save(str(tmp_path / "t.docx"))
    docx = _Document((tmp_path / "t.docx").read_bytes(), {})
    env = sandbox()
    part = _Part(zipfile.ZipInfo("word/document.xml"), env, xml, "")
    assert (part._plain is not None) is plain
    context = _as_document_text(values)
    assert part.render(docx, context) == docx.render_xml_part(xml, None, context, env)


@pytest.mark.parametrize("compressor", ["isal", "zlib"])
def test_the_rendered_parts_deflate_to_a_valid_package_with_either_compressor(
        compressor: str, month, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import zlib

    from mspxl import zipcopy

    if compressor == "zlib":
        monkeypatch.setattr(zipcopy, "_deflate", zlib)
    book, invoices, clients = month
    [path] = rendered(InvoiceRenderer(default_template_dir()), book, invoices[:1], clients, tmp_path)
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        body = package.read("word/document.xml")
    assert invoices[0].number.encode() in body and Document(str(path)).paragraphs
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_the_sandbox_reads_a_dicts_keys_and_attributes_as_jinjas_sandbox_does() -> None:
    from jinja2 import StrictUndefined, Undefined
    from jinja2.sandbox import SandboxedEnvironment
    from markupsafe import Markup

    ours, theirs = sandbox(), SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    line = {"amount": "$1.00", "items": "shadowed by the method", "title": Markup("a &amp; b")}
    for name in ("amount", "title", "items", "keys", "get", "missing", "__class__", "__init__", "mro"):
        mine, real = ours.getattr(line, name), theirs.getattr(line, name)
        assert type(mine) is type(real), name
        assert isinstance(real, Undefined) or mine == real, name
    template = "{{ line.amount }} {{ line.title }} {{ line.items() | list | length }}"
    assert ours.from_string(template).render(line=line) == "$1.00 a &amp; b 3"
    with pytest.raises(Exception, match="unsafe|not safely|__init__"):
        ours.from_string("{{ line.__init__.__globals__ }}").render(line=line)
