"""Assessment use cases: schemes, items, the state machine, self-scores, review, sign-off.

draft → self_assessment → city_review → signed_off (city_review may return to
self_assessment). Every move is role-checked (`roles`), recorded in `plan_assess_transition`
and, like every write, in the hash-chained audit log. A signed-off scheme is immutable:
corrections go into a new round (`new_round`), which copies it back to draft.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanzhi.access import User
from tanzhi.kernel import (
    DataError,
    Location,
    NotFound,
    Problem,
    list_regions,
    require_region,
    utcnow,
)
from tanzhi.plan.assess import roles
from tanzhi.plan.assess.calc import SCORERS, effective_score, needs_rectification, scorer_for
from tanzhi.plan.assess.model import (
    ACTION_LABELS,
    STATE_LABELS,
    TRANSITIONS,
    GradeBands,
    SchemeState,
    ScoreRule,
)
from tanzhi.plan.assess.progress import progress_bases
from tanzhi.plan.assess.store import (
    AssesseeRow,
    EvidenceRow,
    ItemRow,
    RectificationRow,
    SchemeRow,
    ScoreRow,
    TransitionRow,
)
from tanzhi.plan.model import Plan
from tanzhi.plan.service import get_plan

# Indicator targets that can carry a status light (and so a quantitative score).
SCORABLE_TARGETS = frozenset({"value", "comparator", "set_by_higher_level", "relative"})
DEFAULT_QUALITATIVE: tuple[tuple[str, str, float], ...] = (
    ("组织领导与责任落实（工作机制、年度计划、专题研究）",
     "Leadership and responsibility (mechanism, annual plan, dedicated meetings)", 10.0),
    ("规划重点任务推进情况", "Progress on the plan's key tasks", 10.0),
    ("低碳（零碳）试点示范建设", "Low-/zero-carbon pilot and demonstration work", 10.0),
    ("温室气体排放统计核算与数据报送", "GHG statistics, accounting and data reporting", 10.0),
)


def get_scheme(session: Session, scheme_id: int) -> SchemeRow:
    """The scheme row; `NotFound` otherwise."""
    row = session.get(SchemeRow, scheme_id)
    if row is None:
        raise NotFound(f"没有考核方案 {scheme_id} / no assessment scheme {scheme_id}")
    return row


def plan_for(session: Session, plan_id: str) -> Plan:
    """The plan as stored by the plan service (user edits included), else the packaged file."""
    return get_plan(session, plan_id, packaged=True)


def scheme_plan(session: Session, scheme: SchemeRow) -> Plan:
    """The plan a scheme assesses."""
    return plan_for(session, scheme.plan_id)


def bands_of(scheme: SchemeRow) -> GradeBands:
    """The scheme's grade bands."""
    return GradeBands(**json.loads(scheme.grade_bands_json or "{}"))


def rule_of(item: ItemRow) -> ScoreRule:
    """The item's scoring rule."""
    return ScoreRule(**json.loads(item.rule_json or "{}"))


def _state(scheme: SchemeRow) -> SchemeState:
    return SchemeState(scheme.state)


def require_state(scheme: SchemeRow, *allowed: SchemeState, doing_zh: str,
                   doing_en: str) -> None:
    if _state(scheme) in allowed:
        return
    now_zh, now_en = STATE_LABELS[_state(scheme)]
    need_zh = "、".join(STATE_LABELS[s][0] for s in allowed)
    need_en = ", ".join(STATE_LABELS[s][1] for s in allowed)
    extra_zh = "；已签发的考核不可更改，更正请发起新一轮" if scheme.state == "signed_off" else ""
    extra_en = ("; a signed-off assessment is immutable: start a new round to correct it"
                if scheme.state == "signed_off" else "")
    raise DataError.at(
        f"考核方案当前为“{now_zh}”状态，不能{doing_zh}（需处于：{need_zh}）{extra_zh}",
        f"the scheme is in state '{now_en}'; cannot {doing_en} (needs: {need_en}){extra_en}",
        column="state")


# ------------------------------------------------------------------------------- creation


