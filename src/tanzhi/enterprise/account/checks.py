"""Findings on an accounted report (`check_*`): what a reviewer or verifier must look at.

Each check takes the validated lines and the accounted rows and returns `Finding`s; none
changes a number.  Codes are stable (``enterprise.account.*``).
"""

from __future__ import annotations

import pandas as pd

from tanzhi.enterprise.account.model import Line, SourceKind
from tanzhi.kernel import Finding, Location, Severity

# Carbon content per heat of fossil fuels spans about 12 (blast-furnace gas excepted: ~70)
# to 30 t C/TJ (IPCC 2006 Vol.2 Table 1.3 lower/upper bounds, coke-oven gas 12.1 … coke 29.2;
# blast-furnace gas 70.8): a measured value outside 10–75 is most likely a unit slip.
CARBON_CONTENT_RANGE_T_PER_TJ = (10.0, 75.0)


def check_green_power(lines: list[Line]) -> list[Finding]:
    """A green-power line without certificate evidence is not deducted (error finding)."""
    return [
        Finding("enterprise.account.green_power_without_certificate", Severity.ERROR,
                f"绿色电力 {line.quantity:g} {line.unit} 未附绿证/交易凭证，未予扣减",
                f"green power {line.quantity:g} {line.unit} has no certificate as evidence and "
                "is not deducted", Location(row=line.row, column="evidence"))
        for line in lines if line.kind is SourceKind.GREEN_POWER and not line.evidence
    ]


def check_green_power_share(rows: pd.DataFrame) -> list[Finding]:
    """The deducted green power cannot exceed the purchased electricity it is part of."""
    bought = rows.loc[rows["source_kind"] == SourceKind.ELECTRICITY.value, "emissions_t"].sum()
    green = -rows.loc[rows["source_kind"] == SourceKind.GREEN_POWER.value, "emissions_t"].sum()
    if green > bought + 1e-9:
        return [Finding(
            "enterprise.account.green_power_exceeds_purchase", Severity.ERROR,
            f"绿色电力扣减 {green:.4g} tCO2 超过购入电力排放 {bought:.4g} tCO2"
            "（绿电应计入购入电力）",
            f"green-power deduction {green:.4g} t CO2 exceeds purchased-electricity emissions "
            f"{bought:.4g} t CO2 (green power is part of the electricity bought)",
            context={"green_t": float(green), "purchased_t": float(bought)})]
    return []


def check_provisional_defaults(parameters: pd.DataFrame) -> list[Finding]:
    """Defaults used that the factor library marks provisional (not read in a primary text)."""
    used = parameters[(parameters["origin"] == "default") & parameters["provisional"]]
    out = []
    for factor_id, group in used.groupby("factor_id", sort=True):
        rows = sorted(int(r) for r in group["row"].unique())
        out.append(Finding(
            "enterprise.account.provisional_default", Severity.WARNING,
            f"第 {'、'.join(map(str, rows))} 行采用的缺省因子 {factor_id} 为待核实值"
            "（未在原始文本中核对）",
            f"rows {', '.join(map(str, rows))} use default {factor_id}, marked provisional "
            "(not yet checked against the primary text)",
            context={"factor_id": str(factor_id), "rows": rows}))
    return out


def check_carbon_content(parameters: pd.DataFrame) -> list[Finding]:
    """A measured carbon content far outside fossil fuels' range (likely a unit slip)."""
    low, high = CARBON_CONTENT_RANGE_T_PER_TJ
    cc = parameters[(parameters["parameter"] == "carbon_content")
                    & (parameters["origin"] == "measured")]
    out = []
    for record in cc.to_dict("records"):
        per_tj = float(record["value"]) * 1000.0  # stored in t C/GJ
        if not low <= per_tj <= high:
            out.append(Finding(
                "enterprise.account.carbon_content_range", Severity.WARNING,
                f"实测单位热值含碳量 {per_tj:.4g} tC/TJ 超出化石燃料常见范围 "
                f"{low:g}–{high:g}，请核对单位（tC/TJ 与 tC/GJ 差 1000 倍）",
                f"measured carbon content {per_tj:.4g} t C/TJ is outside "
                f"fossil fuels' range {low:g}–{high:g}; check the unit (t C/TJ vs t C/GJ)",
                Location(row=int(record["row"]), column="carbon_content")))
    return out
