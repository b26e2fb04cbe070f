"""Enterprise environmental risk grading, 环境风险等级 (HJ 941-2018; domain.md §4).

Air (大气) and water (水) are graded separately from Q (Σq/Q), M (process and
risk-control score) and E (receptor sensitivity) with a matrix kept as data in
``hj941_matrix.json``. The enterprise level is the higher of the two, one level up
when the enterprise was penalised in the last 3 years (capped at serious).

The notation, e.g. ``较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]``, is produced by
:func:`format_notation` and read back, leniently, by :func:`parse_notation`.
"""
from __future__ import annotations

import json
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files

from registry.rules import RuleViolation
from registry.rules._text import compact

LEVELS = ("general", "major", "serious")  # ascending
LEVEL_ZH = {"general": "一般", "major": "较大", "serious": "重大"}
MEDIA = ("air", "water")
MEDIUM_ZH = {"air": "大气", "water": "水"}

_LEVEL_ALIASES = {
    **{level: level for level in LEVELS},
    **{zh: level for level, zh in LEVEL_ZH.items()},
    "l": "general", "m": "major", "h": "serious",
}
# "一般环境风险", "较大风险" are common in old records.
_LEVEL_SUFFIX = re.compile(r"(环境风险|风险)$")


@dataclass(frozen=True)
class _Tables:
    q_classes: tuple[tuple[str, float], ...]  # (class, inclusive lower bound), ascending
    m_classes: tuple[tuple[str, float], ...]
    m_max: float
    e_classes: tuple[str, ...]
    q0_level: str
    matrix: Mapping[tuple[str, str, str], str]  # (E, Q, M) -> level


def _load_tables() -> _Tables:
    """Read and check the grading tables; a broken data file fails at import."""
    data = json.loads(files("registry.rules").joinpath("hj941_matrix.json").read_text("utf-8"))
    if tuple(data["levels"]) != LEVELS:
        raise ValueError(f"hj941_matrix.json: levels must be {LEVELS}")
    q_classes = tuple((row["class"], float(row["from"])) for row in data["q_classes"])
    m_classes = tuple((row["class"], float(row["from"])) for row in data["m_classes"])
    e_classes = tuple(data["e_classes"])
    matrix = {}
    for e in e_classes:
        for q, _ in q_classes[1:]:  # Q0 never reaches the matrix
            for m, _ in m_classes:
                level = data["matrix"][e][q][m]
                if level not in LEVELS:
                    raise ValueError(f"hj941_matrix.json: unknown level {level!r} at {e}/{q}/{m}")
                matrix[(e, q, m)] = level
    return _Tables(q_classes, m_classes, float(data["m_max"]), e_classes,
                   data["q0_level"], matrix)


_TABLES = _load_tables()
Q_CLASSES = tuple(name for name, _ in _TABLES.q_classes)
M_CLASSES = tuple(name for name, _ in _TABLES.m_classes)
E_CLASSES = _TABLES.e_classes


@dataclass(frozen=True)
class MediumGrade:
    """One medium's grade. ``m_class`` and ``e`` are None only for a Q0 medium
    whose M and E were not given (they do not matter at Q0)."""

    level: str
    q_class: str
    m_class: str | None
    e: str | None


@dataclass(frozen=True)
class Assessment:
    """The enterprise grade: ``level`` is the higher of ``air`` and ``water``,
    raised one level (capped at serious) when ``penalised``."""

    level: str
    air: MediumGrade
    water: MediumGrade
    penalised: bool


@dataclass(frozen=True)
class ParsedNotation:
    """A notation read back. ``penalised`` is True when the overall level is one
    above the higher medium; it cannot be seen (and is False) when both are serious.
    A single-medium notation (``一般[一般-水(Q1-M1-E3)]``) leaves the other medium None."""

    level: str
    air: MediumGrade | None
    water: MediumGrade | None
    penalised: bool


def parse_level(value: str) -> str:
    """The canonical level for general/major/serious, 一般/较大/重大 or L/M/H.

    Case-insensitive; surrounding spaces, full-width forms and a trailing
    环境风险/风险 are ignored. Raises RuleViolation ``risk_level.unknown`` (``value``).
    """
    if isinstance(value, str):
        key = _LEVEL_SUFFIX.sub("", compact(value).lower())
        if key in _LEVEL_ALIASES:
            return _LEVEL_ALIASES[key]
    raise RuleViolation("risk_level.unknown",
                        f"risk level {value!r} is not general, major or serious (一般/较大/重大)",
                        value=value)


def higher(a: str, b: str) -> str:
    """The higher of two canonical levels."""
    return max(a, b, key=LEVELS.index)


def raise_one_level(level: str) -> str:
    """One level up, capped at serious."""
    return LEVELS[min(LEVELS.index(level) + 1, len(LEVELS) - 1)]


