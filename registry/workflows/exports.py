"""Exports of filtered lists: .xlsx (Chinese headers, frozen header row, fitted widths),
CSV (UTF-8 with BOM, so Excel opens it) and, where rows have a place, GeoJSON.

A list joins the exports with one ``register(ExportSpec(...))``: its name (the URL
``/export/<name>.<format>``), the list page's query schema, a service function that
returns every matching row for the caller, and its columns. See docs/architecture.md.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterable

from flask_babel import force_locale
from pydantic import BaseModel

from registry.validation import validate

FORMATS = ("xlsx", "csv", "geojson")
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    header: str                    # Chinese header, as officers name the column
    value: Callable[[Any], Any]    # row -> cell value (str, number, date, bool or None)


@dataclass(frozen=True)
class ExportSpec:
    name: str                                  # /export/<name>.xlsx
    title: str                                 # sheet and file name (Chinese)
    query: type[BaseModel]                     # the list page's filter schema
    rows: Callable[[Any, BaseModel], Iterable]  # (actor, query) -> every matching row
    columns: tuple[Column, ...]
    feature: Callable[[Any], dict | None] | None = None  # row -> GeoJSON geometry + id

    @property
    def formats(self) -> tuple[str, ...]:
        return FORMATS if self.feature else FORMATS[:2]


EXPORTS: dict[str, ExportSpec] = {}


def register(spec: ExportSpec) -> ExportSpec:
    """Make ``spec`` downloadable at /export/<spec.name>.<format>."""
    EXPORTS[spec.name] = spec
    return spec


def query_from(spec: ExportSpec, args: dict) -> BaseModel:
    """The list page's filter from request arguments; paging is ignored (all rows)."""
    args = {k: v for k, v in args.items() if v != "" and k not in ("page", "per_page")}
    return validate(spec.query, args)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _display_width(text: str) -> int:
    """Columns a text needs: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(spec: ExportSpec, actor, query) -> tuple[list[str], list[list]]:
    with force_locale("zh_CN"):
        rows = [[c.value(r) for c in spec.columns] for r in spec.rows(actor, query)]
    return [c.header for c in spec.columns], rows


def to_xlsx(spec: ExportSpec, actor, query) -> bytes:
    from openpyxl import Workbook

    from registry.workflows.workbooks import style_header

    headers, rows = _table(spec, actor, query)
    book = Workbook()
    sheet = book.active
    sheet.title = spec.title[:31]
    sheet.append(headers)
    widths = [_display_width(h) + 2 for h in headers]
    for values in rows:
        cells = [("是" if v else "否") if isinstance(v, bool) else v for v in values]
        sheet.append(cells)
        for i, v in enumerate(cells):
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
        writer.writerow([_cell_text(v) for v in values])
    return out.getvalue().encode("utf-8-sig")


def _json_value(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def to_geojson(spec: ExportSpec, actor, query) -> bytes:
    """A FeatureCollection in WGS-84 (EPSG:4326) with the columns as properties."""
    features = []
    with force_locale("zh_CN"):
        for r in spec.rows(actor, query):
            geometry = spec.feature(r)
            if geometry is None:
                continue
            properties = {c.header: _json_value(c.value(r)) for c in spec.columns}
            features.append({"type": "Feature", "id": geometry.get("id"),
                             "geometry": geometry["geometry"], "properties": properties})
    collection = {"type": "FeatureCollection", "name": spec.name, "features": features}
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


WRITERS = {"xlsx": to_xlsx, "csv": to_csv, "geojson": to_geojson}
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}
