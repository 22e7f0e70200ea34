"""Inventory domain types: activity, factor and result rows, estimates, notation keys, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

import pandas as pd

# Long activity table (DESIGN.md "Frames are long"); `uncertainty_pct` and `activity_id` optional.
ACTIVITY_COLUMNS: tuple[str, ...] = ("region_code", "year", "category", "item", "value", "unit")

# One row per reported emission: the EmissionResult schema as a frame.  `factor_ids` and
# `activity_ids` are "|"-joined id lists so the frame stays flat for storage and export.
RESULT_COLUMNS: tuple[str, ...] = (
    "region_code",
    "year",
    "category",
    "item",
    "gas",
    "emissions_t",
    "activity_value",
    "activity_unit",
    "method",
    "factor_ids",
    "activity_ids",
    "memo",
    "notation",
)
ID_SEPARATOR = "|"

# Memo items outside the IPCC 2006 code list.  The provincial guideline reports the CO2 of net
# imported electricity (and heat) as an information item; the intensity-target calibre adds it.
NET_IMPORTED_ELECTRICITY = "memo.net_imported_electricity"
NET_IMPORTED_HEAT = "memo.net_imported_heat"
# IPCC 2006 Vol.2 Ch.1 Table 1.1 / Ch.8 reporting tables: international bunkers are memo items.
BUNKER_CATEGORIES: tuple[str, ...] = ("1.A.3.a.i", "1.A.3.d.i")


class NotationKey(StrEnum):
    """Notation keys of IPCC 2006 Vol.1 Ch.8 Table 8.2 (清单报告注释符号)."""

    NO = "NO"  # not occurring
    NE = "NE"  # not estimated
    NA = "NA"  # not applicable
    IE = "IE"  # included elsewhere
    C = "C"  # confidential


class Calibre(StrEnum):
    """The two accounting calibres shown side by side (核算口径)."""

    TERRITORIAL = "territorial"  # full inventory, all gases, CO2e under an explicit GWP set
    ENERGY_CO2 = "energy_co2"  # 能源活动二氧化碳 incl. net imported electricity and heat


class BalanceFlow(StrEnum):
    """Energy-balance flows the IPCC reference approach needs (Vol.2 Ch.6 Eq.6.1-6.2)."""

    PRODUCTION = "production"
    IMPORTS = "imports"  # for a region: imports plus inflows from other provinces (调入)
    EXPORTS = "exports"  # exports plus outflows (调出)
    BUNKERS = "bunkers"  # international bunkers
    STOCK_CHANGE = "stock_change"  # positive = stock build (increase), as IPCC signs it
    NON_ENERGY_USE = "non_energy_use"  # feedstock and non-energy use: excluded carbon


@runtime_checkable
class FactorLike(Protocol):
    """What the engine reads from a factor (kernel `Factor` satisfies it)."""

    @property
    def id(self) -> str: ...  # noqa: D102

    @property
    def value(self) -> float: ...  # noqa: D102

    @property
    def unit(self) -> str: ...  # noqa: D102

    @property
    def uncertainty_pct(self) -> float | None: ...  # noqa: D102


class FactorLookup(Protocol):
    """The lookup side of the kernel `FactorLibrary` (iface A2); raises NotFound when absent.

    The engine passes ``variant=`` (technology, climate class, cement type …) only when a
    variant is chosen; the kernel library accepts it, a library without variants need not.
    """

    def lookup(
        self,
        *,
        item: str,
        parameter: str,
        gas: str | None = None,
        category: str | None = None,
        region_code: str | None = None,
        year: int | None = None,
    ) -> FactorLike: ...


@dataclass(frozen=True)
class ActivityRecord:
    """One activity-data row (活动水平数据): an item's quantity in a category, region, year."""

    region_code: str
    year: int
    category: str
    item: str
    value: float
    unit: str
    uncertainty_pct: float | None = None
    id: str | None = None


@dataclass(frozen=True)
class FactorValue:
    """A factor value with its id, unit and 95 % half-width uncertainty (satisfies FactorLike)."""

    id: str
    value: float
    unit: str
    uncertainty_pct: float | None = None


