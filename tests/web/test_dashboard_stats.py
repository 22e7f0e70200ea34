"""The dashboard's key-statistics card on the demo database: values, provenance marks, badge."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tanzhi.config import Settings
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.kernel import make_engine, read_statistics
from tanzhi.web import create_app

from .conftest import csrf_of


@pytest.fixture(scope="module")
def demo_client(demo_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings)) as client:
        token = csrf_of(client.get("/login").text)
        r = client.post("/login", data={"username": "zj.admin", "password": DEMO_PASSWORD,
                                        "csrf_token": token, "next": "/"},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        yield client


@pytest.fixture(scope="module")
def shaoxing(demo_client: TestClient) -> dict:
    r = demo_client.get("/api/v1/dashboard?region=330600")
    assert r.status_code == 200, r.text
    return r.json()


def _rows(body: dict) -> dict[str, dict]:
    return {row["key"]: row for row in body["statistics"]["rows"]}


def test_json_twin_gives_the_stored_2020_values(shaoxing: dict, demo_settings: Settings) -> None:
    engine = make_engine(demo_settings)
    with Session(engine) as db:
        frame = read_statistics(db, region_codes=["330600"], years=[2020],
                                variables=["population", "gdp", "energy_total", "coal_industrial"])
    engine.dispose()
    stored = {(r.variable, r.item): r for r in frame.itertuples()}
    rows = _rows(shaoxing)
    for key, variable, item in (("population", "population", "total"),
                                ("gdp_current", "gdp", "current"),
                                ("gdp_constant", "gdp", "constant_2020"),
                                ("energy_total", "energy_total", ""),
                                ("coal_industrial", "coal_industrial", "")):
        got = rows[key]["values"]["2020"]
        want = stored[(variable, item)]
        assert got["value"] == want.value, key
        assert (rows[key]["unit"], got["dataset"], got["synthetic"]) == (
            want.unit, want.dataset, want.synthetic), key
    # Shaoxing's 2020 total is fixed by the plan (399.3 万tce clean energy = 16.5 %).
    assert rows["energy_total"]["values"]["2020"]["value"] == pytest.approx(2420.0, rel=1e-9)


def test_synthetic_and_stated_rows_are_told_apart(shaoxing: dict) -> None:
    rows = _rows(shaoxing)
    population = rows["population"]["values"]["2025"]
    assert (population["synthetic"], population["dataset"]) == (True, "demo")
    coal = rows["coal_industrial"]["values"]["2020"]
    assert coal == {"year": 2020, "value": 846.6, "synthetic": False,
                    "dataset": "seed:000_5b9c0dedd36a97f3", "computed": False,
                    "note": coal["note"]}
    assert "846.6 万吨" in coal["note"] and "line 33" in coal["note"]
    assert rows["share_nonfossil"]["values"]["2020"]["value"] == 2.8
    assert "share_coal" not in rows  # the Shaoxing plan states no coal share
    assert shaoxing["synthetic"] is True
    assert shaoxing["statistics"]["datasets"] == ["demo", "seed:000_5b9c0dedd36a97f3"]
    titles = [s["title_zh"] for s in shaoxing["provenance"]]
    assert any("docs/demo-model.md" in t for t in titles)
    assert "《绍兴市应对气候变化“十四五”规划》— 文中所列数据" in titles


def test_energy_intensity_is_computed_at_constant_prices(shaoxing: dict) -> None:
    rows = _rows(shaoxing)
    for year in ("2020", "2025"):
        energy = rows["energy_total"]["values"][year]["value"]
        gdp = rows["gdp_constant"]["values"][year]["value"]
        got = rows["energy_intensity"]["values"][year]
        assert got["value"] == pytest.approx(energy / gdp, rel=1e-12)
        assert (got["computed"], got["synthetic"], got["dataset"]) == (True, True, "computed")
    # In 2020 constant 2020 prices are current prices: the plan's 0.41 tce/万元 (Table 1).
    assert rows["energy_intensity"]["values"]["2020"]["value"] == pytest.approx(0.41, abs=5e-4)
    assert rows["intensity_stated_current"]["values"]["2020"]["value"] == 0.41


def test_chart_series_span_2015_to_2025(shaoxing: dict) -> None:
    stats = shaoxing["statistics"]
    assert stats["series_years"] == list(range(2015, 2026))
    assert len(stats["series"]["energy_total"]) == 11
    assert None not in stats["series"]["energy_total"] + stats["series"]["gdp_constant"]
    assert stats["series"]["energy_total"][5] == _rows(shaoxing)["energy_total"]["values"][
        "2020"]["value"]


def test_hangzhou_stated_energy_total_is_not_synthetic(demo_client: TestClient) -> None:
    rows = _rows(demo_client.get("/api/v1/dashboard?region=330100").json())
    total = rows["energy_total"]["values"]["2020"]
    assert (total["synthetic"], total["dataset"]) == (False, "seed:003_46e059fa6ebfa811")
    assert total["value"] == pytest.approx(4286, rel=1e-9)
    assert rows["share_coal"]["values"]["2020"]["value"] == 17.4


def test_html_card_shows_values_marks_and_badge(demo_client: TestClient) -> None:
    html = demo_client.get("/?region=330600").text
    assert 'id="key-stats"' in html and "主要指标" in html
    assert 'class="badge badge-synthetic"' in html  # page-level badge in the top bar
    assert 'class="mark mark-synthetic"' in html and 'class="mark mark-stated"' in html
    # 846.6 万吨 shown as 846.60 万 (unit 吨) with the plan's quote in the tooltip.
    assert '<span class="stat-value">846.60 万</span>' in html
    assert '规上工业煤炭消耗<small class="unit">原煤 · 吨</small>' in html
    assert 'title="规划文本数据 / stated in plan — 降至 2020年的 846.6 万吨' in html
    # Chinese only on the Chinese page (issue #11 item 7); the tooltips keep both.
    assert ">合成演示数据</span>" in html and "规划文本数据</span>" in html
    assert "docs/demo-model.md" in html
    english = demo_client.get("/?region=330600&lang=en").text
    assert "Key statistics" in english and "constant 2020 prices, computed" in english
    demo_client.get("/?lang=zh_CN")


def test_province_card_shows_its_stated_non_fossil_share(demo_client: TestClient) -> None:
    body = demo_client.get("/api/v1/dashboard?region=330000").json()
    assert body["statistics"] is not None
    assert _rows(body)["share_nonfossil"]["values"]["2020"]["value"] == 20
