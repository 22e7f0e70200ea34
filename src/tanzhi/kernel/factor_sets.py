"""User factor sets: reading them from CSV/Excel, storing them, publishing and superseding versions.

A set is a draft until published; a published set is immutable (editing it raises
`PublishedSetError`, both in the service functions and in an ORM guard), and a correction is a
new version that supersedes it.  A set's factors override packaged defaults by id
(`library_for_set`), so a calculation records exactly which values it used.

Tables: ``kernel_factor_set`` and ``kernel_factor``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel.categories import ipcc_category
from tanzhi.kernel.db import Base, Timestamped, utcnow
from tanzhi.kernel.errors import ConsistencyError, DataError, Location, NotFound, Problem
from tanzhi.kernel.factors import (
    Factor,
    FactorLibrary,
    check_factor,
    default_library,
    override_problems,
    resolve_item,
    valid_region_code,
)
from tanzhi.kernel.gwp import canonical_gas
from tanzhi.kernel.items import packaged_items
from tanzhi.kernel.sheets import is_empty, read_grid
from tanzhi.kernel.tables import Column, TableSchema, read_table


class SetStatus(StrEnum):
    """Life cycle of a factor set."""

    DRAFT = "draft"
    PUBLISHED = "published"


class PublishedSetError(ConsistencyError):
    """A published factor set was about to be changed; publish a new version instead."""


class FactorSetRow(Timestamped, Base):
    """A named, versioned set of user factors."""

    __tablename__ = "kernel_factor_set"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=SetStatus.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("kernel_factor_set.id"), nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")


class FactorRow(Base):
    """One factor of a user set (the `Factor` fields, keyed by set and factor id)."""

    __tablename__ = "kernel_factor"
    __table_args__ = (UniqueConstraint("set_id", "factor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("kernel_factor_set.id"), index=True)
    factor_id: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(40), default="")
    item: Mapped[str] = mapped_column(String(80))
    item_zh: Mapped[str] = mapped_column(String(120), default="")
    variant: Mapped[str] = mapped_column(String(120), default="")
    variant_zh: Mapped[str] = mapped_column(String(200), default="")
    gas: Mapped[str] = mapped_column(String(20), default="")
    parameter: Mapped[str] = mapped_column(String(80))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str] = mapped_column(String(12), default="")
    year_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    year_to: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(Text, default="")
    locator: Mapped[str] = mapped_column(Text, default="")
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    uncertainty_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


@dataclass(frozen=True)
class FactorSet:
    """A stored factor set, as the service returns it."""

    id: int
    name: str
    version: int
    status: SetStatus
    published_at: datetime | None
    supersedes_id: int | None
    created_by: str
    n_factors: int

    @property
    def dataset(self) -> str:
        """The dataset label its factors carry, e.g. ``user:local-2024``."""
        return set_dataset_label(self.name)

    @property
    def edition(self) -> str:
        """The edition label its factors carry: ``v<version>``."""
        return f"v{self.version}"


def set_dataset_label(name: str) -> str:
    """Dataset label of a user set's factors (kept apart from packaged dataset ids)."""
    return f"user:{name}"


# --------------------------------------------------------------------------- guard on the ORM
# Immutability is enforced on the mappers too, so code that bypasses the service functions
# cannot edit a published set: a published set's row may not change or go, and rows of a
# published set may not be inserted, changed or deleted.  Publishing (draft → published) is the
# one update allowed.


def _committed_status(target: FactorSetRow) -> str | None:
    history = inspect(target).attrs.status.history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else target.status


def _published_error(what_zh: str, what_en: str) -> PublishedSetError:
    return PublishedSetError(f"{what_zh}已发布，不能修改；请创建新版本 / "
                             f"{what_en} is published and cannot be changed; create a new version")


@event.listens_for(FactorSetRow, "before_update")
@event.listens_for(FactorSetRow, "before_delete")
def _guard_set(_mapper: object, _connection: Connection, target: FactorSetRow) -> None:
    if _committed_status(target) == SetStatus.PUBLISHED.value:
        raise _published_error(f"因子集 {target.name} v{target.version} ",
                               f"factor set {target.name} v{target.version}")


