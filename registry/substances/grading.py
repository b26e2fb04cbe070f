"""HJ 941-2018 computed from an enterprise's inventory (issue #20; domain.md §4). Pure:
no Flask, no database. The matrix, the Q and M classes and the penalty raise are
``registry.rules.hj941``'s; this module adds what the inventory decides: Q as Σ qᵢ/Qᵢ,
M from the process units and the control score, and the suggested E.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from registry.rules import hj941

PROCESS_LISTED_POINTS = 10  # per listed hazardous process unit
PROCESS_OTHER_POINTS = 5  # per other high-temperature / high-pressure / flammable unit
PROCESS_CAP = 30
CONTROL_MAX = 70
# Water E (domain.md §4 [likely]): within this distance downstream an intake or a
# protection zone makes E1; a provincial boundary reached within this travel time too.
WATER_E1_KM = 10.0
WATER_E1_HOURS = 24.0
INTAKE_KINDS = frozenset({"drinking_water_intake", "water_source_protection_zone"})
# Trace hits that are no receptor: places passed, and the 南水北调 canal's crossings
# (aqueducts and siphons, hydraulically separate from the rivers: domain.md §7).
NOT_RECEPTORS = frozenset({"county", "city", "section", "confluence", "intercept", "crossing"})
# Air E (domain.md §4 [likely]): population within 5 km / within 500 m.
AIR_E1 = (50_000, 1_000)  # more than either → E1
AIR_E2 = (10_000, 500)  # at least either → E2; less → E3


def _exact(value) -> Fraction:
    """A float as the decimal the officer typed (0.1 is 1/10, not 0.1000000000000000055)."""
    return Fraction(Decimal(str(value)))


def q_ratio(items: Iterable[tuple[float, float]]) -> float:
    """Q = Σ qᵢ/Qᵢ over (maximum quantity on site t, critical quantity t), summed exactly
    so that a sum meant to be 1 is 1 (three thirds of 3 t against 3 t)."""
    total = sum((_exact(q) / _exact(crit) for q, crit in items), Fraction(0))
    return float(total)


def process_score(listed: int, other: int) -> int:
    """10 per listed hazardous process unit, 5 per other unit, capped at 30."""
    return min(PROCESS_LISTED_POINTS * listed + PROCESS_OTHER_POINTS * other, PROCESS_CAP)


def air_e(population_5km: int | None, population_500m: int | None) -> tuple[str, str] | None:
    """The suggested air E and why, from the population within 5 km and 500 m; None
    when neither is known."""
    if population_5km is None and population_500m is None:
        return None
    p5, p05 = population_5km or 0, population_500m or 0
    if p5 > AIR_E1[0] or p05 > AIR_E1[1]:
        return "E1", f"5 km: {p5}, 500 m: {p05} (> {AIR_E1[0]} or > {AIR_E1[1]})"
    if p5 >= AIR_E2[0] or p05 >= AIR_E2[1]:
        return "E2", f"5 km: {p5}, 500 m: {p05} (≥ {AIR_E2[0]} or ≥ {AIR_E2[1]})"
    return "E3", f"5 km: {p5}, 500 m: {p05} (< {AIR_E2[0]} and < {AIR_E2[1]})"


def water_e(trace: Mapping, origin_county: str) -> tuple[str, list[dict]]:
    """The suggested water E and the hits that decide it, from a downstream trace
    (``geodata.rivers.Trace.to_dict()``) started at the discharge point.

    E1: a drinking-water intake or protection zone within 10 km downstream, or another
    province (GB/T 2260: the first two digits of a county code) reached within 24 h.
    E2 [assumed]: another sensitive receptor within 10 km downstream. E3: none of these.
    """
    reasons, e = [], "E3"
    province = origin_county[:2]
    for hit in trace.get("hits", []):
        km, hours = float(hit["distance_along_river_m"]) / 1000.0, float(hit["arrival_hours"])
        if hit["kind"] in INTAKE_KINDS and km <= WATER_E1_KM:
            reasons.append({"rule": "intake_within_10km", "name": hit["name"], "km": round(km, 2)})
            e = "E1"
        elif (hit["kind"] == "county" and str(hit.get("attrs", {}).get("code", ""))[:2] != province
              and hours <= WATER_E1_HOURS):
            reasons.append({"rule": "province_within_24h", "name": hit["name"],
                            "hours": round(hours, 1)})
            e = "E1"
        elif hit["kind"] not in NOT_RECEPTORS and km <= WATER_E1_KM:
            reasons.append({"rule": "receptor_within_10km", "name": hit["name"],
                            "km": round(km, 2)})
            e = min(e, "E2")
    if not trace.get("river_near", True):
        reasons.append({"rule": "no_river_near", "name": trace.get("river")})
    return e, reasons


@dataclass(frozen=True)
class MediumResult:
    q: float
    q_class: str
    m: float
    m_class: str
    process_score: int
    control_score: float
    e: str | None
    e_suggested: str | None
    level: str
    counted: bool  # at least one substance counts in this medium


@dataclass(frozen=True)
class Result:
    air: MediumResult
    water: MediumResult
    level: str
    notation: str
    penalised: bool
    assessment: hj941.Assessment = field(repr=False)


def grade_medium(items: Iterable[tuple[float, float]], listed: int, other: int,
                 control_score: float, e: str | None, e_suggested: str | None) -> MediumResult:
    """One medium. ``e`` (given) wins over ``e_suggested``; at Q0 E does not matter.
    Raises RuleViolation ``hj941.e`` when Q ≥ 1 and no E is known, ``hj941.m`` when
    the control score is outside 0–70."""
    items = list(items)
    q = q_ratio(items)
    process = process_score(listed, other)
    if not 0 <= control_score <= CONTROL_MAX:
        raise hj941.RuleViolation("hj941.m", f"control score must be 0–{CONTROL_MAX}, "
                                  f"got {control_score!r}", value=control_score)
    m = process + control_score
    chosen = e or e_suggested
    graded = hj941.grade_medium(q, m, chosen if hj941.q_class(q) != "Q0" or chosen else None)
    return MediumResult(q, graded.q_class, m, hj941.m_class(m), process, control_score,
                        chosen, e_suggested, graded.level, bool(items))


def grade_inventory(air: MediumResult, water: MediumResult, penalised: bool) -> Result:
    """The enterprise: the higher medium, one level up when penalised (capped at 重大),
    and the notation — single-medium when the substances count in one medium only."""
    def as_grade(r: MediumResult) -> dict:
        return {"q": r.q, "m": r.m, "e": r.e} if r.q_class != "Q0" else {"q": r.q}

    assessment = hj941.grade(as_grade(air), as_grade(water), penalised=penalised)
    counted = tuple(m for m, r in (("air", air), ("water", water)) if r.counted)
    media = counted if len(counted) == 1 else hj941.MEDIA
    return Result(air, water, assessment.level, hj941.format_notation(assessment, media),
                  bool(penalised), assessment)
