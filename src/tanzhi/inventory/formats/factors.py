"""The factor override file (FILE): user factors layered over the packaged default library.

Columns ``category, item, gas, parameter, value, unit[, uncertainty_pct][, variant][, source]``.
``parameter`` is a name users know — ``ef`` (the emission factor of that category and gas),
``EF1``, ``direct_n2o_ef``, ``ncv``/低位发热量, ``carbon_content``/单位热值含碳量,
``oxidation``/碳氧化率 … — resolved through one alias table (`formats.parameters`, packaged
dataset ``factor-parameters``), or any parameter name of the factor library or the engine.

Semantics (issue #9, item 1):

* A row's category limits it to that category and its children (IPCC code prefixes: ``1.A.1``
  covers ``1.A.1.a``, never ``1.A.2``), whatever parameter it names and whether or not the
  method looks that parameter up by category.
* A row written for the activity's own item reaches the factor the method reads for it, also
  where the method reads a fixed item (氮肥 under 3.C.4 → ``managed_soils``' EF1; a water regime
  under 3.C.7; a waste type's MCF under 4.A; cement under 2.A.1; a component's N2O under 4.C; a
  pathway's Bo under 4.D).
* The most specific row wins: the activity's item over the method's fixed item, then the
  longer category, then variant, then gas.
* Every row must be used by at least one computed result row; `check_overrides_used` fails the
  compilation naming the file, row, column and why a row matched nothing.

Fuel combustion takes a factor by any published path (see `tanzhi.inventory.calc.energy`):
``ef`` in a mass per energy unit (kg/TJ, t/GJ, tCO2/tce) is ``EF_combustion``, in a mass per
physical unit (t/t, kg/m³, 吨/万立方米) ``EF_combustion_physical``, for CO2, CH4 and N2O alike.

Each row becomes a kernel `Factor` whose id says it came from the user file
(``user:<file>#<row>/<item>/<parameter>``) and whose edition is the file's SHA-256 prefix, so
results keep their lineage.  A row applies to every region and year.  Everything else falls
through to `tanzhi.kernel.factors.default_library()`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from tanzhi.inventory.formats.parameters import (
    ENERGY_EF,
    PHYSICAL_EF,
    resolve_parameter,
    unit_basis,
    unlabelled,
)
from tanzhi.inventory.formats.vocabulary import MEMO_CATEGORIES, resolve_activity_item
from tanzhi.inventory.model import ID_SEPARATOR, FactorLike
from tanzhi.kernel import (
    COAL_CONTEXT,
    NON_SPECIES_GASES,
    Column,
    DataError,
    DatasetRef,
    Factor,
    FactorLibrary,
    Location,
    Problem,
    TableSchema,
    UnitError,
    canonical_gas,
    canonical_parameter,
    conversion_factor,
    default_library,
    ipcc_category,
    parse_unit,
    read_grid,
    read_table,
    resolve_item,
    same_dimension,
)

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

# Engine parameters absent from the packaged library, accepted by name.
ENGINE_PARAMETERS = frozenset({
    "EF_combustion", "EF_combustion_physical", "EF_fugitive", "emission_rate", "BEF",
    "typical_animal_mass", "cultivation_period", "clinker_cao_fraction", "protein_per_capita",
    "cullet_ratio", "Bo_max_CH4_producing_capacity", "MCF_industrial_wastewater",
    "MCF_domestic_wastewater",
})
# Units a parameter needs, checked before any default's unit (the combustion EFs are taken per
# energy or per physical unit whatever the packaged default's basis).
_DIMENSIONS = {"ncv": ("GJ/t", "GJ/m**3"), "carbon_content": ("t/TJ",),
               "oxidation": ("1",), ENERGY_EF: ("kg/TJ", "t/tce"),
               PHYSICAL_EF: ("t/t", "t/m**3")}


# Parameters of the fuel-combustion paths: one left out by precedence is superseded, not
# unknown to the method.
_COMBUSTION_PATHS = frozenset({"ncv", "carbon_content", "oxidation", ENERGY_EF, PHYSICAL_EF})


def _applies(factor_category: str, wanted: str) -> bool:
    return (not factor_category or wanted == factor_category
            or wanted.startswith(factor_category + "."))


class FactorOverrides:
    """User factors from a FILE layered over a base library (a `ScopedLookup`).

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
        self._by_parameter: dict[str, list[Factor]] = {}
        for f in self.factors:
            self._by_parameter.setdefault(f.parameter, []).append(f)
        # What the engine asked for: (parameter, scope category, item, scope item, gas).
        self.asked: set[tuple[str, str, str, str, str]] = set()
        # Scoped lookups come from the engine on behalf of one activity row; an unscoped
        # `lookup` without a category (e.g. a grid-factor series) keeps every row eligible.

    def __len__(self) -> int:
        return len(self.factors)

    def lookup(self, *, item: str, parameter: str, gas: str | None = None,
               category: str | None = None, region_code: str | None = None,
               year: int | None = None, variant: str | None = None,
               **kwargs: object) -> FactorLike:
        """A lookup on behalf of no particular activity row: user rows are limited by
        `category` only when it is given (see `lookup_in_scope`)."""
        return self.lookup_in_scope(
            scope_category=category, scope_item=item, item=item, parameter=parameter,
            gas=gas, category=category, region_code=region_code, year=year, variant=variant,
            **kwargs)

    def lookup_in_scope(self, *, scope_category: str | None, scope_item: str, item: str,
                        parameter: str, gas: str | None = None, category: str | None = None,
                        region_code: str | None = None, year: int | None = None,
                        variant: str | None = None, **kwargs: object) -> FactorLike:
        """The most specific user factor for an activity row, else the base library's factor.

        A user row applies when its category covers `scope_category` (the activity row's
        category), its item is the method's `item` or the activity's `scope_item`, and its
        gas and variant, where given, agree.

        Raises
        ------
        DataError
            Several user rows match equally.
        NotFound
            Neither the file nor the base library has the factor.
        """
        wanted = _item_id(item)
        own = _item_id(scope_item) if scope_item else wanted
        canon = canonical_parameter(parameter)
        species = (canonical_gas(gas) if gas and gas not in NON_SPECIES_GASES else gas)
        self.asked.add((canon, scope_category or "", wanted, own, species or ""))
        best: list[Factor] = []
        best_score = -1
        for f in self._by_parameter.get(canon, ()):
            if f.item not in (wanted, own):
                continue
            if species and f.gas and f.gas != species:
                continue
            if variant and f.variant and f.variant != variant:
                continue
            if (f.category and scope_category is not None
                    and not _applies(f.category, scope_category)):
                continue
            score = ((1000 if f.item == own and own != wanted else 0) + len(f.category) * 4
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
                f"因子文件中有多行同样适用于 {own}/{canon}（{ids}）；请只保留一行或用 variant 区分",
                f"several rows of the factor file apply equally to {own}/{canon} ({ids}): "
                "keep one row or set variant"))
        key: dict[str, object] = {"item": item, "parameter": parameter, "gas": gas,
                                  "category": category, "region_code": region_code,
                                  "year": year}
        if variant is not None:
            key["variant"] = variant
        return self.base.lookup(**key, **kwargs)  # type: ignore[arg-type]

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


