"""Reading an uploaded register (.xlsx or .csv) into header + numbered rows, within bounds.

A register comes from outside, so nothing in it is trusted (issue #17 points 1 and 2):

* .xlsx: the zip directory is checked before anything is parsed (number of entries, the
  uncompressed size of each part and of all parts together, the compression ratio); the
  sheet and its shared strings are then streamed through expat with handlers that keep
  only what is needed — cells beyond the last header column are skipped without being
  built, ``<dimension>`` is never read, a cell longer than the limit stops the read as soon
  as it passes the limit. A DTD or an entity makes the file "not a readable workbook".
* .csv: read as a stream, UTF-8 (with or without BOM) and, failing that, GB18030 — what
  Excel in a Chinese locale writes — with the same row, column and cell bounds.

Every refusal is a ``ValidationFailed`` on ``file`` that names the limit. The limits come
from the configuration (``IMPORT_MAX_ROWS``, ``IMPORT_MAX_COLUMNS``, ``IMPORT_MAX_CELL_CHARS``,
``IMPORT_MAX_XML_MB``, ``IMPORT_MAX_ZIP_ENTRIES``, ``IMPORT_MAX_ZIP_RATIO``; config.py).
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from flask import current_app, has_app_context
from flask_babel import gettext as _

from registry.errors import ValidationFailed
from registry.workflows.columns import header_map

SUFFIXES = (".xlsx", ".csv")
_CHUNK = 64 * 1024
# Below this many uncompressed bytes a part's compression ratio is not judged: small
# repetitive parts (styles, a short sheet) compress very well and are harmless.
_RATIO_FLOOR = 1024 * 1024


@dataclass
class Register:
    headers: list
    rows: list[tuple[int, list]]  # (row number as the officer sees it, cell values)
    # Further named worksheets read with it (``importer.read_upload``): key -> Register.
    sheets: dict = field(default_factory=dict)
    title: str = ""  # the worksheet's name, for a sheet other than the first


class SheetAbsent(Exception):
    """The workbook has no worksheet of the names asked for (``read_register(sheet=…)``)."""


@dataclass(frozen=True)
class Limits:
    max_rows: int = 50_000
    max_columns: int = 50
    max_cell_chars: int = 10_000
    max_xml_mb: int = 100
    max_zip_entries: int = 1_000
    max_zip_ratio: int = 100

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(max_rows=config["IMPORT_MAX_ROWS"], max_columns=config["IMPORT_MAX_COLUMNS"],
                   max_cell_chars=config["IMPORT_MAX_CELL_CHARS"],
                   max_xml_mb=config["IMPORT_MAX_XML_MB"],
                   max_zip_entries=config["IMPORT_MAX_ZIP_ENTRIES"],
                   max_zip_ratio=config["IMPORT_MAX_ZIP_RATIO"])


def _refuse(message: str):
    raise ValidationFailed({"file": [message]})


def _unreadable():
    _refuse(_("The file is not a readable .xlsx workbook."))


def _too_many_rows(limits: Limits):
    _refuse(_("The register has more than %(n)s rows (limit IMPORT_MAX_ROWS); split it into "
              "several files.", n=limits.max_rows))


def _cell_too_long(limits: Limits):
    _refuse(_("A cell holds more than %(n)s characters (limit IMPORT_MAX_CELL_CHARS).",
              n=limits.max_cell_chars))


def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


class _Width:
    """How many columns are kept: IMPORT_MAX_COLUMNS until the header is known, then the
    header's width. Shared by the reader and the row source."""

    def __init__(self, limit: int):
        self.value = limit


# --- .xlsx ----------------------------------------------------------------------------

