"""Copies of the staff-editable templates with tags typed in, the way Word stores them.

``WordTemplate(folder)`` opens ``folder/memo.docx`` (a copy of the default template) and
adds paragraphs to the body, a table cell, any header or footer, a text box, a footnote
or an endnote. Each piece of text given becomes its own run, formatted differently from
its neighbours and separated by the spell-check and bookmark marks Word puts between
runs, so a tag given as ``("{{ memo.", "da", "te }}")`` is split over three runs as Word
splits a tag someone has edited.
"""

from __future__ import annotations

import json
import shutil
from itertools import cycle
from pathlib import Path

import docx
from clitools import call
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
BUNDLED = ROOT / "workbook" / "gsomia_relations.xlsx"
AS_OF = "2019-11-29"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSMAP = {
    "w": W_NS,
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
}
DECLS = " ".join(f'xmlns:{k}="{v}"' for k, v in NSMAP.items())
# What Word writes into runs: each run of a split tag looks different from the last.
FORMATS = ["<w:b/>", "<w:i/>", '<w:u w:val="single"/>', '<w:sz w:val="26"/>',
           '<w:color w:val="C00000"/>']
# ... and what it writes between them (spell-check marks, bookmarks, revision ids).
BETWEEN = ['<w:proofErr w:type="spellStart"/>', '<w:bookmarkStart w:id="71" w:name="x"/>',
           '<w:proofErr w:type="spellEnd"/>', '<w:bookmarkEnd w:id="71"/>']

TEXT_BOX = f"""<w:r {DECLS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="2400000" cy="600000"/>
<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{{id}}" name="Text Box {{id}}"
descr="{{alt}}"/>
<wp:cNvGraphicFramePr/><a:graphic><a:graphicData
uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>
<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2400000"
cy="600000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>
<wps:txbx><w:txbxContent/></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>
</wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape
style="width:190pt;height:47pt"><v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict>
</mc:Fallback></mc:AlternateContent></w:r>"""

NOTES = f"""<w:{{kind}}s {DECLS}>
<w:{{kind}} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{{kind}}>
<w:{{kind}} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>
</w:r></w:p></w:{{kind}}></w:{{kind}}s>"""


def validate(config: Path) -> tuple[int, list[dict]]:
    """Exit code and the problems of ``validate --templates --json`` (in this process)."""
    result = call("validate", "--templates", "--json", "--config", str(config))
    return result.returncode, json.loads(result.stdout)


def found(problems: list[dict], code: str, where: str, tag: str) -> bool:
    return any(p["code"] == code and p["where"] == where and tag in p["tag"] for p in problems)


def break_html(folder: Path, name: str, edits: list[tuple]) -> list[tuple[str, str, str]]:
    """Apply ``edits`` to ``folder/name``; (code, "line N", tag) expected for each (the
    line of the new text that holds the tag)."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    for old, new, *_ in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    found = []
    for _, new, code, tag in edits:
        probe = next((ln for ln in new.split("\n") if tag in ln), new.split("\n")[-1])
        found.append((code, f"line {next(i for i, ln in enumerate(lines, 1) if probe in ln)}",
                      tag))
    return found


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: its bytes and modification time."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_earlier(folder: Path, *formats: str) -> Path:
    """``folder/output`` holding a memo built from the default templates (the week
    before ``AS_OF``), built in this process."""
    config = write_config(folder, TEMPLATES)
    result = call("build", "--kind", "weekly", "--as-of", "2019-11-22", "--config", str(config),
                  "--jobs", "1", *(["--format", *formats] if formats else []))
    assert result.returncode == 0, result.stderr
    return folder / "output"


def copy_templates(folder: Path) -> Path:
    """A copy of the default templates folder at ``folder``."""
    shutil.copytree(TEMPLATES, folder)
    return folder


def write_config(folder: Path, templates: Path, extra: str = "") -> Path:
    """A reports.toml in ``folder`` using ``templates``, output and ledger under ``folder``."""
    path = folder / "reports.toml"
    path.write_text(f"""[paths]
