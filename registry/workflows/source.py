"""Reading an uploaded register (.xlsx or .csv) into header + numbered rows.

openpyxl in read-only mode streams the sheet; CSV is read as UTF-8 (with or without BOM)
and, failing that, GB18030 — what Excel in a Chinese locale writes.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator

from flask_babel import gettext as _

from registry.errors import ValidationFailed

SUFFIXES = (".xlsx", ".csv")


@dataclass
class Register:
    headers: list
    rows: list[tuple[int, list]]  # (row number as the officer sees it, cell values)


def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _xlsx_rows(path: Path) -> Iterator[tuple]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    from zipfile import BadZipFile

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError):
        raise ValidationFailed({"file": [_("The file is not a readable .xlsx workbook.")]}) from None
    try:
        sheet = book.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _csv_rows(path: Path) -> Iterator[list]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed({"file": [_("The CSV file is neither UTF-8 nor GB18030 text.")]})
    yield from csv.reader(io.StringIO(content, newline=""))


def read_register(path: Path, filename: str | None = None) -> Register:
    """Header (first non-blank row) and the non-blank rows below it, numbered as in Excel.
    Raises ValidationFailed ``file`` for an unknown type, an unreadable or an empty file."""
    suffix = Path(filename or path.name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationFailed({"file": [_("Upload an .xlsx workbook or a .csv file.")]})
    reader = _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path)
    headers, rows = None, []
    for number, values in enumerate(reader, start=1):
        values = list(values)
        if _blank(values):
            continue
        if headers is None:
            headers = values
        else:
            rows.append((number, values))
    if headers is None:
        raise ValidationFailed({"file": [_("The file is empty.")]})
    return Register(headers, rows)