def create_scheme(
    session: Session,
    *,
    plan_id: str,
    year: int,
    user: User,
    title_zh: str | None = None,
    title_en: str | None = None,
    include_departments: bool = True,
    default_items: bool = True,
    grade_bands: GradeBands | None = None,
    rectify_below_pct: float = 60.0,
    rectify_deadline: date | None = None,
    synthetic: bool = False,
) -> SchemeRow:
    """A draft scheme for `plan_id`'s region and `year`, with its assessees and default items.

    Assessees: the direct children of the plan's region (counties of a city, cities of the
    province) and, with `include_departments`, every responsible department of the plan's
    indicators. Default items: one quantitative item (10 points, proportional rule) per
    indicator whose target can carry a status, and the qualitative tasks `DEFAULT_QUALITATIVE`.
    """
    plan = plan_for(session, plan_id)
    region = require_region(session, plan.region_code)
    probe = SchemeRow(region_code=plan.region_code, id=0)
    roles.require_region_admin(user, probe, "创建考核方案", "create an assessment scheme")
    if not plan.period_start - 1 <= year <= plan.period_end + 1:
        raise DataError.at(
            f"考核年度 {year} 不在规划期 {plan.period_start}–{plan.period_end} 内",
            f"year {year} lies outside the plan period {plan.period_start}-{plan.period_end}",
            column="year")
    previous = session.scalars(select(SchemeRow).where(
        SchemeRow.plan_id == plan_id, SchemeRow.year == year)).all()
    scheme = SchemeRow(
        plan_id=plan_id, year=year, region_code=plan.region_code,
        round=1 + max((s.round for s in previous), default=0),
        title_zh=title_zh or f"{region.name_zh}{year}年度应对气候变化目标责任考核",
        title_en=title_en or f"{region.name_en} {year} climate target-responsibility assessment",
        state=SchemeState.DRAFT.value,
        grade_bands_json=json.dumps(asdict(grade_bands or GradeBands())),
        rectify_below_pct=rectify_below_pct,
        rectify_deadline=rectify_deadline or date(year + 1, 6, 30),
        created_by=user.username, synthetic=synthetic)
    session.add(scheme)
    session.flush()
    children = [r for r in list_regions(session, parent=plan.region_code)
                if r.parent_code == plan.region_code]
    for child in children:
        session.add(AssesseeRow(scheme_id=scheme.id, kind="county", code=child.code,
                                name_zh=child.name_zh, name_en=child.name_en,
                                region_code=child.code))
    if include_departments:
        seen: set[str] = set()
        for indicator in plan.indicators:
            printed = indicator.department
            if not printed or printed in seen:
                continue
            seen.add(printed)
            dep = roles.department_id(printed)
            session.add(AssesseeRow(scheme_id=scheme.id, kind="department", code=printed,
                                    name_zh=printed, name_en=dep or printed,
                                    region_code=plan.region_code, department=dep))
    if default_items:
        seq = 0
        for indicator in plan.indicators:
            if indicator.target.kind not in SCORABLE_TARGETS:
                continue
            seq += 1
            session.add(ItemRow(
                scheme_id=scheme.id, seq=seq, kind="quantitative", indicator_id=indicator.id,
                title_zh=indicator.name_zh, title_en=indicator.name_en, max_score=10.0,
                rule_json=json.dumps(asdict(ScoreRule())), evidence_required=False,
                applies_to="all"))
        for title_zh_i, title_en_i, points in DEFAULT_QUALITATIVE:
            seq += 1
            session.add(ItemRow(
                scheme_id=scheme.id, seq=seq, kind="qualitative", title_zh=title_zh_i,
                title_en=title_en_i, max_score=points, evidence_required=True,
                applies_to="all"))
    session.flush()
    return scheme


