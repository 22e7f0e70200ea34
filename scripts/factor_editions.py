"""Edition 2026-12 of the factor library: corrections and the yearbook fuel list (issue #9).

Dev-only, imported by scripts/build_factors.py, which first rebuilds edition 2026-11 unchanged
(published editions are never edited) and then writes the datasets listed here as edition
2026-12.  Each change is a row added or a row dropped, and every drop is listed under `omitted`
in the new edition's meta.yaml with its reason.

What changes (issue #9, deliverables 4 and 9):

- cn-prov-2011: drops blast-furnace-gas carbon content 12.2 tC/TJ.  It came from a code seed
  (reference compendium fossil_fuels.csv row 128, C) and is the "other gas" value (其他煤气
  12.2 tC/TJ in the enterprise accounting guidelines, compendium row 247) copied into the
  blast-furnace row: a row mix-up, not a unit slip (12.2 is no conversion of 70.8).  Because
  cn-prov-2011 comes first in the lookup order it hid the IPCC 2006 Vol.2 Table 1.3 value
  70.8 tC/TJ (ipcc-2006, V), which the steel-sector enterprise guideline also uses; with the
  row gone the lookup reaches it.  Drops cleaned-coal oxidation 1.0 (same seed, row 99,
  C): the lookup then reaches 0.93 (cn-ndrc-2015, the enterprise guidelines' solid-fuel rate).
- cn-gbt2589: NCVs in the yearbook's own units for the balance-table fuels that had none
  (其他煤气 and 转炉煤气 per m3, 其他焦化产品, 石蜡), derived from the standard-coal coefficient
  of the statistics list by the definition of the kilogram of coal equivalent (GB/T 2589 §3:
  1 kgce = 29 307.6 kJ; the coefficient *is* the NCV expressed in kgce).
- ipcc-2006: per-fuel rows for fuels the lookup reached with no carbon content or oxidation:
  paraffin waxes' carbon content (Table 1.3), other coking products' carbon content (as coal
  tar), and oxidation 1 (Table 1.4) for white spirit, paraffin and other coking products.
- ipcc-2006-nonco2: natural gas and LNG for 1.A.1/1.A.2, and the families that were missing:
  1.A.4.a (Table 2.4), 1.A.4.b and 1.A.4.c (Table 2.5), 1.A.3 (Ch.3 mobile combustion).
- items: 煤矸石 (coal gangue), 其他能源 (other energy, not a fuel) and CEADs' English fuel names.
"""

# ruff: noqa: E501  (citations kept whole for grep)
from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

EDITION_2 = "2026-12"
KGCE_KJ = 29307.6  # GB/T 2589-2020 §3: 1 kgce = 29 307.6 kJ

# --------------------------------------------------------------------------------------------
# Items
ITEMS_ADDED: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    ("coal_gangue", "煤矸石", "Coal gangue", "fuel", ("gangue",)),
    # 其他能源 in the balance table is mostly non-fossil (biomass, recovered heat …) and is
    # printed in 万吨标准煤: no carbon content can be given to it (kind "other_energy").
    ("other_energy", "其他能源", "Other energy", "other_energy", ()),
]
# CEADs' English fuel names (Shan et al. 2018 Table 1) the catalogue did not know yet.
ALIASES_ADDED: dict[str, tuple[str, ...]] = {
    "coke_oven_gas": ("Coke Oven Gas",),
    "blast_furnace_gas": ("Blast Furnace Gas",),
}

# --------------------------------------------------------------------------------------------
# cn-prov-2011: rows dropped
PROV_DROPPED = {
    "cn-prov-2011/blast_furnace_gas/carbon_content": (
        "blast-furnace gas carbon content 12.2 tC/TJ (code seed, compendium fossil_fuels.csv row 128, "
        "C) is the 'other gas' value (其他煤气 12.2 tC/TJ in the enterprise accounting guidelines, "
        "compendium row 247) copied into the blast-furnace row; IPCC 2006 Vol.2 Table 1.3 and the "
        "steel-sector enterprise guideline give 70.8 tC/TJ. Dropped so the lookup reaches "
        "ipcc-2006/blast_furnace_gas/carbon_content (70.8, V); blast-furnace-gas CO2 was 5.8x low"),
    "cn-prov-2011/cleaned_coal/oxidation": (
        "cleaned-coal oxidation 1.0 (code seed, compendium row 99, C) is a transcription artefact: "
        "every other solid-fuel rate of the family is 0.90-0.94 and the enterprise guidelines give "
        "0.93 for 洗精煤. Dropped so the lookup reaches cn-ndrc-2015/cleaned_coal/oxidation (0.93)"),
}

