"""Build the packaged factor datasets (data/factors/<dataset>/<edition>) from the compendium.

Dev-only; run from the repository root:

    uv run python scripts/build_factors.py [REFERENCE_DIR]

REFERENCE_DIR defaults to /work/shared/reference/factors (fossil_fuels.csv, electricity.csv,
ipcc_defaults.csv; see its README for the V/S/C confidence marks).  Every reference row is either
mapped to exactly one factor or listed under `omitted` in its dataset's meta.yaml with the reason.
Rows marked S or C ship with provisional=true and say why; V rows ship confirmed.  Units the
registry cannot parse are rewritten to an equivalent and the note records the conversion.

The output is committed; the app never runs this.  A correction is a new EDITION.
"""

# ruff: noqa: E501  (long lines here are citations and Chinese labels, kept whole for grep)
from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# Sibling dev modules (the script's folder is on sys.path when run as a script).
from factor_catalogue import (
    COMMON_NOTES,
    DATASETS,
    EXTRA_NOTES,
    GRID_REGION,
    ITEM_ZH,
    ITEMS,
    item_of,
)
from factor_ipcc_rules import ipcc_rule

import factor_editions as editions

EDITION = "2026-11"
RETRIEVED = "2026-11-21"
ROOT = Path(__file__).resolve().parents[1] / "src" / "tanzhi" / "data" / "factors"
DEFAULT_REFERENCE = Path("/work/shared/reference/factors")

COLUMNS = (
    "id", "category", "item", "item_zh", "variant", "variant_zh", "gas", "parameter", "value",
    "unit", "region_code", "year_from", "year_to", "source", "locator", "provisional",
    "uncertainty_pct", "confidence", "note",
)

PROVISIONAL_WHY = {
    "S": "provisional: value quoted by a secondary source, not yet checked against the official text",
    "C": "provisional: lead only (found in code or unattributed material), not confirmed",
    "D": "",
    "V": "",
}

@dataclass
class Out:
    """One factor row being built."""

    dataset: str
    item: str
    parameter: str
    value: float
    unit: str
    gas: str = ""
    category: str = ""
    variant: str = ""
    variant_zh: str = ""
    region_code: str = ""
    year_from: int | None = None
    year_to: int | None = None
    source: str = ""
    locator: str = ""
    confidence: str = "V"
    uncertainty_pct: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        parts = [self.dataset, self.item, self.parameter]
        if self.variant:
            parts.append(self.variant)
        if self.region_code:
            parts.append(self.region_code)
        if self.year_from is not None:
            parts.append(str(self.year_from) if self.year_to == self.year_from
                         else f"{self.year_from}-{self.year_to or ''}")
        return "/".join(parts)


def num(text: str) -> float:
    return float(text.replace(",", ""))


RANGE = re.compile(r"\(\s*(\d+(?:\.\d+)?)\s*(?:[-–]|\s)\s*(\d+(?:\.\d+)?)\s*\)")


def uncertainty(note: str, central: float) -> float | None:
    """Half-width of a stored range, as % of the central value (IPCC ranges are ~95 % intervals)."""
    if "range" not in note or central == 0:
        return None
    match = RANGE.search(note)
    if not match:
        return None
    lo, hi = float(match.group(1)), float(match.group(2))
    if hi <= lo:
        return None
    return round((hi - lo) / 2 / central * 100, 1)


def read(reference: Path, name: str) -> list[dict[str, str]]:
    with (reference / name).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for number, row in enumerate(rows, start=2):
        row["_ref"] = f"{name} row {number}"
    return rows


def src(row: dict[str, str]) -> str:
    return row["source_document"]


# --------------------------------------------------------------------------------------------
# Fossil fuels
# --------------------------------------------------------------------------------------------
FUEL_PARAM = {
    "net_calorific_value": "ncv",
    "standard_coal_coefficient": "standard_coal_coefficient",
    "carbon_content_per_heat": "carbon_content",
    "oxidation_rate": "oxidation",
    "co2_emission_factor_derived": "co2_ef",
    "net_calorific_value_IPCC_default": "ncv",
    "carbon_content_per_heat_IPCC_default": "carbon_content",
}
COMBUSTION = "1.A"


