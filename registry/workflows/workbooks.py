"""Workbooks written with openpyxl: the import template and the import error report."""
from __future__ import annotations

import io
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry.areas import registry
from registry.workflows.cells import report_value
from registry.workflows.exports import sheet_title
from registry.workflows.columns import COLUMNS, LEVEL_CHOICES
from registry.workflows.source import Register

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006", bold=True)
MAX_ROWS = 5000  # rows the template's dropdowns cover


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def style_header(sheet, widths: list[int]) -> None:
    """Bold header row, frozen, with the given column widths."""
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def header_cells(sheet, headers: list[str]) -> list:
    """The header row of a write-only ``sheet``, styled as ``style_header``'s (set the
    widths and ``freeze_panes`` before appending it: a write-only sheet writes them first)."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _dropdown(sheet, column_key: str, formula: str, strict: bool, prompt: str) -> None:
    index = next(i for i, c in enumerate(COLUMNS, start=1) if c.key == column_key)
    letter = get_column_letter(index)
    rule = DataValidation(type="list", formula1=formula, allow_blank=True,
                          showErrorMessage=True, errorStyle="stop" if strict else "information",
                          promptTitle=COLUMNS[index - 1].header, prompt=prompt, showInputMessage=True)
    rule.add(f"{letter}2:{letter}{MAX_ROWS}")
    sheet.add_data_validation(rule)


def template_workbook(counties) -> bytes:
    """The register template: Chinese headers (required ones shaded), dropdowns for the
    county, the risk level and 是/否, one example row, and a sheet of instructions."""
    book = Workbook()
    sheet = book.active
    sheet.title = "企业及预案登记表"
    sheet.append([c.header + ("*" if c.required else "") for c in COLUMNS])
    style_header(sheet, [c.width for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        if column.required:
            sheet.cell(row=1, column=index).fill = REQUIRED_FILL
    sheet.append([c.example for c in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    for index, column in enumerate(COLUMNS, start=1):
        if column.text:
            # Text, so Excel keeps every digit of a credit code and a phone's leading 0.
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
            sheet.cell(row=2, column=index).number_format = "@"
    options = book.create_sheet("选项")
    for row, county in enumerate(counties, start=1):
        options.cell(row=row, column=1, value=county.name)
        options.cell(row=row, column=2, value=county.code)
    for row, level in enumerate(LEVEL_CHOICES, start=1):
        options.cell(row=row, column=3, value=level)
    options.sheet_state = "hidden"
    _dropdown(sheet, "county_code", f"'选项'!$A$1:$A${max(len(counties), 1)}", True,
              "从下拉列表选择县（市、区）")
    # Not strict: a legacy HJ 941 notation may be typed instead of a plain level.
    _dropdown(sheet, "risk_level", f"'选项'!$C$1:$C${len(LEVEL_CHOICES)}", False,
              "一般/较大/重大，也可填写HJ 941表征")
    _dropdown(sheet, "cross_region", '"是,否"', True, "是/否")
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写要求"])
    style_header(notes, [18, 10, 80])
    for column in COLUMNS:
        notes.append([column.header, "必填" if column.required else "选填", column.note])
    notes.append([])
    notes.append(["说明", "", "第2行为示例（企业名称以“【示例】”开头），导入时自动跳过，可直接覆盖填写。"
                              "一行为一家企业及其一个预案版本；同一企业的多个版本按签署日期先后分行填写。"
                              "任一行有误则整个文件不导入，并给出错误报告。"])
    for extra in registry().register_sheets.values():
        if extra.template is not None:
            extra.template(book)
            notes.append([f"工作表“{extra.titles[0]}”", "选填", extra.note])
    book.move_sheet(notes, offset=-1)
    book.active = 0
    return _save(book)


def report_workbook(register: Register, errors) -> bytes:
    """The uploaded rows with every bad cell filled red and commented, and a sheet
    listing each error: row, column, value, rule broken."""
    book = Workbook()
    sheet = book.active
    sheet.title = "错误清单"
    further = any(getattr(e, "sheet", "") for e in errors)
    sheet.append([_("Row"), _("Column"), _("Value"), _("Rule broken")]
                 + ([_("Sheet")] if further else []))
    style_header(sheet, [8, 20, 30, 90] + ([16] if further else []))
    for error in errors:
        sheet.append([error.row or "", error.column, error.value, error.message]
                     + ([getattr(error, "sheet", "")] if further else []))
    _marked_copy(book, "原始数据（错误已标红）", register,
                 [e for e in errors if not getattr(e, "sheet", "")])
    for extra in register.sheets.values():
        marked = [e for e in errors if getattr(e, "sheet", "") == extra.title]
        if marked:
            _marked_copy(book, sheet_title(f"{extra.title}（错误已标红）"), extra, marked)
    return _save(book)


def _marked_copy(book: Workbook, title: str, register: Register, errors) -> None:
    """A copy of one sheet's rows with every bad cell filled red and commented."""
    data = book.create_sheet(title)
    data.append(list(register.headers))
    style_header(data, [16] * len(register.headers))
    out_row = {}
    for number, values in register.rows:
        data.append([report_value(v) for v in values])
        out_row[number] = data.max_row
        for cell in data[data.max_row]:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd" if not isinstance(cell.value, datetime) \
                    else "yyyy-mm-dd hh:mm"
    for error in errors:
        target = out_row.get(error.row)
        if target is None:
            continue
        cell = data.cell(row=target, column=max(error.index, 0) + 1)
        cell.fill, cell.font = ERROR_FILL, ERROR_FONT
        text = error.message if cell.comment is None else cell.comment.text + "\n" + error.message
        cell.comment = Comment(text, "registry")