class _Stop(Exception):
    """Raised inside an expat handler to end the parse; carries the refusal."""

    def __init__(self, error: ValidationFailed):
        self.error = error


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _expat_parser() -> expat.XMLParserType:
    """A parser that refuses any DTD or entity declaration (no entity is ever expanded;
    an undefined entity is an expat error)."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def no_dtd(*_args):
        raise _Stop(ValidationFailed({"file": [_("The file is not a readable .xlsx workbook.")]}))

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.UnparsedEntityDeclHandler = no_dtd
    parser.ExternalEntityRefHandler = no_dtd
    return parser


def _parse(book: zipfile.ZipFile, info: zipfile.ZipInfo, parser) -> None:
    """Feed one part to ``parser`` in chunks; errors become the file's refusal."""
    try:
        with book.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop as stop:
        raise stop.error from None
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError):
        _unreadable()


def _check_directory(book: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """Refuse a zip whose directory promises too much, before a byte is inflated. The
    sizes read later cannot exceed what the directory says (zipfile stops there)."""
    entries = book.infolist()
    if len(entries) > limits.max_zip_entries:
        _refuse(_("The workbook has more than %(n)s parts (limit IMPORT_MAX_ZIP_ENTRIES).",
                  n=limits.max_zip_entries))
    limit = limits.max_xml_mb * 1024 * 1024
    total = 0
    for info in entries:
        total += info.file_size
        if info.file_size > limit or total > limit:
            _refuse(_("The workbook unpacks to more than %(n)s MB (limit IMPORT_MAX_XML_MB).",
                      n=limits.max_xml_mb))
        if (info.file_size > _RATIO_FLOOR
                and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1)):
            _refuse(_("The workbook is compressed more than %(n)s to 1, which no real register "
                      "is (limit IMPORT_MAX_ZIP_RATIO).", n=limits.max_zip_ratio))
    return {info.filename: info for info in entries}


def _attributes(book: zipfile.ZipFile, parts, name: str, tag: str) -> list[dict]:
    """The attributes of every ``tag`` element of a small part (workbook, relations)."""
    found: list[dict] = []
    if name not in parts:
        return found
    parser = _expat_parser()
    parser.StartElementHandler = (
        lambda element, attrs: found.append(attrs) if _local(element) == tag else None)
    _parse(book, parts[name], parser)
    return found


def _target(folder: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join(folder, target))


@dataclass
class _Parts:
    sheet: str
    shared_strings: str | None
    styles: str | None
    epoch1904: bool