def fuel_unit(row: dict[str, str]) -> tuple[float, str, str]:
    """(value, parseable unit, conversion note) for a fossil-fuel row."""
    value, unit = num(row["value"]), row["unit"].strip()
    direct = {
        "kJ/kg": "kJ/kg", "GJ/t": "GJ/t", "MJ/t": "MJ/t", "kgce/kg": "kgce/kg",
        "tce/t": "tce/t", "tC/TJ": "tC/TJ", "kgCO2/kg": "kgCO2/kg",
    }
    if unit in direct:
        return value, direct[unit], ""
    if unit == "kJ/m3":
        return value, "kJ/m**3", ""
    if unit == "kgce/m3":
        return value, "kgce/m**3", ""
    if unit == "kgCO2/m3":
        return value, "kgCO2/m**3", ""
    if unit == "GJ/10^4 Nm3":
        return value, "GJ/万立方米", "unit 'GJ/10^4 Nm3' written as GJ/万立方米 (standard cubic metres)"
    if unit == "tce/10^4 m3":
        return round(value / 10, 6), "kgce/m**3", (
            f"source {row['value']} tce per 10^4 m3 converted to kgce/m3 (÷10)")
    if unit == "tce/10^4 kWh":
        return round(value / 10, 6), "kgce/kWh", (
            f"source {row['value']} tce per 10^4 kWh converted to kgce/kWh (÷10)")
    if unit == "tce/GJ (百万千焦)":
        return value, "tce/GJ", "source unit tce per 百万千焦 (= GJ)"
    if unit == "10^4 tce per 10^4 t":
        return value, "tce/t", "source unit 10^4 tce per 10^4 t (= tce/t)"
    if unit == "10^4 tce per 10^8 m3":
        return round(value / 10, 6), "kgce/m**3", (
            f"source {row['value']} ×10^4 tce per 10^8 m3 converted to kgce/m3 (÷10)")
    if unit == "10^4 tce per 10^10 kJ":
        return value, "tce/GJ", "source unit 10^4 tce per 10^10 kJ (= tce/GJ)"
    if unit == "10^4 tce per 10^8 kWh":
        return round(value / 10, 6), "kgce/kWh", (
            f"source {row['value']} ×10^4 tce per 10^8 kWh converted to kgce/kWh (÷10)")
    if unit == "%":
        return round(value / 100, 6), "dimensionless", f"source {row['value']} % written as a fraction"
    if unit == "fraction":
        return value, "dimensionless", ""
    if unit.startswith("TJ/Gg"):
        return value, "GJ/t", "source unit TJ/Gg (= GJ/t, mass basis)"
    if unit.startswith("tC/TJ (= kg C/GJ)"):
        return value, "tC/TJ", ""
    if unit == "kcal/kg":
        return value, "kcal_it/kg", (
            "source kcal/kg read as the international-table kilocalorie (4.1868 kJ); the list's own "
            "kJ column uses 4.1816 kJ/kcal (20908/5000), so converting via kcal_it overstates by 0.12 %")
    raise SystemExit(f"unhandled fuel unit {unit!r} in {row['_ref']}")


def fuel_out(dataset: str, row: dict[str, str], *, confidence: str | None = None,
             extra: tuple[str, ...] = ()) -> Out:
    parameter = FUEL_PARAM[row["parameter"]]
    value, unit, conversion = fuel_unit(row)
    out = Out(
        dataset=dataset, item=item_of(row["fuel_zh"]), parameter=parameter, value=value, unit=unit,
        gas="CO2" if parameter == "co2_ef" else "",
        category="" if parameter in {"ncv", "standard_coal_coefficient"} else COMBUSTION,
        source=src(row), locator=row["locator"], confidence=confidence or row["confidence"],
    )
    out.notes += [n for n in (conversion, row["note"], *extra) if n]
    out.notes.append(f"from {row['_ref']}")
    return out