def used_factor_ids(rows: pd.DataFrame) -> set[str]:
    """Factor ids behind result rows that carry a number (notation rows use none)."""
    computed = rows["emissions_t"].notna()
    if "notation" in rows.columns:
        computed &= rows["notation"].fillna("").astype(str) == ""
    ids = rows.loc[computed, "factor_ids"].dropna().astype(str).unique()
    return {i for text in ids for i in text.split(ID_SEPARATOR) if i}


def check_overrides_used(overrides: FactorOverrides, rows: pd.DataFrame,
                         activity: pd.DataFrame) -> None:
    """Fail unless every row of the factor file was used by at least one computed row.

    Parameters
    ----------
    rows
        The compilation's result rows (``factor_ids``, ``emissions_t``, ``notation``).
    activity
        The activity it computed (``category``, ``item``), to say why a row matched nothing.

    Raises
    ------
    DataError
        One problem per unused row, located at its file, row and the column at fault: the
        category has no activity, the method does not read the parameter there, the gas is
        not one the method estimates with it, the item has no activity there, or the rows it
        covers took a more specific row or a higher-precedence path.
    """
    used = used_factor_ids(rows)
    cats = activity["category"].astype(str).unique() if len(activity) else []
    notes = (rows.loc[rows["note"].fillna("").astype(str).str.contains("user:", regex=False),
                      "note"].astype(str).unique() if "note" in rows.columns else [])
    problems = [_why_unused(f, overrides, cats, notes) for f in overrides.factors
                if f.id not in used]
    if problems:
        raise DataError(problems)