def add_item(
    session: Session, scheme_id: int, *, user: User, kind: str, title_zh: str,
    max_score: float, title_en: str = "", indicator_id: str | None = None,
    rule: ScoreRule | None = None, evidence_required: bool = False, applies_to: str = "all",
    description: str = "",
) -> ItemRow:
    """Add an item to a draft scheme (admin only)."""
    scheme = get_scheme(session, scheme_id)
    roles.require_region_admin(user, scheme, "修改考核指标", "edit assessment items")
    require_state(scheme, SchemeState.DRAFT, doing_zh="修改考核指标", doing_en="edit items")
    problems = []
    scorer = SCORERS.get(kind)
    if scorer is None:
        problems.append(Problem(f"未知类型“{kind}”", f"unknown item kind {kind!r}",
                                _loc("kind")))
    if not title_zh.strip():
        problems.append(Problem("名称不能为空", "title must not be empty", _loc("title_zh")))
    if not 0 < max_score <= 100:
        problems.append(Problem("分值须在 0–100 之间", "max score must lie in (0, 100]",
                                _loc("max_score")))
    if applies_to not in ("all", "county", "department"):
        problems.append(Problem(f"适用对象“{applies_to}”无效", f"bad applies_to {applies_to!r}",
                                _loc("applies_to")))
    if scorer is not None and scorer.from_indicator:
        plan = scheme_plan(session, scheme)
        ids = {i.id for i in plan.indicators}
        if indicator_id not in ids:
            problems.append(Problem(f"规划中没有指标“{indicator_id}”",
                                    f"the plan has no indicator {indicator_id!r}",
                                    _loc("indicator_id")))
    if problems:
        raise DataError(problems)
    seq = 1 + max((i.seq for i in items_of(session, scheme_id)), default=0)
    item = ItemRow(scheme_id=scheme_id, seq=seq, kind=kind, title_zh=title_zh.strip(),
                   title_en=title_en.strip(), indicator_id=indicator_id if
                   scorer_for(kind).from_indicator else None, max_score=float(max_score),
                   rule_json=json.dumps(asdict(rule or ScoreRule())),
                   evidence_required=evidence_required, applies_to=applies_to,
                   description=description)
    session.add(item)
    session.flush()
    return item


def remove_item(session: Session, scheme_id: int, item_id: int, *, user: User) -> None:
    """Remove an item from a draft scheme (admin only)."""
    scheme = get_scheme(session, scheme_id)
    roles.require_region_admin(user, scheme, "修改考核指标", "edit assessment items")
    require_state(scheme, SchemeState.DRAFT, doing_zh="修改考核指标", doing_en="edit items")
    item = session.get(ItemRow, item_id)
    if item is None or item.scheme_id != scheme_id:
        raise NotFound(f"没有考核指标 {item_id} / no item {item_id}")
    session.delete(item)
    session.flush()


def _loc(column: str) -> Location:
    return Location(column=column)


# ------------------------------------------------------------------------------- queries


def items_of(session: Session, scheme_id: int) -> list[ItemRow]:
    """The scheme's items in order."""
    return list(session.scalars(
        select(ItemRow).where(ItemRow.scheme_id == scheme_id).order_by(ItemRow.seq)))


def assessees_of(session: Session, scheme_id: int) -> list[AssesseeRow]:
    """The scheme's assessees, counties first, by code."""
    rows = session.scalars(select(AssesseeRow).where(AssesseeRow.scheme_id == scheme_id))
    return sorted(rows, key=lambda a: (a.kind != "county", a.code))


def scores_of(session: Session, scheme_id: int) -> dict[tuple[int, int], ScoreRow]:
    """Score rows keyed by (item id, assessee id)."""
    rows = session.scalars(select(ScoreRow).where(ScoreRow.scheme_id == scheme_id))
    return {(r.item_id, r.assessee_id): r for r in rows}


def evidence_counts(session: Session, scheme_id: int) -> dict[int, int]:
    """Number of evidence files per score id."""
    counts: dict[int, int] = {}
    for row in session.scalars(select(EvidenceRow).where(EvidenceRow.scheme_id == scheme_id)):
        counts[row.score_id] = counts.get(row.score_id, 0) + 1
    return counts


def applies(item: ItemRow, assessee: AssesseeRow, plan: Plan) -> bool:
    """Whether `item` scores `assessee`.

    Items apply by `applies_to`; a quantitative item applies to a department only when the
    indicator is that department's (its printed responsible department).
    """
    if item.applies_to not in ("all", assessee.kind):
        return False
    if scorer_for(item.kind).from_indicator and assessee.kind == "department":
        ids = {i.id for i in plan.indicators}
        if item.indicator_id not in ids:
            return False
        return plan.indicator(item.indicator_id).department == assessee.code
    return True


def transitions_of(session: Session, scheme_id: int) -> list[TransitionRow]:
    """The scheme's workflow history, oldest first."""
    return list(session.scalars(select(TransitionRow).where(
        TransitionRow.scheme_id == scheme_id).order_by(TransitionRow.id)))


def allowed_actions(scheme: SchemeRow, user: User) -> list[tuple[str, str]]:
    """(action, target state) pairs `user` may take now."""
    if not roles.is_region_admin(user, scheme):
        return []
    state = _state(scheme)
    return [(action, to.value) for (src, to), action in TRANSITIONS.items() if src is state]


