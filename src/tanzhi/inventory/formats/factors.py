"""The factor override file (FILE): user factors layered over the packaged default library.

Columns ``category, item, gas, parameter, value, unit[, uncertainty_pct][, variant][, source]``.
``parameter`` is ``ef`` (the emission factor the engine uses for that category and gas, see
`EF_PARAMETERS`), or for fuel combustion ``ncv``, ``carbon_content``, ``oxidation``; any other
parameter name of the factor library or the engine (``wood_density_D``, ``BEF``, ``MCF_SWDS`` …)
is accepted as well, for the factors ``ef`` does not name.

Each row becomes a kernel `Factor` whose id says it came from the user file
(``user:<file>#<row>/<item>/<parameter>``) and whose edition is the file's SHA-256 prefix, so
results keep their lineage.  A row applies to every region and year; without ``gas``,
``category`` (for parameters looked up by category) or ``variant`` it applies to all of them;
the most specific matching row wins.  Everything else falls through to
`tanzhi.kernel.factors.default_library()`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tanzhi.inventory.formats.vocabulary import MEMO_CATEGORIES, resolve_activity_item
from tanzhi.inventory.model import FactorLike
from tanzhi.kernel.categories import ipcc_category
from tanzhi.kernel.errors import DataError, Location, Problem, UnitError
from tanzhi.kernel.factors import (
    NON_SPECIES_GASES,
    Factor,
    FactorLibrary,
    canonical_parameter,
    default_library,
    resolve_item,
)
from tanzhi.kernel.gwp import canonical_gas
from tanzhi.kernel.provenance import DatasetRef
from tanzhi.kernel.sheets import read_grid
from tanzhi.kernel.tables import Column, TableSchema, read_table
from tanzhi.kernel.units import conversion_factor, parse_unit, same_dimension

FACTOR_SCHEMA = TableSchema(
    "inventory_factor_overrides",
    (
        Column("category", "str", aliases=("类别", "排放源类别"),
               description="IPCC 2006 类别代码 / IPCC 2006 category code"),
        Column("item", "str", aliases=("项目", "品种"), description="项目 / item"),
        Column("gas", "str", required=False, aliases=("气体", "温室气体"),
               description="气体（ef 必填）/ gas (required for ef)"),
        Column("parameter", "str", aliases=("参数",),
               description="ef、ncv、carbon_content、oxidation 或因子库参数名 / parameter"),
        Column("value", "float", nonnegative=True, aliases=("数值", "因子值"),
               unit_column="unit", description="数值 / value"),
        Column("unit", "unit", aliases=("单位",), description="单位 / unit"),
        Column("uncertainty_pct", "float", required=False, nonnegative=True,
               aliases=("不确定性", "不确定性%", "不确定性(%)"),
               description="95% 置信区间半宽（%）/ 95 % half-width (%)"),
        Column("variant", "str", required=False, aliases=("技术类型", "类型"),
               description="适用的类型（森林类型、工艺等），空 = 全部 / variant, blank = all"),
        Column("source", "str", required=False, aliases=("来源", "出处"),
               description="出处（文件、表号）/ where the value comes from"),
    ),
)

# `ef` → the parameter the engine looks up, by category prefix and gas (None = any gas).
EF_PARAMETERS: tuple[tuple[str, str | None, str], ...] = (
    ("1.A", "CH4", "EF_combustion"), ("1.A", "N2O", "EF_combustion"),
    ("1.B", None, "EF_fugitive"),
    (MEMO_CATEGORIES[0], "CO2", "grid_average_co2_ef"),
    (MEMO_CATEGORIES[1], "CO2", "heat_co2_ef"),
    ("2.A.1", "CO2", "EF_clinker"), ("2.A.2", "CO2", "EF_lime"), ("2.A.3", "CO2", "EF_glass"),
    ("2.A.4", "CO2", "EF_carbonate"), ("2.B.1", "CO2", "EF_ammonia"),
    ("2.B.2", "N2O", "EF_N2O_nitric_acid"), ("2.B.3", "N2O", "N2O_generation_factor"),
    ("2.B.9", None, "EF_HFC23_byproduct"),
    *((p, None, "emission_rate") for p in ("2.C", "2.E", "2.F", "2.G")),
    ("3.A.1", "CH4", "EF_enteric_CH4"), ("3.A.2", "CH4", "EF_manure_CH4"),
    ("3.A.2", "N2O", "EF3_direct_N2O_manure"),
    ("3.C.4", "N2O", "EF1_direct_N2O"), ("3.C.7", "CH4", "EFc_baseline_CH4"),
    ("4.C", "CH4", "EF_CH4"), ("4.C", "N2O", "EF_N2O"),
    ("4.D", "CH4", "Bo_max_CH4_producing_capacity"), ("4.D", "N2O", "EF_N2O_effluent"),
)
# Engine parameters absent from the packaged library, accepted by name.
ENGINE_PARAMETERS = frozenset({
    "EF_combustion", "EF_fugitive", "emission_rate", "BEF", "typical_animal_mass",
    "cultivation_period", "clinker_cao_fraction", "protein_per_capita", "cullet_ratio",
    "Bo_max_CH4_producing_capacity", "MCF_industrial_wastewater", "MCF_domestic_wastewater",
})
# Units a parameter needs when the default library has no factor to compare with.
_DIMENSIONS = {"ncv": ("GJ/t", "GJ/m**3"), "carbon_content": ("t/TJ",), "oxidation": ("1",),
               "EF_combustion": ("kg/TJ",)}


def _applies(factor_category: str, wanted: str) -> bool:
    return (not factor_category or wanted == factor_category
            or wanted.startswith(factor_category + "."))


class FactorOverrides:
    """User factors from a FILE layered over a base library (implements `FactorLookup`).

    Parameters
    ----------
    factors
        The user factors (kernel `Factor`, dataset ``user:<file>``).
    base
        The library consulted when no user factor matches.
    """

    def __init__(self, factors: list[Factor], base: FactorLibrary | None = None) -> None:
        self.factors = tuple(factors)
        self.base = base if base is not None else default_library()
        self._by_id = {f.id: f for f in self.factors}

    def __len__(self) -> int:
        return len(self.factors)

    def lookup(self, *, item: str, parameter: str, gas: str | None = None,
               category: str | None = None, region_code: str | None = None,
               year: int | None = None, variant: str | None = None,
               **kwargs: object) -> FactorLike:
        """The most specific user factor for the key, else the base library's factor.

        Raises
        ------
        DataError
            Several user rows match equally (e.g. rows that differ by category for a
            parameter the method does not look up by category).
        NotFound
            Neither the file nor the base library has the factor.
        """
        wanted = _item_id(item)
        canon = canonical_parameter(parameter)
        species = (canonical_gas(gas) if gas and gas not in NON_SPECIES_GASES else gas)
        best: list[Factor] = []
        best_score = -1
        for f in self.factors:
            if f.item != wanted or f.parameter != canon:
                continue
            if species and f.gas and f.gas != species:
                continue
            if variant and f.variant and f.variant != variant:
                continue
            if category and f.category and not _applies(f.category, category):
                continue
            score = ((len(f.category) if category else 0) * 4
                     + (2 if variant and f.variant else 0) + (1 if species and f.gas else 0))
            if score > best_score:
                best, best_score = [f], score
            elif score == best_score:
                best.append(f)
        if len(best) == 1:
            return best[0]
        if best:
            ids = ", ".join(f.id for f in best)
            raise DataError(Problem(
                f"因子文件中有多行同样适用于 {wanted}/{canon}（{ids}）；该参数不按类别查找，"
                "请只保留一行或用 variant 区分",
                f"several rows of the factor file apply equally to {wanted}/{canon} ({ids}); "
                "this parameter is not looked up by category: keep one row or set variant"))
        key: dict[str, object] = {"item": item, "parameter": parameter, "gas": gas,
                                  "category": category, "region_code": region_code,
                                  "year": year}
        if variant is not None:
            key["variant"] = variant
        return self.base.lookup(**key, **kwargs)

    def by_id(self, factor_id: str) -> Factor:
        """A user factor or a base factor by id (NotFound if neither)."""
        if factor_id in self._by_id:
            return self._by_id[factor_id]
        return self.base.by_id(factor_id)

    def dataset_refs(self) -> list[DatasetRef]:
        """The base library's editions plus the user file's (its SHA-256 prefix)."""
        users = sorted({DatasetRef(f.dataset, f.edition) for f in self.factors})
        return users + self.base.dataset_refs()

    def variant_names(self) -> frozenset[str]:
        """Variants the file names (accepted as activity items, e.g. forest types)."""
        return frozenset(f.variant for f in self.factors if f.variant)


def _item_id(name: str) -> str:
    try:
        return resolve_item(name)
    except DataError:
        return name


def _target_parameter(category: str, gas: str, item: str) -> str | Problem:
    """The engine parameter `ef` means for a category and gas."""
    if (category == "1.A" or category.startswith("1.A.")) and gas == "CO2":
        return Problem("燃料燃烧的 CO2 由 ncv × carbon_content × oxidation 计算，请改写这三个参数",
                       "fuel-combustion CO2 is computed as ncv × carbon_content × oxidation: "
                       "override those parameters instead of ef")
    best: tuple[int, str] | None = None
    for prefix, ef_gas, parameter in EF_PARAMETERS:
        if (category == prefix or category.startswith(prefix + ".")) and ef_gas in (None, gas):
            if best is None or len(prefix) > best[0]:
                best = (len(prefix), parameter)
    if best is None:
        return Problem(
            f"类别 {category} 的 {gas or ''} 没有单一的排放因子 ef，请写出参数名（如 "
            "EF4_indirect_N2O、k_methane_generation_rate、wood_density_D）",
            f"category {category} has no single emission factor 'ef' for {gas or 'this gas'}; "
            "name the parameter (e.g. EF4_indirect_N2O, k_methane_generation_rate, "
            "wood_density_D)")
    return best[1]


def read_factor_overrides(
    source: Path | bytes, *, filename: str | None = None, sheet: str | None = None,
    base: FactorLibrary | None = None,
) -> FactorOverrides:
    """Read a factor override FILE into a `FactorOverrides` over `base` (default library).

    Raises
    ------
    DataError
        Every problem with file, row and column: unknown category, item, gas or parameter,
        ``ef`` without a gas or where it is not one factor, a unit of another dimension than
        the factor it replaces, duplicated rows.  Nothing is returned when any is found.
    """
    library = base if base is not None else default_library()
    frame = read_table(source, FACTOR_SCHEMA, filename=filename, sheet=sheet)
    file, grid = read_grid(source, filename=filename, sheet=sheet)
    data = source if isinstance(source, bytes | bytearray) else Path(source).read_bytes()
    edition = hashlib.sha256(data).hexdigest()[:12]
    rows = [r + 1 for r, row in enumerate(grid[1:], start=1)
            if any(str(c).strip() for c in row if c is not None)]
    known = set(library.frame()["parameter"]) | {canonical_parameter(p) for p in ENGINE_PARAMETERS}
    problems: list[Problem] = []
    factors: list[Factor] = []
    seen: dict[tuple, int] = {}
    for position, rec in enumerate(frame.to_dict("records")):
        row = rows[position] if position < len(rows) else position + 2
        before = len(problems)

        def bad(column: str, zh: str, en: str, row: int = row) -> None:
            problems.append(Problem(zh, en, Location(file, row, column)))

        category = str(rec["category"]).strip()
        if category not in MEMO_CATEGORIES:
            try:
                category = ipcc_category(category).code
            except DataError as exc:
                bad("category", exc.problems[0].message_zh, exc.problems[0].message_en)
                continue
        gas = _text(rec["gas"])
        if gas and gas not in NON_SPECIES_GASES:
            try:
                gas = canonical_gas(gas)
            except DataError as exc:
                bad("gas", exc.problems[0].message_zh, exc.problems[0].message_en)
        item = _override_item(category, str(rec["item"]))
        if isinstance(item, Problem):
            bad("item", item.message_zh, item.message_en)
            continue
        if not gas and (category.startswith(("2.C", "2.E", "2.F", "2.G"))):
            gas = item
        name = str(rec["parameter"]).strip()
        if name == "ef":
            if not gas:
                bad("gas", "参数 ef 须注明气体", "parameter ef needs a gas")
                continue
            target = _target_parameter(category, gas, item)
            if isinstance(target, Problem):
                bad("parameter", target.message_zh, target.message_en)
                continue
            parameter = canonical_parameter(target)
        else:
            parameter = canonical_parameter(name)
            if parameter not in known:
                bad("parameter", f"未知参数“{name}”（应为 ef、ncv、carbon_content、oxidation "
                    "或因子库中的参数名）", f"unknown parameter '{name}' (use ef, ncv, "
                    "carbon_content, oxidation or a parameter of the factor library)")
                continue
        unit = str(rec["unit"])
        problem = _unit_problem(library, item, parameter, unit)
        if problem is not None:
            bad("unit", *problem)
        variant = _text(rec["variant"])
        key = (category, item, gas, parameter, variant)
        if key in seen:
            bad("parameter", f"与第 {seen[key]} 行重复", f"duplicates row {seen[key]}")
        seen.setdefault(key, row)
        if len(problems) > before:
            continue
        unc = rec["uncertainty_pct"]
        factors.append(Factor(
            id=f"user:{file}#{row}/{item}/{parameter}", dataset=f"user:{file}",
            edition=edition, category=category, item=item, item_zh="", gas=gas,
            parameter=parameter, value=float(rec["value"]), unit=unit, region_code="",
            year_from=None, year_to=None,
            source=str(rec["source"] or "") if rec["source"] is not None else "",
            locator=f"{file} row {row}", provisional=False,
            uncertainty_pct=None if unc is None or unc != unc else float(unc),
            variant=variant, note="user override",
        ))
    if problems:
        raise DataError(problems)
    return FactorOverrides(factors, library)


def _text(value: object) -> str:
    """An optional text cell: "" when empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _override_item(category: str, name: str) -> str | Problem:
    """The item of an override row: an activity item of the category or a catalogue item."""
    try:
        return resolve_activity_item(category, name)
    except DataError as first:
        try:
            return resolve_item(name)
        except DataError:
            p = first.problems[0]
            return Problem(p.message_zh, p.message_en)


