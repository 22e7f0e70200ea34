"""The packaged non-CO2 factor dataset ipcc-2006-nonco2 (combustion CH4/N2O).

Edition 2026-11 (Tables 2.2 and 2.3, secondary transcription) stays as published; edition
2026-12 (issue #9) adds natural gas, 1.A.4 (Tables 2.4, 2.5) and 1.A.3 (Ch.3)."""

from __future__ import annotations

import pytest

from tanzhi.kernel.factors import (
    FACTORS_ROOT,
    check_factor,
    default_library,
    packaged_factors,
    packaged_items,
)
from tanzhi.kernel.gwp import canonical_gas
from tanzhi.kernel.provenance import dataset_dir, load_meta, verify_dataset

DATASET = "ipcc-2006-nonco2"
FACTORS = packaged_factors(DATASET, "2026-11")
BY_ID = {f.id: f for f in FACTORS}
LATEST = packaged_factors(DATASET)
LATEST_BY_ID = {f.id: f for f in LATEST}
SECTORS = {"1.A.1": "energy_industries", "1.A.2": "manufacturing_construction"}


def test_checksum_id_and_edition_verify() -> None:
    folder = dataset_dir(f"{FACTORS_ROOT}/{DATASET}", "2026-11")
    meta = verify_dataset(folder, dataset_id=f"{FACTORS_ROOT}/{DATASET}")
    assert (meta.id, meta.edition) == (DATASET, "2026-11")
    latest = verify_dataset(dataset_dir(f"{FACTORS_ROOT}/{DATASET}"),
                            dataset_id=f"{FACTORS_ROOT}/{DATASET}")
    assert latest.edition == "2026-12"
    assert "Table 2.2" in (meta.locator or "") and "Table 2.3" in (meta.locator or "")
    assert load_meta(folder).licence


def test_rows_parse_cite_and_are_provisional() -> None:
    assert len(FACTORS) == 108
    items = packaged_items()
    for f in FACTORS:
        assert check_factor(f) == [], f.id
        assert canonical_gas(f.gas) == f.gas in {"CH4", "N2O"}, f.id
        assert f.item in items, f.id
        assert f.parameter == "EF_combustion" and f.unit == f"kg{f.gas}/TJ", f.id
        assert f.id == f"{DATASET}/{f.item}/EF_combustion/{f.gas}/{f.variant}"
        assert SECTORS[f.category] == f.variant, f.id
        assert f.source and f.locator.startswith(("Table 2.2", "Table 2.3")), f.id
        # S (secondary transcription): shipped provisional, the note says why.
        assert f.confidence == "S" and f.provisional and f.note.startswith("provisional:"), f.id


def test_every_fuel_has_both_gases_in_both_sectors() -> None:
    fuels = {f.item for f in FACTORS}
    for item in fuels:
        for variant in SECTORS.values():
            for gas in ("CH4", "N2O"):
                assert f"{DATASET}/{item}/EF_combustion/{gas}/{variant}" in BY_ID
    assert "natural_gas" not in fuels and "lng" not in fuels  # see meta.yaml notes


@pytest.mark.parametrize(("item", "variant", "ch4", "n2o"), [
    # IPCC 2006 Vol.2 Table 2.2 (energy industries) and Table 2.3 (manufacturing), kg/TJ.
    ("bituminous_coal", "energy_industries", 1, 1.5),
    ("anthracite", "energy_industries", 1, 1.5),
    ("coke", "energy_industries", 1, 1.5),
    ("diesel", "energy_industries", 3, 0.6),
    ("fuel_oil", "energy_industries", 3, 0.6),
    ("lpg", "energy_industries", 1, 0.1),
    ("coke_oven_gas", "energy_industries", 1, 0.1),
    ("bituminous_coal", "manufacturing_construction", 10, 1.5),
    ("coke", "manufacturing_construction", 10, 1.5),
    ("diesel", "manufacturing_construction", 3, 0.6),
    ("blast_furnace_gas", "manufacturing_construction", 1, 0.1),
])
def test_table_values(item: str, variant: str, ch4: float, n2o: float) -> None:
    assert BY_ID[f"{DATASET}/{item}/EF_combustion/CH4/{variant}"].value == ch4
    assert BY_ID[f"{DATASET}/{item}/EF_combustion/N2O/{variant}"].value == n2o