def _finite(value, rule: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise RuleViolation(rule, f"{what} must be a number, got {value!r}", value=value)
    number = float(value)
    if not math.isfinite(number):
        raise RuleViolation(rule, f"{what} must be finite, got {value!r}", value=value)
    return number


def _classify(number: float, classes: tuple[tuple[str, float], ...]) -> str:
    return next(name for name, lower in reversed(classes) if number >= lower)


def q_class(q: float) -> str:
    """Q0 (Q < 1), Q1 (< 10), Q2 (< 100) or Q3. Raises RuleViolation ``hj941.q``
    (``value``) for a negative, non-finite or non-numeric Q."""
    number = _finite(q, "hj941.q", "Q (Σq/Q)")
    if number < 0:
        raise RuleViolation("hj941.q", f"Q (Σq/Q) must be >= 0, got {q!r}", value=q)
    return _classify(number, _TABLES.q_classes)


def m_class(m: float) -> str:
    """M1 (M < 25), M2 (< 45), M3 (< 60) or M4. Raises RuleViolation ``hj941.m``
    (``value``) outside 0–100 or for a non-numeric M."""
    number = _finite(m, "hj941.m", "M")
    if not 0 <= number <= _TABLES.m_max:
        raise RuleViolation("hj941.m", f"M must be between 0 and {_TABLES.m_max:g}, got {m!r}",
                            value=m)
    return _classify(number, _TABLES.m_classes)


def _e_class(e: str) -> str:
    name = compact(e).upper() if isinstance(e, str) else None
    if name not in E_CLASSES:
        raise RuleViolation("hj941.e", f"E must be one of {', '.join(E_CLASSES)}, got {e!r}",
                            value=e)
    return name


def matrix_level(q_cls: str, m_cls: str | None, e: str | None) -> str:
    """The level for already classified factors (Q0 -> general whatever M and E)."""
    if q_cls == Q_CLASSES[0]:
        return _TABLES.q0_level
    return _TABLES.matrix[(e, q_cls, m_cls)]


def grade_medium(q: float, m: float | None, e: str | None) -> MediumGrade:
    """Grade one medium (air or water) from Q, M and E.

    At Q0 the medium is general whatever M and E; they may then be None, and are
    still checked when given. Raises RuleViolation ``hj941.q``, ``hj941.m`` or
    ``hj941.e`` (each with ``value``).
    """
    q_cls = q_class(q)
    needs_factors = q_cls != Q_CLASSES[0]
    m_cls = m_class(m) if (m is not None or needs_factors) else None
    e_cls = _e_class(e) if (e is not None or needs_factors) else None
    return MediumGrade(matrix_level(q_cls, m_cls, e_cls), q_cls, m_cls, e_cls)


def _grade_mapping(medium: Mapping) -> MediumGrade:
    unknown = set(medium) - {"q", "m", "e"}
    if unknown:
        raise ValueError(f"unknown HJ 941 factor(s): {', '.join(sorted(map(str, unknown)))}")
    return grade_medium(medium.get("q"), medium.get("m"), medium.get("e"))


def grade(air: Mapping, water: Mapping, penalised: bool = False) -> Assessment:
    """Grade an enterprise from ``{"q": float, "m": float, "e": "E1"|"E2"|"E3"}``
    for air and for water (``m`` and ``e`` may be left out for a Q0 medium).

    Returns an :class:`Assessment`. Raises RuleViolation ``hj941.q``/``hj941.m``/
    ``hj941.e``; ValueError for a key other than q, m, e.
    """
    air_grade, water_grade = _grade_mapping(air), _grade_mapping(water)
    level = higher(air_grade.level, water_grade.level)
    if penalised:
        level = raise_one_level(level)
    return Assessment(level, air_grade, water_grade, bool(penalised))


def check_level_agrees(level: str, assessment: Assessment) -> None:
    """Raise RuleViolation ``hj941.level_mismatch`` (``given``, ``computed``) when
    an entered level differs from the graded one; ``risk_level.unknown`` when the
    level cannot be read."""
    if parse_level(level) != assessment.level:
        raise RuleViolation(
            "hj941.level_mismatch",
            f"risk level {level!r} disagrees with the HJ 941-2018 breakdown "
            f"({assessment.level})",
            given=level, computed=assessment.level)


def _medium_notation(medium: str, grade_: MediumGrade) -> str:
    factors = (grade_.q_class if grade_.q_class == Q_CLASSES[0]
               else f"{grade_.q_class}-{grade_.m_class}-{grade_.e}")
    return f"{LEVEL_ZH[grade_.level]}-{MEDIUM_ZH[medium]}({factors})"


def format_notation(assessment: Assessment | ParsedNotation,
                    media: tuple[str, ...] = MEDIA) -> str:
    """The HJ 941-2018 notation, air first: ``较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]``.

    ``media`` names the media to show: one of them gives the single-medium form of an
    enterprise whose substances count in that medium only, ``一般[一般-水(Q1-M1-E3)]``.
    A medium whose grade is None (a single-medium notation read back) is left out."""
    shown = [m for m in MEDIA if m in media and getattr(assessment, m) is not None]
    if not shown:
        raise ValueError("a notation shows at least one medium")
    parts = "+".join(_medium_notation(m, getattr(assessment, m)) for m in shown)
    return f"{LEVEL_ZH[assessment.level]}[{parts}]"


# --- reading legacy notations -------------------------------------------------------

_BRACKETS = str.maketrans({"【": "[", "】": "]", "〔": "[", "〕": "]", "﹢": "+"})
_ZH_LEVEL = "|".join(LEVEL_ZH.values())
_MEDIUM_NAMES = {"大气环境": "air", "大气": "air", "气": "air", "水环境": "water", "水": "water"}
_NAME = "|".join(sorted(_MEDIUM_NAMES, key=len, reverse=True))


def _medium_pattern(tag: str) -> str:
    return (rf"(?P<{tag}level>{_ZH_LEVEL})(?:环境风险|风险)?-?(?P<{tag}name>{_NAME})"
            rf"\(Q(?P<{tag}q>[0-3])(?:[-,/]?M(?P<{tag}m>[1-4])[-,/]?E(?P<{tag}e>[1-3]))?\)")


_NOTATION = re.compile(
    rf"(?P<overall>{_ZH_LEVEL})(?:环境风险|风险)?\["
    rf"{_medium_pattern('a')}(?:[+,;、]{_medium_pattern('b')})?\]",
    re.IGNORECASE)
_ZH_TO_LEVEL = {zh: level for level, zh in LEVEL_ZH.items()}


def _unreadable(text: str, why: str) -> RuleViolation:
    return RuleViolation("hj941.notation", f"risk notation {text!r} could not be read: {why}",
                         value=text)


def _inconsistent(text: str, why: str) -> RuleViolation:
    return RuleViolation("hj941.inconsistent",
                         f"risk notation {text!r} contradicts HJ 941-2018: {why}", value=text)


def _read_medium(match: re.Match, tag: str, text: str) -> tuple[str, str, MediumGrade]:
    q_cls = f"Q{match[tag + 'q']}"
    m_cls = f"M{match[tag + 'm']}" if match[tag + "m"] else None
    e_cls = f"E{match[tag + 'e']}" if match[tag + "e"] else None
    if q_cls != Q_CLASSES[0] and m_cls is None:
        raise _unreadable(text, f"{q_cls} needs M and E")
    stated = _ZH_TO_LEVEL[match[tag + "level"]]
    return _MEDIUM_NAMES[match[tag + "name"]], stated, MediumGrade(stated, q_cls, m_cls, e_cls)


def parse_notation(text: str) -> ParsedNotation:
    """Read a notation such as ``较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]``, or the
    single-medium form ``一般[一般-水(Q1-M1-E3)]`` (the other medium is then None).

    Lenient: full- or half-width brackets and plus signs, 【】, spaces, dash
    look-alikes, lower-case factors, 气/大气/大气环境 and 水/水环境, either medium
    first, ``+ , ; 、`` between media, a 环境风险/风险 suffix after a level.

    Raises RuleViolation ``hj941.notation`` (``value``) when it cannot be read
    (also: a medium twice, Q1–Q3 without M and E) and ``hj941.inconsistent``
    (``value``) when a medium's level contradicts the matrix or the overall level
    is neither the higher medium nor one level above it (the penalty raise).
    """
    if not isinstance(text, str):
        raise _unreadable(repr(text), "not text")
    match = _NOTATION.fullmatch(compact(text).translate(_BRACKETS))
    if match is None:
        raise _unreadable(text, "expected e.g. 较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]")
    media = {}
    for tag in ("a", "b") if match["bname"] else ("a",):
        name, stated, medium = _read_medium(match, tag, text)
        if name in media:
            raise _unreadable(text, f"{MEDIUM_ZH[name]} appears twice")
        expected = matrix_level(medium.q_class, medium.m_class, medium.e)
        if stated != expected:
            raise _inconsistent(text, f"{MEDIUM_ZH[name]} is {expected}, not {stated}")
        media[name] = medium
    overall = _ZH_TO_LEVEL[match["overall"]]
    base = max((m.level for m in media.values()), key=LEVELS.index)
    if overall not in (base, raise_one_level(base)):
        raise _inconsistent(text, f"overall level {overall} should be {base}")
    return ParsedNotation(overall, media.get("air"), media.get("water"),
                          penalised=overall != base)