def _unit_problem(library: FactorLibrary, item: str, parameter: str,
                  unit: str) -> tuple[str, str] | None:
    """(zh, en) when `unit` cannot stand for the factor it overrides."""
    defaults = [f.unit for f in library.factors() if f.item == item and f.parameter == parameter]
    if defaults:
        if any(_same(unit, d) for d in defaults):
            return None
        return (f"单位“{unit}”与默认因子的单位“{defaults[0]}”量纲不同",
                f"unit '{unit}' has a different dimension from the default factor's "
                f"'{defaults[0]}'")
    options = _DIMENSIONS.get(parameter)
    if options is None or any(_same(unit, o) for o in options):
        return None
    return (f"参数 {parameter} 的单位应与 {' / '.join(options)} 同量纲，而不是“{unit}”",
            f"parameter {parameter} needs a unit like {' / '.join(options)}, not '{unit}'")


def _same(a: str, b: str) -> bool:
    try:
        parse_unit(b)
    except UnitError:
        # Library units such as "fraction" are pure numbers.
        return _same(a, "1")
    if same_dimension(a, b):
        return True
    # "t C/TJ" vs "t/TJ", "kgCH4/TJ" vs "kg/TJ": the row's gas column already names the
    # species, so a unit that differs only by the species label is the same quantity.
    try:
        conversion_factor(_unlabelled(a), _unlabelled(b))
    except UnitError:
        return False
    return True


_SPECIES = re.compile(r"\s?(CO2|CH4|N2O|C)(?![A-Za-z0-9])")


def _unlabelled(unit: str) -> str:
    """`unit` without a species label (kgCH4/TJ → kg/TJ, t C/TJ → t/TJ)."""
    return _SPECIES.sub("", unit)
