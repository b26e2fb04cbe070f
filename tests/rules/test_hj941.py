from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.rules import RuleViolation, hj941
from registry.rules.hj941 import (
    LEVEL_ZH,
    LEVELS,
    Assessment,
    MediumGrade,
    ParsedNotation,
    check_level_agrees,
    format_notation,
    grade,
    grade_medium,
    m_class,
    parse_level,
    parse_notation,
    q_class,
)
from tests.rules._assert import violates

# domain.md §4, copied by hand (not read from hj941_matrix.json).
MATRIX_TEXT = """
E1 Q1 major   major   serious serious
E1 Q2 major   serious serious serious
E1 Q3 serious serious serious serious
E2 Q1 general major   major   serious
E2 Q2 major   major   serious serious
E2 Q3 major   serious serious serious
E3 Q1 general general major   major
E3 Q2 general major   major   serious
E3 Q3 major   major   serious serious
"""
EXPECTED = {(e, q, f"M{i}"): level
            for e, q, *row in (line.split() for line in MATRIX_TEXT.strip().splitlines())
            for i, level in enumerate(row, start=1)}
# Values inside each class, boundaries included.
Q_VALUES = {"Q0": [0, 0.5, 0.999], "Q1": [1, 5, 9.999], "Q2": [10, 50, 99.99],
            "Q3": [100, 1e6]}
M_VALUES = {"M1": [0, 10, 24.99], "M2": [25, 44.9], "M3": [45, 59.5], "M4": [60, 100]}
E_CLASSES = ["E1", "E2", "E3"]


def test_constants():
    assert LEVELS == ("general", "major", "serious")
    assert LEVEL_ZH == {"general": "一般", "major": "较大", "serious": "重大"}
    assert len(EXPECTED) == 36


@pytest.mark.parametrize("cell", sorted(EXPECTED))
def test_matrix_cell_by_cell(cell):
    e, q, m = cell
    for q_value in Q_VALUES[q]:
        for m_value in M_VALUES[m]:
            assert grade_medium(q_value, m_value, e) == MediumGrade(EXPECTED[cell], q, m, e)


@pytest.mark.parametrize("e", E_CLASSES)
@pytest.mark.parametrize("m", [0, 30, 50, 100])
def test_q0_is_general_whatever_m_and_e(e, m):
    for q in Q_VALUES["Q0"]:
        assert grade_medium(q, m, e).level == "general"
    assert grade_medium(0.2, None, None) == MediumGrade("general", "Q0", None, None)


@pytest.mark.parametrize("q, expected", [(v, c) for c, vs in Q_VALUES.items() for v in vs])
def test_q_class(q, expected):
    assert q_class(q) == expected


@pytest.mark.parametrize("m, expected", [(v, c) for c, vs in M_VALUES.items() for v in vs])
def test_m_class(m, expected):
    assert m_class(m) == expected


@pytest.mark.parametrize("q", [-0.001, -5, math.nan, math.inf, "3", None, True])
def test_bad_q(q):
    with pytest.raises(RuleViolation) as info:
        q_class(q)
    assert info.value.rule == "hj941.q" and info.value.params.keys() == {"value"}
    assert info.value.params["value"] is q


@pytest.mark.parametrize("m", [-0.01, 100.01, 1000, math.nan, "30", None])
def test_bad_m(m):
    with pytest.raises(RuleViolation) as info:
        m_class(m)
    assert info.value.rule == "hj941.m" and info.value.params["value"] is m
    with pytest.raises(RuleViolation) as info:
        grade_medium(5, m, "E1")
    assert info.value.rule == "hj941.m"


@pytest.mark.parametrize("e", ["E4", "E0", "", "1", None, 1])
def test_bad_e(e):
    with violates("hj941.e", value=e):
        grade_medium(5, 30, e)


def test_e_is_read_leniently():
    assert grade_medium(5, 30, " e1 ").e == "E1"
    assert grade_medium(5, 30, "Ｅ２").e == "E2"


def test_factors_given_at_q0_are_still_checked():
    with violates("hj941.e", value="E9"):
        grade_medium(0.5, 30, "E9")
    with violates("hj941.m", value=101):
        grade_medium(0.5, 101, "E1")


