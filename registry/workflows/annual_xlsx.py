"""The annual tables as an .xlsx workbook: a first sheet with the report's paragraph,
then one sheet per table (表1, 表2 … as numbered on the page and in the .docx), each with
its caption, a bold frozen header repeated on every printed page, numbers as numbers
(right-aligned, so a spreadsheet can add them up) and a bold 合计 row; A4 landscape.

Written with openpyxl's write-only workbook, like the list exports: the tables are small,
but nothing here grows with the size of the register."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from registry.workflows.annual import Delta, Table
from registry.workflows.annual_docx import document_title
from registry.workflows.exports import MAX_WIDTH, display_width, sheet_title
from registry.workflows.workbooks import header_cells

TITLE_FONT = Font(bold=True, size=14)
CAPTION_FONT = Font(bold=True, size=12)
TOTAL_FONT = Font(bold=True)
RIGHT = Alignment(horizontal="right")
WRAP = Alignment(wrap_text=True, vertical="top")
PARAGRAPH_WIDTH = 100  # the paragraph's column, in characters
A4 = 9  # openpyxl's paperSize for A4


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _print_setup(sheet, landscape: bool) -> None:
    sheet.page_setup.paperSize = A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _cell(sheet, value, bold: bool = False):
    cell = WriteOnlyCell(sheet, value)
    if _is_number(value):
        cell.alignment = RIGHT
        if isinstance(value, Delta):
            cell.value = int(value)
            cell.number_format = "+0;-0;0"
    elif isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a title starting with "=" stays text, never a formula
    if bold:
        cell.font = TOTAL_FONT
    return cell


def _summary_sheet(book: Workbook, figures: dict) -> None:
    sheet = book.create_sheet("说明")
    sheet.column_dimensions["A"].width = PARAGRAPH_WIDTH
    _print_setup(sheet, landscape=False)
    title = WriteOnlyCell(sheet, document_title(figures))
    title.font = TITLE_FONT
    sheet.append([title])
    sheet.append([])
    paragraph = WriteOnlyCell(sheet, figures["paragraph"])
    paragraph.alignment = WRAP
    sheet.append([paragraph])
    sheet.append([])
    as_of = figures["as_of"]
    sheet.append([f"数据截至{as_of.year}年{as_of.month}月{as_of.day}日，由应急预案备案管理系统生成。"])
    for number, table in enumerate(figures["tables"], start=1):
        sheet.append([f"表{number}  {table.title}"])


def _table_sheet(book: Workbook, number: int, table: Table) -> None:
    sheet = book.create_sheet(sheet_title(f"表{number} {table.title}"))
    widths = [display_width(str(h)) + 2 for h in table.headers]
    for values in table.rows:
        for i, value in enumerate(values[:len(widths)]):
            widths[i] = max(widths[i], display_width(str(value)) + 2)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width, MAX_WIDTH)
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    _print_setup(sheet, landscape=len(table.headers) > 4)
    caption = WriteOnlyCell(sheet, f"表{number}  {table.title}")
    caption.font = CAPTION_FONT
    sheet.append([caption])
    sheet.append(header_cells(sheet, [str(h) for h in table.headers]))
    for values in table.rows:
        total = bool(values) and values[0] == "合计"
        sheet.append([_cell(sheet, value, bold=total) for value in values])


def annual_xlsx(figures: dict) -> bytes:
    """``figures`` from ``annual.annual_figures`` -> .xlsx bytes."""
    book = Workbook(write_only=True)
    book.properties.creator = book.properties.lastModifiedBy = f"{figures['city']}生态环境局"
    book.properties.title = document_title(figures)
    _summary_sheet(book, figures)
    for number, table in enumerate(figures["tables"], start=1):
        _table_sheet(book, number, table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
