"""Build the enterprise process-emission factors (issue #12 item 2) and the items they need.

Writes ``data/factors/cn-ent-process/<EDITION>`` and a new edition of ``data/factors/items``
(the previous edition's rows plus the process materials and products below).  The output is
committed; the app never runs this.  A correction is a new edition.

Carbonate factors are stoichiometric (t CO2 per t carbonate = M(CO2) / M(carbonate)), computed
here from IUPAC standard atomic weights; IPCC 2006 Vol.3 Ch.2 Table 2.1 prints the same values
(to 5 decimals), and the Chinese guidelines' carbonate formulas use these stoichiometric factors.
Limestone (CaCO3), dolomite and soda ash are already in ``ipcc-2006`` and are not repeated.

Steel-guideline values (electrode, carbon fixed in pig iron and crude steel) are transcriptions
of 《中国钢铁生产企业温室气体排放核算方法与报告指南（试行）》 (NDRC 2013) Annex 2 as commonly
reproduced; the guideline text itself was not read here, so they ship provisional (C).

Run: ``uv run python scripts/build_enterprise_factors.py``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1] / "src" / "tanzhi" / "data" / "factors"
EDITION = "2026-12-03"
ITEMS_FROM = "2026-12"
COLUMNS = (
    "id", "category", "item", "item_zh", "variant", "variant_zh", "gas", "parameter", "value",
    "unit", "region_code", "year_from", "year_to", "source", "locator", "provisional",
    "uncertainty_pct", "confidence", "note",
)
# IUPAC 2021 standard atomic weights (abridged, 4-5 significant digits as IUPAC tables them).
ATOMIC = {"C": 12.011, "O": 15.999, "H": 1.008, "Mg": 24.305, "Fe": 55.845, "Mn": 54.938,
          "Ba": 137.33, "Li": 6.94, "K": 39.098, "Sr": 87.62, "Na": 22.990}
CO2 = ATOMIC["C"] + 2 * ATOMIC["O"]

# item, name_zh, name_en, formula (atoms → count), IPCC 2006 Table 2.1 value for the note.
CARBONATES = (
    ("magnesite", "菱镁矿", "Magnesite (MgCO3)", {"Mg": 1, "C": 1, "O": 3}, 0.52197),
    ("siderite", "菱铁矿", "Siderite (FeCO3)", {"Fe": 1, "C": 1, "O": 3}, 0.37987),
    ("rhodochrosite", "菱锰矿", "Rhodochrosite (MnCO3)", {"Mn": 1, "C": 1, "O": 3},
     0.38286),
    ("barium_carbonate", "碳酸钡", "Barium carbonate (BaCO3)", {"Ba": 1, "C": 1, "O": 3}, 0.22301),
    ("lithium_carbonate", "碳酸锂", "Lithium carbonate (Li2CO3)", {"Li": 2, "C": 1, "O": 3},
     0.59552),
    ("potassium_carbonate", "碳酸钾", "Potassium carbonate (K2CO3)", {"K": 2, "C": 1, "O": 3},
     0.31843),
    ("strontium_carbonate", "碳酸锶", "Strontium carbonate (SrCO3)", {"Sr": 1, "C": 1, "O": 3},
     0.29809),
    ("sodium_bicarbonate", "碳酸氢钠", "Sodium bicarbonate (NaHCO3)",
     {"Na": 1, "H": 1, "C": 1, "O": 3}, 0.52379),
)
STEEL_SOURCE = ("国家发展改革委《中国钢铁生产企业温室气体排放核算方法与报告指南（试行）》(2013), "
                "附录二 相关参数缺省值 (as commonly reproduced)")
STEEL = (
    # item, zh, en, parameter, value, locator
    ("electrode", "电极", "Carbon electrodes", "co2_ef", 3.663, "附录二 表 2.2 电极"),
    ("pig_iron", "生铁", "Pig iron", "fixed_co2_ef", 0.172, "附录二 表 2.2 生铁（固碳产品）"),
    ("crude_steel", "粗钢", "Crude steel", "fixed_co2_ef", 0.0154,
     "附录二 表 2.2 粗钢（固碳产品）"),
)
# Items without factors of their own: their method takes the measured value or another item's.
OTHER_ITEMS = (
    ("cement_kiln_dust", "水泥窑粉尘", "Cement kiln dust", "product",
     ("窑头粉尘", "旁路放风粉尘", "CKD")),
    ("raw_meal", "生料", "Cement raw meal", "product", ("水泥生料",)),
)
CARBONATE_ALIASES = {
    "magnesite": ("碳酸镁", "MgCO3"), "siderite": ("碳酸亚铁", "FeCO3"),
    "rhodochrosite": ("碳酸锰", "MnCO3"), "barium_carbonate": ("BaCO3",),
    "lithium_carbonate": ("Li2CO3",), "potassium_carbonate": ("K2CO3",),
    "strontium_carbonate": ("SrCO3",), "sodium_bicarbonate": ("小苏打", "NaHCO3"),
}
# Names enterprise forms use for items already catalogued.
ALIASES_ADDED = {
    "limestone": ("脱硫石灰石",),
    "dolomite": ("CaMg(CO3)2",),
    "electricity": ("购入电力", "绿色电力", "绿电"),
}
PROVISIONAL_C = "provisional: lead only (found in code or unattributed material), not confirmed"


def fmt(value: float) -> str:
    return repr(float(value))


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write(dataset: str, data: bytes, meta: dict) -> None:
    folder = ROOT / dataset / EDITION
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.csv").write_bytes(data)
    meta = {"id": dataset, "edition": EDITION, **meta, "sha256": hashlib.sha256(data).hexdigest()}
    order = ("id", "edition", "title", "title_zh", "publisher", "document", "locator", "url",
             "retrieved", "licence", "units", "sha256", "notes")
    text = yaml.safe_dump({k: meta[k] for k in order if k in meta}, allow_unicode=True,
                          sort_keys=False, width=100)
    (folder / "meta.yaml").write_text(text, encoding="utf-8")


def factor_rows() -> list[dict[str, str]]:
    rows = []
    for item, zh, _en, formula, ipcc in CARBONATES:
        mass = sum(ATOMIC[a] * n for a, n in formula.items())
        value = round(CO2 / mass, 5)
        rows.append({
            "id": f"cn-ent-process/{item}/co2_ef", "category": "2.A.4", "item": item,
            "item_zh": zh, "variant": "", "variant_zh": "", "gas": "CO2", "parameter": "co2_ef",
            "value": fmt(value), "unit": "tCO2/t", "region_code": "", "year_from": "",
            "year_to": "",
            "source": "Stoichiometry: M(CO2)/M(carbonate), IUPAC standard atomic weights; "
                      "2006 IPCC Guidelines Vol.3 Ch.2 Table 2.1",
            "locator": "IPCC 2006 Vol.3 Table 2.1 (emission factors of carbonates)",
            "provisional": "false", "uncertainty_pct": "", "confidence": "D",
            "note": f"derived from the formula; IPCC Table 2.1 prints {ipcc}; used by the "
                    "carbonate formulas of the NDRC industry guidelines (平板玻璃、陶瓷、钢铁、"
                    "化工) and GB/T 32151.x",
        })
    for item, zh, _en, parameter, value, locator in STEEL:
        rows.append({
            "id": f"cn-ent-process/{item}/{parameter}", "category": "2.C.1", "item": item,
            "item_zh": zh, "variant": "", "variant_zh": "", "gas": "CO2",
            "parameter": parameter, "value": fmt(value), "unit": "tCO2/t", "region_code": "",
            "year_from": "", "year_to": "", "source": STEEL_SOURCE, "locator": locator,
            "provisional": "true", "uncertainty_pct": "", "confidence": "C",
            "note": f"{PROVISIONAL_C}; transcription of the steel guideline's default table, the "
                    "guideline text was not read here; check against the annex"
                    + ("; carbon retained in the product, deducted" if parameter ==
                       "fixed_co2_ef" else ""),
        })
    return rows


def build_items() -> None:
    source = ROOT / "items" / ITEMS_FROM / "data.csv"
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    known = {r["item"] for r in rows}
    for row in rows:
        extra = ALIASES_ADDED.get(row["item"], ())
        have = [a for a in row["aliases"].split("|") if a]
        row["aliases"] = "|".join(have + [a for a in extra if a not in have])
    added = [(i, zh, en, "product", CARBONATE_ALIASES.get(i, ())) for i, zh, en, *_ in CARBONATES]
    added += [(i, zh, en, "product", ()) for i, zh, en, *_ in STEEL]
    added += list(OTHER_ITEMS)
    for item, zh, en, kind, aliases in added:
        if item in known:
            continue
        rows.append({"item": item, "name_zh": zh, "name_en": en, "kind": kind,
                     "aliases": "|".join(aliases)})
    meta = yaml.safe_load((ROOT / "items" / ITEMS_FROM / "meta.yaml").read_text(encoding="utf-8"))
    meta["notes"] = [f"Edition {EDITION} (issue #12 item 2): edition {ITEMS_FROM} plus the process "
                     "materials and products of enterprise accounting "
                     "(scripts/build_enterprise_factors.py)."] + list(meta.get("notes") or [])
    for key in ("id", "edition", "sha256"):
        meta.pop(key, None)
    write("items", csv_bytes(rows, ("item", "name_zh", "name_en", "kind", "aliases")), meta)


def main() -> None:
    build_items()
    write("cn-ent-process", csv_bytes(factor_rows(), COLUMNS), {
        "title": "Enterprise process-emission factors: carbonates (stoichiometric), steel "
                 "guideline defaults",
        "title_zh": "企业工业生产过程排放因子：碳酸盐（化学计量）、钢铁指南缺省值",
        "publisher": "IPCC (2006 Guidelines Vol.3); 国家发展改革委 (industry guidelines)",
        "document": "2006 IPCC Guidelines Vol.3 Ch.2 Table 2.1; 《中国钢铁生产企业温室气体排放核算"
                    "方法与报告指南（试行）》附录二",
        "locator": "per row",
        "retrieved": "2026-12-03",
        "licence": "facts, cited",
        "units": "tCO2/t",
        "notes": [
            "Columns as the other factor datasets (see cn-heat/meta.yaml).",
            "Carbonate rows (D) are computed from molar masses by "
            "scripts/build_enterprise_factors.py and agree with IPCC Table 2.1 within 1.1e-4 "
            "(Li2CO3: IPCC prints 0.59552, the formula gives 0.59562).",
            "Steel rows (C) are provisional: transcriptions, the guideline annex was not read.",
            "Limestone, dolomite, soda ash, clinker, nitric and adipic acid factors are those of "
            "ipcc-2006 (one library serves inventory and enterprise accounting).",
        ],
    })


if __name__ == "__main__":
    main()
