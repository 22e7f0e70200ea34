"""100-year global warming potentials (SAR, AR4, AR5, AR6) and CO2-equivalent conversion.

Values come from the `globalwarmingpotentials` package (openclimatedata, CC0), the same source
openscm-units builds its GWP contexts from, so ``to_co2e`` and a pint conversion such as
``ur("1 t CH4").to("t CO2", "AR5GWP100")`` always agree.  The IPCC tables behind each set are
named in ``src/tanzhi/data/gwp/<edition>/meta.yaml``:

* SAR — IPCC 1995 WG1 Table 2.9 (used by the NDRC enterprise guidelines and the 2011 provincial
  inventory guideline: CH4 21, N2O 310);
* AR4 — IPCC 2007 WG1 Table 2.14;
* AR5 — IPCC 2013 WG1 Table 8.A.1, without climate-carbon feedbacks (China's first BTR);
* AR6 — IPCC 2021 WG1 Table 7.SM.7.

There is deliberately no default set: every call names one (DESIGN.md, "gwp always explicit"), and
stored results keep each gas separately so CO2e can be recomputed under any set.

AR6 methane: the package (Table 7.SM.7) gives one CH4 value, 27.9, with no split by origin.  AR6
Table 7.15 also quotes 29.8 for fossil and 27.0 for non-fossil CH4; tanzhi uses 27.9 for all CH4,
because inventories report fossil CH4 as CH4 without adding the CO2 of its later oxidation by
default, and the single value is what the required source gives.  A user needing the fossil value
converts with their own factor set; the choice is recorded in the dataset meta.yaml.
"""

from __future__ import annotations

from functools import lru_cache

import globalwarmingpotentials
import pandas as pd

from tanzhi.kernel.errors import DataError, Location, Problem

GWP_SETS = ("SAR", "AR4", "AR5", "AR6")

# The package's metric names; TAR and the 20/500-year metrics are not offered because no Chinese
# reporting rule uses them.
PACKAGE_METRICS = {
    "SAR": "SARGWP100",
    "AR4": "AR4GWP100",
    "AR5": "AR5GWP100",
    "AR6": "AR6GWP100",
}

# Chinese names of the gases the Kyoto basket and Chinese guidelines name; the canonical gas id
# is the package's (and openscm-units') species name.
GAS_NAMES_ZH = {
    "CO2": "二氧化碳",
    "CH4": "甲烷",
    "N2O": "氧化亚氮",
    "HFC23": "三氟甲烷",
    "HFC32": "二氟甲烷",
    "HFC125": "五氟乙烷",
    "HFC134a": "1,1,1,2-四氟乙烷",
    "HFC143a": "1,1,1-三氟乙烷",
    "HFC152a": "1,1-二氟乙烷",
    "HFC227ea": "七氟丙烷",
    "HFC245fa": "五氟丙烷",
    "CF4": "四氟化碳",
    "C2F6": "六氟乙烷",
    "SF6": "六氟化硫",
    "NF3": "三氟化氮",
}


@lru_cache(maxsize=1)
def gwp_table() -> pd.DataFrame:
    """GWP100 of every gas the package lists under SAR/AR4/AR5/AR6 (CO2 = 1), one column a set.

    Examples
    --------
    >>> gwp_table().loc["CH4", ["SAR", "AR4", "AR5", "AR6"]].tolist()
    [21.0, 25.0, 28.0, 27.9]
    """
    columns = {}
    for name, metric in PACKAGE_METRICS.items():
        values = dict(globalwarmingpotentials.data[metric])
        values["CO2"] = 1.0
        columns[name] = values
    table = pd.DataFrame(columns)
    table.index.name = "gas"
    return table.sort_index()


def package_version() -> str:
    """Version of the installed `globalwarmingpotentials` package."""
    return str(globalwarmingpotentials.__version__)


def _squash(text: str) -> str:
    return "".join(ch for ch in text.strip().lower() if ch not in "-_ ")


