"""Unified social credit code, 统一社会信用代码 (GB 32100-2015; domain.md §3).

18 characters from :data:`ALPHABET`; the 18th is a check character computed from
the first 17 with :data:`WEIGHTS`, modulo 31. The structure (issue #22):

* positions 1–2: the registering authority and the organisation type under it, a closed
  table (:data:`AUTHORITIES`, GB 32100-2015 Table 1 with the later additions A and N);
* positions 3–8: the registering area's GB/T 2260 division code (an unknown one is only a
  warning, :func:`division_warning`: the table changes every year);
* positions 9–17: the GB 11714 organisation code, 8 characters and its own mod-11 check
  character (:func:`organisation_check`).
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

# GB 32100-2015 Table 1 (登记管理部门代码, 机构类别代码), as data. A and N were added after
# 2015 (军队 units; 农村集体经济组织). [likely: check against the current standard text]
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体",
                    "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所",
                    "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他"}),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构",
                 "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织",
                 "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}

# GB 11714-1997: the organisation code's 8 characters are worth 0–9 and A–Z = 10–35.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES = {c: v for v, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}

# GB/T 2260 province-level codes (the first two digits of a division code).
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82"})


def _normalise(value: str) -> str:
    # Spaces anywhere are dropped: codes are pasted grouped ("9141 1025 MA9K 3X7Q 1E") or
    # with a stray space inside (issue #16 §2.4); no code holds a space.
    return "".join(halfwidth(value).split()).upper()


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


def organisation_check(org8: str) -> str:
    """GB 11714's check character for the 8 characters of an organisation code:
    ``11 - Σ value × weight mod 11``, 10 written ``X`` and 11 written ``0``."""
    total = sum(_ORG_VALUES[char] * weight for char, weight in zip(org8, ORG_WEIGHTS))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make_organisation_code(org8: str) -> str:
    """The 9 characters of positions 9–17: ``org8`` and its GB 11714 check character."""
    return org8 + organisation_check(org8)


def build_credit_code(authority: str, division: str, org8: str) -> str:
    """A structurally valid code: positions 1–2 ``authority`` (e.g. ``"91"``), 3–8
    ``division``, 9–16 ``org8``, 17 its GB 11714 check, 18 the GB 32100 check."""
    return make_credit_code(authority + division + make_organisation_code(org8))


def _check_structure(code: str) -> None:
    authority = AUTHORITIES.get(code[0])
    if authority is None or code[1] not in authority[1]:
        raise RuleViolation(
            "credit_code.authority",
            f"positions 1–2 {code[:2]!r} are no registering authority and organisation "
            f"type of GB 32100-2015 (position {1 if authority is None else 2} is wrong)",
            pair=code[:2], position=1 if authority is None else 2)
    expected = organisation_check(code[8:16])
    if code[16] != expected:
        raise RuleViolation(
            "credit_code.organisation_code",
            f"positions 9–17 are no GB 11714 organisation code: the check character at "
            f"position 17 is {code[16]!r}, expected {expected!r}",
            expected=expected, given=code[16])


def division_warning(code: str) -> RuleViolation | None:
    """A warning (never a refusal) when positions 3–8 of a valid ``code`` are no plausible
    GB/T 2260 division code: six digits, a known province, a city part other than 00 only
    with its county part. Returned, not raised."""
    division = code[2:8]
    if (division.isdigit() and division[:2] in PROVINCES
            and not (division[2:4] == "00" and division[4:] != "00")):
        return None
    return RuleViolation(
        "credit_code.division",
        f"positions 3–8 {division!r} are no known GB/T 2260 division code", division=division)


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
    ``expected``, ``given``), ``credit_code.authority`` (positions 1–2; params ``pair``,
    ``position``), ``credit_code.organisation_code`` (positions 9–17, GB 11714; params
    ``expected``, ``given``). The check digit comes before the structure, so a mistyped
    character is reported as such.
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
    _check_structure(code)
    return code


def area_code(code: str) -> str:
    """Positions 3–8 of a valid code: the registering area's division code.

    Raises RuleViolation as :func:`validate_credit_code` does.
    """
    return validate_credit_code(code)[2:8]
