"""Value types of the carbon efficiency code (碳效码, issue #12 item 4): rule set and columns.

The rule set is data (``src/tanzhi/data/carbon-efficiency-rules/<edition>/``): thresholds of the
L bands and K grades, the band × grade → category matrix and the GB/T 4754-2017 division →
industry group table.  These pydantic models validate it; `tanzhi.enterprise.grade.rules` loads
it and turns validation failures into located errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The CLI contract (README "Enterprise carbon efficiency grading"): input columns in this order.
INPUT_COLUMNS: tuple[str, ...] = (
    "credit_code", "industry", "region_code", "period", "energy_co2_t",
    "zero_carbon_electricity_co2_t", "sink_co2_t", "value_added_10k_yuan",
)
TEXT_COLUMNS: tuple[str, ...] = INPUT_COLUMNS[:4]
NUMBER_COLUMNS: tuple[str, ...] = INPUT_COLUMNS[4:]

# Columns the grading adds, in output order.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "industry_group", "net_co2_t", "l_value", "band", "band_en",
    "industry_l", "industry_mean_l", "industry_p25_l", "industry_firms",
    "k_value", "grade", "category", "category_en",
    "l_previous", "l_yoy_decline", "county_co2_t", "county_share",
)


class Band(BaseModel):
    """One L band: values up to `max` (inclusive) above the previous band's max."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z_]+$")
    name_zh: str
    name_en: str
    max: float | None


class Grade(BaseModel):
    """One K grade: values up to `max` (inclusive) above the previous grade's max."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    grade: int = Field(ge=1)
    max: float | None


class Category(BaseModel):
    """One list an enterprise is put on (低碳高效 …)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z_]+$")
    name_zh: str
    name_en: str


def _check_ladder(maxima: list[float | None], what: str) -> None:
    if not maxima:
        raise ValueError(f"{what}: at least one entry is needed")
    if maxima[-1] is not None:
        raise ValueError(f"{what}: the last entry must have max: null (no upper bound)")
    finite = maxima[:-1]
    if any(m is None for m in finite):
        raise ValueError(f"{what}: only the last entry may have max: null")
    if any(b <= a for a, b in zip(finite, finite[1:], strict=False)):  # type: ignore[operator]
        raise ValueError(f"{what}: max values must rise strictly, got {finite}")


class GradingRules(BaseModel):
    """The ``rules:`` block of a rule-set edition's meta.yaml."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tolerance: float = Field(ge=0, le=1e-3)
    bands: tuple[Band, ...]
    grades: tuple[Grade, ...]
    categories: tuple[Category, ...]
    matrix: dict[str, tuple[str, ...]]

    @model_validator(mode="after")
    def _consistent(self) -> GradingRules:
        _check_ladder([b.max for b in self.bands], "bands")
        _check_ladder([g.max for g in self.grades], "grades")
        if [g.grade for g in self.grades] != list(range(1, len(self.grades) + 1)):
            raise ValueError("grades: numbered 1, 2, 3 … in order")
        band_codes = [b.code for b in self.bands]
        if sorted(self.matrix) != sorted(band_codes):
            raise ValueError(f"matrix: needs one row per band {band_codes}, "
                             f"has {sorted(self.matrix)}")
        known = {c.code for c in self.categories}
        for band, row in self.matrix.items():
            if len(row) != len(self.grades):
                raise ValueError(f"matrix.{band}: needs {len(self.grades)} entries (one per grade)")
            unknown = sorted(set(row) - known)
            if unknown:
                raise ValueError(f"matrix.{band}: unknown categories {unknown}")
        return self

    def category(self, code: str) -> Category:
        """The category with `code`."""
        return next(c for c in self.categories if c.code == code)


@dataclass(frozen=True)
class IndustryGroup:
    """A GB/T 4754-2017 division and the group its benchmark L is computed over."""

    division: str
    section: str
    name_zh: str
    name_en: str
    group: str


@dataclass(frozen=True)
class RuleSet:
    """A loaded, validated rule set: grading rules, industry table, and where they came from."""

    ref: str
    source: str
    rules: GradingRules
    industries: tuple[IndustryGroup, ...]

    def group_of_division(self) -> dict[str, str]:
        """Division code → group code."""
        return {i.division: i.group for i in self.industries}
