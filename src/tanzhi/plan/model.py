"""Plan registry: the types of a Five-Year Plan and its indicators, and loading them from YAML.

A plan edition lives in ``src/tanzhi/data/plans/<plan-id>/<edition>/`` as ``plan.yaml`` (the
plan and its indicators, encoded exactly as the text prints them, defects alongside) and
``meta.yaml`` (provenance, with the sha256 of ``plan.yaml``). Models are strict: an unknown key
is an error, and every load error names the file, the line and the field path, in Chinese and
English (`tanzhi.kernel.errors.DataError`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from tanzhi.kernel import DataError, Location, NotFound, Problem
from tanzhi.plan.calc import Direction, Thresholds, Trajectory

Category = Literal["comprehensive", "mitigation", "adaptation", "pilots"]
Nature = Literal["约束性", "预期性"]
Accumulation = Literal["level", "cumulative", "annual"]
# Normalised comparators; the wording the text uses (以上, 不低于, 以内 …) stays in `printed`.
Comparator = Literal["≥", "≤", "左右", "不减少"]
TargetKind = Literal[
    "value",  # a bare number: reach this value
    "comparator",  # a number with a bound or approximation (≥4.45, 26以上, 50左右) or 不减少
    "per_region",  # one value per sub-area (设市城市 / 县城; 市区 / 县级市 / 县城)
    "per_component",  # one value per component of a compound indicator (公转水 / 公转铁)
    "relative",  # defined against another indicator (较全省碳排放强度下降平均高2个百分点)
    "set_by_higher_level",  # 国家/省/上级下达: filled in once the level above assigns it
    "qualitative",  # direction only (逐步提高, 全覆盖 without a number)
    "not_stated",  # the cell is blank
]
DefectCode = Literal[
    "draft",  # the text is a draft, not the issued plan
    "placeholder",  # an unfilled placeholder (**%)
    "count_mismatch",  # the text announces more indicators than it lists
    "table_missing",  # the indicator table (or a part of it) is absent from the text
    "baseline_conflict",  # table and text give different base-year figures
    "target_conflict",  # table and text give different targets
    "baseline_year",  # the base-year cell holds another year's data
    "unit_error",  # the printed unit cannot be right for the printed value
    "ambiguous",  # the cell can be read more than one way
    "ocr_garbled",  # characters damaged in the source text
    "blank_cell",  # a cell that should hold a value is empty
    "target_not_above_baseline",  # the target is already met at the base year
    "scope_mismatch",  # baseline and target measure different scopes
    "name_mismatch",  # table and text name the indicator differently
    "arithmetic",  # the text's own numbers do not add up
    "years_reversed",  # years printed in the wrong order
    "status_conflict",  # the text and a table disagree on whether a target was met
    "category_mismatch",  # the categories announced differ from the ones printed
    "nature_not_stated",  # no 约束性/预期性 given
    "department_not_stated",  # no responsible department given
]

_M = TypeVar("_M", bound=BaseModel)

_ID = r"^[a-z][a-z0-9_]*$"
_PLAN_ID = r"^[a-z]{2}-fyp\d{2}-[a-z][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a figure comes from: seed file, section or table cell, a short verbatim quote."""

    seed: str
    section: str
    quote: Annotated[str, Field(min_length=1, max_length=120)]


class Defect(_Strict):
    """One defect of the source text, kept beside the figure it affects, never fixed silently."""

    code: DefectCode
    field: str | None = None  # which part of the indicator it concerns: baseline, target, unit …
    explanation_zh: str
    explanation_en: str
    quote: str | None = None  # verbatim text showing the defect, when it is not the main quote


class Part(_Strict):
    """One value of a split figure (a sub-area or a component), as printed."""

    printed: str
    value: float | None = None
    comparator: Comparator | None = None