def _why_unused(f: Factor, overrides: FactorOverrides, categories: Iterable[str],
                notes: Iterable[str] = ()) -> Problem:
    file, _, rest = f.id.removeprefix("user:").partition("#")
    row = int(rest.split("/", 1)[0])

    def at(column: str, zh: str, en: str) -> Problem:
        return Problem(f"因子文件第 {row} 行未被任何计算结果使用：{zh}",
                       f"factor file row {row} was used by no computed row: {en}",
                       Location(file, row, column))

    scope = f.category or "*"
    for note in notes:
        # A compilation that reports rows NE instead of raising (the service) keeps the
        # refusal in the row's note: a unit of the wrong dimension, an ambiguity.
        if f.id in note:
            return at("unit", note, note)
    if not any(_applies(f.category, c) for c in categories):
        return at("category", f"活动水平数据中没有类别 {scope} 及其子类别的数据",
                  f"the activity has no row in category {scope} or below")
    asked = [a for a in overrides.asked if _applies(f.category, a[1])]
    params = sorted({a[0] for a in asked})
    mine = [a for a in asked if a[0] == f.parameter]
    if not mine and f.parameter in _COMBUSTION_PATHS and f.category.startswith("1.A"):
        return _superseded(at)
    if not mine:
        return at("parameter", f"类别 {scope} 的计算方法不使用参数 {f.parameter}"
                  f"（使用：{'、'.join(params) or '无'}）",
                  f"the method of category {scope} does not use parameter {f.parameter} "
                  f"(it uses: {', '.join(params) or 'none'})")
    gases = sorted({a[4] for a in mine if a[4]})
    if f.gas and gases and f.gas not in gases:
        return at("gas", f"类别 {scope} 不以参数 {f.parameter} 计算气体 {f.gas}"
                  f"（计算：{'、'.join(gases)}）",
                  f"category {scope} does not estimate {f.gas} with {f.parameter} "
                  f"(it does: {', '.join(gases)})")
    items = sorted({i for a in mine for i in (a[2], a[3])})
    if f.item not in items:
        return at("item", f"类别 {scope} 中没有项目 {f.item} 的活动数据需要参数 {f.parameter}"
                  f"（需要的项目：{'、'.join(items)}）",
                  f"no activity of item {f.item} in category {scope} needs {f.parameter} "
                  f"(items that do: {', '.join(items)})")
    return _superseded(at)


def _superseded(at) -> Problem:  # noqa: ANN001 - the located-problem maker of `_why_unused`
    return at("category", "它适用的行使用了更具体的因子文件行，或优先级更高的计算路径"
              "（实物量排放因子 > 热值排放因子 > 低位发热量×含碳量×氧化率）",
              "the rows it covers used a more specific row of the file or a path of higher "
              "precedence (per-physical-unit EF > per-energy EF > NCV × carbon content × "
              "oxidation)")


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
    known = (set(library.frame()["parameter"])
             | {canonical_parameter(p) for p in ENGINE_PARAMETERS})
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
        unit = str(rec["unit"])
        parameter = resolve_parameter(str(rec["parameter"]), category=category, item=item,
                                      gas=gas, unit=unit, known=known)
        if isinstance(parameter, Problem):
            bad(parameter.location.column or "parameter", parameter.message_zh,
                parameter.message_en)
            continue
        if parameter in (ENERGY_EF, PHYSICAL_EF) and not gas:
            bad("gas", "燃料燃烧排放因子须注明气体（CO2、CH4 或 N2O）",
                "a fuel-combustion emission factor needs its gas (CO2, CH4 or N2O)")
            continue
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
    options = _DIMENSIONS.get(parameter)
    if parameter in (ENERGY_EF, PHYSICAL_EF):
        # The basis already chose the parameter; the unit must still be a mass per energy or
        # per physical quantity (never, say, a pure number).
        if parameter == PHYSICAL_EF and unit_basis(unit) == "physical" and not any(
                _same(unit, o) for o in options or ()):
            return (f"实物量排放因子的单位应为质量/质量或质量/体积（如 t/t、kg/m^3），"
                    f"而不是“{unit}”",
                    f"a per-physical-unit emission factor needs a mass per mass or per volume "
                    f"(e.g. t/t, kg/m^3), not '{unit}'")
        return None
    defaults = [f.unit for f in library.factors() if f.item == item and f.parameter == parameter]
    if defaults:
        if any(_same(unit, d) for d in defaults):
            return None
        return (f"单位“{unit}”与默认因子的单位“{defaults[0]}”量纲不同",
                f"unit '{unit}' has a different dimension from the default factor's "
                f"'{defaults[0]}'")
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
    try:
        if same_dimension(a, b):
            return True
    except UnitError:
        return False
    # "t C/TJ" vs "t/TJ", "kgCH4/TJ" vs "kg/TJ": the row's gas column already names the
    # species, so a unit that differs only by the species label is the same quantity.
    try:
        conversion_factor(unlabelled(a), unlabelled(b), context=COAL_CONTEXT)
    except UnitError:
        return False
    return True
