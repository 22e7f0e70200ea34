"""Assessment results: totals, grades, ranking, the rectification list and the public edition.

Before sign-off the results are provisional (computed from the current scores by the rule in
`calc.effective_score`); after sign-off they come from the frozen final scores.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanzhi.access import User
from tanzhi.kernel import NotFound
from tanzhi.plan.assess import roles
from tanzhi.plan.assess.calc import effective_score, rank_results, result_for
from tanzhi.plan.assess.model import GRADE_LABELS, STATE_LABELS, AssesseeResult, SchemeState
from tanzhi.plan.assess.store import EvidenceRow, RectificationRow, SchemeRow
from tanzhi.plan.assess.workflow import (
    allowed_actions,
    assessees_of,
    bands_of,
    evidence_counts,
    get_scheme,
    items_of,
    scores_of,
    transitions_of,
)


def scheme_results(session: Session, scheme_id: int) -> list[AssesseeResult]:
    """Ranked results of every assessee (ranked within counties and within departments)."""
    scheme = get_scheme(session, scheme_id)
    items = {i.id: i for i in items_of(session, scheme_id)}
    counts = evidence_counts(session, scheme_id)
    scores = scores_of(session, scheme_id)
    frozen = scheme.state == SchemeState.SIGNED_OFF.value
    results = []
    for assessee in assessees_of(session, scheme_id):
        item_scores = {}
        for (item_id, assessee_id), row in scores.items():
            if assessee_id != assessee.id:
                continue
            item = items[item_id]
            if frozen and row.final_score is not None:
                item_scores[item_id] = row.final_score
            else:
                item_scores[item_id] = effective_score(
                    kind=item.kind, max_score=item.max_score, auto_score=row.auto_score,
                    self_score=row.self_score, review_score=row.review_score,
                    evidence_required=item.evidence_required,
                    evidence_count=counts.get(row.id, 0))
        if not item_scores:
            continue
        results.append(result_for(
            assessee_id=assessee.id, kind=assessee.kind, code=assessee.code,
            name_zh=assessee.name_zh, name_en=assessee.name_en, item_scores=item_scores,
            item_max={i: items[i].max_score for i in item_scores}, bands=bands_of(scheme)))
    return rank_results(results)


def result_dict(result: AssesseeResult) -> dict[str, Any]:
    """JSON-ready result (no item detail)."""
    zh, en = GRADE_LABELS[result.grade]
    return {"assessee_id": result.assessee_id, "kind": result.kind, "code": result.code,
            "name_zh": result.name_zh, "name_en": result.name_en, "total": result.total,
            "maximum": result.maximum, "percent": result.percent, "grade": result.grade.value,
            "grade_zh": zh, "grade_en": en, "rank": result.rank}


def rectifications(session: Session, scheme_id: int) -> list[dict[str, Any]]:
    """The rectification list (整改清单) of a signed-off scheme."""
    items = {i.id: i for i in items_of(session, scheme_id)}
    assessees = {a.id: a for a in assessees_of(session, scheme_id)}
    rows = session.scalars(select(RectificationRow).where(
        RectificationRow.scheme_id == scheme_id).order_by(RectificationRow.id))
    return [{
        "id": r.id, "assessee_id": r.assessee_id, "assessee_zh": assessees[r.assessee_id].name_zh,
        "assessee_en": assessees[r.assessee_id].name_en, "item_id": r.item_id,
        "item_zh": items[r.item_id].title_zh, "item_en": items[r.item_id].title_en,
        "score": r.score, "max_score": r.max_score, "owner": r.owner,
        "deadline": r.deadline.isoformat(), "status": r.status, "closed_by": r.closed_by,
        "closed_at": r.closed_at.isoformat() if r.closed_at else None, "note": r.note,
    } for r in rows]


def scheme_summary(scheme: SchemeRow) -> dict[str, Any]:
    """The scheme's own fields, JSON-ready."""
    zh, en = STATE_LABELS[SchemeState(scheme.state)]
    return {
        "id": scheme.id, "plan_id": scheme.plan_id, "year": scheme.year,
        "region_code": scheme.region_code, "round": scheme.round,
        "supersedes": scheme.supersedes, "title_zh": scheme.title_zh,
        "title_en": scheme.title_en, "state": scheme.state, "state_zh": zh, "state_en": en,
        "grade_bands": json.loads(scheme.grade_bands_json or "{}"),
        "rectify_below_pct": scheme.rectify_below_pct,
        "rectify_deadline": scheme.rectify_deadline.isoformat()
        if scheme.rectify_deadline else None,
        "signed_off_by": scheme.signed_off_by,
        "signed_off_at": scheme.signed_off_at.isoformat() if scheme.signed_off_at else None,
        "synthetic": scheme.synthetic,
    }