class Baseline(_Strict):
    """The base-year figure as printed ("-", "19.8*", "约35", "[16.3]") and its reading."""

    printed: str
    value: float | None = None
    qualifier: str | None = None  # 约, 以上 … when the printed figure is not exact
    year: int | None = None
    footnote: str | None = None
    parts: dict[str, Part] | None = None
    source: Source | None = None  # when the figure comes from elsewhere than the indicator's row


class Target(_Strict):
    """The target as printed and its reading (see `TargetKind`)."""

    kind: TargetKind
    printed: str
    value: float | None = None
    comparator: Comparator | None = None
    year: int = 2025
    parts: dict[str, Part] | None = None
    relative_to: str | None = None  # indicator id the offset applies to (kind relative)
    value_unit: str | None = None  # unit of a relative offset (百分点)
    set_by: str | None = None  # 国家 / 省 / 上级 for set_by_higher_level
    source: Source | None = None

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Target:
        need: dict[str, tuple[str, ...]] = {
            "value": ("value",),
            "comparator": ("comparator",),
            "per_region": ("parts",),
            "per_component": ("parts",),
            "relative": ("value", "relative_to"),
            "set_by_higher_level": ("set_by",),
        }
        for name in need.get(self.kind, ()):
            if getattr(self, name) is None:
                raise _bilingual(
                    f"目标类型 {self.kind} 需要字段 {name}",
                    f"target kind {self.kind} needs field {name}",
                )
        if self.kind == "comparator" and self.comparator != "不减少" and self.value is None:
            raise _bilingual(
                "带比较符的目标需要数值（“不减少”除外）",
                "a comparator target needs a value (except 不减少)",
            )
        if self.kind in {"set_by_higher_level", "qualitative", "not_stated"} and (
            self.value is not None
        ):
            raise _bilingual(
                f"目标类型 {self.kind} 不应有数值",
                f"target kind {self.kind} takes no value",
            )
        return self


class Indicator(_Strict):
    """One plan indicator (规划指标): identity, figures, reading aids, source and defects."""

    id: Annotated[str, Field(pattern=_ID)]
    seq: int | None = None  # 序号 as printed; None when the plan has no table
    name_zh: str
    name_en: str
    category: Category
    category_printed: str | None = None
    unit: str | None = None
    direction: Direction
    accumulation: Accumulation
    trajectory: Trajectory = "linear"
    nature: Nature | None = None
    nature_printed: str | None = None  # only when the printed text differs (damaged characters)
    department: str | None = None
    baseline: Baseline
    target: Target
    source: Source
    inferred: list[str] = []  # fields assigned by the editors rather than printed (category …)
    defects: list[Defect] = []


class Plan(_Strict):
    """One edition of a climate-change Five-Year Plan and its indicator system."""

    id: Annotated[str, Field(pattern=_PLAN_ID)]
    edition: str
    region_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    region_name_zh: str
    title_zh: str
    title_en: str
    status: Literal["draft", "final"]
    period_start: int
    period_end: int
    base_year: int
    seed: str
    declared_indicator_count: int | None = None
    thresholds: Thresholds = Thresholds()
    defects: list[Defect] = []
    indicators: list[Indicator]

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        if not self.base_year < self.period_end or self.period_start > self.period_end:
            raise _bilingual("规划期或基准年不合理", "plan period or base year is inconsistent")
        ids = [i.id for i in self.indicators]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise _bilingual(f"指标编号重复：{dup}", f"duplicate indicator ids: {dup}")
        for ind in self.indicators:
            ref = ind.target.relative_to
            if ref is not None and ref not in ids:
                raise _bilingual(
                    f"指标 {ind.id} 的目标引用了不存在的指标 {ref}",
                    f"indicator {ind.id} targets relative to unknown indicator {ref}",
                )
        return self

    @property
    def plan_years(self) -> int:
        """Years from base year to end of period (5 for a 14th-FYP plan based on 2020)."""
        return self.period_end - self.base_year

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id; `NotFound` otherwise."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise NotFound(f"plan {self.id} has no indicator {indicator_id!r}")

    def defects_for(self, indicator_id: str) -> list[Defect]:
        """Defects to show beside an indicator: the plan-wide ones, then its own."""
        return [*self.defects, *self.indicator(indicator_id).defects]