# --------------------------------------------------------------------------------------------
# cn-gbt2589: yearbook-unit NCVs derived from standard-coal coefficients
# (item, coefficient, its unit, NCV unit, coefficient's factor id, confidence, note)
GBT_DERIVED = (
    ("other_gas", 0.6243, "kgce/m**3", "kJ/m**3", "cn-nbs-balance/other_gas/standard_coal_coefficient", "C",
     "the NBS energy-balance coefficient (6.243 ×10^4 tce per 10^8 m3) is the calibre the 能源平衡表 "
     "itself converts 其他煤气 with; the enterprise reporting list prints 3.5701 tce/10^4 m3 "
     "(= 10 463 kJ/m3) and the enterprise accounting guidelines 52.34 GJ/10^4 m3 (cn-ndrc-2015): "
     "其他煤气 is a mix (producer, water, cracking gas …) whose NCV differs by province"),
    ("converter_gas", 0.2714, "kgce/m**3", "kJ/m**3", "cn-nbs-balance/converter_gas/standard_coal_coefficient", "C",
     "agrees with the enterprise accounting guidelines' 79.54 GJ/10^4 m3 (cn-ndrc-2015, an independent lead)"),
    ("other_coking_products", 1.3, "tce/t", "kJ/kg", "cn-energy-reporting/other_coking_products/standard_coal_coefficient", "S",
     "the NBS energy-balance coefficient (cn-nbs-balance, 1.3 ×10^4 tce per 10^4 t) agrees"),
    ("paraffin", 1.3648, "tce/t", "kJ/kg", "cn-nbs-balance/paraffin/standard_coal_coefficient", "C",
     "IPCC 2006 Vol.2 Table 1.2 gives 40.2 TJ/Gg for paraffin waxes (0.5 % apart)"),
)

# --------------------------------------------------------------------------------------------
# ipcc-2006: per-fuel rows
IPCC_SOURCE = "2006 IPCC Guidelines for National GHG Inventories, Vol.2 Energy, Ch.1"
EFDB = ("value read from an IPCC EFDB export (2006 IPCC Guidelines records) held in "
        "github.com/Open-Earth-Foundation/CityCatalyst (EFDB_output.xlsx), as the other ipcc-2006 rows")
IPCC_ADDED = (
    # item, parameter, value, unit, locator, confidence, note
    ("paraffin", "carbon_content", 20.0, "tC/TJ", "Table 1.3, Paraffin Waxes; EFDB EF ID 117516", "V", EFDB),
    ("other_coking_products", "carbon_content", 22.0, "tC/TJ", "Table 1.3, Coal Tar; EFDB EF ID 117529", "S",
     "mapping approximate: 其他焦化产品 (crude benzol, tar and other by-products of coking) has no IPCC row "
     "of its own; coal tar is its main component. " + EFDB),
    ("paraffin", "oxidation", 1.0, "dimensionless", "Table 1.4, Paraffin Waxes; EFDB EF ID 117570", "V", EFDB),
    ("white_spirit", "oxidation", 1.0, "dimensionless", "Table 1.4, White Spirit & SBP; EFDB EF ID 117571", "V", EFDB),
    ("other_coking_products", "oxidation", 1.0, "dimensionless", "Table 1.4, Coal Tar; EFDB EF ID 117583", "V",
     "oxidation is 1 for every fuel in Table 1.4, so the coal-tar mapping does not matter here. " + EFDB),
)

# --------------------------------------------------------------------------------------------
# ipcc-2006-nonco2: CH4 and N2O, kg per TJ (net calorific basis)
COAL = ("raw_coal", "anthracite", "bituminous_coal", "lignite", "cleaned_coal", "other_washed_coal",
        "briquettes", "coke", "coal_tar", "other_coking_products")
LIQUID = ("crude_oil", "gasoline", "kerosene", "jet_kerosene", "diesel", "fuel_oil", "naphtha",
          "lubricants", "paraffin", "white_spirit", "bitumen", "petroleum_coke",
          "other_petroleum_products")
GAS_14 = ("lpg", "refinery_gas", "natural_gas", "lng", "coke_oven_gas", "other_gas",
          "blast_furnace_gas", "converter_gas")
