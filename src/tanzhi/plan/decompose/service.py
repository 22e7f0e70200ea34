"""Decomposition use cases: run a round, version it, adopt it, compare rounds, read weights.

`run_round` gathers the children's statistics (`inputs.gather_inputs`), resolves the parent's
target, allocates with `calc.allocate`, checks the aggregate independently
(`calc.aggregate_of`) and, when asked, stores the round with its inputs snapshot. Rounds are
never edited; adopting one un-adopts the previous adopted round of the same plan, indicator
and parent region. `adopted_child_targets` is what plan tracking reads for the children.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.kernel import (
    Column,
    DataError,
    Location,
    NotFound,
    Problem,
    TableSchema,
    get_region,
    read_table,
    utcnow,
)
from tanzhi.plan.decompose import calc, store
from tanzhi.plan.decompose.inputs import (
    gather_inputs,
    indicator_kind,
    resolve_parent_target,
)
from tanzhi.plan.decompose.model import RoundResult, calc_method_zh
from tanzhi.plan.decompose.workbook import allocation_workbook as build
from tanzhi.plan.model import load_plan
from tanzhi.plan.service.registry import get_plan, list_plan_records
from tanzhi.plan.service.warnings import sync_warnings
from tanzhi.plan.store import RoundRow, TargetRow

WEIGHTS_SCHEMA = TableSchema(
    name="decomposition_weights",
    columns=(
        Column("criterion", "str", aliases=("分解依据", "指标", "准则"),
               description="equity | capacity | potential_intensity | potential_coal | structure"),
        Column("weight", "float", aliases=("权重",), nonnegative=True),
    ),
    key=("criterion",),
)
CRITERION_ALIASES = {"公平": "equity", "能力": "capacity", "潜力-强度": "potential_intensity",
                     "潜力-煤炭": "potential_coal", "产业结构": "structure"}


def read_weights(source: Path | bytes, *, filename: str | None = None) -> dict[str, float]:
    """Criterion weights from a CSV/XLSX file with columns ``criterion,weight``.

    Criteria are the keys of `calc.CRITERIA` (or their Chinese names: 公平, 能力, 潜力-强度,
    潜力-煤炭, 产业结构); criteria left out weigh 0; weights are scaled to sum to 1.
    Errors name the file, row and column.
    """
    frame = read_table(source, WEIGHTS_SCHEMA, filename=filename)
    name = filename or (source.name if isinstance(source, Path) else "<upload>")
    problems = []
    weights: dict[str, float] = {}
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        key = CRITERION_ALIASES.get(str(row.criterion).strip(), str(row.criterion).strip())
        if key not in calc.CRITERIA:
            problems.append(Problem(
                f"未知的分解依据“{row.criterion}”（可用：{', '.join(calc.CRITERIA)}）",
                f"unknown criterion {row.criterion!r} (known: {', '.join(calc.CRITERIA)})",
                location=Location(name, i, "criterion")))
            continue
        weights[key] = float(row.weight)
    if problems:
        raise DataError(problems)
    calc.normalised_weights(weights)  # sum > 0
    return weights


def run_round(
    session: Session, *, plan_id: str, indicator_id: str, method: str,
    weights: dict[str, float] | None = None, alpha: float = 1.0,
    floors: dict[str, float] | None = None, caps: dict[str, float] | None = None,
    growth_overrides: dict[str, float] | None = None, parent_target: float | None = None,
    name: str = "", actor: str = "system", save: bool = False, note: str = "",
) -> RoundResult:
    """Compute one allocation round and, if `save`, store it as a new (unadopted) version."""
    if method not in calc.METHODS:
        raise DataError(Problem(f"未知的分解方法：{method}（可用：equal、intensity、weighted）",
                                f"unknown method {method!r} (equal, intensity, weighted)"))
    plan = get_plan(session, plan_id, packaged=True)
    indicator = plan.indicator(indicator_id)
    ik = indicator_kind(indicator)
    target = resolve_parent_target(session, plan, indicator, parent_target)
    inputs = gather_inputs(session, plan.region_code, base_year=plan.base_year,
                           quantity=ik.quantity, growth_overrides=growth_overrides)
    years = plan.period_end - plan.base_year
    used_weights = calc.normalised_weights(weights) if method == "weighted" else {}
    allocation = calc.allocate(inputs.children, kind=ik.kind, parent_target=target.value,
                               method=method, years=years, weights=weights, alpha=alpha,
                               floors=floors, caps=caps)
    children = allocation.children
    children["base_value"] = (children["share0"] * 100 if ik.kind == "share"
                              else children["emissions0"] if ik.kind == "total"
                              else children["intensity"])
    check = calc.aggregate_of(children, kind=ik.kind, years=years)
    meets = calc.meets_parent(check, target.value, ik.kind)
    aggregate = {"parent_target": target.value, "aggregate": check, "meets": meets,
                 "scale": allocation.scale,
                 # In the unit of the children's base values (tCO2/万元 for CO2 intensity).
                 "parent_base": allocation.parent_base / (
                     1e4 if ik.kind == "intensity" and ik.quantity == "co2" else 1.0),
                 "equal_rate_aggregate": allocation.equal_rate_aggregate,
                 "tolerance": calc.TOLERANCE}
    result = RoundResult(
        plan_id=plan.id, plan_edition=plan.edition, indicator_id=indicator.id,
        indicator_name_zh=indicator.name_zh, indicator_name_en=indicator.name_en,
        region_code=inputs.parent.code, region_name_zh=inputs.parent.name_zh,
        region_name_en=inputs.parent.name_en, kind=ik.kind, quantity=ik.quantity, unit=ik.unit,
        method=method, name=name or f"{calc_method_zh(method)} {utcnow():%Y-%m-%d %H:%M}",
        parent_target=target.value, parent_target_source_zh=target.source_zh,
        parent_target_source_en=target.source_en, provisional=target.provisional,
        base_year=plan.base_year, target_year=plan.period_end, weights=used_weights,
        params={"alpha": alpha, "floors": floors or {}, "caps": caps or {},
                "growth_overrides": growth_overrides or {}, "provisional": target.provisional,
                "years": years, "indicator_name_zh": indicator.name_zh,
                "indicator_name_en": indicator.name_en, "region_name_zh": inputs.parent.name_zh,
                "region_name_en": inputs.parent.name_en},
        children=children, aggregate=aggregate, sources=inputs.sources,
        notes=[*inputs.notes, *allocation.notes], synthetic=inputs.synthetic, created_by=actor)
    if save:
        _save(session, result, note=note)
    return result


_SNAPSHOT = ("region_code", "name_zh", "name_en", "gdp0", "gdp_growth", "growth_source",
             "energy0", "energy_growth", "emissions0", "unit0", "population", "secondary_share",
             "coal_share", "nonfossil0", "share0", "intensity", "gdp_per_capita", "gdp_share",
             "profile", "rate", "target", "base_value", "bound")


def _save(session: Session, result: RoundResult, *, note: str) -> None:
    ch = result.children
    snapshot = ch[[c for c in _SNAPSHOT if c in ch.columns]].to_dict(orient="records")
    row = RoundRow(
        plan_id=result.plan_id, plan_edition=result.plan_edition,
        indicator_id=result.indicator_id, region_code=result.region_code, name=result.name[:200],
        kind=result.kind, quantity=result.quantity, unit=result.unit, method=result.method,
        parent_target=result.parent_target,
        parent_target_source=f"{result.parent_target_source_zh} / {result.parent_target_source_en}",
        base_year=result.base_year, target_year=result.target_year, weights=result.weights,
        params=result.params, inputs=jsonable(snapshot), sources=jsonable(result.sources),
        aggregate=jsonable(result.aggregate), notes=[list(n) for n in result.notes],
        synthetic=result.synthetic, created_by=result.created_by, note=note)
    row.targets = [TargetRow(region_code=r.region_code, name_zh=r.name_zh,
                                   name_en=r.name_en, base_value=float(r.base_value),
                                   target=float(r.target), profile=float(r.profile),
                                   bound=str(r.bound)) for r in ch.itertuples(index=False)]
    store.add_round(session, row)
    result.round_id = row.id
    result.created_at = row.created_at.isoformat() if row.created_at else ""


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _from_row(row: RoundRow) -> RoundResult:
    children = pd.DataFrame(row.inputs)
    zh, _, en = row.parent_target_source.partition(" / ")
    return RoundResult(
        plan_id=row.plan_id, plan_edition=row.plan_edition, indicator_id=row.indicator_id,
        indicator_name_zh=row.params.get("indicator_name_zh", row.indicator_id),
        indicator_name_en=row.params.get("indicator_name_en", row.indicator_id),
        region_code=row.region_code, region_name_zh=row.params.get("region_name_zh", ""),
        region_name_en=row.params.get("region_name_en", ""), kind=row.kind,
        quantity=row.quantity, unit=row.unit, method=row.method, name=row.name,
        parent_target=row.parent_target, parent_target_source_zh=zh,
        parent_target_source_en=en, provisional=bool(row.params.get("provisional")),
        base_year=row.base_year, target_year=row.target_year, weights=dict(row.weights),
        params=dict(row.params), children=children, aggregate=dict(row.aggregate),
        sources=list(row.sources), notes=[tuple(n) for n in row.notes],
        synthetic=row.synthetic, round_id=row.id, adopted=row.adopted,
        created_by=row.created_by,
        created_at=row.created_at.isoformat() if row.created_at else "",
        extra={"adopted_by": row.adopted_by, "note": row.note,
               "adopted_at": row.adopted_at.isoformat() if row.adopted_at else None})


def get_round(session: Session, round_id: int) -> RoundResult:
    """A stored round; `NotFound` otherwise."""
    row = store.get_round_row(session, round_id)
    if row is None:
        raise NotFound(f"没有第 {round_id} 轮分解方案 / no decomposition round {round_id}")
    return _with_names(session, _from_row(row))


def _with_names(session: Session, result: RoundResult) -> RoundResult:
    region = get_region(session, result.region_code)
    if region is not None:
        result.region_name_zh, result.region_name_en = region.name_zh, region.name_en
    try:
        ind = load_plan(result.plan_id).indicator(result.indicator_id)
        result.indicator_name_zh, result.indicator_name_en = ind.name_zh, ind.name_en
    except (NotFound, DataError):
        pass
    return result


def list_rounds(session: Session, *, plan_id: str | None = None,
                indicator_id: str | None = None, region_codes: list[str] | None = None
                ) -> list[RoundResult]:
    """Stored rounds, newest first."""
    return [_from_row(r) for r in store.list_round_rows(
        session, plan_id=plan_id, indicator_id=indicator_id, region_codes=region_codes)]


def adopt_round(session: Session, round_id: int, *, actor: str) -> RoundResult:
    """Adopt a round; the previously adopted round of that indicator and region is un-adopted."""
    row = store.get_round_row(session, round_id)
    if row is None:
        raise NotFound(f"没有第 {round_id} 轮分解方案 / no decomposition round {round_id}")
    if not row.aggregate.get("meets"):
        raise DataError(Problem("该轮分解汇总后达不到上级目标，不能采纳",
                                "this round does not meet the parent's target; it cannot be "
                                "adopted"))
    store.set_adopted(session, row, actor=actor, at=utcnow())
    # The children's targets moved, and so may the parent's (a provincial round sets the
    # city's): re-light the plans whose status reads this round (issue #11 item 5).
    sync_warnings(session, plan_ids=_plans_reading(session, row), actor=actor)
    return get_round(session, round_id)


def _plans_reading(session: Session, row: RoundRow) -> list[str]:
    """The round's plan and the plans of its child regions (whose own targets it assigns)."""
    children = {t.region_code for t in row.targets}
    return [row.plan_id, *sorted(r.plan_id for r in list_plan_records(session)
                                 if r.region_code in children and r.plan_id != row.plan_id)]