class PlanMeta(_Strict):
    """Provenance of a plan edition (the packaged-dataset meta keys, DESIGN.md)."""

    id: str
    edition: str
    title: str
    title_zh: str
    publisher: str | None
    document: str
    document_date: str | None
    locator: str
    url: str | None
    retrieved: str | None
    licence: str
    units: str
    seed: str
    seed_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    notes: str


@dataclass(frozen=True)
class PlanRef:
    """One packaged plan edition, as `list_plans` reports it."""

    id: str
    edition: str
    region_code: str
    title_zh: str
    status: str
    indicator_count: int


def _bilingual(zh: str, en: str) -> PydanticCustomError:
    return PydanticCustomError("tanzhi_bilingual", "{zh} / {en}", {"zh": zh, "en": en})


def plans_root() -> Path:
    """Directory of the packaged plan editions."""
    return Path(str(resources.files("tanzhi"))) / "data" / "plans"


def _editions(plan_dir: Path) -> list[str]:
    return sorted(p.name for p in plan_dir.iterdir() if (p / "plan.yaml").is_file())


def list_plans(root: Path | None = None) -> list[PlanRef]:
    """Every packaged plan edition, sorted by plan id then edition."""
    base = root or plans_root()
    refs = []
    for plan_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        for edition in _editions(plan_dir):
            plan = load_plan(plan_dir.name, edition, root=base)
            refs.append(
                PlanRef(
                    plan.id,
                    plan.edition,
                    plan.region_code,
                    plan.title_zh,
                    plan.status,
                    len(plan.indicators),
                )
            )
    return refs


def load_plan(plan_id: str, edition: str | None = None, *, root: Path | None = None) -> Plan:
    """Load one plan edition (the last edition in sort order when `edition` is None).

    Checks, besides the schema: ``meta.yaml`` exists and its sha256 matches ``plan.yaml`` (a
    published edition is never edited), and the id and edition inside both files match the
    directory names.

    Raises
    ------
    NotFound
        No such plan or edition.
    DataError
        A file is malformed; each problem names the file, the line and the field path.
    """
    base = root or plans_root()
    plan_dir = base / plan_id
    if not plan_dir.is_dir():
        raise NotFound(f"no plan {plan_id!r} under {base}")
    editions = _editions(plan_dir)
    if not editions:
        raise NotFound(f"plan {plan_id!r} has no edition with a plan.yaml")
    chosen = edition or editions[-1]
    if chosen not in editions:
        raise NotFound(f"plan {plan_id!r} has no edition {chosen!r}; editions: {editions}")
    folder = plan_dir / chosen
    plan_file, meta_file = folder / "plan.yaml", folder / "meta.yaml"
    label = f"{plan_id}/{chosen}"
    plan = _parse(Plan, plan_file, f"{label}/plan.yaml")
    if not meta_file.is_file():
        raise DataError.at(
            "缺少 meta.yaml（来源说明）",
            "meta.yaml (provenance) is missing",
            file=f"{label}/meta.yaml",
        )
    meta = _parse(PlanMeta, meta_file, f"{label}/meta.yaml")
    problems = []
    for name, doc_id, doc_edition in (
        ("plan.yaml", plan.id, plan.edition),
        ("meta.yaml", meta.id, meta.edition),
    ):
        if (doc_id, doc_edition) != (plan_id, chosen):
            problems.append(
                Problem(
                    f"id/edition 为 {doc_id}/{doc_edition}，与目录 {label} 不符",
                    f"id/edition {doc_id}/{doc_edition} does not match the folder {label}",
                    Location(f"{label}/{name}", None, "id"),
                )
            )
    digest = hashlib.sha256(plan_file.read_bytes()).hexdigest()
    if digest != meta.sha256:
        problems.append(
            Problem(
                f"plan.yaml 的 sha256 为 {digest}，与 meta.yaml 记录的不符：已发布版本不得修改，"
                "更正请另立新版本",
                f"plan.yaml has sha256 {digest}, not the one meta.yaml records: a published "
                "edition is never edited; correct it in a new edition",
                Location(f"{label}/meta.yaml", None, "sha256"),
            )
        )
    if meta.seed != plan.seed:
        problems.append(
            Problem(
                "meta.yaml 与 plan.yaml 的 seed 不一致",
                "meta.yaml and plan.yaml name different seed files",
                Location(f"{label}/meta.yaml", None, "seed"),
            )
        )
    if problems:
        raise DataError(problems)
    return plan