AIR_MAJOR = {"q": 5, "m": 30, "e": "E1"}      # Q1 M2 E1 -> major
WATER_GENERAL = {"q": 0.3, "m": 0, "e": "E3"}  # Q0 -> general
SERIOUS = {"q": 150, "m": 70, "e": "E1"}       # Q3 M4 E1 -> serious


@pytest.mark.parametrize("air, water, penalised, level", [
    (AIR_MAJOR, WATER_GENERAL, False, "major"),
    (WATER_GENERAL, AIR_MAJOR, False, "major"),
    (AIR_MAJOR, WATER_GENERAL, True, "serious"),
    (WATER_GENERAL, WATER_GENERAL, False, "general"),
    (WATER_GENERAL, WATER_GENERAL, True, "major"),
    (SERIOUS, AIR_MAJOR, False, "serious"),
    (SERIOUS, AIR_MAJOR, True, "serious"),  # capped
    ({"q": 0}, {"q": 0.9}, False, "general"),  # M and E may be left out at Q0
])
def test_grade(air, water, penalised, level):
    assessment = grade(air, water, penalised=penalised)
    assert assessment.level == level and assessment.penalised is penalised
    assert assessment.air == grade_medium(air["q"], air.get("m"), air.get("e"))
    assert assessment.water == grade_medium(water["q"], water.get("m"), water.get("e"))


def test_grade_errors():
    with violates("hj941.q", value=None):
        grade({"m": 30, "e": "E1"}, WATER_GENERAL)
    with violates("hj941.m", value=None):
        grade({"q": 5, "e": "E1"}, WATER_GENERAL)
    with violates("hj941.e", value=None):
        grade(AIR_MAJOR, {"q": 20, "m": 30})
    with pytest.raises(ValueError):
        grade({**AIR_MAJOR, "E": "E1"}, WATER_GENERAL)


def test_assessment_is_frozen():
    assessment = grade(AIR_MAJOR, WATER_GENERAL)
    with pytest.raises(AttributeError):
        assessment.level = "serious"


@pytest.mark.parametrize("value, level", [
    ("general", "general"), ("Major", "major"), (" SERIOUS ", "serious"),
    ("一般", "general"), ("较大", "major"), ("重大", "serious"),
    ("l", "general"), ("M", "major"), ("h", "serious"), ("Ｈ", "serious"),
    (" 较大环境风险 ", "major"), ("一般风险", "general"),
])
def test_parse_level(value, level):
    assert parse_level(value) == level


@pytest.mark.parametrize("value", ["", " ", "medium", "X", "T", "特大", "风险", "LM", None, 2])
def test_parse_level_rejects(value):
    with violates("risk_level.unknown", value=value):
        parse_level(value)


def test_check_level_agrees():
    assessment = grade(AIR_MAJOR, WATER_GENERAL)
    for level in ("major", "较大", "M"):
        check_level_agrees(level, assessment)
    with violates("hj941.level_mismatch", given="general", computed="major"):
        check_level_agrees("general", assessment)
    with violates("hj941.level_mismatch", given="serious", computed="major"):
        check_level_agrees("serious", assessment)
    with violates("risk_level.unknown", value="huge"):
        check_level_agrees("huge", assessment)


@pytest.mark.parametrize("air, water, penalised, text", [
    (AIR_MAJOR, WATER_GENERAL, False, "较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]"),
    (AIR_MAJOR, WATER_GENERAL, True, "重大[较大-大气(Q1-M2-E1)+一般-水(Q0)]"),
    ({"q": 0}, {"q": 0}, False, "一般[一般-大气(Q0)+一般-水(Q0)]"),
    (WATER_GENERAL, SERIOUS, False, "重大[一般-大气(Q0)+重大-水(Q3-M4-E1)]"),
    ({"q": 12, "m": 25, "e": "E3"}, {"q": 2, "m": 0, "e": "E2"}, False,
     "较大[较大-大气(Q2-M2-E3)+一般-水(Q1-M1-E2)]"),
])
def test_format_notation(air, water, penalised, text):
    assert format_notation(grade(air, water, penalised)) == text