NONCO2_URL = "https://www.ipcc-nggip.iges.or.jp/public/2006gl/pdf/2_Volume2/"
# (category, variant, variant_zh, table, {group items: (CH4, N2O)})
STATIONARY = (
    ("1.A.1", "energy_industries", "能源工业", "Table 2.2",
     {("natural_gas", "lng", "other_gas"): (1.0, 0.1), ("other_coking_products",): (1.0, 1.5)}),
    ("1.A.2", "manufacturing_construction", "制造业和建筑业", "Table 2.3",
     {("natural_gas", "lng", "other_gas"): (1.0, 0.1), ("other_coking_products",): (10.0, 1.5)}),
    ("1.A.4.a", "commercial_institutional", "商业/机构", "Table 2.4",
     {COAL: (10.0, 1.5), LIQUID: (10.0, 0.6), GAS_14: (5.0, 0.1)}),
    ("1.A.4.b", "residential", "居民生活", "Table 2.5",
     {COAL: (300.0, 1.5), LIQUID: (10.0, 0.6), GAS_14: (5.0, 0.1)}),
    ("1.A.4.c", "agriculture_forestry_fishing", "农林牧渔", "Table 2.5",
     {COAL: (300.0, 1.5), LIQUID: (10.0, 0.6), GAS_14: (5.0, 0.1)}),
)
# 1.A.3 as a whole (the provincial balance table does not split transport by mode): each fuel's
# main mode in China — road for gasoline, diesel, gas and LPG, aviation for kerosene, navigation
# for fuel oil.
MOBILE = (
    ("gasoline", "road_transport", "道路交通", "Table 3.2.2, motor gasoline, uncontrolled", 33.0, 3.2),
    ("diesel", "road_transport", "道路交通", "Table 3.2.2, gas/diesel oil", 3.9, 3.9),
    ("natural_gas", "road_transport", "道路交通", "Table 3.2.2, natural gas", 92.0, 3.0),
    ("lng", "road_transport", "道路交通", "Table 3.2.2, natural gas", 92.0, 3.0),
    ("lpg", "road_transport", "道路交通", "Table 3.2.2, liquefied petroleum gas", 62.0, 0.2),
    ("kerosene", "aviation", "航空", "Table 3.6.5, all fuels (jet kerosene)", 0.5, 2.0),
    ("jet_kerosene", "aviation", "航空", "Table 3.6.5, all fuels (jet kerosene)", 0.5, 2.0),
    ("fuel_oil", "navigation", "水运", "Table 3.5.3, residual fuel oil", 7.0, 2.0),
)
NONCO2_WHY = ("provisional: value entered by the maintainers from the printed IPCC table; "
              "check once against the PDF/EFDB")
# Stationary rows (Tables 2.2-2.5) were compared on 2026-12-03 with the IPCC EFDB export (2006
# IPCC Guidelines records, EFDB_output.xlsx in github.com/Open-Earth-Foundation/CityCatalyst):
# every fuel group of every table agrees (e.g. EF IDs 117696/117750 natural gas 1.A.1,
# 118167 anthracite CH4 1.A.4.b = 300 kg/TJ), so they ship confirmed.
STATIONARY_CHECK = ("value equals the IPCC EFDB record of this table (2006 IPCC Guidelines records, "
                    "EFDB_output.xlsx in github.com/Open-Earth-Foundation/CityCatalyst), compared "
                    "2026-12-03 for every fuel group")


def prov_edition(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[str]]:
    """cn-prov-2011 2026-12: the 2026-11 rows less `PROV_DROPPED`."""
    kept = [r for r in rows if r["id"] not in PROV_DROPPED]
    missing = set(PROV_DROPPED) - {r["id"] for r in rows}
    if missing:
        raise SystemExit(f"cn-prov-2011: rows to drop not found: {sorted(missing)}")
    return kept, [f"{fid}: {why}" for fid, why in PROV_DROPPED.items()]


def _row(**kw: str) -> dict[str, str]:
    base = dict.fromkeys(("id", "category", "item", "item_zh", "variant", "variant_zh", "gas",
                          "parameter", "value", "unit", "region_code", "year_from", "year_to",
                          "source", "locator", "provisional", "uncertainty_pct", "confidence",
                          "note"), "")
    base.update(kw)
    return base


def _fmt(value: float) -> str:
    return repr(round(value, 6)) if value != int(value) else str(int(value))


def gbt_edition(rows: list[dict[str, str]], item_zh: dict[str, str]) -> list[dict[str, str]]:
    """cn-gbt2589 2026-12: the 2026-11 rows plus `GBT_DERIVED` NCVs."""
    out = list(rows)
    for item, coef, coef_unit, ncv_unit, coef_id, conf, note in GBT_DERIVED:
        # 1 tce/t = 1 kgce/kg, so both coefficient units give the NCV per the same quantity.
        ncv = round(coef * KGCE_KJ, 1)
        # A derived value is no surer than what it is derived from: it keeps the input's mark.
        why = ("provisional: derived from a standard-coal coefficient that is itself "
               + ("a secondary quotation (S)" if conf == "S" else "a lead only (C)"))
        out.append(_row(
            id=f"cn-gbt2589/{item}/ncv", item=item, item_zh=item_zh[item], parameter="ncv",
            value=_fmt(ncv), unit=ncv_unit,
            source="GB/T 2589-2020《综合能耗计算通则》§3 definition of kgce (1 kgce = 29307.6 kJ) "
                   f"applied to {coef_id}",
            locator=f"NCV = {coef} {coef_unit} × 29307.6 kJ/kgce", provisional="true",
            confidence=conf,
            note=f"{why}; {coef} {coef_unit} × 29307.6 = {ncv} {ncv_unit}; {note}",
        ))
    return out