# ---- YAML parsing with line numbers -------------------------------------------------------


def _parse(model: type[_M], path: Path, label: str) -> _M:
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError.at(
            f"YAML 语法错误：{exc}",
            f"YAML syntax error: {exc}",
            file=label,
            row=mark.line + 1 if mark else None,
        ) from exc
    if not isinstance(data, dict):
        raise DataError.at("文件顶层应为映射", "the file's top level must be a mapping", file=label)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = dict(_node_lines(node, ()))
        raise DataError([_problem(err, label, lines) for err in exc.errors()]) from exc


def _node_lines(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], int]]:
    """(field path, 1-based line) for every node of a composed YAML document."""
    if node is None:
        return
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            # A key's own line is the better place to point at for an unknown key.
            yield (*path, key.value), key.start_mark.line + 1
            yield from _node_lines(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _node_lines(item, (*path, index))


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _problem(err: Any, label: str, lines: dict[tuple[Any, ...], int]) -> Problem:
    # Pydantic inserts the validator's type name into some locations (e.g. a dataclass);
    # keep only the keys that exist in the document.
    loc = tuple(part for part in err["loc"] if isinstance(part, int) or not str(part)[:1].isupper())
    line = None
    probe = loc
    while probe and line is None:
        line = lines.get(tuple(str(p) if not isinstance(p, int) else p for p in probe))
        probe = probe[:-1]
    zh, en = _messages(err)
    return Problem(zh, en, Location(label, line, _field_path(loc) or None))


_KNOWN = {
    "missing": ("缺少必填字段", "required field is missing"),
    "extra_forbidden": ("未知字段（拼写错误？）", "unknown field (a typo?)"),
    "unexpected_keyword_argument": ("未知字段（拼写错误？）", "unknown field (a typo?)"),
    "float_parsing": ("应为数字", "must be a number"),
    "float_type": ("应为数字", "must be a number"),
    "int_parsing": ("应为整数", "must be an integer"),
    "int_type": ("应为整数", "must be an integer"),
    "int_from_float": ("应为整数", "must be an integer"),
    "string_type": ("应为文本", "must be text"),
    "list_type": ("应为列表", "must be a list"),
    "dict_type": ("应为映射", "must be a mapping"),
    "model_type": ("应为映射", "must be a mapping"),
    "dataclass_type": ("应为映射", "must be a mapping"),
    "string_pattern_mismatch": ("格式不符", "does not match the expected pattern"),
}


def _messages(err: Any) -> tuple[str, str]:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "tanzhi_bilingual":
        return ctx["zh"], ctx["en"]
    if kind == "literal_error":
        allowed = ctx.get("expected", "")
        return f"取值不在允许范围内，应为 {allowed}", f"value not allowed; expected {allowed}"
    if kind in _KNOWN:
        zh, en = _KNOWN[kind]
        if kind == "string_pattern_mismatch":
            pattern = ctx.get("pattern", "")
            return f"{zh}（{pattern}）", f"{en} ({pattern})"
        return zh, en
    # Anything else (e.g. a ValueError from Thresholds): pydantic's own English text.
    msg = re.sub(r"^Value error, ", "", err["msg"])
    return f"取值无效：{msg}", f"invalid value: {msg}"
