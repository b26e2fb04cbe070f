"""Further worksheets of the enterprise register, declared by the areas that own their data
(``Area(register_sheets=...)``; the risk inventory's 风险物质 sheet is one).

The import reads each such worksheet of an uploaded .xlsx by its name, beside the first
sheet of enterprises and plans, in the same all-or-nothing transaction:

1. ``decide(actor, sheet, matcher)`` judges every row in memory, after the first sheet's
   rows were decided (``matcher`` knows every enterprise of the file and of the register
   by credit code, as it will be once written) → a :class:`SheetDecision`;
2. if neither sheet has an error and this is not a dry run, ``write(actor, decision,
   matcher)`` runs after the first sheet's rows are written (new enterprises have ids).

The register template and the enterprises export (.xlsx) write the sheet too, so an export
edited in Excel imports back.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SheetDecision:
    errors: list = field(default_factory=list)   # importer.RowError, ``sheet`` set
    counts: dict = field(default_factory=dict)   # outcome -> number, for the preview
    pending: Any = None                          # what ``write`` needs


@dataclass(frozen=True)
class RegisterSheet:
    key: str                         # e.g. "risk_substances"
    titles: tuple[str, ...]          # accepted worksheet names; the first is written
    label: Any                       # the preview's row label (str or lazy string)
    columns: Callable[[list], dict]  # header row -> {index: column key}
    decide: Callable[[Any, Any, Any], SheetDecision]   # (actor, Register, Matcher)
    write: Callable[[Any, SheetDecision, Any], None]   # (actor, decision, Matcher)
    export: Any = None                                 # ExportSpec of the sheet's rows
    template: Callable[[Any], None] | None = None      # adds the sheet to a Workbook
    note: str = ""                                     # the template's 填写说明 line