def build_gbt2589(fuels: list[dict[str, str]]) -> tuple[list[Out], list[str]]:
    """GB/T 2589-2008 Annex A / yearbook list: NCV and standard-coal coefficients."""
    ds, outs, omitted = "cn-gbt2589", [], []
    confirmed = {r["fuel_zh"]: r for r in fuels[28:31]}  # NDRC 2016 OM annex copy (V)
    for row in fuels[0:20]:
        extra: tuple[str, ...] = ()
        conf = row["confidence"]
        if row["parameter"] == "net_calorific_value" and row["fuel_zh"] in confirmed:
            conf = "V"
            extra = (f"confirmed by {confirmed[row['fuel_zh']]['source_document']} "
                     f"({confirmed[row['fuel_zh']]['_ref']})",)
        outs.append(fuel_out(ds, row, confidence=conf, extra=extra))
    # kcal list: cleaned coal and other washed coal (their kJ NCVs are V in the OM annex).
    for v_row, kcal_row, coef_row in ((fuels[29], fuels[20], fuels[21]),
                                      (fuels[30], fuels[22], fuels[23])):
        out = fuel_out(ds, v_row)
        out.notes.insert(0, f"{kcal_row['_ref']} ({kcal_row['source_document']}) prints "
                            f"{kcal_row['value']} kcal/kg for the same fuel")
        outs.append(out)
        outs.append(fuel_out(ds, coef_row))
    for slime in fuels[24:26]:
        lo, hi = (num(x) for x in slime["value"].split("-"))
        row = dict(slime, value=str(round((lo + hi) / 2, 5)),
                   parameter=slime["parameter"].removesuffix("_range"))
        out = fuel_out(ds, row, extra=(f"range {slime['value']} {slime['unit']}; central value kept",))
        out.uncertainty_pct = round((hi - lo) / 2 / ((lo + hi) / 2) * 100, 1)
        outs.append(out)
    omitted += [f"{fuels[i]['_ref']}: kcal form of a kJ row already shipped" for i in (26, 27)]
    # Equivalent values forced by the definition of kgce (GB/T 2589-2020 §3: 1 kgce = 29 307.6 kJ).
    for item, value, unit, how in (
        ("electricity", 0.1229, "kgce/kWh",
         "equivalent value (当量值): 3600 kJ/kWh ÷ 29307.6 kJ/kgce = 0.12284, printed 0.1229 in "
         "the yearbook list; the NBS balance table's 1.229 ×10^4 tce per 10^8 kWh agrees"),
        ("heat", 0.03412, "tce/GJ",
         "equivalent value: 1 GJ ÷ 29.3076 GJ/tce = 0.034121 tce/GJ, as the NBS balance table "
         "prints (0.03412); the reporting list rounds it to 0.0341"),
    ):
        out = Out(ds, item, "standard_coal_coefficient", value, unit,
                  source="GB/T 2589-2020《综合能耗计算通则》, definition of kgce (derived)",
                  locator="§3 (1 kgce = 29307.6 kJ); equivalent-value calibre", confidence="D")
        out.notes.append(how)
        outs.append(out)
    return outs, omitted


def build_energy_reporting(fuels: list[dict[str, str]]) -> tuple[list[Out], list[str]]:
    """Enterprise energy-statistics reporting list (S)."""
    outs = []
    for row in fuels[31:41]:
        out = fuel_out("cn-energy-reporting", row)
        if row["fuel_zh"] == "电力":
            out.parameter = "standard_coal_coefficient_generation"
            out.notes.insert(0, "generation-coal-rate (等价值) calibre, not the 当量值 0.1229")
        outs.append(out)
    return outs, []


def build_nbs_balance(fuels: list[dict[str, str]]) -> tuple[list[Out], list[str]]:
    """NBS energy-balance coefficients (C leads)."""
    outs = [fuel_out("cn-nbs-balance", row) for row in fuels[41:59]]
    omitted = [f"{fuels[59]['_ref']}: natural-gas 1.1000 kgce/m3 is only the lower end of a "
               "range whose upper end was not seen; not a usable coefficient"]
    return outs, omitted


