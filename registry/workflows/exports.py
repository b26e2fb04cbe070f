"""Exports of filtered lists: .xlsx (Chinese headers, frozen header row, fitted widths),
CSV (UTF-8 with BOM, so Excel opens it) and, where rows have a place, GeoJSON.

A list joins the exports as an ``ExportSpec`` in its area's ``Area(exports=...)``: its name (the URL
``/export/<name>.<format>``), the list page's query schema (or the page's own reading of
its query string, defaults and tabs included), the service function that returns every
matching row for the caller (the same filter the page pages through), and its columns.
See docs/architecture.md.

Registers that are edited and imported again (enterprises, plans) are always written in
Chinese, the import template's language; the other lists follow the user's language.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from collections.abc import Callable, Iterable

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_pgettext
from pydantic import BaseModel

from registry.validation import validate
from registry.workflows.cells import FORMULA_STARTS

FORMATS = ("xlsx", "csv", "geojson")
MAX_WIDTH = 60


def header(text: str):
    """A column header or list title in the user's language: message context "export",
    so a header never takes another page's translation of the same English words."""
    return lazy_pgettext("export", text)


@dataclass(frozen=True)
class Column:
    header: Any                    # header as officers name the column (str or lazy string)
    value: Callable[[Any], Any]    # row -> cell value (str, number, date, bool or None)


@dataclass(frozen=True)
class ExportSpec:
    name: str                                  # /export/<name>.xlsx
    title: Any                                 # sheet and file name (str or lazy string)
    query: type[BaseModel]                     # the list page's filter schema
    rows: Callable[[Any, BaseModel], Iterable]  # (actor, query) -> every matching row
    columns: tuple[Column, ...]
    feature: Callable[[Any], dict | None] | None = None  # row -> GeoJSON geometry + id
    # The list page's own reading of its query string (defaults, tabs) -> query; the
    # arguments arrive as given, empty values included. None: validate against ``query``.
    parse: Callable[[dict], BaseModel] | None = None
    # "zh_CN": always Chinese (registers imported back); None: the user's language.
    locale: str | None = "zh_CN"

    @property
    def formats(self) -> tuple[str, ...]:
        return FORMATS if self.feature else FORMATS[:2]

    def language(self):
        """The context to write headers and labels in."""
        return force_locale(self.locale) if self.locale else nullcontext()

    def title_text(self) -> str:
        with self.language():
            return str(self.title)


def query_from(spec: ExportSpec, args: dict) -> BaseModel:
    """The list page's filter from request arguments; paging is ignored (all rows).
    Raises ValidationFailed for a filter the page's schema refuses."""
    args = {k: v for k, v in args.items() if k not in ("page", "per_page")}
    if spec.parse is not None:
        return spec.parse(args)
    return validate(spec.query, {k: v for k, v in args.items() if v != ""})


def _plain(value):
    """A cell as written: 是/否 (Yes/No) for booleans, lazy labels as text."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or isinstance(value, (str, int, float, date, datetime)):
        return value
    return str(value)


# User-entered text must never run as a formula (CSV, or an .xlsx cell typed as one):
# see cells.FORMULA_STARTS, which the importer reads back.


def _csv_text(value) -> str:
    text = _cell_text(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _display_width(text: str) -> int:
    """Columns a text needs: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(spec: ExportSpec, actor, query) -> tuple[list[str], list[list]]:
    with spec.language():
        rows = [[_plain(c.value(r)) for c in spec.columns] for r in spec.rows(actor, query)]
        return [str(c.header) for c in spec.columns], rows


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in a sheet name and more than 31 characters."""
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31]


def to_xlsx(spec: ExportSpec, actor, query) -> bytes:
    from openpyxl import Workbook

    from registry.workflows.workbooks import style_header

    headers, rows = _table(spec, actor, query)
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(spec.title_text())
    sheet.append(headers)
    widths = [_display_width(h) + 2 for h in headers]
    for values in rows:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # openpyxl reads "=…" as a formula: keep it text
                cell.data_type = "s"
        for i, v in enumerate(values):
            widths[i] = max(widths[i], _display_width(_cell_text(v)) + 2)
    style_header(sheet, [min(w, MAX_WIDTH) for w in widths])
    for column_cells in sheet.iter_cols(min_row=2):
        for cell in column_cells:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(spec: ExportSpec, actor, query) -> bytes:
    headers, rows = _table(spec, actor, query)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([_csv_text(v) for v in values])
    return out.getvalue().encode("utf-8-sig")


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def to_geojson(spec: ExportSpec, actor, query) -> bytes:
    """A FeatureCollection in WGS-84 (EPSG:4326) with the columns as properties."""
    features = []
    with spec.language():
        for r in spec.rows(actor, query):
            geometry = spec.feature(r)
            if geometry is None:
                continue
            properties = {str(c.header): _json_value(c.value(r)) for c in spec.columns}
            features.append({"type": "Feature", "id": geometry.get("id"),
                             "geometry": geometry["geometry"], "properties": properties})
    collection = {"type": "FeatureCollection", "name": spec.name, "features": features}
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


WRITERS = {"xlsx": to_xlsx, "csv": to_csv, "geojson": to_geojson}
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}
