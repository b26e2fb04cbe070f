"""``GET /api/v1/annual/{year}``: the figures behind the annual page, as JSON.

The same function as the page (``annual.annual_figures``), so the same county scoping and
the same counts; this module only names the figures for other systems."""
from __future__ import annotations

from pydantic import BaseModel

from registry.api import bp
from registry.api.routing import operation
from registry.rules.hj941 import LEVELS
from registry.workflows.annual import annual_figures


class LevelCounts(BaseModel):
    total: int
    general: int
    major: int
    serious: int


class DrillsHeld(BaseModel):
    total: int
    by_theme: dict[str, int]
    by_organiser_level: dict[str, int]
    by_type: dict[str, int]


class ActionCounts(BaseModel):
    found: int
    verified: int
    open: int
    overdue: int


class AnnualOut(BaseModel):
    year: int
    as_of: str
    city: str
    plans_in_force_at_year_end: LevelCounts
    plans_filed: int
    plans_revised: int
    plans_filed_late: int
    drills_held: DrillsHeld
    agreement_cities: list[str]
    agreement_cities_signed: list[str]
    corrective_actions: ActionCounts
    paragraph: str


def annual_json(figures: dict) -> dict:
    """The API's names for :func:`annual_figures`' sections."""
    sections = figures["sections"]
    plans = sections["plans"].figures
    drills = sections["drills"].figures if "drills" in sections else {}
    actions = sections["actions"].figures["total"] if "actions" in sections else {}
    agreements = sections["agreements"].figures if "agreements" in sections else {}
    in_force = plans["in_force"]
    return {
        "year": figures["year"], "as_of": figures["as_of"].isoformat(), "city": figures["city"],
        "plans_in_force_at_year_end": {"total": plans["in_force_total"],
                                       **{k: in_force.get(k, 0) for k in LEVELS}},
        "plans_filed": sum(plans["new"].values()), "plans_revised": sum(plans["revised"].values()),
        "plans_filed_late": plans["late"],
        "drills_held": {"total": drills.get("total", 0), "by_theme": drills.get("by_theme", {}),
                        "by_organiser_level": drills.get("by_organiser", {}),
                        "by_type": drills.get("by_type", {})},
        "agreement_cities": agreements.get("cities_in_force", []),
        "agreement_cities_signed": agreements.get("cities_signed", []),
        "corrective_actions": {"found": actions.get("opened", 0), "verified": actions.get("closed", 0),
                               "open": actions.get("unverified", 0), "overdue": actions.get("overdue", 0)},
        "paragraph": figures["paragraph"],
    }


@operation(bp, "/annual/{year}", "GET", "The annual figures (年度情况) for your jurisdiction", "annual",
           response=AnnualOut, errors=(401, 404, 422))
def get_annual(user, year):
    return annual_json(annual_figures(user, year))