@event.listens_for(FactorRow, "before_insert")
@event.listens_for(FactorRow, "before_update")
@event.listens_for(FactorRow, "before_delete")
def _guard_factor(_mapper: object, connection: Connection, target: FactorRow) -> None:
    status = connection.execute(
        select(FactorSetRow.status).where(FactorSetRow.id == target.set_id)
    ).scalar_one_or_none()
    if status == SetStatus.PUBLISHED.value:
        raise _published_error(f"因子集 #{target.set_id} ", f"factor set #{target.set_id}")


# --------------------------------------------------------------------------- file reading


FACTOR_SCHEMA = TableSchema(
    name="factor_set",
    columns=(
        Column("id", aliases=("因子编号", "编号", "factor_id"),
               description="Factor id; an id of a packaged factor overrides it"),
        Column("item", aliases=("项目", "品种"), description="Item (Chinese or English name)"),
        Column("parameter", aliases=("参数",), description="Parameter, e.g. ncv, co2_ef"),
        Column("gas", required=False, aliases=("气体",), description="Gas, e.g. CO2, CH4"),
        Column("value", "float", unit_column="unit", aliases=("数值", "值"), description="Value"),
        Column("unit", "unit", aliases=("单位",), description="Unit, e.g. kJ/kg, kgCO2/kWh"),
        Column("region_code", required=False, aliases=("地区代码", "行政区划代码"),
               description="'' any, 000000 China, GB/T 2260 code, GRID-xx grid"),
        Column("year_from", "year", required=False, aliases=("起始年份",),
               description="First valid data year"),
        Column("year_to", "year", required=False, aliases=("截止年份",),
               description="Last valid data year"),
        Column("source", aliases=("来源", "数据来源"), description="Document the value comes from"),
        Column("uncertainty_pct", "float", required=False, nonnegative=True,
               aliases=("不确定性", "不确定性(%)"), description="Uncertainty, % of value"),
        Column("locator", required=False, aliases=("出处", "表格/条款"),
               description="Table, clause or page in the source"),
        Column("variant", required=False, aliases=("类型",), description="Variant of the item"),
        Column("category", required=False, aliases=("IPCC类别",),
               description="IPCC 2006 category code"),
    ),
    key=("id",),
)


def _data_rows(source: Path | bytes, filename: str | None, sheet: str | None) -> list[int]:
    # read_table drops blank rows and returns a positional index; the spreadsheet row of each
    # returned row is needed for the checks done after it, so it is recomputed the same way.
    _file, grid = read_grid(source, filename=filename, sheet=sheet)
    return [r + 1 for r, row in enumerate(grid[1:], start=1)
            if not all(is_empty(raw) for raw in row)]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    return "" if text in {"<NA>", "nan", "None"} else text.strip()