def workspace(session: Session, scheme_id: int, user: User) -> dict[str, Any]:
    """Everything the workspace shows `user`: only the assessees they may read.

    Raises
    ------
    PermissionDenied
        `user` sees no assessee of the scheme.
    """
    scheme = get_scheme(session, scheme_id)
    assessees = assessees_of(session, scheme_id)
    roles.require_can_view(session, user, scheme, assessees)
    visible = roles.visible_assessees(session, user, scheme, assessees)
    visible_ids = {a.id for a in visible}
    items = items_of(session, scheme_id)
    scores = scores_of(session, scheme_id)
    evidence = list(session.scalars(select(EvidenceRow).where(
        EvidenceRow.scheme_id == scheme_id).order_by(EvidenceRow.id)))
    by_score: dict[int, list[dict[str, Any]]] = {}
    for ev in evidence:
        by_score.setdefault(ev.score_id, []).append({
            "id": ev.id, "filename": ev.filename, "size": ev.size, "sha256": ev.sha256,
            "content_type": ev.content_type, "uploaded_by": ev.uploaded_by,
            "uploaded_at": ev.uploaded_at.isoformat() if ev.uploaded_at else None})
    results = [r for r in scheme_results(session, scheme_id) if r.assessee_id in visible_ids]
    out_scores = []
    for (item_id, assessee_id), row in sorted(scores.items()):
        if assessee_id not in visible_ids:
            continue
        out_scores.append({
            "item_id": item_id, "assessee_id": assessee_id, "score_id": row.id,
            "auto_score": row.auto_score, "basis": json.loads(row.basis_json or "{}"),
            "self_score": row.self_score, "self_note": row.self_note, "self_by": row.self_by,
            "review_score": row.review_score, "review_comment": row.review_comment,
            "reviewed_by": row.reviewed_by, "final_score": row.final_score,
            "evidence": by_score.get(row.id, [])})
    return {
        "scheme": scheme_summary(scheme),
        "items": [{
            "id": i.id, "seq": i.seq, "kind": i.kind, "indicator_id": i.indicator_id,
            "title_zh": i.title_zh, "title_en": i.title_en, "max_score": i.max_score,
            "rule": json.loads(i.rule_json or "{}"), "evidence_required": i.evidence_required,
            "applies_to": i.applies_to, "description": i.description} for i in items],
        "assessees": [{
            "id": a.id, "kind": a.kind, "code": a.code, "name_zh": a.name_zh,
            "name_en": a.name_en, "region_code": a.region_code, "department": a.department,
            "submitted_by": a.submitted_by,
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "mine": roles.speaks_for(user, scheme, a)} for a in visible],
        "scores": out_scores,
        "results": [result_dict(r) for r in results],
        "rectifications": [r for r in rectifications(session, scheme_id)
                           if r["assessee_id"] in visible_ids],
        "transitions": [{
            "from": t.from_state, "to": t.to_state, "actor": t.actor,
            "at": t.at.isoformat() if t.at else None, "note": t.note}
            for t in transitions_of(session, scheme_id)],
        "actions": [{"action": a, "to": to} for a, to in allowed_actions(scheme, user)],
        "is_admin": roles.is_region_admin(user, scheme),
    }