def build_prov(fuels: list[dict[str, str]]) -> tuple[list[Out], list[str]]:
    """Provincial inventory guideline family: NCV, carbon content, oxidation, derived CO2 factor."""
    ds, outs, omitted = "cn-prov-2011", [], []
    shipped: dict[tuple[str, str], Out] = {}
    confirmed = {r["fuel_zh"]: r for r in fuels[28:31]}
    # NCVs of the circulated table (same document copy as GB/T 2589 list, rows 0-19).
    for row in fuels[0:20]:
        if row["parameter"] != "net_calorific_value":
            continue
        extra: tuple[str, ...] = ()
        conf = row["confidence"]
        if row["fuel_zh"] in confirmed:
            conf = "V"
            extra = (f"confirmed by {confirmed[row['fuel_zh']]['source_document']} "
                     f"({confirmed[row['fuel_zh']]['_ref']})",)
        out = fuel_out(ds, row, confidence=conf, extra=extra)
        shipped[(out.item, out.parameter)] = out
    for row in (fuels[29], fuels[30]):  # cleaned and other washed coal NCV (V)
        out = fuel_out(ds, row)
        shipped[(out.item, out.parameter)] = out
    for row in fuels[60:90]:  # circulated carbon-content / oxidation / CO2 table (S)
        out = fuel_out(ds, row)
        shipped[(out.item, out.parameter)] = out
    for row in fuels[90:134]:  # SQL seed attributed to the guideline (C)
        item, parameter = item_of(row["fuel_zh"]), FUEL_PARAM[row["parameter"]]
        value, unit, _ = fuel_unit(row)
        have = shipped.get((item, parameter))
        if have is not None:
            same = abs(have.value - value) < 1e-9 and have.unit == unit
            have.notes.append(
                f"a code seed attributed to the guideline ({row['_ref']}, C) "
                + ("agrees" if same else f"gives {row['value']} {row['unit']}"))
            continue
        out = fuel_out(ds, row)
        shipped[(item, parameter)] = out
    outs = list(shipped.values())
    return outs, omitted


def build_ndrc(fuels: list[dict[str, str]], ds: str, rows: range) -> tuple[list[Out], list[str]]:
    outs = [fuel_out(ds, fuels[i]) for i in rows]
    return outs, []


def build_ipcc_energy(fuels: list[dict[str, str]]) -> list[Out]:
    outs = []
    for row in fuels[247:299]:
        out = fuel_out("ipcc-2006", row)
        out.category = COMBUSTION
        outs.append(out)
    ox = fuels[299]
    out = Out("ipcc-2006", "all_fuels", "oxidation", 1.0, "dimensionless", category=COMBUSTION,
              source=src(ox), locator=ox["locator"], confidence=ox["confidence"])
    out.notes += [ox["note"], f"from {ox['_ref']}"]
    outs.append(out)
    return outs


# --------------------------------------------------------------------------------------------
# Electricity and heat
# --------------------------------------------------------------------------------------------
def year_of(scope: str) -> int | None:
    match = re.search(r"data_year=(\d{4})", scope)
    return int(match.group(1)) if match else None


