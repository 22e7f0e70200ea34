"""Which items and units each activity category takes: the engine's vocabulary, checked on import.

The engine (`tanzhi.inventory.calc`) reads the item of an activity row in one of four ways,
depending on the category (see docs/methods/inventory.md):

* a catalogue item of the right kind (`tanzhi factor items`: fuels under 1.A, products under 2.A
  and 2.B, animals under 3.A, waste types under 4.A and 4.C), Chinese names accepted;
* a gas (F-gas use, 2.C and 2.E-2.G), by `tanzhi.kernel.gwp.canonical_gas`;
* a *variant* of a fixed factor item (rice water regime under 3.C.7, forest type under 3.B.1,
  wastewater pathway under 4.D), by the variant id or its Chinese name in the factor library;
* an engine item (soil N inputs under 3.C.4, ``population`` and ``ch4_recovered`` under 4.D …).

A category the engine has no method for is refused rather than silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from tanzhi.inventory.calc.agriculture import LIVESTOCK_CATEGORY, RICE_ITEM, SOIL_N_INPUTS
from tanzhi.inventory.calc.energy import BIOMASS_FUEL_ITEMS
from tanzhi.inventory.calc.lulucf import FOREST_ITEM
from tanzhi.inventory.calc.waste import (
    K_CLASS,
    POPULATION_ITEM,
    RECOVERY_ITEM,
    WWTP_POPULATION_ITEM,
)
from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY, NET_IMPORTED_HEAT
from tanzhi.kernel import (
    DataError,
    Problem,
    UnitError,
    canonical_gas,
    conversion_factor,
    default_library,
    packaged_items,
    resolve_item,
)

MEMO_CATEGORIES = (NET_IMPORTED_ELECTRICITY, NET_IMPORTED_HEAT)
KIND_ZH = {"fuel": "燃料", "product": "产品", "animal": "畜禽", "waste": "废弃物",
           "electricity": "电力", "heat": "热力", "manure_system": "粪便管理方式",
           "soil_n": "土壤氮", "crop": "作物", "waste_treatment": "废弃物处理方式",
           "wastewater": "废水", "forest": "森林"}

# Chinese names of engine items that are not in the item catalogue.
_SOIL_NAMES = {
    "化肥氮": "synthetic_n", "氮肥": "synthetic_n", "化肥": "synthetic_n",
    "synthetic_fertiliser_n": "synthetic_n", "有机氮": "organic_n", "有机肥": "organic_n",
    "粪肥氮": "organic_n", "秸秆还田氮": "crop_residue_n", "作物残留物氮": "crop_residue_n",
    "土壤有机质矿化氮": "som_n", "稻田化肥氮": "synthetic_n_flooded_rice",
    "稻田有机氮": "organic_n_flooded_rice", "稻田秸秆还田氮": "crop_residue_n_flooded_rice",
    "放牧粪尿氮(牛禽猪)": "prp_cpp_n", "放牧粪尿氮(羊及其他)": "prp_so_n",
}
_BIOMASS_NAMES = {"薪柴": "firewood", "秸秆": "straw", "木炭": "charcoal", "沼气": "biogas",
                  "生物质": "biomass", "填埋气": "landfill_gas", "蔗渣": "bagasse",
                  "生物柴油": "biodiesel", "燃料乙醇": "bioethanol"}
_WASTE_NAMES = {"回收甲烷": RECOVERY_ITEM, "甲烷回收量": RECOVERY_ITEM, "生活垃圾": "msw",
                "混合垃圾": "bulk_waste", "污泥": "sewage_sludge", "秸秆": "straw"}
_WASTEWATER_NAMES = {"人口": POPULATION_ITEM, "常住人口": POPULATION_ITEM,
                     "高级污水处理厂服务人口": WWTP_POPULATION_ITEM,
                     "回收甲烷": RECOVERY_ITEM, "甲烷回收量": RECOVERY_ITEM}


@dataclass(frozen=True)
class CategoryRule:
    """What an activity row under a category prefix may hold.

    Attributes
    ----------
    prefix
        Category code (a row's category is this code or below it).
    kinds
        Item-catalogue kinds accepted (``fuel``, ``product`` …).
    units
        Accepted units by dimension, first match wins (the engine's canonical units).
    specials
        Engine item ids accepted as written, and names (e.g. Chinese) mapped to them.
    variants_of
        (item, parameter) pairs of the factor library whose variants name items here.
    gases
        Items are gases (F-gas use).
    signed
        Negative values are allowed (net imports of a net exporter).
    item_units
        Units for particular items, replacing `units`.
    """

    prefix: str
    kinds: frozenset[str] = frozenset()
    units: tuple[str, ...] = ("t",)
    specials: Mapping[str, str] = field(default_factory=dict)
    variants_of: tuple[tuple[str, str], ...] = ()
    gases: bool = False
    signed: bool = False
    item_units: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _ids(ids: Collection[str]) -> dict[str, str]:
    return {i: i for i in ids}


@lru_cache(maxsize=1)
def category_rules() -> tuple[CategoryRule, ...]:
    """The rule for every category prefix the engine computes (longest prefix wins)."""
    fuel_units = ("GJ", "tce", "t", "m**3")
    waste_specials = {**_ids(K_CLASS), **_WASTE_NAMES, RECOVERY_ITEM: RECOVERY_ITEM}
    people = ("person",)
    return (
        CategoryRule("1.A", frozenset({"fuel"}), fuel_units,
                     {**_ids(BIOMASS_FUEL_ITEMS), **_BIOMASS_NAMES}),
        CategoryRule("1.B", frozenset({"fuel"}), ("t", "m**3", "GJ")),
        CategoryRule(NET_IMPORTED_ELECTRICITY, frozenset({"electricity"}), ("MWh",),
                     signed=True),
        CategoryRule(NET_IMPORTED_HEAT, frozenset({"heat"}), ("GJ",), signed=True),
        CategoryRule("2.A", frozenset({"product"})),
        CategoryRule("2.B", frozenset({"product"})),
        *(CategoryRule(p, gases=True) for p in ("2.C", "2.E", "2.F", "2.G")),
        CategoryRule(LIVESTOCK_CATEGORY, frozenset({"animal"}), ("head",)),
        CategoryRule("3.B.1", units=("m**3",), specials={FOREST_ITEM: FOREST_ITEM, "森林":
                                                         FOREST_ITEM},
                     variants_of=((FOREST_ITEM, "wood_density"), (FOREST_ITEM, "bcef_s"),
                                  (FOREST_ITEM, "root_to_shoot"))),
        CategoryRule("3.C.4", units=("t N", "t"), specials={**_ids(SOIL_N_INPUTS),
                                                             **_SOIL_NAMES}),
        CategoryRule("3.C.7", units=("hectare * d", "hectare"),
                     variants_of=((RICE_ITEM, "sf_water"),)),
        CategoryRule("4.A", frozenset({"waste"}), specials=waste_specials),
        CategoryRule("4.C", frozenset({"waste"}), specials=waste_specials),
        CategoryRule("4.D", units=("t",),
                     specials={**_WASTEWATER_NAMES, POPULATION_ITEM: POPULATION_ITEM,
                               WWTP_POPULATION_ITEM: WWTP_POPULATION_ITEM,
                               RECOVERY_ITEM: RECOVERY_ITEM},
                     variants_of=(("domestic_wastewater", "mcf"),
                                  ("industrial_wastewater", "mcf")),
                     item_units={POPULATION_ITEM: people, WWTP_POPULATION_ITEM: people}),
    )


def rule_for(category: str) -> CategoryRule | None:
    """The rule of the longest matching prefix, or None (no method for the category)."""
    best: CategoryRule | None = None
    for rule in category_rules():
        if category == rule.prefix or category.startswith(rule.prefix + "."):
            if best is None or len(rule.prefix) > len(best.prefix):
                best = rule
    return best


_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def norm(name: str) -> str:
    """Name key: full-width forms folded, whitespace removed, lower case."""
    return re.sub(r"\s+", "", str(name).translate(_FULLWIDTH)).lower()


@lru_cache(maxsize=64)
def _variant_names(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    frame = default_library().frame()
    for item, parameter in pairs:
        sub = frame.loc[(frame["item"] == item) & (frame["parameter"] == parameter)
                        & (frame["variant"] != "")]
        for variant, variant_zh in zip(sub["variant"], sub["variant_zh"], strict=True):
            names.setdefault(norm(variant), variant)
            if variant_zh:
                names.setdefault(norm(variant_zh), variant)
    return names


def accepted_names(rule: CategoryRule, limit: int = 12) -> list[str]:
    """A few names the rule accepts, for error messages."""
    names = []
    if rule.kinds:
        names += [i.name_zh for i in packaged_items().values() if i.kind in rule.kinds]
    names += sorted(set(_variant_names(rule.variants_of).values()))
    names += [k for k in rule.specials if k.isascii()]
    if rule.gases:
        names += ["HFC-134a", "HFC-32", "SF6", "CF4"]
    return names[:limit]


def resolve_activity_item(category: str, name: str, *,
                          extra: Collection[str] = ()) -> str:
    """The engine's item id for `name` under `category`; `extra` adds accepted ids (variants a
    user factor file defines).

    Raises
    ------
    DataError
        No method for the category, or the name is not an item of the category (no location:
        the caller adds file, row and column).

    Examples
    --------
    >>> resolve_activity_item("1.A.1.a", "原煤"), resolve_activity_item("3.C.7", "旱稻")
    ('raw_coal', 'upland')
    """
    rule = rule_for(category)
    if rule is None:
        raise DataError(Problem(
            f"tanzhi 没有类别 {category} 的计算方法（可用：{'、'.join(supported_prefixes())}）",
            f"tanzhi has no method for category {category} "
            f"(supported: {', '.join(supported_prefixes())})"))
    key = norm(name)
    specials = {norm(k): v for k, v in rule.specials.items()}
    if key in specials:
        return specials[key]
    if rule.gases:
        return canonical_gas(name)
    variants = _variant_names(rule.variants_of)
    if key in variants:
        return variants[key]
    if name in extra:
        return name
    if rule.kinds:
        try:
            item = resolve_item(name)
        except DataError:
            item = None
        if item is not None:
            kind = packaged_items()[item].kind
            if kind in rule.kinds:
                return item
            raise DataError(Problem(
                f"“{name}”是{KIND_ZH.get(kind, kind)}类项目，不能填在类别 {category} 下",
                f"'{name}' is a {kind} item and does not belong under category {category}"))
    shown = "、".join(accepted_names(rule))
    raise DataError(Problem(
        f"类别 {category} 下没有项目“{name}”（可用如：{shown} …；见 `tanzhi factor items`）",
        f"unknown item '{name}' for category {category} (e.g. {shown.replace('、', ', ')} …; "
        "see `tanzhi factor items`)"))


def supported_prefixes() -> list[str]:
    """Category prefixes the engine computes."""
    return [r.prefix for r in category_rules()]


def check_unit(category: str, item: str, unit: str) -> str | None:
    """None when `unit` suits the item under `category`; else the accepted units, joined."""
    rule = rule_for(category)
    if rule is None:
        return None
    options = rule.item_units.get(item, rule.units)
    for option in options:
        try:
            conversion_factor(unit, option)
        except UnitError:
            continue
        return None
    return " / ".join(options)
