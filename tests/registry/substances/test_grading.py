"""The computation from an inventory (registry/substances/grading.py), without an app.
Expectations written out by hand from domain.md §4, not read from hj941_matrix.json."""
from __future__ import annotations

import pytest

from registry.rules import RuleViolation, hj941
from registry.substances import grading

# domain.md §4, copied by hand: E, Q -> level for M1..M4.
MATRIX = """
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
CELLS = [(e, q, f"M{i + 1}", level) for e, q, *levels in
         (line.split() for line in MATRIX.strip().splitlines())
         for i, level in enumerate(levels)]
# A substance quantity (against a 1 t critical quantity) inside each Q class, and a
# (listed, other, control) giving an M inside each M class.
Q_OF = {"Q1": 5.0, "Q2": 50.0, "Q3": 500.0}
M_OF = {"M1": (1, 0, 10), "M2": (2, 0, 10), "M3": (3, 0, 20), "M4": (3, 0, 40)}  # 20 30 50 70


@pytest.mark.parametrize("items, expected", [
    ([], 0.0),
    ([(2.5, 5)], 0.5),
    ([(5, 5)], 1.0),
    ([(1, 3), (1, 3), (1, 3)], 1.0),  # exactly 1: Q1, not Q0 by a rounding error
    ([(0.1, 1)] * 10, 1.0),
    ([(10, 1), (2.5, 0.5), (12.5, 2.5)], 20.0),
    ([(100, 1)], 100.0),
])
def test_q_is_the_sum_of_quantity_over_critical_quantity(items, expected):
    assert grading.q_ratio(items) == expected


@pytest.mark.parametrize("q, q_class", [
    (0, "Q0"), (0.999, "Q0"), (1, "Q1"), (9.999, "Q1"), (10, "Q2"), (99.99, "Q2"), (100, "Q3"),
])
def test_q_classes_at_their_boundaries(q, q_class):
    assert grading.grade_medium([(q, 1)] if q else [], 0, 0, 0, "E3", None).q_class == q_class


@pytest.mark.parametrize("listed, other, expected", [
    (0, 0, 0), (1, 0, 10), (0, 1, 5), (2, 1, 25), (3, 0, 30), (3, 1, 30), (0, 7, 30), (10, 10, 30),
])
def test_process_score_is_capped_at_30(listed, other, expected):
    assert grading.process_score(listed, other) == expected


@pytest.mark.parametrize("listed, other, control, m, m_class", [
    (0, 0, 24.9, 24.9, "M1"), (2, 1, 0, 25, "M2"), (1, 0, 34.9, 44.9, "M2"),
    (1, 1, 30, 45, "M3"), (3, 0, 29.9, 59.9, "M3"), (3, 0, 30, 60, "M4"), (5, 5, 70, 100, "M4"),
])
def test_m_bands_at_their_boundaries(listed, other, control, m, m_class):
    result = grading.grade_medium([(5, 1)], listed, other, control, "E3", None)
    assert (result.m, result.m_class) == (m, m_class)


def test_control_score_outside_0_to_70_is_refused():
    with pytest.raises(RuleViolation) as exc:
        grading.grade_medium([(5, 1)], 0, 0, 70.5, "E3", None)
    assert exc.value.rule == "hj941.m"


@pytest.mark.parametrize("e, q, m, level", CELLS)
def test_every_matrix_cell_from_an_inventory(e, q, m, level):
    listed, other, control = M_OF[m]
    water = grading.grade_medium([(Q_OF[q], 1)], listed, other, control, e, None)
    air = grading.grade_medium([], 0, 0, 0, None, None)
    result = grading.grade_inventory(air, water, penalised=False)
    assert (water.q_class, water.m_class, water.level, result.level) == (q, m, level, level)
    assert result.notation == f"{hj941.LEVEL_ZH[level]}[{hj941.LEVEL_ZH[level]}-水({q}-{m}-{e})]"


def test_q0_is_general_whatever_m_and_e():
    result = grading.grade_medium([(0.9, 1)], 3, 0, 70, None, None)
    assert (result.q_class, result.level, result.e) == ("Q0", "general", None)


def test_q1_without_any_e_is_an_error():
    with pytest.raises(RuleViolation) as exc:
        grading.grade_medium([(1, 1)], 0, 0, 0, None, None)
    assert exc.value.rule == "hj941.e"


def test_given_e_wins_over_the_suggestion():
    result = grading.grade_medium([(5, 1)], 0, 0, 0, "E3", "E1")
    assert (result.e, result.e_suggested, result.level) == ("E3", "E1", "general")
    assert grading.grade_medium([(5, 1)], 0, 0, 0, None, "E1").level == "major"


@pytest.mark.parametrize("base, raised", [("general", "major"), ("major", "serious"),
                                          ("serious", "serious")])
def test_penalty_raises_one_level_capped_at_serious(base, raised):
    e, q, m = next((e, q, m) for e, q, m, level in CELLS if level == base)
    listed, other, control = M_OF[m]
    air = grading.grade_medium([(Q_OF[q], 1)], listed, other, control, e, None)
    water = grading.grade_medium([(Q_OF[q], 1)], listed, other, control, e, None)
    assert grading.grade_inventory(air, water, penalised=False).level == base
    result = grading.grade_inventory(air, water, penalised=True)
    assert result.level == raised
    assert hj941.parse_notation(result.notation).level == raised


def test_enterprise_level_is_the_higher_medium_and_notation_shows_both():
    air = grading.grade_medium([(5, 1)], 1, 0, 20, "E1", None)  # E1 Q1 M2 → major
    water = grading.grade_medium([(0.5, 1)], 0, 0, 0, None, None)  # Q0 → general
    result = grading.grade_inventory(air, water, penalised=False)
    assert result.level == "major"
    assert result.notation == "较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]"
    parsed = hj941.parse_notation(result.notation)
    assert hj941.format_notation(parsed) == result.notation


def test_single_medium_notation_when_substances_count_in_one_medium():
    air = grading.grade_medium([], 0, 0, 0, None, None)
    water = grading.grade_medium([(2.5, 1)], 1, 0, 10, None, "E3")
    result = grading.grade_inventory(air, water, penalised=False)
    assert result.notation == "一般[一般-水(Q1-M1-E3)]"
    parsed = hj941.parse_notation(result.notation)
    assert (parsed.air, parsed.water.e) == (None, "E3")
    assert hj941.format_notation(parsed) == result.notation


@pytest.mark.parametrize("p5, p05, e", [
    (50_001, 0, "E1"), (0, 1_001, "E1"), (50_000, 1_000, "E2"), (10_000, 0, "E2"),
    (0, 500, "E2"), (9_999, 499, "E3"), (0, 0, "E3"),
])
def test_air_e_from_population(p5, p05, e):
    assert grading.air_e(p5, p05)[0] == e


def test_air_e_unknown_without_population():
    assert grading.air_e(None, None) is None


def _hit(kind, km, hours=1.0, name="x", **attrs):
    return {"kind": kind, "name": name, "distance_along_river_m": km * 1000,
            "arrival_hours": hours, "attrs": attrs}


@pytest.mark.parametrize("hits, e, rule", [
    ([_hit("drinking_water_intake", 9.9)], "E1", "intake_within_10km"),
    ([_hit("drinking_water_intake", 10.1)], "E3", None),
    ([_hit("county", 30, hours=23.5, code="341203")], "E1", "province_within_24h"),
    ([_hit("county", 30, hours=24.5, code="341203")], "E3", None),
    ([_hit("county", 5, hours=2, code="411102")], "E3", None),  # same province (41)
    ([_hit("nature_reserve", 8)], "E2", "receptor_within_10km"),
    ([_hit("crossing", 1, name="南水北调中线总干渠")], "E3", None),  # an aqueduct: separate
    ([], "E3", None),
])
def test_water_e_from_the_trace(hits, e, rule):
    found, reasons = grading.water_e({"hits": hits, "river_near": True}, "411081")
    assert found == e
    assert [r["rule"] for r in reasons][:1] == ([rule] if rule else [])
