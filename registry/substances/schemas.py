"""One schema per input: a substance (form, API, import row), the list query, and an
enterprise's risk inventory (form and API)."""
from __future__ import annotations

import re
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      model_validator)

from registry.fields import Id, halfwidth
from registry.validation import FieldError

Medium = Literal["air", "water"]
EClass = Literal["E1", "E2", "E3"]
CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def _cas(value: str | None) -> str | None:
    """A CAS registry number with its check digit (the digits weighted 1, 2, 3… from the
    right, mod 10)."""
    if value is None or value == "":
        return None
    match = CAS.match(value)
    if not match:
        raise FieldError(_("“%(value)s” is not a CAS number (e.g. 7782-50-5).", value=value))
    digits = (match[1] + match[2])[::-1]
    if sum(int(d) * (i + 1) for i, d in enumerate(digits)) % 10 != int(match[3]):
        raise FieldError(_("CAS number %(value)s fails its check digit.", value=value))
    return value


def _aliases(value):
    if value is None or isinstance(value, list):
        return value
    return [a for a in re.split(r"[、,，;；/|]", str(value)) if a.strip()]


def _unique_media(value: list[str]) -> list[str]:
    if not value:
        raise FieldError(_("Give at least one medium: air or water."))
    return sorted(set(value))


Cas = Annotated[str | None, BeforeValidator(halfwidth), AfterValidator(_cas)]


class SubstanceIn(BaseModel):
    """A risk substance of HJ 941-2018 Appendix A (or a hazard-category row)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    cas: Cas = None
    aliases: Annotated[list[Annotated[str, Field(min_length=1, max_length=60)]] | None,
                       BeforeValidator(_aliases)] = None
    critical_quantity_t: float = Field(gt=0, le=1_000_000)
    media: Annotated[list[Medium], AfterValidator(_unique_media)]
    part: int | None = Field(None, ge=1, le=8)
    category: str | None = Field(None, max_length=200)
    source: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _water_parts(self):
        # HJ 941-2018 §7.1: water counts every substance of parts 3–8 (and the
        # water-soluble or water-reactive ones of parts 1–2, marked row by row).
        if self.part is not None and self.part >= 3 and "water" not in self.media:
            raise ValueError(_("Substances of parts 3–8 of Appendix A count in water "
                               "(HJ 941-2018 §7.1): add water to the media."))
        return self


class SubstancePatch(BaseModel):
    """Change some fields of a substance; absent fields stay as they are."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    cas: Cas = None
    aliases: Annotated[list[Annotated[str, Field(min_length=1, max_length=60)]] | None,
                       BeforeValidator(_aliases)] = None
    critical_quantity_t: float | None = Field(None, gt=0, le=1_000_000)
    media: Annotated[list[Medium], AfterValidator(_unique_media)] | None = None
    part: int | None = Field(None, ge=1, le=8)
    category: str | None = Field(None, max_length=200)
    source: str | None = Field(None, max_length=500)


class SubstanceQuery(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    q: str | None = Field(None, max_length=100)


# --- the inventory -------------------------------------------------------------------

class ProcessUnits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    listed: int = Field(0, ge=0, le=100)  # listed hazardous process units (10 points each)
    other: int = Field(0, ge=0, le=100)  # other high-temperature/-pressure/flammable (5)


class ControlItem(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    item: str = Field(min_length=1, max_length=200)
    score: float = Field(ge=0, le=70)


class MediumIn(BaseModel):
    """One medium's M sheet and E: ``control_score`` or ``control_items`` (summed);
    ``e`` given, else suggested; a given E that differs from the suggestion needs
    ``e_reason``. Air may carry the population within 5 km / 500 m and its source."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    process_units: ProcessUnits = Field(default_factory=ProcessUnits)
    control_score: float | None = Field(None, ge=0, le=70)
    control_items: list[ControlItem] | None = None
    e: EClass | None = None
    e_reason: str | None = Field(None, max_length=500)
    population_5km: int | None = Field(None, ge=0, le=100_000_000)
    population_500m: int | None = Field(None, ge=0, le=100_000_000)
    population_source: str | None = Field(None, max_length=300)

    @model_validator(mode="after")
    def _one_control(self):
        if self.control_score is not None and self.control_items is not None:
            raise ValueError(_("Give control_score or control_items, not both."))
        if self.control_items is not None and sum(i.score for i in self.control_items) > 70:
            raise ValueError(_("The control items add up to more than 70 points."))
        return self

    def control_total(self) -> float:
        if self.control_items is not None:
            return float(sum(i.score for i in self.control_items))
        return float(self.control_score or 0)


class InventoryLine(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    substance_id: Id
    max_quantity_t: float = Field(gt=0, le=10_000_000)
    storage: str | None = Field(None, max_length=200)


class InventoryIn(BaseModel):
    """``PUT /enterprises/{id}/risk-inventory`` and the inventory form."""

    model_config = ConfigDict(extra="forbid")

    substances: list[InventoryLine] = Field(default_factory=list, max_length=500)
    air: MediumIn = Field(default_factory=MediumIn)
    water: MediumIn = Field(default_factory=MediumIn)
    penalised: bool = False