def compare_rounds(session: Session, round_ids: list[int]) -> pd.DataFrame:
    """Child targets of several rounds side by side: region_code, name_zh, then one column each."""
    frame: pd.DataFrame | None = None
    for rid in dict.fromkeys(round_ids):  # each round once, in the order asked
        r = get_round(session, rid)
        part = r.children[["region_code", "name_zh", "target"]].rename(
            columns={"target": f"round_{rid}"})
        frame = part if frame is None else frame.merge(part, on=["region_code", "name_zh"],
                                                       how="outer")
    return frame if frame is not None else pd.DataFrame(columns=["region_code", "name_zh"])


DEMO_ROUNDS = (
    # (plan, indicator, method, name) — the province first, so Shaoxing's parent value is the
    # target the adopted provincial round assigns to Shaoxing.
    ("zj-fyp14-climate", "co2_intensity_reduction", "weighted", "演示：省对设区市 综合指数法"),
    ("sx-fyp14-climate", "co2_intensity_reduction", "weighted",
     "演示：绍兴市对县（市、区） 综合指数法"),
    # The city's 16.5 % energy-intensity cut (assigned_targets.csv) to its counties (issue #11
    # item 4): status applies each county's cut to its base-year intensity.
    ("sx-fyp14-climate", "energy_intensity", "weighted",
     "演示：绍兴市对县（市、区） 单位GDP能耗 综合指数法"),
)


def demo_seed(session: Session) -> int:
    """The adopted `DEMO_ROUNDS`: Zhejiang → cities (CO2 intensity), Shaoxing → counties (CO2
    and energy intensity)."""
    written = 0
    for plan_id, indicator_id, method, name in DEMO_ROUNDS:
        result = run_round(session, plan_id=plan_id, indicator_id=indicator_id, method=method,
                           name=name, actor="demo", save=True,
                           note="演示数据：上级目标及来源见 parent_target_source")
        adopt_round(session, result.round_id, actor="demo")
        written += 1 + len(result.children)
    return written


def allocation_workbook(result: RoundResult) -> bytes:
    """The round as the official allocation table (xlsx), see `workbook.allocation_workbook`."""
    child_level = "city" if result.region_code.endswith("0000") else "county"
    return build(result, child_level=child_level)