# ------------------------------------------------------------------------------- scoring


def refresh_auto_scores(session: Session, scheme: SchemeRow) -> int:
    """Create missing score rows and recompute the automatic scores; rows touched."""
    plan = scheme_plan(session, scheme)
    items = items_of(session, scheme.id)
    scores = scores_of(session, scheme.id)
    quantitative = [i.indicator_id for i in items
                    if scorer_for(i.kind).from_indicator and i.indicator_id]
    touched = 0
    for assessee in assessees_of(session, scheme.id):
        bases = progress_bases(session, scheme.plan_id, assessee.region_code, scheme.year,
                               quantitative) if quantitative else {}
        for item in items:
            if not applies(item, assessee, plan):
                continue
            row = scores.get((item.id, assessee.id))
            if row is None:
                row = ScoreRow(scheme_id=scheme.id, item_id=item.id, assessee_id=assessee.id)
                session.add(row)
                touched += 1
            scorer = scorer_for(item.kind)
            if scorer.auto is not None and item.indicator_id:
                basis = bases[item.indicator_id]
                auto = scorer.auto(basis, item.max_score, rule_of(item))
                basis_json = json.dumps(basis.as_dict(), ensure_ascii=False)
                if (row.auto_score, row.basis_json) != (auto, basis_json):
                    row.auto_score, row.basis_json = auto, basis_json
                    touched += 1
    session.flush()
    return touched


def transition(
    session: Session, scheme_id: int, *, to_state: str, user: User, note: str = ""
) -> SchemeRow:
    """Move the scheme to `to_state` (admin of the scheme's region only).

    Opening self-assessment creates the score rows and computes the automatic scores; starting
    the review recomputes them (actuals may have been revised); signing off freezes the final
    scores and writes the rectification list.

    Raises
    ------
    DataError
        The move is not one of `model.TRANSITIONS` (bilingual, column ``state``).
    PermissionDenied
        `user` is not the admin of the scheme's region.
    """
    scheme = get_scheme(session, scheme_id)
    try:
        target = SchemeState(to_state)
    except ValueError:
        raise DataError.at(f"未知状态“{to_state}”", f"unknown state {to_state!r}",
                           column="state") from None
    source = _state(scheme)
    action = TRANSITIONS.get((source, target))
    if action is None:
        allowed = [to for (src, to) in TRANSITIONS if src is source]
        to_zh = "、".join(STATE_LABELS[s][0] for s in allowed) or "无（不可再变更）"
        to_en = ", ".join(STATE_LABELS[s][1] for s in allowed) or "none (final)"
        raise DataError.at(
            f"不能从“{STATE_LABELS[source][0]}”转到“{STATE_LABELS[target][0]}”；可转到：{to_zh}",
            f"cannot move from '{STATE_LABELS[source][1]}' to '{STATE_LABELS[target][1]}'; "
            f"allowed: {to_en}", column="state")
    label_zh, label_en = ACTION_LABELS[action]
    roles.require_region_admin(user, scheme, label_zh, label_en.lower())
    if target is SchemeState.SELF_ASSESSMENT and source is SchemeState.DRAFT:
        if not items_of(session, scheme.id):
            raise DataError.at("考核方案没有考核指标", "the scheme has no items", column="items")
        refresh_auto_scores(session, scheme)
    elif target is SchemeState.CITY_REVIEW:
        refresh_auto_scores(session, scheme)
    elif target is SchemeState.SIGNED_OFF:
        _freeze(session, scheme, user)
    session.add(TransitionRow(scheme_id=scheme.id, from_state=source.value,
                              to_state=target.value, actor=user.username, note=note))
    scheme.state = target.value
    session.flush()
    return scheme


def _freeze(session: Session, scheme: SchemeRow, user: User) -> None:
    items = {i.id: i for i in items_of(session, scheme.id)}
    assessees = {a.id: a for a in assessees_of(session, scheme.id)}
    counts = evidence_counts(session, scheme.id)
    deadline = scheme.rectify_deadline or date(scheme.year + 1, 6, 30)
    for row in scores_of(session, scheme.id).values():
        item = items[row.item_id]
        row.final_score = effective_score(
            kind=item.kind, max_score=item.max_score, auto_score=row.auto_score,
            self_score=row.self_score, review_score=row.review_score,
            evidence_required=item.evidence_required, evidence_count=counts.get(row.id, 0))
        if needs_rectification(row.final_score, item.max_score, scheme.rectify_below_pct):
            session.add(RectificationRow(
                scheme_id=scheme.id, assessee_id=row.assessee_id, item_id=item.id,
                score=row.final_score, max_score=item.max_score,
                owner=assessees[row.assessee_id].name_zh, deadline=deadline, status="open"))
    scheme.signed_off_by = user.username
    scheme.signed_off_at = utcnow()


