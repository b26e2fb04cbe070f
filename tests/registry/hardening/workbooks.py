"""Hostile registers made in code (issue #17 points 1 and 2): raw .xlsx packages written
part by part with zipfile, so a test can put in them what no spreadsheet program writes —
a lying ``<dimension>``, a cell in column XFD, a DTD, a 200 MB shared string, a directory
that lies about sizes."""
from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path

from tests.registry.workflows.helpers import HEADERS, row

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
             f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
             '</Relationships>')
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
            '<sheets><sheet name="登记表" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>')


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def column_letters(index: int) -> str:
    """0 -> A, 16383 -> XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(column: int, number: int, value) -> str:
    ref = f"{column_letters(column)}{number}"
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{_escape(str(value))}</t></is></c>'


def row_xml(number: int, values: Iterable, start: int = 0) -> str:
    cells = "".join(cell(start + i, number, v) for i, v in enumerate(values) if v is not None)
    return f'<row r="{number}">{cells}</row>'


def header_and_rows(count: int) -> list[str]:
    """The template's header and ``count`` valid register rows, as <row> elements."""
    out = [row_xml(1, HEADERS)]
    for n in range(1, count + 1):
        values = row(n)
        out.append(row_xml(n + 1, [values.get(h) for h in HEADERS]))
    return out


def write_package(path: Path, sheet_rows: Iterable[str], *, dimension: str | None = None,
                  prologue: str = "", shared: Iterable[str] | None = None,
                  shared_prologue: str = "", extra_parts: int = 0) -> Path:
    """A minimal .xlsx: the sheet's rows streamed into its part (never all in memory),
    an optional <dimension>, text before the root (a DTD) and shared strings (raw <si>…)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?>{prologue}'
                       f'<worksheet xmlns="{NS}">'.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            buffer, size = [], 0
            for element in sheet_rows:
                buffer.append(element)
                size += len(element)
                if size >= 256 * 1024:
                    part.write("".join(buffer).encode())
                    buffer, size = [], 0
            part.write("".join(buffer).encode())
            part.write(b"</sheetData></worksheet>")
        if shared is not None:
            with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<?xml version="1.0" encoding="UTF-8"?>{shared_prologue}'
                           f'<sst xmlns="{NS}">'.encode())
                for chunk in shared:
                    part.write(chunk.encode())
                part.write(b"</sst>")
        for n in range(extra_parts):
            book.writestr(f"xl/media/image{n}.xml", "<x/>")
    return path


def big_shared_string(path: Path, megabytes: int) -> Path:
    """One shared string of ``megabytes`` MB (it zips to a few hundred KB), used by A2."""

    def pieces():
        yield "<si><t>"
        block = "许" * (1024 * 1024 // 3)  # ~1 MB of UTF-8 a block
        for _ in range(megabytes):
            yield block
        yield "</t></si>"

    rows = [row_xml(1, HEADERS), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return write_package(path, rows, shared=pieces())


def shrink_declared_size(path: Path, member: str, declared: int) -> Path:
    """Make the zip's central directory (what readers trust) claim that ``member`` unpacks to
    ``declared`` bytes — a zip bomb that lies to a size check."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    with zipfile.ZipFile(path) as book:
        info = book.getinfo(member)
    if info.file_size >= 0xFFFFFFFF or info.compress_size >= 0xFFFFFFFF:
        raise ValueError("keep the member below 4 GB (no zip64 sizes)")
    central = data.find(b"PK\x01\x02")
    while central != -1:
        (name_len,) = struct.unpack_from("<H", data, central + 28)
        if bytes(data[central + 46:central + 46 + name_len]) == name:
            struct.pack_into("<I", data, central + 24, declared)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    else:
        raise ValueError(f"{member} is not in the zip directory")
    path.write_bytes(bytes(data))
    return path