@dataclass(frozen=True)
class EmissionResult:
    """One emission result row with its lineage (which inputs, factors and method made it)."""

    region_code: str
    year: int
    category: str
    item: str
    gas: str
    emissions_t: float
    method: str
    factor_ids: tuple[str, ...] = ()
    activity_ids: tuple[str, ...] = ()
    activity_value: float | None = None
    activity_unit: str | None = None
    memo: bool = False
    notation: NotationKey | None = None

    @classmethod
    def from_row(cls, row: pd.Series | dict) -> EmissionResult:
        """Read one row of a result frame (RESULT_COLUMNS)."""
        get = row.get

        def ids(text: object) -> tuple[str, ...]:
            if not isinstance(text, str) or not text:
                return ()
            return tuple(text.split(ID_SEPARATOR))

        notation = get("notation")
        activity_value = get("activity_value")
        return cls(
            region_code=str(get("region_code")),
            year=int(get("year")),
            category=str(get("category")),
            item=str(get("item")),
            gas=str(get("gas")),
            emissions_t=float(get("emissions_t")),
            method=str(get("method")),
            factor_ids=ids(get("factor_ids")),
            activity_ids=ids(get("activity_ids")),
            activity_value=None if pd.isna(activity_value) else float(activity_value),
            activity_unit=get("activity_unit") or None,
            memo=bool(get("memo")),
            notation=NotationKey(notation) if isinstance(notation, str) and notation else None,
        )

    def to_row(self) -> dict[str, object]:
        """The row of a result frame for this result."""
        return {
            "region_code": self.region_code,
            "year": self.year,
            "category": self.category,
            "item": self.item,
            "gas": self.gas,
            "emissions_t": self.emissions_t,
            "activity_value": self.activity_value,
            "activity_unit": self.activity_unit,
            "method": self.method,
            "factor_ids": ID_SEPARATOR.join(self.factor_ids),
            "activity_ids": ID_SEPARATOR.join(self.activity_ids),
            "memo": self.memo,
            "notation": self.notation.value if self.notation else None,
        }


_RESULT_DTYPES = {"year": "int64", "emissions_t": "float64", "activity_value": "float64",
                  "memo": "bool"}


def empty_rows() -> pd.DataFrame:
    """A result frame with no rows and the RESULT_COLUMNS."""
    return pd.DataFrame({c: pd.Series(dtype=_RESULT_DTYPES.get(c, object)) for c in RESULT_COLUMNS})


@dataclass(frozen=True)
class Estimate:
    """Result rows plus the terms that generate them, for uncertainty analysis.

    Every numeric row is a sum of terms; a term is a central value (t of the row's gas) times
    the relative multipliers of its uncertain sources (activity rows and factors).  Sources are
    keyed by id, so one factor used in many rows, regions and years is one random draw
    (IPCC 2006 Vol.1 Ch.3 §3.2.3: correlated inputs share a draw).

    Attributes
    ----------
    rows
        RESULT_COLUMNS, one row per (region, year, category, item, gas).
    terms
        ``term`` (int), ``row`` (position in `rows`), ``coefficient_t`` (float).
    links
        ``term``, ``source``: which sources multiply each term.
    sources
        ``source`` (key: ``"a:<activity id>"`` or ``"f:<factor id>"``), ``kind``
        ("activity" or "factor"), ``uncertainty_pct`` (95 % half-width, % of the value; NaN when
        unknown).
    """

    rows: pd.DataFrame = field(default_factory=empty_rows)
    terms: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"term": pd.Series(dtype="int64"), "row": pd.Series(dtype="int64"),
             "coefficient_t": pd.Series(dtype="float64")}
        )
    )
    links: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"term": pd.Series(dtype="int64"), "source": pd.Series(dtype=object)}
        )
    )
    sources: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"source": pd.Series(dtype=object), "kind": pd.Series(dtype=object),
             "uncertainty_pct": pd.Series(dtype="float64")}
        )
    )


@dataclass(frozen=True, eq=False)
class InventoryOptions:
    """Choices a compilation needs beyond activity and factors (each has a documented default).

    Attributes
    ----------
    biomass_items
        Fuel items whose combustion CO2 is a memo item; None = the engine's default list.
    combustion_gases
        Gases estimated for fuel combustion.
    cement_tier
        1 (EF 0.52 incl. CKD) or 2 (plant CaO content × CKD correction).
    manure_systems
        ``item, system, share`` [, ``region_code``]; None reports manure N2O as NE.
    rice_pre_season_item, rice_organic_amendments
        Rice: the SFp variant and organic amendments (t/ha by CFOA variant), IPCC 2006 Vol.4
        Tables 5.13-5.14.
    soil_leaching
        Whether leaching/runoff occurs (Vol.4 Eq.11.10).
    landfill_years
        Emission years for the landfill FOD model; None = every year of the deposit series.
    variants
        Variant choices for factors the activity rows do not determine, keyed
        ``"<item>/<parameter>"`` or ``"<parameter>"`` (see `calc.activity.FactorCache`).
    """

    biomass_items: frozenset[str] | None = None
    combustion_gases: tuple[str, ...] = ("CO2", "CH4", "N2O")
    cement_tier: int = 1
    manure_systems: pd.DataFrame | None = None
    rice_pre_season_item: str | None = None
    rice_organic_amendments: dict[str, float] | None = None
    soil_leaching: bool = True
    landfill_years: tuple[int, ...] | None = None
    variants: dict[str, str] | None = None