workbook = "{BUNDLED}"
templates = "{templates}"
output = "{folder / 'output'}"
ledger = "{folder / 'ledger.sqlite'}"
log_file = "{folder / 'run.log'}"
{extra}""", encoding="utf-8")
    return path


def add_runs(paragraph, *texts: str) -> None:
    """Append ``texts`` to the paragraph element, one differently formatted run each."""
    styles = cycle(FORMATS)
    marks = cycle(BETWEEN)
    for n, text in enumerate(texts):
        if n:
            paragraph.append(etree.fromstring(next(marks).replace("/>", f' xmlns:w="{W_NS}"/>')))
        run = etree.fromstring(f'<w:r xmlns:w="{W_NS}"><w:rPr>{next(styles)}</w:rPr>'
                               '<w:t xml:space="preserve"/></w:r>')
        run[1].text = text
        paragraph.append(run)


def new_paragraph(*texts: str):
    paragraph = etree.fromstring(f'<w:p xmlns:w="{W_NS}"/>')
    add_runs(paragraph, *texts)
    return paragraph


class WordTemplate:
    """``folder/memo.docx`` opened for editing; ``save()`` writes it back."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / "memo.docx"
        self.doc = docx.Document(self.path)
        self.body_p = next(p for p in self.doc.paragraphs if p.text == "{{p body }}")._p
        self.boxes = 0

    def body(self, *texts: str, before_body: bool = True):
        """A new body paragraph (before {{p body }}, or after it) holding ``texts``."""
        paragraph = new_paragraph(*texts)
        if before_body:
            self.body_p.addprevious(paragraph)
        else:
            self.body_p.addnext(paragraph)
        return paragraph

    def drop_body(self) -> None:
        """Empty the {{p body }} paragraph (new paragraphs still go where it was)."""
        for run in self.body_p.findall(qn("w:r")):
            self.body_p.remove(run)

    def cell(self, row: int, column: int, *texts: str) -> None:
        """Replace the text of the memo block's cell (1-based row and column)."""
        paragraph = self.doc.tables[0].cell(row - 1, column - 1).paragraphs[0]._p
        for run in paragraph.findall(qn("w:r")):
            paragraph.remove(run)
        add_runs(paragraph, *texts)

    def header(self, *texts: str, kind: str = "default", footer: bool = False) -> None:
        """A paragraph in the page header (``kind``: default, first, even) or footer."""
        section = self.doc.sections[0]
        if kind == "first":
            section.different_first_page_header_footer = True
        if kind == "even":
            self.doc.settings.odd_and_even_pages_header_footer = True
        name = {"default": "", "first": "first_page_", "even": "even_page_"}[kind]
        part = getattr(section, f"{name}{'footer' if footer else 'header'}")
        part.is_linked_to_previous = False
        part._element.append(new_paragraph(*texts))

    def text_box(self, *texts: str, alt: str = "") -> None:
        """A body paragraph holding a text box (as Word writes it: a drawing with a VML
        fallback) whose one paragraph holds ``texts``; ``alt``: its alt text."""
        self.boxes += 1
        run = etree.fromstring(TEXT_BOX.replace("{id}", str(90 + self.boxes))
                               .replace("{alt}", alt.replace('"', "&quot;")))
        for box in run.iter(qn("w:txbxContent")):
            box.append(new_paragraph(*texts))
        self.body("Box: ").append(run)

    def note(self, kind: str, *texts: str) -> None:
        """A footnote or endnote (``kind``) holding ``texts``: added to the template's notes
        part if it has one (the bundled template has footnotes), else in a new part."""
        reltype = RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES
        existing = next((r.target_part for r in self.doc.part.rels.values()
                         if r.reltype == reltype), None)
        root = etree.fromstring(existing.blob if existing is not None
                                else NOTES.replace("{kind}", kind).encode())
        ids = [int(n.get(qn("w:id"))) for n in root.findall(qn(f"w:{kind}"))]
        note = etree.SubElement(root, qn(f"w:{kind}"), {qn("w:id"): str(max(ids) + 1)})
        note.append(new_paragraph(*texts))
        blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if existing is not None:
            existing._blob = blob
            return
        content_type = CT.WML_FOOTNOTES if kind == "footnote" else CT.WML_ENDNOTES
        part = Part(PackURI(f"/word/{kind}s.xml"), content_type, blob, self.doc.part.package)
        self.doc.part.relate_to(part, reltype)

    def save(self) -> Path:
        self.doc.save(self.path)
        return self.path
