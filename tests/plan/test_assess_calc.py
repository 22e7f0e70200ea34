"""Scoring rules, grades and rankings of the assessment, by hand-computed cases."""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanzhi.plan.assess.calc import (
    SCORERS,
    competition_ranks,
    effective_score,
    grade_for,
    needs_rectification,
    quantitative_score,
    rank_results,
    result_for,
    scorer_for,
)
from tanzhi.plan.assess.model import (
    AssesseeResult,
    Grade,
    GradeBands,
    ItemKind,
    ProgressBasis,
    ScoreRule,
)


def basis(status, completion=None, progress=None, met=False):
    return ProgressBasis("ind", 2025, 1.0 if status else None, completion, progress, status, met)


def test_proportional_rule_by_hand() -> None:
    rule = ScoreRule()
    # completion 0.45 against time progress 0.6: 10 × 0.45 / 0.6 = 7.5
    assert quantitative_score(basis("yellow", 0.45, 0.6), 10, rule) == 7.5
    # completion at or above time progress: full marks
    assert quantitative_score(basis("green", 0.6, 0.6), 10, rule) == 10
    assert quantitative_score(basis("green", 0.9, 0.6), 8, rule) == 8
    # red with red_zero: zero; without: proportional 10 × 0.3 / 0.6 = 5
    assert quantitative_score(basis("red", 0.3, 0.6), 10, rule) == 0
    assert quantitative_score(basis("red", 0.3, 0.6), 10, ScoreRule(red_zero=False)) == 5
    # moved the wrong way: never below zero
    assert quantitative_score(basis("red", -0.2, 0.6), 10, ScoreRule(red_zero=False)) == 0
    # target met overrides everything
    assert quantitative_score(basis("red", 0.3, 0.6, met=True), 10, rule) == 10
    # no actual: no automatic score
    assert quantitative_score(basis(None), 10, rule) is None


def test_status_rule_by_hand() -> None:
    rule = ScoreRule(mode="status", yellow_share=0.5)
    assert quantitative_score(basis("green", 0.7, 0.6), 12, rule) == 12
    assert quantitative_score(basis("yellow", 0.5, 0.6), 12, rule) == 6
    assert quantitative_score(basis("red", 0.1, 0.6), 12, rule) == 0


def test_effective_score_rules() -> None:
    common = {"max_score": 10, "evidence_required": True}
    assert effective_score(kind="quantitative", auto_score=7.5, self_score=10, review_score=None,
                           evidence_count=0, **common) == 7.5
    assert effective_score(kind="quantitative", auto_score=7.5, self_score=10, review_score=9,
                           evidence_count=0, **common) == 9
    assert effective_score(kind="qualitative", auto_score=None, self_score=8, review_score=None,
                           evidence_count=0, **common) == 0
    assert effective_score(kind="qualitative", auto_score=None, self_score=8, review_score=None,
                           evidence_count=1, **common) == 8
    # clipped into [0, max]
    assert effective_score(kind="qualitative", auto_score=None, self_score=None,
                           review_score=12, evidence_count=1, **common) == 10


def test_grades_at_the_band_edges() -> None:
    bands = GradeBands()
    assert grade_for(90.0, bands) is Grade.EXCELLENT
    assert grade_for(89.99, bands) is Grade.GOOD
    assert grade_for(80.0, bands) is Grade.GOOD
    assert grade_for(60.0, bands) is Grade.PASS
    assert grade_for(59.99, bands) is Grade.FAIL
    assert grade_for(75, GradeBands(excellent=95, good=75, passing=50)) is Grade.GOOD


def test_ranking_ties_share_the_better_rank() -> None:
    assert competition_ranks([80.0, 95.0, 80.0, 70.0]) == [2, 1, 2, 4]
    assert competition_ranks([50.0, 50.0, 50.0]) == [1, 1, 1]
    # equal after rounding to the shown 2 decimals
    assert competition_ranks([80.001, 80.004, 79.0]) == [1, 1, 3]


def test_rank_results_ranks_counties_and_departments_apart() -> None:
    bands = GradeBands()

    def res(i, kind, code, scores):
        return result_for(assessee_id=i, kind=kind, code=code, name_zh=code, name_en=code,
                          item_scores=scores, item_max={1: 50, 2: 50}, bands=bands)

    ranked = rank_results([res(1, "county", "a", {1: 40, 2: 45}), res(2, "county", "b",
                           {1: 45, 2: 40}), res(3, "county", "c", {1: 50, 2: 48}),
                           res(4, "department", "d", {1: 10})])
    by_code = {r.code: r for r in ranked}
    assert (by_code["c"].rank, by_code["a"].rank, by_code["b"].rank) == (1, 2, 2)
    assert by_code["c"].total == 98 and by_code["c"].grade is Grade.EXCELLENT
    assert by_code["a"].percent == 85.0 and by_code["a"].grade is Grade.GOOD
    assert by_code["d"].rank == 1 and by_code["d"].maximum == 50 and by_code["d"].percent == 20
    assert [r.code for r in ranked] == ["c", "a", "b", "d"]


def test_rectification_threshold() -> None:
    assert needs_rectification(5.99, 10, 60)
    assert not needs_rectification(6.0, 10, 60)
    assert not needs_rectification(0.0, 0.0, 60)


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=30))
def test_ranks_are_consistent_with_totals(totals: list[float]) -> None:
    ranks = competition_ranks(totals)
    assert min(ranks) == 1
    for a, ra in zip(totals, ranks, strict=True):
        for b, rb in zip(totals, ranks, strict=True):
            if round(a, 2) > round(b, 2):
                assert ra < rb
            if round(a, 2) == round(b, 2):
                assert ra == rb


@given(st.floats(-1, 2, allow_nan=False), st.floats(0.01, 1, allow_nan=False),
       st.sampled_from(["green", "yellow", "red"]), st.floats(0, 100, allow_nan=False))
def test_proportional_score_stays_within_points(completion, progress, status, points) -> None:
    score = quantitative_score(basis(status, completion, progress), points, ScoreRule())
    assert 0 <= score <= round(points, 2)


def test_results_hold_no_mutable_sharing() -> None:
    r = AssesseeResult(1, "county", "x", "x", "x", 1, 2, 50, Grade.FAIL, 0, {1: 1.0})
    ranked = rank_results([r])
    ranked[0].item_scores[1] = 5
    assert r.item_scores[1] == 1.0


def test_every_item_kind_has_exactly_one_scorer() -> None:
    # issue #10 item 4: one place maps kind → scorer; the stored vocabulary and it agree.
    assert set(SCORERS) == set(get_args(ItemKind))
    assert all(scorer_for(k).kind == k for k in SCORERS)
    assert SCORERS["quantitative"].from_indicator and not SCORERS["qualitative"].from_indicator
    with pytest.raises(ValueError, match="unknown item kind"):
        scorer_for("bonus")


def test_unreviewed_scores_follow_the_kind() -> None:
    # The automatic score counts for a quantitative item, the self-score for a qualitative one.
    common = {"max_score": 10, "auto_score": 6.0, "self_score": 9.0, "review_score": None,
              "evidence_required": False, "evidence_count": 0}
    assert effective_score(kind="quantitative", **common) == 6.0
    assert effective_score(kind="qualitative", **common) == 9.0
    assert effective_score(kind="quantitative", **{**common, "auto_score": None}) == 0.0