def build_grid(rows: list[dict[str, str]]) -> dict[str, tuple[list[Out], list[str]]]:
    average, ets, footprint, om = [], [], [], []
    params = {
        "grid_average_co2_ef": "grid_average_ef",
        "grid_average_co2_ef_excl_market_nonfossil": "grid_ef_excl_market_nonfossil",
        "fossil_power_co2_ef": "fossil_power_ef",
    }
    for row in rows:
        label, parameter = row["fuel_zh"], row["parameter"]
        year = year_of(row["sector_scope"])
        common = dict(source=src(row), locator=row["locator"], confidence=row["confidence"])
        if parameter in params:
            out = Out("cn-grid-average", "electricity", params[parameter], num(row["value"]),
                      "kgCO2/kWh", gas="CO2", region_code=GRID_REGION[label], year_from=year,
                      year_to=year, **common)
            average.append(out)
        elif parameter == "national_grid_average_ef_for_ETS_reporting":
            if row["confidence"] == "S":
                years, note = (2022, None), ("'2022年度全国电网平均排放因子'; applies from reporting "
                                             "year 2022 until the ministry publishes a new value")
            else:
                years, note = (2021, 2021), ("reporting year 2021 assumed from the lead's attribution "
                                             "to the 2022 reporting notice; not confirmed")
            out = Out("cn-grid-ets", "electricity", "ets_grid_ef", num(row["value"]), "tCO2/MWh",
                      gas="CO2", region_code="000000", year_from=years[0], year_to=years[1],
                      **common)
            out.notes.append(note)
            ets.append(out)
        elif parameter == "electricity_carbon_footprint_factor":
            item = {"全国": "electricity"}.get(label) or item_of(label)
            out = Out("cn-power-footprint", item, "footprint_ef", num(row["value"]), "kgCO2/kWh",
                      gas="CO2e", region_code="000000", year_from=year, year_to=year, **common)
            out.notes.append("CO2-equivalent life-cycle factor: the unit registry has no CO2e "
                             "species, so the unit reads kgCO2/kWh and gas=CO2e says what it is")
            footprint.append(out)
        elif parameter.startswith("OM_emission_factor"):
            three = parameter.endswith("3yr_average")
            y0, y1 = (2012, 2014) if three else (year, year)
            out = Out("cn-grid-om-2016", "electricity", "om_ef_3yr" if three else "om_ef",
                      num(row["value"]), "tCO2/MWh", gas="CO2", region_code=GRID_REGION[label],
                      year_from=y0, year_to=y1, **common)
            out.notes.append("source unit tCO2e/MWh; the OM factor counts CO2 only, written tCO2/MWh")
            om.append(out)
        else:
            raise SystemExit(f"unhandled electricity row {row['_ref']}")
        out.notes += [row["note"], f"scope: {row['sector_scope']}", f"from {row['_ref']}"]
    return {"cn-grid-average": (average, []), "cn-grid-ets": (ets, []),
            "cn-power-footprint": (footprint, []), "cn-grid-om-2016": (om, [])}


def build_heat() -> tuple[list[Out], list[str]]:
    out = Out(
        "cn-heat", "heat", "co2_ef", 0.11, "tCO2/GJ", gas="CO2",
        source=("国家发展改革委 24 个行业《企业温室气体排放核算方法与报告指南（试行）》(2013–2015) "
                "purchased-heat default; restated in GB/T 32150 family (GB/T 32150—2025 §7.5.6–7.5.7 "
                "per code excerpts)"),
        locator="E_heat = AD_heat (GJ) × 0.11 tCO2/GJ (purchased heat default)",
        confidence="C",
    )
    out.notes += [
        "Not seen in a primary text here: reference/notes/anchors-enterprise-citizen.md F9 marks it "
        "as taken from unattributed code excerpts; confirm against a guideline annex",
    ]
    return [out], []


# IPCC 2006 Vol.5 Table 3.1 site classes → the 4.A sub-category they belong to.
SWDS_CATEGORY = {
    "managed_anaerobic": "4.A.1", "managed_semi_aerobic": "4.A.1",
    "unmanaged_deep": "4.A.2", "unmanaged_shallow": "4.A.2", "uncategorised_swds": "4.A.3",
}
CATEGORY = re.compile(r"\b([1-5](?:\.[A-H](?:\.\d{1,2}(?:\.[a-z])?)?)?)\b")


def build_ipcc(defaults: list[dict[str, str]], fuels: list[dict[str, str]]) -> tuple[list[Out], list[str]]:
    outs = build_ipcc_energy(fuels)
    for row in defaults:
        item, parameter, gas, unit, variant, variant_zh, override = ipcc_rule(row)
        value = num(row["value"]) if override is None else override
        match = CATEGORY.search(row["sector_scope"])
        category = SWDS_CATEGORY.get(variant) if parameter == "mcf" and item == "landfill" else None
        out = Out("ipcc-2006", item, parameter, value, unit, gas=gas,
                  category=category or (match.group(1) if match else ""), variant=variant,
                  variant_zh=variant_zh,
                  source=src(row), locator=row["locator"], confidence=row["confidence"],
                  uncertainty_pct=uncertainty(row["note"], value))
        if unit != row["unit"]:
            out.notes.append(f"source unit '{row['unit'] or '(blank)'}' written as {unit}")
        if row["fuel_zh"] != ITEM_ZH[item]:
            out.notes.append(f"reference label {row['fuel_zh']} / {row['fuel_en']}")
        out.notes += [row["note"], f"scope: {row['sector_scope']}", f"from {row['_ref']}"]
        outs.append(out)
    return outs, []


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
def fmt(value: float | None) -> str:
    if value is None:
        return ""
    return repr(float(value)) if value != int(value) else str(int(value)) if abs(value) < 1e15 else repr(value)