@lru_cache(maxsize=1)
def _gas_lookup() -> dict[str, str]:
    lookup = {_squash(gas): gas for gas in gwp_table().index}
    for gas, zh in GAS_NAMES_ZH.items():
        lookup[_squash(zh)] = gas
    return lookup


def canonical_gas(gas: str, *, location: Location | None = None) -> str:
    """The canonical species name of a gas: ``"HFC-134a"`` → ``"HFC134a"``, ``"甲烷"`` → ``"CH4"``.

    Raises
    ------
    DataError
        The gas is not in any of the four GWP sets.

    Examples
    --------
    >>> canonical_gas("hfc-23"), canonical_gas("六氟化硫")
    ('HFC23', 'SF6')
    """
    found = _gas_lookup().get(_squash(str(gas)))
    if found is None:
        raise DataError(
            Problem(
                f"未知温室气体“{gas}”（不在 SAR/AR4/AR5/AR6 GWP 表中）",
                f"unknown greenhouse gas '{gas}' (not in the SAR/AR4/AR5/AR6 GWP tables)",
                location or Location(),
            )
        )
    return found


def canonical_set(gwp: str) -> str:
    """Normalise a GWP set name (``"ar5"``, ``"AR5GWP100"`` → ``"AR5"``); DataError if unknown."""
    text = str(gwp or "").strip().upper().removesuffix("GWP100")
    if text not in GWP_SETS:
        raise DataError(
            Problem(
                f"未知 GWP 取值集“{gwp}”，可选：{', '.join(GWP_SETS)}（必须明确指定，无默认值）",
                f"unknown GWP set '{gwp}'; choose one of {', '.join(GWP_SETS)} "
                "(there is no default)",
            )
        )
    return text


def gwp_value(gas: str, gwp: str) -> float:
    """The 100-year GWP of `gas` under set `gwp` (one of ``GWP_SETS``).

    Raises
    ------
    DataError
        Unknown gas or set, or the set gives no value for the gas (e.g. NF3 under SAR).

    Examples
    --------
    >>> gwp_value("CH4", "AR5"), gwp_value("N2O", "SAR"), gwp_value("SF6", "AR6")
    (28.0, 310.0, 25200.0)
    """
    name = canonical_set(gwp)
    species = canonical_gas(gas)
    value = gwp_table().loc[species, name]
    if pd.isna(value):
        raise DataError(
            Problem(
                f"{name} 未给出 {species} 的 GWP 值",
                f"{name} gives no GWP value for {species}",
            )
        )
    return float(value)


def to_co2e(
    frame: pd.DataFrame, gwp: str, *, gas_col: str = "gas", value_col: str = "emissions_t"
) -> pd.Series:
    """CO2-equivalent of each row of a long frame (one gas per row), under the named GWP set.

    The frame itself is not changed: stored results keep gases separate and CO2e is derived on
    demand, so the same result can be shown under SAR, AR5 or AR6.

    Raises
    ------
    DataError
        Listing every row whose gas is unknown or has no value in the chosen set.

    Examples
    --------
    >>> df = pd.DataFrame({"gas": ["CO2", "CH4", "N2O"], "emissions_t": [100.0, 2.0, 1.0]})
    >>> to_co2e(df, "AR5").tolist()
    [100.0, 56.0, 265.0]
    """
    name = canonical_set(gwp)
    factors: dict[object, float] = {}
    problems: list[Problem] = []
    for position, gas in enumerate(frame[gas_col].tolist()):
        if gas in factors:
            continue
        try:
            factors[gas] = gwp_value(str(gas), name)
        except DataError as exc:
            for problem in exc.problems:
                # Row numbers follow the spreadsheet convention (header = row 1).
                problem.location = Location(row=position + 2, column=gas_col)
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    weights = frame[gas_col].map(factors).astype(float)
    result = frame[value_col].astype(float) * weights
    result.name = f"co2e_{name.lower()}"
    return result