def _workbook_part(book: zipfile.ZipFile, parts) -> str:
    """The workbook part the package's relations name (``xl/workbook.xml`` by default)."""
    book_part = "xl/workbook.xml"
    for rel in _attributes(book, parts, "_rels/.rels", "Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            book_part = _target("", rel.get("Target", book_part))
    return book_part


def _sheet_name(name) -> str:
    return str(name or "").strip().casefold()


def _find_parts(book: zipfile.ZipFile, parts, names: tuple[str, ...] | None = None) -> _Parts:
    """The first worksheet (as openpyxl's ``worksheets[0]``) — or the first whose name is
    one of ``names`` (SheetAbsent when none is) —, the shared strings and the styles, from
    the package's relations; whether the workbook counts dates from 1904."""
    book_part = _workbook_part(book, parts)
    if book_part not in parts:
        _unreadable()
    epoch1904 = any(p.get("date1904") in ("1", "true")
                    for p in _attributes(book, parts, book_part, "workbookPr"))
    sheets = _attributes(book, parts, book_part, "sheet")
    folder = posixpath.dirname(book_part)
    rels = _attributes(book, parts, posixpath.join(
        folder, "_rels", posixpath.basename(book_part) + ".rels"), "Relationship")
    targets = {r.get("Id"): _target(folder, r.get("Target", "")) for r in rels}

    def of_type(kind: str) -> str | None:
        for rel in rels:
            if rel.get("Type", "").endswith("/" + kind):
                name = _target(folder, rel.get("Target", ""))
                return name if name in parts else None
        return None

    wanted = {_sheet_name(n) for n in names} if names else None
    for sheet in sheets:
        if wanted is not None and _sheet_name(sheet.get("name")) not in wanted:
            continue
        rid = next((v for k, v in sheet.items() if _local(k) == "id"), None)
        if targets.get(rid) in parts:
            return _Parts(targets[rid], of_type("sharedStrings"), of_type("styles"), epoch1904)
    if wanted is not None:
        raise SheetAbsent()
    _unreadable()


class _SharedStrings:
    """The shared strings as one UTF-8 buffer and their offsets: ~the part's text size, not
    a Python object per string (4 million tiny strings cost ~300 MB as a list). Recently
    read strings are kept, so a county name in every row is one object."""

    def __init__(self):
        self._text = bytearray()
        self._ends = array("Q")
        self._recent: dict[int, str] = {}

    def append(self, value: str) -> None:
        self._text += value.encode()
        self._ends.append(len(self._text))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        value = self._recent.get(index)
        if value is None:
            if not 0 <= index < len(self._ends):
                raise IndexError(index)
            start = self._ends[index - 1] if index else 0
            value = self._text[start:self._ends[index]].decode()
            if len(self._recent) >= 4096:
                self._recent.clear()
            self._recent[index] = value
        return value


def _shared_strings(book: zipfile.ZipFile, parts, name: str | None,
                    limits: Limits) -> _SharedStrings:
    """The shared strings, each at most IMPORT_MAX_CELL_CHARS long (checked as the text
    comes in). Phonetic runs (<rPh>) are not part of the text, as in Excel."""
    strings = _SharedStrings()
    if name is None:
        return strings
    state = {"in_si": False, "in_t": False, "phonetic": 0, "buf": [], "size": 0}
    parser = _expat_parser()

    def start(element, _attrs):
        tag = _local(element)
        if tag == "si":
            state.update(in_si=True, buf=[], size=0)
        elif tag == "rPh":
            state["phonetic"] += 1
        elif tag == "t" and state["in_si"] and not state["phonetic"]:
            state["in_t"] = True

    def end(element):
        tag = _local(element)
        if tag == "si":
            strings.append("".join(state["buf"]))
            state["in_si"] = False
        elif tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def text(data):
        if state["in_t"]:
            state["size"] += len(data)
            if state["size"] > limits.max_cell_chars:
                raise _Stop(_error(_cell_too_long, limits))
            state["buf"].append(data)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    _parse(book, parts[name], parser)
    return strings


def _error(refusal, *args) -> ValidationFailed:
    try:
        refusal(*args)
    except ValidationFailed as exc:
        return exc
    raise AssertionError("a refusal always raises")  # pragma: no cover


def _date_styles(book: zipfile.ZipFile, parts, name: str | None) -> set[int]:
    """Indexes of the cell formats (cellXfs) that show a date, as openpyxl judges them."""
    if name is None:
        return set()
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    custom: dict[int, str] = {}
    xfs: list[int] = []
    state = {"in_xfs": False}
    parser = _expat_parser()

    def start(element, attrs):
        tag = _local(element)
        if tag == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            state["in_xfs"] = True
        elif tag == "xf" and state["in_xfs"]:
            try:
                xfs.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xfs.append(0)

    def end(element):
        if _local(element) == "cellXfs":
            state["in_xfs"] = False

    parser.StartElementHandler, parser.EndElementHandler = start, end
    _parse(book, parts[name], parser)
    dates = set()
    for index, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
        if code and is_date_format(code):
            dates.add(index)
    return dates


_CELL_REF = re.compile(r"([A-Z]{1,3})(\d*)$")


def _column_index(ref: str | None, default: int) -> int:
    """0-based column of a cell reference such as ``AB12``; ``default`` without one."""
    if not ref:
        return default
    match = _CELL_REF.match(ref.upper())
    if not match:
        return default
    index = 0
    for letter in match.group(1):
        index = index * 26 + ord(letter) - 64
    return index - 1


def _number(raw: str):
    raw = raw.strip()
    if any(c in raw for c in ".eE"):
        return float(raw)
    return int(raw)


def _xlsx_rows(path: Path, width: _Width, limits: Limits,
               names: tuple[str, ...] | None = None) -> Iterator[tuple[int, list]]:
    """(row number, values up to ``width.value`` columns) for every row element of the
    first worksheet (or the one named, see ``_find_parts``), streamed. Raises
    ValidationFailed for an unreadable or too big file, SheetAbsent."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        _unreadable()
    with book:
        parts = _check_directory(book, limits)
        found = _find_parts(book, parts, names)
        strings = _shared_strings(book, parts, found.shared_strings, limits)
        dates = _date_styles(book, parts, found.styles)
        yield from _sheet_rows(book, parts[found.sheet], strings, dates, found.epoch1904, width,
                               limits)


def _sheet_rows(book: zipfile.ZipFile, info: zipfile.ZipInfo, strings: _SharedStrings,
                dates: set[int], epoch1904: bool, width: _Width, limits: Limits):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    epoch = CALENDAR_MAC_1904 if epoch1904 else CALENDAR_WINDOWS_1900
    done: list[tuple[int, list]] = []
    # Cell state: column (or -1 when skipped), type, style, text pieces and their length.
    st = {"row": 0, "cells": {}, "col": -1, "next_col": 0, "type": None, "style": 0,
          "buf": None, "size": 0, "rows": 0}

    def start(element, attrs):
        tag = _local(element)
        if tag == "c":
            col = _column_index(attrs.get("r"), st["next_col"])
            st["next_col"] = col + 1
            if col >= width.value:
                # Cells come in column order: the rest of the row is right of the header
                # too. Until </row> expat calls nothing but a check for it.
                st["col"] = -1
                parser.StartElementHandler = parser.CharacterDataHandler = None
                parser.EndElementHandler = skip_to_row_end
                return
            st["col"], st["type"] = col, attrs.get("t", "n")
            try:
                st["style"] = int(attrs.get("s", "0"))
            except ValueError:
                st["style"] = 0
            st["buf"], st["size"] = None, 0
        elif tag in ("v", "t") and st["col"] >= 0:
            # <v> holds the value; <is><t> (also in rich-text runs) an inline string.
            if st["buf"] is None:
                st["buf"] = []
            st["collect"] = True
        elif tag == "rPh":
            st["collect"] = False
            st["phonetic"] = True
        elif tag == "row":
            st["rows"] += 1
            if st["rows"] > limits.max_rows:
                raise _Stop(_error(_too_many_rows, limits))
            ref = attrs.get("r")
            st["row"] = int(ref) if ref and ref.isdigit() else st["row"] + 1
            st["cells"], st["next_col"], st["row_tag"] = {}, 0, element

    def skip_to_row_end(element):
        if element == st["row_tag"]:
            parser.StartElementHandler, parser.CharacterDataHandler = start, text
            parser.EndElementHandler = end
            end(element)

    def text(data):
        if st.get("collect") and not st.get("phonetic"):
            st["size"] += len(data)
            if st["size"] > limits.max_cell_chars:
                raise _Stop(_error(_cell_too_long, limits))
            st["buf"].append(data)

    def end(element):
        tag = _local(element)
        if tag in ("v", "t"):
            st["collect"] = False
        elif tag == "rPh":
            st["phonetic"] = False
        elif tag == "c":
            col = st["col"]
            st["col"] = -1
            if col < 0 or st["buf"] is None:
                return
            raw = "".join(st["buf"])
            kind = st["type"]
            try:
                if kind == "s":
                    value = strings[int(raw)]
                elif kind in ("inlineStr", "str", "e"):
                    value = raw
                elif kind == "b":
                    value = bool(int(raw))
                elif kind == "d":
                    value = raw
                elif raw.strip() == "":
                    value = None
                else:
                    value = _number(raw)
                    if st["style"] in dates:
                        value = from_excel(value, epoch)
            except (ValueError, IndexError, OverflowError, TypeError):
                raise _Stop(ValidationFailed(
                    {"file": [_("The file is not a readable .xlsx workbook.")]})) from None
            st["cells"][col] = value
        elif tag == "row":
            cells = st["cells"]
            size = min(width.value, max(cells) + 1) if cells else 0
            done.append((st["row"], [cells.get(i) for i in range(size)]))

    parser = _expat_parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    try:
        with book.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
                yield from done
                done.clear()
            parser.Parse(b"", True)
            yield from done
    except _Stop as stop:
        raise stop.error from None
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError):
        _unreadable()


# --- .csv -----------------------------------------------------------------------------

def _bounded_lines(stream, limit: int) -> Iterator[str]:
    """Lines of a text stream, each read with at most ``limit`` characters: a longer line
    is a refusal, not a string of any size."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith("\n"):
            raise _Stop(ValidationFailed({"file": [_(
                "A line of the CSV file is longer than %(n)s characters (limits "
                "IMPORT_MAX_COLUMNS × IMPORT_MAX_CELL_CHARS).", n=limit)]}))
        yield line


def _csv_rows_as(path: Path, encoding: str, width: _Width,
                 limits: Limits) -> Iterator[tuple[int, list]]:
    line_limit = limits.max_columns * (limits.max_cell_chars + 3)
    with path.open("r", encoding=encoding, newline="") as stream:
        reader = csv.reader(_bounded_lines(stream, line_limit))
        number = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except _Stop as stop:
                raise stop.error from None
            except csv.Error:
                _refuse(_("The CSV file is not well formed (an unclosed quote or a field far "
                          "too long)."))
            number += 1
            if number > limits.max_rows:
                _too_many_rows(limits)
            values = values[:width.value]
            if any(len(v) > limits.max_cell_chars for v in values):
                _cell_too_long(limits)
            yield number, values


def _csv_rows(path: Path, width: _Width, limits: Limits) -> Iterator[tuple[int, list]]:
    """UTF-8 (with or without BOM) and, when that fails anywhere, GB18030 from the start.
    The caller collects every row before using any, so a restart is harmless."""
    if path.stat().st_size > limits.max_xml_mb * 1024 * 1024:
        _refuse(_("The CSV file is larger than %(n)s MB (limit IMPORT_MAX_XML_MB).",
                  n=limits.max_xml_mb))
    with path.open("rb") as probe:
        head = probe.read(4)
    encodings = ("utf-8-sig",) if head.startswith(codecs.BOM_UTF8) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            yield from _csv_rows_as(path, encoding, width, limits)
            return
        except UnicodeDecodeError:
            yield _RESTART
    _refuse(_("The CSV file is neither UTF-8 nor GB18030 text."))


_RESTART = (0, None)  # from _csv_rows: forget the rows so far, the file is read again


# --- both -----------------------------------------------------------------------------

def _limits() -> Limits:
    return Limits.from_config(current_app.config) if has_app_context() else Limits()


# The header is looked for among this many non-blank rows at the top: a bureau's sheet
# often has a (merged) title row and a line such as "填报单位：…" above it.
HEADER_SEARCH_ROWS = 10


def _is_header(values, columns=header_map) -> bool:
    """A row naming at least two of the importer's columns (a title names none)."""
    return len(columns(values)) >= 2


def _header_of(values, columns=header_map) -> list:
    """The header row cut after the last column the importer knows; without one (the
    importer then names the missing columns) after the last non-blank cell."""
    known = columns(values)
    while values and (values[-1] is None or str(values[-1]).strip() == ""):
        values.pop()
    return values[:max(known) + 1] if known else values


def same_title(a, b) -> bool:
    """Whether two worksheet names are the same to an officer (case and spaces aside)."""
    return _sheet_name(a) == _sheet_name(b)


def sheet_titles(path: Path, filename: str | None = None,
                 limits: Limits | None = None) -> list[str]:
    """The names of an .xlsx's worksheets in order ([] for a CSV, or a file that cannot be
    read: ``read_register`` then says why). Reads the zip directory and the small workbook
    part only, within the same bounds."""
    if Path(filename or path.name).suffix.lower() != ".xlsx":
        return []
    try:
        with zipfile.ZipFile(path) as book:
            parts = _check_directory(book, limits or _limits())
            sheets = _attributes(book, parts, _workbook_part(book, parts), "sheet")
    except (ValidationFailed, zipfile.BadZipFile, OSError, ValueError):
        return []
    return [str(sheet.get("name") or "") for sheet in sheets]


def check_suffix(filename: str | None) -> str:
    """The upload's suffix (.xlsx or .csv). Raises ValidationFailed ``file``: an old .xls
    workbook gets a hint to save it as .xlsx (no maintained reader is cheap enough to
    bound like the .xlsx reader)."""
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".xls", ".et"):
        raise ValidationFailed({"file": [_(
            "This is an old Excel 97–2003 workbook (.xls), which is not read: open it in Excel "
            "or WPS and save it as an Excel workbook (.xlsx), then upload that file.")]})
    if suffix not in SUFFIXES:
        raise ValidationFailed({"file": [_("Upload an .xlsx workbook or a .csv file.")]})
    return suffix


