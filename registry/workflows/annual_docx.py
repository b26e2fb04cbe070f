"""The annual figures as a Word document (python-docx), in a government report's layout:
黑体 heading, 仿宋 body with a two-character first-line indent, tables with a grid."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

BODY_FONT, HEADING_FONT = "仿宋_GB2312", "黑体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def document_title(figures: dict) -> str:
    """许昌市2023年环境应急管理工作情况 (plans, agreements, drills, corrective actions)."""
    return f"{figures['city']}{figures['year']}年环境应急管理工作情况"


def annual_docx(figures: dict) -> bytes:
    """``figures`` from ``annual.annual_figures`` -> .docx bytes."""
    document = Document()
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
        for cell, header in zip(grid.rows[0].cells, table.headers):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(header)), HEADING_FONT, 11)
        for values in table.rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, values):
                _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, 11)
    note = document.add_paragraph()
    _font(note.add_run(f"数据截至{figures['as_of'].year}年{figures['as_of'].month}月"
                       f"{figures['as_of'].day}日，由应急预案备案管理系统生成。"), BODY_FONT, 10)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