def test_group_defaults_are_uniform() -> None:
    """Within one table every coal, every oil and every manufactured gas share one default,
    so the approximate fuel mappings (原煤 → coal) cannot pick a wrong row."""
    for variant in SECTORS.values():
        for gas in ("CH4", "N2O"):
            coal = {BY_ID[f"{DATASET}/{i}/EF_combustion/{gas}/{variant}"].value
                    for i in ("raw_coal", "anthracite", "bituminous_coal", "lignite",
                              "cleaned_coal", "other_washed_coal", "briquettes")}
            oil = {BY_ID[f"{DATASET}/{i}/EF_combustion/{gas}/{variant}"].value
                   for i in ("crude_oil", "gasoline", "kerosene", "diesel", "fuel_oil")}
            assert len(coal) == 1 and len(oil) == 1


def test_default_library_loads_the_dataset() -> None:
    assert DATASET in default_library().datasets()


# --- edition 2026-12 (issue #9) -----------------------------------------------------------

CATEGORY_TABLE = {"1.A.1": "Table 2.2", "1.A.2": "Table 2.3", "1.A.4.a": "Table 2.4",
                  "1.A.4.b": "Table 2.5", "1.A.4.c": "Table 2.5", "1.A.3": "Table 3."}


def test_latest_edition_keeps_the_old_rows_and_cites_each_new_one() -> None:
    assert set(BY_ID) <= set(LATEST_BY_ID)
    assert all(LATEST_BY_ID[k].value == f.value for k, f in BY_ID.items())
    for f in LATEST:
        assert check_factor(f) == [], f.id
        assert f.locator.startswith(CATEGORY_TABLE[f.category]), f.id
        # Every row of the 2026-12 edition, mobile (1.A.3) included, was compared with the IPCC
        # EFDB export (issue #9 item 9): confirmed, its EFDB record named in the locator.
        assert not f.provisional, f.id
        if f.category == "1.A.3":
            # Tier 1 mobile factors stand for the fuel's main mode; the note says so.
            assert "mode" in f.note, f.id


@pytest.mark.parametrize(("item", "category", "ch4", "n2o"), [
    # IPCC 2006 Vol.2 Tables 2.2-2.5 (EFDB EF IDs 117696/117750, 118020/118074, 118167 …)
    ("natural_gas", "1.A.1", 1, 0.1),
    ("natural_gas", "1.A.2", 1, 0.1),
    ("natural_gas", "1.A.4.a", 5, 0.1),
    ("natural_gas", "1.A.4.b", 5, 0.1),
    ("raw_coal", "1.A.4.a", 10, 1.5),
    ("raw_coal", "1.A.4.b", 300, 1.5),
    ("raw_coal", "1.A.4.c", 300, 1.5),
    ("diesel", "1.A.4.c", 10, 0.6),
    ("lpg", "1.A.4.b", 5, 0.1),
    # Ch.3: road (Table 3.2.2), aviation (Table 3.6.5), navigation (Table 3.5.3)
    ("gasoline", "1.A.3", 33, 3.2),
    ("diesel", "1.A.3", 3.9, 3.9),
    ("natural_gas", "1.A.3", 92, 3),
    ("kerosene", "1.A.3", 0.5, 2),
    ("fuel_oil", "1.A.3", 7, 2),
])
def test_new_families_resolve_by_category(item: str, category: str, ch4: float,
                                          n2o: float) -> None:
    lib = default_library()
    sub = category + ".b" if category == "1.A.3" else category  # applies below its category
    for gas, value in (("CH4", ch4), ("N2O", n2o)):
        f = lib.lookup(item=item, parameter="EF_combustion", gas=gas, category=sub)
        assert (f.dataset, f.value) == (DATASET, value), f.id
