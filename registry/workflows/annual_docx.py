"""The annual figures as a Word document (python-docx), in a government report's layout:
A4 with the GB/T 9704 margins, 黑体 heading, 仿宋 body with a two-character first-line
indent, tables with a grid whose header row repeats on every page and whose numbers are
right-aligned, space after each table; the document's author is the bureau."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY_FONT, HEADING_FONT = "仿宋_GB2312", "黑体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _a4(document) -> None:
    for section in document.sections:  # GB/T 9704-2012: A4, 37/35/28/26 mm margins
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)


def _repeat_header(row) -> None:
    """Mark a table row as the header repeated at the top of each page."""
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def document_title(figures: dict) -> str:
    """许昌市2023年环境应急管理工作情况 (plans, agreements, drills, corrective actions)."""
    return f"{figures['city']}{figures['year']}年环境应急管理工作情况"


def annual_docx(figures: dict) -> bytes:
    """``figures`` from ``annual.annual_figures`` -> .docx bytes."""
    document = Document()
    _a4(document)
    props = document.core_properties
    props.author = props.last_modified_by = f"{figures['city']}生态环境局"
    props.title = document_title(figures)
    props.comments = ""
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(document_title(figures)), HEADING_FONT, 16)
    body = document.add_paragraph()
    body.paragraph_format.first_line_indent = Pt(16 * 2)
    body.paragraph_format.line_spacing = 1.5
    _font(body.add_run(figures["paragraph"]), BODY_FONT, 16)
    for number, table in enumerate(figures["tables"], start=1):
        caption = document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(caption.add_run(f"表{number}  {table.title}"), HEADING_FONT, 12)
        grid = document.add_table(rows=1, cols=len(table.headers))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        _repeat_header(grid.rows[0])
        for cell, header in zip(grid.rows[0].cells, table.headers):
            cell.text = ""
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(cell.paragraphs[0].add_run(str(header)), HEADING_FONT, 11)
        for values in table.rows:
            cells = grid.add_row().cells
            total = bool(values) and values[0] == "合计"
            for cell, value in zip(cells, values):
                if _is_number(value):
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _font(cell.paragraphs[0].add_run(str(value)), HEADING_FONT if total else BODY_FONT, 11)
        document.add_paragraph().paragraph_format.space_after = Pt(12)  # air before the next caption
    note = document.add_paragraph()
    _font(note.add_run(f"数据截至{figures['as_of'].year}年{figures['as_of'].month}月"
                       f"{figures['as_of'].day}日，由应急预案备案管理系统生成。"), BODY_FONT, 10)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
