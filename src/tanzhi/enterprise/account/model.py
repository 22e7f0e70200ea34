"""Types of enterprise emissions accounting (issue #12 item 2): source kinds, grid choice, result.

An enterprise-period's reported data is one long frame (`INPUT_COLUMNS`); `account_report`
turns it into an `AccountResult`: one row per input line and gas with the factors behind it
(lineage), totals per source kind, CO2e under the GWP set named for the report, and findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from tanzhi.kernel import Finding, Severity


class SourceKind(StrEnum):
    """Emission source kinds of GB/T 32150-2015 §7 that an enterprise report carries."""

    COMBUSTION = "combustion"  # 化石燃料燃烧排放
    PROCESS = "process"  # 工业生产过程排放
    ELECTRICITY = "electricity"  # 购入电力产生的排放
    HEAT = "heat"  # 购入热力产生的排放
    GREEN_POWER = "green_power"  # 绿色电力（有证书的扣减）


SOURCE_KIND_ZH = {
    SourceKind.COMBUSTION: "化石燃料燃烧",
    SourceKind.PROCESS: "工业生产过程",
    SourceKind.ELECTRICITY: "购入电力",
    SourceKind.HEAT: "购入热力",
    SourceKind.GREEN_POWER: "绿色电力扣减",
}
# Names a form or template may use for a source kind (Chinese labels of GB/T 32150).
SOURCE_KIND_ALIASES = {
    **{k.value: k for k in SourceKind},
    **{zh: k for k, zh in SOURCE_KIND_ZH.items()},
    "燃料燃烧": SourceKind.COMBUSTION, "过程排放": SourceKind.PROCESS,
    "外购电力": SourceKind.ELECTRICITY, "外购热力": SourceKind.HEAT, "绿电": SourceKind.GREEN_POWER,
}


class GridBasis(StrEnum):
    """Which published electricity factor series serves purchased electricity."""

    LOCATION = "location"  # MEE/NBS average (grid_average_ef): national, regional or provincial
    RESIDUAL_MIX = "residual_mix"  # MEE/NBS national factor excluding market-traded non-fossil
    ETS = "ets"  # carbon-market reporting factor (ets_grid_ef, 0.5703 t/MWh from 2022)


GRID_PARAMETER = {
    GridBasis.LOCATION: "grid_average_ef",
    GridBasis.RESIDUAL_MIX: "grid_ef_excl_market_nonfossil",
    GridBasis.ETS: "ets_grid_ef",
}


@dataclass(frozen=True)
class GridFactors:
    """The electricity factor choice of one report.

    Parameters
    ----------
    basis
        `GridBasis`: location-based average (default), residual mix (for a firm that buys green
        power: its other electricity at the factor that leaves traded non-fossil power out), or
        the carbon-market reporting factor.
    region_code
        ``000000`` (national, default), ``GRID-EC`` (East China grid) or a province code such as
        ``330000``; a factor is taken for the most specific region published
        (`tanzhi.kernel.region_chain`).
    factor_year
        Data year of the factor.  None: the report year, or — as MEE publishes factors two years
        late — the latest earlier year published, which the result names in a finding.
    """

    basis: GridBasis = GridBasis.LOCATION
    region_code: str = "000000"
    factor_year: int | None = None


# Input columns: required, then optional.  Measured parameters override the library default
# (GB/T 32150-2015 §6: measured values take precedence) and the result says which was used.
REQUIRED_COLUMNS = ("source_kind", "item", "quantity", "unit")
OPTIONAL_COLUMNS = (
    "facility",
    "ncv", "ncv_unit",  # combustion: measured NCV; unit default GJ/t (mass), GJ/万立方米 (volume)
    "carbon_content", "carbon_content_unit",  # combustion: per heat, unit default t C/TJ
    "oxidation",  # combustion: fraction 0–1
    "purity",  # process carbonates: carbonate mass fraction 0–1 (default 1, conservative)
    "carbon_fraction",  # process carbon balance (raw meal non-fuel carbon): t C per t, 0–1
    "cao_fraction", "mgo_fraction",  # cement clinker: measured CaO, MgO (carbonate-derived)
    "abatement",  # adipic acid: fraction of generated N2O destroyed, 0–1 (default 0)
    "variant",  # process: technology class where factors differ (nitric-acid plant type)
    "evidence",  # reference to an evidence file (green power: the certificate)
)
INPUT_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Columns of `AccountResult.lines` (one row per input line and gas).
LINE_COLUMNS = (
    "row", "source_kind", "facility", "item", "quantity", "unit", "gas", "emissions_t",
    "co2e_t", "memo", "method", "factor_ids", "measured", "provisional", "evidence",
)
# Columns of `AccountResult.parameters` (lineage: every parameter that entered a line).
PARAMETER_COLUMNS = ("row", "parameter", "value", "unit", "origin", "factor_id", "provisional")


@dataclass
class AccountResult:
    """Emissions of one enterprise-period.

    Attributes
    ----------
    lines
        One row per input line and gas (`LINE_COLUMNS`): ``row`` is the input's spreadsheet row
        (header = 1); ``emissions_t`` t of gas, negative for a deduction (green power with a
        certificate, carbon fixed in products); ``memo`` rows (biomass CO2) are reported and left
        out of totals; ``measured`` names the measured parameters used ('|'-joined).
    parameters
        Lineage (`PARAMETER_COLUMNS`): every parameter value used, ``origin`` ``measured`` or
        ``default``, with the factor id and its provisional mark.
    totals
        CO2e (t) per source kind, with the per-gas tonnes as columns; memo rows left out.
    findings
        `check_*` findings (green power without certificate, provisional defaults, …).
    """

    gwp: str
    year: int
    lines: pd.DataFrame
    parameters: pd.DataFrame
    totals: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)

    @property
    def total_co2e_t(self) -> float:
        """Total emissions of the report, t CO2e (memo rows excluded, deductions included)."""
        return float(self.totals["co2e_t"].sum()) if not self.totals.empty else 0.0

    def total_for(self, kind: SourceKind | str) -> float:
        """CO2e of one source kind (0 when the report has none)."""
        hit = self.totals.loc[self.totals["source_kind"] == SourceKind(kind).value, "co2e_t"]
        return float(hit.sum())

    def errors(self) -> list[Finding]:
        """Findings of severity error (a report with any should not be submitted)."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (for the API and stored report versions)."""
        return {
            "gwp": self.gwp,
            "year": self.year,
            "total_co2e_t": self.total_co2e_t,
            "totals": self.totals.to_dict("records"),
            "lines": self.lines.to_dict("records"),
            "parameters": self.parameters.to_dict("records"),
            "findings": [
                {"code": f.code, "severity": f.severity.value, "message_zh": f.message_zh,
                 "message_en": f.message_en, "row": f.location.row, "column": f.location.column,
                 "context": dict(f.context)}
                for f in self.findings
            ],
        }


@dataclass(frozen=True)
class Line:
    """One validated input line (``row`` is its spreadsheet row, header = 1)."""

    row: int
    kind: SourceKind
    item: str  # as written; each calc resolves it to a canonical item
    quantity: float
    unit: str
    facility: str = ""
    variant: str = ""
    evidence: str = ""
    measured: dict[str, float] = field(default_factory=dict)  # column → value
    measured_units: dict[str, str] = field(default_factory=dict)  # column → unit written


@dataclass(frozen=True)
class ParameterUse:
    """One parameter that entered a line's emissions (a lineage row)."""

    row: int
    parameter: str
    value: float
    unit: str
    origin: str  # "measured" or "default"
    factor_id: str = ""
    provisional: bool = False


@dataclass(frozen=True)
class GasEmission:
    """Emissions of one gas from one line."""

    row: int
    gas: str
    emissions_t: float
    method: str
    memo: bool = False


@dataclass
class LineAccount:
    """What a calc module returns for one line: gas rows, the parameters used, findings."""

    gases: list[GasEmission] = field(default_factory=list)
    parameters: list[ParameterUse] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
