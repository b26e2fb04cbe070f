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
import tempfile
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain, islice
from typing import Any, BinaryIO
from collections.abc import Callable, Iterable, Iterator

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
    # The .xlsx also carries the areas' further register sheets (``sheets.RegisterSheet``
    # with an ``export`` taking the same query), so that it imports back whole.
    register_sheets: bool = False

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
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    text = _cell_text(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def display_width(text: str) -> int:
    """Columns a text needs: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _rows(spec: ExportSpec, actor, query, source: Iterable | None = None) -> Iterator[list]:
    """The cells of every row, read as the spec's ``rows`` yields them (a database cursor
    for the large registers), so that no export holds the whole list. ``source``: what
    ``spec.rows(actor, query)`` already returned."""
    with spec.language():
        columns = [c.value for c in spec.columns]
        plain = _plain_cells()
        for r in spec.rows(actor, query) if source is None else source:
            yield [plain(value(r)) for value in columns]


def _plain_cells() -> Callable[[Any], Any]:
    """``_plain`` for one export: 是/否 and each label translated once, not per cell
    (a gettext costs ~50 µs; 20,000 rows have 40,000 of them)."""
    yes, no = _("Yes"), _("No")
    texts: dict = {}

    def plain(value):
        kind = type(value)
        if kind is str or kind is int or kind is float or value is None:
            return value
        if kind is bool:
            return yes if value else no
        if isinstance(value, (str, int, float, date, datetime)):
            return value
        key = _lazy_key(value)
        if key is None:
            return str(value)
        if key not in texts:
            texts[key] = str(value)
        return texts[key]

    return plain


def _lazy_key(value):
    """What a lazy label (flask_babel's LazyString) translates, as a key; None otherwise."""
    try:
        key = (value._func, value._args, tuple(sorted(value._kwargs.items())))
        hash(key)
    except (AttributeError, TypeError):
        return None
    return key


def _headers(spec: ExportSpec) -> list[str]:
    with spec.language():
        return [str(c.header) for c in spec.columns]


def sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in a sheet name and more than 31 characters."""
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31]


# Column widths are fitted to the header and the first rows: the widths go at the top of
# the sheet, before the rows, in a workbook written as it goes (openpyxl write-only).
WIDTH_SAMPLE_ROWS = 500
# Written rows are kept in memory up to this size, then in a temporary file.
SPOOL_BYTES = 8 * 2**20
CHUNK_BYTES = 64 * 2**10


def write_xlsx(spec: ExportSpec, actor, query, out: BinaryIO) -> None:
    """Write the export as an .xlsx to ``out``: a write-only workbook, so memory stays
    bounded whatever the number of rows. Bold frozen header, widths fitted to a sample,
    dates as yyyy-mm-dd, text never a formula, an auto-filter over the rows. With
    ``register_sheets`` each further register sheet follows, under its import title."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _write_sheet(book, spec, actor, query, spec.title_text())
    if spec.register_sheets:
        from registry.areas import registry

        for extra in registry().register_sheets.values():
            if extra.export is not None and extra.export.query is spec.query:
                _write_sheet(book, extra.export, actor, query, extra.titles[0])
    book.save(out)


def _write_sheet(book, spec: ExportSpec, actor, query, title: str) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    from registry.workflows.workbooks import header_cells

    headers, rows = _headers(spec), _rows(spec, actor, query)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    widths = [display_width(h) + 2 for h in headers]
    for values in sample:
        for i, v in enumerate(values):
            widths[i] = max(widths[i], display_width(_cell_text(v)) + 2)
    sheet = book.create_sheet(sheet_title(title))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, headers))

    def cell(value):
        if isinstance(value, str) and value.startswith("="):
            text = WriteOnlyCell(sheet, value)
            text.data_type = "s"  # openpyxl reads "=…" as a formula: keep it text
            return text
        if isinstance(value, datetime):
            when = WriteOnlyCell(sheet, value)
            when.number_format = "yyyy-mm-dd"
            return when
        return value

    count = 0
    for values in chain(sample, rows):
        sheet.append([cell(v) for v in values])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{count + 1}"


def to_xlsx(spec: ExportSpec, actor, query) -> Iterator[bytes]:
    """The .xlsx, written first (to memory, or a temporary file past ``SPOOL_BYTES``)
    and then sent in chunks."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (_chunks closes it)
    try:
        write_xlsx(spec, actor, query, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return _chunks(out)


def _chunks(file) -> Iterator[bytes]:
    with file:
        while chunk := file.read(CHUNK_BYTES):
            yield chunk


CSV_BATCH_ROWS = 500


def to_csv(spec: ExportSpec, actor, query) -> Iterator[bytes]:
    """The CSV (UTF-8 with BOM), produced batch by batch as the rows are read: a
    streamed response holds a few hundred rows, whatever the size of the list.

    ``spec.rows`` is called here, in the view: a function that checks and reads at once
    (returns a list) still fails as an error page, and its rows become cells here. A
    generator (the large registers) runs when the response is sent, in the response's own
    transaction: the request's ends when the view returns (registry/postgres.py), and a
    database cursor opened in it with it."""
    source = spec.rows(actor, query)
    rows = _rows(spec, actor, query, source)
    if not isinstance(source, Iterator):
        # ORM objects read in the view: their session is gone once it returns, so their
        # cells are taken now (these lists are small; the large registers stream).
        rows = iter(list(rows))
    return _csv_chunks(_headers(spec), rows)


def _csv_chunks(headers: list[str], rows: Iterator[list]) -> Iterator[bytes]:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    prefix = "\ufeff"  # the BOM, so Excel reads UTF-8
    while True:
        batch = list(islice(rows, CSV_BATCH_ROWS))
        writer.writerows([_csv_text(v) for v in values] for values in batch)
        yield (prefix + out.getvalue()).encode("utf-8")
        if len(batch) < CSV_BATCH_ROWS:
            return
        prefix = ""
        out.seek(0)
        out.truncate()


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def to_geojson(spec: ExportSpec, actor, query) -> bytes:
    """A FeatureCollection in WGS-84 (EPSG:4326) with the columns as properties."""
    features = []
    with spec.language():  # the features of every row: GeoJSON is one document
        for r in spec.rows(actor, query):
            geometry = spec.feature(r)
            if geometry is None:
                continue
            properties = {str(c.header): _json_value(c.value(r)) for c in spec.columns}
            features.append({"type": "Feature", "id": geometry.get("id"),
                             "geometry": geometry["geometry"], "properties": properties})
    collection = {"type": "FeatureCollection", "name": spec.name, "features": features}
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


# Each returns the body: bytes, or an iterator of bytes for a streamed response.
WRITERS = {"xlsx": to_xlsx, "csv": to_csv, "geojson": to_geojson}
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}