def to_row(out: Out) -> dict[str, str]:
    why = PROVISIONAL_WHY[out.confidence]
    notes = ([why] if why else []) + out.notes
    return {
        "id": out.id, "category": out.category, "item": out.item,
        "item_zh": ITEM_ZH[out.item],
        "variant": out.variant, "variant_zh": out.variant_zh, "gas": out.gas,
        "parameter": out.parameter, "value": fmt(out.value), "unit": out.unit,
        "region_code": out.region_code, "year_from": fmt(out.year_from),
        "year_to": fmt(out.year_to), "source": out.source, "locator": out.locator,
        "provisional": "true" if why else "false", "uncertainty_pct": fmt(out.uncertainty_pct),
        "confidence": out.confidence, "note": "; ".join(n.strip().rstrip(".") for n in notes if n.strip()),
    }


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write(dataset: str, rows_csv: bytes, meta: dict, edition: str = EDITION) -> None:
    folder = ROOT / dataset / edition
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.csv").write_bytes(rows_csv)
    meta = {"id": dataset, "edition": edition, **meta,
            "sha256": hashlib.sha256(rows_csv).hexdigest()}
    order = ("id", "edition", "title", "title_zh", "publisher", "document", "locator", "url",
             "retrieved", "licence", "units", "sha256", "notes", "sources", "omitted")
    ordered = {k: meta[k] for k in order if k in meta}
    text = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)
    (folder / "meta.yaml").write_text(text, encoding="utf-8")


def build_items(items: list[tuple[str, str, str, str, tuple[str, ...]]] = ITEMS,
                edition: str = EDITION) -> None:
    rows = [{"item": i, "name_zh": zh, "name_en": en, "kind": kind, "aliases": "|".join(aliases)}
            for i, zh, en, kind, aliases in items]
    names = Counter(n for i, zh, en, _k, al in items for n in {x.lower() for x in (i, zh, en, *al)})
    dup = [n for n, c in names.items() if c > 1]
    if dup:
        raise SystemExit(f"names used by more than one item: {dup}")
    write("items", csv_bytes(rows, ("item", "name_zh", "name_en", "kind", "aliases")), dict(
        title="Canonical activity items of the factor library (fuels, products, animals, waste …)",
        title_zh="排放因子库活动项目目录（燃料、产品、畜禽、废弃物等）及中英文名称、别名",
        publisher="tanzhi",
        document="tanzhi factor library item catalogue",
        locator="one row per item",
        licence="CC0-1.0 (names and ids compiled by tanzhi)",
        units="none",
        notes=["Chinese names follow 《中国能源统计年鉴》 fuel names, GB/T 2589 and the 2006 IPCC "
               "Guidelines' Chinese terms; aliases are the labels the reference compendium and "
               "Chinese statistics use. `aliases` is '|'-separated. Each name maps to one item.",
               "Built by scripts/build_factors.py."],
    ), edition)