def medium(level, q, m=None, e=None):
    return MediumGrade(level, q, m, e)


@pytest.mark.parametrize("text, expected", [
    ("较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]",
     ParsedNotation("major", medium("major", "Q1", "M2", "E1"), medium("general", "Q0"), False)),
    # full-width brackets, plus and parentheses, spaces, 气 / 水环境, lower case
    ("较大 ［较大－气（q1-m2-e1）＋ 一般-水环境 (Q0)］",
     ParsedNotation("major", medium("major", "Q1", "M2", "E1"), medium("general", "Q0"), False)),
    # water first, 【】, a comma between media, no dash before the medium
    ("较大【一般水(Q0)，较大大气(Q1M2E1)】",
     ParsedNotation("major", medium("major", "Q1", "M2", "E1"), medium("general", "Q0"), False)),
    ("较大环境风险[较大-大气环境(Q1-M2-E1)+一般-水(Q0)]",
     ParsedNotation("major", medium("major", "Q1", "M2", "E1"), medium("general", "Q0"), False)),
    # overall one above the media: the penalty raise
    ("重大[较大-大气(Q1-M2-E1)+一般-水(Q0)]",
     ParsedNotation("serious", medium("major", "Q1", "M2", "E1"), medium("general", "Q0"), True)),
    ("较大[一般-大气(Q0)+一般-水(Q0)]",
     ParsedNotation("major", medium("general", "Q0"), medium("general", "Q0"), True)),
    # a penalty on a serious enterprise cannot be seen
    ("重大[重大-大气(Q3-M1-E1)+一般-水(Q0)]",
     ParsedNotation("serious", medium("serious", "Q3", "M1", "E1"), medium("general", "Q0"), False)),
    # M and E written at Q0 are kept
    ("一般[一般-大气(Q0-M3-E1)+一般-水(Q0)]",
     ParsedNotation("general", medium("general", "Q0", "M3", "E1"), medium("general", "Q0"), False)),
])
def test_parse_notation(text, expected):
    assert parse_notation(text) == expected


@pytest.mark.parametrize("text", [
    "", "较大", "较大[]",
    "较大[较大-大气(Q1-M2-E1)+较大-气(Q1-M2-E1)]",            # air twice
    "较大[较大-大气(Q1)+一般-水(Q0)]",                          # Q1 without M and E
    "较大[较大-大气(Q4-M2-E1)+一般-水(Q0)]",                    # no Q4
    "较大[较大-大气(Q1-M5-E1)+一般-水(Q0)]",                    # no M5
    "较大[较大-大气(Q1-M2-E4)+一般-水(Q0)]",                    # no E4
    "中等[较大-大气(Q1-M2-E1)+一般-水(Q0)]",                    # no such level
    "较大[较大-土壤(Q1-M2-E1)+一般-水(Q0)]",                    # no such medium
    "较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]x",
])
def test_unreadable_notation(text):
    with violates("hj941.notation", value=text):
        parse_notation(text)


def test_non_text_notation():
    with pytest.raises(RuleViolation) as info:
        parse_notation(None)
    assert info.value.rule == "hj941.notation"


@pytest.mark.parametrize("text", [
    "较大[一般-大气(Q1-M2-E1)+一般-水(Q0)]",     # Q1-M2-E1 is major
    "较大[较大-大气(Q1-M2-E1)+较大-水(Q0)]",     # Q0 is general
    "一般[较大-大气(Q1-M2-E1)+一般-水(Q0)]",     # overall below the higher medium
    "重大[一般-大气(Q0)+一般-水(Q0)]",           # two levels above
    "较大[重大-大气(Q3-M4-E1)+一般-水(Q0)]",
])
def test_inconsistent_notation(text):
    with violates("hj941.inconsistent", value=text):
        parse_notation(text)


media = st.fixed_dictionaries({
    "q": st.one_of(st.floats(0, 1, exclude_max=True), st.floats(1, 1e4)),
    "m": st.floats(0, 100),
    "e": st.sampled_from(E_CLASSES),
})