def public_edition(session: Session, scheme_id: int) -> dict[str, Any]:
    """The public edition (公开版): ranking and grades only, for a signed-off scheme.

    No scores per item, no self-assessment notes, review comments, evidence or user names.

    Raises
    ------
    NotFound
        The scheme does not exist or is not signed off (nothing is public before sign-off).
    """
    scheme = get_scheme(session, scheme_id)
    if scheme.state != SchemeState.SIGNED_OFF.value:
        raise NotFound(f"考核方案 {scheme_id} 尚未签发，没有公开版 / "
                       f"scheme {scheme_id} is not signed off; there is no public edition")
    return {
        "id": scheme.id, "plan_id": scheme.plan_id, "year": scheme.year,
        "region_code": scheme.region_code, "round": scheme.round,
        "title_zh": scheme.title_zh, "title_en": scheme.title_en,
        "signed_off_on": scheme.signed_off_at.date().isoformat()
        if scheme.signed_off_at else None,
        "grade_bands": json.loads(scheme.grade_bands_json or "{}"),
        "synthetic": scheme.synthetic,
        "results": [
            {k: v for k, v in result_dict(r).items() if k != "assessee_id"}
            for r in scheme_results(session, scheme_id)],
    }


def schemes_for(session: Session, user: User) -> list[dict[str, Any]]:
    """Schemes `user` sees (their scope covers the region, or they are an assessee)."""
    out = []
    for scheme in session.scalars(select(SchemeRow).order_by(
            SchemeRow.year.desc(), SchemeRow.region_code, SchemeRow.round.desc())):
        assessees = assessees_of(session, scheme.id)
        if roles.visible_assessees(session, user, scheme, assessees):
            out.append(scheme_summary(scheme) | {"assessees": len(assessees)})
    return out


def latest_signed_off(session: Session) -> list[dict[str, Any]]:
    """Signed-off schemes (newest first): the index of public editions."""
    rows = session.scalars(select(SchemeRow).where(
        SchemeRow.state == SchemeState.SIGNED_OFF.value).order_by(SchemeRow.year.desc()))
    return [{"id": s.id, "title_zh": s.title_zh, "title_en": s.title_en, "year": s.year,
             "round": s.round} for s in rows]



def current_schemes(session: Session, plan_id: str, *, up_to_year: int) -> list[dict[str, Any]]:
    """Schemes of a plan for years up to `up_to_year`, latest round only (a superseded round is
    history), as `scheme_summary` dicts ordered by year, region and id."""
    rows = list(session.scalars(select(SchemeRow).where(
        SchemeRow.plan_id == plan_id, SchemeRow.year <= up_to_year)))
    superseded = {s.supersedes for s in rows if s.supersedes}
    return [scheme_summary(s) for s in sorted(rows, key=lambda s: (s.year, s.region_code, s.id))
            if s.id not in superseded]


def item_scores(session: Session, scheme_id: int) -> list[dict[str, Any]]:
    """Every item of a scheme with the scores it counts with, for readers outside the workspace.

    ``scores`` maps each assessee that has entered a score for the item (self, review, final or
    automatic) to the score the totals of `scheme_results` count — the same precedence and
    evidence rule (`calc.effective_score`), so a report agrees with the workspace (issue #11).
    ``assessees`` is the number of assessees the item applies to.
    """
    counted = {(item_id, r.assessee_id): value for r in scheme_results(session, scheme_id)
               for item_id, value in r.item_scores.items()}
    scores = scores_of(session, scheme_id)
    out = []
    for item in items_of(session, scheme_id):
        rows = {a: row for (i, a), row in scores.items() if i == item.id}
        entered = {a: counted[(item.id, a)] for a, row in sorted(rows.items())
                   if (item.id, a) in counted and any(
                       v is not None for v in (row.final_score, row.review_score,
                                               row.self_score, row.auto_score))}
        out.append({"item_id": item.id, "seq": item.seq, "kind": item.kind,
                    "indicator_id": item.indicator_id, "title_zh": item.title_zh,
                    "description": item.description, "max_score": item.max_score,
                    "assessees": len(rows), "scores": entered})
    return out