def _assessee(session: Session, scheme: SchemeRow, assessee_id: int) -> AssesseeRow:
    row = session.get(AssesseeRow, assessee_id)
    if row is None or row.scheme_id != scheme.id:
        raise NotFound(f"考核方案 {scheme.id} 没有被考核对象 {assessee_id} / "
                       f"scheme {scheme.id} has no assessee {assessee_id}")
    return row


def _score_row(session: Session, scheme: SchemeRow, item_id: int, assessee: AssesseeRow
               ) -> tuple[ItemRow, ScoreRow]:
    item = session.get(ItemRow, item_id)
    row = scores_of(session, scheme.id).get((item_id, assessee.id))
    if item is None or item.scheme_id != scheme.id or row is None:
        raise NotFound(f"考核指标 {item_id} 不适用于 {assessee.name_zh} / "
                       f"item {item_id} does not apply to {assessee.name_en}")
    return item, row


def _check_points(value: float | None, item: ItemRow, column: str) -> list[Problem]:
    if value is None or 0 <= value <= item.max_score:
        return []
    return [Problem(f"“{item.title_zh}”的得分 {value} 超出 0–{item.max_score:g} 分",
                    f"score {value} for '{item.title_en or item.title_zh}' is outside "
                    f"0-{item.max_score:g}", _loc(f"{column}[{item.id}]"))]


def save_self_scores(
    session: Session, scheme_id: int, assessee_id: int, *, user: User,
    scores: dict[int, tuple[float | None, str]],
) -> int:
    """Record self-scores and notes {item id: (score, note)} of one assessee; rows changed."""
    scheme = get_scheme(session, scheme_id)
    assessee = _assessee(session, scheme, assessee_id)
    roles.require_speaks_for(user, scheme, assessee)
    require_state(scheme, SchemeState.SELF_ASSESSMENT, doing_zh="填写自评",
                   doing_en="self-assess")
    pairs = [(*_score_row(session, scheme, item_id, assessee), value, note)
             for item_id, (value, note) in scores.items()]
    problems = [p for item, _row, value, _n in pairs for p in _check_points(value, item, "self")]
    if problems:
        raise DataError(problems)
    now = utcnow()
    for _item, row, value, note in pairs:
        row.self_score, row.self_note = value, note or ""
        row.self_by, row.self_at = user.username, now
    session.flush()
    return len(pairs)


def submit_self_assessment(session: Session, scheme_id: int, assessee_id: int, *,
                           user: User) -> AssesseeRow:
    """Mark an assessee's self-assessment as submitted (it may still be edited until review)."""
    scheme = get_scheme(session, scheme_id)
    assessee = _assessee(session, scheme, assessee_id)
    roles.require_speaks_for(user, scheme, assessee)
    require_state(scheme, SchemeState.SELF_ASSESSMENT, doing_zh="提交自评",
                   doing_en="submit the self-assessment")
    assessee.submitted_by, assessee.submitted_at = user.username, utcnow()
    session.flush()
    return assessee


def save_review(
    session: Session, scheme_id: int, assessee_id: int, *, user: User,
    reviews: dict[int, tuple[float | None, str]],
) -> int:
    """Record reviewed scores and comments {item id: (score, comment)}; rows changed."""
    scheme = get_scheme(session, scheme_id)
    assessee = _assessee(session, scheme, assessee_id)
    roles.require_region_admin(user, scheme, "审核评分", "review scores")
    require_state(scheme, SchemeState.CITY_REVIEW, doing_zh="审核评分",
                   doing_en="review scores")
    pairs = [(*_score_row(session, scheme, item_id, assessee), value, comment)
             for item_id, (value, comment) in reviews.items()]
    problems = [p for item, _r, value, _c in pairs for p in _check_points(value, item, "review")]
    if problems:
        raise DataError(problems)
    now = utcnow()
    for _item, row, value, comment in pairs:
        row.review_score, row.review_comment = value, comment or ""
        row.reviewed_by, row.reviewed_at = user.username, now
    session.flush()
    return len(pairs)


