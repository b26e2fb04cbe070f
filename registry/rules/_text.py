"""Text clean-up shared by the rules: officers type codes on Chinese keyboards,
so full-width forms (Ｈ, １, －, （）) and dash look-alikes must read as ASCII."""
from __future__ import annotations

import re

# U+FF01..U+FF5E are the full-width twins of ASCII '!'..'~'; U+3000 is the ideographic space.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Dashes people type instead of '-': hyphen, non-breaking hyphen, figure/en/em dash,
# minus sign, Chinese long dash.
_DASHES = {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500"}
_WHITESPACE = re.compile(r"\s+")


def halfwidth(text: str) -> str:
    """``text`` with full-width ASCII forms and the ideographic space made half-width."""
    return text.translate(_FULLWIDTH)


def compact(text: str) -> str:
    """Half-width, dashes unified to '-', all whitespace removed."""
    return _WHITESPACE.sub("", halfwidth(text).translate(_DASHES))