def read_factor_file(
    source: Path | bytes,
    *,
    set_name: str,
    filename: str | None = None,
    sheet: str | None = None,
    library: FactorLibrary | None = None,
    edition: str = "draft",
) -> list[Factor]:
    """Read a user factor file (CSV or .xlsx) into factors of set `set_name`.

    Columns: ``id,item,parameter,gas,value,unit,region_code,year_from,year_to,source
    [,uncertainty_pct,locator,variant,category]`` (Chinese headers accepted, see `FACTOR_SCHEMA`).
    A row whose id is a factor of `library` (the packaged defaults by default) overrides it and
    must keep its item, parameter and unit dimension.

    Raises
    ------
    DataError
        Listing every problem with file, spreadsheet row and column.
    """
    base = library if library is not None else default_library()
    frame = read_table(source, FACTOR_SCHEMA, filename=filename, sheet=sheet)
    shown = filename or (source.name if isinstance(source, Path) else "<upload>")
    rows = _data_rows(source, filename, sheet)
    problems: list[Problem] = []
    factors: list[Factor] = []
    for position, record in enumerate(frame.to_dict("records")):
        row = rows[position] if position < len(rows) else position + 2

        def at(column: str, row: int = row) -> Location:
            return Location(shown, row, column)

        factor_id = _cell(record["id"])
        default = base.by_id(factor_id) if factor_id in base else None
        item_known = True
        try:
            item = resolve_item(_cell(record["item"]), location=at("item"))
        except DataError as exc:
            problems += exc.problems
            item, item_known = _cell(record["item"]), False
        gas = _cell(record["gas"])
        if gas and gas != "CO2e":
            try:
                gas = canonical_gas(gas, location=at("gas"))
            except DataError as exc:
                problems += exc.problems
        region = _cell(record["region_code"])
        if not valid_region_code(region):
            problems.append(Problem(
                f"“{region}”不是地区代码（留空、6–12 位数字或 GRID-xx）",
                f"'{region}' is not a region code (blank, 6-12 digits or GRID-xx)",
                at("region_code")))
        category = _cell(record["category"]) or (default.category if default else "")
        if _cell(record["category"]):
            try:
                category = ipcc_category(category, location=at("category")).code
            except DataError as exc:
                problems += exc.problems
        year_from = None if _cell(record["year_from"]) == "" else int(record["year_from"])
        year_to = None if _cell(record["year_to"]) == "" else int(record["year_to"])
        if year_from is not None and year_to is not None and year_from > year_to:
            problems.append(Problem("起始年份晚于截止年份", "year_from is after year_to",
                                    at("year_to")))
        uncertainty = record["uncertainty_pct"]
        factor = Factor(
            id=factor_id, dataset=set_dataset_label(set_name), edition=edition,
            category=category, item=item,
            item_zh=(default.item_zh if default else _item_zh(item)), gas=gas,
            parameter=_cell(record["parameter"]), value=float(record["value"]),
            unit=_cell(record["unit"]), region_code=region, year_from=year_from, year_to=year_to,
            source=_cell(record["source"]), locator=_cell(record["locator"]), provisional=False,
            uncertainty_pct=None if uncertainty != uncertainty or uncertainty is None
            else float(uncertainty),
            variant=_cell(record["variant"]) or (default.variant if default else ""),
            variant_zh=default.variant_zh if default else "",
            confidence="user", note=f"user set {set_name}",
        )
        if default is not None and item_known:
            problems += override_problems(default, factor, Location(shown, row))
        factors.append(factor)
    if problems:
        raise DataError(problems)
    return factors


def _item_zh(item: str) -> str:
    found = packaged_items().get(item)
    return found.name_zh if found else ""


# --------------------------------------------------------------------------- service


def _snapshot(session: Session, row: FactorSetRow) -> FactorSet:
    count = session.execute(
        select(func.count()).select_from(FactorRow).where(FactorRow.set_id == row.id)
    ).scalar_one()
    return FactorSet(row.id, row.name, row.version, SetStatus(row.status), row.published_at,
                     row.supersedes_id, row.created_by, int(count))


def _require(session: Session, set_id: int) -> FactorSetRow:
    row = session.get(FactorSetRow, set_id)
    if row is None:
        raise NotFound(f"没有因子集 #{set_id} / no factor set #{set_id}")
    return row


def _require_draft(row: FactorSetRow) -> None:
    if row.status == SetStatus.PUBLISHED.value:
        raise PublishedSetError(
            f"因子集 {row.name} v{row.version} 已发布，不能修改；请创建新版本 / "
            f"factor set {row.name} v{row.version} is published and cannot be changed; "
            "create a new version"
        )


def _factor_row(set_id: int, factor: Factor) -> FactorRow:
    problems = check_factor(factor)
    if problems:
        raise DataError(problems)
    return FactorRow(
        set_id=set_id, factor_id=factor.id, category=factor.category, item=factor.item,
        item_zh=factor.item_zh, variant=factor.variant, variant_zh=factor.variant_zh,
        gas=factor.gas, parameter=factor.parameter, value=float(factor.value), unit=factor.unit,
        region_code=factor.region_code, year_from=factor.year_from, year_to=factor.year_to,
        source=factor.source, locator=factor.locator, provisional=factor.provisional,
        uncertainty_pct=factor.uncertainty_pct, note=factor.note,
    )


def create_factor_set(
    session: Session,
    *,
    name: str,
    factors: Iterable[Factor],
    created_by: str,
    supersedes_id: int | None = None,
) -> FactorSet:
    """Store a new draft set; its version is one more than the newest set of the same name."""
    name = name.strip()
    if not name:
        raise DataError(Problem("因子集名称不能为空", "the factor set needs a name"))
    if supersedes_id is not None:
        old = _require(session, supersedes_id)
        if old.name != name:
            raise DataError(Problem(
                f"新版本须与被取代的因子集同名（{old.name}）",
                f"a new version must keep the superseded set's name ({old.name})"))
    latest = session.execute(
        select(func.max(FactorSetRow.version)).where(FactorSetRow.name == name)
    ).scalar_one()
    row = FactorSetRow(name=name, version=(latest or 0) + 1, status=SetStatus.DRAFT.value,
                       supersedes_id=supersedes_id, created_by=created_by)
    session.add(row)
    session.flush()
    session.add_all([_factor_row(row.id, f) for f in factors])
    session.flush()
    return _snapshot(session, row)


