"""Per-plan derivation exclusions are data (data/plans/<id>/not-derived.yaml), read strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanzhi.kernel import DataError
from tanzhi.plan.model import list_plans, load_plan
from tanzhi.plan.service import derive

PLAN_IDS = sorted({ref.id for ref in list_plans()})


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_every_excluded_indicator_exists_in_the_plan(plan_id: str) -> None:
    ids = {i.id for i in load_plan(plan_id).indicators}
    assert set(derive.not_derived(plan_id)) <= ids


def test_the_plan_files_exclude_what_their_texts_rule_out() -> None:
    jx, tz = load_plan("jx-fyp14-climate"), load_plan("tz-fyp14-climate")
    for ind_id in ("renewable_generation_share", "wetland_area", "energy_intensity_reduction"):
        ind = jx.indicator(ind_id)
        assert derive.derivation_for(jx, ind) is None
        assert "/" in derive.not_derived_reason(jx, ind)  # Chinese / English
    assert "unit_error" in derive.not_derived_reason(tz, tz.indicator("forest_stock"))
    # The exclusion is the plan's own: the same indicator elsewhere is derived.
    zj = load_plan("zj-fyp14-climate")
    assert derive.derivation_for(zj, zj.indicator("forest_stock")) is not None


def test_a_malformed_file_is_a_located_refusal(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "xx-fyp14-test").mkdir()
    (tmp_path / "xx-fyp14-test" / derive.NOT_DERIVED_FILE).write_text(
        "- a list, not a mapping\n", encoding="utf-8")
    monkeypatch.setattr(derive, "plans_root", lambda: tmp_path)
    derive.not_derived.cache_clear()
    try:
        with pytest.raises(DataError) as err:
            derive.not_derived("xx-fyp14-test")
        assert "not-derived.yaml" in str(err.value)
        assert derive.not_derived("no-such-plan") == {}
    finally:
        derive.not_derived.cache_clear()

