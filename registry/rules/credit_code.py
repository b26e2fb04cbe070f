"""Unified social credit code, 统一社会信用代码 (GB 32100-2015; domain.md §3).

18 characters from :data:`ALPHABET`; the 18th is a check character computed from
the first 17 with :data:`WEIGHTS`, modulo 31. Positions 3–8 are the registering
area's GB/T 2260 division code.
"""
from __future__ import annotations

from registry.rules import RuleViolation
from registry.rules._text import halfwidth

# No I, O, S, V, Z: they are too easily confused with 1, 0, 5, U, 2.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
BODY_LENGTH = LENGTH - 1

_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_MODULUS = len(ALPHABET)  # 31


def _normalise(value: str) -> str:
    return halfwidth(value).strip().upper()


def _check_characters(text: str) -> None:
    for position, char in enumerate(text, start=1):
        if char not in _VALUES:
            raise RuleViolation(
                "credit_code.character",
                f"character {char!r} at position {position} is not allowed in a unified "
                f"social credit code (allowed: {ALPHABET})",
                character=char, position=position)


def _check_body(body17: str) -> None:
    if len(body17) != BODY_LENGTH:
        raise RuleViolation(
            "credit_code.length",
            f"the body of a unified social credit code has {BODY_LENGTH} characters; "
            f"got {len(body17)}",
            length=len(body17))
    _check_characters(body17)


def check_character(body17: str) -> str:
    """The check character (18th) for the first 17 characters of a code.

    ``body17`` is normalised (half-width, stripped, upper-case) first.
    Raises RuleViolation ``credit_code.length`` or ``credit_code.character``.
    """
    body = _normalise(body17)
    _check_body(body)
    total = sum(_VALUES[char] * weight for char, weight in zip(body, WEIGHTS))
    return ALPHABET[(_MODULUS - total % _MODULUS) % _MODULUS]


def make_credit_code(body17: str) -> str:
    """A complete 18-character code: the (normalised) body plus its check character.

    Raises RuleViolation ``credit_code.length`` or ``credit_code.character``.
    """
    body = _normalise(body17)
    return body + check_character(body)


def validate_credit_code(value: str) -> str:
    """Validate a code and return it normalised (half-width, stripped, upper-case).

    Rules are checked in this order, the first failure is raised as RuleViolation:
    ``credit_code.length`` (params ``length``), ``credit_code.character`` (params
    ``character``, ``position`` 1-based), ``credit_code.check_digit`` (params
    ``expected``, ``given``).
    """
    code = _normalise(value)
    if len(code) != LENGTH:
        raise RuleViolation(
            "credit_code.length",
            f"a unified social credit code has {LENGTH} characters; got {len(code)}",
            length=len(code))
    _check_characters(code)
    expected = check_character(code[:BODY_LENGTH])
    given = code[BODY_LENGTH]
    if given != expected:
        raise RuleViolation(
            "credit_code.check_digit",
            f"check character is {given!r}, expected {expected!r} (GB 32100-2015)",
            expected=expected, given=given)
    return code


def area_code(code: str) -> str:
    """Positions 3–8 of a valid code: the registering area's division code.

    Raises RuleViolation as :func:`validate_credit_code` does.
    """
    return validate_credit_code(code)[2:8]