@given(media, media, st.booleans())
def test_grade_is_the_higher_medium_raised_if_penalised(air, water, penalised):
    assessment = grade(air, water, penalised)
    base = max(assessment.air.level, assessment.water.level, key=LEVELS.index)
    expected = LEVELS[min(LEVELS.index(base) + int(penalised), len(LEVELS) - 1)]
    assert assessment.level == expected
    for name, factors in (("air", air), ("water", water)):
        got = getattr(assessment, name)
        if factors["q"] < 1:
            assert got.level == "general" and got.q_class == "Q0"
        else:
            assert got.level == EXPECTED[(factors["e"], got.q_class, got.m_class)]


@given(media, st.floats(0, 1e4), st.floats(0, 100))
def test_more_q_or_m_never_lowers_the_level(factors, dq, dm):
    before = grade_medium(factors["q"], factors["m"], factors["e"]).level
    after = grade_medium(factors["q"] + dq, min(factors["m"] + dm, 100), factors["e"]).level
    assert LEVELS.index(after) >= LEVELS.index(before)


@given(media, media, st.booleans())
def test_notation_round_trip(air, water, penalised):
    assessment = grade(air, water, penalised)
    text = format_notation(assessment)
    parsed = parse_notation(text)
    assert format_notation(parsed) == text
    assert parsed.level == assessment.level
    # The raise is visible unless the enterprise was serious anyway.
    base = max(assessment.air.level, assessment.water.level, key=LEVELS.index)
    assert parsed.penalised == (penalised and base != "serious")
    for name in ("air", "water"):
        want, got = getattr(assessment, name), getattr(parsed, name)
        assert (got.level, got.q_class) == (want.level, want.q_class)
        if want.q_class != "Q0":
            assert got == want


def test_parsed_notation_and_assessment_share_their_shape():
    assert ParsedNotation.__dataclass_fields__.keys() == Assessment.__dataclass_fields__.keys()


# --- the single-medium form (issue #20) ---------------------------------------------

@pytest.mark.parametrize("text, level, medium, grade_", [
    ("一般[一般-水(Q1-M1-E3)]", "general", "water", ("general", "Q1", "M1", "E3")),
    ("较大[较大-大气(Q1-M2-E1)]", "major", "air", ("major", "Q1", "M2", "E1")),
    ("重大[较大-水(Q2-M1-E1)]", "serious", "water", ("major", "Q2", "M1", "E1")),  # penalty
    ("一般[一般-大气(Q0)]", "general", "air", ("general", "Q0", None, None)),
])
def test_single_medium_notation_round_trips(text, level, medium, grade_):
    parsed = hj941.parse_notation(text)
    other = "water" if medium == "air" else "air"
    assert (parsed.level, getattr(parsed, other)) == (level, None)
    assert getattr(parsed, medium) == hj941.MediumGrade(*grade_)
    assert hj941.format_notation(parsed) == text
    assert hj941.format_notation(hj941.parse_notation(hj941.format_notation(parsed))) == text


def test_single_medium_notation_read_leniently_and_checked():
    assert hj941.format_notation(hj941.parse_notation(" 一般【一般-水环境(q1-m1-e3)】")) == \
        "一般[一般-水(Q1-M1-E3)]"
    # E2/Q1/M1 is general: 较大 only by the penalty raise
    assert hj941.parse_notation("较大[一般-水(Q1-M1-E2)]").penalised
    with pytest.raises(RuleViolation) as exc:
        hj941.parse_notation("重大[一般-水(Q1-M1-E3)]")  # two levels above the medium
    assert exc.value.rule == "hj941.inconsistent"
    with pytest.raises(RuleViolation) as exc:
        hj941.parse_notation("一般[较大-水(Q1-M1-E3)]")  # E3/Q1/M1 is general, not major
    assert exc.value.rule == "hj941.inconsistent"


def test_format_notation_single_medium_from_an_assessment():
    assessment = hj941.grade({"q": 0}, {"q": 2.5, "m": 20, "e": "E3"})
    assert hj941.format_notation(assessment, media=("water",)) == "一般[一般-水(Q1-M1-E3)]"
    assert hj941.format_notation(assessment) == "一般[一般-大气(Q0)+一般-水(Q1-M1-E3)]"
