"""IPCC 2006 categories from climate-categories, Chinese names and the guideline's five sectors."""

from __future__ import annotations

import climate_categories
import pytest

from tanzhi.kernel.categories import Sector, ipcc_category, is_category, list_categories
from tanzhi.kernel.errors import DataError, Location
from tanzhi.kernel.provenance import read_dataset

ENERGY = ["1.A.1.a", "1.A.1.b", "1.A.1.c", "1.A.2", "1.A.3", "1.A.4", "1.A.5", "1.B.1", "1.B.2"]
IPPU = (["2.A.1", "2.A.2", "2.A.3", "2.A.4"] + [f"2.B.{i}" for i in range(1, 10)]
        + ["2.C", "2.F", "2.G"])
AGRICULTURE = ["3.A.1", "3.A.2", "3.C.3", "3.C.4", "3.C.5", "3.C.7"]
LUCF = [f"3.B.{i}" for i in range(1, 7)]
WASTE = ["4.A", "4.B", "4.C", "4.D"]


@pytest.mark.parametrize(("codes", "sector"), [
    (ENERGY, Sector.ENERGY), (IPPU, Sector.INDUSTRIAL_PROCESSES),
    (AGRICULTURE, Sector.AGRICULTURE), (LUCF, Sector.LUCF), (WASTE, Sector.WASTE),
])
def test_inventory_categories_map_to_the_five_sectors(codes: list[str], sector: Sector) -> None:
    for code in codes:
        category = ipcc_category(code)
        assert category.sector is sector, code
        assert category.sector_en == sector.name_en
        assert category.name_zh, code


def test_known_names() -> None:
    rice = ipcc_category("3.C.7")
    assert (rice.name_en, rice.name_zh, rice.sector_zh) == ("Rice Cultivations", "水稻种植", "农业")
    power = ipcc_category("1.A.1.a")
    assert power.name_zh == "主要活动电力和热力生产"
    assert power.parent_code == "1.A.1"
    assert ipcc_category("2.A.1").name_zh == "水泥生产"
    assert ipcc_category("4.D").sector_en == "Waste"


def test_afolu_aggregates_span_two_sectors() -> None:
    # IPCC 2006 sector 3 holds both the guideline's agriculture and its LUCF sector.
    assert ipcc_category("3").sector is None
    assert ipcc_category("3.C").sector is None
    assert ipcc_category("3.C.1.a").sector is Sector.LUCF
    assert ipcc_category("3.C.1.b").sector is Sector.AGRICULTURE


def test_compact_codes_resolve_to_dotted_codes() -> None:
    assert ipcc_category("1A1a").code == "1.A.1.a"
    assert ipcc_category(" 2B9 ").code == "2.B.9"


def test_unknown_code_is_a_data_error_with_location() -> None:
    with pytest.raises(DataError) as info:
        ipcc_category("9.Z.1", location=Location("a.csv", 4, "category"))
    problem = info.value.problems[0]
    assert "9.Z.1" in problem.message_zh and "not an IPCC 2006 category" in problem.message_en
    assert (problem.location.row, problem.location.column) == (4, "category")
    assert not is_category("1.A.9")
    assert is_category("1.A.5")


def test_packaged_codes_are_exactly_climate_categories() -> None:
    frame, meta = read_dataset("categories/provincial-guideline", dtype=str)  # checks sha256
    package_codes = {c.codes[0] for c in climate_categories.IPCC2006.values()}
    assert set(frame["code"]) == package_codes
    assert frame["name_zh"].str.len().min() > 0
    assert meta.id == "provincial-guideline"


def test_list_by_sector() -> None:
    everything = list_categories()
    assert len(everything) == 290
    waste = list_categories(sector="废弃物处理")
    assert {c.code for c in waste} >= set(WASTE)
    assert all(c.sector is Sector.WASTE for c in waste)