def ipcc_edition(rows: list[dict[str, str]], item_zh: dict[str, str]) -> list[dict[str, str]]:
    """ipcc-2006 2026-12: the 2026-11 rows plus `IPCC_ADDED`."""
    out = list(rows)
    have = {r["id"] for r in rows}
    for item, parameter, value, unit, locator, conf, note in IPCC_ADDED:
        fid = f"ipcc-2006/{item}/{parameter}"
        if fid in have:
            raise SystemExit(f"ipcc-2006: {fid} exists already")
        provisional = conf != "V"
        out.append(_row(
            id=fid, category="1.A", item=item, item_zh=item_zh[item], parameter=parameter,
            value=_fmt(value), unit=unit, source=IPCC_SOURCE, locator=locator,
            provisional="true" if provisional else "false", confidence=conf,
            note=("provisional: " if provisional else "") + note,
        ))
    return out


def nonco2_edition(rows: list[dict[str, str]], item_zh: dict[str, str]) -> list[dict[str, str]]:
    """ipcc-2006-nonco2 2026-12: the 2026-11 rows plus stationary 1.A.4, natural gas, 1.A.3."""
    out = list(rows)
    chapter = {"Ch.2": "V2_2_Ch2_Stationary_Combustion.pdf", "Ch.3": "V2_3_Ch3_Mobile_Combustion.pdf"}

    def add(category: str, item: str, variant: str, variant_zh: str, table: str, ch4: float,
            n2o: float, extra: str, confirmed: bool) -> None:
        mobile = table.startswith("Table 3.")
        src = ("2006 IPCC Guidelines for National GHG Inventories, Vol.2 Energy, "
               + ("Ch.3 Mobile Combustion" if mobile else "Ch.2 Stationary Combustion"))
        for gas, value in (("CH4", ch4), ("N2O", n2o)):
            out.append(_row(
                id=f"ipcc-2006-nonco2/{item}/EF_combustion/{gas}/{variant}", category=category,
                item=item, item_zh=item_zh[item], variant=variant, variant_zh=variant_zh, gas=gas,
                parameter="EF_combustion", value=_fmt(value), unit=f"kg{gas}/TJ",
                source=src, locator=f"{table} (Tier 1 default, net calorific basis); "
                                    f"{NONCO2_URL}{chapter['Ch.3' if mobile else 'Ch.2']}",
                provisional="false" if confirmed else "true", confidence="V" if confirmed else "S",
                note=(f"{STATIONARY_CHECK}; {extra}" if confirmed else f"{NONCO2_WHY}; {extra}"
                      ).rstrip("; "),
            ))

    for category, variant, variant_zh, table, groups in STATIONARY:
        for items, (ch4, n2o) in groups.items():
            for item in items:
                extra = ""
                if item in ("natural_gas", "lng") and category in ("1.A.1", "1.A.2"):
                    extra = ("natural gas N2O is 0.1 kg/TJ as for every gaseous fuel; the 2026-11 "
                             "transcription's 1.5 was the coal value")
                elif item == "other_gas":
                    extra = "IPCC row Gas Works Gas"
                elif item == "other_coking_products":
                    extra = "IPCC row Coal Tar (mapping approximate)"
                add(category, item, variant, variant_zh, table, ch4, n2o, extra, True)
    for item, variant, variant_zh, table, ch4, n2o in MOBILE:
        add("1.A.3", item, variant, variant_zh, table, ch4, n2o,
            f"applies to all of 1.A.3 ({variant.replace('_', ' ')} is this fuel's main mode); "
            "give mode-specific factors as overrides where the activity is split by mode", False)
    ids = [r["id"] for r in out]
    if len(ids) != len(set(ids)):
        raise SystemExit("ipcc-2006-nonco2: duplicate ids")
    return out


def read_edition(root: Path, dataset: str, edition: str) -> tuple[list[dict[str, str]], dict]:
    folder = root / dataset / edition
    with (folder / "data.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    meta = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8"))
    return rows, meta


def rows_csv(rows: list[dict[str, str]], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