def read_register(path: Path, filename: str | None = None,
                  limits: Limits | None = None, columns=header_map,
                  sheet: tuple[str, ...] | None = None) -> Register:
    """Header and the non-blank rows below it, numbered as in Excel; cells right of the
    last column the importer knows (``columns.header_map``) are ignored. The header is the
    first of the top HEADER_SEARCH_ROWS non-blank rows that names two known columns (rows
    above it, such as a merged title, are skipped), else the first non-blank row.
    Raises ValidationFailed ``file`` for an unknown type, an unreadable, empty or too large
    file (naming the limit). ``columns``: the importer's ``header -> {index: column}``
    (default: the enterprise register's ``columns.header_map``). ``sheet``: read the
    worksheet of one of these names (compared without case and surrounding spaces)
    instead of the first; raises SheetAbsent when the workbook has none, or for a CSV."""
    limits = limits or _limits()
    suffix = check_suffix(filename or path.name)
    width = _Width(limits.max_columns)
    if sheet is not None and suffix != ".xlsx":
        raise SheetAbsent()
    reader = (_xlsx_rows(path, width, limits, sheet) if suffix == ".xlsx"
              else _csv_rows(path, width, limits))
    headers, rows, above = None, [], []
    for number, values in reader:
        if values is None:  # _RESTART: the CSV is read again in another encoding
            headers, rows, above, width.value = None, [], [], limits.max_columns
            continue
        if headers is not None:
            # Rows parsed in the header's chunk were read before its width was known.
            values = values[:width.value]
        if _blank(values):
            continue
        if headers is not None:
            rows.append((number, values))
        elif _is_header(values, columns):
            headers = _header_of(values, columns)
            width.value = len(headers)
            above = []
        else:
            above.append((number, values))
            if len(above) >= HEADER_SEARCH_ROWS:
                headers, rows, above = _fallback_header(above, width, columns)
    if headers is None and above:
        headers, rows, above = _fallback_header(above, width, columns)
    if headers is None and sheet is not None:
        return Register([], [], title=sheet[0])  # a further sheet left blank: nothing in it
    if headers is None:
        raise ValidationFailed({"file": [_("The file is empty.")]})
    return Register(headers, rows, title=sheet[0] if sheet else "")


def _fallback_header(above: list, width: _Width, columns=header_map) -> tuple[list, list, list]:
    """No row at the top names the importer's columns: the first is the header (the
    importer names the missing columns), the others are rows."""
    headers = _header_of(above[0][1], columns)
    width.value = len(headers)
    return headers, [(n, v[:width.value]) for n, v in above[1:]], []