def replace_factors(session: Session, set_id: int, factors: Iterable[Factor]) -> FactorSet:
    """Replace all factors of a draft set.

    Raises
    ------
    PublishedSetError
        The set is published.
    """
    row = _require(session, set_id)
    _require_draft(row)
    for old in session.scalars(select(FactorRow).where(FactorRow.set_id == set_id)):
        session.delete(old)
    session.flush()
    session.add_all([_factor_row(set_id, f) for f in factors])
    session.flush()
    return _snapshot(session, row)


def publish_factor_set(session: Session, set_id: int) -> FactorSet:
    """Publish a draft set, making it immutable.

    Raises
    ------
    PublishedSetError
        The set is already published.
    """
    row = _require(session, set_id)
    _require_draft(row)
    row.status = SetStatus.PUBLISHED.value
    row.published_at = utcnow()
    session.flush()
    return _snapshot(session, row)


def new_version(
    session: Session, set_id: int, *, created_by: str, factors: Iterable[Factor] | None = None
) -> FactorSet:
    """A draft that supersedes published set `set_id`, starting from its factors (or `factors`)."""
    old = _require(session, set_id)
    if old.status != SetStatus.PUBLISHED.value:
        raise DataError(Problem(
            f"因子集 {old.name} v{old.version} 仍是草稿，可直接修改",
            f"factor set {old.name} v{old.version} is still a draft; edit it instead"))
    start = list(factors) if factors is not None else set_factors(session, set_id)
    return create_factor_set(session, name=old.name, factors=start, created_by=created_by,
                             supersedes_id=old.id)


def get_factor_set(session: Session, set_id: int) -> FactorSet:
    """One stored set.  Raises NotFound."""
    return _snapshot(session, _require(session, set_id))


def list_factor_sets(session: Session, *, name: str | None = None) -> list[FactorSet]:
    """Stored sets, by name then version."""
    query = select(FactorSetRow).order_by(FactorSetRow.name, FactorSetRow.version)
    if name is not None:
        query = query.where(FactorSetRow.name == name)
    return [_snapshot(session, row) for row in session.scalars(query)]


def set_factors(session: Session, set_id: int) -> list[Factor]:
    """The factors of a stored set."""
    row = _require(session, set_id)
    label, edition = set_dataset_label(row.name), f"v{row.version}"
    stored = session.scalars(
        select(FactorRow).where(FactorRow.set_id == set_id).order_by(FactorRow.factor_id))
    return [
        Factor(
            id=r.factor_id, dataset=label, edition=edition, category=r.category, item=r.item,
            item_zh=r.item_zh, gas=r.gas, parameter=r.parameter, value=r.value, unit=r.unit,
            region_code=r.region_code, year_from=r.year_from, year_to=r.year_to,
            source=r.source, locator=r.locator, provisional=bool(r.provisional),
            uncertainty_pct=r.uncertainty_pct, variant=r.variant, variant_zh=r.variant_zh,
            confidence="user", note=r.note,
        )
        for r in stored
    ]


def library_for_set(
    session: Session, set_id: int, *, base: FactorLibrary | None = None
) -> FactorLibrary:
    """The packaged library (or `base`) with a stored set's factors overriding by id."""
    return (base if base is not None else default_library()).with_overrides(
        set_factors(session, set_id))


def load_factor_set(
    session: Session,
    source: Path | bytes,
    *,
    name: str,
    created_by: str,
    filename: str | None = None,
    sheet: str | None = None,
    library: FactorLibrary | None = None,
) -> FactorSet:
    """Read a factor file and store it as a new draft version of set `name` (all or nothing)."""
    factors = read_factor_file(source, set_name=name, filename=filename, sheet=sheet,
                               library=library)
    return create_factor_set(session, name=name, factors=factors, created_by=created_by)