def new_round(session: Session, scheme_id: int, *, user: User, note: str = "") -> SchemeRow:
    """Copy a signed-off scheme into a new draft round (the way to correct a signed-off result).

    Items, assessees and the self/review scores and comments are carried over; evidence rows
    point at the same stored files. The old round stays as it was.
    """
    old = get_scheme(session, scheme_id)
    roles.require_region_admin(user, old, "发起新一轮考核", "start a new round")
    require_state(old, SchemeState.SIGNED_OFF, doing_zh="发起新一轮", doing_en="start a new round")
    rounds = session.scalars(select(SchemeRow.round).where(
        SchemeRow.plan_id == old.plan_id, SchemeRow.year == old.year)).all()
    new = SchemeRow(plan_id=old.plan_id, year=old.year, region_code=old.region_code,
                    round=max(rounds) + 1, supersedes=old.id, title_zh=old.title_zh,
                    title_en=old.title_en, state=SchemeState.DRAFT.value,
                    grade_bands_json=old.grade_bands_json,
                    rectify_below_pct=old.rectify_below_pct,
                    rectify_deadline=old.rectify_deadline, created_by=user.username,
                    synthetic=old.synthetic)
    session.add(new)
    session.flush()
    item_map, assessee_map = {}, {}
    for item in items_of(session, old.id):
        copy = ItemRow(scheme_id=new.id, seq=item.seq, kind=item.kind,
                       indicator_id=item.indicator_id, title_zh=item.title_zh,
                       title_en=item.title_en, description=item.description,
                       max_score=item.max_score, rule_json=item.rule_json,
                       evidence_required=item.evidence_required, applies_to=item.applies_to)
        session.add(copy)
        session.flush()
        item_map[item.id] = copy.id
    for assessee in assessees_of(session, old.id):
        copy_a = AssesseeRow(scheme_id=new.id, kind=assessee.kind, code=assessee.code,
                             name_zh=assessee.name_zh, name_en=assessee.name_en,
                             region_code=assessee.region_code, department=assessee.department)
        session.add(copy_a)
        session.flush()
        assessee_map[assessee.id] = copy_a.id
    evidence = list(session.scalars(select(EvidenceRow).where(EvidenceRow.scheme_id == old.id)))
    for row in scores_of(session, old.id).values():
        copy_s = ScoreRow(scheme_id=new.id, item_id=item_map[row.item_id],
                          assessee_id=assessee_map[row.assessee_id], auto_score=row.auto_score,
                          basis_json=row.basis_json, self_score=row.self_score,
                          self_note=row.self_note, self_by=row.self_by, self_at=row.self_at,
                          review_score=row.review_score, review_comment=row.review_comment,
                          reviewed_by=row.reviewed_by, reviewed_at=row.reviewed_at)
        session.add(copy_s)
        session.flush()
        for ev in (e for e in evidence if e.score_id == row.id):
            session.add(EvidenceRow(scheme_id=new.id, score_id=copy_s.id, filename=ev.filename,
                                    content_type=ev.content_type, size=ev.size, sha256=ev.sha256,
                                    uploaded_by=ev.uploaded_by, uploaded_at=ev.uploaded_at))
    session.add(TransitionRow(scheme_id=new.id, from_state="", to_state="draft",
                              actor=user.username,
                              note=note or f"新一轮（更正第 {old.round} 轮）/ new round "
                                           f"correcting round {old.round}"))
    session.flush()
    return new


def close_rectification(session: Session, rectification_id: int, *, user: User,
                        note: str = "") -> RectificationRow:
    """Close one rectification entry (the admin of the scheme's region, after sign-off)."""
    row = session.get(RectificationRow, rectification_id)
    if row is None:
        raise NotFound(f"没有整改事项 {rectification_id} / no rectification {rectification_id}")
    scheme = get_scheme(session, row.scheme_id)
    roles.require_region_admin(user, scheme, "销号整改事项", "close rectifications")
    if row.status == "closed":
        raise DataError.at("该整改事项已销号", "this rectification is already closed",
                           column="status")
    row.status, row.closed_by, row.closed_at, row.note = "closed", user.username, utcnow(), note
    session.flush()
    return row
