"""The keyed-join factor path gives exactly the per-row path's rows (issue #9, item 10).

The per-row path is the one `attach_factors` took before: each row's own region in the lookup
key, one lookup per distinct key.  The keyed join collapses regions the library cannot tell
apart before building the key table; on the demo statistics both must give the same rows and
values to 1e-12 relative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tanzhi.demo.calc import generate
from tanzhi.inventory.calc.activity import FactorSpec, attach_factors
from tanzhi.inventory.model import InventoryOptions
from tanzhi.inventory.service.compute import FastCache, compute_rows
from tanzhi.inventory.service.mapping import STATISTICS_VARIANTS, statistics_to_activity
from tanzhi.kernel import default_library, packaged_regions


class PerRowCache(FastCache):
    """Every row's own region in the key, as before the keyed join."""

    def region_keys(self, codes: pd.Series) -> pd.Series:
        return codes.astype(object)


@pytest.fixture(scope="module")
def demo_city() -> pd.DataFrame:
    """Hangzhou and its districts and counties, 2019–2021, from the demo generator."""
    regions = packaged_regions()
    act = statistics_to_activity(generate(regions))
    city = {r.code for r in regions if r.code == "330100" or r.parent_code == "330100"}
    act = act.loc[act["region_code"].isin(city) & act["year"].between(2019, 2021)]
    return act.assign(activity_id=np.arange(len(act)).astype(str)).reset_index(drop=True)


def test_keyed_join_equals_per_row_path_on_the_demo(demo_city: pd.DataFrame) -> None:
    lib = default_library()
    opts = InventoryOptions(variants=STATISTICS_VARIANTS)
    keyed = compute_rows(demo_city, lib, gwp="AR5", options=opts).rows
    per_row = compute_rows(demo_city, lib, gwp="AR5", options=opts, cache_type=PerRowCache).rows
    assert len(keyed) > 1000
    pd.testing.assert_frame_equal(keyed, per_row, rtol=1e-12, check_exact=False)
    assert keyed["emissions_t"].notna().sum() > len(keyed) // 2


def test_each_distinct_key_is_resolved_once() -> None:
    """1,000 rows over two fuels and one year ask the library twice, not 1,000 times."""

    class Counting:
        calls = 0

        def lookup(self, *, item, parameter, **_):
            Counting.calls += 1
            return default_library().lookup(item=item, parameter=parameter)

    frame = pd.DataFrame({"region_code": "330100", "year": 2020, "category": "1.A.1",
                          "item": ["raw_coal", "coke"] * 500, "activity_unit": "t"})
    out = attach_factors(frame, Counting(), [FactorSpec("ncv", "ncv", ("GJ/{activity_unit}",))])
    assert Counting.calls == 2
    coal = default_library().by_id("cn-prov-2011/raw_coal/ncv").value_in("GJ/t")
    assert out.loc[0, "ncv"] == pytest.approx(coal, rel=1e-12)