def main(argv: list[str]) -> int:
    reference = Path(argv[1]) if len(argv) > 1 else DEFAULT_REFERENCE
    fuels = read(reference, "fossil_fuels.csv")
    grid = read(reference, "electricity.csv")
    defaults = read(reference, "ipcc_defaults.csv")
    built: dict[str, tuple[list[Out], list[str]]] = {
        "cn-gbt2589": build_gbt2589(fuels),
        "cn-energy-reporting": build_energy_reporting(fuels),
        "cn-nbs-balance": build_nbs_balance(fuels),
        "cn-prov-2011": build_prov(fuels),
        "cn-ndrc-2013": build_ndrc(fuels, "cn-ndrc-2013", range(134, 175)),
        "cn-ndrc-2015": build_ndrc(fuels, "cn-ndrc-2015", range(175, 247)),
        "ipcc-2006": build_ipcc(defaults, fuels),
        **build_grid(grid),
        "cn-heat": build_heat(),
    }
    build_items()
    for dataset, (outs, omitted) in built.items():
        ids = Counter(o.id for o in outs)
        dup = [i for i, c in ids.items() if c > 1]
        if dup:
            raise SystemExit(f"{dataset}: duplicate ids {dup}")
        rows = [to_row(o) for o in outs]
        meta = dict(DATASETS[dataset], retrieved=RETRIEVED,
                    notes=EXTRA_NOTES.get(dataset, []) + COMMON_NOTES)
        if omitted:
            meta["omitted"] = omitted
        write(f"{dataset}", csv_bytes(rows, COLUMNS), meta)
        provisional = sum(r["provisional"] == "true" for r in rows)
        sys.stdout.write(f"{dataset}: {len(rows)} factors, {provisional} provisional\n")
    build_second_edition()
    return 0


def build_second_edition() -> None:
    """Edition 2026-12 (scripts/factor_editions.py): corrections and the yearbook fuel list."""
    items = [(i, zh, en, kind, (*aliases, *editions.ALIASES_ADDED.get(i, ())))
             for i, zh, en, kind, aliases in ITEMS] + editions.ITEMS_ADDED
    build_items(items, editions.EDITION_2)
    item_zh = {i: zh for i, zh, *_ in items}
    changes = {
        "cn-prov-2011": "drops blast-furnace-gas carbon content 12.2 tC/TJ (a row mix-up: the "
                        "'other gas' value) and cleaned-coal oxidation 1.0 (an artefact); see omitted",
        "cn-gbt2589": "adds NCVs in the yearbook's units for 其他煤气, 转炉煤气 (per m3), 其他焦化产品 and "
                      "石蜡, derived from standard-coal coefficients by the kgce definition",
        "ipcc-2006": "adds per-fuel carbon content (paraffin waxes; other coking products as coal "
                     "tar) and oxidation 1 (Table 1.4) for paraffin, white spirit, other coking products",
        "ipcc-2006-nonco2": "adds natural gas/LNG (1.A.1, 1.A.2), commercial/institutional (1.A.4.a, "
                            "Table 2.4), residential and agriculture (1.A.4.b/c, Table 2.5) and "
                            "transport (1.A.3, Ch.3 Tables 3.2.2, 3.5.3, 3.6.5)",
    }
    for dataset, change in changes.items():
        rows, meta = editions.read_edition(ROOT, dataset, EDITION)
        omitted = list(meta.get("omitted") or [])
        if dataset == "cn-prov-2011":
            rows, dropped = editions.prov_edition(rows)
            omitted += dropped
        elif dataset == "cn-gbt2589":
            rows = editions.gbt_edition(rows, item_zh)
        elif dataset == "ipcc-2006":
            rows = editions.ipcc_edition(rows, item_zh)
        else:
            rows = editions.nonco2_edition(rows, item_zh)
            meta["title"] = ("IPCC 2006 Tier 1 CH4 and N2O factors for fuel combustion (energy "
                             "industries, manufacturing, other sectors, transport)")
            meta["notes"] = [n for n in meta["notes"] if not n.startswith(("Natural gas and LNG",
                                                                          "Commercial/institutional"))]
        for key in ("id", "edition", "sha256"):
            meta.pop(key, None)
        meta["retrieved"] = "2026-12-03"
        meta["notes"] = [f"Edition {editions.EDITION_2} (issue #9) {change}; everything else as "
                         f"edition {EDITION}."] + list(meta.get("notes") or [])
        if omitted:
            meta["omitted"] = omitted
        data = editions.rows_csv(rows, COLUMNS)
        write(dataset, data, meta, editions.EDITION_2)
        provisional = sum(r["provisional"] == "true" for r in rows)
        sys.stdout.write(f"{dataset} {editions.EDITION_2}: {len(rows)} factors, "
                         f"{provisional} provisional\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
