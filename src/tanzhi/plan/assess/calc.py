"""Assessment maths: item scores from indicator progress, effective scores, grades, rankings.

Pure functions, no I/O. The rules (documented in `docs/methods/assessment.md` terms):

- quantitative item, ``proportional`` rule (default): the target met or completion ≥ expected
  progress → full marks; red status with ``red_zero`` → 0; otherwise
  ``max × clip(completion ÷ progress, 0, 1)``. ``status`` rule: green full, yellow
  ``yellow_share × max``, red 0. No actual → no automatic score (the reviewer scores by hand).
- effective score of an item: the reviewer's score when given; otherwise the automatic score
  (quantitative) or the self-assessed score (qualitative) — but a qualitative item that requires
  evidence and has none scores 0 until the reviewer decides.
- grade from the percentage of the attainable total (`GradeBands`, 90/80/60 by default);
- ranking by total descending; ties share the better rank (standard competition ranking,
  "1, 2, 2, 4").

Item kinds are a registry (issue #10 item 4): `SCORERS` maps each kind to its `ItemScorer` —
whether it scores from a plan indicator, its automatic score and its unreviewed score. The
workflow, the seed and the results ask the registry; a new kind is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tanzhi.plan.assess.model import (
    AssesseeResult,
    Grade,
    GradeBands,
    ProgressBasis,
    ScoreRule,
)

DIGITS = 2


def quantitative_score(basis: ProgressBasis, max_score: float, rule: ScoreRule) -> float | None:
    """Points for a quantitative item from its indicator's progress; None without an actual.

    Examples
    --------
    >>> b = ProgressBasis("x", 2023, 9.0, completion=0.5, progress=0.6, status="yellow")
    >>> quantitative_score(b, 10, ScoreRule())
    8.33
    >>> quantitative_score(b, 10, ScoreRule(mode="status"))
    6.0
    """
    if max_score < 0:
        raise ValueError("max_score must not be negative")
    if basis.status is None:
        return None
    if basis.met or basis.status == "green" and rule.mode == "status":
        return round(max_score, DIGITS)
    if basis.status == "red" and (rule.red_zero or rule.mode == "status"):
        return 0.0
    if rule.mode == "status":
        share = 1.0 if basis.status == "green" else rule.yellow_share
        return round(max_score * share, DIGITS)
    completion, progress = basis.completion, basis.progress
    if completion is None or progress is None:
        # Status without a completion ratio (e.g. a "keep at level" target): by status alone.
        share = {"green": 1.0, "yellow": rule.yellow_share}.get(basis.status, 0.0)
        return round(max_score * share, DIGITS)
    if progress <= 0 or completion >= progress:
        return round(max_score, DIGITS)
    share = min(1.0, max(0.0, completion / progress))
    return round(max_score * share, DIGITS)


def _quantitative_unreviewed(auto_score: float | None, self_score: float | None,
                             evidence_required: bool, evidence_count: int) -> float:
    return auto_score if auto_score is not None else 0.0


def _qualitative_unreviewed(auto_score: float | None, self_score: float | None,
                            evidence_required: bool, evidence_count: int) -> float:
    if evidence_required and evidence_count == 0:
        return 0.0
    return self_score if self_score is not None else 0.0


@dataclass(frozen=True)
class ItemScorer:
    """How one item kind scores: the one place a kind is branched on (issue #10 item 4)."""

    kind: str
    label: tuple[str, str]  # (zh, en)
    # True: the item names a plan indicator and `auto` scores it from that indicator's progress.
    from_indicator: bool
    auto: Callable[[ProgressBasis, float, ScoreRule], float | None] | None
    # The score an item counts with while no reviewer has scored it:
    # (auto_score, self_score, evidence_required, evidence_count) → points.
    unreviewed: Callable[[float | None, float | None, bool, int], float]


SCORERS: dict[str, ItemScorer] = {
    "quantitative": ItemScorer("quantitative", ("定量指标", "quantitative"), True,
                               quantitative_score, _quantitative_unreviewed),
    "qualitative": ItemScorer("qualitative", ("定性任务", "qualitative"), False, None,
                              _qualitative_unreviewed),
}


def scorer_for(kind: str) -> ItemScorer:
    """The scorer of an item kind; `ValueError` for a kind no scorer is registered for."""
    try:
        return SCORERS[kind]
    except KeyError:
        raise ValueError(f"unknown item kind {kind!r}") from None


def effective_score(
    *,
    kind: str,
    max_score: float,
    auto_score: float | None,
    self_score: float | None,
    review_score: float | None,
    evidence_required: bool,
    evidence_count: int,
) -> float:
    """The score an item counts with in the total (module docstring), within [0, max_score].

    Examples
    --------
    >>> effective_score(kind="qualitative", max_score=5, auto_score=None, self_score=5,
    ...                 review_score=None, evidence_required=True, evidence_count=0)
    0.0
    >>> effective_score(kind="qualitative", max_score=5, auto_score=None, self_score=5,
    ...                 review_score=3.5, evidence_required=True, evidence_count=0)
    3.5
    """
    if review_score is not None:
        value = review_score
    else:
        value = scorer_for(kind).unreviewed(auto_score, self_score, evidence_required,
                                            evidence_count)
    return round(min(max_score, max(0.0, value)), DIGITS)


def grade_for(percent: float, bands: GradeBands) -> Grade:
    """Grade of a total given as a percentage of the attainable maximum.

    Examples
    --------
    >>> [grade_for(p, GradeBands()).value for p in (90, 89.99, 80, 60, 59.9)]
    ['excellent', 'good', 'good', 'pass', 'fail']
    """
    if percent >= bands.excellent:
        return Grade.EXCELLENT
    if percent >= bands.good:
        return Grade.GOOD
    if percent >= bands.passing:
        return Grade.PASS
    return Grade.FAIL


def competition_ranks(totals: Sequence[float]) -> list[int]:
    """Rank of each total, largest first; equal totals share the better rank ("1224").

    Totals are compared after rounding to `DIGITS` decimals, the precision they are shown in.

    Examples
    --------
    >>> competition_ranks([80, 95, 80, 70])
    [2, 1, 2, 4]
    """
    rounded = [round(t, DIGITS) for t in totals]
    return [1 + sum(1 for other in rounded if other > mine) for mine in rounded]


def rank_results(results: Sequence[AssesseeResult]) -> list[AssesseeResult]:
    """Results with ranks set, ranked within each assessee kind, best first then by code."""
    out: list[AssesseeResult] = []
    for kind in sorted({r.kind for r in results}):
        group = [r for r in results if r.kind == kind]
        ranks = competition_ranks([r.total for r in group])
        ranked = [
            AssesseeResult(r.assessee_id, r.kind, r.code, r.name_zh, r.name_en, r.total,
                           r.maximum, r.percent, r.grade, rank, dict(r.item_scores))
            for r, rank in zip(group, ranks, strict=True)
        ]
        out += sorted(ranked, key=lambda r: (r.rank, r.code))
    return out


def result_for(
    *,
    assessee_id: int,
    kind: str,
    code: str,
    name_zh: str,
    name_en: str,
    item_scores: dict[int, float],
    item_max: dict[int, float],
    bands: GradeBands,
) -> AssesseeResult:
    """Total, maximum, percentage and grade of one assessee from its effective item scores."""
    total = round(sum(item_scores.values()), DIGITS)
    maximum = round(sum(item_max[i] for i in item_scores), DIGITS)
    percent = round(100.0 * total / maximum, DIGITS) if maximum > 0 else 0.0
    return AssesseeResult(assessee_id, kind, code, name_zh, name_en, total, maximum, percent,
                          grade_for(percent, bands), 0, dict(item_scores))


def needs_rectification(score: float, max_score: float, below_pct: float) -> bool:
    """Whether an item score falls below `below_pct` % of its maximum (整改 threshold).

    Examples
    --------
    >>> needs_rectification(5.9, 10, 60), needs_rectification(6, 10, 60)
    (True, False)
    """
    if max_score <= 0:
        return False
    return round(100.0 * score / max_score, DIGITS) < below_pct
