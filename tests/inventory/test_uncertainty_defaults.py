"""Issue #9 deliverable 7: default uncertainties cover every packaged factor family and every
statistics series kind; the demo's intervals are non-zero per category; a compiled run stores
its intervals and the run page reads them back instead of recomputing."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from tanzhi.config import Settings
from tanzhi.demo.calc import generate
from tanzhi.inventory import service
from tanzhi.inventory.calc import combine_estimates
from tanzhi.inventory.calc.input_uncertainty import _best_default
from tanzhi.inventory.model import InventoryOptions
from tanzhi.inventory.service import analysis
from tanzhi.inventory.service.compute import compute_rows
from tanzhi.inventory.service.mapping import STATISTICS_VARIANTS, statistics_to_activity
from tanzhi.inventory.service.uncertainty import (
    compile_uncertainty,
    defaults_ref,
    uncertainty_defaults,
)
from tanzhi.kernel import (
    default_library,
    make_engine,
    make_session_factory,
    packaged_regions,
    seed_regions,
    unit_of_work,
    write_statistics,
)
from tests.inventory.test_service_compile import stats


def test_every_packaged_factor_family_has_a_default() -> None:
    defaults = uncertainty_defaults()
    lib = default_library().frame()
    pairs = lib[["parameter", "category"]].fillna("").drop_duplicates()
    missing = [(p, c) for p, c in pairs.itertuples(index=False)
               if _best_default(defaults, "factor", p, c) is None]
    assert missing == []


def test_defaults_cite_a_source_and_are_positive() -> None:
    d = uncertainty_defaults()
    assert d["id"].is_unique
    assert (d["uncertainty_pct"] > 0).all()
    assert d["source"].str.len().gt(0).all() and d["locator"].str.len().gt(0).all()
    assert set(d["kind"]) == {"activity", "factor"}


@pytest.fixture(scope="module")
def province() -> tuple:
    """The demo province's own statistics (330000 only), compiled without a database."""
    activity = statistics_to_activity(generate(packaged_regions()))
    activity = activity.loc[activity["region_code"] == "330000"].reset_index(drop=True)
    activity["activity_id"] = np.arange(len(activity)).astype(str)
    compiled = compute_rows(activity, default_library(), gwp="AR5",
                            options=InventoryOptions(variants=STATISTICS_VARIANTS))
    return activity, combine_estimates(compiled.estimates)


def test_every_demo_series_kind_has_an_activity_default(province) -> None:
    activity, _ = province
    defaults = uncertainty_defaults()
    cats = activity["category"].drop_duplicates()
    assert [c for c in cats if _best_default(defaults, "activity", "", c) is None] == []


def test_demo_intervals_are_non_zero_per_category(province) -> None:
    """Issue #9: "Uncertainty is ±0.0 % for every demo category".  Both approaches now give a
    positive interval for every category with non-zero emissions in the latest year."""
    activity, est = province
    table = compile_uncertainty(est, activity, default_library(), gwp="AR5", iterations=2000)
    year = int(table["year"].max())
    for method in ("propagation", "montecarlo"):
        sub = table.loc[(table["method"] == method) & (table["year"] == year)
                        & (table["co2e_t"].abs() > 0)]
        assert len(sub) > 20, method
        assert (sub["pct"] > 0).all(), sub.loc[~(sub["pct"] > 0), ["category", "gas"]]
        assert (sub["high"] > sub["low"]).all()
        assert sub["default_ids"].str.len().gt(0).all()  # every interval names its defaults
    a1 = table.loc[table["method"] == "propagation"]
    assert set(a1["year"]) == set(activity["year"])  # Approach 1: every year


@pytest.fixture
def factory(migrated_storage_settings: Settings) -> Iterator:
    engine = make_engine(migrated_storage_settings)
    f = make_session_factory(engine)
    with unit_of_work(f, actor="test") as s:
        seed_regions(s)
        write_statistics(s, stats(), dataset="demo", synthetic=True)
    yield f
    engine.dispose()


def test_compiled_run_stores_intervals_and_reads_them_back(factory, monkeypatch) -> None:
    with unit_of_work(factory, actor="t") as s:
        run = service.compile_inventory(s, gwp="AR5")
    # the lineage names the edition the defaults were read from (the latest packaged one)
    assert run.factor_datasets.get("uncertainty") == defaults_ref().edition
    assert "uncertainty" in run.seconds

    def recompute(*args: object, **kwargs: object) -> None:
        raise AssertionError("stored intervals were recomputed")

    monkeypatch.setattr(analysis, "compile_uncertainty", recompute)
    with factory() as s:
        a1 = service.run_uncertainty(s, run.id, region_code="330603", year=2022,
                                     method="propagation")
        a2 = service.run_uncertainty(s, run.id, region_code="330603", year=2022,
                                     method="montecarlo")
        used = service.uncertainty_defaults_used(a1)
    assert a1["stored"].all() and a2["stored"].all()
    total = a1.set_index("category").loc["total"]
    assert total["pct"] > 0 and "activity/1.A" in total["default_ids"]
    assert (a2["iterations"] == 2000).all()
    assert {"activity/1.A", "factor/carbon_content"} <= set(used["id"])
    # Approach 2 was stored for the latest year only; another year is computed on request.
    with factory() as s, pytest.raises(AssertionError, match="recomputed"):
        service.run_uncertainty(s, run.id, region_code="330603", year=2021,
                                method="montecarlo")
